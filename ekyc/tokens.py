"""Keyed tokens: HMAC-SHA256 of an identifier, labelled with kind and key id.

Matching needs equality of Aadhaar / VID / bank accounts, never the numbers
themselves. A plain SHA-256 would not do: there are only ~10^11 valid Aadhaar
numbers, so an unkeyed hash is reversed by enumeration in hours. The token
text is ``<kind>:<key_id>:<32 hex>`` so that tokens made under different keys
are recognisably incomparable rather than silently unequal.
"""
from __future__ import annotations

import hashlib
import hmac

from ekyc.keys import Key, token_key

TOKEN_HEX_CHARS = 32  # 128 bits: collisions are out of reach for crores of rows


def make_token(kind: str, value: str, key: Key | None = None) -> str:
    key = key or token_key()
    digest = hmac.new(key.secret, f"{kind}|{value}".encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{kind}:{key.key_id}:{digest[:TOKEN_HEX_CHARS]}"


def token_key_id(token: str | None) -> str | None:
    if not token:
        return None
    parts = token.split(":")
    return parts[1] if len(parts) == 3 else None


def comparable(a: str | None, b: str | None) -> bool:
    """Two tokens can be compared only if both exist and share kind and key id."""
    if not a or not b:
        return False
    pa, pb = a.split(":"), b.split(":")
    return len(pa) == 3 and len(pb) == 3 and pa[0] == pb[0] and pa[1] == pb[1]


def key_fingerprint(key: Key | None = None) -> str:
    """Which key made a run's tokens, safe to publish in its summary: two runs compare only
    if their fingerprints are equal. A slow hash (scrypt, about 50 ms) of the key, not an HMAC:
    the fingerprint sits in the most widely shared file, and a key typed as a passphrase must
    not be testable at one HMAC per guess. It reveals nothing of the key or of any number."""
    key = key or token_key()
    digest = hashlib.scrypt(key.secret, salt=b"pehchaan-token-key-fingerprint", n=2 ** 14, r=8, p=1,
                            dklen=16).hex()
    return f"fingerprint:{key.key_id}:{digest}"
