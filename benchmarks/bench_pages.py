"""Page render times for the practitioner's everyday pages, on a demo partnership.

Loads a synthetic partnership into the database named by DATABASE_URL (use an empty one; the script
refuses a database that already holds other people), then renders My caseload, the person record,
search and the API list for the demo probation practitioner, in-process through Django's test client
(server time, no network), and reports p50/p95 and SQL queries per page.

    # PostgreSQL, 250,000 people (starts a throwaway cluster):
    .venv/bin/python benchmarks/bench_pages.py --people 250000 --postgres --write-docs
    # SQLite, the demo size:
    .venv/bin/python benchmarks/bench_pages.py --people 50000 --sqlite /tmp/bench.sqlite3 --write-docs
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
DOCS = ROOT / "docs" / "benchmarks.md"


# The benchmark's own cluster, apart from the one the test suite starts and stops.
PG_ENV = {**os.environ, "PG_TEST_STATE_FILE": str(ROOT / "var" / "pg-bench.env"), "PG_TEST_PORT": "54340"}


def _start_postgres() -> str:
    line = (
        subprocess.run(
            ["bash", "scripts/pg-test-cluster.sh", "start"],
            cwd=ROOT,
            check=True,
            env=PG_ENV,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    return line.split("=", 1)[1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=250_000)
    parser.add_argument("--seed", type=int, default=20121)
    parser.add_argument("--repeat", type=int, default=30, help="renders per page")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--postgres", action="store_true", help="start a throwaway PostgreSQL cluster")
    target.add_argument("--sqlite", metavar="FILE", help="a SQLite file (created if missing)")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()

    if args.postgres:
        os.environ["DATABASE_URL"] = _start_postgres()
        engine = "PostgreSQL 15"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(args.sqlite).resolve()}"
        engine = "SQLite"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DESIST_TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from desist.demo.models import DemoBuild
    from desist.people.models import Person

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    build = DemoBuild.objects.first()
    if build is None or build.people != args.people:
        started = time.perf_counter()
        call_command("build_demo", people=args.people, seed=args.seed, as_of=date.today())
        print(f"loaded in {time.perf_counter() - started:.0f} s")
    build = DemoBuild.objects.get()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    worker = User.objects.get(username="demo.probation")
    client = Client()
    client.force_login(worker)
    from desist.audit.context import actor_for_user
    from desist.people.selectors import caseload

    actor = actor_for_user(worker, channel="web")
    mine = list(caseload(actor).values_list("pk", flat=True))
    from django.db.models import Count

    busiest = (
        Person.objects.filter(pk__in=mine)
        .annotate(n=Count("offences"))
        .order_by("-n")
        .values_list("pk", flat=True)
        .first()
    )
    sample = Person.objects.filter(pk__in=mine).order_by("pk").values_list("first_name", "last_name").first()
    pages = {
        "My caseload": "/caseload/",
        "My caseload, filtered and sorted": "/caseload/?status=community&sort=name",
        "Person record (longest history on the caseload)": f"/people/{busiest}/",
        "Search by name with a typo": f"/search/?q={sample[0]}+{sample[1][:-1]}",
        "Search by date of birth": "/search/?q=01/01/1990",
        "API: people list": "/api/people?page=3",
    }
    rows = [time_page(client, label, url, repeat=args.repeat) for label, url in pages.items()]

    if args.write_docs:
        total = Person.objects.count()
        command = (
            f"python benchmarks/bench_pages.py --people {args.people} --postgres --write-docs"
            if args.postgres
            else f"python benchmarks/bench_pages.py --people {args.people} --sqlite /tmp/bench.sqlite3 "
            "--write-docs"
        )
        lines = [
            f"## Page render times, {engine}",
            "",
            "Server time for the demo probation practitioner's pages, rendered in-process by Django's test "
            "client (no network), after one warm-up render. The target is under 300 ms.",
            "",
            f"```\n.venv/bin/{command}\n```",
            "",
            f"{engine}, {total:,} people ({len(mine)} on the practitioner's caseload), {args.repeat} renders "
            f"per page, {date.today():%d %b %Y}, {platform.machine()}, 2 cores, 24 GB:",
            "",
            "| page | p50 (ms) | p95 (ms) | SQL queries |",
            "|---|---:|---:|---:|",
            *[f"| {label} | {p50:.1f} | {p95:.1f} | {n} |" for label, p50, p95, n in rows],
        ]
        key = "pages-postgres" if args.postgres else "pages-sqlite"
        write_section(key, "\n".join(lines))
    if args.postgres:
        subprocess.run(["bash", "scripts/pg-test-cluster.sh", "stop"], cwd=ROOT, check=False, env=PG_ENV)


def time_page(client, label: str, url: str, *, repeat: int, width: int = 50) -> tuple[str, float, float, int]:
    """Render ``url`` once to warm caches, then ``repeat`` times; returns (label, p50 ms, p95 ms, queries)
    and prints the line. Shared by the page benchmarks (pages, release readiness, work queue)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm caches
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (label, url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    times.sort()
    p50, p95 = statistics.median(times), times[max(0, round(0.95 * len(times)) - 1)]
    print(f"{label:<{width}} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  {len(queries)} queries")
    return label, p50, p95, len(queries)


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


if __name__ == "__main__":
    main()
