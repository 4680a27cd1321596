"""Aadhaar Secure QR: public vectors, self-signed payloads of every layout, tampered and bad input."""
from __future__ import annotations

import gzip
import json
import zlib
from datetime import datetime, timedelta

import numpy as np
import pytest
import zxingcpp
from PIL import Image

try:
    import fixtures_ekyc as F
except ImportError:  # tests/ became a package
    from tests import fixtures_ekyc as F

from ekyc.errors import ExitCode
from ekyc.secure_qr import decode_secure_qr, digits_to_bytes, verify_secure_qr


@pytest.fixture(autouse=True)
def _env(monkeypatch, tmp_path):
    F.configure_env(monkeypatch, tmp_path)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="module")
def uidai():
    return F.trusted(F.signer(), names=["uidai_qr.pem"])


# ---------------------------------------------------------------- public vectors

def test_public_v2_vector_verifies_with_its_certificate():
    digits = F.vector("anon_v2_test_qr.txt").read_text()
    expected = json.loads(F.vector("anon_test.json").read_text())
    r = verify_secure_qr(digits, cert=F.vector("testCertificate.pem"))
    assert r.ok and r.exit_code == 0, r.error
    assert r.signature.certificate == "testCertificate.pem" and r.signature.method == "rsa-sha256"
    idn = r.identity
    assert idn.qr_version == expected["undefined"] == "V2"
    assert idn.reference_id == expected["ReferenceId"]
    assert idn.aadhaar_last4 == expected["ReferenceId"][:4] and idn.aadhaar_masked.endswith(idn.aadhaar_last4)
    assert (idn.name, idn.dob, idn.gender) == (expected["Name"], expected["DOB"], expected["Gender"])
    a = idn.address
    assert (a.careof, a.district, a.house, a.pincode, a.post_office, a.state, a.street, a.subdistrict, a.vtc) == (
        expected["CareOf"], expected["District"], expected["House"], expected["PinCode"], expected["PostOffice"],
        expected["State"], expected["Street"], expected["SubDistrict"], expected["VTC"])
    assert a.landmark is None and a.locality is None      # empty in the vector
    assert idn.mobile_last4 == expected["PhoneNumberLast4"]
    assert expected["Email_mobile_present_bit_indicator_value"] == "3"
    assert idn.mobile_hash_present and idn.email_hash_present
    assert idn.photo_format == "jpeg2000" and idn.photo_bytes > 500
    # signed 2024-04-20, inside the certificate's 2024-03-01..2025-03-01 life, though it has expired by now
    assert r.signature.signed_at.year == 2024


def test_public_v2_vector_against_uidai_certificate_is_untrusted():
    digits = F.vector("anon_v2_test_qr.txt").read_text()
    r = verify_secure_qr(digits, cert=F.vector("uidai_offline_publickey_26022021.cer"))
    assert r.exit_code == ExitCode.CERT_UNTRUSTED and r.identity is None


def test_uidai_2019_sample_parses_but_does_not_verify():
    digits = F.vector("secure_qr_sample_integer.txt").read_text()
    p = decode_secure_qr(digits)
    assert p.version is None and p.indicator == 2
    assert p.fields["reference_id"].startswith("8908")
    assert p.fields["name"] == "Penumarthi Venkat" and p.fields["dob"] == "07-05-1987"
    assert p.fields["pincode"] == "533016" and p.fields["state"] == "Andhra Pradesh"
    assert p.mobile_hash is not None and len(p.mobile_hash) == 32 and p.email_hash is None
    assert p.photo.startswith(b"\xff\x4f\xff\x51") and p.photo.endswith(b"\xff\xd9")
    r = verify_secure_qr(digits, cert=F.vector("uidai_offline_publickey_26022021.cer"))
    assert r.exit_code == 12


# ---------------------------------------------------------------- our own signed payloads

@pytest.mark.parametrize("compress", ["gzip", "zlib"])
@pytest.mark.parametrize("version", ["V2", None, "V3"])
def test_self_signed_layouts_verify(uidai, compress, version):
    digits = F.secure_qr_digits(compress=compress, version=version)
    r = verify_secure_qr(digits, certs=uidai, mobile="9800000002", email="sunita@example.org")
    assert r.ok, r.error
    assert r.identity.qr_version == version
    assert r.identity.mobile_last4 == ("0002" if version else None)
    assert r.identity.name == "Sunita Devi" and r.identity.address.vtc == "Bodh Gaya"
    assert r.mobile.verified and r.email.verified
    assert r.signature.certificate == "uidai_qr.pem"


def test_future_version_with_extra_field_before_photo(uidai):
    digits = F.secure_qr_digits(version="V4", extra_fields=["something new"])
    p = decode_secure_qr(digits)
    assert p.extra_fields == ["something new"] and p.photo == F.FAKE_JP2
    assert verify_secure_qr(digits, certs=uidai).ok


@pytest.mark.parametrize("mobile,email", [(None, None), ("9800000002", None), (None, "a@b.in"),
                                          ("9800000002", "a@b.in")])
def test_hash_indicator_splits_hashes(uidai, mobile, email):
    p = decode_secure_qr(F.secure_qr_digits(mobile=mobile, email=email))
    assert p.indicator == (1 if email else 0) + (2 if mobile else 0)
    assert p.photo == F.FAKE_JP2                       # photo end found before the hashes
    assert (p.mobile_hash is not None) == bool(mobile) and (p.email_hash is not None) == bool(email)
    r = verify_secure_qr(F.secure_qr_digits(mobile=mobile, email=email), certs=uidai,
                         mobile="9800000002" if mobile else None, email="a@b.in" if email else None)
    assert r.ok


def test_indicator_disagreeing_with_layout_is_malformed(uidai):
    signed = F.secure_qr_payload(mobile="9800000002", email=None)
    lying = signed.replace(b"V2\xff2\xff", b"V2\xff3\xff", 1)   # claims two hashes, carries one
    r = verify_secure_qr(F.qr_digits(F.sign_qr(lying, F.signer())), certs=uidai)
    assert r.exit_code == ExitCode.MALFORMED


def test_mobile_and_email_mismatch(uidai):
    digits = F.secure_qr_digits()
    assert verify_secure_qr(digits, certs=uidai, mobile="9800000009").exit_code == ExitCode.MOBILE_MISMATCH
    assert verify_secure_qr(digits, certs=uidai, email="x@y.in").exit_code == ExitCode.EMAIL_MISMATCH
    no_hashes = F.secure_qr_digits(mobile=None, email=None)
    r = verify_secure_qr(no_hashes, certs=uidai, mobile="9800000002")
    assert r.exit_code == 15 and "no mobile" in r.mobile.reason.en


def test_profile_through_qr(uidai):
    digits = F.secure_qr_digits()
    r = verify_secure_qr(digits, certs=uidai, profile={"name": "सुनीता देवी", "gender": "महिला",
                                                       "year_of_birth": 1985, "pincode": "823001",
                                                       "aadhaar_last4": "4821"})
    assert r.ok and r.profile_match.passed
    r = verify_secure_qr(digits, certs=uidai, profile={"name": "Rekha Kumari", "gender": "F",
                                                       "year_of_birth": 1970})
    assert r.exit_code == ExitCode.PROFILE_MISMATCH and not r.profile_match.passed


# ---------------------------------------------------------------- tampered and bad input

def test_altered_payload_fails_as_altered(uidai):
    signed = F.sign_qr(F.secure_qr_payload(), F.signer())
    altered = signed.replace(b"Sunita Devi", b"Sunita Devj", 1)
    r = verify_secure_qr(F.qr_digits(altered), certs=uidai)
    assert r.exit_code == ExitCode.SIGNATURE_INVALID == 11
    assert "altered" in r.error.message.en and r.identity is None


def test_altered_or_truncated_digits(uidai):
    digits = F.secure_qr_digits()
    mid = len(digits) // 2
    flipped = digits[:mid] + str((int(digits[mid]) + 1) % 10) + digits[mid + 1:]
    for bad in (flipped, digits[:-40], digits[: len(digits) // 3]):
        r = verify_secure_qr(bad, certs=uidai)
        assert r.exit_code in (ExitCode.MALFORMED, ExitCode.SIGNATURE_INVALID), r.error
        assert not r.ok and r.identity is None
    # a truncated decimal is a shorter number: its bytes no longer hold a complete stream
    assert verify_secure_qr(digits[:-40], certs=uidai).exit_code == ExitCode.MALFORMED


def test_wrong_and_expired_certificates(uidai):
    digits = F.secure_qr_digits()
    assert verify_secure_qr(digits, certs=F.trusted(F.signer("other"))).exit_code == ExitCode.CERT_UNTRUSTED
    exp = F.signer("uidai-old", expired=True)
    r = verify_secure_qr(F.secure_qr_digits(exp), certs=F.trusted(exp))
    assert r.exit_code == ExitCode.CERT_EXPIRED and r.signature.valid is False
    then = datetime.now(F.IST) - timedelta(days=2 * 365 + 100)
    assert verify_secure_qr(F.secure_qr_digits(exp, when=then), certs=F.trusted(exp)).ok
    # several pinned certificates: the matching one is reported
    r = verify_secure_qr(digits, certs=F.trusted(F.signer("other"), exp, F.signer(), names=["a", "b", "c"]))
    assert r.ok and r.signature.certificate == "c"


@pytest.mark.parametrize("text,code", [("12345abc", 14), ("", 14), ("   ", 14), ("1234567890", 14),
                                       ("9" * 20_000, 18), ("12 34\n56", 14)])
def test_bad_digit_strings(uidai, text, code):
    r = verify_secure_qr(text, certs=uidai)
    assert r.exit_code == code and r.error.message.en


def test_decompression_bomb(uidai):
    bomb = gzip.compress(b"\0" * 2_000_000)
    r = verify_secure_qr(F.int_to_digits(int.from_bytes(bomb, "big")), certs=uidai)
    assert r.exit_code == ExitCode.TOO_LARGE
    zbomb = zlib.compress(b"V2\xff" * 100_000)
    assert verify_secure_qr(F.int_to_digits(int.from_bytes(zbomb, "big")), certs=uidai).exit_code == 18


def test_digits_conversion_beyond_python_int_limit():
    raw = bytes(range(1, 256)) * 10              # 2,550 bytes: ~6,100 digits, past int()'s 4,300
    assert digits_to_bytes(F.int_to_digits(int.from_bytes(raw, "big"))) == raw


def test_legacy_xml_qr_masked_and_unverifiable(uidai):
    n = F.valid_aadhaar()
    text = (f'<?xml version="1.0" encoding="UTF-8"?><PrintLetterBarcodeData uid="{n}" name="Sunita Devi" '
            f'gender="F" yob="1985" co="W/O Ramesh Kumar" vtc="Bodh Gaya" dist="Gaya" state="Bihar" pc="823001"/>')
    r = verify_secure_qr(text, certs=uidai)
    assert r.exit_code == ExitCode.UNSIGNED_LEGACY_QR and not r.ok
    assert r.identity.source == "legacy_qr" and r.identity.aadhaar_masked == f"XXXX XXXX {n[-4:]}"
    assert r.identity.birth_year == 1985 and r.identity.address.district == "Gaya"
    assert n not in r.model_dump_json() and n[:8] not in r.model_dump_json()
    assert r.identity.aadhaar_last4 == n[-4:]


def test_legacy_xml_qr_with_a_vid_gives_no_aadhaar_digits(uidai):
    from ekyc.aadhaar import verhoeff_check_digit

    vid = "912345678901234" + verhoeff_check_digit("912345678901234")
    for uid in (vid, "XXXX XXXX XXXX " + vid[-4:]):
        r = verify_secure_qr(f'<PrintLetterBarcodeData uid="{uid}" name="Sunita Devi" gender="F" yob="1985"/>',
                             certs=uidai)
        # a VID's last 4 digits are not the Aadhaar's: kept, they would conflict with her profile's
        assert r.identity.aadhaar_last4 is None, uid
        assert vid not in r.model_dump_json()


# ---------------------------------------------------------------- images (zxing-cpp)

def _qr_png(digits: str, path):
    img = zxingcpp.create_barcode(digits, zxingcpp.BarcodeFormat.QRCode).to_image(scale=3)
    Image.fromarray(np.asarray(img)).save(path)
    return path


def test_image_decoding(uidai, tmp_path):
    digits = F.secure_qr_digits()
    png = _qr_png(digits, tmp_path / "qr.png")
    r = verify_secure_qr(image=png, certs=uidai)
    assert r.ok, r.error
    assert r.identity.name == "Sunita Devi"


def test_image_without_qr_and_non_image(uidai, tmp_path):
    blank = tmp_path / "blank.png"
    Image.new("L", (200, 200), 255).save(blank)
    assert verify_secure_qr(image=blank, certs=uidai).exit_code == ExitCode.NO_QR_FOUND
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"not an image at all")
    assert verify_secure_qr(image=junk, certs=uidai).exit_code == ExitCode.MALFORMED
    assert verify_secure_qr(image=tmp_path / "missing.png", certs=uidai).exit_code == ExitCode.MALFORMED


def test_single_hash_checked_whatever_the_indicator_says(uidai):
    # UIDAI's manual says "1 = mobile" in one place and "1 = email" in its table.
    signed = F.secure_qr_payload(mobile="9800000002", email=None)           # indicator 2, mobile hash
    relabelled = signed.replace(b"V2\xff2\xff", b"V2\xff1\xff", 1)        # now claims "email only"
    r = verify_secure_qr(F.qr_digits(F.sign_qr(relabelled, F.signer())), certs=uidai, mobile="9800000002")
    assert r.ok and r.mobile.verified
    r = verify_secure_qr(F.qr_digits(F.sign_qr(relabelled, F.signer())), certs=uidai, mobile="9800000001")
    assert r.exit_code == ExitCode.MOBILE_MISMATCH


def test_legacy_qr_needs_no_key_and_writes_nothing(uidai, monkeypatch, tmp_path):
    from dedup.settings import get_settings

    monkeypatch.delenv("PEHCHAAN_TOKEN_KEY")   # no key configured: tokenising would create keys.json
    get_settings.cache_clear()
    n = F.valid_aadhaar()
    r = verify_secure_qr(f'<PrintLetterBarcodeData uid="{n}" name="Sunita Devi" gender="F" yob="1985"/>',
                         certs=uidai)
    assert r.exit_code == ExitCode.UNSIGNED_LEGACY_QR and r.identity.aadhaar_last4 == n[-4:]
    assert not (tmp_path / "keys.json").exists() and not (tmp_path / ".pehchaan").exists()


@pytest.mark.parametrize("field", ["mobile", "email"])
def test_explicitly_empty_mobile_or_email_is_refused(uidai, field):
    digits = F.secure_qr_digits()
    r = verify_secure_qr(digits, certs=uidai, **{field: " "})
    assert r.exit_code == ExitCode.MALFORMED and not r.ok and field in r.error.message.en
    assert verify_secure_qr(digits, certs=uidai, **{field: None}).ok
