"""Indian mobile numbers as MIS exports write them."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedup.mobile import normalise_mobile


@pytest.mark.parametrize("raw", [
    "9876543210", " 9876543210 ", "+91 98765 43210", "+919876543210", "919876543210",
    "09876543210", "98765-43210", "(98765) 43210", "9876543210.0", 9876543210, 9876543210.0,
    "९८७६५४३२१०", "+९१ ९८७६५ ४३२१०", "৯৮৭৬৫৪৩২১০", "'9876543210",   # Devanagari, Bengali digits; Excel's '
])
def test_forms_of_one_number(raw):
    assert normalise_mobile(raw) == ("9876543210", None)


@pytest.mark.parametrize("raw", [None, "", "   ", "NA", "n/a", "null", "-", "nan"])
def test_empty_is_not_a_problem(raw):
    assert normalise_mobile(raw) == (None, None)


@pytest.mark.parametrize("raw, reason_part", [
    ("98765", "10 digits; this has 5"),
    ("98765432101234", "10 digits; this has 14"),
    ("5876543210", "start with 6, 7, 8 or 9"),
    ("0123456789", "start with 6, 7, 8 or 9"),
    ("98765abcde", "only digits"),
    ("9876543210 / 9123456780", "only digits"),
])
def test_problems_have_reasons(raw, reason_part):
    mobile, reason = normalise_mobile(raw)
    assert mobile is None
    assert reason_part in reason


@given(st.integers(6, 9), st.text("0123456789", min_size=9, max_size=9),
       st.sampled_from(["", "+91", "+91 ", "91", "0"]), st.sampled_from(["", " ", "-"]))
def test_property_prefix_and_spacing_never_change_the_number(first, rest, prefix, sep):
    number = f"{first}{rest}"
    written = prefix + number[:5] + sep + number[5:]
    assert normalise_mobile(written) == (number, None)
