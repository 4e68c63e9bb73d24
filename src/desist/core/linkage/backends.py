"""The SQL engines Splink runs on: DuckDB in the process (the default) or Apache Spark.

Spark is for national scale: local mode by default, or a cluster chosen with ``desist.core.spark.use_spark``
(the command line's ``--spark-master``). Splink's bundled similarity functions (a jar in the splink
package) go with the session to every executor, so nothing is downloaded at run time.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from ..spark import EngineUnavailable, java_available, spark_session

Engine = Literal["duckdb", "spark"]
ENGINES: tuple[Engine, ...] = ("duckdb", "spark")

__all__ = [
    "ENGINES",
    "Engine",
    "EngineUnavailable",
    "check_engine",
    "database_api",
    "java_available",
    "release",
    "spark_session",
    "table_name",
]


def check_engine(engine: str) -> Engine:
    """The engine name, checked."""
    if engine == "duckdb":
        return "duckdb"
    if engine == "spark":
        return "spark"
    raise ValueError(f"unknown linkage engine {engine!r}: use one of {', '.join(ENGINES)}")


def table_name(purpose: str) -> str:
    """A table name unique to this call: Spark's session (and its temporary views) outlives a run."""
    return f"{purpose}_{uuid.uuid4().hex[:12]}"


def database_api(engine: Engine, *, temp_dir: str | None = None) -> Any:
    """A fresh Splink database API for the engine (a new in-memory DuckDB, or the shared Spark session)."""
    if engine == "spark":
        from splink import SparkAPI

        spark = spark_session()
        if temp_dir:
            spark.sparkContext.setCheckpointDir(temp_dir)
        return SparkAPI(spark_session=spark, break_lineage_method="persist")  # type: ignore[no-untyped-call]
    import duckdb
    from splink import DuckDBAPI

    con = duckdb.connect(":memory:")
    # No extensions are ever fetched: desist runs where nothing may be downloaded.
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    if temp_dir:
        con.execute(f"SET temp_directory = '{temp_dir}'")
    return DuckDBAPI(con)


def release(db_api: Any, registered: list[str]) -> None:
    """Drop what a run left in the engine: Splink's working tables and the records it registered.

    A DuckDB connection goes with the run anyway; a Spark session lives on, so its tables must go.
    """
    if getattr(db_api, "spark", None) is None:
        return
    db_api.delete_tables_created_by_splink_from_db()
    for name in registered:
        db_api.spark.catalog.dropTempView(name)
