"""The measures and the linkage on a Spark standalone cluster started here (a master and N workers, Spark's
own scripts), against DuckDB on the same data: identical answers, and the time per executor core.

    .venv/bin/python benchmarks/bench_spark_cluster.py --people 1000000            # measures, ~10M offences
    .venv/bin/python benchmarks/bench_spark_cluster.py --people 10000000 --no-duckdb  # ~100M offences
    .venv/bin/python benchmarks/bench_spark_cluster.py --people 0 --records 1000000   # linkage, 1M records
    .venv/bin/python benchmarks/bench_spark_cluster.py --master spark://host:7077 ... # an existing cluster

The history is written to Parquet under var/bench (as bench_measures.py), and the executors read it
themselves. "Core seconds" is the wall time times the executor cores: what the work costs on a cluster.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))
START, END, AS_OF = date(2024, 1, 1), date(2024, 3, 31), date(2026, 6, 30)


def _load() -> str:
    return os.getloadavg().__repr__()


def measures(args: argparse.Namespace, cores: int) -> dict[str, Any]:
    from desist.core.measures import BREAKDOWNS, load_events, proven_reoffending
    from desist.core.measures.national import write_national_history
    from desist.core.measures.spark_events import load_events_spark
    from desist.core.spark import spark_session

    events = ROOT / "var" / "bench" / f"national-{args.people}-{args.seed}.parquet"
    if not events.exists():
        events.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        write_national_history(events, people=args.people, seed=args.seed, as_of=AS_OF)
        print(f"generated {events} in {time.perf_counter() - started:.1f} s", flush=True)
    period = dict(period_start=START, period_end=END, as_of=AS_OF, by=BREAKDOWNS)
    started = time.perf_counter()
    spark_session()
    session_seconds = time.perf_counter() - started
    started = time.perf_counter()
    loaded = load_events_spark(events)
    checked = time.perf_counter()
    on_spark = proven_reoffending(loaded, engine="spark", **period)  # type: ignore[arg-type]
    finished = time.perf_counter()
    out: dict[str, Any] = {
        "offences": loaded.rows,
        "session_seconds": session_seconds,
        "check_seconds": checked - started,
        "measure_seconds": finished - checked,
        "spark_seconds": finished - started,
        "core_seconds": (finished - started) * cores,
        "cohort": on_spark.headline.cohort_size,
    }
    print(f"spark: {json.dumps(out)} load {_load()}", flush=True)
    if not args.no_duckdb:
        started = time.perf_counter()
        on_duckdb = proven_reoffending(load_events(events), **period)  # type: ignore[arg-type]
        out["duckdb_seconds"] = time.perf_counter() - started
        out["identical"] = on_spark.to_dict() == on_duckdb.to_dict()
        print(f"duckdb: {out['duckdb_seconds']:.1f} s, identical {out['identical']}", flush=True)
        if not out["identical"]:
            raise SystemExit("the measures on Spark differ from DuckDB's")
    return out


def linkage(args: argparse.Namespace, cores: int) -> dict[str, Any]:
    import numpy as np
    import pyarrow as pa

    from desist.core.linkage import link_records, train_model
    from desist.core.linkage.synthetic import extract_records
    from desist.core.synth import generate_partnership

    started = time.perf_counter()
    world = generate_partnership(people=int(args.records / 1.72 * 1.03) + 1, seed=1)
    records = extract_records(world)
    order = np.sort(np.random.default_rng(1).permutation(records.num_rows)[: args.records])
    records = records.take(pa.array(order))
    model = train_model(records)
    print(
        f"{records.num_rows:,} records generated and model trained in {time.perf_counter() - started:.1f} s"
    )
    started = time.perf_counter()
    on_spark = link_records(records, model=model, engine="spark")
    spark_seconds = time.perf_counter() - started
    out: dict[str, Any] = {
        "records": records.num_rows,
        "spark_seconds": spark_seconds,
        "core_seconds": spark_seconds * cores,
        "pairs_scored": on_spark.pairs_scored,
    }
    print(f"spark linkage: {json.dumps(out)} load {_load()}", flush=True)
    if not args.no_duckdb:
        started = time.perf_counter()
        on_duckdb = link_records(records, model=model)
        out["duckdb_seconds"] = time.perf_counter() - started
        out["identical"] = (
            on_spark.person_ids() == on_duckdb.person_ids()
            and on_spark.pairs_scored == on_duckdb.pairs_scored
        )
        print(f"duckdb linkage: {out['duckdb_seconds']:.1f} s, identical {out['identical']}", flush=True)
        if not out["identical"]:
            raise SystemExit("the linkage on Spark differs from DuckDB's")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--people", type=int, default=1_000_000, help="people in the history (0: no measures)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--records", type=int, default=0, help="records to link (0: no linkage)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cores", type=int, default=1, help="cores per worker")
    parser.add_argument("--memory", default="2g", help="memory per worker")
    parser.add_argument("--executor-memory", default="1536m")
    parser.add_argument("--partitions", default="8", help="spark.sql.shuffle.partitions")
    parser.add_argument("--master", help="use this running cluster instead of starting one")
    parser.add_argument("--no-duckdb", action="store_true", help="do not run DuckDB to compare")
    args = parser.parse_args()

    from desist.core.spark import StandaloneCluster, stop_spark, use_spark

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    cluster = None
    print(f"load average before: {_load()}", flush=True)
    started = time.perf_counter()
    if args.master:
        use_spark(args.master, {"spark.sql.shuffle.partitions": args.partitions})
    else:
        cluster = StandaloneCluster(workers=args.workers, cores=args.cores, memory=args.memory).start()
        print(
            f"cluster of {args.workers} workers started in {time.perf_counter() - started:.1f} s", flush=True
        )
        os.environ["DESIST_SPARK_EXECUTOR_MEMORY"] = args.executor_memory
        use_spark(cluster.master_url, cluster.target(**{"spark.sql.shuffle.partitions": args.partitions}))
    cores = args.workers * args.cores
    try:
        results = {}
        if args.people:
            results["measures"] = measures(args, cores)
        if args.records:
            results["linkage"] = linkage(args, cores)
        print(json.dumps(results))
    finally:
        stop_spark()
        if cluster is not None:
            cluster.stop()
    print(f"load average after: {_load()}")


if __name__ == "__main__":
    main()
