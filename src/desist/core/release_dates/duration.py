"""Sentence lengths as they are passed, and how many days they make (PSI 03/2015, 5.5).

A sentence of "17 months" is not a fixed number of days: it runs from the sentence date to the day before
the same date 17 months on, both days counted as served. Months and years move by calendar (a month from
31 January ends at the end of February); weeks and days are added afterwards. When the sentence date is the
first of a month, a sentence in months or years ends on the last day of a calendar month, as PSI 5.5 says.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months on, or the month's last day where it is shorter."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def add_years(day: date, years: int) -> date:
    """The same day ``years`` on (29 February becomes 28 February in a common year)."""
    return add_months(day, 12 * years)


@dataclass(frozen=True)
class Duration:
    """A length as the court passed it: years, months, weeks and days."""

    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0

    def __add__(self, other: Duration) -> Duration:
        return Duration(
            self.years + other.years,
            self.months + other.months,
            self.weeks + other.weeks,
            self.days + other.days,
        )

    @property
    def has_months_or_years(self) -> bool:
        return bool(self.years or self.months)

    def end_date(self, start: date) -> date:
        """The last day served of a sentence of this length starting on ``start`` (PSI 5.5)."""
        first_of_month = start.day == 1 and self.has_months_or_years
        # The sentence day is served, so the end is the day before the anniversary.
        end = start if first_of_month else start - timedelta(days=1)
        end = add_years(end, self.years)
        if first_of_month:
            end = add_months(end, self.months - 1)
            end = end.replace(day=calendar.monthrange(end.year, end.month)[1])
        else:
            end = add_months(end, self.months)
        return end + timedelta(weeks=self.weeks, days=self.days)

    def length_in_days(self, start: date) -> int:
        """Days from ``start`` to the end date, both counted."""
        return (self.end_date(start) - start).days + 1

    def __str__(self) -> str:
        parts = [(self.years, "year"), (self.months, "month"), (self.weeks, "week"), (self.days, "day")]
        return " ".join(f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in parts if n) or "0 days"
