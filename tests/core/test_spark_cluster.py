"""The measures and the linkage on a real Spark cluster: a standalone master and two workers started with
Spark's own scripts, whose executors (separate JVMs) read the Parquet themselves. Same answers as DuckDB.

In the "spark" xdist group (one worker process holds one Spark session at a time); tests/core runs in the
suite's first pass only (scripts/test.sh), so the cluster starts once per run.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from desist.cli import main as desist_main
from desist.core.linkage import link_records, train_model
from desist.core.linkage.synthetic import extract_records
from desist.core.measures import load_events, proven_reoffending
from desist.core.measures.national import write_national_history
from desist.core.spark import StandaloneCluster, java_available, spark_session, stop_spark, use_spark
from desist.core.synth import generate_partnership

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("spark"),
    pytest.mark.skipif(not java_available(), reason="Spark needs a Java runtime, and none is installed"),
]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StandaloneCluster]:
    directory = tmp_path_factory.mktemp("spark-cluster")
    # The driver (this process) listens on loopback, as the master and workers do.
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    running = StandaloneCluster(workers=2, cores=1, memory="1g", directory=directory)
    running.start()
    try:
        # Two shuffle partitions: one task per executor core.
        use_spark(running.master_url, running.target(**{"spark.sql.shuffle.partitions": "2"}))
        yield running
    finally:
        stop_spark()
        use_spark()
        running.stop()
        shutil.rmtree(directory, ignore_errors=True)


def _settings_flags(cluster: StandaloneCluster) -> list[str]:
    flags = ["--spark-master", cluster.master_url]
    for key, value in cluster.target(**{"spark.sql.shuffle.partitions": "2"}).items():
        flags += ["--spark-conf", f"{key}={value}"]
    return flags


def test_national_measures_are_read_by_the_executors(
    cluster: StandaloneCluster, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = tmp_path / "national.parquet"
    # Small: the cost on a cluster is per job and per task, not per row (benchmarks/bench_spark_cluster.py
    # runs it at scale).
    written = write_national_history(events, people=2_000, seed=5, as_of=date(2026, 6, 30))
    assert written.num_rows > 15_000
    # Two breakdowns: each is a job of its own, and jobs are what cost time on a cluster; every breakdown is
    # compared with DuckDB's in local mode (tests/core/measures/test_spark.py).
    by = ("sex", "offence_group")
    period = ["--from", "2024-01-01", "--to", "2024-03-31", "--as-of", "2026-06-30", "--by", *by]
    results = tmp_path / "counts"

    status = desist_main(
        [
            "measures",
            "proven-reoffending",
            "--events",
            str(events),
            *period,
            "--engine",
            "spark",
            "--results",
            str(results),
            *_settings_flags(cluster),
        ]
    )
    on_spark = json.loads(capsys.readouterr().out)
    on_duckdb = proven_reoffending(
        load_events(events),
        period_start=date(2024, 1, 1),
        period_end=date(2024, 3, 31),
        as_of=date(2026, 6, 30),
        by=by,
    ).to_dict()

    assert status == 0
    assert on_duckdb["cohort_size"] > 50
    assert on_spark == on_duckdb
    # The session ran on the cluster, with both workers' executors.
    spark = spark_session()
    assert spark.sparkContext.master == cluster.master_url
    assert spark.sparkContext._jsc.sc().getExecutorMemoryStatus().size() == 3  # the driver and 2 executors
    # The events were scanned from the file by the executors, never made from rows on the driver.
    plan = spark.table("events")._jdf.queryExecution().executedPlan().toString()
    assert "FileScan parquet" in plan
    assert "LocalTableScan" not in plan
    # The executors wrote the counts (one row per breakdown value and age group).
    assert pq.read_table(results).num_rows > 10


def test_linkage_finds_the_same_people_on_the_cluster(cluster: StandaloneCluster) -> None:
    # A small sample (as the local-mode test had before it was folded in here): Spark's cost is per step, so
    # 5,000 people cost twice the time of 500 and found nothing more (benchmarks/bench_spark_cluster.py
    # links at scale).
    records = extract_records(generate_partnership(people=500, seed=31))
    assert records.num_rows > 800
    model = train_model(records)
    on_duckdb = link_records(records, model=model)
    on_cluster = link_records(records, model=model, engine="spark")
    assert spark_session().sparkContext.master == cluster.master_url
    assert on_cluster.person_ids() == on_duckdb.person_ids()
    assert on_cluster.model_version == on_duckdb.model_version
    assert [(p.left, p.right) for p in on_cluster.review_pairs] == [
        (p.left, p.right) for p in on_duckdb.review_pairs
    ]
    # Pairs whose weight is within rounding of the review threshold (0) could fall either side of it, as
    # Spark's similarity functions (Splink's jar) and DuckDB's differ in the last digits: at 5,000 people 2 of
    # 9,036 pairs did, which changed no one's person; none does in this sample.
    assert on_cluster.pairs_scored == on_duckdb.pairs_scored
