"""Aadhaar and VID numbers: validate, mask, tokenise, and forget.

The raw number is turned into an :class:`AadhaarEvidence` (token + last 4)
the moment it is parsed; nothing in this module keeps, logs or raises with
the number in it. Verhoeff is written here (60 lines) because no maintained
PyPI package covers it with the Aadhaar-specific rules (first digit 2-9,
VID of 16 digits) and the algorithm is a fixed public table.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from dedup.cells import number_cell
from ekyc.tokens import make_token

_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)
_INV = (0, 4, 3, 2, 1, 5, 6, 7, 8, 9)


def verhoeff_checksum_ok(digits: str) -> bool:
    c = 0
    for i, ch in enumerate(reversed(digits)):
        c = _D[c][_P[i % 8][int(ch)]]
    return c == 0


def verhoeff_check_digit(digits: str) -> str:
    c = 0
    for i, ch in enumerate(reversed(digits)):
        c = _D[c][_P[(i + 1) % 8][int(ch)]]
    return str(_INV[c])


class AadhaarKind(str, Enum):
    FULL = "full"          # a valid 12-digit number (tokenised, then dropped)
    VID = "vid"            # a valid 16-digit Virtual ID
    MASKED = "masked"      # only the last 4 digits were given
    INVALID = "invalid"    # present but not a valid number: never evidence
    MISSING = "missing"


@dataclass(frozen=True)
class AadhaarEvidence:
    """What matching may know about an Aadhaar field. Never holds the number."""

    kind: AadhaarKind
    token: str | None = None
    last4: str | None = None
    reason: str | None = None  # why it is invalid, in words a data officer reads
    # a masked Virtual ID ("XXXX XXXX XXXX 2346"): its last 4 digits are not the Aadhaar's
    masked_vid: bool = False

    @property
    def masked(self) -> str | None:
        if not self.last4:
            return None
        return ("XXXX XXXX XXXX " if self.is_vid else "XXXX XXXX ") + self.last4

    @property
    def is_vid(self) -> bool:
        return self.kind == AadhaarKind.VID or self.masked_vid

    @property
    def aadhaar_last4(self) -> str | None:
        """The last 4 digits of the Aadhaar number itself: none for a VID, whose last 4 are
        its own (compared with an Aadhaar's they would count for or against a match)."""
        return None if self.is_vid else self.last4

    @property
    def usable(self) -> bool:
        return self.kind in (AadhaarKind.FULL, AadhaarKind.VID, AadhaarKind.MASKED)


_SEPARATORS = re.compile(r"[\s\-./]")
_MASKED = re.compile(r"^[xX*#]{4,12}(\d{4})$")


def parse_aadhaar(value: object, *, tokenise: bool = True) -> AadhaarEvidence:
    """Classify any Aadhaar-ish input; a full number leaves only token and last 4.

    ``tokenise=False`` only classifies (for `pehchaan ekyc aadhaar check`, which needs no key)."""
    text = number_cell(value)
    if not text:
        return AadhaarEvidence(AadhaarKind.MISSING)
    compact = _SEPARATORS.sub("", text)
    m = _MASKED.match(compact)
    if m:
        return AadhaarEvidence(AadhaarKind.MASKED, last4=m.group(1), masked_vid=len(compact) == 16)
    if not compact.isdigit():
        return AadhaarEvidence(AadhaarKind.INVALID, reason="Aadhaar must contain only digits "
                               "(or XXXX XXXX 1234 when masked)")
    if len(compact) == 12:
        if compact[0] in "01":
            return AadhaarEvidence(AadhaarKind.INVALID, last4=None,
                                   reason="Aadhaar numbers never start with 0 or 1")
        if not verhoeff_checksum_ok(compact):
            return AadhaarEvidence(AadhaarKind.INVALID,
                                   reason="Aadhaar check digit is wrong (typing error?)")
        return AadhaarEvidence(AadhaarKind.FULL, token=make_token("aad", compact) if tokenise else None,
                               last4=compact[-4:])
    if len(compact) == 16:
        if not verhoeff_checksum_ok(compact):
            return AadhaarEvidence(AadhaarKind.INVALID,
                                   reason="Virtual ID check digit is wrong (typing error?)")
        return AadhaarEvidence(AadhaarKind.VID, token=make_token("vid", compact) if tokenise else None,
                               last4=compact[-4:])
    if len(compact) == 4:
        return AadhaarEvidence(AadhaarKind.MASKED, last4=compact)
    return AadhaarEvidence(AadhaarKind.INVALID,
                           reason=f"Aadhaar must have 12 digits (VID 16); this has {len(compact)}")


def mask_aadhaar(value: object) -> str | None:
    """The only printable form of an Aadhaar number."""
    return parse_aadhaar(value).masked
