"""Indian mobile numbers: strip +91 / 0 / spaces; 10 digits starting 6-9.

Kept in clear (it is not Aadhaar), but matching treats it as weak evidence:
one phone often serves a whole household.
"""
from __future__ import annotations

import re

from dedup.cells import number_cell


def normalise_mobile(value: object) -> tuple[str | None, str | None]:
    """(mobile, reason): reason set when something was given but is not a mobile."""
    text = number_cell(value)
    if not text:
        return None, None
    digits = re.sub(r"[\s\-()]", "", text)
    if digits.startswith("+"):
        digits = digits[1:]
    if not digits.isdigit():
        return None, "mobile must contain only digits"
    if len(digits) == 12 and digits.startswith("91"):
        digits = digits[2:]
    elif len(digits) == 11 and digits.startswith("0"):
        digits = digits[1:]
    if len(digits) != 10:
        return None, f"mobile must have 10 digits; this has {len(digits)}"
    if digits[0] not in "6789":
        return None, "mobile numbers start with 6, 7, 8 or 9"
    return digits, None
