"""Aadhaar Paperless Offline e-KYC: the share-code ZIP a resident downloads from UIDAI.

Steps: open the ZIP with the share code (ZipCrypto through the standard
library, AES entries through pyzipper), parse the XML without DTDs or
entities, verify its enveloped XML-DSig (signxml) against the pinned UIDAI
certificates only, then read the fields from what was actually signed (never
from the raw file, so nothing outside the signature can be slipped in).

Aadhaar Act s.8A(4)(b): offline verification may not collect, use or store the
Aadhaar number. The XML never contains it (only the last 4 digits in the
reference id), and nothing here writes anything anywhere: the photo and XML
leave with the result only when PEHCHAAN_EKYC_KEEP_ARTIFACTS is set.
"""
from __future__ import annotations

import base64
import binascii
import io
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from signxml import XMLVerifier
from signxml.algorithms import CanonicalizationMethod, DigestAlgorithm, SignatureMethod
from signxml.exceptions import InvalidDigest, InvalidSignature
from signxml.verifier import SignatureConfiguration

from ekyc.aadhaar import AadhaarEvidence, AadhaarKind
from ekyc.certs import TrustedCert, check_validity, load_trusted_certs, pkcs1_key_matches
from ekyc.errors import EkycError, ExitCode
from ekyc.models import Address, Identity, Profile, SignatureReport, VerificationResult
from ekyc.outcome import (as_profile, check_email, check_mobile, conclude, failed,
                           reject_empty_claims)
from ekyc.reference import age_days, parse_reference_id

DSIG = "http://www.w3.org/2000/09/xmldsig#"
_AES = 99  # ZIP compression method id for WinZip AES entries
_CHUNK = 64 * 1024

# UIDAI signs with rsa-sha1 over SHA-256 reference digests; rsa-sha256 is accepted too.
_SIG_METHODS = frozenset({SignatureMethod.RSA_SHA1, SignatureMethod.RSA_SHA256})
_METHOD_NAMES = {SignatureMethod.RSA_SHA1.value: "rsa-sha1", SignatureMethod.RSA_SHA256.value: "rsa-sha256"}


def _settings():
    from dedup.settings import get_settings

    return get_settings()


# ---------------------------------------------------------------- ZIP

def _read_capped(fh, cap: int) -> bytes:
    out = bytearray()
    while True:
        chunk = fh.read(_CHUNK)
        if not chunk:
            return bytes(out)
        out += chunk
        if len(out) > cap:
            raise EkycError(ExitCode.TOO_LARGE, f"the XML inside the ZIP is larger than {cap} bytes "
                            "(a real offline e-KYC XML is well under 1 MB): refused as a possible zip bomb")


def read_offline_zip(data: bytes, share_code: str, *, max_xml_bytes: int | None = None) -> bytes:
    """The XML bytes inside a UIDAI offline e-KYC ZIP, decrypted with the share code."""
    cap = max_xml_bytes or _settings().ekyc_max_xml_bytes
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise EkycError(ExitCode.MALFORMED, "this is not a readable ZIP file (truncated or damaged?)") from None
    entries = [i for i in zf.infolist() if not i.is_dir()]
    if len(entries) != 1 or not entries[0].filename.lower().endswith(".xml"):
        raise EkycError(ExitCode.MALFORMED, f"expected exactly one XML file in the ZIP, found {len(entries)} "
                        "entries: not a UIDAI offline e-KYC download")
    info = entries[0]
    if info.file_size > cap:
        raise EkycError(ExitCode.TOO_LARGE, f"the XML inside the ZIP declares {info.file_size} bytes, over "
                        f"the {cap}-byte limit: refused as a possible zip bomb")
    if info.compress_size > 2 * info.file_size + 1024:
        # Deflate never makes data much larger, so headers understating the content are crafted:
        # the classic way past a declared-size check.
        raise EkycError(ExitCode.TOO_LARGE, "the ZIP's headers understate what it holds (compressed data far "
                        "larger than the file it claims): refused as a possible zip bomb")
    encrypted = bool(info.flag_bits & 0x1)
    pwd = share_code.encode("utf-8") if share_code else None
    if encrypted and not pwd:
        raise EkycError(ExitCode.BAD_SHARE_CODE, "the ZIP is protected: the share code is required")
    try:
        if info.compress_type == _AES:
            import pyzipper

            with pyzipper.AESZipFile(io.BytesIO(data)) as az, az.open(info.filename, pwd=pwd) as fh:
                return _read_capped(fh, cap)
        with zf.open(info, pwd=pwd) as fh:
            return _read_capped(fh, cap)
    except EkycError:
        raise
    except RuntimeError:  # "Bad password for file", "password required"
        raise EkycError(ExitCode.BAD_SHARE_CODE, "the share code does not open this ZIP: ask the member "
                        "for the 4-character share code she set when downloading") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError):
        if encrypted:  # ZipCrypto lets 1 wrong password in 256 pass its check byte; the CRC then fails
            raise EkycError(ExitCode.BAD_SHARE_CODE, "the share code does not open this ZIP (or the "
                            "file is damaged)") from None
        raise EkycError(ExitCode.MALFORMED, "the ZIP is damaged or truncated") from None
    except NotImplementedError:
        raise EkycError(ExitCode.MALFORMED, "the ZIP uses a compression method UIDAI does not use") from None


def load_source(source: bytes | str | Path, share_code: str, *, max_zip_bytes: int | None = None) -> bytes:
    """XML bytes from a ZIP (path or bytes) or from an already extracted XML."""
    cap = max_zip_bytes or _settings().ekyc_max_zip_bytes
    if isinstance(source, (str, Path)):
        p = Path(source)
        if not p.is_file():
            raise EkycError(ExitCode.MALFORMED, f"file {p.name} not found", hi="फ़ाइल नहीं मिली: रास्ता (path) जाँचें")
        if p.stat().st_size > cap:
            raise EkycError(ExitCode.TOO_LARGE, f"the file is larger than {cap} bytes: refused")
        data = p.read_bytes()
    else:
        data = bytes(source)
    if len(data) > cap:
        raise EkycError(ExitCode.TOO_LARGE, f"the file is larger than {cap} bytes: refused")
    if data.startswith(b"PK"):
        return read_offline_zip(data, share_code)
    if data.lstrip()[:1] == b"<":
        return data
    raise EkycError(ExitCode.MALFORMED, "this is neither a ZIP nor an XML file")


# ---------------------------------------------------------------- XML and signature

def _parse(xml: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError:
        raise EkycError(ExitCode.MALFORMED, "the XML is not well formed (truncated or damaged?)") from None
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.externalDTD is not None or docinfo.doctype:
        raise EkycError(ExitCode.MALFORMED, "XML with a DOCTYPE is refused (UIDAI files have none)")
    return root


def _signature_parts(root: etree._Element) -> tuple[bytes, str]:
    """(raw SignatureValue, SignatureMethod URI) after checking the envelope's shape."""
    if etree.QName(root).localname != "OfflinePaperlessKyc":
        raise EkycError(ExitCode.MALFORMED, "not an Aadhaar Paperless Offline e-KYC XML "
                        "(root element is not OfflinePaperlessKyc)")
    sigs = root.findall(f"{{{DSIG}}}Signature")
    children = [c for c in root if isinstance(c.tag, str)]
    if len(sigs) != 1 or children[-1] is not sigs[0]:
        raise EkycError(ExitCode.MALFORMED, "the XML has no enveloped signature as its last element")
    sig = sigs[0]
    refs = sig.findall(f"{{{DSIG}}}SignedInfo/{{{DSIG}}}Reference")
    if len(refs) != 1 or refs[0].get("URI") != "":
        raise EkycError(ExitCode.MALFORMED, "the signature must cover the whole document (one Reference URI=\"\")")
    value = sig.findtext(f"{{{DSIG}}}SignatureValue") or ""
    method = sig.find(f"{{{DSIG}}}SignedInfo/{{{DSIG}}}SignatureMethod")
    try:
        raw = base64.b64decode("".join(value.split()), validate=True)
    except (binascii.Error, ValueError):
        raise EkycError(ExitCode.MALFORMED, "the signature value is not valid base64") from None
    if not raw:
        raise EkycError(ExitCode.MALFORMED, "the XML signature has an empty SignatureValue")
    return raw, (method.get("Algorithm") if method is not None else "") or ""


def _config(cert: TrustedCert) -> SignatureConfiguration:
    return SignatureConfiguration(
        require_x509=True,
        location="./",
        expect_references=1,
        signature_methods=_SIG_METHODS,
        digest_algorithms=frozenset({DigestAlgorithm.SHA256}),
        # No explicit C14N transform in UIDAI's Reference: XML-DSig then means inclusive C14N 1.0.
        default_reference_c14n_method=CanonicalizationMethod.CANONICAL_XML_1_0,
        # Validity is judged by check_validity at the document's own time, not by signxml at "now".
        verification_time=cert.not_before,
        ignore_ambiguous_key_info=True,
    )


def _verify_one(xml: bytes, cert: TrustedCert):
    verifier = XMLVerifier()
    # libxml2 (2.14 here) adds spurious xmlns="" to SignedInfo's grandchildren when it
    # canonicalises SignedInfo in place, so signxml would hash bytes UIDAI never signed and a
    # genuine file would fail. UIDAI's SignedInfo never contains a real xmlns="" (everything in
    # it is in the XML-DSig namespace), so removing them yields exactly the inclusive C14N 1.0
    # form; signxml then parses what it verified, so nothing unsigned is trusted.
    verifier.excise_empty_xmlns_declarations = True
    return verifier.verify(xml, x509_cert=cert.cert, expect_config=_config(cert))


@dataclass
class SignedXml:
    root: etree._Element          # the signed content (Signature removed), parsed from its C14N form
    cert: TrustedCert
    method: str


def verify_xml_signature(xml: bytes, certs: list[TrustedCert]) -> SignedXml:
    """Verify against each pinned certificate; raise 11 / 12 / 14 with the reason."""
    root = _parse(xml)
    raw_sig, method = _signature_parts(root)
    if method not in _METHOD_NAMES:
        raise EkycError(ExitCode.MALFORMED, "the signature uses an algorithm UIDAI does not use "
                        "(expected rsa-sha1 or rsa-sha256)")
    for cert in certs:
        try:
            result = _verify_one(xml, cert)
            return SignedXml(result.signed_xml, cert, _METHOD_NAMES[method])
        except InvalidDigest:
            altered = True      # SignedInfo verified under this key: the document changed after
        except InvalidSignature:
            altered = pkcs1_key_matches(cert.public_key, raw_sig)  # this key, other SignedInfo?
        except Exception:  # noqa: BLE001
            # signxml/lxml/cryptography raise TypeError, ValueError... on odd signatures; bad input
            # must end in an exit code, never in "internal error".
            raise EkycError(ExitCode.MALFORMED, "the XML signature is not of the form UIDAI uses") from None
        if altered:
            raise EkycError(ExitCode.SIGNATURE_INVALID,
                            f"the signature was made with the UIDAI key of certificate {cert.name}, but the "
                            "content has been altered since: do not accept this file")
    names = ", ".join(c.name for c in certs)
    raise EkycError(ExitCode.CERT_UNTRUSTED, f"the signature does not verify against any trusted UIDAI "
                    f"certificate ({names}): the file was not signed by UIDAI, or UIDAI's current "
                    "certificate is missing from the certificate directory")


def _attr(el: etree._Element | None, name: str) -> str | None:
    if el is None:
        return None
    v = (el.get(name) or "").strip()
    return v or None


def _birth_year(dob: str | None) -> int | None:
    if not dob:
        return None
    digits = dob.replace("/", "-").split("-")
    for part in (digits[-1], digits[0]):
        if len(part) == 4 and part.isdigit():
            return int(part)
    return None


@dataclass
class OfflineKyc:
    """The signed content, read. Hashes stay here (they are checked, never returned)."""

    identity: Identity
    mobile_hash: str | None
    email_hash: str | None
    photo: bytes | None


def read_signed_fields(root: etree._Element, *, keep_photo: bool = False) -> OfflineKyc:
    ref = root.get("referenceId")
    last4, generated = parse_reference_id(ref)
    uid = root.find("UidData")
    if uid is None:
        raise EkycError(ExitCode.MALFORMED, "the signed XML has no UidData element")
    poi, poa = uid.find("Poi"), uid.find("Poa")
    if poi is None:
        raise EkycError(ExitCode.MALFORMED, "the signed XML has no Poi (proof of identity) element")
    photo = None
    pht = (uid.findtext("Pht") or "").strip()
    if pht:
        try:
            photo = base64.b64decode("".join(pht.split()), validate=True)
        except (binascii.Error, ValueError):
            raise EkycError(ExitCode.MALFORMED, "the photo in the XML is not valid base64") from None
    dob = _attr(poi, "dob")
    masked = AadhaarEvidence(AadhaarKind.MASKED, last4=last4).masked
    identity = Identity(
        source="offline_xml", reference_id=ref, aadhaar_last4=last4, aadhaar_masked=masked,
        generated_at=generated, name=_attr(poi, "name"), dob=dob, birth_year=_birth_year(dob),
        gender=_attr(poi, "gender"),
        address=Address(
            careof=_attr(poa, "careof"), house=_attr(poa, "house"), street=_attr(poa, "street"),
            landmark=_attr(poa, "landmark"), locality=_attr(poa, "loc"), vtc=_attr(poa, "vtc"),
            post_office=_attr(poa, "po"), subdistrict=_attr(poa, "subdist"), district=_attr(poa, "dist"),
            state=_attr(poa, "state"), country=_attr(poa, "country"), pincode=_attr(poa, "pc")),
        mobile_hash_present=bool(_attr(poi, "m")), email_hash_present=bool(_attr(poi, "e")),
        photo_format=("jpeg" if photo and photo[:2] == b"\xff\xd8" else ("unknown" if photo else None)),
        photo_bytes=len(photo or b""),
        photo_base64=base64.b64encode(photo).decode() if (photo and keep_photo) else None,
    )
    return OfflineKyc(identity, _attr(poi, "m"), _attr(poi, "e"), photo if keep_photo else None)


def verify_offline_xml(source: bytes | str | Path, share_code: str, *,
                       cert: str | Path | None = None, cert_dir: str | Path | None = None,
                       certs: list[TrustedCert] | None = None, mobile: str | None = None,
                       email: str | None = None, profile: Profile | dict | None = None,
                       min_match: int | None = None, keep_artifacts: bool | None = None) -> VerificationResult:
    """Verify a resident's offline e-KYC ZIP (or its XML). Never raises for bad input:
    the result carries ``ok``, ``exit_code`` and a reason."""
    keep = _settings().ekyc_keep_artifacts if keep_artifacts is None else keep_artifacts
    signature = None
    try:
        reject_empty_claims(mobile, email)
        prof = as_profile(profile)
        trusted = certs if certs is not None else load_trusted_certs(cert, cert_dir)
        xml = load_source(source, share_code)
        signed = verify_xml_signature(xml, trusted)
        kyc = read_signed_fields(signed.root, keep_photo=keep)
        generated = kyc.identity.generated_at
        signature = SignatureReport(
            valid=True, method=signed.method, certificate=signed.cert.name,
            certificate_subject=signed.cert.subject, certificate_sha256=signed.cert.sha256,
            certificate_not_before=signed.cert.not_before, certificate_not_after=signed.cert.not_after,
            signed_at=generated, document_age_days=age_days(generated))
        check_validity(signed.cert, generated)
    except EkycError as err:
        if signature is not None:
            signature.valid = False
        return failed("offline_xml", err, signature=signature)
    last_digit = kyc.identity.aadhaar_last4[-1]
    m = check_mobile(mobile, kyc.mobile_hash, last_digit, share_code) if mobile is not None else None
    e = check_email(email, kyc.email_hash, last_digit, share_code) if email is not None else None
    return conclude("offline_xml", kyc.identity, signature, mobile=m, email=e, profile=prof,
                    min_match=min_match, xml_base64=base64.b64encode(xml).decode() if keep else None)
