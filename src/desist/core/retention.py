"""Retention: when a record reaches the end of its retention period. Plain Python.

A rule keeps a kind of record for a period (years and months) after a trigger date (the record's own date,
its end, the last contact); the record may go on the day the period ends. The schedule itself is data
(desist.retention.models.RetentionRule, docs/retention.md for the defaults and their sources).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Period:
    years: int = 0
    months: int = 0

    def __post_init__(self) -> None:
        if self.years < 0 or self.months < 0 or (self.years == 0 and self.months == 0):
            raise ValueError("A retention period is at least one month, never negative.")

    @property
    def total_months(self) -> int:
        return self.years * 12 + self.months


def add_months(day: date, months: int) -> date:
    """The corresponding date `months` calendar months on; the month's last day where it is shorter."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reached_on(trigger: date, period: Period) -> date:
    """The day a record whose trigger date is `trigger` reaches the end of its period."""
    return add_months(trigger, period.total_months)


def cutoff(today: date, period: Period) -> date:
    """The latest trigger date whose record has reached the end of its period by `today`: a record is due
    when its trigger is on or before this day (the set-based form of `reached_on(trigger) <= today`)."""
    months = period.total_months
    month0 = today.month - 1 - months
    year, month = today.year + month0 // 12, month0 % 12 + 1
    last = calendar.monthrange(year, month)[1]
    if today.day == calendar.monthrange(today.year, today.month)[1]:
        # The last day of a month: every trigger in the month `months` back has reached it (31 Jan + 1 month
        # is 28 Feb).
        return date(year, month, last)
    return date(year, month, min(today.day, last))


def is_due(trigger: date, period: Period, today: date) -> bool:
    return reached_on(trigger, period) <= today
