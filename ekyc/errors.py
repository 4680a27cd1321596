"""Failure kinds of eKYC verification, each with its own exit code and message.

A block office runs these checks on files residents bring; every way a file
can be wrong must end in a sentence a data officer can act on (and a code a
script can branch on), never a stack trace. Messages never quote input: a
file may carry personal data, and an old QR carries the full Aadhaar number.
"""
from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    INTERNAL = 1             # a bug in Pehchaan, not a user mistake
    USAGE = 2                # wrong command-line options (Typer's own code)
    BAD_SHARE_CODE = 10
    SIGNATURE_INVALID = 11   # signed by a trusted key, but the content was altered
    CERT_UNTRUSTED = 12      # not signed by any configured UIDAI certificate
    CERT_EXPIRED = 13        # the matching certificate was not valid when the document was made
    MALFORMED = 14           # truncated, not numeric, not a ZIP/XML/QR of the expected form
    MOBILE_MISMATCH = 15
    EMAIL_MISMATCH = 16
    PROFILE_MISMATCH = 17
    TOO_LARGE = 18           # zip bomb, oversized upload or decompression past the cap
    NO_CERTIFICATE = 19      # no UIDAI certificate configured or readable
    AADHAAR_INVALID = 20     # `aadhaar check`: not a valid number
    AADHAAR_MASKED = 21      # `aadhaar check`: only the last 4 digits given, cannot be checked
    UNSIGNED_LEGACY_QR = 22  # pre-2018 QR: unsigned XML, nothing to verify
    NO_QR_FOUND = 23         # no QR code could be read from the image
    VAULT_KEY_MISSING = 24   # a vault row is under a key id the keyring does not hold
    PERMISSION_DENIED = 25   # vault decryption without the decrypt permission


# Hindi next to English: the block manager reads these.
_HI = {
    ExitCode.INTERNAL: "आंतरिक त्रुटि (Pehchaan में गड़बड़ी); कृपया तकनीकी टीम को बताएं",
    ExitCode.BAD_SHARE_CODE: "शेयर कोड गलत है (या फ़ाइल खराब है); सदस्य से सही शेयर कोड पूछें",
    ExitCode.SIGNATURE_INVALID: "हस्ताक्षर अमान्य है: फ़ाइल में बदलाव किया गया है",
    ExitCode.CERT_UNTRUSTED: "यह फ़ाइल किसी मान्य UIDAI प्रमाणपत्र से हस्ताक्षरित नहीं है",
    ExitCode.CERT_EXPIRED: "दस्तावेज़ बनने के समय UIDAI प्रमाणपत्र मान्य नहीं था",
    ExitCode.MALFORMED: "फ़ाइल या QR अधूरा है या सही प्रारूप में नहीं है",
    ExitCode.MOBILE_MISMATCH: "मोबाइल नंबर आधार में दर्ज नंबर से मेल नहीं खाता",
    ExitCode.EMAIL_MISMATCH: "ईमेल आधार में दर्ज ईमेल से मेल नहीं खाता",
    ExitCode.PROFILE_MISMATCH: "आधार का विवरण सदस्य की प्रोफ़ाइल से मेल नहीं खाता",
    ExitCode.TOO_LARGE: "फ़ाइल बहुत बड़ी है (संभवतः ज़िप बम); खोली नहीं गई",
    ExitCode.NO_CERTIFICATE: "कोई UIDAI प्रमाणपत्र कॉन्फ़िगर नहीं है",
    ExitCode.AADHAAR_INVALID: "आधार संख्या मान्य नहीं है",
    ExitCode.AADHAAR_MASKED: "केवल अंतिम 4 अंक दिए गए हैं; पूरी संख्या की जाँच नहीं हो सकती",
    ExitCode.UNSIGNED_LEGACY_QR: "पुराना (2018 से पहले का) QR बिना हस्ताक्षर का है; इसकी पुष्टि नहीं हो सकती",
    ExitCode.NO_QR_FOUND: "चित्र में कोई QR कोड नहीं मिला",
    ExitCode.VAULT_KEY_MISSING: "वॉल्ट की पुरानी कुंजी उपलब्ध नहीं है",
    ExitCode.PERMISSION_DENIED: "आधार देखने की अनुमति नहीं है",
}


def hindi(code: ExitCode) -> str:
    return _HI.get(code, "")


class EkycError(Exception):
    """A user-facing failure. ``str()`` is the English message; no input is ever quoted."""

    def __init__(self, code: ExitCode, message: str, *, hi: str | None = None):
        super().__init__(message)
        self.code = ExitCode(code)
        self.message = message
        self.hi = hi or hindi(self.code)

    @property
    def kind(self) -> str:
        return self.code.name.lower()

    def __repr__(self) -> str:
        return f"EkycError({self.code.name}, {self.message!r})"
