"""Pinned UIDAI certificates: the only keys a signature is checked against.

A signed XML carries a certificate in KeyInfo, but anyone can sign a forged
file with their own key and put their own certificate there; so KeyInfo is
ignored and signatures are verified only against certificates a state has
placed in a directory (PEHCHAAN_UIDAI_CERT_DIR). UIDAI rotates its keys, so
the directory holds several and results report which one matched.

Expiry is judged at the time the document was made (its reference id carries
the timestamp, under the signature): a file signed in 2023 under the
2021-2024 certificate stays genuine after 2024, while a document claiming a
time outside the certificate's life is refused.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding

from ekyc.errors import EkycError, ExitCode

CERT_SUFFIXES = {".pem", ".cer", ".crt", ".der"}


@dataclass(frozen=True)
class TrustedCert:
    name: str                      # file name (plus #n for bundles), shown in results
    cert: x509.Certificate

    @property
    def public_key(self) -> rsa.RSAPublicKey:
        return self.cert.public_key()  # type: ignore[return-value]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.cert.public_bytes(Encoding.DER)).hexdigest()

    @property
    def subject(self) -> str:
        return self.cert.subject.rfc4514_string()

    @property
    def not_before(self) -> datetime:
        return self.cert.not_valid_before_utc

    @property
    def not_after(self) -> datetime:
        return self.cert.not_valid_after_utc

    def valid_at(self, when: datetime) -> bool:
        return self.not_before <= when <= self.not_after


def _load_file(path: Path) -> list[TrustedCert]:
    data = path.read_bytes()
    certs: list[x509.Certificate]
    if b"-----BEGIN CERTIFICATE-----" in data:
        certs = x509.load_pem_x509_certificates(data)
    else:
        certs = [x509.load_der_x509_certificate(data)]
    out = []
    for i, c in enumerate(certs):
        if not isinstance(c.public_key(), rsa.RSAPublicKey):
            continue  # UIDAI signs with RSA; anything else cannot be one of its keys
        out.append(TrustedCert(path.name if len(certs) == 1 else f"{path.name}#{i + 1}", c))
    return out


def load_trusted_certs(cert: Path | str | None = None, cert_dir: Path | str | None = None) -> list[TrustedCert]:
    """Certificates to trust: an explicit file (``--cert``) or else the configured directory."""
    if cert is None and cert_dir is None:
        from dedup.settings import get_settings

        cert_dir = get_settings().uidai_cert_dir
    paths: list[Path] = []
    if cert is not None:
        paths = [Path(cert)]
    elif cert_dir is not None:
        d = Path(cert_dir)
        if not d.is_dir():
            raise EkycError(ExitCode.NO_CERTIFICATE,
                            f"UIDAI certificate directory {d} does not exist (PEHCHAAN_UIDAI_CERT_DIR)")
        paths = sorted(p for p in d.iterdir() if p.suffix.lower() in CERT_SUFFIXES and p.is_file())
    else:
        raise EkycError(ExitCode.NO_CERTIFICATE,
                        "no UIDAI certificate configured: set PEHCHAAN_UIDAI_CERT_DIR or pass --cert")
    out: list[TrustedCert] = []
    for p in paths:
        if not p.is_file():
            raise EkycError(ExitCode.NO_CERTIFICATE, f"certificate file {p} not found")
        try:
            out.extend(_load_file(p))
        except (ValueError, TypeError):
            raise EkycError(ExitCode.NO_CERTIFICATE,
                            f"{p.name} is not a PEM or DER X.509 certificate") from None
    if not out:
        raise EkycError(ExitCode.NO_CERTIFICATE, "no usable RSA certificate found among the configured "
                        "UIDAI certificates")
    return out


# DER prefixes of DigestInfo (RFC 8017 section 9.2, note 1) for the hashes UIDAI uses.
_DIGEST_INFO = {
    "sha1": bytes.fromhex("3021300906052b0e03021a05000414"),
    "sha256": bytes.fromhex("3031300d060960864801650304020105000420"),
    "sha512": bytes.fromhex("3051300d060960864801650304020305000440"),
}
_DIGEST_LEN = {"sha1": 20, "sha256": 32, "sha512": 64}


def pkcs1_key_matches(public_key: rsa.RSAPublicKey, signature: bytes) -> bool:
    """True if ``signature`` was made with this key, whatever message it signed.

    Why: to tell "altered after signing by UIDAI" (exit 11) from "signed by some
    other key" (exit 12). The RSA public operation on a genuine PKCS#1 v1.5
    signature yields 00 01 FF..FF 00 DigestInfo; under any other key it yields
    noise, which has this shape with probability around 2^-100.
    """
    n = public_key.public_numbers().n
    e = public_key.public_numbers().e
    k = (n.bit_length() + 7) // 8
    if len(signature) != k:
        return False
    s = int.from_bytes(signature, "big")
    if s >= n:
        return False
    em = pow(s, e, n).to_bytes(k, "big")
    if em[:2] != b"\x00\x01":
        return False
    try:
        sep = em.index(b"\x00", 2)
    except ValueError:
        return False
    if sep < 10 or set(em[2:sep]) != {0xFF}:
        return False
    rest = em[sep + 1:]
    return any(rest.startswith(prefix) and len(rest) == len(prefix) + _DIGEST_LEN[name]
               for name, prefix in _DIGEST_INFO.items())


def rsa_verify(public_key: rsa.RSAPublicKey, signature: bytes, message: bytes,
               algorithm: hashes.HashAlgorithm) -> bool:
    try:
        public_key.verify(signature, message, padding.PKCS1v15(), algorithm)
        return True
    except (InvalidSignature, ValueError):
        return False


def check_validity(cert: TrustedCert, signed_at: datetime | None) -> None:
    """Refuse a signature whose certificate was not valid when the document was made."""
    when = signed_at or datetime.now(timezone.utc)
    if not cert.valid_at(when):
        raise EkycError(
            ExitCode.CERT_EXPIRED,
            f"the matching UIDAI certificate {cert.name} is valid from {cert.not_before:%Y-%m-%d} to "
            f"{cert.not_after:%Y-%m-%d}, but the document was made on {when:%Y-%m-%d}",
        )
