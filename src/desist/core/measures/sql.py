"""The proven-reoffending rules (RULES.md §4) as SQL, written once for DuckDB and Spark SQL.

Portability: dates are compared, never shifted, in SQL. Calendar-month arithmetic (the follow-up end and
the proven-by date of each possible index date) comes from the table ``calendar``, which Python fills
with ``settings.add_months``; offence groups come from the table ``offence_groups``. The one difference
between the engines, counting days between two dates, is in ``Dialect``.

Inputs: the views ``events`` (the checked events), ``calendar`` (day, follow_up_end, proven_by) and
``offence_groups`` (offence_code, offence_group). Steps: ``pr_index_events`` (one index event per cohort
member), ``pr_people`` (one row per cohort member with every breakdown value and their counts), then
one aggregate query returning whole-number counts by breakdown value and age group.
"""

# SQL is built here from fixed column names and checked settings, never from user text: S608 is off.
# ruff: noqa: S608

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .settings import NOT_RECORDED, UNMAPPED_OFFENCE_GROUP, ProvenReoffendingSettings

# Breakdown name -> the column of pr_people that holds it.
BREAKDOWNS: tuple[str, ...] = (
    "sex",
    "age_band",
    "offence_group",
    "disposal",
    "previous_offences",
    "district",
    "priority_group",
    "iom_strand",
    "ethnicity",
)
# Breakdowns that need an optional input column.
OPTIONAL_BREAKDOWNS: tuple[str, ...] = ("district", "priority_group", "iom_strand", "ethnicity")
# Ties between eligible events on one day go to the more serious disposal.
DISPOSAL_ORDER: tuple[str, ...] = (
    "custody",
    "hospital_order",
    "community",
    "suspended",
    "fine",
    "discharge",
    "other",
    "caution",
)


@dataclass(frozen=True)
class Dialect:
    """What differs between the engines."""

    name: str
    days_between_template: str  # {start}, {end}: whole days from start to end

    def days_between(self, start: str, end: str) -> str:
        """SQL for the number of days from ``start`` to ``end``."""
        return self.days_between_template.format(start=start, end=end)


DUCKDB = Dialect("duckdb", "date_diff('day', {start}, {end})")
SPARK = Dialect("spark", "datediff({end}, {start})")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _band_case(expression: str, bands: tuple[tuple[str, int, int | None], ...]) -> str:
    whens = []
    for label, low, high in bands:
        condition = f"{expression} >= {low}" if high is None else f"{expression} BETWEEN {low} AND {high}"
        whens.append(f"WHEN {condition} THEN {_literal(label)}")
    return f"CASE {' '.join(whens)} END"


def _age(day: str) -> str:
    """Whole years from date_of_birth to ``day``."""
    return (
        f"(year({day}) - year(date_of_birth) - CASE WHEN month({day}) * 100 + day({day}) "
        f"< month(date_of_birth) * 100 + day(date_of_birth) THEN 1 ELSE 0 END)"
    )


def index_events_sql(
    settings: ProvenReoffendingSettings, period_start: date, period_end: date, optional: tuple[str, ...]
) -> str:
    """One row per cohort member: their index event, age at it and the calendar dates of their follow-up."""
    carried = "".join(f", {column}" for column in optional)
    order = "DESC" if settings.index_event == "latest" else "ASC"
    severity = " ".join(f"WHEN {_literal(d)} THEN {i}" for i, d in enumerate(DISPOSAL_ORDER))
    return f"""
WITH eligible AS (
    SELECT person_id, date_of_birth, sex, offence_code, source_row{carried},
           CASE WHEN outcome = 'conviction' AND disposal = 'custody' THEN release_date
                ELSE proven_date END AS index_date,
           CASE WHEN outcome = 'caution' THEN 'caution' ELSE disposal END AS index_disposal
    FROM events
    WHERE outcome = 'caution' OR disposal <> 'custody' OR release_date IS NOT NULL
),
in_period AS (
    SELECT eligible.*, {_age("index_date")} AS age
    FROM eligible
    WHERE index_date BETWEEN DATE '{period_start.isoformat()}' AND DATE '{period_end.isoformat()}'
),
ranked AS (
    SELECT in_period.*,
           ROW_NUMBER() OVER (
               PARTITION BY person_id
               ORDER BY index_date {order}, CASE index_disposal {severity} END, offence_code, source_row
           ) AS pick
    FROM in_period
    WHERE age >= {settings.minimum_age}
)
SELECT ranked.person_id, ranked.date_of_birth, ranked.sex, ranked.offence_code, ranked.index_date,
       ranked.index_disposal, ranked.age{"".join(f", ranked.{c}" for c in optional)},
       calendar.follow_up_end, calendar.proven_by
FROM ranked JOIN calendar ON calendar.day = ranked.index_date
WHERE ranked.pick = 1
"""


def people_sql(settings: ProvenReoffendingSettings, optional: tuple[str, ...], dialect: Dialect) -> str:
    """One row per cohort member: every breakdown value, previous offences and reoffence counts."""
    reoffence = (
        "e.offence_date > i.index_date AND e.offence_date <= i.follow_up_end AND e.proven_date <= i.proven_by"
    )
    carried = "".join(f", COALESCE(i.{c}, {_literal(NOT_RECORDED)}) AS {c}" for c in optional)
    return f"""
WITH history AS (
    SELECT i.person_id,
           SUM(CASE WHEN e.proven_date < i.index_date THEN 1 ELSE 0 END) AS previous_offences,
           SUM(CASE WHEN {reoffence} THEN 1 ELSE 0 END) AS reoffences,
           MIN(CASE WHEN {reoffence} THEN e.offence_date END) AS first_reoffence_date
    FROM pr_index_events i JOIN events e ON e.person_id = i.person_id
    GROUP BY i.person_id
)
SELECT i.person_id,
       CASE WHEN i.age >= {settings.adult_age} THEN 'adult' ELSE 'juvenile' END AS age_group,
       i.sex,
       {_band_case("i.age", settings.age_bands)} AS age_band,
       COALESCE(g.offence_group, {_literal(UNMAPPED_OFFENCE_GROUP)}) AS offence_group,
       i.index_disposal AS disposal,
       {_band_case("h.previous_offences", settings.previous_offence_bands)} AS previous_offences,
       h.reoffences,
       {dialect.days_between("i.index_date", "h.first_reoffence_date")} AS days_to_first_reoffence{carried}
FROM pr_index_events i
JOIN history h ON h.person_id = i.person_id
LEFT JOIN offence_groups g ON g.offence_code = i.offence_code
"""


def counts_sql(by: tuple[str, ...]) -> str:
    """Whole-number counts by (breakdown, value, age group); the headline has breakdown ''."""
    measures = (
        "COUNT(*) AS cohort_size, "
        "SUM(CASE WHEN reoffences > 0 THEN 1 ELSE 0 END) AS reoffenders, "
        "SUM(reoffences) AS reoffences, "
        "SUM(COALESCE(days_to_first_reoffence, 0)) AS days_to_first_reoffence"
    )
    parts = [f"SELECT '' AS breakdown, '' AS value, age_group, {measures} FROM pr_people GROUP BY age_group"]
    for name in by:
        if name not in BREAKDOWNS:
            raise ValueError(f"unknown breakdown {name!r}: use one of {', '.join(BREAKDOWNS)}")
        parts.append(
            f"SELECT {_literal(name)} AS breakdown, CAST({name} AS STRING) AS value, age_group, {measures} "
            f"FROM pr_people GROUP BY {name}, age_group"
        )
    return "\nUNION ALL\n".join(parts)
