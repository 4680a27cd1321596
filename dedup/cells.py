"""What an MIS export cell says once the export's noise is taken off.

Excel writes numbers as floats ("9876543210.0"), and MIS exports spell "nothing"
as nan / None / NULL / NA / "-". Every identifier parser needs the same reading,
so it lives here once.
"""
from __future__ import annotations

MISSING_WORDS = frozenset({"nan", "none", "null", "na", "n/a", "-"})


def clean_cell(value: object) -> str:
    """The cell's text, stripped; "" when it means nothing."""
    if value is None:
        return ""
    text = str(value).strip()
    if text.endswith(".0") and text[:-2].isdigit():  # Excel turned a number into a float
        text = text[:-2]
    return "" if text.lower() in MISSING_WORDS else text
