"""Identifiers for synthetic members: Aadhaar, mobile, bank account and IFSC, and their written forms.

Aadhaar numbers are valid (first digit 2-9, Verhoeff check digit). The check digit is computed
over whole numpy arrays with the same Verhoeff tables ekyc.aadhaar validates with (one copy of
the table in the project); tests cross-check every number with ekyc.aadhaar.verhoeff_checksum_ok.
"""
from __future__ import annotations

import numpy as np

from ekyc import aadhaar as _aadhaar

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
        out = np.unique(np.concatenate([out, values]))
    return rng.permutation(out)[:n]


def unique_numbers(rng: np.random.Generator, n: int, lo: int, hi: int,
                   exclude: np.ndarray | None = None) -> np.ndarray:
    """n distinct random integers in [lo, hi)."""
    out = np.empty(0, np.int64)
    while len(out) < n:
        cand = rng.integers(lo, hi, int((n - len(out)) * 1.02) + 8, dtype=np.int64)
        out = np.unique(np.concatenate([out, cand]))
        if exclude is not None:
            out = np.setdiff1d(out, exclude)
    return rng.permutation(out)[:n]


def mobile_numbers(rng: np.random.Generator, n: int, exclude: np.ndarray | None = None) -> np.ndarray:
    """n distinct 10-digit Indian mobiles (9, 8, 7 and 6 series in rough market shares),
    none of them in exclude."""
    out = np.empty(0, np.int64)
    while len(out) < n:
        m = int((n - len(out)) * 1.02) + 8
        first = rng.choice(np.array([9, 8, 7, 6], np.int64), size=m, p=[0.38, 0.3, 0.22, 0.1])
        cand = first * 1_000_000_000 + rng.integers(0, 1_000_000_000, m, dtype=np.int64)
        out = np.unique(np.concatenate([out, cand]))
        if exclude is not None and len(exclude):
            out = np.setdiff1d(out, exclude)
    return rng.permutation(out)[:n]


def fill_template(rng: np.random.Generator, template: str, n: int) -> list[str]:
    """Fill '#' with digits and '@' with capital letters (IFSC branch codes, account numbers)."""
    cols = []
    for ch in template:
        if ch == "#":
            cols.append(rng.integers(0, 10, n).astype(str).astype(object))
        elif ch == "@":
            cols.append(np.array(list("ABCDEFGHJKLMNPRSTUVWXYZ"), object)[rng.integers(0, 23, n)])
        else:
            cols.append(np.full(n, ch, object))
    if not cols:
        return [""] * n
    out = cols[0]
    for c in cols[1:]:
        out = out + c
    return list(out)


# ---------------------------------------------------------------- written forms

def format_aadhaar(numbers: np.ndarray, style: np.ndarray) -> list[str]:
    """style 0 '234567890123', 1 '2345 6789 0123', 2 '2345-6789-0123'."""
    out = []
    for x, s in zip(numbers.tolist(), style.tolist()):
        t = f"{x:012d}"
        out.append(t if s == 0 else (f"{t[:4]} {t[4:8]} {t[8:]}" if s == 1 else f"{t[:4]}-{t[4:8]}-{t[8:]}"))
    return out


_MASKS = ("XXXX XXXX {}", "xxxxxxxx{}", "XXXXXXXX{}", "********{}", "XXXX-XXXX-{}")


def format_masked(numbers: np.ndarray, style: np.ndarray) -> list[str]:
    return [_MASKS[s].format(f"{x % 10000:04d}") for x, s in zip(numbers.tolist(), style.tolist())]


def one_digit_wrong(rng: np.random.Generator, numbers: np.ndarray) -> np.ndarray:
    """The same number with one digit mistyped: Verhoeff catches every such slip."""
    pos = rng.integers(0, 12, len(numbers))
    place = 10 ** (11 - pos).astype(np.int64)
    digit = (numbers // place) % 10
    new = (digit + rng.integers(1, 10, len(numbers))) % 10
    return numbers + (new - digit) * place


_MOBILE_FORMATS = ("{}", "+91 {}", "+91{}", "0{}", "{} ", "+91-{}", "91{}")


def format_mobile(numbers: np.ndarray, style: np.ndarray) -> list[str]:
    out = []
    for x, s in zip(numbers.tolist(), style.tolist()):
        t = f"{x:010d}"
        if s == 7:
            out.append(f"{t[:5]} {t[5:]}")
        else:
            out.append(_MOBILE_FORMATS[s].format(t).strip())
    return out


DOB_FORMATS = ("{y:04d}-{m:02d}-{d:02d}", "{d:02d}/{m:02d}/{y:04d}", "{d:02d}-{m:02d}-{y:04d}",
               "{d:02d}.{m:02d}.{y:04d}", "{d}/{m}/{y:04d}")


def format_dates(y: np.ndarray, m: np.ndarray, d: np.ndarray, style: np.ndarray) -> list[str]:
    return [DOB_FORMATS[s].format(y=a, m=b, d=c)
            for a, b, c, s in zip(y.tolist(), m.tolist(), d.tolist(), style.tolist())]
