"""The engine's numbers equal the plain pandas version of the same rules in benchmarks/bench_measures.py,
on a small synthetic national history (the benchmark checks the same at 10 million offences)."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path
from types import ModuleType

import pyarrow.parquet as pq

from desist.core.measures.national import national_history

BENCHMARK = Path(__file__).resolve().parents[3] / "benchmarks" / "bench_measures.py"


def _benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_measures", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_engine_equals_plain_pandas(tmp_path: Path) -> None:
    bench = _benchmark()
    events = tmp_path / "national.parquet"
    pq.write_table(national_history(people=2_500, seed=7, as_of=date(2026, 6, 30)), events)
    engine = bench.run_engine(events)
    pandas = bench.run_pandas(events)
    assert engine["rows"] == pandas["rows"] > 20_000
    assert engine["measures"]["||all"][0] > 50  # the quarter's cohort
    assert engine["measures"] == pandas["measures"]
