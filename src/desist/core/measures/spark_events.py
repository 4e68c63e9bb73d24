"""The measures' input read by Spark's executors: no row passes through the driver.

The events are Parquet (one file, a directory of files, or a path on storage every executor can read:
``s3a://``, ``abfss://``, ``gs://``, ``hdfs://``). The executors read them, clean them and check every row
with the same SQL as DuckDB (``events.define_views``, ``cell_problems``, ``person_problems``); the driver
only receives counts and, for a bad file, the first bad rows to name in the message. Rows are numbered
from 1 within each file (``_metadata.row_index``), as DuckDB numbers a single file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..spark import spark_session
from .events import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    EventProblem,
    EventsInvalid,
    Query,
    cell_problems,
    define_views,
    person_problems,
    text_profile,
)

# Spark's type names (DataType.simpleString) in DuckDB's, as the cleaning SQL expects them.
SPARK_TYPES = {
    "string": "VARCHAR",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "timestamp_ntz": "TIMESTAMP",
    "bigint": "BIGINT",
    "int": "INTEGER",
    "smallint": "SMALLINT",
    "tinyint": "SMALLINT",
}


@dataclass
class SparkEvents:
    """Checked events in a Spark session, as the temporary view ``events``."""

    spark: Any
    source: str
    optional_columns: tuple[str, ...]
    rows: int


def spark_query(spark: Any) -> Query:
    """``Query`` on a Spark session: the result (small by construction) is collected to the driver."""

    def query(sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        frame = spark.sql(sql)
        return list(frame.columns), [tuple(row) for row in frame.collect()]

    return query


def is_spark_location(events: object) -> bool:
    """Whether ``events`` names Parquet for the executors to read (a .parquet file, a directory or a URI)."""
    if not isinstance(events, str | Path):
        return False
    location = str(events)
    return "://" in location or location.lower().endswith(".parquet") or Path(location).is_dir()


def load_events_spark(location: str | Path, *, source: str | None = None, spark: Any = None) -> SparkEvents:
    """Read and check Parquet events on Spark's executors; raise EventsInvalid if any cell is bad."""
    from pyspark.errors import AnalysisException
    from pyspark.sql import functions

    spark = spark or spark_session()
    path = str(location)
    name = source or path.rstrip("/").rsplit("/", 1)[-1]
    if "://" not in path and not Path(path).exists():
        raise EventsInvalid([EventProblem(name, None, None, f"no such file: {path}")])
    try:
        frame = spark.read.parquet(path)
        frame = frame.select("*", (functions.col("_metadata.row_index") + 1).alias("source_row"))
    except AnalysisException as exc:
        raise EventsInvalid([EventProblem(name, None, None, f"not readable Parquet: {exc}")]) from exc
    frame.createOrReplaceTempView("raw_events")
    types = {
        f.name: SPARK_TYPES.get(f.dataType.simpleString(), f.dataType.simpleString().upper())
        for f in frame.schema.fields
    }
    missing = [column for column in REQUIRED_COLUMNS if column not in types]
    if missing:
        present = ", ".join(c for c in types if c != "source_row")
        raise EventsInvalid(
            [
                EventProblem(name, None, column, f"missing column (the header has: {present})")
                for column in missing
            ]
        )
    optional = tuple(column for column in OPTIONAL_COLUMNS if column in types)
    query = spark_query(spark)
    profile = text_profile(query, types, optional, spark=True)
    define_views(spark.sql, types, optional, spark=True, as_given=profile.as_given)
    problems, total = cell_problems(query, name, spark=True, profile=profile)
    if not total:
        problems, total = person_problems(query, name)
    if total:
        raise EventsInvalid(problems, total)
    rows = int(query("SELECT count(*) FROM raw_events")[1][0][0])
    return SparkEvents(spark, name, optional, rows)
