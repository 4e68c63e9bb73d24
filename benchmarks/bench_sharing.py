"""The person record with section-level sharing (issue 16): render times for users of agencies whose
sharing agreements give them all, some or little of a record, on a demo partnership.

Uses the database DATABASE_URL names (an empty one: the demo is built there first, with its sharing
agreements), renders the record's sections as the demo probation, housing, health and voluntary sector users,
each for the person with the longest offence history they may see, in-process through Django's test client,
and reports p50/p95 and SQL queries per page. The target is p95 under 300 ms at 250,000 people.

    DATABASE_URL=postgres://USER:PASS@HOST:PORT/DB .venv/bin/python benchmarks/bench_sharing.py \\
        --people 250000 --write-docs
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src"), str(ROOT / "benchmarks")]

USERS = ("demo.probation", "demo.housing", "demo.health", "demo.voluntary")
SECTIONS = {"Overview": "", "Risk and needs": "risk/", "Offence history": "offences/"}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=250_000)
    parser.add_argument("--seed", type=int, default=20121)
    parser.add_argument("--repeat", type=int, default=30, help="renders per page")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DESIST_TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"

    import django

    django.setup()
    from bench_pages import time_page, write_section
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from desist.audit.context import actor_for_user
    from desist.demo.models import DemoBuild
    from desist.people.selectors import visible_people
    from desist.sharing.selectors import shared_categories

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    if DemoBuild.objects.first() is None:
        started = time.perf_counter()
        call_command("build_demo", people=args.people, seed=args.seed, as_of=date.today())
        print(f"loaded in {time.perf_counter() - started:.0f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    rows = []
    for username in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        actor = actor_for_user(user, channel="web", purpose="case_management")
        person = (
            visible_people(actor)
            .annotate(n=Count("offences"))
            .order_by("-n", "pk")
            .values_list("pk", flat=True)
            .first()
        )
        if person is None:
            continue
        shared = len(shared_categories(actor, person))
        client = Client()
        client.force_login(user)
        session = client.session
        session["purpose"] = "case_management"
        session.save()
        for label, part in SECTIONS.items():
            row = time_page(client, f"{username}: {label}", f"/people/{person}/{part}", repeat=args.repeat)
            rows.append((*row, shared))

    if args.write_docs:
        from desist.people.models import Person

        lines = [
            f"## The person record with section-level sharing, {connection.vendor}",
            "",
            "Server time for the record's sections as users of agencies whose sharing agreements give "
            "them all, some or little of a record (issue 16), each for the person with the longest offence "
            "history they may see, after one warm-up render. The target is p95 under 300 ms.",
            "",
            "```\nDATABASE_URL=postgres://… .venv/bin/python benchmarks/bench_sharing.py "
            f"--people {args.people} --write-docs\n```",
            "",
            f"{connection.vendor}, {Person.objects.count():,} people, {args.repeat} renders per page, "
            f"{date.today():%d %b %Y}, {platform.machine()}, 2 cores:",
            "",
            "| user: section | categories shared | p50 (ms) | p95 (ms) | SQL queries |",
            "|---|---:|---:|---:|---:|",
            *[
                f"| {label} | {shared} of 10 | {p50:.1f} | {p95:.1f} | {n} |"
                for label, p50, p95, n, shared in rows
            ],
        ]
        write_section("sharing-" + connection.vendor, "\n".join(lines))


if __name__ == "__main__":
    main()
