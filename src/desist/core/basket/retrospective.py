"""OGRS3 as at the index date, worked out retrospectively: the cohort whose predictions are validated.

Stored scores are dated the day they were worked out, so a new installation has none with a finished
follow-up. Instead, take a past quarter's proven-reoffending cohort (the engine's own ``index_events_sql``)
and work out each member's OGRS3 from the record as it stood on their index date; the outcome is then the
measure's own: an offence committed in the 12 months after the index date, proven within a further 6. The
scoring itself reads the record (Django) and is done by ``desist.board.exports``; this module only says who
and when.
"""

# ruff: noqa: S608  (SQL from fixed names and checked dates)

from __future__ import annotations

from datetime import date

import duckdb
import pyarrow as pa

from desist.core.measures import add_months, load_events
from desist.core.measures.proven import calendar_table
from desist.core.measures.sql import index_events_sql

from .inputs import BasketInputs
from .measures.proven_reoffending import events
from .quarters import Quarter, latest_complete_quarter
from .settings import BasketSettings

KIND = "ogrs3_at_index"
# The one-year figure against the measure's 12-month follow-up, so the validated outcome is proven
# reoffending.
HORIZON_MONTHS = 12


def validated_quarter(as_of: date, settings: BasketSettings | None = None) -> Quarter:
    """The latest quarter whose follow-up and waiting period (18 months) had both ended by ``as_of``."""
    proven = (settings or BasketSettings()).proven
    quarter = latest_complete_quarter(as_of)
    while add_months(quarter.end, proven.proven_within_months) > as_of:
        quarter = quarter.previous()
    return quarter


def cohort_index_dates(
    inputs: BasketInputs, quarter: Quarter, *, as_of: date, settings: BasketSettings | None = None
) -> list[tuple[int, date]]:
    """Each member of the quarter's proven-reoffending cohort with their index date, by person."""
    con = duckdb.connect(
        ":memory:", config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    for name in ("people", "offences", "sentences"):
        con.register(name, inputs.tables[name])
    table = events(con, as_of)
    if table.num_rows == 0:
        return []
    proven = (settings or BasketSettings()).proven
    loaded = load_events(table, source="desist offences")
    engine = loaded.connection
    engine.register("calendar", calendar_table(quarter.start, quarter.end, proven))
    rows = engine.execute(
        "SELECT CAST(person_id AS BIGINT), index_date FROM ("
        + index_events_sql(proven, quarter.start, quarter.end, loaded.optional_columns)
        + f") WHERE index_date <= DATE '{as_of.isoformat()}' ORDER BY 1"
    ).fetchall()
    return [(int(person), day) for person, day in rows]


def score_rows(predictions: dict[int, tuple[date, float | None]]) -> pa.Table:
    """The ``scores`` input rows for the predictions: (index date, chance 0–1 or None where OGRS3 could not be
    worked out, so the validation can say how many cohort members were left out)."""
    people = sorted(predictions)
    return pa.table(
        {
            "person_id": pa.array(people, pa.int64()),
            "kind": pa.array([KIND] * len(people), pa.string()),
            "scored_on": pa.array([predictions[p][0] for p in people], pa.date32()),
            "horizon_months": pa.array([HORIZON_MONTHS] * len(people), pa.int32()),
            "predicted": pa.array([predictions[p][1] for p in people], pa.float64()),
        }
    )
