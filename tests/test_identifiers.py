"""Aadhaar, VID and bank identifiers: validation, tokens, key rotation, and that no raw number survives."""
from __future__ import annotations

import dataclasses
import json
import logging
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedup.settings import get_settings
from ekyc.aadhaar import (AadhaarEvidence, AadhaarKind, mask_aadhaar, parse_aadhaar, verhoeff_check_digit,
                          verhoeff_checksum_ok)
from ekyc.bank import normalise_ifsc, parse_bank
from ekyc.keys import Key
from ekyc.tokens import comparable, make_token, token_key_id

KEY_A = "a1" * 32
KEY_B = "b2" * 32


@pytest.fixture(autouse=True)
def _keys(monkeypatch, tmp_path):
    monkeypatch.setenv("PEHCHAAN_TOKEN_KEY", KEY_A)
    monkeypatch.setenv("PEHCHAAN_TOKEN_KEY_ID", "t1")
    monkeypatch.setenv("PEHCHAAN_KEY_FILE", str(tmp_path / "keys.json"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _with_check(body: str) -> str:
    return body + verhoeff_check_digit(body)


aadhaar_bodies = st.builds(lambda first, rest: first + rest,
                           st.sampled_from("23456789"),
                           st.text(alphabet="0123456789", min_size=10, max_size=10))
valid_aadhaar = aadhaar_bodies.map(_with_check)
valid_vid = st.text(alphabet="0123456789", min_size=15, max_size=15).map(_with_check)


# ---------------------------------------------------------------- Verhoeff

def test_verhoeff_known_values():
    # Worked example of the algorithm (Wikipedia / Verhoeff 1969): 236 -> check digit 3.
    assert verhoeff_check_digit("236") == "3"
    assert verhoeff_checksum_ok("2363")
    assert not verhoeff_checksum_ok("2364")
    assert not verhoeff_checksum_ok("2336")


def test_uidai_published_test_uids_are_valid():
    # Test residents from UIDAI's authentication API developer documentation (staging only,
    # no real person): check digits computed by UIDAI itself, not by our table.
    for n in ("999941057058", "999971658847", "999933119405", "999955183433", "999990501894"):
        assert verhoeff_checksum_ok(n), n
        assert parse_aadhaar(n).kind == AadhaarKind.FULL


@settings(max_examples=200, deadline=None)
@given(number=st.one_of(valid_aadhaar, valid_vid))
def test_verhoeff_catches_every_single_digit_error(number):
    assert verhoeff_checksum_ok(number)
    checked = 0
    for pos in range(len(number)):            # every position, the check digit included
        for d in "0123456789":
            if d == number[pos]:
                continue
            wrong = number[:pos] + d + number[pos + 1:]
            assert not verhoeff_checksum_ok(wrong), (pos, d)
            checked += 1
    assert checked == 9 * len(number)


@settings(max_examples=200, deadline=None)
@given(number=st.one_of(valid_aadhaar, valid_vid))
def test_verhoeff_catches_every_adjacent_transposition(number):
    swapped_positions = 0
    for pos in range(len(number) - 1):        # every adjacent pair, the check digit included
        if number[pos] == number[pos + 1]:
            continue
        wrong = number[:pos] + number[pos + 1] + number[pos] + number[pos + 2:]
        assert not verhoeff_checksum_ok(wrong), pos
        swapped_positions += 1
    assert swapped_positions == sum(number[i] != number[i + 1] for i in range(len(number) - 1))


def test_every_transposition_position_is_exercised():
    # A number whose adjacent digits all differ, so each of the 11 swaps, the check digit's
    # included, is really tried (the property test skips equal neighbours).
    candidates = (_with_check(b) for b in ("23456789012", "29384756102", "35791357913", "86420864208"))
    n = next(c for c in candidates if all(c[i] != c[i + 1] for i in range(11)))
    swap = lambda s, i: s[:i] + s[i + 1] + s[i] + s[i + 2:]  # noqa: E731
    assert [pos for pos in range(11) if not verhoeff_checksum_ok(swap(n, pos))] == list(range(11))


# ---------------------------------------------------------------- Aadhaar parsing

@settings(max_examples=100, deadline=None)
@given(number=valid_aadhaar)
def test_full_number_forms_give_one_token_and_last4(number):
    spaced = f"{number[:4]} {number[4:8]} {number[8:]}"
    dashed = f"{number[:4]}-{number[4:8]}-{number[8:]}"
    evs = [parse_aadhaar(x) for x in (number, spaced, dashed, f"  {number} ", int(number), f"{number}.0")]
    assert {e.kind for e in evs} == {AadhaarKind.FULL}
    assert len({e.token for e in evs}) == 1
    assert all(e.last4 == number[-4:] for e in evs)
    assert evs[0].masked == f"XXXX XXXX {number[-4:]}"
    assert evs[0].usable
    assert re.fullmatch(r"aad:t1:[0-9a-f]{32}", evs[0].token)


def _in_script(number: str, zero: int) -> str:
    return "".join(chr(zero + int(c)) if c.isdigit() else c for c in number)


# Devanagari, Bengali, Gurmukhi, Odia, Tamil, Telugu digits: a number typed on an Indic keyboard
SCRIPT_ZEROS = [0x966, 0x9E6, 0xA66, 0xB66, 0xBE6, 0xC66]


@settings(max_examples=30, deadline=None)
@given(number=valid_aadhaar, zero=st.sampled_from(SCRIPT_ZEROS))
def test_a_number_in_indic_digits_is_the_same_number(number, zero):
    ascii_ev, script_ev = parse_aadhaar(number), parse_aadhaar(_in_script(f"{number[:4]} {number[4:8]} {number[8:]}", zero))
    assert script_ev.kind == AadhaarKind.FULL and script_ev.token == ascii_ev.token
    assert script_ev.last4 == number[-4:] and script_ev.masked == f"XXXX XXXX {number[-4:]}"
    assert parse_aadhaar(_in_script(f"XXXX XXXX {number[-4:]}", zero)).last4 == number[-4:]
    assert parse_bank(_in_script("30110443793", zero)).token == parse_bank("30110443793").token


def test_excels_text_marker_before_a_number_is_not_part_of_it():
    number = _with_check("23456789012")
    assert parse_aadhaar("'" + number).token == parse_aadhaar(number).token
    assert parse_bank("'30110443793").token == parse_bank("30110443793").token


@pytest.mark.parametrize("text", ["XXXX XXXX 1234", "xxxxxxxx1234", "XXXX-XXXX-1234", "********1234", "1234"])
def test_masked_forms_give_last4_only(text):
    ev = parse_aadhaar(text)
    assert ev.kind == AadhaarKind.MASKED
    assert ev.last4 == "1234" and ev.token is None
    assert ev.usable and mask_aadhaar(text) == "XXXX XXXX 1234"


def test_invalid_numbers_are_flagged_and_never_evidence():
    good = _with_check("23456789012")
    bad_check = good[:-1] + str((int(good[-1]) + 1) % 10)
    starts_with_1 = _with_check("13456789012")
    for text, why in [(bad_check, "check digit"), (starts_with_1, "start with 0 or 1"),
                      ("12345", "12 digits"), ("2345 6789 01AB", "only digits"), (good + "9", "12 digits")]:
        ev = parse_aadhaar(text)
        assert ev.kind == AadhaarKind.INVALID, text
        assert ev.token is None and ev.last4 is None and not ev.usable
        assert why in ev.reason
    for empty in (None, "", "  ", "nan", "NULL", "-"):
        assert parse_aadhaar(empty).kind == AadhaarKind.MISSING


@settings(max_examples=50, deadline=None)
@given(vid=valid_vid)
def test_vid_is_its_own_kind(vid):
    ev = parse_aadhaar(f"{vid[:4]} {vid[4:8]} {vid[8:12]} {vid[12:]}")
    assert ev.kind == AadhaarKind.VID
    assert ev.token.startswith("vid:t1:") and ev.last4 == vid[-4:]
    assert ev.masked == f"XXXX XXXX XXXX {vid[-4:]}"
    # an Aadhaar token and a VID token are never comparable, even by accident of digits
    aad = parse_aadhaar(_with_check("2" + vid[1:11]))
    assert not comparable(ev.token, aad.token)


def test_aadhaar_check_without_key_only_classifies():
    ev = parse_aadhaar(_with_check("23456789012"), tokenise=False)
    assert ev.kind == AadhaarKind.FULL and ev.token is None and ev.last4


# ---------------------------------------------------------------- tokens and keys

def test_token_is_keyed_hmac_not_a_plain_hash():
    import hashlib

    n = _with_check("98765432109")
    tok = parse_aadhaar(n).token
    digest = tok.split(":")[2]
    assert digest not in hashlib.sha256(n.encode()).hexdigest()
    assert digest not in hashlib.sha256(f"aad|{n}".encode()).hexdigest()
    assert make_token("aad", n, Key("t1", bytes.fromhex(KEY_B))) != tok


def test_key_rotation_tokens_under_different_key_ids_are_not_comparable(monkeypatch):
    n = _with_check("87654321098")
    old = parse_aadhaar(n).token
    monkeypatch.setenv("PEHCHAAN_TOKEN_KEY", KEY_B)
    monkeypatch.setenv("PEHCHAAN_TOKEN_KEY_ID", "t2")
    get_settings.cache_clear()
    new = parse_aadhaar(n).token
    assert token_key_id(old) == "t1" and token_key_id(new) == "t2"
    assert old != new
    assert not comparable(old, new)
    assert comparable(new, parse_aadhaar(f"{n[:4]} {n[4:8]} {n[8:]}").token)
    assert not comparable(new, None) and not comparable("garbage", new)
    # same key id, same key: comparable and equal for the same number
    assert parse_aadhaar(n).token == new


def test_same_key_id_different_kind_not_comparable():
    assert not comparable(make_token("aad", "x"), make_token("bank", "x"))


# ---------------------------------------------------------------- no raw number survives

def _forms(n: str) -> list[str]:
    return [n, f"{n[:4]} {n[4:8]} {n[8:]}", f"{n[:4]}-{n[4:8]}-{n[8:]}", n[:8]]


def _assert_absent(text: str, n: str):
    for form in _forms(n):
        assert form not in text, "raw Aadhaar digits leaked"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(number=valid_aadhaar)
def test_no_raw_number_in_repr_str_json_or_logs(number, caplog):
    ev = parse_aadhaar(f"{number[:4]} {number[4:8]} {number[8:]}")
    log = logging.getLogger("pehchaan.test")
    with caplog.at_level(logging.DEBUG):
        log.info("evidence %s %r", ev, ev)
        log.info("masked %s", ev.masked)
    blob = " ".join([repr(ev), str(ev), json.dumps(dataclasses.asdict(ev), default=str), caplog.text,
                     str(ev.masked), str(ev.token)])
    _assert_absent(blob, number)
    assert number[-4:] in blob  # the last 4 are allowed and present


@settings(max_examples=30, deadline=None)
@given(number=valid_aadhaar)
def test_no_raw_number_in_exceptions_or_result_json(number):
    from pydantic import ValidationError

    from ekyc.errors import EkycError
    from ekyc.models import Profile
    from ekyc.outcome import as_profile

    # A profile carrying the full number keeps only the last 4 digits ...
    p = Profile.model_validate({"aadhaar": number, "name": "Sunita"})
    assert p.aadhaar_last4 == number[-4:]
    _assert_absent(p.model_dump_json() + repr(p), number)
    # ... and an invalid profile's error message does not quote it.
    with pytest.raises(ValidationError) as exc:
        Profile.model_validate({"aadhaar": number, "age": "not a number"})
    _assert_absent(str(exc.value) + repr(exc.value), number)
    with pytest.raises(EkycError) as exc2:
        as_profile({"aadhaar": number, "age": "not a number"})
    _assert_absent(str(exc2.value) + repr(exc2.value), number)


def test_invalid_number_reason_does_not_quote_it():
    bad = _with_check("23456789012")[:-1] + "0"
    if verhoeff_checksum_ok(bad):
        bad = bad[:-1] + "1"
    ev = parse_aadhaar(bad)
    assert ev.kind == AadhaarKind.INVALID
    _assert_absent(repr(ev) + str(ev.reason), bad)


def test_evidence_holds_no_number_field():
    names = {f.name for f in dataclasses.fields(AadhaarEvidence)}
    assert names == {"kind", "token", "last4", "reason", "masked_vid"}   # masked_vid: a bool


def test_a_masked_vid_is_told_from_a_masked_aadhaar():
    """Its last 4 digits are the VID's, not the Aadhaar's: nothing may compare them as such."""
    vid, aadhaar = parse_aadhaar("XXXX XXXX XXXX 2346"), parse_aadhaar("XXXX XXXX 2346")
    assert vid.kind == aadhaar.kind == AadhaarKind.MASKED
    assert vid.masked_vid and not aadhaar.masked_vid
    assert vid.masked == "XXXX XXXX XXXX 2346" and aadhaar.masked == "XXXX XXXX 2346"


# ---------------------------------------------------------------- bank

@pytest.mark.parametrize("raw,expected", [("sbin0001234", "SBIN0001234"), (" SBIN 0001234 ", "SBIN0001234"),
                                          ("hdfc0cag123", "HDFC0CAG123")])
def test_ifsc_upper_cased_and_checked(raw, expected):
    assert normalise_ifsc(raw) == (expected, None)


@pytest.mark.parametrize("raw", ["SBIN1001234", "SBI0001234", "SBIN00012345", "12340001234", "SBIN000123$"])
def test_bad_ifsc_flagged(raw):
    ifsc, reason = normalise_ifsc(raw)
    assert ifsc is None and "4 letters, then 0" in reason


def test_account_sanity_and_token():
    ok = parse_bank("3012 4567 8901", "sbin0001234")
    assert ok.token.startswith("bank:t1:") and ok.last4 == "8901" and ok.masked == "XXXXXX8901"
    assert ok.ifsc == "SBIN0001234"
    assert parse_bank("301245678901", "SBIN0009999").token == ok.token    # same bank code, same account
    assert parse_bank("301245678901", "HDFC0001234").token != ok.token    # other bank: other account
    for bad, why in [("12345678", "9 to 18"), ("1" * 19, "9 to 18"), ("12345A789", "only digits"),
                     ("000000000", "all zeros")]:
        ev = parse_bank(bad, "SBIN0001234")
        assert ev.token is None and ev.last4 is None and why in ev.account_reason


@settings(max_examples=50, deadline=None)
@given(account=st.text(alphabet="0123456789", min_size=9, max_size=18).filter(lambda a: a[0] != "0"))
def test_no_raw_account_survives(account):
    ev = parse_bank(f"{account[:4]} {account[4:]}", "SBIN0001234")
    blob = repr(ev) + json.dumps(dataclasses.asdict(ev)) + str(ev.masked)
    assert account not in blob
    assert account[:-4] not in blob.replace(ev.token, "")  # (a keyed hash's hex may hold any 5 digits)
    assert ev.last4 == account[-4:] and ev.masked == "XXXXXX" + account[-4:]


def test_verhoeff_permutation_rows_are_powers_of_sigma():
    # Row i of the permutation table must be sigma^i; a typo in one row silently rejects real
    # Aadhaar numbers (their check digit was computed with the true table) and lets some
    # transpositions through. This caught exactly such a typo in row 5.
    from ekyc.aadhaar import _P

    sigma = _P[1]
    row = list(range(10))
    for i in range(8):
        assert list(_P[i]) == row, i
        row = [sigma[r] for r in row]
    assert row == list(range(10))  # sigma has order 8


def test_masked_bank_account_keeps_last4_without_a_token():
    from ekyc.bank import parse_bank

    ev = parse_bank("XXXXXX1234", "SBIN0001234")
    assert ev.last4 == "1234" and ev.token is None and ev.account_reason is None
    assert parse_bank("xx12", None).account_reason is not None   # too short to be a masked account


def test_key_fingerprint_tells_keys_apart_and_hides_them():
    from ekyc.tokens import key_fingerprint

    a, a_again, b = Key("t1", bytes.fromhex(KEY_A)), Key("t1", bytes.fromhex(KEY_A)), Key("t1", bytes.fromhex(KEY_B))
    assert key_fingerprint(a) == key_fingerprint(a_again) != key_fingerprint(b)
    assert KEY_A not in key_fingerprint(a) and key_fingerprint(a).startswith("fingerprint:t1:")
    # not the cheap HMAC a token is: a guessed passphrase cannot be checked at token speed
    assert key_fingerprint(a).split(":")[2] != make_token("fingerprint", "pehchaan-token-key", a).split(":")[2]
