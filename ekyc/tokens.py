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
    """A keyed hash of a fixed label: two runs tokenised with the same key have the same
    fingerprint, and their tokens can be compared (a national pass over state runs needs
    that). It reveals nothing of the key or of any number."""
    return make_token("fingerprint", "pehchaan-token-key", key)
