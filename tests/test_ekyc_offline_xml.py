"""Paperless Offline e-KYC: real signed ZIPs (ZipCrypto and AES), tampered copies, bad inputs."""
from __future__ import annotations

import base64
import hashlib
import os
from datetime import datetime, timedelta

import pytest
from lxml import etree

try:
    import fixtures_ekyc as F
except ImportError:  # tests/ became a package
    from tests import fixtures_ekyc as F

from ekyc.certs import load_trusted_certs
from ekyc.errors import ExitCode
from ekyc.hashes import hash_chain, rounds_for
from ekyc.offline_xml import verify_offline_xml

SHARE = "Abc1"


@pytest.fixture(autouse=True)
def _env(monkeypatch, tmp_path):
    F.configure_env(monkeypatch, tmp_path)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="module")
def good_xml() -> bytes:
    return F.signed_offline_xml()


@pytest.fixture(scope="module")
def uidai():
    return F.trusted(F.signer(), names=["uidai_test.pem"])


def test_uidai_hash_example():
    # UIDAI's worked example: 9800000002 + "Abc@123", Aadhaar ending 4, hashed 4 times.
    assert hash_chain("9800000002", "4", "Abc@123") == \
        "735c04aebc33a05af444ed41f6352b083c5a28d75ff1a26f0fe2c72bba94d7dc"
    assert [rounds_for(d) for d in "0123456789"] == [1, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    once = hashlib.sha256(b"9800000002Abc@123").hexdigest()
    assert hash_chain("9800000002", "0", "Abc@123") == once == hash_chain("9800000002", "1", "Abc@123")


@pytest.mark.parametrize("aes", [False, True], ids=["zipcrypto", "aes"])
def test_valid_zip_verifies_with_mobile_and_email(good_xml, uidai, aes):
    z = F.offline_zip(good_xml, SHARE, aes=aes)
    r = verify_offline_xml(z, SHARE, certs=uidai, mobile="+91 98000 00002", email="sunita@example.org")
    assert r.ok and r.exit_code == 0 and r.error is None
    assert r.signature.valid and r.signature.method == "rsa-sha1"
    assert r.signature.certificate == "uidai_test.pem"
    assert r.signature.certificate_sha256 == uidai[0].sha256
    idn = r.identity
    assert idn.name == "Sunita Devi" and idn.gender == "F" and idn.dob == "15-08-1985" and idn.birth_year == 1985
    assert idn.aadhaar_last4 == "4821" and idn.aadhaar_masked == "XXXX XXXX 4821"
    assert idn.address.vtc == "Bodh Gaya" and idn.address.district == "Gaya" and idn.address.pincode == "823001"
    assert idn.address.careof == "W/O Ramesh Kumar" and idn.address.country == "India"
    assert idn.generated_at is not None and abs(r.signature.document_age_days) < 1
    assert r.mobile.verified and r.mobile.method == "uidai_chain"
    assert r.email.verified and r.email.method == "uidai_chain"
    # the photo and XML do not leave with the result unless configured
    assert idn.photo_bytes == len(F.FAKE_JPEG) and idn.photo_format == "jpeg"
    assert idn.photo_base64 is None and r.xml_base64 is None


def test_rsa_sha256_accepted(uidai):
    r = verify_offline_xml(F.offline_zip(F.signed_offline_xml(method=F.RSA_SHA256)), SHARE, certs=uidai)
    assert r.ok and r.signature.method == "rsa-sha256"


def test_extracted_xml_accepted_too(good_xml, uidai):
    assert verify_offline_xml(good_xml, SHARE, certs=uidai).ok


def test_artifacts_kept_only_when_configured(good_xml, uidai, monkeypatch, tmp_path):
    F.configure_env(monkeypatch, tmp_path, PEHCHAAN_EKYC_KEEP_ARTIFACTS="true")
    r = verify_offline_xml(F.offline_zip(good_xml), SHARE, certs=uidai)
    assert base64.b64decode(r.identity.photo_base64) == F.FAKE_JPEG
    assert base64.b64decode(r.xml_base64) == good_xml


def test_wrong_share_code(good_xml, uidai):
    for aes in (False, True):
        r = verify_offline_xml(F.offline_zip(good_xml, SHARE, aes=aes), "Abc2", certs=uidai)
        assert not r.ok and r.exit_code == ExitCode.BAD_SHARE_CODE == 10
        assert "share code" in r.error.message.en and r.error.message.hi
        assert r.identity is None and r.signature is None
    assert verify_offline_xml(F.offline_zip(good_xml), "", certs=uidai).exit_code == 10


@pytest.mark.parametrize("old,new", [
    (b'name="Sunita Devi"', b'name="Sunita Devj"'),          # one character of the name
    (b'pc="823001"', b'pc="823002"'),                         # one digit of the pincode
    (b'gender="F"', b'gender="M"'),
    (b"<UidData>", b'<UidData><Poi name="Someone Else" dob="01-01-1990" gender="F"/>'),  # injected element
])
def test_tampered_content_fails_as_altered(good_xml, uidai, old, new):
    assert old in good_xml
    bad = good_xml.replace(old, new, 1)
    r = verify_offline_xml(F.offline_zip(bad), SHARE, certs=uidai)
    assert r.exit_code == ExitCode.SIGNATURE_INVALID == 11
    assert "altered" in r.error.message.en and "uidai_test.pem" in r.error.message.en
    assert r.identity is None


def test_tampered_signed_info_fails_as_altered(good_xml, uidai):
    root = etree.fromstring(good_xml)
    dv = root.find(f".//{{{F.DSIG}}}DigestValue")
    raw = bytearray(base64.b64decode(dv.text))
    raw[0] ^= 1
    dv.text = base64.b64encode(bytes(raw)).decode()
    r = verify_offline_xml(etree.tostring(root), SHARE, certs=uidai)
    assert r.exit_code == 11   # the signature still decodes under UIDAI's key: SignedInfo was changed


def test_altered_signature_value_is_untrusted(good_xml, uidai):
    root = etree.fromstring(good_xml)
    sv = root.find(f".//{{{F.DSIG}}}SignatureValue")
    raw = bytearray(base64.b64decode(sv.text))
    raw[100] ^= 0xFF
    sv.text = base64.b64encode(bytes(raw)).decode()
    r = verify_offline_xml(etree.tostring(root), SHARE, certs=uidai)
    assert r.exit_code == ExitCode.CERT_UNTRUSTED   # no pinned key made this signature


def test_certificate_mismatch_and_keyinfo_is_ignored(good_xml):
    other = F.trusted(F.signer("other"), names=["other.pem"])
    r = verify_offline_xml(F.offline_zip(good_xml), SHARE, certs=other)
    assert r.exit_code == ExitCode.CERT_UNTRUSTED == 12
    assert "other.pem" in r.error.message.en
    # A forger signs with her own key and puts her own certificate in KeyInfo: still untrusted.
    forged = F.signed_offline_xml(F.signer("forger"), person={"name": "Forged Name"})
    assert b"X509Certificate" in forged
    r = verify_offline_xml(forged, SHARE, certs=F.trusted(F.signer()))
    assert r.exit_code == 12


def test_expired_certificate(uidai):
    exp = F.signer("uidai-old", expired=True)
    xml = F.signed_offline_xml(exp)   # made now, under a certificate that ended a year ago
    r = verify_offline_xml(F.offline_zip(xml), SHARE, certs=F.trusted(exp, names=["old.pem"]))
    assert r.exit_code == ExitCode.CERT_EXPIRED == 13
    assert "old.pem" in r.error.message.en
    assert r.signature is not None and r.signature.valid is False and r.identity is None
    # the same certificate is fine for a document made while it was valid
    when = datetime.now(F.IST) - timedelta(days=2 * 365 + 100)
    xml_then = F.signed_offline_xml(exp, when=when)
    assert verify_offline_xml(xml_then, SHARE, certs=F.trusted(exp)).ok


def test_certificate_directory_reports_which_matched(good_xml, tmp_path, monkeypatch):
    d = tmp_path / "uidai-certs"
    d.mkdir()
    F.signer("other").write(d / "a_other.pem")
    F.signer("uidai-old", expired=True).write(d / "b_expired.cer", der=True)
    F.signer().write(d / "c_current.crt", der=True)
    (d / F.vector("uidai_offline_publickey_26022021.cer").name).write_bytes(
        F.vector("uidai_offline_publickey_26022021.cer").read_bytes())
    (d / "notes.txt").write_text("not a certificate")
    F.configure_env(monkeypatch, tmp_path, PEHCHAAN_UIDAI_CERT_DIR=str(d))
    certs = load_trusted_certs()
    assert len(certs) == 4
    assert any("UNIQUE IDENTIFICATION AUTHORITY OF INDIA" in c.subject for c in certs)
    r = verify_offline_xml(F.offline_zip(good_xml), SHARE)
    assert r.ok and r.signature.certificate == "c_current.crt"
    # --cert overrides the directory
    r = verify_offline_xml(F.offline_zip(good_xml), SHARE, cert=d / "a_other.pem")
    assert r.exit_code == 12


def test_public_uidai_certificate_rejects_our_fixture(good_xml):
    r = verify_offline_xml(good_xml, SHARE, cert=F.vector("uidai_offline_publickey_26022021.cer"))
    assert r.exit_code == 12


def test_no_certificate_configured(good_xml, tmp_path):
    r = verify_offline_xml(good_xml, SHARE)
    assert r.exit_code == ExitCode.NO_CERTIFICATE == 19
    bad = tmp_path / "bad.pem"
    bad.write_text("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    assert verify_offline_xml(good_xml, SHARE, cert=bad).exit_code == 19


def test_mobile_and_email_mismatch(good_xml, uidai):
    z = F.offline_zip(good_xml)
    r = verify_offline_xml(z, SHARE, certs=uidai, mobile="9800000003")
    assert r.exit_code == ExitCode.MOBILE_MISMATCH == 15 and not r.ok
    assert r.signature.valid and r.identity is not None and not r.mobile.verified
    r = verify_offline_xml(z, SHARE, certs=uidai, email="someone@example.org")
    assert r.exit_code == ExitCode.EMAIL_MISMATCH == 16
    # both wrong: the first failure names the code, both are reported
    r = verify_offline_xml(z, SHARE, certs=uidai, mobile="9800000003", email="x@example.org")
    assert r.exit_code == 15 and not r.email.verified


def test_email_single_sha256_reading_accepted(uidai):
    root = F.offline_xml_root(email=None)
    root.find("UidData/Poi").set("e", hashlib.sha256(b"sunita@example.org").hexdigest())
    xml = F.sign_offline_xml(root, F.signer())
    r = verify_offline_xml(xml, SHARE, certs=uidai, email="Sunita@Example.org")
    assert r.ok and r.email.method == "single_sha256"


def test_no_mobile_registered(uidai):
    xml = F.signed_offline_xml(mobile=None)
    r = verify_offline_xml(xml, SHARE, certs=uidai, mobile="9800000002")
    assert r.exit_code == 15 and "no mobile" in r.mobile.reason.en


def test_mobile_hash_uses_last_aadhaar_digit(uidai):
    for last4 in ("1230", "1231", "4829"):
        xml = F.signed_offline_xml(last4=last4)
        r = verify_offline_xml(xml, SHARE, certs=uidai, mobile="9800000002")
        assert r.ok, last4
    # a hash made with the wrong number of rounds does not match
    root = F.offline_xml_root(last4="4829")
    root.find("UidData/Poi").set("m", hash_chain("9800000002", "8", SHARE))
    r = verify_offline_xml(F.sign_offline_xml(root, F.signer()), SHARE, certs=uidai, mobile="9800000002")
    assert r.exit_code == 15


def test_profile_last4_must_match_reference_id(good_xml, uidai):
    z = F.offline_zip(good_xml)
    r = verify_offline_xml(z, SHARE, certs=uidai, profile={"aadhaar": "XXXX XXXX 9999"})
    assert r.exit_code == ExitCode.PROFILE_MISMATCH == 17
    assert r.profile_match.decision == "mismatch"
    assert any(f.field == "aadhaar_last4" and f.conflict for f in r.profile_match.fields)
    r = verify_offline_xml(z, SHARE, certs=uidai, profile={"name": "Sunita Devi", "aadhaar_last4": "4821", "gender": "female"})
    assert r.ok and r.profile_match.decision == "exact"


@pytest.mark.parametrize("case", ["truncated", "two_files", "garbage", "doctype", "wrong_root", "unsigned",
                                  "bad_xml"])
def test_malformed_inputs(case, good_xml, uidai):
    if case == "truncated":
        data = F.offline_zip(good_xml)[:300]
    elif case == "two_files":
        import io
        import zipfile
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("a.xml", good_xml)
            z.writestr("b.xml", good_xml)
        data = buf.getvalue()
    elif case == "garbage":
        data = os.urandom(2000)
    elif case == "doctype":
        data = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                b'<OfflinePaperlessKyc referenceId="&x;"/>')
    elif case == "wrong_root":
        data = good_xml.replace(b"OfflinePaperlessKyc", b"SomethingElse")
    elif case == "unsigned":
        data = etree.tostring(F.offline_xml_root())
    else:
        data = good_xml[: len(good_xml) // 2]
    r = verify_offline_xml(data, SHARE, certs=uidai)
    assert r.exit_code == ExitCode.MALFORMED == 14, r.error
    assert r.identity is None and r.error.message.en


def test_zip_bombs_refused(uidai, monkeypatch, tmp_path):
    r = verify_offline_xml(F.zip_bomb(), SHARE, certs=uidai)
    assert r.exit_code == ExitCode.TOO_LARGE == 18
    r = verify_offline_xml(F.zip_bomb(lie=True), SHARE, certs=uidai)
    assert r.exit_code == 18
    # within declared limits but inflating past the cap while streaming
    F.configure_env(monkeypatch, tmp_path, PEHCHAAN_EKYC_MAX_XML_BYTES="100000")
    r = verify_offline_xml(F.zipcrypto_zip("offlineaadhaar.xml", b"<a>" + b" " * 500_000 + b"</a>", SHARE),
                           SHARE, certs=uidai)
    assert r.exit_code == 18
    F.configure_env(monkeypatch, tmp_path, PEHCHAAN_EKYC_MAX_ZIP_BYTES="1000")
    r = verify_offline_xml(F.offline_zip(F.signed_offline_xml()), SHARE, certs=uidai)
    assert r.exit_code == 18


def test_verification_stores_nothing(good_xml, uidai, tmp_path):
    before = set(os.listdir(tmp_path))
    verify_offline_xml(F.offline_zip(good_xml), SHARE, certs=uidai, mobile="9800000002",
                       profile={"name": "Sunita Devi", "aadhaar_last4": "4821"})
    verify_offline_xml(F.offline_zip(good_xml), "wrong", certs=uidai)
    assert set(os.listdir(tmp_path)) == before
    assert not (tmp_path / "pehchaan.db").exists()


def test_signature_verification_uses_correct_c14n_not_libxml2_in_place(good_xml, uidai):
    """The fixture signs SignedInfo as canonicalised by the standard library (what UIDAI's Java
    signer produces). If the verifier trusted libxml2's in-place C14N, which adds spurious
    xmlns="" on this libxml2, a genuine UIDAI file would fail; it must verify."""
    root = etree.fromstring(good_xml)
    si = root.find(f"{{{F.DSIG}}}Signature/{{{F.DSIG}}}SignedInfo")
    import xml.etree.ElementTree as ET
    correct = ET.canonicalize(etree.tostring(si).decode()).encode()
    assert b'xmlns=""' not in correct
    assert verify_offline_xml(good_xml, SHARE, certs=uidai).ok


@pytest.mark.parametrize("value", ["", "   ", "@@@@"])
def test_unusable_signature_value_is_malformed_not_a_crash(good_xml, uidai, value):
    root = etree.fromstring(good_xml)
    root.find(f".//{{{F.DSIG}}}SignatureValue").text = value
    r = verify_offline_xml(etree.tostring(root), SHARE, certs=uidai)
    assert r.exit_code == ExitCode.MALFORMED, r.error
    assert r.identity is None


@pytest.mark.parametrize("field", ["mobile", "email"])
def test_explicitly_empty_mobile_or_email_is_refused(good_xml, uidai, field):
    r = verify_offline_xml(good_xml, SHARE, certs=uidai, **{field: ""})
    assert r.exit_code == ExitCode.MALFORMED and not r.ok and field in r.error.message.en
    assert verify_offline_xml(good_xml, SHARE, certs=uidai, **{field: None}).ok   # not given: fine
