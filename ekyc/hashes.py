"""Mobile and email hashes in UIDAI offline e-KYC XML and Secure QR.

UIDAI's rule: SHA-256 of (mobile + share code), hashed again N times in all,
where N is the last digit of the Aadhaar number (the 4th character of the
reference id), once when that digit is 0 or 1; each round hashes the previous
round's lowercase hex. Secure QR has no share code, so its salt is empty.
Worked example from UIDAI: 9800000002 + "Abc@123", Aadhaar ending 4 ->
735c04aebc33a05af444ed41f6352b083c5a28d75ff1a26f0fe2c72bba94d7dc.

For email UIDAI's own FAQ also describes a single unsalted SHA-256, so both
readings are accepted; the result says which one matched.
"""
from __future__ import annotations

import hashlib
import hmac

from dedup.mobile import normalise_mobile


def rounds_for(last_digit: str) -> int:
    d = int(last_digit)
    return 1 if d in (0, 1) else d


def hash_chain(value: str, last_digit: str, salt: str = "") -> str:
    text = value + salt
    for _ in range(rounds_for(last_digit)):
        text = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return text


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.strip().lower().encode(), b.strip().lower().encode())


def mobile_matches(claimed: str, stored_hex: str | None, last_digit: str, salt: str = "") -> tuple[bool, str | None]:
    """(matched, method). ``claimed`` may carry +91, spaces or a leading 0."""
    if not stored_hex:
        return False, None
    mobile, _reason = normalise_mobile(claimed)
    candidates = [mobile] if mobile else []
    raw = "".join(ch for ch in str(claimed) if ch.isdigit())
    if raw and raw not in candidates:
        candidates.append(raw)
    for c in candidates:
        if _same(hash_chain(c, last_digit, salt), stored_hex):
            return True, "uidai_chain"
    return False, None


def email_matches(claimed: str, stored_hex: str | None, last_digit: str, salt: str = "") -> tuple[bool, str | None]:
    if not stored_hex:
        return False, None
    base = str(claimed).strip()
    for c in dict.fromkeys([base, base.lower()]):
        if _same(hash_chain(c, last_digit, salt), stored_hex):
            return True, "uidai_chain"
        if _same(hashlib.sha256(c.encode("utf-8")).hexdigest(), stored_hex):
            return True, "single_sha256"
    return False, None
