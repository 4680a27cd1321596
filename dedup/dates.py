"""Dates as MIS exports write them, read without guessing.

India writes day first, so ``03/04/1985`` is 3 April 1985, never 4 March; a
"month" above 12 is reported, not silently swapped. Accepted forms:

* ``1985-04-03`` (ISO, also ``1985/04/03`` and with a ``00:00:00`` time part)
* ``03/04/1985``, ``03-04-1985``, ``03.04.1985`` (day, month, 4-digit year)
* ``03-Apr-1985``, ``3 April 1985`` (how Excel shows a date column in CSV)
* Excel serial day numbers (``31140`` = 1985-04-03), also ``31140.0``; an
  Excel cell holding a real date arrives here as ISO text from the reader.

``pandas.to_datetime`` is not used per value because it accepts month-first
and two-digit years silently and its errors do not say *why* a date is wrong,
which is what a data officer needs to fix the sheet. Callers apply
:func:`parse_date` once per distinct value (dates repeat a lot), so speed is
not a concern.
"""
from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME + "$")
_DMY = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})" + _TIME + "$")
_DMY2 = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{2})$")
_DMONY = re.compile(r"^(\d{1,2})[-/. ]+([A-Za-z]{3,9})[-/., ]+(\d{2}|\d{4})$")
_SERIAL = re.compile(r"^(\d{1,7})(?:\.(\d+))?$")

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_name) if name})
_MONTHS["sept"] = 9

EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01 for serials after Excel's fake 1900-02-29
MIN_YEAR = 1900
MIN_SERIAL = 367  # below this is 1900 itself: far more likely an age or a stray number


def _build(y: int, m: int, d: int, today: date) -> tuple[date | None, str | None]:
    if not 1 <= m <= 12:
        return None, f"month {m} does not exist (dates are read day first: DD/MM/YYYY)"
    if y < MIN_YEAR:
        return None, f"year {y} is before {MIN_YEAR}"
    last = calendar.monthrange(y, m)[1]
    if not 1 <= d <= last:
        return None, f"{calendar.month_name[m]} {y} has {last} days, not {d}"
    value = date(y, m, d)
    if value > today:
        return None, "date is in the future"
    return value, None


def parse_date(value: object, today: date | None = None) -> tuple[date | None, str | None]:
    """(date, None) or (None, reason). Empty input gives (None, None)."""
    today = today or date.today()
    text = "" if value is None else str(value).strip()
    if not text or text.lower() in {"nan", "nat", "none", "null", "na", "n/a", "-", "--"}:
        return None, None
    m = _ISO.match(text)
    if m:
        return _build(int(m[1]), int(m[2]), int(m[3]), today)
    m = _DMY.match(text)
    if m:
        return _build(int(m[4]), int(m[3]), int(m[1]), today)
    m = _DMONY.match(text)
    if m:
        month = _MONTHS.get(m[2].lower())
        if month is None:
            return None, f"'{m[2]}' is not a month name"
        if len(m[3]) == 2:
            return None, "year has only 2 digits; write the full year (e.g. 1985)"
        return _build(int(m[3]), month, int(m[1]), today)
    if _DMY2.match(text):
        return None, "year has only 2 digits; write the full year (e.g. 1985)"
    m = _SERIAL.match(text)
    if m:
        serial = int(m[1])
        if m[2] is None and len(m[1]) == 4 and MIN_YEAR <= serial <= today.year:
            return None, "only a year was given: write the full date DD/MM/YYYY (or the age in the age column)"
        if serial < MIN_SERIAL:
            return None, "this is a small number, not a date (an age in the date column?)"
        if serial > 2958465:  # 9999-12-31, Excel's last day
            return None, "not a date: use DD/MM/YYYY"
        return _build(*_ymd(EXCEL_EPOCH + timedelta(days=serial)), today)
    return None, "not a date in a form we read: use DD/MM/YYYY (e.g. 15/03/1985)"


def _ymd(d: date) -> tuple[int, int, int]:
    return d.year, d.month, d.day


def excel_serial(d: date) -> int:
    """The Excel serial day number of a date (for tests and round trips)."""
    return (d - EXCEL_EPOCH).days
