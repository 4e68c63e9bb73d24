"""The SQL engines Splink runs on: DuckDB in the process (the default) or Apache Spark.

Spark is for national scale. Here it runs in local mode with Splink's bundled similarity functions
(a jar in the splink package), so nothing is downloaded at run time.
"""

from __future__ import annotations

import os
import shutil
import uuid
from functools import lru_cache
from typing import Any, Literal

Engine = Literal["duckdb", "spark"]
ENGINES: tuple[Engine, ...] = ("duckdb", "spark")


class EngineUnavailable(RuntimeError):
    """The engine asked for cannot run here (Spark without Java, say); the message says why."""


def check_engine(engine: str) -> Engine:
    """The engine name, checked."""
    if engine == "duckdb":
        return "duckdb"
    if engine == "spark":
        return "spark"
    raise ValueError(f"unknown linkage engine {engine!r}: use one of {', '.join(ENGINES)}")


def java_available() -> bool:
    """Whether a Java runtime is on the path (Spark needs one)."""
    return bool(os.environ.get("JAVA_HOME")) or shutil.which("java") is not None


@lru_cache(maxsize=1)
def spark_session() -> Any:
    """A local-mode Spark session for linkage (made once per process, with Splink's similarity jar)."""
    if not java_available():
        raise EngineUnavailable("Spark needs a Java runtime (Java 17 or later); none was found")
    try:
        from pyspark.sql import SparkSession
        from splink.backends.spark import similarity_jar_location
    except ImportError as exc:  # pragma: no cover - pyspark is a dependency
        raise EngineUnavailable("Spark needs the pyspark package") from exc
    # Local mode on a shared machine: listen on loopback only, keep shuffles small.
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    cores = os.environ.get("DESIST_SPARK_CORES", "2")
    session = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("desist-linkage")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", os.environ.get("DESIST_SPARK_PARTITIONS", "4"))
        .config("spark.default.parallelism", os.environ.get("DESIST_SPARK_PARTITIONS", "4"))
        .config("spark.driver.memory", os.environ.get("DESIST_SPARK_MEMORY", "2g"))
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


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
