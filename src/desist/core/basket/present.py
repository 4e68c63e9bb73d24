"""The basket as people see it: figures with small counts suppressed (outside the analyst role), words for
values and intervals, trends, and breakdowns with the relative rate index.

Suppression happens here and only here: ``BoardView(result, analyst=False)`` never hands out a hidden count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from .compute import BasketResult, count_text
from .labels import ALL, BREAKDOWN_LABELS, BREAKDOWNS, NOT_RECORDED
from .measure import Measure
from .measures import BASKET, BY_CODE
from .quarters import Quarter
from .stats import RateRatio, is_small, reference_value, relative_rate_index, should_suppress

SUPPRESSED = "[c]"  # as the Office for National Statistics marks a figure withheld for confidentiality


@dataclass(frozen=True)
class Cell:
    """One figure as shown: when ``suppressed``, every count 1–4 and the value are withheld."""

    measure: Measure
    quarter: Quarter
    units: int
    not_recorded: int
    numerator: float
    denominator: float
    rate: float | None
    low: float | None
    high: float | None
    provisional: bool
    suppressed: bool
    threshold: int

    @property
    def recorded(self) -> int:
        return self.units - self.not_recorded

    @property
    def has_value(self) -> bool:
        return self.rate is not None and not self.suppressed

    def _format(self, value: float | None) -> str:
        if value is None:
            return ""
        if self.measure.kind == "proportion":
            return f"{100 * value:.1f}%"
        if self.measure.kind == "per_100":
            return f"{value:.1f}"
        return f"{100 * value:+.0f}%".replace("-", "−")

    @property
    def value_text(self) -> str:
        """The value in words ("23.4%", "12.1", "−35%"), "[c]" when suppressed, "no one counted" without
        one."""
        if self.suppressed:
            return SUPPRESSED
        if self.rate is None:
            return "none in scope" if self.units == 0 else "no figure"
        return self._format(self.rate)

    @property
    def interval_text(self) -> str:
        """The 95% interval ("20.1% to 27.0%"), empty when there is none or the value is suppressed."""
        if self.suppressed or self.low is None or self.high is None:
            return ""
        return f"{self._format(self.low)} to {self._format(self.high)}"

    def count(self, value: float) -> str:
        """A count as shown: 1 to 4 withheld when suppressing; offences and harm days (before and after) as
        they are, since they count events, not people."""
        whole = round(value)
        if self.measure.kind == "before_after":
            return f"{whole:,}"
        return count_text(whole, self.threshold)

    @property
    def numerator_text(self) -> str:
        return SUPPRESSED if self.suppressed else self.count(self.numerator)

    @property
    def denominator_text(self) -> str:
        return SUPPRESSED if self.suppressed else self.count(self.denominator)

    @property
    def units_text(self) -> str:
        return count_text(self.units, self.threshold)

    @property
    def not_recorded_text(self) -> str:
        return count_text(self.not_recorded, self.threshold)


@dataclass(frozen=True)
class BreakdownRow:
    """One group of a breakdown, with its relative rate index against the reference group."""

    value: str
    cell: Cell
    is_reference: bool
    rri: RateRatio | None

    @property
    def rri_text(self) -> str:
        if self.is_reference:
            return "1.00 (reference)"
        if self.rri is None:
            return SUPPRESSED if self.cell.suppressed else "no figure"
        return f"{self.rri.ratio:.2f}"

    @property
    def rri_interval_text(self) -> str:
        if self.rri is None or self.is_reference or self.rri.low is None or self.rri.high is None:
            return ""
        return f"{self.rri.low:.2f} to {self.rri.high:.2f}"


class BoardView:
    """The figures of one basket result for one district and priority group, as one role may see them."""

    def __init__(
        self,
        result: BasketResult,
        *,
        analyst: bool,
        district: str = ALL,
        priority_group: str = ALL,
        measures: Sequence[Measure] = BASKET,
    ) -> None:
        self.result = result
        self.analyst = analyst
        self.district = district
        self.priority_group = priority_group
        self.threshold = 0 if analyst else int(result.settings.get("suppress_below", 5))
        self.measures = tuple(m for m in measures if m.code in BY_CODE)
        chosen = result.figures.filter(
            (pc.field("district") == district) & (pc.field("priority_group") == priority_group)
        )
        self._rows: dict[tuple[str, str, str, str], dict[str, Any]] = {
            (r["measure"], r["quarter"], r["breakdown"], r["value"]): r for r in chosen.to_pylist()
        }

    @staticmethod
    def districts(result: BasketResult) -> list[str]:
        """The districts that have figures, by name, "Not recorded" last."""
        values = set(pc.unique(result.figures.column("district")).to_pylist()) - {ALL}
        return sorted(values, key=lambda v: (v == NOT_RECORDED, v))

    @staticmethod
    def priority_groups(result: BasketResult) -> list[str]:
        return sorted(set(pc.unique(result.figures.column("priority_group")).to_pylist()) - {ALL})

    @property
    def quarters(self) -> tuple[Quarter, ...]:
        return self.result.quarters

    @property
    def latest(self) -> Quarter:
        return self.result.quarters[-1]

    def no_data(self, measure: Measure) -> str:
        return self.result.no_data.get(measure.code, "")

    def notes(self, measure: Measure, quarter: Quarter) -> list[str]:
        """Data-quality notes (partnership-wide), small counts hidden outside the analyst role."""
        notes = self.result.notes if self.analyst else self.result.public_notes
        return list(notes.get(measure.code, {}).get(quarter.code, []))

    def cell(self, measure: Measure, quarter: Quarter, breakdown: str = ALL, value: str = ALL) -> Cell:
        """The figure (an empty one when no one was in scope)."""
        row = self._rows.get((measure.code, quarter.code, breakdown, value))
        if row is None:
            return Cell(measure, quarter, 0, 0, 0.0, 0.0, None, None, None, False, False, self.threshold)
        suppressed = self._suppressed(measure, row)
        return Cell(
            measure,
            quarter,
            int(row["units"]),
            int(row["not_recorded"]),
            float(row["numerator"]),
            float(row["denominator"]),
            row["rate"],
            row["low"],
            row["high"],
            bool(row["provisional"]),
            suppressed,
            self.threshold,
        )

    def _suppressed(self, measure: Measure, row: dict[str, Any]) -> bool:
        if self.threshold <= 1:
            return False
        if measure.kind == "before_after":
            people = int(row["units"]) - int(row["not_recorded"])
            return should_suppress(None, people, self.threshold, complement=False)
        return should_suppress(
            row["numerator"], row["denominator"], self.threshold, complement=measure.kind == "proportion"
        )

    def trend(self, measure: Measure) -> list[Cell]:
        """The measure for every quarter, oldest first."""
        return [self.cell(measure, quarter) for quarter in self.quarters]

    def values(self, measure: Measure, quarter: Quarter, breakdown: str) -> list[str]:
        present = {
            v for (m, q, b, v) in self._rows if m == measure.code and q == quarter.code and b == breakdown
        }
        if breakdown == "age_band":
            order = [band[0] for band in self.result.settings.get("age_bands", [])]
            return sorted(present, key=lambda v: (order.index(v) if v in order else len(order), v))
        return sorted(present, key=lambda v: (v == NOT_RECORDED, v))

    def breakdown(self, measure: Measure, quarter: Quarter, breakdown: str) -> list[BreakdownRow]:
        """Each group of a breakdown with its figure and relative rate index against the reference group:
        the setting's choice for that breakdown, else the largest group. "Not recorded" is never the
        reference. When the reference figure is suppressed, so are the indexes (they would give it away)."""
        cells = {
            value: self.cell(measure, quarter, breakdown, value)
            for value in self.values(measure, quarter, breakdown)
        }
        chosen = self.result.settings.get("reference_groups", {}).get(breakdown)
        reference = reference_value({v: c.denominator for v, c in cells.items() if v != NOT_RECORDED}, chosen)
        ref_cell = cells.get(reference) if reference is not None else None
        rows = []
        for value, cell in cells.items():
            rri = None
            if (
                ref_cell is not None
                and value != reference
                and not cell.suppressed
                and not ref_cell.suppressed
                and measure.kind != "before_after"
            ):
                rri = relative_rate_index(
                    cell.numerator,
                    cell.denominator,
                    ref_cell.numerator,
                    ref_cell.denominator,
                    proportion=measure.kind == "proportion",
                )
            rows.append(BreakdownRow(value, cell, value == reference, rri))
        return rows

    def breakdowns(self) -> list[tuple[str, str]]:
        return [(b, BREAKDOWN_LABELS[b]) for b in BREAKDOWNS]


UNITS = {"proportion": "per cent", "per_100": "per 100 people", "before_after": "per cent change"}
_SCALE = {"proportion": 100.0, "per_100": 1.0, "before_after": 100.0}
# The flat table's columns: numbers as numbers, values in the unit the "unit" column names. A withheld value
# or count is null (with "withheld" set for the value); an export writes SUPPRESSED ("[c]") there, as the ONS
# does.
FIGURE_COLUMNS: tuple[tuple[str, pa.DataType], ...] = (
    ("quarter", pa.string()),
    ("measure", pa.string()),
    ("area", pa.string()),
    ("district", pa.string()),
    ("priority_group", pa.string()),
    ("breakdown", pa.string()),
    ("group", pa.string()),
    ("unit", pa.string()),
    ("value", pa.float64()),
    ("lower_95", pa.float64()),
    ("upper_95", pa.float64()),
    ("numerator", pa.int64()),
    ("denominator", pa.int64()),
    ("in_scope", pa.int64()),
    ("not_recorded", pa.int64()),
    ("provisional", pa.bool_()),
    ("withheld", pa.bool_()),
)


def _number(value: float | None, kind: str) -> float | None:
    return None if value is None else round(_SCALE[kind] * value, 3)


def _count(cell: Cell, value: float, *, units: bool = False) -> int | None:
    """A count as a whole number, None where the role may not see it: as ``Cell.count`` for the numerator and
    denominator (offences and harm days of a before-and-after measure as they are), as ``count_text`` for
    the people in scope and not recorded."""
    whole = round(value)
    if units:
        return None if is_small(whole, cell.threshold) else whole
    if cell.suppressed:
        return None
    if cell.measure.kind != "before_after" and is_small(whole, cell.threshold):
        return None
    return whole


def figures_table(view: BoardView) -> pa.Table:
    """Every figure of the view's district and priority group as one flat table, as the role may see it:
    for CSV and Excel export. Values are numbers in the unit of the row's ``unit`` column (58.3 for 58.3%),
    not display text; counts are whole numbers, or null where withheld."""
    columns: dict[str, list[Any]] = {name: [] for name, _ in FIGURE_COLUMNS}
    for measure in view.measures:
        for quarter in view.quarters:
            for breakdown in (ALL, *BREAKDOWNS):
                values = [ALL] if breakdown == ALL else view.values(measure, quarter, breakdown)
                for value in values:
                    cell = view.cell(measure, quarter, breakdown, value)
                    if cell.units == 0:
                        continue
                    shown = not cell.suppressed
                    for name, item in (
                        ("quarter", quarter.label),
                        ("measure", measure.name),
                        ("area", measure.area),
                        ("district", view.district),
                        ("priority_group", view.priority_group),
                        ("breakdown", breakdown),
                        ("group", value),
                        ("unit", UNITS[measure.kind]),
                        ("value", _number(cell.rate, measure.kind) if shown else None),
                        ("lower_95", _number(cell.low, measure.kind) if shown else None),
                        ("upper_95", _number(cell.high, measure.kind) if shown else None),
                        ("numerator", _count(cell, cell.numerator)),
                        ("denominator", _count(cell, cell.denominator)),
                        ("in_scope", _count(cell, cell.units, units=True)),
                        ("not_recorded", _count(cell, cell.not_recorded, units=True)),
                        ("provisional", cell.provisional),
                        ("withheld", cell.suppressed),
                    ):
                        columns[name].append(item)
    return pa.table({name: pa.array(columns[name], kind) for name, kind in FIGURE_COLUMNS})
