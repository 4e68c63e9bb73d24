"""The basket's settings, with their documented defaults (docs/measures.md, "The basket of measures")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from desist.core.measures import ProvenReoffendingSettings

AgeBands = tuple[tuple[str, int, int | None], ...]

DEFAULT_AGE_BANDS: AgeBands = (
    ("10 to 17", 10, 17),
    ("18 to 24", 18, 24),
    ("25 to 34", 25, 34),
    ("35 to 49", 35, 49),
    ("50 and over", 50, None),
)


@dataclass(frozen=True)
class BasketSettings:
    """How the basket is worked out and shown.

    - ``suppress_below``: counts from 1 to this − 1 are hidden outside the analyst role (5: counts under 5).
    - ``reference_groups``: the reference value of each breakdown for the relative rate index (``sex``,
      ``ethnicity``, ``age_band``); a breakdown not named uses its largest group.
    - ``treatment_window_days``: treatment counts as engaged when current at the start of supervision or begun
      within this many days of it.
    - ``need_lookback_days``, ``need_lookahead_days``: an assessment of drug or alcohol need counts when it
      was made this long before, or after, the start of supervision.
    - ``iom_window_months``: the months before and after adoption compared for the IOM cohort.
    - ``validation_threshold``: on the predictor validation page, a predicted chance (0–1) at or above it
      counts as "higher risk" for the false positive and false negative rates (0.5: more likely than not;
      docs/fairness.md).
    """

    suppress_below: int = 5
    reference_groups: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    treatment_window_days: int = 21
    need_lookback_days: int = 365
    need_lookahead_days: int = 91
    iom_window_months: int = 12
    age_bands: AgeBands = DEFAULT_AGE_BANDS
    proven: ProvenReoffendingSettings = field(default_factory=ProvenReoffendingSettings)
    validation_threshold: float = 0.5

    def __post_init__(self) -> None:
        if self.suppress_below < 0:
            raise ValueError("suppress_below cannot be negative")
        if not 0.0 <= self.validation_threshold <= 1.0:
            raise ValueError("validation_threshold is a predicted chance from 0 to 1")
        for name in (
            "treatment_window_days",
            "need_lookback_days",
            "need_lookahead_days",
            "iom_window_months",
        ):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} cannot be negative")

    def to_dict(self) -> dict[str, Any]:
        """The settings as JSON-ready data, kept with a snapshot."""
        return {
            "suppress_below": self.suppress_below,
            "reference_groups": dict(self.reference_groups),
            "treatment_window_days": self.treatment_window_days,
            "need_lookback_days": self.need_lookback_days,
            "need_lookahead_days": self.need_lookahead_days,
            "iom_window_months": self.iom_window_months,
            "age_bands": [list(band) for band in self.age_bands],
            "proven_reoffending": self.proven.to_dict(),
            "validation_threshold": self.validation_threshold,
        }
