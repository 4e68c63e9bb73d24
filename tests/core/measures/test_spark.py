"""The same SQL on Apache Spark (local mode) gives exactly what DuckDB gives."""

from __future__ import annotations

from datetime import date

import pytest

from desist.core.linkage.backends import java_available
from desist.core.measures import BREAKDOWNS, ProvenReoffendingSettings, load_events, proven_reoffending
from desist.core.measures.national import national_history

pytestmark = [
    pytest.mark.slow,
    # One Spark session (a JVM) per process: the Spark tests of the measures and of linkage share a worker.
    pytest.mark.xdist_group("spark"),
    pytest.mark.skipif(not java_available(), reason="Spark needs a Java runtime, and none is installed"),
]


@pytest.mark.parametrize("index_event", ["earliest", "latest"])
def test_spark_gives_identical_results(monkeypatch: pytest.MonkeyPatch, index_event: str) -> None:
    monkeypatch.setenv("DESIST_SPARK_PARTITIONS", "2")
    events = national_history(people=2_000, seed=3)
    settings = ProvenReoffendingSettings(index_event=index_event)  # type: ignore[arg-type]
    # Month ends on both edges: 31 January and 29 February index dates.
    arguments = dict(
        period_start=date(2024, 1, 1),
        period_end=date(2024, 3, 31),
        as_of=date(2025, 6, 1),
        by=BREAKDOWNS,
        settings=settings,
    )
    on_duckdb = proven_reoffending(load_events(events), engine="duckdb", **arguments)  # type: ignore[arg-type]
    on_spark = proven_reoffending(load_events(events), engine="spark", **arguments)  # type: ignore[arg-type]
    assert on_duckdb.headline.cohort_size > 50
    assert on_duckdb.headline.reoffenders > 10
    assert on_spark.to_dict() == on_duckdb.to_dict()
