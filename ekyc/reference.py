"""The reference id of offline e-KYC XML and Secure QR: last 4 Aadhaar digits + timestamp.

``referenceId`` = 4 digits + ``YYYYMMDDHHMMSSmmm`` (India Standard Time). The
timestamp is under the signature, so once a signature verifies it tells when
UIDAI made the document: certificates are judged at that moment, and the
document's age is reported for the block manager.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from ekyc.errors import EkycError, ExitCode

IST = timezone(timedelta(hours=5, minutes=30), "IST")
_REF = re.compile(r"^(\d{4})(\d{17})?\d*$")


def parse_reference_id(ref: str | None) -> tuple[str, datetime | None]:
    """(last4, generated_at). Raises MALFORMED when the id does not start with 4 digits."""
    m = _REF.match((ref or "").strip())
    if not m:
        raise EkycError(ExitCode.MALFORMED, "the reference id does not start with the 4 last Aadhaar digits")
    last4, stamp = m.group(1), m.group(2)
    when = None
    if stamp:
        try:
            when = datetime.strptime(stamp[:14], "%Y%m%d%H%M%S").replace(
                microsecond=int(stamp[14:17]) * 1000, tzinfo=IST)
        except ValueError:
            when = None
    return last4, when


def age_days(when: datetime | None, now: datetime | None = None) -> float | None:
    if when is None:
        return None
    now = now or datetime.now(timezone.utc)
    return round((now - when).total_seconds() / 86400, 2)
