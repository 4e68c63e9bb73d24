"""The same linkage on Apache Spark (local mode) finds the same people as on DuckDB."""

from __future__ import annotations

import pytest

from desist.core.linkage import link_records, train_model
from desist.core.linkage.backends import java_available
from desist.core.linkage.synthetic import extract_records
from desist.core.synth import generate_partnership

pytestmark = [
    pytest.mark.slow,
    # One Spark session (a JVM) per process: the Spark tests of the measures and of linkage share a worker.
    pytest.mark.xdist_group("spark"),
    pytest.mark.skipif(not java_available(), reason="Spark needs a Java runtime, and none is installed"),
]


def test_spark_finds_the_same_people_as_duckdb(monkeypatch: pytest.MonkeyPatch) -> None:
    # A small sample: one shuffle partition saves Spark most of its per-task overhead.
    monkeypatch.setenv("DESIST_SPARK_PARTITIONS", "1")
    world = generate_partnership(people=500, seed=31)
    records = extract_records(world)
    model = train_model(records)
    on_duckdb = link_records(records, model=model)
    on_spark = link_records(records, model=model, engine="spark")
    assert on_spark.person_ids() == on_duckdb.person_ids()
    assert on_spark.model_version == on_duckdb.model_version
    assert [(p.left, p.right) for p in on_spark.review_pairs] == [
        (p.left, p.right) for p in on_duckdb.review_pairs
    ]
    assert on_spark.pairs_scored == on_duckdb.pairs_scored
