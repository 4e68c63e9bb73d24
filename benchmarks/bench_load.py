"""The load test (issue 17, item 2): many people using desist at once, against gunicorn and PostgreSQL.

Against a database that holds a built demo partnership (`manage.py build_demo --people N`), it gives the
load test's users a sign-in (benchmarks/load/accounts.py: the demo's own practitioners with the biggest
caseloads, a new random password for the run), starts gunicorn as docs/production.md runs it (sync
workers, two per CPU core plus one unless --workers says otherwise) and the task worker
(`manage.py db_worker`, for the imports), and runs Locust headless (benchmarks/load/locustfile.py):

- practitioners: sign in, state the purpose, then the work queue, My caseload, search, a person's record and
  chronology, 10 to 30 s apart (--think), and one write a minute each (a contact recorded);
- analysts on the board; importers uploading a 20-row extract, confirming it once checked, and waiting for
  the worker to import it.

Then it waits for the worker to finish the imports it was given and counts, in the database, the contacts
and imports the run wrote: "no lost writes" means every write Locust saw succeed is there (and nothing
more). It prints a table per page, writes Locust's CSV and JSON beside it (--out), and exits non-zero unless
there were no failures, no lost writes, and (unless --no-timing-check) the 95th percentile of every request
is under --max-p95 ms.

    # the issue's run: 250,000 people, 200 practitioners, 20 analysts, 5 importers, 10 minutes
    DATABASE_URL=postgres://.../desist_load .venv/bin/python manage.py build_demo --people 250000
    .venv/bin/python benchmarks/bench_load.py --database-url postgres://.../desist_load --duration 10m
    # a quick look (the CI version, tests/app/test_load.py, runs about this)
    .venv/bin/python benchmarks/bench_load.py --database-url ... --practitioners 8 --analysts 1 \
        --importers 1 --duration 20s --think 1,3 --write-every 5 --no-timing-check
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
WRITES = {"record a contact": "contacts", "confirm an import": "uploads_imported"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _seconds(text: str) -> int:
    units = {"s": 1, "m": 60, "h": 3600}
    return int(float(text[:-1]) * units[text[-1]]) if text[-1] in units else int(text)


def _percentile(histogram: dict[int, int], share: float) -> int:
    """The response time (ms, as Locust rounds it) below which `share` of the requests fell."""
    total = sum(histogram.values())
    if not total:
        return 0
    seen = 0
    for ms in sorted(histogram):
        seen += histogram[ms]
        if seen >= share * total:
            return ms
    return max(histogram)


def _counts(env: dict[str, str], tag: str) -> dict[str, int]:
    out = subprocess.run(
        [str(PYTHON), "benchmarks/load/accounts.py", "--counts", "--tag", tag],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {k: int(v) for k, v in json.loads(out.strip().splitlines()[-1]).items()}


def _stop(process: subprocess.Popen[Any] | None) -> None:
    if process is not None and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run(args: argparse.Namespace) -> int:
    out: Path = args.out or Path(tempfile.mkdtemp(prefix="desist-load-"))
    out.mkdir(parents=True, exist_ok=True)
    tag = secrets.token_hex(4)
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DESIST_LOG_LEVEL": "WARNING",
    }
    accounts_file = out / "accounts.json"
    subprocess.run(
        [
            str(PYTHON),
            "benchmarks/load/accounts.py",
            "--practitioners",
            str(args.practitioners),
            "--analysts",
            str(args.analysts),
            "--importers",
            str(args.importers),
            "--tag",
            tag,
            "--out",
            str(accounts_file),
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    accounts = json.loads(accounts_file.read_text())
    practitioners = min(args.practitioners, len(accounts["practitioners"]))
    if practitioners < args.practitioners:
        print(f"load: the demo has {practitioners} practitioners with a caseload; running that many")
    users = practitioners + args.analysts + args.importers
    workers = args.workers or 2 * (os.cpu_count() or 1) + 1
    port = _free_port()
    host = f"http://127.0.0.1:{port}"
    web = worker = None
    try:
        web = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "config.wsgi",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(out / "gunicorn.log").open("w"),
        )
        worker = subprocess.Popen(
            [str(PYTHON), "manage.py", "db_worker", "--no-startup-delay"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(out / "worker.log").open("w"),
        )
        for _ in range(240):
            try:
                urllib.request.urlopen(f"{host}/accounts/login/", timeout=30).read()  # noqa: S310 (our own)
                break
            except OSError:
                time.sleep(0.5)
        else:
            print("load: gunicorn did not answer", file=sys.stderr)
            return 2
        started = time.time()
        locust = subprocess.run(
            [
                str(ROOT / ".venv" / "bin" / "locust"),
                "-f",
                "benchmarks/load/locustfile.py",
                "--headless",
                "--only-summary",
                "--users",
                str(users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                args.duration,
                "--stop-timeout",
                "60",
                "--host",
                host,
                "--csv",
                str(out / "load"),
                "--json-file",
                str(out / "load"),
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env={
                **env,
                "LOAD_ACCOUNTS": str(accounts_file),
                "LOAD_PRACTITIONERS": str(practitioners),
                "LOAD_ANALYSTS": str(args.analysts),
                "LOAD_IMPORTERS": str(args.importers),
                "LOAD_THINK": args.think,
                "LOAD_WRITE_EVERY": str(args.write_every),
            },
            stdout=(out / "locust.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        ran = time.time() - started
        # The worker finishes what the importers gave it (Locust stopped waiting with them).
        counts = _counts(env, tag)
        patience = time.monotonic() + args.drain
        while any(counts.get(f"uploads_{s}", 0) for s in ("checking", "importing")):
            if time.monotonic() > patience:
                break  # reported below: an upload the worker had not finished is no confirmed write
            time.sleep(2)
            counts = _counts(env, tag)
    finally:
        _stop(web)
        _stop(worker)

    stats = json.loads((out / "load.json").read_text())
    rows = []
    everything: dict[int, int] = {}
    pages: dict[int, int] = {}
    for entry in stats:
        histogram = {int(ms): n for ms, n in entry["response_times"].items()}
        for ms, n in histogram.items():
            everything[ms] = everything.get(ms, 0) + n
            if entry["name"] not in ("sign in", "check finished in time", "import finished in time"):
                pages[ms] = pages.get(ms, 0) + n
        rows.append(
            (
                entry["name"],
                entry["num_requests"],
                entry["num_failures"],
                _percentile(histogram, 0.5),
                _percentile(histogram, 0.95),
                _percentile(histogram, 0.99),
                round(entry["max_response_time"]),
            )
        )
    rows.sort(key=lambda row: -row[1])
    requests = sum(r[1] for r in rows)
    failures = sum(r[2] for r in rows)
    p95 = _percentile(everything, 0.95)
    width = max([len(r[0]) for r in rows] + [10])
    print(
        f"\nload: {practitioners} practitioners, {args.analysts} analysts, {args.importers} importers; "
        f"gunicorn {workers} workers; {args.duration} ({ran:.0f} s with spawning and stopping)"
    )
    print(f"{'request':<{width}}  {'count':>7}  {'fail':>5}  {'p50':>6}  {'p95':>6}  {'p99':>6}  {'max':>6}")
    for name, n, fails, p50, p95_row, p99, top in rows:
        print(f"{name:<{width}}  {n:>7}  {fails:>5}  {p50:>6}  {p95_row:>6}  {p99:>6}  {top:>6}")
    print(
        f"{'all':<{width}}  {requests:>7}  {failures:>5}  {_percentile(everything, 0.5):>6}  {p95:>6}  "
        f"{_percentile(everything, 0.99):>6}"
    )
    print(
        f"{requests / max(ran, 1):.1f} requests/s; times in ms; pages alone (not sign-in): "
        f"p95 {_percentile(pages, 0.95)} ms"
    )
    lost = {}
    for name, key in WRITES.items():
        succeeded = sum(r[1] - r[2] for r in rows if r[0] == name)
        stored = counts.get(key, 0)
        lost[name] = (succeeded, stored)
        print(f"writes: {name}: {succeeded} succeeded, {stored} in the database")
    print(f"database after the run: {counts}")
    problems = []
    if failures:
        problems.append(f"{failures} failures (see {out}/load_failures.csv)")
    # An exception in a user's code (a page without the form it should have) is no failed request to Locust.
    with (out / "load_exceptions.csv").open() as exceptions:
        errors = sum(int(row["Count"]) for row in csv.DictReader(exceptions))
    if errors:
        problems.append(f"{errors} errors in the users' code (see {out}/load_exceptions.csv)")
    if any(ok != stored for ok, stored in lost.values()):
        problems.append(f"lost or unconfirmed writes: {lost}")
    if not args.no_timing_check and p95 >= args.max_p95:
        problems.append(f"p95 {p95} ms is not under {args.max_p95} ms")
    if locust.returncode not in (0, 1):
        problems.append(f"locust exited {locust.returncode} (see {out}/locust.log)")
    print("load: " + ("; ".join(problems) if problems else "passed") + f" (files in {out})")
    return 1 if problems else 0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"), required=False)
    parser.add_argument("--practitioners", type=int, default=200)
    parser.add_argument("--analysts", type=int, default=20)
    parser.add_argument("--importers", type=int, default=5)
    parser.add_argument("--duration", default="10m", help="Locust's --run-time (e.g. 20s, 10m)")
    parser.add_argument("--spawn-rate", type=float, default=2.0, help="users started a second")
    parser.add_argument("--think", default="10,30", help="seconds between a user's pages: min,max")
    parser.add_argument(
        "--write-every", type=float, default=60, help="seconds between a practitioner's writes"
    )
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: 2 x cores + 1)")
    parser.add_argument("--max-p95", type=float, default=500, help="ms")
    parser.add_argument(
        "--drain", type=float, default=120, help="seconds to wait afterwards for the worker's imports"
    )
    parser.add_argument("--no-timing-check", action="store_true", help="check errors and writes only")
    parser.add_argument("--out", type=Path, help="folder for Locust's CSV and JSON and the logs")
    args = parser.parse_args()
    if not args.database_url:
        parser.error("--database-url (or DATABASE_URL) is required")
    _seconds(args.duration)  # refuses a duration Locust would not read
    sys.exit(run(args))


if __name__ == "__main__":
    main()
