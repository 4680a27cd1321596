"""Bank account and IFSC: format checks and a keyed token of (bank, account).

IFSC[:4] is the bank code; the token pairs the bank code with the account digits
because the same account number can exist at two banks. We do not treat IFSC[:4]
alone as proof of which bank it is (no maintained offline IFSC master on PyPI).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ekyc.tokens import make_token

IFSC_RE = re.compile(r"^[A-Z]{4}0[A-Z0-9]{6}$")


@dataclass(frozen=True)
class BankEvidence:
    token: str | None = None
    last4: str | None = None
    ifsc: str | None = None
    account_reason: str | None = None
    ifsc_reason: str | None = None

    @property
    def masked(self) -> str | None:
        return f"XXXXXX{self.last4}" if self.last4 else None


def _clean(value: object) -> str:
    if value is None:
        return ""
    text = str(value).strip()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return "" if text.lower() in {"nan", "none", "null", "na", "n/a", "-"} else text


def normalise_ifsc(value: object) -> tuple[str | None, str | None]:
    """(ifsc, reason): reason is set when an IFSC was given but is malformed."""
    text = re.sub(r"[\s\-]", "", _clean(value)).upper()
    if not text:
        return None, None
    if not IFSC_RE.match(text):
        return None, "IFSC must be 4 letters, then 0, then 6 letters or digits (e.g. SBIN0001234)"
    return text, None


def parse_bank(account: object, ifsc: object = None) -> BankEvidence:
    ifsc_norm, ifsc_reason = normalise_ifsc(ifsc)
    acct = re.sub(r"[\s\-]", "", _clean(account))
    if not acct:
        return BankEvidence(ifsc=ifsc_norm, ifsc_reason=ifsc_reason)
    if not acct.isdigit():
        return BankEvidence(ifsc=ifsc_norm, ifsc_reason=ifsc_reason,
                            account_reason="account number must contain only digits")
    if not 9 <= len(acct) <= 18:
        return BankEvidence(ifsc=ifsc_norm, ifsc_reason=ifsc_reason,
                            account_reason=f"account number must have 9 to 18 digits; this has {len(acct)}")
    if set(acct) == {"0"}:
        return BankEvidence(ifsc=ifsc_norm, ifsc_reason=ifsc_reason,
                            account_reason="account number is all zeros")
    bank_code = ifsc_norm[:4] if ifsc_norm else "????"
    acct = acct.lstrip("0") or acct
    return BankEvidence(token=make_token("bank", f"{bank_code}|{acct}"), last4=acct[-4:],
                        ifsc=ifsc_norm, ifsc_reason=ifsc_reason)
