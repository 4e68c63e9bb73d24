"""Calendar quarters, as the Ministry of Justice reports proven reoffending (January to March is Q1)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_CODE = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]\s*([1-4])\s*$")


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter: ``Quarter(2024, 1)`` is 1 January to 31 March 2024."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise ValueError(f"a quarter is numbered 1 to 4, not {self.number}")

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """``2024Q1``, ``2024-Q1`` or ``2024 q1``; a ValueError that says what is expected otherwise."""
        match = _CODE.match(text)
        if not match:
            raise ValueError(f"{text!r} is not a quarter: write the year and the quarter, like 2024Q1")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def containing(cls, day: date) -> Quarter:
        """The quarter a day falls in."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def code(self) -> str:
        """``2024Q1``: used in addresses, files and stored figures."""
        return f"{self.year}Q{self.number}"

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        return self.next().start - timedelta(days=1)

    @property
    def label(self) -> str:
        """``January to March 2024``."""
        return f"{MONTHS[3 * self.number - 3]} to {MONTHS[3 * self.number - 1]} {self.year}"

    @property
    def short_label(self) -> str:
        """``Jan–Mar 2024``, for chart axes."""
        return f"{MONTHS[3 * self.number - 3][:3]}–{MONTHS[3 * self.number - 1][:3]} {self.year}"

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def last(self, count: int) -> list[Quarter]:
        """This quarter and the ``count`` − 1 before it, oldest first."""
        quarters = [self]
        while len(quarters) < count:
            quarters.append(quarters[-1].previous())
        return quarters[::-1]

    def __str__(self) -> str:
        return self.label


def latest_complete_quarter(as_of: date) -> Quarter:
    """The last quarter that had ended by ``as_of``."""
    current = Quarter.containing(as_of)
    return current if as_of == current.end else current.previous()
