"""Dates as people write them: Solar Hijri or Gregorian, to the day, month or year.

A reported date is kept as an ISO Gregorian day plus its precision (DESIGN.md). A Solar Hijri
month or year is stored as the Gregorian date of its first day, with precision ``month`` or
``year`` and calendar ``jalali``, so it can be shown again exactly as reported.

Calendar arithmetic is jdatetime's; a year below 1700 is read as Solar Hijri (today ~1405),
one from 1800 on as Gregorian. Only year-first forms are accepted (``1401/06/30``,
``2022-09-21``, ``1401-6``, ``2022``): day-first strings are ambiguous between lists.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Literal

import jdatetime

from roshan.errors import BadDate
from roshan.linkage.digits import to_ascii_digits

Precision = Literal["day", "month", "year"]
CalendarName = Literal["gregorian", "jalali"]

_SHAPE = re.compile(r"^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?(?:[T ].*)?$")


@dataclass(frozen=True)
class ReportedDate:
    """A date with the precision and calendar it was reported in."""

    date: dt.date
    precision: Precision
    calendar: CalendarName

    def jalali(self) -> str:
        """The Solar Hijri form at the reported precision, ``1401/06/30``."""
        j = jdatetime.date.fromgregorian(date=self.date)
        if self.precision == "year":
            return f"{j.year:04d}"
        if self.precision == "month":
            return f"{j.year:04d}/{j.month:02d}"
        return f"{j.year:04d}/{j.month:02d}/{j.day:02d}"


@functools.lru_cache(maxsize=65536)
def parse_date(text: str) -> ReportedDate:
    """Read a reported date; raise BadDate naming what is wrong with it.

    Cached: a list of thousands of deaths names only a few hundred distinct days.
    """
    raw = to_ascii_digits(text).strip()
    m = _SHAPE.match(raw)
    if not m:
        raise BadDate(f"not a date (expected year first, e.g. 1401/06/30 or 2022-09-21): {text!r}")
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    precision: Precision = "day" if day is not None else "month" if month is not None else "year"
    if month is not None and not 1 <= month <= 12:
        raise BadDate(f"month {month} does not exist: {text!r}")
    if 1200 <= year < 1700:
        try:
            g = jdatetime.date(year, month or 1, day or 1).togregorian()
        except ValueError:
            raise BadDate(f"no such Solar Hijri date: {text!r}") from None
        return ReportedDate(g, precision, "jalali")
    if 1800 <= year <= 2200:
        try:
            return ReportedDate(dt.date(year, month or 1, day or 1), precision, "gregorian")
        except ValueError:
            raise BadDate(f"no such Gregorian date: {text!r}") from None
    raise BadDate(f"year {year} is neither a Solar Hijri nor a Gregorian year of this era: {text!r}")


def both_calendars(date: dt.date | None, precision: str, calendar: str = "gregorian") -> str:
    """``1401/06/30 (2022-09-21)``: how the workbench and pages show a stored date."""
    if date is None:
        return ""
    rd = ReportedDate(date, precision or "day", calendar or "gregorian")  # type: ignore[arg-type]
    greg = date.isoformat()[: {"day": 10, "month": 7, "year": 4}[rd.precision]]
    if rd.calendar == "jalali" and rd.precision != "day":
        greg = f"≈{greg}"
    return f"{rd.jalali()} ({greg})"
