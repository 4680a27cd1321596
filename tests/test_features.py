"""Member features: first words, family words, one-word names, family surname, written
dates of birth - and how the comparison model scores them."""
from __future__ import annotations

import pandas as pd
import pytest

from dedup.features import feature_records, member_features
from dedup.names import parse_name
from dedup.phonetic import word_key
from models.member_model import COMPARISONS

ROWS = [
    # Telugu: house name first, shared with the husband's name
    dict(member_id="durga", member_name="Kandula Durga", relation_type="husband",
         relation_name="Kandula Ramesh", yob=1980, dob="1980-05-01"),
    dict(member_id="radha", member_name="Kandula Radha", relation_type="husband",
         relation_name="Kandula Rambabu", yob=1985, dob=None),
    dict(member_id="durga_alone", member_name="Kandula Durga", relation_type=None,
         relation_name=None, yob=None, dob=""),
    dict(member_id="sunita", member_name="Sunita Devi", relation_type="husband",
         relation_name="Ramesh Yadav", yob=None, dob=None),
    dict(member_id="anita", member_name="Anita Munda", relation_type="father",
         relation_name="Ramesh Oraon", yob=1990, dob=None),
    dict(member_id="rekha", member_name="Rekha", relation_type=None, relation_name=None,
         yob=1990, dob=None),
]


@pytest.fixture(scope="module")
def features() -> dict[str, dict]:
    df = member_features(pd.DataFrame(ROWS))
    return {rec["member_id"]: rec for rec in df.to_dict("records")}


def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and v != v)


# ------------------------------------------------------------------ first words and family words

def test_house_name_shared_with_husband_is_skipped(features):
    durga, radha = features["durga"], features["radha"]
    assert durga["given_first_key"] == word_key("durga")
    assert radha["given_first_key"] == word_key("radha")
    assert durga["relation_first_key"] == word_key("ramesh")
    assert radha["relation_first_key"] == word_key("rambabu")
    # two women of one house: their first names differ although both start "Kandula"
    assert durga["given_first_key"] != radha["given_first_key"]


def test_house_name_is_kept_without_a_relation_to_share_it(features):
    assert features["durga_alone"]["given_first_key"] == word_key("kandula")
    assert _missing(features["durga_alone"]["relation_first_key"])


# ------------------------------------------------------------------ family surname

def test_family_surname_is_hers_else_the_relations(features):
    assert features["anita"]["family_surname_key"] == parse_name("Anita Munda").surname_key
    assert features["anita"]["family_surname_key"] != features["anita"]["relation_surname_key"]
    sunita = features["sunita"]
    assert _missing(sunita["surname_key"])
    assert sunita["family_surname_key"] == parse_name("Ramesh Yadav").surname_key == word_key("yadav")
    assert _missing(features["rekha"]["family_surname_key"])


# ------------------------------------------------------------------ dates of birth

def test_dob_year_is_the_year_of_a_written_date(features):
    assert features["durga"]["dob"] == "1980-05-01"
    assert features["durga"]["dob_year"] == 1980
    for member in ("radha", "durga_alone", "sunita"):   # None, "" and missing
        assert _missing(features[member]["dob"]) and _missing(features[member]["dob_year"])


# ------------------------------------------------------------------ one-word names and word lists

def test_single_key_only_for_one_word_names(features):
    assert features["rekha"]["given_single_key"] == word_key("rekha")
    assert features["sunita"]["given_single_key"] == word_key("sunita")   # Devi is a title, not a word
    for member in ("durga", "anita"):
        assert _missing(features[member]["given_single_key"])
    assert _missing(features["durga"]["relation_single_key"])


def test_words_are_the_word_keys_in_order(features):
    assert features["durga"]["given_words"] == f"{word_key('kandula')} {word_key('durga')}"
    assert features["anita"]["given_words"] == f"{word_key('anita')} {word_key('munda')}"
    assert features["sunita"]["relation_words"] == f"{word_key('ramesh')} {word_key('yadav')}"
    assert features["durga"]["given_last_key"] == word_key("durga")
    assert _missing(features["rekha"]["relation_words"])


# ------------------------------------------------------------------ scoring

def _level(name: str, l: dict, r: dict) -> str:
    comp = next(c for c in COMPARISONS if c.name == name)
    return comp.levels_by_gamma()[comp.gamma(l, r)].label


def _pair(a: dict, b: dict) -> tuple[dict, dict]:
    l, r = feature_records([{"member_id": "l", **a}, {"member_id": "r", **b}])
    return l, r


def test_one_word_name_within_a_name_with_house_name():
    # Bharati = Dasari Bharati (Telugu: house name first); her husband's "Da." is an initial
    l, r = _pair(dict(member_name="భారతి", relation_type="husband", relation_name="దా. రాజు"),
                 dict(member_name="దాసరీ భారతి", relation_type="husband", relation_name="రాజు"))
    assert _level("first_name", l, r) == "one name within the other"
    assert _level("first_name", r, l) == "one name within the other"
    assert _level("relation_name", l, r) == "same relation, same name"


@pytest.mark.parametrize("a,b,label", [
    (dict(yob=1972, dob="1972-01-01"), dict(yob=1995, dob="1995-03-03"), "dates of birth 3+ years apart"),
    (dict(yob=1972, dob="1972-01-01"), dict(yob=1976, dob="1976-03-03"), "dates of birth 3+ years apart"),
    (dict(yob=1972, dob="1972-01-01"), dict(yob=1976, dob=None), "within 6 years"),   # one is an age
    (dict(yob=1970, dob=None), dict(yob=1990, dob=None), "far apart"),
    (dict(yob=1970, dob=None), dict(yob=1980, dob=None), "7-15 years apart"),
    (dict(yob=1972, dob="1972-01-01"), dict(yob=1972, dob="1972-01-01"), "same 1 January date"),
    (dict(yob=1972, dob="1972-03-17"), dict(yob=1972, dob="1972-03-17"), "same date of birth"),
    (dict(yob=1972, dob="1972-01-01"), dict(yob=1972, dob=None), "same year"),
])
def test_year_of_birth_levels_know_written_dates_from_ages(a, b, label):
    l, r = _pair(dict(member_name="Sunita", **a), dict(member_name="Sunita", **b))
    assert _level("year_of_birth", l, r) == label
