"""The basket of measures, one module each, in the order the board pack shows them."""

from __future__ import annotations

from ..measure import Measure
from . import (
    accommodation_release,
    accommodation_start,
    accommodation_termination,
    breaches_per_100,
    ete_termination,
    iom_harm,
    iom_offending,
    order_completion,
    programme_completion,
    proven_reoffending,
    requirement_completion,
    treatment_engagement,
    warnings_per_100,
)

BASKET: tuple[Measure, ...] = (
    proven_reoffending.MEASURE,
    accommodation_start.MEASURE,
    accommodation_release.MEASURE,
    accommodation_termination.MEASURE,
    ete_termination.MEASURE,
    order_completion.MEASURE,
    requirement_completion.MEASURE,
    programme_completion.MEASURE,
    warnings_per_100.MEASURE,
    breaches_per_100.MEASURE,
    treatment_engagement.MEASURE,
    iom_offending.MEASURE,
    iom_harm.MEASURE,
)
BY_CODE: dict[str, Measure] = {measure.code: measure for measure in BASKET}

__all__ = ["BASKET", "BY_CODE"]
