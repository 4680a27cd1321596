"""What an MIS export cell says once the export's noise is taken off.

Excel writes numbers as floats ("9876543210.0"), and MIS exports spell "nothing"
as nan / None / NULL / NA / "-". Every identifier parser needs the same reading,
so it lives here once.
"""
from __future__ import annotations

import re
import unicodedata

MISSING_WORDS = frozenset({"nan", "none", "null", "na", "n/a", "-"})


def clean_cell(value: object) -> str:
    """The cell's text, stripped; "" when it means nothing."""
    if value is None:
        return ""
    text = str(value).strip()
    if text.endswith(".0") and text[:-2].isdigit():  # Excel turned a number into a float
        text = text[:-2]
    return "" if text.lower() in MISSING_WORDS else text


def number_cell(value: object) -> str:
    """clean_cell for a number (Aadhaar, account, mobile): digits of any script read as ASCII
    ("९८७६५४३२१०" is 9876543210: bookkeepers on Hindi keyboards type numbers so, and a
    number must make the same token however it is written), and Excel's text marker (a
    leading apostrophe, "'587137056206") dropped. Not for IDs, which are kept as written."""
    text = clean_cell(value)
    if text.startswith("'"):
        text = text[1:].strip()
    if not text.isascii():
        text = "".join(str(d) if (d := unicodedata.decimal(c, None)) is not None else c for c in text)
    return clean_cell(text)  # again: "'9876543210.0", or Devanagari digits with Excel's ".0"


# A run of 9+ digits (any script's digits) is an Aadhaar, VID or account number until shown
# otherwise, however it is written: "2345 6789 0123", "2345-6789-0123", "2345.6789.0123",
# "2345/6789/0123", double or no-break spaces, Devanagari digits. 9, because accounts
# start at 9 digits; dates (8 digits) and ages stay readable.
SEPARATORS = "[ \\-./\u00a0\u2007\u202f]{0,2}"
LONG_DIGITS = re.compile(rf"(?<!\d)\d(?:{SEPARATORS}\d){{8,}}(?!\d)")
# the same for Arrow's RE2 (whose \d is ASCII only), to find the few cells worth a look
SEPARATORS_ARROW = r"[ \-./\x{a0}\x{2007}\x{202f}]{0,2}"
LONG_DIGITS_ARROW = rf"\p{{Nd}}(?:{SEPARATORS_ARROW}\p{{Nd}}){{8,}}"


def _mask_run(m: re.Match) -> str:
    digits = re.sub(r"\D", "", m.group(0))
    return "XXXXXXXX" + digits[-4:]


def scrub(text: str) -> str:
    """Text safe to print or write: every long number becomes XXXXXXXX1234 (last 4 only)."""
    return LONG_DIGITS.sub(_mask_run, text)
