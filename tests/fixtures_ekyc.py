"""Builders of real-crypto eKYC fixtures: certificates, signed offline XML, ZIPs, Secure QR.

Everything is signed with freshly generated RSA keys, in the exact shapes
UIDAI produces (rsa-sha1 SignedInfo over a SHA-256 reference digest with only
the enveloped-signature transform; gzip Secure QR with an RSA-SHA256
signature), so verification is exercised for real, and tampered copies must
fail. Keys are cached per process: RSA generation is the slow part.
"""
from __future__ import annotations

import base64
import gzip
import hashlib
import os
import random
import struct
import xml.etree.ElementTree as ET
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from lxml import etree

from ekyc.aadhaar import verhoeff_check_digit
from ekyc.hashes import hash_chain

DSIG = "http://www.w3.org/2000/09/xmldsig#"
C14N10 = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
RSA_SHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
IST = timezone(timedelta(hours=5, minutes=30))

REPO = Path(__file__).resolve().parents[1]
VECTORS = REPO / "tests" / "vectors"
SHARED_VECTORS = REPO.parent / "shared" / "ekyc-vectors"


def vector(name: str) -> Path:
    """A public test vector: the copy in tests/vectors, else shared/ beside the clone."""
    for d in (VECTORS, SHARED_VECTORS):
        if (d / name).is_file():
            return d / name
    raise FileNotFoundError(name)


# ---------------------------------------------------------------- keys and certificates

@lru_cache(maxsize=None)
def rsa_key(label: str) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def make_cert(key: rsa.RSAPrivateKey, cn: str, not_before: datetime, not_after: datetime) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "IN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test Authority (not UIDAI)"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(not_before)
            .not_valid_after(not_after).sign(key, hashes.SHA256()))


@dataclass(frozen=True)
class Signer:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def write(self, path: Path, der: bool = False) -> Path:
        enc = serialization.Encoding.DER if der else serialization.Encoding.PEM
        path.write_bytes(self.cert.public_bytes(enc))
        return path


@lru_cache(maxsize=None)
def signer(label: str = "uidai", *, expired: bool = False) -> Signer:
    key = rsa_key(label)
    now = datetime.now(timezone.utc)
    if expired:
        nb, na = now - timedelta(days=3 * 365), now - timedelta(days=2 * 365)
    else:
        nb, na = now - timedelta(days=365), now + timedelta(days=365)
    return Signer(key, make_cert(key, f"DS Test Signer {label}{' expired' if expired else ''}", nb, na))


# ---------------------------------------------------------------- Aadhaar numbers

_AADHAAR_RNGS: dict[str, random.Random] = {}


def _test_rng() -> random.Random:
    """A generator seeded by the running test's id, so that a test draws the same numbers on
    every run, whatever else runs before it or is deselected: a failure reproduces. (A fixture
    shared by a module is seeded by the first test that asks for it.)"""
    test = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" (", 1)[0]
    rng = _AADHAAR_RNGS.get(test)
    if rng is None:
        rng = _AADHAAR_RNGS[test] = random.Random(f"valid_aadhaar|{test}")
    return rng


def valid_aadhaar(rng: random.Random | None = None, last4: str | None = None) -> str:
    """A pseudo-random number that passes Verhoeff (first digit 2-9); not anyone's Aadhaar.

    Without ``rng``, successive calls in one test give different numbers from a generator
    seeded by the test's id (see _test_rng)."""
    rng = rng or _test_rng()
    while True:
        body = str(rng.randint(2, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(10))
        n = body + verhoeff_check_digit(body)
        if last4 is None or n.endswith(last4):
            return n


def reference_id(last4: str, when: datetime | None = None) -> str:
    when = (when or datetime.now(IST)).astimezone(IST)
    return last4 + when.strftime("%Y%m%d%H%M%S") + f"{when.microsecond // 1000:03d}"


# ---------------------------------------------------------------- offline e-KYC XML

DEFAULT_PERSON = dict(
    name="Sunita Devi", dob="15-08-1985", gender="F",
    careof="W/O Ramesh Kumar", country="India", dist="Gaya", house="12", landmark="Near Shiv Mandir",
    loc="Ward 4", pc="823001", po="Bodh Gaya", state="Bihar", street="Main Road", subdist="Bodh Gaya",
    vtc="Bodh Gaya",
)
FAKE_JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4 + b"\xff\xd9"


def offline_xml_root(*, last4: str = "4821", when: datetime | None = None, share_code: str = "Abc1",
                     mobile: str | None = "9800000002", email: str | None = "sunita@example.org",
                     person: dict | None = None, photo: bytes = FAKE_JPEG) -> etree._Element:
    p = {**DEFAULT_PERSON, **(person or {})}
    digit = last4[-1]
    root = etree.Element("OfflinePaperlessKyc", referenceId=reference_id(last4, when))
    uid = etree.SubElement(root, "UidData")
    etree.SubElement(uid, "Poi", dob=p["dob"],
                     e=hash_chain(email, digit, share_code) if email else "", gender=p["gender"],
                     m=hash_chain(mobile, digit, share_code) if mobile else "", name=p["name"])
    etree.SubElement(uid, "Poa", **{k: p[k] for k in ("careof", "country", "dist", "house", "landmark", "loc",
                                                      "pc", "po", "state", "street", "subdist", "vtc")})
    etree.SubElement(uid, "Pht").text = base64.b64encode(photo).decode()
    return root


def sign_offline_xml(root: etree._Element, s: Signer, *, method: str = RSA_SHA1) -> bytes:
    """Enveloped XML-DSig in UIDAI's shape, built with lxml + cryptography.

    Written by hand rather than with signxml's signer because UIDAI's Reference
    carries only the enveloped-signature transform (the C14N 1.0 step is
    implicit) and signs with rsa-sha1, which signxml's signer adds explicitly /
    refuses; verification, the code under test, does use signxml.
    """
    root = etree.fromstring(etree.tostring(root))
    c14n_doc = ET.canonicalize(etree.tostring(root).decode("utf-8")).encode("utf-8")
    digest = base64.b64encode(hashlib.sha256(c14n_doc).digest()).decode()
    sig = etree.SubElement(root, f"{{{DSIG}}}Signature", nsmap={None: DSIG})
    si = etree.SubElement(sig, f"{{{DSIG}}}SignedInfo")
    etree.SubElement(si, f"{{{DSIG}}}CanonicalizationMethod", Algorithm=C14N10)
    etree.SubElement(si, f"{{{DSIG}}}SignatureMethod", Algorithm=method)
    ref = etree.SubElement(si, f"{{{DSIG}}}Reference", URI="")
    tr = etree.SubElement(ref, f"{{{DSIG}}}Transforms")
    etree.SubElement(tr, f"{{{DSIG}}}Transform", Algorithm=f"{DSIG}enveloped-signature")
    etree.SubElement(ref, f"{{{DSIG}}}DigestMethod", Algorithm="http://www.w3.org/2001/04/xmlenc#sha256")
    etree.SubElement(ref, f"{{{DSIG}}}DigestValue").text = digest
    # SignedInfo's canonical form computed by the standard library's C14N (same bytes as inclusive
    # C14N 1.0 here), not by libxml2: libxml2 2.14 adds spurious xmlns="" to SignedInfo's
    # grandchildren when canonicalising in place, and a fixture signed over those bytes would
    # hide exactly the bug the verifier must work around.
    si_c14n = ET.canonicalize(etree.tostring(si).decode("utf-8")).encode("utf-8")
    alg = hashes.SHA1() if method == RSA_SHA1 else hashes.SHA256()
    value = s.key.sign(si_c14n, padding.PKCS1v15(), alg)
    etree.SubElement(sig, f"{{{DSIG}}}SignatureValue").text = base64.b64encode(value).decode()
    ki = etree.SubElement(sig, f"{{{DSIG}}}KeyInfo")
    xd = etree.SubElement(ki, f"{{{DSIG}}}X509Data")
    etree.SubElement(xd, f"{{{DSIG}}}X509SubjectName").text = s.cert.subject.rfc4514_string()
    etree.SubElement(xd, f"{{{DSIG}}}X509Certificate").text = base64.b64encode(
        s.cert.public_bytes(serialization.Encoding.DER)).decode()
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def signed_offline_xml(s: Signer | None = None, **kw) -> bytes:
    method = kw.pop("method", RSA_SHA1)
    return sign_offline_xml(offline_xml_root(**kw), s or signer(), method=method)


# ---------------------------------------------------------------- ZIP (ZipCrypto written by hand, AES by pyzipper)

class _ZipCrypto:
    """PKWARE traditional encryption. The standard library only decrypts it and pyzipper
    only writes AES, so the fixture writes it itself (APPNOTE 6.1)."""

    def __init__(self, pwd: bytes):
        self.k = [0x12345678, 0x23456789, 0x34567890]
        for b in pwd:
            self._update(b)

    @staticmethod
    def _crc(crc: int, b: int) -> int:
        return ~zlib.crc32(bytes([b]), ~crc & 0xFFFFFFFF) & 0xFFFFFFFF

    def _update(self, b: int) -> None:
        k = self.k
        k[0] = self._crc(k[0], b)
        k[1] = ((k[1] + (k[0] & 0xFF)) * 134775813 + 1) & 0xFFFFFFFF
        k[2] = self._crc(k[2], (k[1] >> 24) & 0xFF)

    def encrypt(self, data: bytes) -> bytes:
        out = bytearray()
        for p in data:
            t = (self.k[2] | 2) & 0xFFFF
            out.append(p ^ (((t * (t ^ 1)) >> 8) & 0xFF))
            self._update(p)
        return bytes(out)


def zipcrypto_zip(name: str, content: bytes, password: str | None) -> bytes:
    """One deflated entry, ZipCrypto-encrypted when a password is given."""
    crc = zlib.crc32(content) & 0xFFFFFFFF
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = c.compress(content) + c.flush()
    flags = 0
    if password is not None:
        flags = 1
        header = os.urandom(11) + bytes([crc >> 24])
        body = _ZipCrypto(password.encode()).encrypt(header + body)
    fname = name.encode()
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, flags, 8, 0, 0x21, crc, len(body), len(content),
                        len(fname), 0) + fname
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, flags, 8, 0, 0x21, crc, len(body),
                          len(content), len(fname), 0, 0, 0, 0, 0o100644 << 16, 0) + fname
    offset = len(local) + len(body)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(central), offset, 0)
    return local + body + central + end


def aes_zip(name: str, content: bytes, password: str) -> bytes:
    import io

    import pyzipper

    buf = io.BytesIO()
    with pyzipper.AESZipFile(buf, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES) as z:
        z.setpassword(password.encode())
        z.writestr(name, content)
    return buf.getvalue()


def offline_zip(xml: bytes, share_code: str = "Abc1", *, aes: bool = False) -> bytes:
    name = "offlineaadhaar" + datetime.now(IST).strftime("%Y%m%d%H%M%S") + "123.xml"
    return aes_zip(name, xml, share_code) if aes else zipcrypto_zip(name, xml, share_code)


def zip_bomb(size: int = 200_000_000, share_code: str | None = None, lie: bool = False) -> bytes:
    """A ZIP whose single XML entry inflates to ``size`` bytes of zeros.

    With ``lie`` the headers claim a tiny size, so only streaming with a cap can catch it."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = b"\0" * (1 << 20)
    parts = [c.compress(chunk) for _ in range(size // len(chunk))]
    body = b"".join(parts) + c.flush()
    declared = 1000 if lie else size
    fname = b"offlineaadhaar.xml"
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, 0, len(body), declared, len(fname), 0) + fname
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, 0, len(body), declared,
                          len(fname), 0, 0, 0, 0, 0, 0) + fname
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(central), len(local) + len(body), 0)
    return local + body + central + end


# ---------------------------------------------------------------- Secure QR

QR_PERSON = dict(name="Sunita Devi", dob="15-08-1985", gender="F", careof="W/O Ramesh Kumar",
                 district="Gaya", landmark="Near Shiv Mandir", house="12", location="Ward 4", pincode="823001",
                 post_office="Bodh Gaya", state="Bihar", street="Main Road", subdistrict="Bodh Gaya",
                 vtc="Bodh Gaya")
FAKE_JP2 = b"\xff\x4f\xff\x51" + bytes((i * 7) % 251 for i in range(600)) + b"\xff\xd9"


def secure_qr_payload(*, last4: str = "4821", when: datetime | None = None, version: str | None = "V2",
                      mobile: str | None = "9800000002", email: str | None = "sunita@example.org",
                      person: dict | None = None, photo: bytes = FAKE_JP2, mobile_last4: str | None = None,
                      extra_fields: list[str] | None = None) -> bytes:
    """The signed part of a Secure QR (everything but the signature)."""
    p = {**QR_PERSON, **(person or {})}
    indicator = (1 if email else 0) + (2 if mobile else 0)
    fields = ([version] if version else []) + [str(indicator), reference_id(last4, when)] + [
        p[k] for k in ("name", "dob", "gender", "careof", "district", "landmark", "house", "location",
                       "pincode", "post_office", "state", "street", "subdistrict", "vtc")]
    if version:
        fields.append(mobile_last4 if mobile_last4 is not None else (mobile[-4:] if mobile else ""))
    fields += extra_fields or []
    body = b"\xff".join(f.encode("iso-8859-1") for f in fields) + b"\xff" + photo
    digit = last4[-1]
    if email:
        body += bytes.fromhex(hash_chain(email, digit))
    if mobile:
        body += bytes.fromhex(hash_chain(mobile, digit))
    return body


def sign_qr(signed: bytes, s: Signer) -> bytes:
    return signed + s.key.sign(signed, padding.PKCS1v15(), hashes.SHA256())


def int_to_digits(n: int) -> str:
    """str(n) without Python's 4,300-digit conversion limit (big QR payloads in bomb tests)."""
    if n < 10 ** 4000:
        return str(n)
    parts = []
    while n:
        n, r = divmod(n, 10 ** 1000)
        parts.append(r)
    return str(parts[-1]) + "".join(f"{r:01000d}" for r in reversed(parts[:-1]))


def qr_digits(raw: bytes, *, compress: str = "gzip") -> str:
    packed = gzip.compress(raw) if compress == "gzip" else zlib.compress(raw)
    return int_to_digits(int.from_bytes(packed, "big"))


def secure_qr_digits(s: Signer | None = None, *, compress: str = "gzip", **kw) -> str:
    return qr_digits(sign_qr(secure_qr_payload(**kw), s or signer()), compress=compress)


# ---------------------------------------------------------------- environment

TEST_TOKEN_KEY = "5e" * 32
TEST_VAULT_KEY = "7a" * 32


def configure_env(monkeypatch, tmp_path, **extra: str) -> None:
    """Keys and paths for one test; nothing lands in the working tree. get_settings is cached."""
    from dedup.settings import get_settings

    for name in list(os.environ):
        if name.startswith("PEHCHAAN_"):
            monkeypatch.delenv(name, raising=False)
    env = {"PEHCHAAN_TOKEN_KEY": TEST_TOKEN_KEY, "PEHCHAAN_TOKEN_KEY_ID": "t1",
           "PEHCHAAN_VAULT_KEY": TEST_VAULT_KEY, "PEHCHAAN_VAULT_KEY_ID": "v1",
           "PEHCHAAN_KEY_FILE": str(tmp_path / "keys.json"),
           "PEHCHAAN_DATABASE_URL": f"sqlite:///{tmp_path / 'pehchaan.db'}", **extra}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    get_settings.cache_clear()


def trusted(*signers: Signer, names: list[str] | None = None):
    from ekyc.certs import TrustedCert

    return [TrustedCert(names[i] if names else f"cert{i}.pem", s.cert) for i, s in enumerate(signers)]
