"""Working days: Monday to Friday less the bank holidays of England and Wales, the one place desist counts
them (the enforcement clock, victims' notice deadlines).

The bank holidays come from the `holidays` package's United Kingdom calendar for England
(``holidays.UK(subdiv="ENG")``): England and Wales share their bank holidays (Banking and Financial Dealings
Act 1971, Schedule 1, and the royal proclamations each year, such as a coronation or a funeral, which the
package carries). Scotland and Northern Ireland have others, which desist does not use. Plain Python.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

import holidays

#: A Saturday is weekday 5, a Sunday 6.
FIRST_WEEKEND_DAY = 5


@lru_cache(maxsize=256)
def _bank_holidays_of(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def bank_holidays(years: Iterable[int]) -> frozenset[date]:
    """The bank holidays of England and Wales in the given years (substitute days included)."""
    out: frozenset[date] = frozenset()
    for year in years:
        out |= _bank_holidays_of(year)
    return out


def is_bank_holiday(day: date) -> bool:
    return day in _bank_holidays_of(day.year)


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a bank holiday of England and Wales."""
    return day.weekday() < FIRST_WEEKEND_DAY and not is_bank_holiday(day)


def working_day_before(day: date, *, after: bool = False) -> date:
    """`day` if it is a working day, else the working day before it (or, with `after`, the one after): the
    day a release due on a weekend or bank holiday takes place (the one after for HDC, never before its
    eligibility)."""
    step = timedelta(days=1 if after else -1)
    while not is_working_day(day):
        day += step
    return day


def add_working_days(day: date, working_days: int) -> date:
    """The date `working_days` working days after `day` (`day` itself not counted; negative counts back).
    Zero gives `day`, whatever it is."""
    step = timedelta(days=1 if working_days >= 0 else -1)
    left = abs(working_days)
    out = day
    while left > 0:
        out += step
        if is_working_day(out):
            left -= 1
    return out


def working_days_before(day: date, working_days: int) -> date:
    """The date `working_days` working days before `day`."""
    return add_working_days(day, -working_days)


def working_days_between(start: date, end: date) -> int:
    """How many working days after `start` up to and including `end` (negative when `end` is before
    `start`): add_working_days(start, n) for the result n is `end`, or the working day before it."""
    if end < start:
        return -working_days_between(end, start)
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
