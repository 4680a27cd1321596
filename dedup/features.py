"""From clean member rows to the columns the comparison model compares.

Everything name-related is computed once per unique string (names repeat a lot:
a few lakh distinct spellings in a crore of rows), then mapped back.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dedup.names import first_word_key, normalise_place, parse_name, word_key, word_keys
from models.member_model import FEATURE_COLUMNS, TF_COLUMNS
from models.term_frequencies import add_tf_keys

# Derived only for blocking (candidate generation), never compared.
BLOCKING_ONLY_COLUMNS = ("given_initial", "given_last_key", "district_key")

CARRIED_COLUMNS = ("member_id", "district", "block", "panchayat", "village", "shg_id", "member_name",
                   "relation_name")


@dataclass(frozen=True)
class _ParsedColumn:
    """A name column parsed once per distinct spelling (a few lakh in a crore of rows):
    ``codes`` give each row's place in ``parsed`` (-1 for no name).

    Serial on purpose: a process pool saved 10% of this stage on 2 cores, but forking a
    process that already holds a crore of rows can be killed for memory.
    """
    codes: np.ndarray
    parsed: list
    index: pd.Index

    @classmethod
    def of(cls, values: pd.Series) -> "_ParsedColumn":
        codes, uniques = pd.factorize(values.to_numpy(dtype=object))
        return cls(codes, [parse_name(u) for u in uniques], values.index)

    def per_row(self, per_name: list) -> np.ndarray:
        """Values given per distinct name, spread to the rows (None where no name)."""
        table = np.empty(len(per_name) + 1, dtype=object)  # the last slot answers code -1
        table[:-1] = per_name
        table[-1] = None
        return table[self.codes]

    def field(self, name: str) -> pd.Series:
        """``getattr(parsed name, name) or None`` of each row."""
        return pd.Series(self.per_row([getattr(p, name) or None for p in self.parsed]),
                         index=self.index, dtype=object)


def _cells(col: pd.Series) -> pd.Series:
    """Text cells stripped, with NaN and '' as None.

    Vectorised (Arrow's trim) because it runs over every carried column of every row;
    a Python call per cell was a third of this stage.
    """
    arr = col.to_numpy(dtype=object)
    try:
        text = pa.array(arr, type=pa.string(), from_pandas=True)  # None, NaN, NA -> null
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # numbers in a text column
        text = pa.array([None if pd.isna(v) else str(v) for v in arr], type=pa.string())
    text = pc.utf8_trim_whitespace(text)
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    return pd.Series(text.to_numpy(zero_copy_only=False), index=col.index, dtype=object)


def _lookup(keys: pd.Series, table: dict) -> pd.Series:
    """table[key] for each key (None for a missing key or value), by hashed lookup."""
    out = keys.map(table)
    return out.astype(object).where(out.notna(), None)


def _map_unique(series: pd.Series, fn) -> pd.Series:
    """fn applied once per distinct value; missing stays None (never NaN)."""
    uniques = pd.unique(series.dropna())
    table = {v: fn(v) for v in uniques}
    return _lookup(series, table)


@lru_cache(maxsize=1_000_000)
def _words(given: str | None, surname: str | None) -> str | None:
    """Word keys of a whole name (given and surname), space-separated, in order."""
    keys = [word_key(w) for w in f"{given or ''} {surname or ''}".split()]
    return " ".join(k for k in keys if k) or None


def _place_path(*parts: pd.Series) -> pd.Series:
    """Hierarchical place keys ("district/block/village"); None when the last part is missing."""
    path = parts[0].fillna("?").astype(object)
    for part in parts[1:]:
        path = path + "/" + part.fillna("?").astype(object)
    return path.where(parts[-1].notna(), None)


@lru_cache(maxsize=1_000_000)
def _one_name(given: str | None, surname: str | None) -> tuple:
    """(word keys, words text, first-word key, last word, single-word key) of one name."""
    keys = word_keys(given) | word_keys(surname)
    words = _words(given, surname)
    single = words if words and " " not in words else None
    last = words.rsplit(" ", 1)[-1] if words else None
    return keys, words, first_word_key(given), last, single


def _name_fields(her: _ParsedColumn, rel: _ParsedColumn) -> dict:
    """First-word keys and word lists of her name and the relation's.

    The words her name and the relation's share are the family's, so they are skipped
    when looking for each one's first name (Telugu house names, clan names). So the two
    first-word keys depend on the (her name, relation name) pair; everything else on
    one name alone, worked out once per distinct name and spread to the rows. Only the
    pairs whose names share a word (a few per cent) are looked at one by one.
    """
    h_parts = [_one_name(p.given, p.surname) for p in her.parsed]
    r_parts = [_one_name(p.given, p.surname) for p in rel.parsed]

    def column(col: _ParsedColumn, parts: list, i: int) -> np.ndarray:
        return col.per_row([p[i] for p in parts])

    out = {
        "given_first_key": column(her, h_parts, 2),
        "relation_first_key": column(rel, r_parts, 2),
        "given_words": column(her, h_parts, 1),
        "relation_words": column(rel, r_parts, 1),
        # last word: "Dasari Bharati" and "Bharati" meet in a block on it (house name first)
        "given_last_key": column(her, h_parts, 3),
        "given_single_key": column(her, h_parts, 4),
        "relation_single_key": column(rel, r_parts, 4),
    }
    # pairs of names that share a word: first keys with the family's words skipped
    both = (her.codes >= 0) & (rel.codes >= 0)
    combos = pd.DataFrame({"h": her.codes[both], "r": rel.codes[both]}).drop_duplicates()
    fixes = {}
    for hc, rc in zip(combos["h"].tolist(), combos["r"].tolist()):
        family = h_parts[hc][0] & r_parts[rc][0]
        if family:
            fixes[(hc, rc)] = (first_word_key(her.parsed[hc].given, family),
                               first_word_key(rel.parsed[rc].given, family))
    if fixes:
        key = pd.MultiIndex.from_arrays([her.codes, rel.codes])
        fixed = pd.MultiIndex.from_tuples(list(fixes))
        rows = np.flatnonzero(key.isin(fixed))
        at = fixed.get_indexer(key[rows])
        values = list(fixes.values())
        out["given_first_key"][rows] = np.array([values[j][0] for j in at], dtype=object)
        out["relation_first_key"][rows] = np.array([values[j][1] for j in at], dtype=object)
    return {k: pd.Series(v, index=her.index, dtype=object) for k, v in out.items()}


def aadhaar_last4_only(last4: pd.Series, kind: pd.Series | None = None,
                       token: pd.Series | None = None) -> pd.Series:
    """Last 4 digits of Aadhaar numbers only: a Virtual ID's last 4 are its own, and compared
    with an Aadhaar's they would count as evidence against (or, by chance, for) a match. A VID
    is told by the import's kind (ekyc's AadhaarEvidence.is_vid, as the import filed it), or,
    for a real-time caller with only tokens, by a VID token."""
    is_vid = np.zeros(len(last4), dtype=bool)
    if token is not None:
        is_vid |= token.astype("string").str.startswith("vid:").fillna(False).to_numpy(dtype=bool)
    if kind is not None:
        is_vid |= kind.eq("vid").fillna(False).to_numpy(dtype=bool)
    return last4.where(~is_vid, None) if is_vid.any() else last4


def member_features(clean: pd.DataFrame) -> pd.DataFrame:
    """One row per member with exactly the columns the model and blocking use."""
    df = pd.DataFrame(index=clean.index)
    for col in CARRIED_COLUMNS:
        df[col] = _cells(clean[col]) if col in clean else None

    her = _ParsedColumn.of(_cells(clean["member_name"]))
    df["given_std"] = her.field("given")
    df["given_key"] = her.field("given_key")
    df["surname_key"] = her.field("surname_key")
    df["title"] = her.field("title")

    # The relation: its own columns first; else what the name field carried ("W/O RAMESH").
    rel_type = her.field("relation_type")
    rel_name = her.field("relation_name")
    if "relation_type" in clean:
        col = _cells(clean["relation_type"])
        rel_type = col.where(col.notna(), rel_type)
    if "relation_name" in clean:
        col = _cells(clean["relation_name"])
        rel_name = col.where(col.notna(), rel_name)
    rel = _ParsedColumn.of(rel_name)

    df["relation_type"] = rel_type
    df["relation_name"] = rel_name
    df["relation_key"] = rel.field("given_key")
    for k, v in _name_fields(her, rel).items():
        df[k] = v
    df["relation_surname_key"] = rel.field("surname_key")
    df["family_surname_key"] = df["surname_key"].where(df["surname_key"].notna(), df["relation_surname_key"])

    places = {col: _map_unique(df[col], normalise_place) for col in ("district", "block", "panchayat", "village")}
    d, b, p, v = places["district"], places["block"], places["panchayat"], places["village"]
    df["district_key"] = d
    df["block_key"] = _place_path(d, b)
    df["panchayat_key"] = _place_path(d, b, p)
    df["village_key"] = _place_path(d, b, v)

    yob = pd.to_numeric(clean["yob"], errors="coerce") if "yob" in clean else pd.Series(float("nan"), index=clean.index)
    df["yob"] = yob.astype("Int64")
    # A date of birth is written once and copied; an age is typed at entry and goes stale
    # (the year of birth derived from it drifts by the years since). So disagreement
    # between two written dates is strong evidence, between two ages much weaker.
    dob = _cells(clean["dob"]) if "dob" in clean else pd.Series([None] * len(clean), index=clean.index, dtype=object)
    df["dob"] = dob
    df["dob_year"] = pd.to_numeric(dob.str.slice(0, 4), errors="coerce").astype("Int64")
    # 1 January is what the app or the bookkeeper writes for an unknown day: such a date
    # is a year of birth, not a date (about a third of written dates in legacy exports)
    df["dob_day_known"] = dob.where(dob.str.slice(5, 10) != "01-01", None)
    for col in ("gender", "mobile", "aadhaar_token", "aadhaar_last4", "bank_token"):
        df[col] = _cells(clean[col]) if col in clean else None
    df["aadhaar_last4"] = aadhaar_last4_only(df["aadhaar_last4"], clean.get("aadhaar_kind"), df["aadhaar_token"])
    df["given_initial"] = df["given_key"].str.slice(0, 1).where(df["given_key"].notna(), None)
    add_tf_keys(df)
    missing = (set(FEATURE_COLUMNS) | set(TF_COLUMNS)) - set(df.columns)
    if missing:  # a model column nobody computes would silently never match
        raise RuntimeError(f"feature columns not computed: {sorted(missing)}")
    df.index = pd.RangeIndex(len(df))  # as reset_index(drop=True), without copying every column
    return df


def feature_record(row: dict) -> dict:
    """Features of one profile (real-time path): same code as batch, one row."""
    return member_features(pd.DataFrame([row])).iloc[0].to_dict()


def feature_records(rows: Iterable[dict]) -> list[dict]:
    return member_features(pd.DataFrame(list(rows))).to_dict("records")
