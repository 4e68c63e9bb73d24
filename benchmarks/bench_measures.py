"""Benchmark the proven-reoffending engine on a synthetic national history, against plain pandas.

    .venv/bin/python benchmarks/bench_measures.py                 # 1,000,000 people, about 10.4M offences
    .venv/bin/python benchmarks/bench_measures.py --people 50000  # a quick look
    .venv/bin/python benchmarks/bench_measures.py --write-docs    # update docs/benchmarks.md

Generates the history once (``desist.core.measures.national``, written to Parquet under var/bench), then
runs all the proven-reoffending measures for one quarter with every breakdown, in two child processes so
that each has its own peak memory: the engine on DuckDB (checking the file, then the SQL), and a
straightforward pandas implementation of the same rules written here without the engine's code. Every
count, rate and average of both must be identical, or the script fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))
DOCS = ROOT / "docs" / "benchmarks.md"
START, END, AS_OF = date(2024, 1, 1), date(2024, 3, 31), date(2026, 6, 30)

Key = tuple[str, str, str]  # (breakdown, value, age group); the headline is ("", "", "all")
Row = tuple[int, int, int, float | None, float | None, float | None, float | None]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    """CPU seconds of this process, every thread (DuckDB's included): what the work costs whatever else
    the machine is doing; the wall time grows with the load from other work."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _measures(cohort: int, reoffenders: int, reoffences: int, days: int) -> Row:
    def ratio(a: int, b: int) -> float | None:
        return a / b if b else None

    return (
        cohort,
        reoffenders,
        reoffences,
        ratio(reoffenders, cohort),
        ratio(reoffences, reoffenders),
        ratio(reoffences, cohort),
        ratio(days, reoffenders),
    )


def _flatten(data: dict[str, Any]) -> dict[str, Row]:
    """The engine's JSON as {key: measures}."""
    names = (
        "cohort_size",
        "reoffenders",
        "reoffences",
        "binary_rate",
        "reoffences_per_reoffender",
        "reoffences_per_offender",
        "average_days_to_first_reoffence",
    )

    def row(d: dict[str, Any]) -> Row:
        return tuple(d[n] for n in names)  # type: ignore[return-value]

    out = {"||all": row(data), "||adult": row(data["adult"]), "||juvenile": row(data["juvenile"])}
    for name, rows in data.get("breakdowns", {}).items():
        for r in rows:
            out[f"{name}|{r['value']}|all"] = row(r)
            out[f"{name}|{r['value']}|adult"] = row(r["adult"])
            out[f"{name}|{r['value']}|juvenile"] = row(r["juvenile"])
    return out


def run_engine(events: Path) -> dict[str, Any]:
    """The engine on DuckDB: check the file, then every measure and breakdown."""
    from desist.core.measures import BREAKDOWNS, load_events, proven_reoffending

    started, cpu = time.perf_counter(), _cpu()
    loaded = load_events(events)
    checked = time.perf_counter()
    result = proven_reoffending(loaded, period_start=START, period_end=END, as_of=AS_OF, by=BREAKDOWNS)
    finished = time.perf_counter()
    return {
        "seconds": finished - started,
        "cpu_seconds": _cpu() - cpu,
        "check_seconds": checked - started,
        "measure_seconds": finished - checked,
        "peak_mb": _peak_mb(),
        "rows": loaded.rows,
        "measures": _flatten(result.to_dict()),
        "provisional": result.provisional,
    }


def run_pandas(events: Path) -> dict[str, Any]:
    """The same rules in straightforward pandas (its own month arithmetic: pandas DateOffset)."""
    import numpy as np
    import pandas as pd
    import pyarrow.parquet as pq

    from desist.core.measures.settings import (
        DEFAULT_AGE_BANDS,
        DEFAULT_PREVIOUS_OFFENCE_BANDS,
        default_offence_groups,
    )

    started, cpu = time.perf_counter(), _cpu()
    df = pq.read_table(events).to_pandas(date_as_object=False)
    for column in (
        "sex",
        "outcome",
        "disposal",
        "offence_code",
        "district",
        "ethnicity",
        "priority_group",
        "iom_strand",
    ):
        df[column] = df[column].astype("string")
    df["row"] = np.arange(1, len(df) + 1)
    custody = (df["outcome"] == "conviction") & (df["disposal"] == "custody")
    eligible = df[(~custody | df["release_date"].notna()).to_numpy()].copy()
    is_custody = custody[eligible.index].to_numpy()
    eligible["index_date"] = np.where(is_custody, eligible["release_date"], eligible["proven_date"])
    eligible["index_date"] = eligible["index_date"].astype("datetime64[ms]")
    eligible["index_disposal"] = eligible["disposal"].where(eligible["outcome"] != "caution", "caution")
    eligible = eligible[
        (eligible["index_date"] >= pd.Timestamp(START)) & (eligible["index_date"] <= pd.Timestamp(END))
    ]
    born, day = eligible["date_of_birth"].dt, eligible["index_date"].dt
    eligible["age"] = (
        day.year - born.year - ((day.month * 100 + day.day) < (born.month * 100 + born.day))
    ).astype(int)
    eligible = eligible[eligible["age"] >= 10]
    severity = {
        d: i
        for i, d in enumerate(("custody", "community", "suspended", "fine", "discharge", "other", "caution"))
    }
    eligible["severity"] = eligible["index_disposal"].map(severity)
    cohort = (
        eligible.sort_values(["person_id", "index_date", "severity", "offence_code", "row"])
        .drop_duplicates("person_id", keep="first")
        .set_index("person_id")
    )
    cohort["follow_up_end"] = cohort["index_date"] + pd.DateOffset(months=12)
    cohort["proven_by"] = cohort["index_date"] + pd.DateOffset(months=18)

    history = df[df["person_id"].isin(cohort.index)][["person_id", "offence_date", "proven_date"]]
    history = history.join(cohort[["index_date", "follow_up_end", "proven_by"]], on="person_id")
    history["previous"] = history["proven_date"] < history["index_date"]
    history["reoffence"] = (
        (history["offence_date"] > history["index_date"])
        & (history["offence_date"] <= history["follow_up_end"])
        & (history["proven_date"] <= history["proven_by"])
    )
    history["reoffence_date"] = history["offence_date"].where(history["reoffence"])
    per_person = history.groupby("person_id").agg(
        previous=("previous", "sum"), reoffences=("reoffence", "sum"), first=("reoffence_date", "min")
    )
    cohort = cohort.join(per_person)
    cohort["days"] = (cohort["first"] - cohort["index_date"]).dt.days.fillna(0).astype(int)
    cohort["reoffender"] = (cohort["reoffences"] > 0).astype(int)
    cohort["age_group"] = np.where(cohort["age"] >= 18, "adult", "juvenile")

    def band(values: pd.Series, bands: tuple[tuple[str, int, int | None], ...]) -> pd.Series:
        labels = pd.Series(pd.NA, index=values.index, dtype="string")
        for label, low, high in bands:
            labels[(values >= low) & ((values <= high) if high is not None else True)] = label
        return labels

    cohort["age_band"] = band(cohort["age"], DEFAULT_AGE_BANDS)
    cohort["previous_offences"] = band(cohort["previous"], DEFAULT_PREVIOUS_OFFENCE_BANDS)
    cohort["offence_group"] = (
        cohort["offence_code"].map(default_offence_groups()).fillna("Not in the offence code list")
    )
    cohort["disposal"] = cohort["index_disposal"]
    breakdowns = (
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
    for name in breakdowns:
        cohort[name] = cohort[name].astype("string").fillna("not recorded")

    out: dict[str, Row] = {}

    def add(prefix: str, groups: pd.DataFrame) -> None:
        for group in ("all", "adult", "juvenile"):
            part = groups if group == "all" else groups[groups["age_group"] == group]
            sums = part.groupby("value")[["one", "reoffender", "reoffences", "days"]].sum()
            for value, r in sums.iterrows():
                out[f"{prefix}|{value}|{group}"] = _measures(
                    int(r["one"]), int(r["reoffender"]), int(r["reoffences"]), int(r["days"])
                )
            if prefix == "" and part.empty:
                out[f"||{group}"] = _measures(0, 0, 0, 0)

    cohort["one"] = 1
    add("", cohort.assign(value=""))
    for name in breakdowns:
        present = cohort.assign(value=cohort[name])
        add(name, present)
        # The engine lists a value for both age groups even when one is empty.
        for value in present["value"].unique():
            for group in ("adult", "juvenile"):
                out.setdefault(f"{name}|{value}|{group}", _measures(0, 0, 0, 0))
    finished = time.perf_counter()
    return {
        "seconds": finished - started,
        "cpu_seconds": _cpu() - cpu,
        "peak_mb": _peak_mb(),
        "rows": len(df),
        "measures": out,
    }


def _child(which: str, events: Path) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, __file__, "--child", which, "--events", str(events)],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(completed.stdout.strip().splitlines()[-1]))


def write_section(key: str, body: str) -> None:
    """Replace the text between <!-- bench:KEY:start --> and <!-- bench:KEY:end --> in docs/benchmarks.md."""
    start, end = f"<!-- bench:{key}:start -->", f"<!-- bench:{key}:end -->"
    text = DOCS.read_text() if DOCS.exists() else "# Benchmarks\n"
    block = f"{start}\n{body}\n{end}"
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DOCS.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--events", type=Path, help="use this Parquet file instead of generating one")
    parser.add_argument("--write-docs", action="store_true", help="write the results into docs/benchmarks.md")
    parser.add_argument("--child", choices=("engine", "pandas"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = run_engine(args.events) if args.child == "engine" else run_pandas(args.events)
        print(json.dumps(result))
        return

    events = args.events
    generate_seconds = None
    if events is None:
        from desist.core.measures.national import write_national_history

        events = ROOT / "var" / "bench" / f"national-{args.people}-{args.seed}.parquet"
        if not events.exists():
            events.parent.mkdir(parents=True, exist_ok=True)
            started = time.perf_counter()
            write_national_history(events, people=args.people, seed=args.seed, as_of=AS_OF)
            generate_seconds = time.perf_counter() - started
    engine = _child("engine", events)
    pandas = _child("pandas", events)
    same = engine["measures"] == pandas["measures"]
    people_line = f"{args.people:,} people" if args.events is None else str(events)
    print(
        f"{people_line}, {engine['rows']:,} proven offences"
        + (f" (generated in {generate_seconds:.1f} s)" if generate_seconds else "")
    )
    cohort = engine["measures"]["||all"]
    print(
        f"cohort {START}..{END}: {cohort[0]:,} people, binary rate {cohort[3]:.4f}, "
        f"{len(engine['measures']):,} groups of measures"
    )
    print(
        f"engine (DuckDB): {engine['seconds']:.1f} s (check {engine['check_seconds']:.1f} s, "
        f"measures {engine['measure_seconds']:.1f} s), {engine['cpu_seconds']:.1f} CPU s, "
        f"peak RSS {engine['peak_mb']:,.0f} MB"
    )
    print(
        f"pandas:          {pandas['seconds']:.1f} s, {pandas['cpu_seconds']:.1f} CPU s, "
        f"peak RSS {pandas['peak_mb']:,.0f} MB"
    )
    print(f"load average (1, 5, 15 min): {os.getloadavg()}")
    print("identical numbers:", same)
    if not same:
        differ = sorted(
            k
            for k in engine["measures"].keys() | pandas["measures"].keys()
            if engine["measures"].get(k) != pandas["measures"].get(k)
        )
        for key in differ[:20]:
            print(f"  {key}: engine {engine['measures'].get(key)} pandas {pandas['measures'].get(key)}")
        sys.exit(1)
    if args.write_docs:
        import duckdb
        import pandas as pd

        memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        machine = f"{os.cpu_count()} cores, {memory_gb:.0f} GB"
        load = os.getloadavg()
        engine_gb = engine["peak_mb"] / 1024
        command = ".venv/bin/python benchmarks/bench_measures.py --write-docs"
        if args.people != 1_000_000:
            command += f" --people {args.people}"
        engine_name = (
            f"desist engine, DuckDB (check {engine['check_seconds']:.1f} s "
            f"+ measures {engine['measure_seconds']:.1f} s)"
        )
        body = f"""## Proven reoffending measures, national scale

All the proven-reoffending measures (RULES.md §4, [measures.md](measures.md)) for one quarter
({START} to {END}, as of {AS_OF}) with every breakdown (sex, age band, index offence group, index
disposal, previous offences, district, priority group, IOM strand, ethnicity), for everyone and for
adults and juveniles apart, on a synthetic national history of {args.people:,} people and
{engine["rows"]:,} proven offences (`desist.core.measures.national`, seed {args.seed}, Parquet). The engine
time includes checking every row of the file. pandas is a straightforward implementation of the same rules
in the same benchmark; the script fails unless all {len(engine["measures"]):,} groups of measures are
identical. Each runs in its own process; peak RSS is that process's maximum resident memory, CPU seconds
its user and system time over every thread (what the work costs, whatever else the machine does; the
wall time grows with the load from other work). Measured {date.today()} on a {machine} machine, load
average {load[0]:.1f} (1 min) / {load[1]:.1f} (5 min) at the end (Python {platform.python_version()},
DuckDB {duckdb.__version__}, pandas {pd.__version__}). Reproduce with:

```
{command}
```

| implementation | seconds | CPU seconds | peak RSS | identical |
|---|---:|---:|---:|---|
| {engine_name} | {engine["seconds"]:.1f} | {engine["cpu_seconds"]:.1f} | {engine_gb:.1f} GB | yes |
| pandas | {pandas["seconds"]:.1f} | {pandas["cpu_seconds"]:.1f} | {pandas["peak_mb"] / 1024:.1f} GB | yes |

The quarter's cohort: {cohort[0]:,} people, binary rate {cohort[3]:.3f}, {cohort[5]:.2f} reoffences per
offender."""
        write_section("measures", body)
        print(f"wrote {DOCS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
