"""How long the full risk recompute takes for a whole partnership (issue 3: 250,000 people in under
2 minutes). Loads a synthetic partnership without derived data into a throwaway PostgreSQL cluster, then
times `manage.py recalculate_risk` cold (every score new) and warm (nothing changed).

    .venv/bin/python benchmarks/bench_risk.py --people 1250000 --write-docs   # about 250,000 people to score

Loading 1,250,000 people takes a quarter of an hour; `--keep-cluster` leaves the loaded cluster running
and `--reuse` times the recompute again on it (after clearing the scores), for repeat measurements.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]
from bench_pages import PG_ENV, write_section  # noqa: E402

PG_ENV = {**PG_ENV, "PG_TEST_STATE_FILE": str(ROOT / "var" / "pg-bench-risk.env"), "PG_TEST_PORT": "54350"}


def manage(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=1_250_000)
    parser.add_argument("--seed", type=int, default=20121)
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument("--keep-cluster", action="store_true", help="leave the loaded cluster running")
    parser.add_argument("--reuse", action="store_true", help="time the recompute on the kept cluster")
    parser.add_argument("--note", default="", help="words on the conditions, added after the date")
    parser.add_argument(
        "--workers", type=int, default=None, help="recalculate_risk --workers (default: its own)"
    )
    args = parser.parse_args()

    url = (
        subprocess.run(
            ["bash", "scripts/pg-test-cluster.sh", "start"],
            cwd=ROOT,
            env=PG_ENV,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
        .split("=", 1)[1]
    )
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DESIST_TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
    }
    try:
        manage("migrate", "-v0", env=env)
        load = 0.0
        if args.reuse:
            subprocess.run(
                ["psql", url, "-q", "-c", "TRUNCATE assessments_riskscore", "-c", "VACUUM ANALYZE"],
                check=True,
            )
        else:
            started = time.perf_counter()
            print(
                manage(
                    "build_demo",
                    "--people",
                    str(args.people),
                    "--seed",
                    str(args.seed),
                    "--no-derive",
                    env=env,
                ).splitlines()[-20:][0]
            )
            load = time.perf_counter() - started
            subprocess.run(["psql", url, "-qc", "ANALYZE"], check=True)
        runs = []
        for label in ("cold: every score new", "warm: nothing changed"):
            started = time.perf_counter()
            out = manage(
                "recalculate_risk", *(["--workers", str(args.workers)] if args.workers else []), env=env
            )
            seconds = time.perf_counter() - started
            match = re.search(r"Recalculated ([\d,]+) people in ([\d.]+) s with (\d+) worker", out)
            assert match, out
            people, inner, workers = int(match[1].replace(",", "")), float(match[2]), int(match[3])
            runs.append((label, people, inner, seconds, workers))
            print(
                f"{label}: {people:,} people in {inner:.1f} s ({seconds:.1f} s with start-up), {workers} "
                "workers"
            )
    finally:
        if not args.keep_cluster:
            subprocess.run(["bash", "scripts/pg-test-cluster.sh", "stop"], cwd=ROOT, env=PG_ENV, check=False)

    if args.write_docs:
        lines = [
            "## Full risk recompute, PostgreSQL 15",
            "",
            "`manage.py recalculate_risk` works out OGRS3, OGP, OVP, RSR and RoSH bands and both tiers for "
            "everyone with an offence, sentence or assessment, writing a new score row only where something "
            f"changed. The partnership is the synthetic one at {args.people:,} people"
            + (f" (loaded in {load:.0f} s without derived data)" if load else "")
            + "; about one in five has a record to score. The target is 250,000 people in under 2 minutes.",
            "",
            f"```\n.venv/bin/python benchmarks/bench_risk.py --people {args.people} --write-docs\n```",
            "",
            f"Measured {date.today():%d %b %Y}, 2 cores, 24 GB{args.note}:",
            "",
            "| run | people scored | seconds | people per second | workers |",
            "|---|---:|---:|---:|---:|",
            *[
                f"| {label} | {people:,} | {inner:.1f} | {people / inner:,.0f} | {workers} |"
                for label, people, inner, _, workers in runs
            ],
            "",
            "Within the target (250,000 people in 120 s): "
            + "; ".join(
                f"{label.split(':')[0]} {'yes' if inner * 250_000 / people <= 120 else 'no'} "
                f"({inner * 250_000 / people:.0f} s for 250,000)"
                for label, people, inner, _, _ in runs
            )
            + ".",
        ]
        write_section("risk-recompute", "\n".join(lines))


if __name__ == "__main__":
    main()
