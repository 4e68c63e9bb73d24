"""Measures over the partnership's offending: proven reoffending (RULES.md §4), on DuckDB or Spark SQL.

See docs/measures.md. ``proven_reoffending`` is the one entry point.
"""

from .events import (
    DISPOSALS,
    OPTIONAL_COLUMNS,
    OUTCOMES,
    REQUIRED_COLUMNS,
    EventProblem,
    EventsInvalid,
    LoadedEvents,
    load_events,
)
from .proven import ENGINES, Engine, proven_reoffending
from .result import BreakdownRow, Measures, ProvenReoffendingResult
from .settings import (
    INDEX_EVENT_CHOICES,
    ProvenReoffendingSettings,
    add_months,
    age_on,
)
from .sql import BREAKDOWNS

__all__ = [
    "BREAKDOWNS",
    "DISPOSALS",
    "ENGINES",
    "INDEX_EVENT_CHOICES",
    "OPTIONAL_COLUMNS",
    "OUTCOMES",
    "REQUIRED_COLUMNS",
    "BreakdownRow",
    "Engine",
    "EventProblem",
    "EventsInvalid",
    "LoadedEvents",
    "Measures",
    "ProvenReoffendingResult",
    "ProvenReoffendingSettings",
    "add_months",
    "age_on",
    "load_events",
    "proven_reoffending",
]
