"""Dates as reported: Solar Hijri and Gregorian, with precision (roshan.linkage.dates)."""

from __future__ import annotations

import datetime as dt

import jdatetime
import pytest
from hypothesis import given
from hypothesis import strategies as st

from roshan.errors import BadDate
from roshan.linkage.dates import both_calendars, parse_date
from roshan.linkage.digits import parse_int, to_ascii_digits, to_persian_digits


@pytest.mark.parametrize(
    ("text", "date", "precision", "calendar"),
    [
        ("1401/06/30", dt.date(2022, 9, 21), "day", "jalali"),  # Mahsa Amini protests began around then
        ("۱۴۰۱/۰۶/۳۰", dt.date(2022, 9, 21), "day", "jalali"),
        ("١٤٠١-٠٦-٣٠", dt.date(2022, 9, 21), "day", "jalali"),
        ("1404/10/18", dt.date(2026, 1, 8), "day", "jalali"),
        ("1401/07", dt.date(2022, 9, 23), "month", "jalali"),  # 1 Mehr 1401
        ("1401", dt.date(2022, 3, 21), "year", "jalali"),  # Nowruz
        ("2022-09-21", dt.date(2022, 9, 21), "day", "gregorian"),
        ("2022-09", dt.date(2022, 9, 1), "month", "gregorian"),
        ("2022", dt.date(2022, 1, 1), "year", "gregorian"),
        (" 2026/1/8 ", dt.date(2026, 1, 8), "day", "gregorian"),
        ("2026-01-08T10:00:00Z", dt.date(2026, 1, 8), "day", "gregorian"),
    ],
)
def test_parse_date(text: str, date: dt.date, precision: str, calendar: str) -> None:
    rd = parse_date(text)
    assert (rd.date, rd.precision, rd.calendar) == (date, precision, calendar)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("1404/12/30", "Solar Hijri"),  # 1404 is a common year: Esfand has 29 days
        ("1401/13/01", "month 13"),
        ("2022-02-30", "Gregorian"),
        ("21/09/2022", "year first"),
        ("yesterday", "year first"),
        ("0999-01-01", "neither"),
    ],
)
def test_impossible_dates_are_named(text: str, why: str) -> None:
    with pytest.raises(BadDate, match=why):
        parse_date(text)


def test_leap_esfand_accepted() -> None:
    leap = next(y for y in range(1395, 1410) if jdatetime.date(y, 1, 1).isleap())
    assert parse_date(f"{leap}/12/30").date == jdatetime.date(leap, 12, 30).togregorian()


@given(st.dates(min_value=dt.date(1925, 3, 21), max_value=dt.date(2100, 12, 31)), st.booleans())
def test_jalali_round_trip(d: dt.date, persian: bool) -> None:
    text = jdatetime.date.fromgregorian(date=d).strftime("%Y/%m/%d")
    rd = parse_date(to_persian_digits(text) if persian else text)
    assert rd.date == d
    assert rd.jalali() == text


@given(st.integers(min_value=0, max_value=10**9))
def test_digits_round_trip(n: int) -> None:
    assert parse_int(to_persian_digits(str(n))) == n
    assert to_ascii_digits(to_persian_digits(str(n))) == str(n)


@pytest.mark.parametrize("bad", ["", "۲۳ سال", "-3", "2.5", "twenty"])
def test_parse_int_refuses(bad: str) -> None:
    with pytest.raises(ValueError, match="whole number"):
        parse_int(bad)


def test_both_calendars_shows_precision() -> None:
    assert both_calendars(dt.date(2022, 9, 21), "day") == "1401/06/30 (2022-09-21)"
    assert both_calendars(dt.date(2022, 9, 23), "month", "jalali") == "1401/07 (≈2022-09)"
    assert both_calendars(None, "") == ""
