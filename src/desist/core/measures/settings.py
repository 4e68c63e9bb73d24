"""Settings of the proven-reoffending measures (RULES.md §4), and calendar-month arithmetic.

Where the published rules leave a choice open (which eligible event is the index event, the bands of
the breakdowns) the choice is a setting here, with the default documented in docs/measures.md.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from ..reference import load_offence_codes

IndexEventChoice = Literal["earliest", "latest"]
INDEX_EVENT_CHOICES: tuple[IndexEventChoice, ...] = ("earliest", "latest")

# (label, lowest age, highest age or None for open-ended): the MoJ statistics' age groups.
DEFAULT_AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("10-14", 10, 14),
    ("15-17", 15, 17),
    ("18-20", 18, 20),
    ("21-24", 21, 24),
    ("25-29", 25, 29),
    ("30-34", 30, 34),
    ("35-39", 35, 39),
    ("40-44", 40, 44),
    ("45-49", 45, 49),
    ("50+", 50, None),
)
# (label, fewest, most or None): RULES.md §4 quotes these bands of previous offences.
DEFAULT_PREVIOUS_OFFENCE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0", 0, 0),
    ("1-2", 1, 2),
    ("3-6", 3, 6),
    ("7-10", 7, 10),
    ("11+", 11, None),
)
UNMAPPED_OFFENCE_GROUP = "Not in the offence code list"
NOT_RECORDED = "not recorded"


def default_offence_groups() -> dict[str, str]:
    """Home Office offence code → OGRS3 offence category, from the reference offence code list."""
    return {row.ho_code: row.ogrs3_category for row in load_offence_codes()}


def add_months(day: date, months: int) -> date:
    """``day`` plus whole calendar months, keeping the day of the month where it exists and otherwise
    taking the last day of the shorter month (31 Jan + 1 month = 28 or 29 Feb; 29 Feb + 12 = 28 Feb)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def age_on(date_of_birth: date, day: date) -> int:
    """Whole years from ``date_of_birth`` to ``day`` (a 29 February birthday falls on 1 March)."""
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - (1 if before_birthday else 0)


def _check_bands(name: str, bands: tuple[tuple[str, int, int | None], ...], first: int) -> None:
    expected = first
    for position, (label, low, high) in enumerate(bands):
        if low != expected:
            raise ValueError(f"{name}: band {label!r} starts at {low}; it must start at {expected}")
        if high is None:
            if position != len(bands) - 1:
                raise ValueError(f"{name}: only the last band may be open-ended ({label!r} is not last)")
            return
        if high < low:
            raise ValueError(f"{name}: band {label!r} ends before it starts")
        expected = high + 1
    raise ValueError(f"{name}: the last band must be open-ended (its highest value None)")


@dataclass(frozen=True)
class ProvenReoffendingSettings:
    """The documented choices behind the proven-reoffending measures (docs/measures.md, "Settings")."""

    index_event: IndexEventChoice = "earliest"
    follow_up_months: int = 12
    waiting_months: int = 6
    adult_age: int = 18
    minimum_age: int = 10
    age_bands: tuple[tuple[str, int, int | None], ...] = DEFAULT_AGE_BANDS
    previous_offence_bands: tuple[tuple[str, int, int | None], ...] = DEFAULT_PREVIOUS_OFFENCE_BANDS
    # None: the OGRS3 category of the code in desist.core.reference (loaded when first needed).
    offence_groups: Mapping[str, str] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.index_event not in INDEX_EVENT_CHOICES:
            raise ValueError(
                f"index_event must be one of {', '.join(INDEX_EVENT_CHOICES)}, not {self.index_event!r}"
            )
        if self.follow_up_months < 1 or self.waiting_months < 0:
            raise ValueError("follow_up_months must be at least 1 and waiting_months not negative")
        if not 0 < self.minimum_age < self.adult_age:
            raise ValueError("minimum_age must be positive and below adult_age")
        _check_bands("age_bands", self.age_bands, self.minimum_age)
        _check_bands("previous_offence_bands", self.previous_offence_bands, 0)

    @property
    def proven_within_months(self) -> int:
        """Months after the index date by which a reoffence must be proven (follow-up plus waiting)."""
        return self.follow_up_months + self.waiting_months

    def offence_group_map(self) -> Mapping[str, str]:
        """The offence code → group mapping in use."""
        return self.offence_groups if self.offence_groups is not None else default_offence_groups()

    def to_dict(self) -> dict[str, object]:
        """The settings as plain data (the offence-group mapping by name only)."""
        return {
            "index_event": self.index_event,
            "follow_up_months": self.follow_up_months,
            "waiting_months": self.waiting_months,
            "adult_age": self.adult_age,
            "minimum_age": self.minimum_age,
            "age_bands": [label for label, _, _ in self.age_bands],
            "previous_offence_bands": [label for label, _, _ in self.previous_offence_bands],
            "offence_groups": "OGRS3 category" if self.offence_groups is None else "custom",
        }
