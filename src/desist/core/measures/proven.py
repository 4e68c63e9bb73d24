"""``proven_reoffending``: the one function the command line, the web pages and the board pack call."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa

from .events import LoadedEvents, load_events
from .result import BreakdownRow, Counts, Measures, ProvenReoffendingResult
from .settings import NOT_RECORDED, ProvenReoffendingSettings, add_months
from .spark_events import SparkEvents, is_spark_location, load_events_spark
from .sql import BREAKDOWNS, DUCKDB, OPTIONAL_BREAKDOWNS, SPARK, counts_sql, index_events_sql, people_sql

Engine = Literal["duckdb", "spark"]
ENGINES: tuple[Engine, ...] = ("duckdb", "spark")
AGE_GROUPS = ("adult", "juvenile")


def calendar_table(period_start: date, period_end: date, settings: ProvenReoffendingSettings) -> pa.Table:
    """Each day of the period with its follow-up end and proven-by date (calendar months, add_months)."""
    days = [period_start + timedelta(days=n) for n in range((period_end - period_start).days + 1)]
    return pa.table(
        {
            "day": pa.array(days, pa.date32()),
            "follow_up_end": pa.array([add_months(d, settings.follow_up_months) for d in days], pa.date32()),
            "proven_by": pa.array([add_months(d, settings.proven_within_months) for d in days], pa.date32()),
        }
    )


def offence_groups_table(settings: ProvenReoffendingSettings) -> pa.Table:
    """The offence code → group mapping as a table."""
    mapping = settings.offence_group_map()
    return pa.table(
        {
            "offence_code": pa.array(list(mapping.keys()), pa.string()),
            "offence_group": pa.array(list(mapping.values()), pa.string()),
        }
    )


def _run_duckdb(
    loaded: LoadedEvents | SparkEvents,
    steps: Sequence[tuple[str, str]],
    final: str,
    tables: dict[str, pa.Table],
    results: str | None,
) -> list[tuple[Any, ...]]:
    if not isinstance(loaded, LoadedEvents):
        raise ValueError("events loaded on Spark are counted on Spark: use engine='spark'")
    con = loaded.connection
    for name, table in tables.items():
        con.register(name, table)
    for name, sql in steps:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")
    if results:
        import pyarrow.parquet as pq

        counts: pa.Table = con.execute(final).to_arrow_table()
        pq.write_table(counts, results)
        return [tuple(row.values()) for row in counts.to_pylist()]
    return [tuple(row) for row in con.execute(final).fetchall()]


def _run_spark(
    loaded: LoadedEvents | SparkEvents,
    steps: Sequence[tuple[str, str]],
    final: str,
    tables: dict[str, pa.Table],
    results: str | None,
) -> list[tuple[Any, ...]]:
    """Run the steps on Spark. Events loaded on Spark stay on the executors; events checked by DuckDB
    (an Arrow table or a CSV file) go to Spark through the driver, which suits small inputs only."""
    from ..spark import spark_session

    views = dict(tables)
    if isinstance(loaded, SparkEvents):
        spark = loaded.spark
    else:
        spark = spark_session()
        views["events"] = loaded.connection.sql("SELECT * FROM events").to_arrow_table()
    cached: list[str] = []
    try:
        for name, table in views.items():
            # The calendar and offence groups are a few thousand rows: they are sent with the plan.
            spark.createDataFrame(table).createOrReplaceTempView(name)
        for name, sql in steps:
            spark.sql(sql).createOrReplaceTempView(name)
            spark.sql(f"CACHE TABLE {name}")
            cached.append(name)
        counts = spark.sql(final)
        if results:
            # The executors write the counts where the cluster keeps its files; the driver reads them back.
            counts.write.mode("overwrite").parquet(results)
            counts = spark.read.parquet(results)
        return [tuple(row) for row in counts.collect()]
    finally:
        for name in cached:
            spark.sql(f"UNCACHE TABLE IF EXISTS {name}")
        for name in (*views, *cached):
            spark.catalog.dropTempView(name)


def _order(name: str, values: Iterable[str], settings: ProvenReoffendingSettings) -> list[str]:
    """Bands in their own order; other values alphabetically, with 'not recorded' last."""
    present = set(values)
    if name == "age_band":
        return [label for label, _, _ in settings.age_bands if label in present]
    if name == "previous_offences":
        return [label for label, _, _ in settings.previous_offence_bands if label in present]
    return sorted(present, key=lambda v: (v == NOT_RECORDED, v))


def proven_reoffending(
    events: pa.Table | str | Path | LoadedEvents | SparkEvents,
    *,
    period_start: date,
    period_end: date,
    as_of: date | None = None,
    by: Sequence[str] = (),
    settings: ProvenReoffendingSettings | None = None,
    engine: Engine = "duckdb",
    source_name: str | None = None,
    results: str | Path | None = None,
) -> ProvenReoffendingResult:
    """The proven-reoffending measures (RULES.md §4) of the cohort whose index event falls in
    ``period_start``..``period_end`` (both inclusive), seen on ``as_of`` (default today).

    ``events`` is a CSV or Parquet path, an Arrow table (docs/measures.md, "The input"), or events already
    loaded with ``load_events`` (or ``load_events_spark``). On Spark, Parquet (a file, a directory or a
    URI such as ``s3a://...``) is read and checked by the executors, and no row passes through the driver.
    ``results`` (optional) is where the counts are also written as Parquet (by the executors on Spark).
    ``by`` names breakdowns (``BREAKDOWNS``). Raises ``EventsInvalid`` for bad input and ``ValueError``
    for a bad period, breakdown or engine.
    """
    settings = settings or ProvenReoffendingSettings()
    as_of = as_of or date.today()
    if period_end < period_start:
        raise ValueError(f"the period ends ({period_end}) before it starts ({period_start})")
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}")
    by = tuple(dict.fromkeys(by))
    unknown = [name for name in by if name not in BREAKDOWNS]
    if unknown:
        raise ValueError(f"unknown breakdown {', '.join(unknown)}: use any of {', '.join(BREAKDOWNS)}")
    loaded: LoadedEvents | SparkEvents
    if isinstance(events, LoadedEvents | SparkEvents):
        loaded = events
    elif engine == "spark" and is_spark_location(events):
        loaded = load_events_spark(str(events), source=source_name)
    else:
        loaded = load_events(events, source=source_name)
    absent = [name for name in by if name in OPTIONAL_BREAKDOWNS and name not in loaded.optional_columns]
    if absent:
        raise ValueError(f"cannot break down by {', '.join(absent)}: {loaded.source} has no such column")

    dialect = SPARK if engine == "spark" else DUCKDB
    optional = loaded.optional_columns
    steps = [
        ("pr_index_events", index_events_sql(settings, period_start, period_end, optional)),
        ("pr_people", people_sql(settings, optional, dialect)),
    ]
    tables = {
        "calendar": calendar_table(period_start, period_end, settings),
        "offence_groups": offence_groups_table(settings),
    }
    run = _run_spark if engine == "spark" else _run_duckdb
    rows = run(loaded, steps, counts_sql(by), tables, str(results) if results else None)

    counts: dict[tuple[str, str, str], Counts] = {}
    for breakdown, value, age_group, cohort_size, reoffenders, reoffences, days in rows:
        key = (str(breakdown), NOT_RECORDED if value is None else str(value), str(age_group))
        counts[key] = Counts(int(cohort_size), int(reoffenders), int(reoffences or 0), int(days or 0))

    def measures(breakdown: str, value: str, groups: Sequence[str] = AGE_GROUPS) -> Measures:
        total = Counts()
        for group in groups:
            total = total + counts.get((breakdown, value, group), Counts())
        return Measures.from_counts(total)

    breakdowns: dict[str, tuple[BreakdownRow, ...]] = {}
    for name in by:
        values = _order(name, (value for b, value, _ in counts if b == name), settings)
        breakdowns[name] = tuple(
            BreakdownRow(
                value,
                measures(name, value),
                measures(name, value, ("adult",)),
                measures(name, value, ("juvenile",)),
            )
            for value in values
        )
    waiting_ends = add_months(period_end, settings.proven_within_months)
    return ProvenReoffendingResult(
        period_start=period_start,
        period_end=period_end,
        as_of=as_of,
        provisional=as_of < waiting_ends,
        waiting_period_ends=waiting_ends,
        headline=measures("", ""),
        adult=measures("", "", ("adult",)),
        juvenile=measures("", "", ("juvenile",)),
        breakdowns=breakdowns,
        settings=settings.to_dict(),
        engine=engine,
    )
