"""From clean member rows to the columns the comparison model compares.

Everything name-related is computed once per unique string (names repeat a lot:
a few lakh distinct spellings in a crore of rows), then mapped back.
"""
from __future__ import annotations

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


def _parse_table(values) -> dict:
    """parse_name of each distinct name (a few lakh in a crore of rows), looked up per row.

    Serial on purpose: a process pool saved 10% of this stage on 2 cores, but forking a
    process that already holds a crore of rows can be killed for memory.
    """
    return {v: parse_name(v) for v in values}


def _cells(col: pd.Series) -> pd.Series:
    """Text cells stripped, with NaN and '' as None.

    Vectorised (Arrow's trim) because it runs over every carried column of every row;
    a Python call per cell was a third of this stage.
    """
    arr = col.to_numpy(dtype=object)
    present = pd.notna(arr)
    out = np.full(len(arr), None, dtype=object)
    if present.any():
        vals = arr[present]
        try:
            text = pa.array(vals, type=pa.string())
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # numbers in a text column
            text = pa.array([str(v) for v in vals], type=pa.string())
        vals = pc.utf8_trim_whitespace(text).to_numpy(zero_copy_only=False)
        keep = vals != ""
        out[np.flatnonzero(present)[keep]] = vals[keep]
    return pd.Series(out, index=col.index, dtype=object)


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


def _name_fields(names: pd.Series, rel_names: pd.Series, her_tab: dict, rel_tab: dict) -> dict:
    """First-word keys and word lists, per distinct (her name, relation name) pair.

    The words her name and the relation's share are the family's, so they are skipped
    when looking for each one's first name (Telugu house names, clan names). Each name's
    own parts are worked out once; a pair only adds the (usually empty) shared words.
    """
    key = pd.DataFrame({"n": names.to_numpy(dtype=object), "r": rel_names.to_numpy(dtype=object)})
    codes = key.groupby(["n", "r"], dropna=False, sort=False).ngroup().to_numpy()
    combos = key.drop_duplicates()  # first appearances: the same order as ngroup(sort=False)
    out_names = ("given_first_key", "relation_first_key", "given_words", "relation_words",
                 "given_last_key", "given_single_key", "relation_single_key")
    cols = {k: np.empty(len(combos), dtype=object) for k in out_names}
    none = (frozenset(), None, None, None, None)
    for i, (n, r) in enumerate(zip(combos["n"], combos["r"])):
        ph = her_tab.get(n) if isinstance(n, str) else None
        pr = rel_tab.get(r) if isinstance(r, str) else None
        h = _one_name(ph.given, ph.surname) if ph is not None else none
        rl = _one_name(pr.given, pr.surname) if pr is not None else none
        family = h[0] & rl[0]
        if family:
            cols["given_first_key"][i] = first_word_key(ph.given, family)
            cols["relation_first_key"][i] = first_word_key(pr.given, family)
        else:
            cols["given_first_key"][i] = h[2]
            cols["relation_first_key"][i] = rl[2]
        cols["given_words"][i] = h[1]
        cols["relation_words"][i] = rl[1]
        # last word: "Dasari Bharati" and "Bharati" meet in a block on it (house name first)
        cols["given_last_key"][i] = h[3]
        cols["given_single_key"][i] = h[4]
        cols["relation_single_key"][i] = rl[4]
    return {k: pd.Series(v[codes], index=names.index, dtype=object) for k, v in cols.items()}


def member_features(clean: pd.DataFrame) -> pd.DataFrame:
    """One row per member with exactly the columns the model and blocking use."""
    df = pd.DataFrame(index=clean.index)
    for col in CARRIED_COLUMNS:
        df[col] = _cells(clean[col]) if col in clean else None

    names = _cells(clean["member_name"])
    her_tab = _parse_table(pd.unique(names.dropna()))

    def her(field):
        return _lookup(names, {k: (getattr(p, field) or None) for k, p in her_tab.items()})

    df["given_std"] = her("given")
    df["given_key"] = her("given_key")
    df["surname_key"] = her("surname_key")
    df["title"] = her("title")

    # The relation: its own columns first; else what the name field carried ("W/O RAMESH").
    rel_type = her("relation_type")
    rel_name = her("relation_name")
    if "relation_type" in clean:
        col = _cells(clean["relation_type"])
        rel_type = col.where(col.notna(), rel_type)
    if "relation_name" in clean:
        col = _cells(clean["relation_name"])
        rel_name = col.where(col.notna(), rel_name)
    rel_tab = _parse_table(pd.unique(rel_name.dropna()))

    def rel(field):
        return _lookup(rel_name, {k: (getattr(p, field) or None) for k, p in rel_tab.items()})

    df["relation_type"] = rel_type
    df["relation_name"] = rel_name
    df["relation_key"] = rel("given_key")
    for k, v in _name_fields(names, rel_name, her_tab, rel_tab).items():
        df[k] = v
    df["relation_surname_key"] = rel("surname_key")
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
    df["given_initial"] = df["given_key"].str.slice(0, 1).where(df["given_key"].notna(), None)
    add_tf_keys(df)
    missing = (set(FEATURE_COLUMNS) | set(TF_COLUMNS)) - set(df.columns)
    if missing:  # a model column nobody computes would silently never match
        raise RuntimeError(f"feature columns not computed: {sorted(missing)}")
    return df.reset_index(drop=True)


def feature_record(row: dict) -> dict:
    """Features of one profile (real-time path): same code as batch, one row."""
    return member_features(pd.DataFrame([row])).iloc[0].to_dict()


def feature_records(rows: Iterable[dict]) -> list[dict]:
    return member_features(pd.DataFrame(list(rows))).to_dict("records")
