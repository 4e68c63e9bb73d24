"""What a measure in the basket is: a name, a written definition and its query.

Each measure lives in its own module under ``desist.core.basket.measures``; the definitions page, the board
pack's appendix and docs/measures.md are generated from these objects, so the words and the query cannot
drift apart.

A measure's query returns **units**, one row per person (or per order, or per requirement) counted in a
quarter, with the columns of ``UNIT_SCHEMA``: the quarter, the person, the day their district and priority
groups are read on (``ref_date``), what they add to the numerator and the denominator, whether the input the
measure needs was recorded for them, and whether their figure can still change (provisional).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Literal

import duckdb
import pyarrow as pa

if TYPE_CHECKING:
    from .quarters import Quarter
    from .settings import BasketSettings

Kind = Literal["proportion", "per_100", "before_after"]

# Whole-number settings a measure's SQL may name as {setting}.
SQL_SETTINGS = ("need_lookback_days", "need_lookahead_days", "treatment_window_days", "iom_window_months")

UNIT_SCHEMA = pa.schema(
    [
        ("quarter", pa.string()),
        ("person_id", pa.int64()),
        ("ref_date", pa.date32()),
        ("numerator", pa.float64()),
        ("denominator", pa.float64()),
        ("recorded", pa.bool_()),
        ("provisional", pa.bool_()),
    ]
)

# (connection with the inputs and the views of compute.py, quarters, as_of, settings) -> units
UnitsFunction = Callable[[duckdb.DuckDBPyConnection, "Sequence[Quarter]", date, "BasketSettings"], pa.Table]


@dataclass(frozen=True)
class Definition:
    """A measure's definition in plain English."""

    numerator: str
    denominator: str
    inclusions: tuple[str, ...] = ()
    exclusions: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Measure:
    """One measure of the basket.

    ``sql`` is a DuckDB query over the input tables (``desist.core.basket.inputs.SCHEMAS``), the table
    ``quarters`` (quarter, q_start, q_end) and the views ``supervision`` and ``offence_harm``; ``{as_of}``
    is replaced by the data's date. A measure that needs more than SQL gives ``units`` instead.
    """

    code: str
    name: str
    area: str  # the plan's priority the measure belongs to (Reoffending, Accommodation...)
    kind: Kind
    definition: Definition
    unit_noun: str  # what a unit is, in the plural: "people in the cohort", "orders ending"
    missing: str  # why a unit is left out: "had no accommodation status recorded at the start"
    requires: tuple[str, ...]  # input tables that must hold rows, else the measure shows "no data"
    sql: str = ""
    units: UnitsFunction | None = field(default=None, compare=False)
    higher_is_better: bool | None = None
    provisional_note: str = ""

    def query(self, as_of: date, settings: BasketSettings | None = None) -> str:
        """The measure's SQL with the data's date (``{as_of}``) and the settings' windows filled in."""
        from .settings import BasketSettings

        settings = settings or BasketSettings()
        sql = self.sql.replace("{as_of}", f"DATE '{as_of.isoformat()}'")
        for name in SQL_SETTINGS:
            sql = sql.replace("{" + name + "}", str(int(getattr(settings, name))))
        return sql

    @property
    def value_label(self) -> str:
        """How the value is expressed."""
        return {"proportion": "per cent", "per_100": "per 100 people", "before_after": "change"}[self.kind]
