"""Aadhaar Secure QR (e-Aadhaar, Aadhaar letter, PVC card), verified offline.

The QR holds a decimal number. As bytes (big-endian) it is a gzip stream
(zlib seen in the wild too); decompressed, the last 256 bytes are an RSA
PKCS#1 v1.5 SHA-256 signature over everything before them. The signed part is
0xFF-separated ISO-8859-1 fields:

    [version "V2"/"V3"...] indicator referenceId name dob gender careof district
    landmark house location pincode postoffice state street subdistrict vtc
    [mobile last 4, from V2] <JPEG 2000 photo FF4F FF51 ... FFD9> [email hash] [mobile hash]

indicator: 0 no hash, 1 email, 2 mobile, 3 both (email hash then mobile hash,
32 bytes each, just before the signature). The photo's end is found by
checking for FFD9 right before the hashes the indicator announces, not by
trusting the version tag (the PyPI readers that trust it mis-parse V2/V3 and
check no signature; none is used here).

Pre-2018 QR codes are plain XML holding the full Aadhaar number: it is masked
the moment it is read and never kept; such a QR is unsigned and cannot verify.
"""
from __future__ import annotations

import base64
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import hashes

from ekyc.aadhaar import AadhaarEvidence, AadhaarKind, parse_aadhaar
from ekyc.certs import TrustedCert, check_validity, load_trusted_certs, pkcs1_key_matches, rsa_verify
from ekyc.errors import EkycError, ExitCode
from ekyc.models import Address, Identity, Profile, SignatureReport, VerificationResult
from ekyc.outcome import (as_profile, check_email, check_mobile, conclude, error_info, failed,
                           reject_empty_claims)
from ekyc.reference import age_days, parse_reference_id

MAX_DIGITS = 12_000          # a real Secure QR is ~2,500-3,500 digits
MAX_DECOMPRESSED = 64 * 1024  # real payloads are 1-2 KB; anything past this is a bomb
SIGNATURE_BYTES = 256
HASH_BYTES = 32
JP2_START = b"\xff\x4f\xff\x51"
JP2_END = b"\xff\xd9"
_VERSION = re.compile(rb"^V\d{1,3}$")
TEXT_FIELDS = ("reference_id", "name", "dob", "gender", "careof", "district", "landmark", "house",
               "location", "pincode", "post_office", "state", "street", "subdistrict", "vtc")
_HASHES_FOR = {0: 0, 1: 1, 2: 1, 3: 2}


def _to_int(digits: str) -> int:
    # int(str) refuses more than 4,300 digits by default (CVE-2020-10735 guard); convert in
    # chunks instead of lifting that process-wide limit. Input is capped at MAX_DIGITS.
    n = 0
    for i in range(0, len(digits), 1000):
        chunk = digits[i:i + 1000]
        n = n * 10 ** len(chunk) + int(chunk)
    return n


def digits_to_bytes(text: str) -> bytes:
    t = "".join(str(text).split())
    if not t:
        raise EkycError(ExitCode.MALFORMED, "no QR data given")
    if not t.isdigit():
        raise EkycError(ExitCode.MALFORMED, "Secure QR data must be digits only; this has letters or symbols "
                        "(was the QR read correctly?)")
    if len(t) > MAX_DIGITS:
        raise EkycError(ExitCode.TOO_LARGE, f"the QR data has {len(t)} digits, over the {MAX_DIGITS} limit")
    n = _to_int(t)
    return n.to_bytes(max(1, (n.bit_length() + 7) // 8), "big")


def decompress(data: bytes) -> bytes:
    d = zlib.decompressobj(wbits=47)  # 32 + 15: gzip or zlib header, detected
    try:
        out = d.decompress(data, MAX_DECOMPRESSED + 1)
    except zlib.error:
        raise EkycError(ExitCode.MALFORMED, "the QR data is not an Aadhaar Secure QR (it does not decompress): "
                        "a damaged scan, an altered number or another QR") from None
    if len(out) > MAX_DECOMPRESSED or d.unconsumed_tail:
        raise EkycError(ExitCode.TOO_LARGE, f"the QR data decompresses past {MAX_DECOMPRESSED} bytes: refused")
    if not d.eof:
        raise EkycError(ExitCode.MALFORMED, "the QR data is truncated (the compressed stream ends early)")
    return out


@dataclass
class SecureQrPayload:
    version: str | None
    indicator: int
    fields: dict[str, str]
    mobile_last4: str | None
    photo: bytes
    mobile_hash: bytes | None
    email_hash: bytes | None
    signed: bytes = field(repr=False)
    signature: bytes = field(repr=False)
    extra_fields: list[str] = field(default_factory=list)


def parse_payload(data: bytes) -> SecureQrPayload:
    """Split a decompressed payload. Does not verify: see :func:`verify_secure_qr`."""
    if len(data) <= SIGNATURE_BYTES + 16:
        raise EkycError(ExitCode.MALFORMED, "the QR payload is too short to be an Aadhaar Secure QR")
    signed, signature = data[:-SIGNATURE_BYTES], data[-SIGNATURE_BYTES:]
    pos = 0

    def take() -> bytes:
        nonlocal pos
        idx = signed.find(b"\xff", pos)
        if idx < 0:
            raise EkycError(ExitCode.MALFORMED, "the QR payload ends before all its fields (truncated?)")
        value, pos = signed[pos:idx], idx + 1
        return value

    first = take()
    version = None
    if _VERSION.match(first):
        version, first = first.decode("ascii"), take()
    try:
        indicator = int(first.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        indicator = -1
    if indicator not in _HASHES_FOR:
        raise EkycError(ExitCode.MALFORMED, "the QR payload does not start with an email/mobile indicator "
                        "0-3: not an Aadhaar Secure QR")
    values = {name: take().decode("iso-8859-1").strip() for name in TEXT_FIELDS}
    mobile_last4 = (take().decode("iso-8859-1").strip() or None) if version else None
    n_hashes = _HASHES_FOR[indicator]
    body_end = len(signed) - HASH_BYTES * n_hashes
    extra: list[str] = []
    if body_end == pos:
        photo_start = pos   # no photo at all
    elif signed.startswith(JP2_START, pos):
        photo_start = pos
    else:
        # A later version may add fields before the photo: find the photo right after a separator.
        idx = signed.find(b"\xff" + JP2_START, pos - 1)
        if idx < 0:
            raise EkycError(ExitCode.MALFORMED, "no photo where the Secure QR layout puts it: "
                            "damaged or unknown layout")
        photo_start = idx + 1
        extra = [x.decode("iso-8859-1") for x in signed[pos:idx].split(b"\xff")]
    if body_end < photo_start or (body_end > photo_start and signed[body_end - 2:body_end] != JP2_END):
        raise EkycError(ExitCode.MALFORMED, "the photo does not end (FFD9) where the announced hashes begin: "
                        "truncated or damaged QR data")
    photo = signed[photo_start:body_end]
    hashes_blob = signed[body_end:]
    email_hash = mobile_hash = None
    if indicator == 1:
        email_hash = hashes_blob
    elif indicator == 2:
        mobile_hash = hashes_blob
    elif indicator == 3:
        email_hash, mobile_hash = hashes_blob[:HASH_BYTES], hashes_blob[HASH_BYTES:]
    return SecureQrPayload(version, indicator, values, mobile_last4, photo, mobile_hash, email_hash,
                           signed, signature, extra)


def decode_secure_qr(text: str) -> SecureQrPayload:
    """Digits -> bytes -> decompressed -> fields (unverified)."""
    return parse_payload(decompress(digits_to_bytes(text)))


def verify_payload_signature(payload: SecureQrPayload, certs: list[TrustedCert]) -> TrustedCert:
    for cert in certs:
        if rsa_verify(cert.public_key, payload.signature, payload.signed, hashes.SHA256()):
            return cert
        if pkcs1_key_matches(cert.public_key, payload.signature):
            raise EkycError(ExitCode.SIGNATURE_INVALID,
                            f"the QR was signed with the UIDAI key of certificate {cert.name}, but its content "
                            "has been altered since: do not accept it")
    names = ", ".join(c.name for c in certs)
    raise EkycError(ExitCode.CERT_UNTRUSTED, f"the QR signature does not verify against any trusted UIDAI "
                    f"certificate ({names}): not signed by UIDAI, or UIDAI's current certificate is missing "
                    "from the certificate directory")


def _birth_year(dob: str | None) -> int | None:
    if not dob:
        return None
    for part in reversed(re.split(r"[-/]", dob)):
        if len(part) == 4 and part.isdigit():
            return int(part)
    return None


def payload_identity(p: SecureQrPayload, *, keep_photo: bool = False) -> Identity:
    f = p.fields
    last4, generated = parse_reference_id(f["reference_id"])
    return Identity(
        source="secure_qr", reference_id=f["reference_id"], aadhaar_last4=last4,
        aadhaar_masked=AadhaarEvidence(AadhaarKind.MASKED, last4=last4).masked, generated_at=generated,
        name=f["name"] or None, dob=f["dob"] or None, birth_year=_birth_year(f["dob"]),
        gender=f["gender"] or None,
        address=Address(careof=f["careof"] or None, house=f["house"] or None, street=f["street"] or None,
                        landmark=f["landmark"] or None, locality=f["location"] or None, vtc=f["vtc"] or None,
                        post_office=f["post_office"] or None, subdistrict=f["subdistrict"] or None,
                        district=f["district"] or None, state=f["state"] or None, pincode=f["pincode"] or None),
        mobile_hash_present=p.mobile_hash is not None, email_hash_present=p.email_hash is not None,
        mobile_last4=p.mobile_last4, qr_version=p.version,
        photo_format="jpeg2000" if p.photo.startswith(JP2_START) else None, photo_bytes=len(p.photo),
        photo_base64=base64.b64encode(p.photo).decode() if (keep_photo and p.photo) else None,
    )


# ---------------------------------------------------------------- pre-2018 XML QR

def is_legacy_qr(text: str) -> bool:
    head = str(text).lstrip()[:200]
    return head.startswith("<") and ("PrintLetterBarcodeData" in head or head.startswith("<?xml"))


def legacy_identity(text: str) -> Identity:
    """Read an old unsigned XML QR. Its full Aadhaar number is masked here and dropped."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(str(text).strip().encode("utf-8"), parser)
    except (etree.XMLSyntaxError, ValueError):
        raise EkycError(ExitCode.MALFORMED, "the old-style (XML) QR could not be read") from None
    a = {k: (v or "").strip() for k, v in root.attrib.items()}
    ev = parse_aadhaar(a.pop("uid", None), tokenise=False)  # only last 4 are kept: no key, no key file
    del root, text  # the full number must not outlive this function
    dob = a.get("dob") or a.get("yob") or None
    return Identity(
        source="legacy_qr", aadhaar_last4=ev.aadhaar_last4,  # none of a VID's (not the Aadhaar's)
        aadhaar_masked=ev.masked, name=a.get("name") or None,
        dob=dob, birth_year=_birth_year(dob), gender=a.get("gender") or None,
        address=Address(careof=a.get("co") or None, house=a.get("house") or None, street=a.get("street") or None,
                        landmark=a.get("lm") or None, locality=a.get("loc") or None, vtc=a.get("vtc") or None,
                        post_office=a.get("po") or None, subdistrict=a.get("subdist") or None,
                        district=a.get("dist") or None, state=a.get("state") or None,
                        pincode=a.get("pc") or None))


# ---------------------------------------------------------------- image

def read_qr_image(path: str | Path) -> str:
    """The text of the QR code in an image (zxing-cpp + Pillow); the longest if several."""
    try:
        import zxingcpp
        from PIL import Image
    except ImportError:
        raise EkycError(ExitCode.NO_QR_FOUND, "reading QR images needs the zxing-cpp and pillow packages; "
                        "pass the digits with --data instead") from None
    p = Path(path)
    if not p.is_file():
        raise EkycError(ExitCode.MALFORMED, f"image {p.name} not found", hi="चित्र फ़ाइल नहीं मिली: रास्ता (path) जाँचें")
    try:
        with Image.open(p) as img:
            img.load()
            results = zxingcpp.read_barcodes(img.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
    except Image.DecompressionBombError:
        raise EkycError(ExitCode.TOO_LARGE, "the image is too large to read safely") from None
    except (OSError, ValueError, SyntaxError):
        raise EkycError(ExitCode.MALFORMED, f"{p.name} is not a readable image") from None
    texts = [r.text for r in results if r.text]
    if not texts:
        raise EkycError(ExitCode.NO_QR_FOUND, "no QR code could be read from the image (try a sharper, "
                        "straighter photo or scan)")
    return max(texts, key=len)


# ---------------------------------------------------------------- verification

def _settings():
    from dedup.settings import get_settings

    return get_settings()


def verify_secure_qr(data: str | None = None, *, image: str | Path | None = None,
                     cert: str | Path | None = None, cert_dir: str | Path | None = None,
                     certs: list[TrustedCert] | None = None, mobile: str | None = None,
                     email: str | None = None, profile: Profile | dict | None = None,
                     min_match: int | None = None, keep_artifacts: bool | None = None) -> VerificationResult:
    """Verify a Secure QR given as its digits or as an image. Never raises for bad input."""
    keep = _settings().ekyc_keep_artifacts if keep_artifacts is None else keep_artifacts
    signature = None
    try:
        reject_empty_claims(mobile, email)
        prof = as_profile(profile)
        trusted = certs if certs is not None else load_trusted_certs(cert, cert_dir)
        text = read_qr_image(image) if image is not None else (data or "")
        if is_legacy_qr(text):
            ident = legacy_identity(text)
            text = None
            err = EkycError(ExitCode.UNSIGNED_LEGACY_QR,
                            "this is an old (pre-2018) Aadhaar QR: it is not signed, so nothing in it can be "
                            "verified; ask for the Secure QR (e-Aadhaar downloaded after 2018, PVC card) or the "
                            "offline e-KYC ZIP")
            return VerificationResult(kind="secure_qr", ok=False, exit_code=int(err.code),
                                      error=error_info(err), identity=ident)
        payload = decode_secure_qr(text)
        signer = verify_payload_signature(payload, trusted)
        identity = payload_identity(payload, keep_photo=keep)
        generated = identity.generated_at
        signature = SignatureReport(
            valid=True, method="rsa-sha256", certificate=signer.name, certificate_subject=signer.subject,
            certificate_sha256=signer.sha256, certificate_not_before=signer.not_before,
            certificate_not_after=signer.not_after, signed_at=generated, document_age_days=age_days(generated))
        check_validity(signer, generated)
    except EkycError as err:
        if signature is not None:
            signature.valid = False
        return failed("secure_qr", err, signature=signature)
    last_digit = identity.aadhaar_last4[-1]
    # UIDAI's QR manual contradicts its own table on whether indicator 1 means email or mobile;
    # with a single hash, a claim is checked against it either way (a mobile number can never
    # hash like an email address, so nothing is loosened).
    single = payload.email_hash or payload.mobile_hash if payload.indicator in (1, 2) else None
    m_hash = payload.mobile_hash or single
    e_hash = payload.email_hash or single
    m = None if mobile is None else check_mobile(mobile, m_hash.hex() if m_hash else None, last_digit, "")
    e = None if email is None else check_email(email, e_hash.hex() if e_hash else None, last_digit, "")
    return conclude("secure_qr", identity, signature, mobile=m, email=e, profile=prof, min_match=min_match)
