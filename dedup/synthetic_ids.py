"""Identifiers for synthetic members: Aadhaar, mobile, bank account and IFSC, and their written forms.

Aadhaar numbers are valid (first digit 2-9, Verhoeff check digit). The check digit is computed
over whole numpy arrays with the same Verhoeff tables ekyc.aadhaar validates with (one copy of
the table in the project); tests cross-check every number with ekyc.aadhaar.verhoeff_checksum_ok.
"""
from __future__ import annotations

import re

import numpy as np

from ekyc import aadhaar as _aadhaar

_STR = np.dtypes.StringDType()

_D = np.array(_aadhaar._D, np.int8)
_P = np.array(_aadhaar._P, np.int8)
_INV = np.array(_aadhaar._INV, np.int8)


def verhoeff_check_digits(digits: np.ndarray) -> np.ndarray:
    """Check digit for each row of an (n, k) array of digits (vectorised verhoeff_check_digit)."""
    c = np.zeros(len(digits), np.int8)
    k = digits.shape[1]
    for i in range(k):
        c = _D[c, _P[(i + 1) % 8, digits[:, k - 1 - i]]]
    return _INV[c]


def aadhaar_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    """n distinct valid Aadhaar numbers as int64 (two women never share one)."""
    out = np.empty(0, np.int64)
    while len(out) < n:
        m = int((n - len(out)) * 1.01) + 8
        d = rng.integers(0, 10, (m, 11), dtype=np.int8)
        d[:, 0] = rng.integers(2, 10, m)
        check = verhoeff_check_digits(d)
        full = np.concatenate([d, check[:, None]], axis=1).astype(np.int64)
        values = full @ (10 ** np.arange(11, -1, -1, dtype=np.int64))
        out = distinct(np.concatenate([out, values]))
    return rng.permutation(out)[:n]


def distinct(a: np.ndarray) -> np.ndarray:
    """Sorted distinct values (sort-based: numpy's hash-based unique is slower on big int arrays)."""
    s = np.sort(a)
    return s[np.concatenate([[True], s[1:] != s[:-1]])] if len(s) else s


def unique_numbers(rng: np.random.Generator, n: int, lo: int, hi: int,
                   exclude: np.ndarray | None = None) -> np.ndarray:
    """n distinct random integers in [lo, hi)."""
    out = np.empty(0, np.int64)
    while len(out) < n:
        cand = rng.integers(lo, hi, int((n - len(out)) * 1.02) + 8, dtype=np.int64)
        out = distinct(np.concatenate([out, cand]))
        if exclude is not None:
            out = out[~np.isin(out, exclude)]
    return rng.permutation(out)[:n]


def mobile_numbers(rng: np.random.Generator, n: int, exclude: np.ndarray | None = None) -> np.ndarray:
    """n distinct 10-digit Indian mobiles (9, 8, 7 and 6 series in rough market shares),
    none of them in exclude."""
    out = np.empty(0, np.int64)
    while len(out) < n:
        m = int((n - len(out)) * 1.02) + 8
        first = rng.choice(np.array([9, 8, 7, 6], np.int64), size=m, p=[0.38, 0.3, 0.22, 0.1])
        cand = first * 1_000_000_000 + rng.integers(0, 1_000_000_000, m, dtype=np.int64)
        out = distinct(np.concatenate([out, cand]))
        if exclude is not None and len(exclude):
            out = out[~np.isin(out, exclude)]
    return rng.permutation(out)[:n]


_LETTERS = np.array(list("ABCDEFGHJKLMNPRSTUVWXYZ"), dtype=_STR)


def fill_template(rng: np.random.Generator, template: str, n: int) -> np.ndarray:
    """Fill '#' with digits and '@' with capital letters (IFSC branch codes, account numbers);
    an object array of n strings."""
    out = np.full(n, "", dtype=_STR)
    for part in re.findall(r"#+|@+|[^#@]+", template):
        if part[0] == "#":
            for i in range(0, len(part), 18):  # int64 holds 18 digits
                k = min(18, len(part) - i)
                digits = rng.integers(0, 10 ** k, n, dtype=np.int64).astype(_STR)
                out = np.strings.add(out, np.strings.zfill(digits, k))
        elif part[0] == "@":
            for _ in part:
                out = np.strings.add(out, _LETTERS[rng.integers(0, len(_LETTERS), n)])
        else:
            out = np.strings.add(out, part)
    return out.astype(object)


# ---------------------------------------------------------------- written forms

def _digits(numbers: np.ndarray, width: int) -> np.ndarray:
    return np.strings.zfill(np.asarray(numbers, np.int64).astype(_STR), width)


def _cut(t: np.ndarray, a: int, b: int) -> np.ndarray:
    return np.strings.slice(t, a, b)


def format_aadhaar(numbers: np.ndarray, style: np.ndarray) -> np.ndarray:
    """style 0 '234567890123', 1 '2345 6789 0123', 2 '2345-6789-0123'."""
    t = _digits(numbers, 12)
    out = t.copy()
    for st, sep in ((1, " "), (2, "-")):
        m = style == st
        if m.any():
            x = t[m]
            out[m] = np.strings.add(np.strings.add(np.strings.add(np.strings.add(
                _cut(x, 0, 4), sep), _cut(x, 4, 8)), sep), _cut(x, 8, 12))
    return out.astype(object)


_MASKS = ("XXXX XXXX ", "xxxxxxxx", "XXXXXXXX", "********", "XXXX-XXXX-")


def format_masked(numbers: np.ndarray, style: np.ndarray) -> np.ndarray:
    last4 = _digits(np.asarray(numbers, np.int64) % 10000, 4)
    return np.strings.add(np.array(_MASKS, dtype=_STR)[style], last4).astype(object)


def one_digit_wrong(rng: np.random.Generator, numbers: np.ndarray, width: int = 12,
                    first: int = 0) -> np.ndarray:
    """The same number with one of its digits (from position `first` on) mistyped.
    For Aadhaar any digit: Verhoeff catches every such slip."""
    pos = rng.integers(first, width, len(numbers))
    place = 10 ** (width - 1 - pos).astype(np.int64)
    digit = (numbers // place) % 10
    new = (digit + rng.integers(1, 10, len(numbers))) % 10
    return numbers + (new - digit) * place


_MOBILE_PREFIX = ("", "+91 ", "+91", "0", "", "+91-", "91")


def format_mobile(numbers: np.ndarray, style: np.ndarray) -> np.ndarray:
    """'9812345678', '+91 9812345678', '+919812345678', '09812345678', '+91-...', '91...',
    '98123 45678' (style 7)."""
    t = _digits(numbers, 10)
    out = np.strings.add(np.array(_MOBILE_PREFIX + ("",), dtype=_STR)[style], t)
    m = style == 7
    if m.any():
        out[m] = np.strings.add(np.strings.add(_cut(t[m], 0, 5), " "), _cut(t[m], 5, 10))
    return out.astype(object)


DOB_STYLES = ("YYYY-MM-DD", "DD/MM/YYYY", "DD-MM-YYYY", "DD.MM.YYYY", "D/M/YYYY")


def format_dates(y: np.ndarray, m: np.ndarray, d: np.ndarray, style: np.ndarray) -> np.ndarray:
    """Dates as MIS exports write them (DOB_STYLES)."""
    yy = _digits(y, 4)
    mm = _digits(m, 2)
    dd = _digits(d, 2)
    out = np.empty(len(yy), dtype=_STR)

    def join(*parts):
        acc = parts[0]
        for x in parts[1:]:
            acc = np.strings.add(acc, x)
        return acc

    for st in range(len(DOB_STYLES)):
        k = style == st
        if not k.any():
            continue
        if st == 0:
            out[k] = join(yy[k], "-", mm[k], "-", dd[k])
        elif st == 4:
            out[k] = join(np.asarray(d)[k].astype(_STR), "/", np.asarray(m)[k].astype(_STR), "/", yy[k])
        else:
            sep = "/-."[st - 1]
            out[k] = join(dd[k], sep, mm[k], sep, yy[k])
    return out.astype(object)
