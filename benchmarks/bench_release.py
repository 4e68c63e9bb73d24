"""Release readiness at region scale: 40,000 people under supervision, 2,000 of them released in the next 12
weeks, each with a release plan (7 pathways, 11 tasks) at some stage of readiness, on PostgreSQL.

Loads the data straight into a fresh database in the shared throwaway cluster (scripts/pg-test-cluster.sh; the
database is dropped afterwards), then renders the readiness view and the API list as a probation manager whose
agency supervises all 40,000, in-process through Django's test client (server time, no network), and reports
p50/p95 and SQL queries.

    .venv/bin/python benchmarks/bench_release.py --write-docs
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
DATABASE = "bench_release"


def _database_url() -> str:
    line = (
        subprocess.run(
            ["bash", "scripts/pg-test-cluster.sh", "start"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    return line.split("=", 1)[1]


def _recreate(url: str) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        conn.execute(f"CREATE DATABASE {DATABASE}")
    return url.rsplit("/", 1)[0] + f"/{DATABASE}"


def _drop(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def load(*, supervised: int, releases: int, today: date) -> dict[str, int]:
    """People, one probation involvement each, custodial sentences (releases due and later) and community
    orders."""
    from django.contrib.auth.models import User
    from django.utils import timezone

    from desist.bulk import copy_rows
    from desist.partnership.models import Agency, District, Membership
    from desist.people.models import Involvement, Person
    from desist.release.demo import demo_releases_build
    from desist.sentences.models import Sentence

    districts = District.objects.bulk_create(
        [District(code=f"D{n:02}", name=f"District {n}") for n in range(13)]
    )
    probation = Agency.objects.create(code="probation", name="Region Probation", kind="probation")
    prisons = Agency.objects.bulk_create(
        [Agency(code=f"prison{n}", name=f"HMP Bench {n}", kind="prison") for n in range(4)]
    )
    Agency.objects.bulk_create(
        [Agency(code=k, name=f"Bench {k}", kind=k) for k in ("housing", "treatment", "job_centre", "health")]
    )
    manager = User.objects.create_user(
        username="bench.manager", password=None, first_name="Bench", last_name="Manager"
    )
    Membership.objects.create(user=manager, agency=probation, role="manager")
    officers = User.objects.bulk_create(
        [User(username=f"officer{n}", first_name="Officer", last_name=str(n)) for n in range(400)]
    )
    now = timezone.now()
    copy_rows(
        Person,
        [
            "id",
            "first_name",
            "middle_names",
            "last_name",
            "date_of_birth",
            "sex",
            "gender",
            "ethnicity",
            "district",
            "phone",
            "email",
            "created_at",
            "updated_at",
        ],
        (
            (
                n + 1,
                f"First{n}",
                "",
                f"Last{n:05}",
                date(1980, 1, 1) + timedelta(days=n % 9000),
                "male",
                "not_stated",
                "NS",
                districts[n % 13].pk,
                "",
                "",
                now,
                now,
            )
            for n in range(supervised)
        ),
    )
    copy_rows(
        Involvement,
        ["person", "agency", "reason", "start_date", "end_date", "lead_worker"],
        (
            (n + 1, probation.pk, "Supervision", today - timedelta(days=200), None, officers[n % 400].pk)
            for n in range(supervised)
        ),
    )
    custody = releases * 3  # a third released in the next 12 weeks, the rest later
    rows = []
    for n in range(supervised):
        if n < custody:
            sentenced = today - timedelta(days=200)
            release = today + timedelta(days=(n % 84) if n < releases else 90 + n % 400)
            rows.append(
                (
                    n + 1,
                    n + 1,
                    "custody",
                    sentenced,
                    730,
                    None,
                    None,
                    release,
                    release,
                    False,
                    sentenced + timedelta(days=730),
                    sentenced + timedelta(days=730),
                    prisons[n % 4].pk,
                )
            )
        else:
            start = today - timedelta(days=n % 300)
            rows.append(
                (
                    n + 1,
                    n + 1,
                    "community_order",
                    start,
                    365,
                    start,
                    start + timedelta(days=365),
                    None,
                    None,
                    False,
                    None,
                    None,
                    None,
                )
            )
    copy_rows(
        Sentence,
        [
            "id",
            "person",
            "kind",
            "sentence_date",
            "length_days",
            "start_date",
            "end_date",
            "conditional_release_date",
            "release_date",
            "release_is_actual",
            "licence_expiry_date",
            "sentence_expiry_date",
            "establishment",
        ],
        rows,
    )
    return demo_releases_build(today)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--supervised", type=int, default=40_000)
    parser.add_argument("--releases", type=int, default=2_000, help="released in the next 12 weeks")
    parser.add_argument("--repeat", type=int, default=30, help="renders per page")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()

    server = _database_url()
    os.environ["DATABASE_URL"] = _recreate(server)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DESIST_TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from desist.release.models import Escalation, PlanTask, ReleasePlan

    settings.ALLOWED_HOSTS = ["*"]
    try:
        call_command("migrate", verbosity=0)
        today = date.today()
        started = time.perf_counter()
        built = load(supervised=args.supervised, releases=args.releases, today=today)
        print(f"loaded in {time.perf_counter() - started:.0f} s: {built}")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        client = Client()
        client.force_login(User.objects.get(username="bench.manager"))
        pages = {
            "Readiness view, next 12 weeks (first page of 50)": "/releases/",
            "Readiness view, page 20": "/releases/?page=20",
            "Readiness view, 4 weeks, not started": "/releases/?weeks=4&readiness=not_started",
            "Readiness view, short notice only": "/releases/?short_notice=on",
            "Readiness view, one district": "/releases/?district=1",
            "API: releases list (50)": "/api/releases?page_size=50",
        }
        from bench_pages import time_page  # type: ignore[import-not-found]

        rows = [time_page(client, label, url, repeat=args.repeat, width=52) for label, url in pages.items()]
        due = ReleasePlan.objects.filter(release_date__lte=today + timedelta(weeks=12)).count()
        counts = (due, PlanTask.objects.count(), Escalation.objects.count())
        version = connection.cursor().connection.info.server_version // 10000
    finally:
        connection.close()
        _drop(server)

    if args.write_docs:
        from bench_pages import write_section  # type: ignore[import-not-found]

        lines = [
            "## Release readiness at region scale, PostgreSQL",
            "",
            "Server time for the readiness view (`/releases/`) and the API list, for a probation manager "
            "whose agency supervises everyone, rendered in-process by Django's test client (no network), "
            "after one warm-up render. The target is under 300 ms.",
            "",
            "```\n.venv/bin/python benchmarks/bench_release.py --write-docs\n```",
            "",
            f"PostgreSQL {version}, {args.supervised:,} people under supervision, {counts[0]:,} releases in "
            f"the next 12 weeks with plans ({counts[1]:,} plan tasks, {counts[2]:,} escalations), "
            f"{args.repeat} renders per page, {date.today():%d %b %Y}, {platform.machine()}, 2 cores shared:",
            "",
            "| page | p50 (ms) | p95 (ms) | SQL queries |",
            "|---|---:|---:|---:|",
            *[f"| {label} | {p50:.1f} | {p95:.1f} | {n} |" for label, p50, p95, n in rows],
        ]
        write_section("release", "\n".join(lines))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
