"""Import legacy MIS exports (members, CBOs, memberships): validate, tokenise, keep everything.

Two kinds of problems, reported differently (the lead's design):

* A **rejected row** cannot be matched at all -- no member ID, no name, an ID
  already used by an earlier row, or a row whose values do not line up with
  the header. It goes to ``*_rejects.csv`` with all its original columns plus
  ``row``, ``column`` and ``reason``, so the officer can fix it and import it again.
* A **field problem** (Aadhaar with a wrong check digit, a 9-digit mobile,
  31/02/1985, ...) keeps the row: only that field is left blank for matching,
  and ``*_issues.csv`` says which row, column and why.

Privacy: Aadhaar and bank account columns are turned into keyed tokens + last 4
digits as the very first step of each chunk, and the raw columns are overwritten
with their masked form ("XXXX XXXX 1234", "XXXXXX5678") before anything else
reads them, so nothing downstream -- rejects, issues, logs, the clean Parquet --
can see a full number. Long digit runs in other text cells are hidden too.

Speed and memory: rows are processed per chunk with pandas and every check runs
once per *distinct* value of a column (dates, villages, genders repeat a lot;
Aadhaar does not, and is still one HMAC per value). Pydantic describes the
records we hand out (:class:`FieldIssue`, :class:`RowReject`,
:class:`ImportSummary`, :class:`CleanMember`) rather than being instantiated per
input row, which would make a 10-lakh-row import take minutes.

Output files are written under temporary names and renamed at the end, so an
interrupted run never leaves a file that looks complete.
"""
from __future__ import annotations

import csv
import gc
import itertools
import logging
import os
import re
import tempfile
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Iterator, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from pydantic import BaseModel, Field

from dedup.cells import LONG_DIGITS, LONG_DIGITS_ARROW, SEPARATORS, SEPARATORS_ARROW, scrub
from dedup.dates import parse_date
from dedup.header_aliases import (REQUIRED, alias_lookup, example_headers, looks_like,
                                  resolve_header, resolve_headers)
from dedup.mobile import normalise_mobile
from dedup.readers import EXTRA_FIELDS, Chunk, ExportFileError, Table, frame_table, open_table
from dedup.schema import CLEAN_MEMBER_COLUMNS
from ekyc.aadhaar import AadhaarKind, parse_aadhaar
from ekyc.bank import parse_bank
from ekyc.keys import token_key
from ekyc.tokens import make_token

__all__ = [
    "ExportFileError", "ImportResult", "CboImportResult", "MembershipImportResult",
    "import_members", "import_cbos", "import_memberships", "read_members_frame",
    "FieldIssue", "RowReject", "ImportSummary", "CleanMember", "MIN_AGE", "MAX_AGE",
]

log = logging.getLogger(__name__)

MIN_AGE, MAX_AGE = 10, 110
NULL_TEXTS = frozenset({"", "null", "none", "nan", "nat", "na", "n/a", "n.a.", "-", "--", "nil"})
HIDDEN = "(invalid, hidden)"
OUTPUT_FILES = {
    "members": ("members.parquet", "members_rejects.csv", "members_issues.csv"),
    "cbos": ("cbos.parquet", "cbos_rejects.csv", "cbos_issues.csv"),
    "memberships": ("memberships.parquet", "memberships_rejects.csv", "memberships_issues.csv"),
}
LABELS = {
    "member_id": "member ID", "member_name": "member name", "cbo_id": "CBO ID",
    "cbo_name": "CBO name", "cbo_type": "CBO type", "relation_type": "relation",
    "relation_name": "husband/father name", "dob": "date of birth", "bank_account": "account number",
    "aadhaar": "Aadhaar", "ifsc": "IFSC", "parent_id": "parent ID", "formation_date": "formation date",
}
ID_FIELDS = frozenset({"member_id", "shg_id", "cbo_id", "parent_id"})
LOCATION_FIELDS = ("state", "district", "block", "panchayat", "village")

_EXCEL_SCI = re.compile(r"^\d(?:\.\d+)?[eE]\+?\d+$")
LONG_NUMBER_HIDDEN = "a long number (Aadhaar or account?) in this text was hidden"
EXCEL_LOST_DIGITS = ("this number is in 1.2E+15 form and has lost digits (Excel, or a number "
                     "column in the export): format the column as Text and export again")


# --------------------------------------------------------------------------- records (pydantic)

class FieldIssue(BaseModel):
    """One line of *_issues.csv: the row is kept, this field is blank for matching."""

    row: int = Field(ge=1, description="row number as seen in Excel / the CSV (header = row 1)")
    record_id: str | None = Field(None, description="member_id / cbo_id of the row")
    column: str = Field(description="the column header as written in the file")
    field: str = Field(description="the Pehchaan column it maps to")
    value: str = Field(description="the value, masked when it is Aadhaar or an account number")
    reason: str
    severity: Literal["warning"] = "warning"


class RowReject(BaseModel):
    """The reason part of one line of *_rejects.csv (the rest is the original row, masked)."""

    row: int = Field(ge=1)
    column: str
    reason: str


class ImportSummary(BaseModel):
    kind: Literal["members", "cbos", "memberships"]
    source: str
    file_format: str
    encoding: str | None
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    field_issues: int
    blank_rows: int
    top_reject_reasons: list[tuple[str, int]]
    top_issue_reasons: list[tuple[str, int]]
    unused_columns: list[str]
    notes: list[str]
    output_path: str
    rejects_path: str
    issues_path: str


class CleanMember(BaseModel):
    """The contract of one row of members.parquet (dedup/schema.py CLEAN_MEMBER_COLUMNS)."""

    member_id: str = Field(min_length=1)
    source_row: int = Field(ge=1)
    state: str | None = None
    district: str | None = None
    block: str | None = None
    panchayat: str | None = None
    village: str | None = None
    shg_id: str | None = None
    shg_name: str | None = None
    member_name: str = Field(min_length=1)
    relation_type: Literal["father", "husband", "mother", "guardian"] | None = None
    relation_name: str | None = None
    gender: Literal["F", "M", "T"] | None = None
    dob: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    yob: int | None = Field(None, ge=1800, le=2200)
    age: int | None = Field(None, ge=MIN_AGE, le=MAX_AGE)
    mobile: str | None = Field(None, pattern=r"^[6-9]\d{9}$")
    aadhaar_kind: Literal["full", "vid", "masked", "invalid", "missing"]
    aadhaar_token: str | None = None
    aadhaar_last4: str | None = Field(None, pattern=r"^\d{4}$")
    bank_token: str | None = None
    bank_last4: str | None = Field(None, pattern=r"^\d{4}$")
    ifsc: str | None = Field(None, pattern=r"^[A-Z]{4}0[A-Z0-9]{6}$")


# --------------------------------------------------------------------------- results

@dataclass
class TableImportResult:
    output_path: Path            # clean Parquet
    rejects_path: Path           # always written, possibly header-only
    issues_path: Path            # always written, possibly header-only
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    field_issues: int
    kind: str = "members"
    source: Path | None = None
    file_format: str = ""
    encoding: str | None = None
    blank_rows: int = 0
    chunks: int = 0              # chunks processed (memory is bounded by the largest one)
    max_chunk_rows: int = 0
    reject_reasons: Counter = field(default_factory=Counter)
    issue_reasons: Counter = field(default_factory=Counter)
    unused_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def load(self) -> pd.DataFrame:
        return _to_pandas(pq.read_table(self.output_path))

    def load_rejects(self) -> pd.DataFrame:
        return pd.read_csv(self.rejects_path, dtype=str, keep_default_na=False, encoding="utf-8-sig")

    def load_issues(self) -> pd.DataFrame:
        return pd.read_csv(self.issues_path, dtype=str, keep_default_na=False, encoding="utf-8-sig")

    def summary(self) -> ImportSummary:
        return ImportSummary(
            kind=self.kind, source=str(self.source), file_format=self.file_format,
            encoding=self.encoding, rows_read=self.rows_read, rows_accepted=self.rows_accepted,
            rows_rejected=self.rows_rejected, field_issues=self.field_issues,
            blank_rows=self.blank_rows, top_reject_reasons=self.reject_reasons.most_common(10),
            top_issue_reasons=self.issue_reasons.most_common(10),
            unused_columns=self.unused_columns, notes=self.notes, output_path=str(self.output_path),
            rejects_path=str(self.rejects_path), issues_path=str(self.issues_path))


class ImportResult(TableImportResult):
    """Result of :func:`import_members`."""

    @property
    def members_path(self) -> Path:
        return self.output_path


class CboImportResult(TableImportResult):
    @property
    def cbos_path(self) -> Path:
        return self.output_path


class MembershipImportResult(TableImportResult):
    @property
    def memberships_path(self) -> Path:
        return self.output_path


# --------------------------------------------------------------------------- schemas

_S, _I32, _I64 = pa.string(), pa.int32(), pa.int64()
MEMBER_SCHEMA = pa.schema([(c, {"source_row": _I64, "yob": _I32, "age": _I32}.get(c, _S))
                           for c in CLEAN_MEMBER_COLUMNS])
CLEAN_CBO_COLUMNS = ["cbo_id", "source_row", "cbo_type", "cbo_name", "state", "district", "block",
                     "panchayat", "village", "parent_id", "parent_status", "formation_date",
                     "bank_token", "bank_last4", "ifsc"]
CBO_SCHEMA = pa.schema([(c, _I64 if c == "source_row" else _S) for c in CLEAN_CBO_COLUMNS])
CLEAN_MEMBERSHIP_COLUMNS = ["cbo_id", "member_id", "source_row"]
MEMBERSHIP_SCHEMA = pa.schema([("cbo_id", _S), ("member_id", _S), ("source_row", _I64)])
CBO_TYPES = ("SHG", "VO", "CLF")
PARENT_TYPE = {"SHG": "VO", "VO": "CLF", "CLF": None}


def _to_pandas(table: pa.Table) -> pd.DataFrame:
    mapping = {_I32: pd.Int32Dtype(), _I64: pd.Int64Dtype()}
    return table.to_pandas(types_mapper=mapping.get)


# --------------------------------------------------------------------------- value rules

def _key(value: str) -> str:
    return re.sub(r"[\s.\-_]+", "", value.casefold())


_GENDER = {}
for _code, _words in {
    "F": ["f", "female", "w", "woman", "women", "fem", "mahila", "stree", "stri", "aurat",
          "महिला", "स्त्री", "औरत", "नारी", "মহিলা", "নারী", "ମହିଳା", "ସ୍ତ୍ରୀ", "સ્ત્રી", "મહિલા",
          "ਔਰਤ", "ਇਸਤਰੀ", "ਮਹਿਲਾ", "பெண்", "స్త్రీ", "మహిళ", "ಮಹಿಳೆ", "ಸ್ತ್ರೀ", "സ്ത്രീ"],
    "M": ["m", "male", "man", "purush", "पुरुष", "आदमी", "পুরুষ", "ପୁରୁଷ", "પુરુષ", "ਪੁਰਸ਼", "ਮਰਦ",
          "ஆண்", "పురుషుడు", "ಪುರುಷ", "പുരുഷൻ"],
    "T": ["t", "tg", "transgender", "third gender", "thirdgender", "other", "others", "o",
          "ट्रांसजेंडर", "किन्नर", "तृतीय लिंग", "উভলিঙ্গ", "ତୃତୀୟ ଲିଙ୍ଗ"],
}.items():
    for _w in _words:
        _GENDER[_key(_w)] = _code

# relation_type says who relation_name is *to the member*: "W/O Ramesh" -> Ramesh is the husband.
_RELATION = {}
for _rel, _words in {
    # members are women: a "spouse" is her husband
    "husband": ["h", "husband", "pati", "w/o", "wo", "wife of", "wife", "spouse", "पति", "पत्नी", "स्वामी",
                "স্বামী", "স্বামীর", "ସ୍ୱାମୀ", "પતિ", "ਪਤੀ", "கணவர்", "భర్త", "ಪತಿ", "ಗಂಡ", "ഭർത്താവ്",
                "ഭര്‍ത്താവ്"],  # Malayalam in the older chillu encoding (with a joiner)
    "father": ["f", "father", "pita", "s/o", "so", "son of", "d/o", "do", "daughter of",
               "पिता", "पुत्री", "बेटी", "पुत्र", "পিতা", "বাবা", "ପିତା", "ବାପା", "પિતા", "ਪਿਤਾ",
               "পিতৃ", "পিতার", "தந்தை", "తండ్రి", "ತಂದೆ", "അച്ഛൻ", "പിതാവ്"],
    "mother": ["m", "mother", "mata", "maa", "माता", "माँ", "मां", "মা", "মাতা", "ମା", "માતા",
               "ਮਾਤਾ", "தாய்", "తల్లి", "ತಾಯಿ", "അമ്മ"],
    "guardian": ["g", "guardian", "c/o", "co", "care of", "अभिभावक", "संरक्षक"],
}.items():
    for _w in _words:
        _RELATION[_key(_w)] = _rel

_CBO_TYPE = {_key(w): t for t, ws in {
    "SHG": ["shg", "self help group", "self-help group", "swayam sahayata samuh", "स्वयं सहायता समूह"],
    "VO": ["vo", "village organisation", "village organization", "ग्राम संगठन"],
    "CLF": ["clf", "cluster level federation", "cluster federation", "संकुल स्तरीय संघ"],
}.items() for w in ws}

_AGE = re.compile(r"^(\d{1,3})(?:\.0+)?\s*(?:years?|yrs?\.?|y|वर्ष|साल)?$", re.IGNORECASE)


def _is_null(v: str) -> bool:
    return v.strip().lower() in NULL_TEXTS


def _text(v: str) -> tuple[str | None, str | None]:
    """Stripped text or None; a long digit run (an Aadhaar typed in a name?) is hidden."""
    t = v.strip()
    if t.lower() in NULL_TEXTS:
        return None, None
    if LONG_DIGITS.search(t):
        return scrub(t), LONG_NUMBER_HIDDEN
    return t, None


_NULL_ARROW = pa.array(sorted(NULL_TEXTS))


def _texts(values: np.ndarray, hide_long_numbers: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised :func:`_text` for a whole column (pyarrow compute: names and ids rarely repeat).

    hide_long_numbers=False for ID columns: a 14-digit member ID is an ID, not an Aadhaar,
    and hiding digits would make two different IDs look the same (an ID that holds a valid
    Aadhaar number is replaced by a token instead: :func:`id_text`)."""
    n = len(values)
    if n == 0:
        return _none(0), _none(0)
    arr = pc.utf8_trim_whitespace(pa.array(values, type=pa.string(), from_pandas=True))
    is_null = pc.fill_null(pc.is_in(pc.utf8_lower(arr), value_set=_NULL_ARROW), True)
    fixed = pc.if_else(is_null, pa.scalar(None, pa.string()), arr).to_numpy(zero_copy_only=False)
    why = _none(n)
    if not hide_long_numbers:
        return _ids(fixed.astype(object))
    long_idx = np.flatnonzero(pc.fill_null(pc.match_substring_regex(arr, LONG_DIGITS_ARROW), False)
                              .to_numpy(zero_copy_only=False))
    for i in long_idx:
        fixed[i], why[i] = _text(fixed[i])
    return fixed.astype(object), why


# 12 digits, separated as dedup/cells.py reads long numbers, in any script's digits
_AADHAAR_IN_ID = re.compile(rf"(?<!\d)(\d{{4}}){SEPARATORS}(\d{{4}}){SEPARATORS}(\d{{4}})(?!\d)")
_AADHAAR_IN_ID_ARROW = rf"\p{{Nd}}{{4}}{SEPARATORS_ARROW}\p{{Nd}}{{4}}{SEPARATORS_ARROW}\p{{Nd}}{{4}}"
AADHAAR_AS_ID = "an Aadhaar number used as an ID was replaced by a keyed token (HIDDEN-...)"


def id_text(v: str) -> tuple[str, str | None]:
    """An ID as it may be written and shown: unchanged, unless it holds a valid Aadhaar
    number (some registers used Aadhaar as the member ID). Then the whole ID becomes
    HIDDEN-<keyed token>: still one value per number, so duplicate IDs and pairs work,
    but the number is gone. Other long IDs (LokOS codes) are kept: masking them to the
    last 4 digits would make different IDs equal."""
    for m in _AADHAAR_IN_ID.finditer(v):
        digits = "".join(str(unicodedata.digit(c)) for c in "".join(m.groups()))  # ASCII, any script
        if _is_aadhaar(digits):
            return "HIDDEN-" + make_token("id", digits).rsplit(":", 1)[-1][:16], AADHAAR_AS_ID
    return v, None


def _is_aadhaar(digits: str) -> bool:
    """A valid full Aadhaar number, as ekyc.aadhaar decides it (no token made)."""
    return parse_aadhaar(digits, tokenise=False).kind == AadhaarKind.FULL


def _ids(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """id_text over a column; Arrow finds the few candidates."""
    why = _none(len(values))
    if len(values) == 0:
        return values, why
    hit = pc.fill_null(pc.match_substring_regex(pa.array(values, pa.string(), from_pandas=True),
                                                _AADHAAR_IN_ID_ARROW), False).to_numpy(zero_copy_only=False)
    out = values.copy()
    for i in np.flatnonzero(hit):
        out[i], why[i] = id_text(out[i])
    return out, why


def _gender(v: str) -> tuple[str | None, str | None]:
    if _is_null(v):
        return None, None
    g = _GENDER.get(_key(v.strip()))
    return (g, None) if g else (None, "gender not recognised: use F (female), M (male) or T (transgender)")


def _relation(v: str) -> tuple[str | None, str | None]:
    if _is_null(v):
        return None, None
    r = _RELATION.get(_key(v.strip()))
    return (r, None) if r else (None, "relation not recognised: use Husband, Father, Mother or "
                                      "Guardian (W/O, D/O, S/O, C/O are understood)")


def _age(v: str) -> tuple[int | None, str | None]:
    t = v.strip()
    if t.lower() in NULL_TEXTS:
        return None, None
    m = _AGE.match(t)
    if not m:
        if re.fullmatch(r"\d{1,3}\.\d+", t):
            return None, "age must be whole years"
        return None, "age is not a number"
    age = int(m.group(1))
    if not MIN_AGE <= age <= MAX_AGE:
        return None, f"age {age} is outside {MIN_AGE} to {MAX_AGE} years"
    return age, None


def _dob_rule(as_of_year: int, today: date) -> Callable[[str], tuple]:
    def rule(v: str) -> tuple[str | None, int | None, str | None]:
        d, reason = parse_date(v, today)
        if d is None:
            return None, None, reason
        implied = as_of_year - d.year
        if not MIN_AGE <= implied <= MAX_AGE:
            return None, None, (f"date of birth makes the member {implied} years old in {as_of_year}; "
                                f"members are {MIN_AGE} to {MAX_AGE}")
        return d.isoformat(), d.year, None
    return rule


def _formation_rule(today: date) -> Callable[[str], tuple]:
    def rule(v: str) -> tuple[str | None, str | None]:
        d, reason = parse_date(v, today)
        return (d.isoformat() if d else None), reason
    return rule


AADHAAR_IN_MOBILE = ("12 digits that form a valid Aadhaar number: not read as a mobile (an Aadhaar "
                     "in the mobile column?); write the mobile as 10 digits")


def _mobile(v: str) -> tuple[str | None, str | None]:
    if _EXCEL_SCI.match(v.strip()):
        return None, EXCEL_LOST_DIGITS
    digits = re.sub(r"\D", "", v)
    # "91" + a 10-digit mobile is also 12 digits; one in ten such numbers passes the Aadhaar
    # check and is refused, which is cheaper than keeping 10 digits of someone's Aadhaar.
    if len(digits) == 12 and "+" not in v and _is_aadhaar(digits):
        return None, AADHAAR_IN_MOBILE
    return normalise_mobile(v)


def _mobiles(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised :func:`_mobile`: a plain 10-digit number starting 6-9 is already normal;
    only the others go through normalise_mobile (once per distinct value)."""
    plain = pc.fill_null(pc.match_substring_regex(pa.array(values, pa.string(), from_pandas=True),
                                                  r"^[6-9]\d{9}$"), False).to_numpy(zero_copy_only=False)
    mob, why = values.copy().astype(object), _none(len(values))
    rest = np.flatnonzero(~plain)
    if len(rest):
        mob[rest], why[rest] = _per_value(values[rest], _mobile, 2)
    return mob, why


def _aadhaar(v: str) -> tuple[str, str | None, str | None, str | None, str]:
    """(kind, token, last4, reason, printable form). The only place a raw Aadhaar is read."""
    if _EXCEL_SCI.match(v.strip()):
        return AadhaarKind.INVALID.value, None, None, EXCEL_LOST_DIGITS, HIDDEN
    ev = parse_aadhaar(v)
    if ev.kind == AadhaarKind.INVALID:
        return ev.kind.value, None, None, ev.reason, HIDDEN
    # a masked VID is a VID: its last 4 digits must not stand for the Aadhaar's (clusters, rules)
    kind = AadhaarKind.VID.value if ev.masked_vid else ev.kind.value
    return kind, ev.token, ev.last4, None, (ev.masked or "")


def mask_account(v: str) -> str:
    """Printable form of an account number: last 4 digits only."""
    t = v.strip()
    if t.lower() in NULL_TEXTS:
        return ""
    digits = re.sub(r"\D", "", t)
    return "XXXXXX" + digits[-4:] if len(digits) >= 5 else HIDDEN


def _bank(pair: str) -> tuple:
    """(token, last4, ifsc, account_reason, ifsc_reason, printable account). pair = 'acct\\x1fifsc'."""
    account, _, ifsc = pair.partition("\x1f")
    if _EXCEL_SCI.match(account.strip()):
        ev = parse_bank("", ifsc)
        return None, None, ev.ifsc, EXCEL_LOST_DIGITS, ev.ifsc_reason, HIDDEN
    ev = parse_bank(account, ifsc)
    printable = ("XXXXXX" + ev.last4) if ev.last4 else mask_account(account)
    return ev.token, ev.last4, ev.ifsc, ev.account_reason, ev.ifsc_reason, printable


def _per_value(values: np.ndarray, fn: Callable[[str], tuple], width: int) -> list[np.ndarray]:
    """Apply fn once per distinct value; return one object array per tuple position."""
    if len(values) == 0:
        return [np.empty(0, dtype=object) for _ in range(width)]
    codes, uniques = pd.factorize(values)
    results = [fn(u) for u in uniques]
    outs = []
    for k in range(width):
        arr = np.empty(len(uniques), dtype=object)
        arr[:] = [r[k] for r in results]
        outs.append(arr[codes])
    return outs


PARALLEL_MIN_VALUES = 20_000


def _apply(fn: Callable[[str], tuple], values: list[str]) -> list[tuple]:
    """fn over values, returned as columns (one tuple per result field): columns of strings
    cross a process boundary much faster than many small tuples."""
    return list(zip(*(fn(v) for v in values)))


class _Pool:
    """Spread tokenising over the other cores, while the main process validates the rest.

    One keyed HMAC per distinct Aadhaar and per account is two thirds of an import's CPU
    time, and hashing short strings holds the GIL, so threads do not help. Worker processes
    are forked (not spawned): they share the parent's already-loaded token key, so every
    token of a file is made with the same key, and a caller's script needs no ``__main__``
    guard. Workers only run pure-Python parsing and hashing, never Arrow, so forking after
    Arrow started its threads is safe. Work goes out in batches; when the main process has
    finished its own checks it works through the batches no worker has started yet.
    """

    BATCH = 10_000

    def __init__(self, workers: int):
        self.workers = workers
        self._executor = None

    def submit(self, fn: Callable[[str], tuple], values: list[str]) -> "_Pending":
        if self.workers < 1 or len(values) < PARALLEL_MIN_VALUES:
            return _Pending(fn, [values], [None])
        if self._executor is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            token_key()  # load (or create) the key before forking, so workers never race to create it
            self._executor = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"))
        parts = [values[i:i + self.BATCH] for i in range(0, len(values), self.BATCH)]
        return _Pending(fn, parts, [self._executor.submit(_apply, fn, part) for part in parts])

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


class _Pending:
    def __init__(self, fn, parts, futures):
        self.fn, self.parts, self.futures = fn, parts, futures

    def gather(self) -> list[tuple]:
        """Workers take batches from the front; here we take them from the back until we
        meet a batch a worker has already started (walking from the front would leave us
        always one step behind the worker, waiting, never helping)."""
        n = len(self.parts)
        results: list[list[tuple] | None] = [None] * n
        i = n - 1
        while i >= 0 and (self.futures[i] is None or self.futures[i].cancel()):
            results[i] = _apply(self.fn, self.parts[i])
            i -= 1
        for j in range(i + 1):
            results[j] = self.futures[j].result()
        self.parts = self.futures = None  # drop the raw values
        parts = [r for r in results if r]
        if not parts:
            return []
        return [list(itertools.chain.from_iterable(p[k] for p in parts)) for k in range(len(parts[0]))]


def _default_workers() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(0, min(cores - 1, 7))


def _nonnull(arr: np.ndarray) -> np.ndarray:
    return np.flatnonzero(pd.notna(arr)) if len(arr) else np.empty(0, dtype=np.int64)


# --------------------------------------------------------------------------- chunk context

@dataclass
class _Ctx:
    kind: str
    headers: list[str]
    pos: dict[str, int]
    has_extra: bool
    as_of_year: int
    today: date
    seen: dict = field(default_factory=dict)        # id -> first row (cbos: (row, type))
    extra_state: dict = field(default_factory=dict)
    pool: _Pool = field(default_factory=lambda: _Pool(0))

    @property
    def width(self) -> int:
        return len(self.headers)

    def header(self, col: str) -> str:
        return self.headers[self.pos[col]] if col in self.pos else col


@dataclass
class _Part:
    """What one chunk produced."""

    clean: pa.Table
    rejects: list[list[str]]
    issues: list[list[object]]
    reject_reasons: Counter
    issue_reasons: Counter


class _Issues:
    """Field problems of one chunk: rows kept, one line per (row, field)."""

    def __init__(self, ctx: _Ctx):
        self.ctx = ctx
        self.rows: list[list[object]] = []
        self.counter: Counter = Counter()

    def add(self, field_name: str, rows: np.ndarray, ids: list[np.ndarray], values: np.ndarray,
            reasons: np.ndarray, show: Callable[[str], str] | None = scrub,
            category: Callable[[str], str] | None = None) -> None:
        column = self.ctx.header(field_name)
        for i in _nonnull(reasons):
            reason = reasons[i]
            value = values[i] if values[i] is not None else ""
            self.rows.append([int(rows[i]), *[a[i] for a in ids], column, field_name,
                              show(value) if show else value, reason, "warning"])
            self.counter[f"{column}: {category(reason) if category else reason}"] += 1


    def sorted(self) -> list[list[object]]:
        return sorted(self.rows, key=lambda r: r[0])  # stable: fields keep their column order


class _Rejects:
    """Row-level problems of one chunk: a row may collect several reasons."""

    def __init__(self, ctx: _Ctx, n: int):
        self.ctx = ctx
        self.cols: dict[int, list[str]] = {}
        self.reasons: dict[int, list[str]] = {}
        self.cats: dict[int, list[str]] = {}
        self.mask = np.zeros(n, dtype=bool)

    def add(self, i: int, field_name: str, reason: str, category: str | None = None) -> None:
        column = self.ctx.header(field_name) if field_name in self.ctx.pos else field_name
        self.mask[i] = True
        self.cols.setdefault(i, []).append(column)
        self.reasons.setdefault(i, []).append(reason)
        self.cats.setdefault(i, []).append(f"{column}: {category or reason}")

    def records(self, ch: Chunk) -> tuple[list[list[str]], Counter]:
        idx = np.flatnonzero(self.mask)
        counter: Counter = Counter()
        out = []
        for i, orig in zip(idx, _safe_original(ch, self.ctx, idx)):
            counter.update(self.cats[i])
            out.append([int(ch.rows[i]), ", ".join(dict.fromkeys(self.cols[i])),
                        "; ".join(self.reasons[i]), *orig])
        return out, counter


def _safe_original(ch: Chunk, ctx: _Ctx, idx: np.ndarray) -> list[list[str]]:
    """Original cells of rows idx, safe to write (Aadhaar/account already masked in the frame)."""
    canon = {p: c for c, p in ctx.pos.items()}
    out = []
    for i in idx:
        width_ok = ch.field_counts[i] == ctx.width
        cells = []
        for p in range(ctx.width):
            v = ch.frame.iat[i, p]
            c = canon.get(p)
            if c in ("aadhaar", "bank_account"):
                cells.append(v)  # masked by _Tokens
            elif width_ok and c in ID_FIELDS:
                cells.append(id_text(v)[0])
            else:
                cells.append(scrub(v))
        if ctx.has_extra:
            cells.append(scrub(ch.extra.iat[i]) if ch.extra is not None else "")
        out.append(cells)
    return out


class _Tokens:
    """Aadhaar and account numbers of one chunk -> tokens + masked text.

    The raw columns are taken out of the chunk (replaced by "") the moment the chunk arrives;
    the raw values then live only here until :meth:`result` puts the masked text back, so no
    other step -- rejects, issues, logs -- can ever read them.
    """

    def __init__(self, ch: Chunk, ctx: _Ctx):
        self.ch, self.ctx = ch, ctx
        self.pending: dict[str, tuple[np.ndarray, _Pending]] = {}
        if "aadhaar" in ctx.pos:
            p = ctx.pos["aadhaar"]
            codes, uniques = pd.factorize(ch.frame[p].to_numpy())
            ch.frame[p] = ""
            self.pending["aadhaar"] = (codes, ctx.pool.submit(_aadhaar, list(uniques)))
        if "bank_account" in ctx.pos or "ifsc" in ctx.pos:
            acct, ifsc = _col(ch, ctx, "bank_account"), _col(ch, ctx, "ifsc")
            codes, uniques = pd.factorize(np.array([a + "\x1f" + b for a, b in zip(acct, ifsc)],
                                                   dtype=object))
            if "bank_account" in ctx.pos:
                ch.frame[ctx.pos["bank_account"]] = ""
            self.pending["bank"] = (codes, ctx.pool.submit(_bank, list(uniques)))

    def result(self) -> dict[str, list[np.ndarray]]:
        out: dict[str, list[np.ndarray]] = {}
        for name, (codes, pending) in self.pending.items():
            cols = []
            for column in pending.gather():
                arr = np.empty(len(column), dtype=object)
                arr[:] = column
                cols.append(arr[codes])
            out[name] = cols
        self.pending = {}
        if "aadhaar" in out:
            self.ch.frame[self.ctx.pos["aadhaar"]] = out["aadhaar"][4]
        if "bank" in out and "bank_account" in self.ctx.pos:
            self.ch.frame[self.ctx.pos["bank_account"]] = out["bank"][5]
        return out


def _col(ch: Chunk, ctx: _Ctx, name: str) -> np.ndarray:
    if name in ctx.pos:
        return ch.frame[ctx.pos[name]].to_numpy()
    return np.full(len(ch.frame), "", dtype=object)


def _none(n: int) -> np.ndarray:
    return np.full(n, None, dtype=object)


def _row_checks(ch: Chunk, ctx: _Ctx, required: list[str]
                ) -> tuple[_Rejects, dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Malformed rows and empty required values; returns the stripped required values too,
    and why each was changed (an ID holding an Aadhaar number)."""
    rej = _Rejects(ctx, len(ch.frame))
    bad_width = ch.field_counts != ctx.width
    for i in np.flatnonzero(bad_width):
        k = int(ch.field_counts[i])
        if k < ctx.width:
            rej.add(i, "(whole row)", f"this row has {k} values but the header has {ctx.width} columns "
                    "(a value or separator is missing?)", "fewer values than columns")
        else:
            rej.add(i, "(whole row)", f"this row has values beyond the last titled column ({k} values, "
                    f"{ctx.width} columns): a comma or tab inside a value?", "more values than columns")
    values: dict[str, np.ndarray] = {}
    whys: dict[str, np.ndarray] = {}
    for name in required:
        texts, whys[name] = _texts(_col(ch, ctx, name), hide_long_numbers=name not in ID_FIELDS)
        values[name] = texts
        for i in np.flatnonzero(pd.isna(texts) & ~bad_width):
            rej.add(i, name, f"{LABELS.get(name, name)} is empty; it is required")
    return rej, values, whys


# --------------------------------------------------------------------------- members

def _members_chunk(ch: Chunk, ctx: _Ctx, tokens: "_Tokens | None" = None) -> _Part:
    tokens = tokens or _Tokens(ch, ctx)  # privacy first: raw numbers leave the chunk here
    rows = ch.rows
    rej, req, req_why = _row_checks(ch, ctx, ["member_id", "member_name"])
    ids, names = req["member_id"], req["member_name"]
    name_arr = pa.array(names, pa.string(), from_pandas=True)
    qmarks = pc.fill_null(pc.match_substring_regex(name_arr, r"^[?\s]+$"), False).to_numpy(zero_copy_only=False)
    raw_names = pa.array(_col(ch, ctx, "member_name"), pa.string(), from_pandas=True)  # before digits are hidden
    letters = pc.fill_null(pc.match_substring_regex(raw_names, r"\pL"), True).to_numpy(zero_copy_only=False)
    for i in np.flatnonzero(~rej.mask & qmarks):
        rej.add(i, "member_name", "member name is only question marks: the file was saved in an "
                "encoding that lost the script; save it as 'CSV UTF-8' and export again",
                "name lost to encoding (????)")
    for i in np.flatnonzero(~rej.mask & ~letters):
        rej.add(i, "member_name", "member name has no letters (a number in the name column?)",
                "name has no letters")
    seen = ctx.seen
    for i in np.flatnonzero(~rej.mask):
        first = seen.setdefault(ids[i], int(rows[i]))
        if first != rows[i]:
            rej.add(i, "member_id", f"member ID {ids[i]} is already used in row {first}; that first "
                    "row was kept", "duplicate member ID")
    mobile_vals = mobile_reasons = None
    if "mobile" in ctx.pos:
        mobile_vals, mobile_reasons = _mobiles(_col(ch, ctx, "mobile"))

    acc = np.flatnonzero(~rej.mask)
    n = len(acc)
    a_rows, a_ids = rows[acc], ids[acc]
    issues = _Issues(ctx)

    def check(name: str, rule: Callable, width: int = 2, show=scrub, values=None, category=None):
        raw = _col(ch, ctx, name)[acc]
        res = _per_value(raw, rule, width) if values is None else values
        issues.add(name, a_rows, [a_ids], raw, res[-1], show, category)
        return res

    out: dict[str, object] = {"member_id": a_ids, "source_row": a_rows}
    # say why the ID the officer typed is not the one in the results
    issues.add("member_id", a_rows, [a_ids], a_ids, req_why["member_id"][acc], None)
    for name in ("state", "district", "block", "panchayat", "village", "shg_id", "shg_name",
                 "member_name", "relation_name"):
        fixed, why = _texts(_col(ch, ctx, name)[acc], hide_long_numbers=name not in ID_FIELDS)
        issues.add(name, a_rows, [a_ids], fixed, why, None)  # 'fixed' is already scrubbed
        out[name] = fixed
    out["relation_type"] = check("relation_type", _relation, category=lambda r: "relation not recognised")[0]
    out["gender"] = check("gender", _gender, category=lambda r: "gender not recognised")[0]
    out["dob"], dob_year, _ = check("dob", _dob_rule(ctx.as_of_year, ctx.today), 3,
                                    category=lambda r: "date of birth gives an age outside 10-110"
                                    if "years old in" in r else r)
    out["age"], _ = check("age", _age, category=lambda r: "age outside 10-110" if "outside" in r else r)
    from_age = pd.Series(out["age"], dtype="Int64").rsub(ctx.as_of_year)
    out["yob"] = pd.Series(dob_year, dtype="Int64").fillna(from_age).to_numpy(dtype=object, na_value=None)
    if mobile_vals is not None:
        out["mobile"] = check("mobile", _mobile, values=[mobile_vals[acc], mobile_reasons[acc]],
                              category=lambda r: r.split(";")[0])[0]
    else:
        out["mobile"] = _none(n)

    tok = tokens.result()  # while we checked the other columns, workers made the tokens
    rejects, reject_counter = rej.records(ch)
    if "aadhaar" in tok:
        kind, token, last4, why, shown = (a[acc] for a in tok["aadhaar"])
        issues.add("aadhaar", a_rows, [a_ids], shown, why, None,
                   category=lambda r: "Aadhaar must have 12 digits" if r.startswith("Aadhaar must have") else r)
    else:
        kind, token, last4 = np.full(n, AadhaarKind.MISSING.value, dtype=object), _none(n), _none(n)
    out["aadhaar_kind"], out["aadhaar_token"], out["aadhaar_last4"] = kind, token, last4
    out["bank_token"], out["bank_last4"], out["ifsc"] = _bank_fields(ch, ctx, tok, acc, a_rows, [a_ids], issues)

    clean = pa.Table.from_arrays([_arrow(out[c], MEMBER_SCHEMA.field(c).type)
                                  for c in CLEAN_MEMBER_COLUMNS], schema=MEMBER_SCHEMA)
    return _Part(clean, rejects, issues.sorted(), reject_counter, issues.counter)


def _bank_fields(ch: Chunk, ctx: _Ctx, tok: dict, acc: np.ndarray, a_rows: np.ndarray,
                 ids: list[np.ndarray], issues: _Issues) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = len(acc)
    if "bank" not in tok:
        return _none(n), _none(n), _none(n)
    btok, blast4, ifsc, acct_why, ifsc_why, shown = (a[acc] for a in tok["bank"])
    issues.add("bank_account", a_rows, ids, shown, acct_why, None,
               category=lambda r: r.split(";")[0])
    issues.add("ifsc", a_rows, ids, _col(ch, ctx, "ifsc")[acc], ifsc_why)
    return btok, blast4, ifsc


def _arrow(values, type_: pa.DataType) -> pa.Array:
    return pa.array(np.asarray(values), type=type_, from_pandas=True)


# --------------------------------------------------------------------------- CBOs

def _cbos_chunk(ch: Chunk, ctx: _Ctx, tokens: "_Tokens | None" = None) -> _Part:
    tok = (tokens or _Tokens(ch, ctx)).result()
    rows = ch.rows
    rej, req, _ = _row_checks(ch, ctx, ["cbo_id", "cbo_name", "cbo_type"])
    ids = req["cbo_id"]
    types = np.array([_CBO_TYPE.get(_key(t)) if t else None for t in req["cbo_type"]], dtype=object)
    for i in np.flatnonzero(~rej.mask & pd.isna(types)):
        rej.add(i, "cbo_type", "CBO type must be SHG, VO or CLF")
    for i in np.flatnonzero(~rej.mask):
        first = ctx.seen.setdefault(ids[i], (int(rows[i]), types[i]))
        if first[0] != rows[i]:
            rej.add(i, "cbo_id", f"CBO ID {ids[i]} is already used in row {first[0]}; that first row "
                    "was kept", "duplicate CBO ID")
    rejects, reject_counter = rej.records(ch)

    acc = np.flatnonzero(~rej.mask)
    a_rows, a_ids = rows[acc], ids[acc]
    issues = _Issues(ctx)
    out: dict[str, object] = {"cbo_id": a_ids, "source_row": a_rows, "cbo_type": types[acc]}
    for name in ("cbo_name",) + LOCATION_FIELDS + ("parent_id",):
        fixed, why = _texts(_col(ch, ctx, name)[acc], hide_long_numbers=name not in ID_FIELDS)
        out[name] = fixed
        issues.add(name, a_rows, [a_ids], fixed, why, None)
    out["parent_status"] = _none(len(acc))  # filled in after all rows are read
    raw = _col(ch, ctx, "formation_date")[acc]
    out["formation_date"], why = _per_value(raw, _formation_rule(ctx.today), 2)
    issues.add("formation_date", a_rows, [a_ids], raw, why)
    out["bank_token"], out["bank_last4"], out["ifsc"] = _bank_fields(ch, ctx, tok, acc, a_rows, [a_ids], issues)
    clean = pa.Table.from_arrays([_arrow(out[c], CBO_SCHEMA.field(c).type)
                                  for c in CLEAN_CBO_COLUMNS], schema=CBO_SCHEMA)
    return _Part(clean, rejects, issues.sorted(), reject_counter, issues.counter)


def _parent_status(cbo_id: str, cbo_type: str, parent: str | None,
                   known: dict[str, tuple[int, str]]) -> tuple[str | None, str | None, str | None]:
    """(status, reason, category) for one CBO's parent_id."""
    if parent is None:
        return None, None, None
    if parent == cbo_id:
        return "wrong_level", "a CBO cannot be its own parent", None
    want = PARENT_TYPE[cbo_type]
    if want is None:
        return "wrong_level", "a CLF has no parent CBO (SHG -> VO -> CLF)", None
    found = known.get(parent)
    if found is None:
        return "not_in_file", f"parent {parent} is not a CBO in this file", "parent is not a CBO in this file"
    if found[1] != want:
        return ("wrong_level", f"the parent of {_a(cbo_type)} must be {_a(want)}; {parent} is {_a(found[1])}",
                f"the parent of {_a(cbo_type)} must be {_a(want)}")
    return "ok", None, None


def _a(cbo_type: str) -> str:
    return ("an " if cbo_type == "SHG" else "a ") + cbo_type


# --------------------------------------------------------------------------- memberships

def _memberships_chunk(ch: Chunk, ctx: _Ctx, tokens: "_Tokens | None" = None) -> _Part:
    rows = ch.rows
    rej, req, _ = _row_checks(ch, ctx, ["cbo_id", "member_id"])
    cbo, mem = req["cbo_id"], req["member_id"]
    members: set | None = ctx.extra_state.get("members")
    cbos: dict | None = ctx.extra_state.get("cbos")
    member_cbo: dict = ctx.extra_state.setdefault("member_cbo", {})
    issues = _Issues(ctx)
    for i in np.flatnonzero(~rej.mask):
        if members is not None and mem[i] not in members:
            rej.add(i, "member_id", f"member ID {mem[i]} is not in the members file",
                    "member not in the members file")
        if cbos is not None and cbo[i] not in cbos:
            rej.add(i, "cbo_id", f"CBO ID {cbo[i]} is not in the CBO file", "CBO not in the CBO file")
        if rej.mask[i]:
            continue
        first = ctx.seen.setdefault((cbo[i], mem[i]), int(rows[i]))
        if first != rows[i]:
            rej.add(i, "(whole row)", f"the same membership is already in row {first}; that first row "
                    "was kept", "duplicate membership")
            continue
        if cbos is not None and cbos[cbo[i]] != "SHG":
            _one_issue(issues, rows[i], cbo[i], mem[i], "cbo_id", cbo[i],
                       f"members belong to SHGs; {cbo[i]} is {_a(cbos[cbo[i]])}", "member of a VO or CLF")
        other = member_cbo.setdefault(mem[i], (cbo[i], int(rows[i])))
        if other[0] != cbo[i]:
            _one_issue(issues, rows[i], cbo[i], mem[i], "member_id", mem[i],
                       f"member {mem[i]} is also in {other[0]} (row {other[1]}): a woman is a member "
                       "of one SHG; check for a duplicate", "member in more than one SHG")
    rejects, reject_counter = rej.records(ch)
    acc = np.flatnonzero(~rej.mask)
    clean = pa.Table.from_arrays([_arrow(cbo[acc], _S), _arrow(mem[acc], _S),
                                  pa.array(rows[acc], _I64)], schema=MEMBERSHIP_SCHEMA)
    return _Part(clean, rejects, issues.sorted(), reject_counter, issues.counter)


def _one_issue(issues: _Issues, row, cbo_id, member_id, field_name, value, reason, category) -> None:
    column = issues.ctx.header(field_name)
    issues.rows.append([int(row), cbo_id, member_id, column, field_name, value, reason, "warning"])
    issues.counter[f"{column}: {category}"] += 1


# --------------------------------------------------------------------------- driver

def _header_picker(kind: str) -> Callable[[list[list[str]]], int]:
    lookup = alias_lookup(kind)
    required = REQUIRED[kind]

    def pick(candidates: list[list[str]]) -> int:
        for i, cells in enumerate(candidates):
            cols = {resolve_header(c, lookup) for c in cells}
            if all(r in cols for r in required):
                return i
        _raise_missing(kind, candidates[0])
        raise AssertionError  # unreachable
    return pick


def _raise_missing(kind: str, headers: list[str]) -> None:
    positions, _ = resolve_headers(headers, kind)
    missing = [r for r in REQUIRED[kind] if r not in positions]
    shown = [h for h in headers if h.strip()][:30]
    found = ", ".join(f'"{scrub(h)}"' for h in shown) or "(none)"
    hints = "; ".join(f"{m} (e.g. {example_headers(m)})" for m in missing)
    raise ExportFileError(
        f"The file has no column for {', '.join(missing)}. Columns found: {found}. "
        f"Headers accepted for the missing column(s): {hints}. See dedup/header_aliases.py for all names.")


def _prepare(kind: str, table: Table, as_of_year: int | None) -> tuple[_Ctx, list[str]]:
    positions, clashes = resolve_headers(table.headers, kind)
    if clashes:
        text = "; ".join(f"{', '.join(repr(scrub(table.headers[p])) for p in ps)} all mean {c}"
                         for c, ps in clashes.items())
        raise ExportFileError(f"Two columns of {table.path.name} mean the same thing ({text}). "
                              "Delete or rename one of them and import again.")
    missing = [r for r in REQUIRED[kind] if r not in positions]
    if missing:
        _raise_missing(kind, table.headers)
    used = set(positions.values())
    unused = [h for p, h in enumerate(table.headers) if p not in used and h.strip()]
    today = date.today()
    # headers as written to rejects/issues and messages: a number typed into a header
    # ("Aadhaar (2345 6789 0123)") is hidden like one in a cell
    ctx = _Ctx(kind=kind, headers=[scrub(h) for h in table.headers], pos=positions, has_extra=table.format == "csv",
               as_of_year=as_of_year or today.year, today=today)
    return ctx, unused


class _Writers:
    """Temp files in the output folder, renamed into place only when everything succeeded."""

    def __init__(self, kind: str, out_dir: Path, schema: pa.Schema, reject_header: list[str],
                 issue_header: list[str]):
        out_dir.mkdir(parents=True, exist_ok=True)
        names = OUTPUT_FILES[kind]
        self.final = [out_dir / n for n in names]
        self.temp: list[Path] = []
        self.parquet = None
        self._files: list = []
        try:
            for n in names:  # unique names: two imports into one folder never share a temp file
                fd, tmp = tempfile.mkstemp(prefix=f".{n}.", suffix=".partial", dir=out_dir)
                os.close(fd)
                self.temp.append(Path(tmp))
            self.parquet = pq.ParquetWriter(self.temp[0], schema)
            self._files = [open(t, "w", encoding="utf-8-sig", newline="") for t in self.temp[1:]]
            self.rejects = csv.writer(self._files[0])
            self.issues = csv.writer(self._files[1])
            self.rejects.writerow(reject_header)
            self.issues.writerow(issue_header)
        except BaseException:
            self.abort()
            raise

    def close(self) -> None:
        if self.parquet is not None:
            self.parquet.close()
        for f in self._files:
            f.close()

    def commit(self) -> None:
        self.close()
        for t, f in list(zip(self.temp, self.final))[::-1]:  # the clean file last
            os.replace(t, f)

    def abort(self) -> None:
        try:
            self.close()
        except Exception:  # pragma: no cover - closing a half-written file may fail too
            pass
        for t in self.temp:
            t.unlink(missing_ok=True)


def _read_ahead(chunks: Iterable[Chunk], ctx: _Ctx) -> Iterator[tuple[Chunk, "_Tokens"]]:
    """Each chunk with its tokenising already handed to the workers, and the next chunk read
    and handed over before this one is processed, so workers never wait for the reader.
    At most two chunks are in memory."""
    it = iter(chunks)
    current = next(it, None)
    pending = _Tokens(current, ctx) if current is not None else None
    while current is not None:
        upcoming = next(it, None)
        upcoming_tokens = _Tokens(upcoming, ctx) if upcoming is not None else None
        yield current, pending
        current, pending = upcoming, upcoming_tokens


def _run(kind: str, table: Table, out_dir: Path, as_of_year: int | None,
         process: Callable[[Chunk, _Ctx, "_Tokens"], _Part], result_cls: type,
         setup: Callable[[_Ctx], None] | None = None,
         finish: Callable[[_Ctx, "_Writers", TableImportResult], None] | None = None,
         workers: int | None = None) -> TableImportResult:
    ctx, unused = _prepare(kind, table, as_of_year)
    written = {(Path(out_dir) / n).resolve() for n in OUTPUT_FILES[kind]}
    if Path(table.path).resolve() in written:  # a corrected rejects file imported into its own folder
        raise ExportFileError(
            f"{table.path} is one of the files this import writes, so it would be overwritten. "
            f"Move or rename it (e.g. {Path(table.path).stem}_corrected{Path(table.path).suffix}), "
            "or choose another --out folder.")
    ctx.pool = _Pool(_default_workers() if workers is None else workers)
    if setup:
        setup(ctx)
    schema = {"members": MEMBER_SCHEMA, "cbos": CBO_SCHEMA, "memberships": MEMBERSHIP_SCHEMA}[kind]
    id_cols = {"members": ["member_id"], "cbos": ["cbo_id"], "memberships": ["cbo_id", "member_id"]}[kind]
    reject_header = ["row", "column", "reason", *ctx.headers] + ([EXTRA_FIELDS] if ctx.has_extra else [])
    issue_header = ["row", *id_cols, "column", "field", "value", "reason", "severity"]
    writers = _Writers(kind, Path(out_dir), schema, reject_header, issue_header)
    res = result_cls(output_path=writers.final[0], rejects_path=writers.final[1],
                     issues_path=writers.final[2], rows_read=0, rows_accepted=0, rows_rejected=0,
                     field_issues=0, kind=kind, source=table.path, file_format=table.format,
                     encoding=table.encoding, unused_columns=unused, notes=list(table.notes))
    gc_was_enabled = gc.isenabled()
    # Millions of short-lived lists (one per CSV row) make the cyclic garbage collector run
    # over and over as the heap grows, doubling the reading time; nothing here builds
    # cycles, so collect once per chunk instead.
    gc.disable()
    try:
        for ch, tokens in _read_ahead(table.chunks, ctx):
            part = process(ch, ctx, tokens)
            del ch, tokens
            gc.collect(1)
            res.chunks += 1
            res.max_chunk_rows = max(res.max_chunk_rows, part.clean.num_rows + len(part.rejects))
            res.rows_read += part.clean.num_rows + len(part.rejects)
            res.rows_accepted += part.clean.num_rows
            res.rows_rejected += len(part.rejects)
            res.field_issues += len(part.issues)
            res.reject_reasons.update(part.reject_reasons)
            res.issue_reasons.update(part.issue_reasons)
            writers.parquet.write_table(part.clean)
            writers.rejects.writerows(part.rejects)
            writers.issues.writerows(part.issues)
            log.info("%s: %d rows read so far (%d rejected)", table.path.name, res.rows_read, res.rows_rejected)
        if finish:
            finish(ctx, writers, res)
        writers.commit()
    except BaseException:
        writers.abort()
        raise
    finally:
        ctx.pool.close()
        if gc_was_enabled:
            gc.enable()
    res.notes = [scrub(n) for n in res.notes]  # sheet names, headers quoted by readers
    res.blank_rows = table.blank_rows
    if table.header_row > 1:
        res.notes.append(f"the header is on row {table.header_row}; the rows above it were taken as a title")
    if table.blank_rows:
        res.notes.append(f"{table.blank_rows} blank rows were skipped")
    if table.total_rows:
        rows = ", ".join(str(r) for r in table.total_rows[:10]) + (" …" if len(table.total_rows) > 10 else "")
        res.notes.append(f"{len(table.total_rows)} total line(s) were skipped, not read as members (row {rows})")
    if unused:
        res.notes.append("columns not used: " + ", ".join(_unused_text(u, kind, ctx.pos) for u in unused[:15])
                         + (f" and {len(unused) - 15} more" if len(unused) > 15 else ""))
    return res


def _unused_text(header: str, kind: str, found: dict[str, int]) -> str:
    """An unused header, with the column it looks like (and was perhaps meant to be) when
    no other header of the file already gives that column."""
    guess = looks_like(header, kind)
    guess = guess if guess not in found else None
    return scrub(header) + (f" (looks like {guess}: if it is, rename the header or add it to "
                            "dedup/header_aliases.py)" if guess else "")


def _open(path: Path, kind: str, chunk_rows: int) -> Table:
    if chunk_rows < 1:
        raise ValueError("chunk_rows must be at least 1")
    return open_table(Path(path), _header_picker(kind), chunk_rows)


def import_members(path: Path, out_dir: Path, *, as_of_year: int | None = None,
                   chunk_rows: int = 200_000, workers: int | None = None) -> ImportResult:
    """Validate a member export and write members.parquet, members_rejects.csv, members_issues.csv.

    as_of_year: the year the export was made, used to turn an age into a year of birth
    (yob = as_of_year - age) and to check that a date of birth gives an age of 10-110.
    Default: the current year. Set it when importing an old export.
    workers: extra processes for tokenising (default: one per spare core; 0 = none).
    Raises ExportFileError when the whole file cannot be used.
    """
    table = _open(path, "members", chunk_rows)
    return _run("members", table, out_dir, as_of_year, _members_chunk, ImportResult, workers=workers)


def read_members_frame(df: pd.DataFrame, *, as_of_year: int | None = None
                       ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(clean, rejects, issues) for a frame already in memory (API uploads, tests).

    Headers may use any alias; row numbers are counted as in a CSV with the header as row 1.
    """
    if df.shape[1] == 0:
        raise ExportFileError("The table has no columns.")
    table = frame_table(df)
    ctx, _ = _prepare("members", table, as_of_year)
    reject_header = ["row", "column", "reason", *table.headers]
    issue_header = ["row", "member_id", "column", "field", "value", "reason", "severity"]
    cleans, rejects, issues = [], [], []
    for ch in table.chunks:
        part = _members_chunk(ch, ctx)
        cleans.append(part.clean)
        rejects.extend(part.rejects)
        issues.extend(part.issues)
    clean = pa.concat_tables(cleans) if cleans else MEMBER_SCHEMA.empty_table()
    return (_to_pandas(clean), pd.DataFrame(rejects, columns=reject_header),
            pd.DataFrame(issues, columns=issue_header))


def import_cbos(path: Path, out_dir: Path, *, chunk_rows: int = 200_000,
                workers: int | None = None) -> CboImportResult:
    """Validate a CBO export (SHGs, VOs, CLFs) and write cbos.parquet + rejects + issues.

    After all rows are read, each parent_id is checked against the file: it must name a
    CBO one level up (SHG -> VO -> CLF). Problems are field issues; parent_id is kept as
    given and ``parent_status`` says 'ok', 'not_in_file' or 'wrong_level' (a partial export
    may legitimately miss the parent, and matching can still use it).
    """
    table = _open(path, "cbos", chunk_rows)
    return _run("cbos", table, out_dir, None, _cbos_chunk, CboImportResult,
                finish=lambda ctx, w, res: _finish_cbos(ctx, w, res, chunk_rows), workers=workers)


def _finish_cbos(ctx: _Ctx, writers: _Writers, res: TableImportResult, chunk_rows: int) -> None:
    """Second pass over the staged Parquet: fill parent_status now that every CBO is known."""
    writers.parquet.close()
    staged = writers.temp[0]
    second = staged.with_name(staged.name + ".2")
    try:
        with pq.ParquetWriter(second, CBO_SCHEMA) as out:
            for batch in pq.ParquetFile(staged).iter_batches(batch_size=chunk_rows):
                t = pa.Table.from_batches([batch], schema=CBO_SCHEMA)
                ids = t.column("cbo_id").to_pylist()
                types = t.column("cbo_type").to_pylist()
                parents = t.column("parent_id").to_pylist()
                rows = t.column("source_row").to_pylist()
                status = []
                column = ctx.header("parent_id")
                for cid, ctype, parent, row in zip(ids, types, parents, rows):
                    s, reason, category = _parent_status(cid, ctype, parent, ctx.seen)
                    status.append(s)
                    if reason:
                        writers.issues.writerow([row, cid, column, "parent_id", parent, reason, "warning"])
                        res.field_issues += 1
                        res.issue_reasons[f"{column}: {category or reason}"] += 1
                t = t.set_column(t.schema.get_field_index("parent_status"), "parent_status",
                                 pa.array(status, _S))
                out.write_table(t)
        os.replace(second, staged)
    finally:
        second.unlink(missing_ok=True)
    writers.parquet = _Closed()


class _Closed:
    def close(self) -> None:
        pass


def import_memberships(path: Path, out_dir: Path, *, members: Path | None = None,
                       cbos: Path | None = None, chunk_rows: int = 200_000) -> MembershipImportResult:
    """Validate (cbo_id, member_id) pairs and write memberships.parquet + rejects + issues.

    members / cbos: clean Parquet files from import_members / import_cbos to check the ids
    against; by default members.parquet and cbos.parquet in out_dir when they exist. A pair
    naming an unknown member or CBO is rejected; a member in two SHGs, or in a VO/CLF, is
    reported as a field issue.
    """
    out_dir = Path(out_dir)
    for given, what in ((members, "members"), (cbos, "CBO")):
        if given is not None and not Path(given).is_file():
            raise ExportFileError(f"The {what} file to check against was not found: {given}")
    members = Path(members or (out_dir / OUTPUT_FILES["members"][0]))
    cbos = Path(cbos or (out_dir / OUTPUT_FILES["cbos"][0]))
    table = _open(path, "memberships", chunk_rows)
    notes = []

    def read_ids(p: Path, columns: list[str]) -> pa.Table:
        try:
            return pq.read_table(p, columns=columns)
        except Exception as e:  # pyarrow raises several types for a wrong or damaged file
            raise ExportFileError(f"{p} is not a clean file from `pehchaan import` "
                                  f"({type(e).__name__}); import it again.") from None

    def setup(ctx: _Ctx) -> None:
        if members.exists():
            ctx.extra_state["members"] = set(read_ids(members, ["member_id"]).column("member_id").to_pylist())
            notes.append(f"member IDs checked against {members}")
        else:
            notes.append("member IDs not checked: no members file (import members first)")
        if cbos.exists():
            t = read_ids(cbos, ["cbo_id", "cbo_type"])
            ctx.extra_state["cbos"] = dict(zip(t.column("cbo_id").to_pylist(), t.column("cbo_type").to_pylist()))
            notes.append(f"CBO IDs checked against {cbos}")
        else:
            notes.append("CBO IDs not checked: no CBO file (import cbos first)")

    res = _run("memberships", table, out_dir, None, _memberships_chunk, MembershipImportResult, setup=setup)
    res.notes[:0] = notes
    return res
