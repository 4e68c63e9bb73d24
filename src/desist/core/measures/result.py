"""The typed result of the proven-reoffending measures, built from whole-number counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Counts:
    """The additive counts the SQL returns for one group of cohort members."""

    cohort_size: int = 0
    reoffenders: int = 0
    reoffences: int = 0
    days_to_first_reoffence: int = 0  # summed over reoffenders

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.cohort_size + other.cohort_size,
            self.reoffenders + other.reoffenders,
            self.reoffences + other.reoffences,
            self.days_to_first_reoffence + other.days_to_first_reoffence,
        )


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


@dataclass(frozen=True)
class Measures:
    """The headline proven-reoffending measures for a group (rates None when their denominator is 0)."""

    cohort_size: int
    reoffenders: int
    binary_rate: float | None
    reoffences: int
    reoffences_per_reoffender: float | None
    reoffences_per_offender: float | None
    average_days_to_first_reoffence: float | None

    @classmethod
    def from_counts(cls, counts: Counts) -> Measures:
        """The measures worked out from the counts."""
        return cls(
            cohort_size=counts.cohort_size,
            reoffenders=counts.reoffenders,
            binary_rate=_ratio(counts.reoffenders, counts.cohort_size),
            reoffences=counts.reoffences,
            reoffences_per_reoffender=_ratio(counts.reoffences, counts.reoffenders),
            reoffences_per_offender=_ratio(counts.reoffences, counts.cohort_size),
            average_days_to_first_reoffence=_ratio(counts.days_to_first_reoffence, counts.reoffenders),
        )

    def to_dict(self) -> dict[str, Any]:
        """The measures as JSON-ready data."""
        return {
            "cohort_size": self.cohort_size,
            "reoffenders": self.reoffenders,
            "binary_rate": self.binary_rate,
            "reoffences": self.reoffences,
            "reoffences_per_reoffender": self.reoffences_per_reoffender,
            "reoffences_per_offender": self.reoffences_per_offender,
            "average_days_to_first_reoffence": self.average_days_to_first_reoffence,
        }


@dataclass(frozen=True)
class BreakdownRow:
    """One value of a breakdown (a sex, an age band...), for everyone and for adults and juveniles apart."""

    value: str
    measures: Measures
    adult: Measures
    juvenile: Measures

    def to_dict(self) -> dict[str, Any]:
        """The row as JSON-ready data: the value, its measures, then ``adult`` and ``juvenile``."""
        return {
            "value": self.value,
            **self.measures.to_dict(),
            "adult": self.adult.to_dict(),
            "juvenile": self.juvenile.to_dict(),
        }


@dataclass(frozen=True)
class ProvenReoffendingResult:
    """Proven-reoffending measures for one cohort period (docs/measures.md)."""

    period_start: date
    period_end: date
    as_of: date
    provisional: bool
    waiting_period_ends: date  # the last day a reoffence by this cohort can be proven
    headline: Measures
    adult: Measures
    juvenile: Measures
    breakdowns: dict[str, tuple[BreakdownRow, ...]] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    engine: str = "duckdb"

    def to_dict(self) -> dict[str, Any]:
        """The result as the JSON ``desist measures proven-reoffending --format json`` prints."""
        data: dict[str, Any] = {
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "as_of": self.as_of.isoformat(),
            **self.headline.to_dict(),
            "provisional": self.provisional,
            "waiting_period_ends": self.waiting_period_ends.isoformat(),
            "adult": self.adult.to_dict(),
            "juvenile": self.juvenile.to_dict(),
            "settings": self.settings,
        }
        if self.breakdowns:
            data["breakdowns"] = {
                name: [row.to_dict() for row in rows] for name, rows in self.breakdowns.items()
            }
        return data
