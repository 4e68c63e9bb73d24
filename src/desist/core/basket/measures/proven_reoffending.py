"""Proven reoffending: the Ministry of Justice's binary rate (RULES.md §4), by the engine in
desist.core.measures.

The cohort and the reoffences come from the engine's own SQL (``index_events_sql`` and ``people_sql``), run
on the offences exported for the basket, so the rule is written once.
"""

# ruff: noqa: S608  (SQL from fixed names and checked dates)

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import duckdb
import pyarrow as pa

from desist.core.measures import add_months, load_events
from desist.core.measures.proven import calendar_table, offence_groups_table
from desist.core.measures.sql import DUCKDB, index_events_sql, people_sql

from ..measure import UNIT_SCHEMA, Definition, Measure
from ..quarters import Quarter
from ..settings import BasketSettings

EVENTS_SQL = """
SELECT CAST(o.person_id AS VARCHAR) AS person_id, p.date_of_birth, p.sex, o.offence_date, o.proven_date,
       o.outcome, CASE WHEN o.outcome = 'caution' THEN NULL ELSE NULLIF(o.disposal, '') END AS disposal,
       CASE WHEN o.disposal = 'custody' AND s.kind = 'custody' AND s.release_is_actual
                 AND s.release_date <= {as_of} AND s.release_date >= o.proven_date
            THEN s.release_date END AS release_date,
       o.offence_code
FROM offences o
JOIN people p ON p.person_id = o.person_id
LEFT JOIN sentences s ON s.sentence_id = o.sentence_id
WHERE p.sex IN ('male', 'female') AND p.date_of_birth IS NOT NULL
  AND o.proven_date <= {as_of} AND o.offence_date <= o.proven_date AND o.offence_date >= p.date_of_birth
  AND (o.outcome = 'caution' OR NULLIF(o.disposal, '') IS NOT NULL)
ORDER BY o.person_id, o.proven_date, o.offence_id
"""


def events(con: duckdb.DuckDBPyConnection, as_of: date) -> pa.Table:
    """The offences in the engine's input form (docs/measures.md, "The input")."""
    table: pa.Table = con.sql(EVENTS_SQL.replace("{as_of}", f"DATE '{as_of.isoformat()}'")).to_arrow_table()
    return table


def units(
    con: duckdb.DuckDBPyConnection, quarters: Sequence[Quarter], as_of: date, settings: BasketSettings
) -> pa.Table:
    """One unit per member of each quarter's proven-reoffending cohort: 1 when they reoffended."""
    table = events(con, as_of)
    if table.num_rows == 0:
        return UNIT_SCHEMA.empty_table()
    loaded = load_events(table, source="desist offences")
    engine = loaded.connection
    proven = settings.proven
    engine.register("offence_groups", offence_groups_table(proven))
    parts: list[pa.Table] = []
    for quarter in quarters:
        engine.register("calendar", calendar_table(quarter.start, quarter.end, proven))
        engine.execute(
            "CREATE OR REPLACE TEMP TABLE pr_index_events AS "
            + index_events_sql(proven, quarter.start, quarter.end, loaded.optional_columns)
        )
        engine.execute(
            "CREATE OR REPLACE TEMP TABLE pr_people AS " + people_sql(proven, loaded.optional_columns, DUCKDB)
        )
        provisional = as_of < add_months(quarter.end, proven.proven_within_months)
        part: pa.Table = engine.sql(
            f"""
            SELECT '{quarter.code}' AS quarter, CAST(i.person_id AS BIGINT) AS person_id, """
            f"""i.index_date AS ref_date,
                   CASE WHEN p.reoffences > 0 THEN 1.0 ELSE 0.0 END AS numerator, 1.0 AS denominator,
                   TRUE AS recorded, {str(provisional).upper()} AS provisional
            FROM pr_index_events i JOIN pr_people p ON p.person_id = i.person_id
            WHERE i.index_date <= DATE '{as_of.isoformat()}'
        """
        ).to_arrow_table()
        parts.append(part.cast(UNIT_SCHEMA))
        engine.unregister("calendar")
    return pa.concat_tables(parts)


MEASURE = Measure(
    code="proven_reoffending",
    name="Proven reoffending rate",
    area="Reoffending",
    kind="proportion",
    definition=Definition(
        numerator="Members of the quarter's cohort who committed an offence in the 12 months after their "
        "index date that was proven by a conviction or caution within those 12 months or a further 6.",
        denominator="The quarter's cohort: everyone released from custody, given a non-custodial conviction "
        "or cautioned in the quarter (the Ministry of Justice's proven-reoffending cohort).",
        inclusions=(
            "The first eligible event in the quarter is the index event (docs/measures.md).",
            "District and priority groups are read on the index date.",
        ),
        exclusions=(
            "People under 10 on the event day.",
            "People whose sex or date of birth is not recorded (the method needs both).",
            "Offences dated before the person's recorded date of birth (a record to correct: the engine "
            "would refuse the whole input for one such row).",
            "A custodial conviction is not an event; the release from it is.",
        ),
        notes=(
            "The 12-month follow-up and 6-month waiting period mean a quarter's rate is provisional until "
            "18 months after it ends; it can only go up.",
        ),
    ),
    unit_noun="people in the cohort",
    missing="",
    requires=("offences",),
    units=units,
    higher_is_better=False,
    provisional_note="Provisional: offences can still be proven until 18 months after the quarter ends, so "
    "the rate can only go up.",
)
