"""The quarterly basket of measures (issue 5): each measure one module with its name, written definition and
query; Wilson and Byar intervals; suppression of small counts; the relative rate index; predictor validation.

Plain Python over DuckDB and Arrow, no Django. See docs/measures.md, "The basket of measures".

    from desist.core.basket import BasketInputs, Quarter, basket, BoardView
    result = basket(
        BasketInputs({"people": ..., "offences": ...}), Quarter(2024, 4).last(8), as_of=date(2026, 1, 31)
    )
    view = BoardView(result, analyst=False)   # counts under 5 withheld
"""

from . import retrospective
from .compute import FIGURE_SCHEMA, BasketResult, basket, code_version, data_version, rate_and_interval
from .inputs import SCHEMAS, BasketInputs, empty_table
from .labels import ALL, BREAKDOWN_LABELS, BREAKDOWNS, NOT_RECORDED
from .measure import Definition, Measure
from .measures import BASKET, BY_CODE
from .present import SUPPRESSED, BoardView, BreakdownRow, Cell, figures_table
from .quarters import Quarter, latest_complete_quarter
from .settings import BasketSettings
from .validation import SOURCES as VALIDATION_SOURCES
from .validation import Validation, validate_predictor

__all__ = [
    "ALL",
    "BASKET",
    "BREAKDOWNS",
    "BREAKDOWN_LABELS",
    "BY_CODE",
    "FIGURE_SCHEMA",
    "NOT_RECORDED",
    "SCHEMAS",
    "SUPPRESSED",
    "VALIDATION_SOURCES",
    "BasketInputs",
    "BasketResult",
    "BasketSettings",
    "BoardView",
    "BreakdownRow",
    "Cell",
    "Definition",
    "Measure",
    "Quarter",
    "Validation",
    "basket",
    "code_version",
    "data_version",
    "empty_table",
    "figures_table",
    "latest_complete_quarter",
    "rate_and_interval",
    "retrospective",
    "validate_predictor",
]
