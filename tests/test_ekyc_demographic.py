"""Demographic match of a verified identity against the member profile (Pi-style, advisory)."""
from __future__ import annotations

from datetime import date

import pytest

try:
    import fixtures_ekyc as F
except ImportError:  # tests/ became a package
    from tests import fixtures_ekyc as F

from ekyc.demographic import match_identity, normalise_gender, score_dob, score_name
from ekyc.models import Address, Identity, Profile

TODAY = date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _env(monkeypatch, tmp_path):
    F.configure_env(monkeypatch, tmp_path)


def identity(**kw) -> Identity:
    base = dict(source="secure_qr", reference_id="482120240101120000000", aadhaar_last4="4821",
                name="Sunita Devi", dob="15-08-1985", birth_year=1985, gender="F",
                address=Address(careof="W/O Ramesh Kumar", vtc="Bodh Gaya", district="Gaya", pincode="823001",
                                post_office="Bodh Gaya", state="Bihar"))
    base.update(kw)
    return Identity(**base)


FULL = dict(name="Sunita Devi", gender="F", dob="1985-08-15", village="Bodh Gaya", district="Gaya",
            pincode="823001", relation_name="Ramesh Kumar", aadhaar_last4="4821")


def fields(m):
    return {f.field: f for f in m.fields}


def test_exact_match():
    m = match_identity(identity(), FULL, min_match=80, today=TODAY)
    assert m.decision == "exact" and m.match_value == 100 and m.passed
    assert set(fields(m)) == {"aadhaar_last4", "name", "gender", "dob", "village", "district", "pincode",
                              "relation_name"}
    for f in m.fields:
        assert f.reason.en and f.reason.hi
    assert "December 2017" in m.advisory.en and m.advisory.hi


def test_devanagari_profile_matches_latin_document():
    prof = dict(FULL, name="सुनीता देवी", village="बोधगया", district="गया", relation_name="रमेश कुमार",
                gender="महिला")
    m = match_identity(identity(), prof, min_match=80, today=TODAY)
    f = fields(m)
    assert 95 <= f["name"].score < 100 and not f["name"].exact
    assert f["village"].score == 100 and f["district"].score == 100
    assert f["relation_name"].score == 100 and f["gender"].exact
    assert m.decision == "partial" and m.passed and m.match_value >= 95


@pytest.mark.parametrize("doc,prof,low,high", [
    ("Sunita Devi", "Suneeta Debi", 95, 95),            # same phonetic key, other spelling
    ("Sunita Devi", "SMT SUNITA DEVI W/O RAMESH", 100, 100),  # honorific and relation are not the name
    ("Sunita Devi", "Sunita Kumari", 85, 85),           # same name, other title
    ("Sunita Munda", "Sunita Barla", 80, 94),           # surname changed (marriage?)
    ("Sunita Devi", "Rekha Kumari", 0, 59),             # another woman
])
def test_name_scores(doc, prof, low, high):
    s = score_name(doc, prof)
    assert low <= s.score <= high, (s.score, s.en)
    assert s.en and s.hi


def test_surname_change_reason_mentions_marriage():
    s = score_name("Sunita Munda", "Sunita Barla")
    assert "maiden" in s.en and "विवाह" in s.hi


def test_different_name_fails_even_when_address_is_exact():
    prof = dict(FULL, name="Rekha Kumari")
    m = match_identity(identity(), prof, min_match=50, today=TODAY)
    assert m.match_value >= 50           # the address and birth date alone would carry it ...
    assert not m.passed and m.decision == "mismatch"   # ... but a different name fails the match


def test_gender_and_last4_are_conflicts():
    m = match_identity(identity(), dict(FULL, gender="M"), min_match=1, today=TODAY)
    assert m.decision == "mismatch" and not m.passed and fields(m)["gender"].conflict
    m = match_identity(identity(), dict(FULL, aadhaar_last4="1111"), min_match=1, today=TODAY)
    assert m.decision == "mismatch" and fields(m)["aadhaar_last4"].conflict


@pytest.mark.parametrize("prof,score,exact", [
    ({"dob": "15-08-1985"}, 100, True),
    ({"dob": "1985-08-15"}, 100, True),
    ({"dob": "1985-08-07"}, 70, False),        # same year
    ({"year_of_birth": 1985}, 100, True),
    ({"year_of_birth": 1986}, 50, False),
    ({"year_of_birth": 1990}, 0, False),
    ({"age": 40}, 90, False),                  # 2026 - 40 = 1986, or 1985 if her birthday is to come
    ({"age": 30}, 0, False),
])
def test_dob_scores(prof, score, exact):
    s = score_dob(identity(), Profile(**prof), today=TODAY)
    assert s.score == score and s.exact == exact


def test_day_month_swapped():
    s = score_dob(identity(dob="05-08-1985"), Profile(dob="08-05-1985"), today=TODAY)
    assert s.score == 90 and "swapped" in s.en


def test_document_with_year_only():
    s = score_dob(identity(dob="1985", birth_year=1985), Profile(dob="15-08-1985"), today=TODAY)
    assert s.score == 100


def test_address_scores():
    m = match_identity(identity(), {"village": "Bodhgaya", "district": "Patna", "pincode": "823005"},
                       min_match=80, today=TODAY)
    f = fields(m)
    assert f["village"].score == 100
    assert f["district"].score < 60
    assert f["pincode"].score == 40 and "same postal district" in f["pincode"].reason.en
    assert not m.passed


def test_threshold_decides_partial():
    prof = dict(FULL, name="Suneeta Debi", dob="1985-08-07")   # spelling variant, day differs
    m80 = match_identity(identity(), prof, min_match=80, today=TODAY)
    assert m80.decision == "partial" and m80.passed and 80 <= m80.match_value < 100
    m99 = match_identity(identity(), prof, min_match=99, today=TODAY)
    assert m99.decision == "mismatch" and not m99.passed and m99.match_value == m80.match_value


def test_default_threshold_from_settings(monkeypatch, tmp_path):
    F.configure_env(monkeypatch, tmp_path, PEHCHAAN_EKYC_MIN_MATCH="97")
    m = match_identity(identity(), dict(FULL, name="Suneeta Debi"), today=TODAY)
    assert m.min_match == 97


def test_insufficient_profile():
    m = match_identity(identity(), {}, min_match=80, today=TODAY)
    assert m.decision == "insufficient" and not m.passed
    m = match_identity(identity(), {"aadhaar_last4": "4821"}, min_match=80, today=TODAY)
    assert m.decision == "insufficient" and not m.passed


@pytest.mark.parametrize("prof", [
    {"aadhaar": "XXXX XXXX 4821"},
    {"village": "Bodh Gaya", "pincode": "823001"},
    {"aadhaar": "XXXX XXXX 4821", "gender": "F", "dob": "1985-08-15", "village": "Bodh Gaya"},
])
def test_no_exact_without_a_name(prof):
    m = match_identity(identity(), prof, min_match=80, today=TODAY)
    assert m.decision == "insufficient" and not m.passed
    assert "no name in the profile" in fields(m)["name"].reason.en


def test_no_exact_when_the_document_has_no_name():
    m = match_identity(identity(name=None), FULL, min_match=80, today=TODAY)
    assert m.decision == "insufficient" and not m.passed
    assert "no name on the document" in fields(m)["name"].reason.en


BAD = "234567890123"   # 12 digits, wrong check digit


@pytest.mark.parametrize("extra,where", [
    ({"gender": "X"}, "gender"),
    ({"dob": "2099-02-31"}, "dob"),           # no such day
    ({"dob": "15 Aug 1985"}, "dob"),          # not a form we read
    ({"dob": "08/15/1985"}, "dob"),           # month 15
    ({"dob": "2099-01-01"}, "dob"),           # in the future
    ({"pincode": "82300"}, "pincode"),
    ({"aadhaar": BAD}, "aadhaar"),
    ({"aadhaar": ["x"]}, "aadhaar"),
    ({"aadhaar_last4": "48"}, "aadhaar_last4"),
])
def test_unreadable_profile_field_is_refused_not_skipped(extra, where):
    from ekyc.errors import EkycError, ExitCode
    from ekyc.outcome import as_profile

    with pytest.raises(EkycError) as exc:
        as_profile(dict(name="Sunita Devi", **extra))
    assert exc.value.code == ExitCode.MALFORMED
    assert f"not valid: {where}:" in str(exc.value)
    assert BAD not in str(exc.value) and "7890" not in str(exc.value)
    with pytest.raises(ValueError) as exc2:
        match_identity(identity(), dict(name="Sunita Devi", **extra), min_match=80, today=TODAY)
    assert BAD not in str(exc2.value)


def test_common_forms_are_accepted():
    for prof in ({"gender": "Female"}, {"gender": "f"}, {"gender": "महिला"}, {"dob": "15-08-1985"},
                 {"dob": "15/08/1985"}, {"dob": "1985"}, {"pincode": "823 001"}, {"aadhaar": "XXXX XXXX 4821"},
                 {"aadhaar": " "}, {"gender": ""}):
        m = match_identity(identity(), dict(name="Sunita Devi", **prof), min_match=80, today=TODAY)
        assert m.decision == "exact" and m.passed, prof


def _number(prefix: str) -> str:
    from ekyc.aadhaar import verhoeff_check_digit
    return prefix + verhoeff_check_digit(prefix)


def test_a_vid_is_not_compared_with_the_aadhaar_last4():
    vid = _number("912345678901234")           # a VID, Verhoeff-valid; last 4 are not 4821
    for given in (vid, "XXXX XXXX XXXX " + vid[-4:]):
        p = Profile.model_validate({"aadhaar": given})
        assert p.aadhaar_last4 is None and p.vid_given
        m = match_identity(identity(), dict(FULL, aadhaar_last4=None, aadhaar=given), min_match=80, today=TODAY)
        assert m.decision == "exact" and m.passed
        f = fields(m)["aadhaar_last4"]
        assert f.score is None and not f.conflict and "Virtual ID" in f.reason.en
        assert vid not in m.model_dump_json()
    assert Profile.model_validate({"aadhaar": "XXXX XXXX 4821"}).aadhaar_last4 == "4821"


def test_profile_parsing_makes_no_token(monkeypatch):
    import ekyc.aadhaar

    def no_token(*a, **k):
        raise AssertionError("a keyed token was made for an offline profile")
    monkeypatch.setattr(ekyc.aadhaar, "make_token", no_token)
    p = Profile.model_validate({"aadhaar": _number("23456789012"), "name": "Sunita Devi"})
    assert p.aadhaar_last4 == _number("23456789012")[-4:]


def test_gender_words():
    assert [normalise_gender(x) for x in ("F", "female", "महिला", "M", "पुरुष", "T", "x", None)] == \
        ["F", "F", "F", "M", "M", "T", None, None]


def test_a_number_in_a_profile_name_is_not_echoed_in_the_reason():
    from ekyc.demographic import score_name
    s = score_name("Sunita Devi", "2004. 5678. 9018")
    assert "XXXXXXXX9018" in s.en and "5678" not in s.en
