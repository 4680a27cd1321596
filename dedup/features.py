"""From clean member rows to the columns the comparison model compares.

Everything name-related is computed once per unique string (names repeat a lot:
a few lakh distinct spellings in a crore of rows), then mapped back.
"""
from __future__ import annotations

from typing import Iterable

import pandas as pd

from dedup.names import first_word_key, normalise_place, parse_name, word_key, word_keys
from models.member_model import FEATURE_COLUMNS

# Derived only for blocking (candidate generation), never compared.
BLOCKING_ONLY_COLUMNS = ("given_initial", "given_last_key", "district_key")

CARRIED_COLUMNS = ("member_id", "district", "block", "panchayat", "village", "shg_id", "member_name",
                   "relation_name")


def _none_if_empty(v):
    if v is None:
        return None
    if isinstance(v, float) and v != v:
        return None
    s = str(v).strip()
    return s or None


def _map_unique(series: pd.Series, fn) -> pd.Series:
    """fn applied once per distinct value; missing stays None (never NaN)."""
    table = {v: fn(v) for v in pd.unique(series.dropna())}
    return pd.Series([None if v is None or v != v else table[v] for v in series],
                     index=series.index, dtype=object)


def _words(given: str | None, surname: str | None) -> str | None:
    """Word keys of a whole name (given and surname), space-separated, in order."""
    keys = [word_key(w) for w in f"{given or ''} {surname or ''}".split()]
    return " ".join(k for k in keys if k) or None


def _place_path(*parts: str | None) -> str | None:
    """Hierarchical place key; None when the last part is missing."""
    if parts[-1] is None:
        return None
    return "/".join(p or "?" for p in parts)


def member_features(clean: pd.DataFrame) -> pd.DataFrame:
    """One row per member with exactly the columns the model and blocking use."""
    df = pd.DataFrame(index=clean.index)
    for col in CARRIED_COLUMNS:
        df[col] = clean[col].map(_none_if_empty) if col in clean else None

    names = clean["member_name"].map(_none_if_empty)
    parsed = _map_unique(names, parse_name)
    df["given_std"] = parsed.map(lambda p: p.given if p is not None else None)
    df["given_key"] = parsed.map(lambda p: (p.given_key or None) if p is not None else None)
    df["surname_key"] = parsed.map(lambda p: p.surname_key if p is not None else None)
    df["title"] = parsed.map(lambda p: p.title if p is not None else None)

    # The relation: its own columns first; else what the name field carried ("W/O RAMESH").
    rel_type_col = clean["relation_type"].map(_none_if_empty) if "relation_type" in clean else None
    rel_name_col = clean["relation_name"].map(_none_if_empty) if "relation_name" in clean else None
    parsed_rel_type = parsed.map(lambda p: p.relation_type if p is not None else None)
    parsed_rel_name = parsed.map(lambda p: p.relation_name if p is not None else None)
    rel_type = rel_type_col.where(rel_type_col.notna(), parsed_rel_type) if rel_type_col is not None else parsed_rel_type
    rel_name = rel_name_col.where(rel_name_col.notna(), parsed_rel_name) if rel_name_col is not None else parsed_rel_name
    rel_parsed = _map_unique(rel_name, parse_name)
    df["relation_type"] = rel_type
    df["relation_name"] = rel_name
    df["relation_key"] = rel_parsed.map(lambda p: (p.given_key or None) if p is not None else None)
    # First words, skipping the words her name and the relation's share (the family's).
    her = parsed.map(lambda p: (p.given, p.surname) if p is not None else (None, None))
    rel = rel_parsed.map(lambda p: (p.given, p.surname) if p is not None else (None, None))
    firsts = {}
    for key in set(zip(her, rel)):
        (g, s), (rg, rs) = key
        hw, rw = word_keys(g) | word_keys(s), word_keys(rg) | word_keys(rs)
        firsts[key] = (first_word_key(g, hw & rw), first_word_key(rg, hw & rw))
        firsts[key] += (_words(g, s), _words(rg, rs))
    pairs = [firsts[k] for k in zip(her, rel)]
    df["given_first_key"] = [a for a, _, _, _ in pairs]
    df["relation_first_key"] = [b for _, b, _, _ in pairs]
    df["given_words"] = [w for _, _, w, _ in pairs]
    df["relation_words"] = [w for _, _, _, w in pairs]
    # last word: "Dasari Bharati" and "Bharati" meet in a block on it (house name first)
    df["given_last_key"] = [w.rsplit(" ", 1)[-1] if w else None for w in df["given_words"]]
    df["given_single_key"] = [w if w and " " not in w else None for w in df["given_words"]]
    df["relation_single_key"] = [w if w and " " not in w else None for w in df["relation_words"]]
    df["relation_surname_key"] = rel_parsed.map(lambda p: p.surname_key if p is not None else None)
    df["family_surname_key"] = df["surname_key"].where(df["surname_key"].notna(), df["relation_surname_key"])

    places = {}
    for col in ("district", "block", "panchayat", "village"):
        vals = df[col]
        places[col] = _map_unique(vals, normalise_place)
    d, b, p, v = places["district"], places["block"], places["panchayat"], places["village"]
    df["district_key"] = d
    df["block_key"] = [_place_path(x, y) for x, y in zip(d, b)]
    df["panchayat_key"] = [_place_path(x, y, z) for x, y, z in zip(d, b, p)]
    df["village_key"] = [_place_path(x, y, z) for x, y, z in zip(d, b, v)]

    yob = pd.to_numeric(clean["yob"], errors="coerce") if "yob" in clean else pd.Series(float("nan"), index=clean.index)
    df["yob"] = yob.astype("Int64")
    # A date of birth is written once and copied; an age is typed at entry and goes stale
    # (the year of birth derived from it drifts by the years since). So disagreement
    # between two written dates is strong evidence, between two ages much weaker.
    dob = clean["dob"].map(_none_if_empty) if "dob" in clean else pd.Series(None, index=clean.index, dtype=object)
    df["dob"] = dob
    df["dob_year"] = pd.to_numeric(dob.str.slice(0, 4), errors="coerce").astype("Int64")
    for col in ("gender", "mobile", "aadhaar_token", "aadhaar_last4", "bank_token"):
        df[col] = clean[col].map(_none_if_empty) if col in clean else None
    df["given_initial"] = df["given_key"].map(lambda k: k[0] if k else None)
    missing = set(FEATURE_COLUMNS) - set(df.columns)
    if missing:  # a model column nobody computes would silently never match
        raise RuntimeError(f"feature columns not computed: {sorted(missing)}")
    return df.reset_index(drop=True)


def feature_record(row: dict) -> dict:
    """Features of one profile (real-time path): same code as batch, one row."""
    return member_features(pd.DataFrame([row])).iloc[0].to_dict()


def feature_records(rows: Iterable[dict]) -> list[dict]:
    return member_features(pd.DataFrame(list(rows))).to_dict("records")
