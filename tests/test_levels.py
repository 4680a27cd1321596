"""Each comparison's SQL (as Splink runs it in DuckDB) and Python form agree on every pair."""
from __future__ import annotations

import random

import duckdb
import pandas as pd
import pytest

from models.levels import AbsDiffAtMost, Exact, IsNull, LevenshteinAtMost, Not, ValuesAre, WordWithinOther
from models.member_model import COMPARISONS, FEATURE_COLUMNS

VALUES = {
    "yob": [None, 1970, 1971, 1973, 1976, 1980, 1990],
    "title": [None, "devi", "kumari", "khatoon", "bai"],
    "relation_type": [None, "father", "husband"],
    "gender": [None, "F", "M"],
    # keyed tokens of two kinds: Aadhaar ("aad:") and Virtual ID ("vid:")
    "aadhaar_token": [None, "aad:k1:aa", "aad:k1:bb", "vid:k1:aa", "vid:k1:cc"],
}
WORDS = [None, "sunita", "sunta", "sanita", "suneta", "anita", "ram", "rama", "", "x"]


def _random_record(rng: random.Random) -> dict:
    rec = {}
    for col in FEATURE_COLUMNS:
        pool = VALUES.get(col, WORDS)
        rec[col] = rng.choice(pool)
        if rec[col] == "":
            rec[col] = None
    return rec


def _case_sql(comp) -> str:
    n = sum(1 for lv in comp.levels if not lv.is_null)
    whens, idx = [], 0
    for lv in comp.levels:
        g = -1 if lv.is_null else n - 1 - idx
        if not lv.is_null:
            idx += 1
        whens.append(f"ELSE {g}" if lv.cond is None else f"WHEN {lv.sql()} THEN {g}")
    return "CASE " + " ".join(whens) + " END"


def test_sql_and_python_levels_agree_on_random_pairs():
    rng = random.Random(7)
    lefts = [_random_record(rng) for _ in range(3000)]
    rights = [_random_record(rng) for _ in range(3000)]
    df = pd.DataFrame([{**{f"{k}_l": v for k, v in l.items()}, **{f"{k}_r": v for k, v in r.items()}}
                       for l, r in zip(lefts, rights)])
    for col in df.columns:
        if col.startswith("yob"):
            df[col] = df[col].astype("Int64")
    con = duckdb.connect()
    con.register("p", df)
    cases = ", ".join(f"{_case_sql(c)} AS g_{c.name}" for c in COMPARISONS)
    got = con.execute(f"SELECT {cases} FROM p").fetchdf()
    for c in COMPARISONS:
        py = [c.gamma(l, r) for l, r in zip(lefts, rights)]
        assert got[f"g_{c.name}"].tolist() == py, c.name
        # every level is reachable on this data, so the test really exercises each
        assert len(set(py)) >= 3, c.name


def test_three_valued_logic_matches_sql_for_not_and_missing():
    l, r = {"a": None}, {"a": "x"}
    assert Exact("a").py(l, r) is None
    assert Not(Exact("a")).py(l, r) is None          # NOT NULL is NULL in SQL
    assert IsNull("a").py(l, r) is True
    assert (Exact("a") | IsNull("a")).py(l, r) is True
    assert (Exact("a") & IsNull("a")).py(l, r) is None


@pytest.mark.parametrize("a,b,k,expected", [("sunita", "sunita", 0, True), ("sunita", "sunta", 1, True),
                                            ("sunita", "anita", 1, False), ("sunita", "anita", 2, True)])
def test_levenshtein_levels(a, b, k, expected):
    assert LevenshteinAtMost("x", k).py({"x": a}, {"x": b}) is expected


def test_abs_diff_and_values_are():
    assert AbsDiffAtMost("yob", 2).py({"yob": 1980}, {"yob": 1982}) is True
    assert AbsDiffAtMost("yob", 2).py({"yob": 1980}, {"yob": 1983}) is False
    v = ValuesAre("title", "kumari", "devi")
    assert v.py({"title": "devi"}, {"title": "kumari"}) is True
    assert v.py({"title": "devi"}, {"title": "devi"}) is False


# single_l, words_l, single_r, words_r -> expected (SQL three-valued: None is NULL, which a
# CASE WHEN treats as not matched; False only when both directions are known to fail)
WITHIN_CASES = [
    ("bharati", "bharati", None, "dasari bharati", True),            # one word within two
    (None, "dasari bharati", "bharati", "bharati", True),            # the other direction
    ("durga", "durga", None, "durga kandula", True),                 # first word, not only last
    ("vijaya", "vijaya", None, "dasari vijaya kumari", True),        # middle of three
    ("sunita", "sunita", "sunita", "sunita", True),                  # two one-word names
    # a prefix or suffix is not a word: not True (NULL, as the other side has no one-word name)
    ("ram", "ram", None, "ramesh kumar", None),
    ("esh", "esh", None, "ramesh kumar", None),
    ("kumar", "kumar", None, "ramesh kumar", True),
    ("ram", "ram", "ramesh", "ramesh", False),                       # both one word: definitely not
    ("anita", "anita", "sunita", "sunita", False),
    (None, "anita munda", None, "anita barla", None),               # two many-word names: unknown
    ("anita", "anita", None, None, None),                            # other side missing
    (None, None, None, None, None),
    (None, None, "anita", "anita", None),
    ("x", "x", None, "anita x", True),                               # True wins over NULL
]


def test_word_within_other_sql_and_python_agree():
    cond = WordWithinOther("given_single_key", "given_words")
    con = duckdb.connect()
    con.execute("CREATE TABLE p (given_single_key_l VARCHAR, given_words_l VARCHAR, "
                "given_single_key_r VARCHAR, given_words_r VARCHAR)")
    con.executemany("INSERT INTO p VALUES (?, ?, ?, ?)", [case[:4] for case in WITHIN_CASES])
    sql = [row[0] for row in con.execute(f"SELECT {cond.sql()} FROM p ORDER BY rowid").fetchall()]
    for (sl, wl, sr, wr, expected), got_sql in zip(WITHIN_CASES, sql):
        l = {"given_single_key": sl, "given_words": wl}
        r = {"given_single_key": sr, "given_words": wr}
        case = (sl, wl, sr, wr)
        assert cond.py(l, r) is expected, case
        assert cond.py(r, l) is expected, case          # symmetric
        assert got_sql is expected, case
    assert len(sql) == len(WITHIN_CASES)
    assert cond.columns() == {"given_single_key", "given_words"}


def test_word_within_other_treats_pandas_nan_as_missing():
    cond = WordWithinOther("given_single_key", "given_words")
    nan = float("nan")
    l = {"given_single_key": "bharati", "given_words": "bharati"}
    assert cond.py(l, {"given_single_key": nan, "given_words": nan}) is None
    assert cond.py(l, {"given_single_key": nan, "given_words": "dasari bharati"}) is True
