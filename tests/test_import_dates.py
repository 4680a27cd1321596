"""Dates as MIS writes them, and year of birth from a date or an age."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dedup.dates import excel_serial, parse_date
from dedup.importer import read_members_frame

TODAY = dt.date(2024, 6, 30)


@pytest.mark.parametrize("text", [
    "1985-03-05", "1985/03/05", "1985-3-5", "1985-03-05 00:00:00", "1985-03-05T00:00:00",
    "05/03/1985", "5/3/1985", "05-03-1985", "05.03.1985", " 05/03/1985 ",
    "05-Mar-1985", "5 March 1985", "05-mar-1985", "5-MAR-1985",
    str(excel_serial(dt.date(1985, 3, 5))), f"{excel_serial(dt.date(1985, 3, 5))}.0",
])
def test_every_form_of_one_date(text):
    assert parse_date(text, TODAY) == (dt.date(1985, 3, 5), None)


def test_day_first_is_never_swapped():
    assert parse_date("03/04/1985", TODAY)[0] == dt.date(1985, 4, 3)


def test_excel_serials_known_values():
    assert parse_date("1", TODAY)[0] is None           # too small to be a birth date
    assert parse_date("36526", TODAY)[0] == dt.date(2000, 1, 1)
    assert parse_date("45000", TODAY)[0] == dt.date(2023, 3, 15)


@pytest.mark.parametrize("text, reason_part", [
    ("15/13/1985", "month 13 does not exist"),
    ("1985-13-01", "month 13 does not exist"),
    ("03/15/1985", "month 15 does not exist (dates are read day first"),
    ("31/02/1990", "February 1990 has 28 days, not 31"),
    ("29/02/1991", "February 1991 has 28 days, not 29"),
    ("31/04/1990", "April 1990 has 30 days"),
    ("00/01/1990", "has 31 days, not 0"),
    ("01/07/2024", "future"),
    ("05/03/85", "only 2 digits"),
    ("05-Mar-85", "only 2 digits"),
    ("05-Foo-1985", "not a month name"),
    ("01/01/1850", "before 1900"),
    ("35", "not a date"),
    ("yesterday", "not a date in a form we read"),
    ("1985", "only a year was given"),
])
def test_impossible_dates_have_reasons(text, reason_part):
    value, reason = parse_date(text, TODAY)
    assert value is None
    assert reason_part in reason


def test_leap_day_is_fine():
    assert parse_date("29/02/1992", TODAY) == (dt.date(1992, 2, 29), None)


@pytest.mark.parametrize("text", ["", "  ", None, "NA", "null", "-"])
def test_empty_dates_are_not_problems(text):
    assert parse_date(text, TODAY) == (None, None)


def frame(**cols):
    n = len(next(iter(cols.values())))
    base = {"member_id": [f"M{i}" for i in range(n)], "member_name": ["Rekha"] * n}
    return pd.DataFrame({**base, **cols})


def test_yob_from_dob_else_from_age_with_as_of_year():
    df = frame(dob=["15/03/1985", "", "31/02/1990", ""], age=["", "40", "30", ""])
    clean, rejects, issues = read_members_frame(df, as_of_year=2015)
    assert rejects.empty
    assert clean["dob"].tolist() == ["1985-03-15", None, None, None]
    assert clean["yob"].tolist()[:3] == [1985, 1975, 1985]   # 2015-40, then 2015-30 as the dob is impossible
    assert pd.isna(clean["yob"].iloc[3])
    assert issues[["row", "column", "value"]].values.tolist() == [[4, "dob", "31/02/1990"]]


def test_as_of_year_defaults_to_this_year():
    clean, _, _ = read_members_frame(frame(age=["30"]))
    assert clean["yob"].tolist() == [dt.date.today().year - 30]


@pytest.mark.parametrize("age, reason_part", [
    ("130", "age 130 is outside 10 to 110"), ("5", "outside 10 to 110"),
    ("abc", "age is not a number"), ("35.5", "whole years"), ("-3", "not a number"),
])
def test_bad_ages_are_field_issues(age, reason_part):
    clean, rejects, issues = read_members_frame(frame(age=[age]), as_of_year=2024)
    assert rejects.empty and len(clean) == 1
    assert pd.isna(clean["age"].iloc[0]) and pd.isna(clean["yob"].iloc[0])
    assert issues["field"].tolist() == ["age"] and reason_part in issues["reason"].iloc[0]


@pytest.mark.parametrize("age, expected", [("35", 35), ("35.0", 35), ("35 years", 35), ("35 Yrs", 35)])
def test_ages_as_written(age, expected):
    clean, _, issues = read_members_frame(frame(age=[age]), as_of_year=2024)
    assert clean["age"].tolist() == [expected] and issues.empty


def test_dob_giving_an_impossible_age_is_a_field_issue():
    clean, _, issues = read_members_frame(frame(dob=["01/01/2020", "01/01/1900"]), as_of_year=2024)
    assert clean["dob"].isna().all()
    assert "makes the member 4 years old in 2024" in issues["reason"].iloc[0]
    assert "124 years old" in issues["reason"].iloc[1]
