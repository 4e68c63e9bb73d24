"""The work queue at region scale: 40,000 people under supervision, 2,000 released in the next 12 weeks with
plans, escalations, and a victim linked to a third of those releases (every domestic abuse one), on
PostgreSQL.

Loads the release benchmark's data (bench_release.load) into a fresh database in the shared throwaway cluster,
adds offences, victims and their notifications, then renders `/work/` in-process through Django's test client
as a probation manager (agency-wide tasks and escalations), a probation officer (a caseload of 100) and a
victim liaison officer, and reports p50/p95 and SQL queries. The target is under 300 ms.

    .venv/bin/python benchmarks/bench_workqueue.py --write-docs
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src"), str(Path(__file__).resolve().parent)]

import bench_release  # type: ignore[import-not-found]  # noqa: E402

bench_release.DATABASE = "bench_workqueue"


def add_victims(*, today: date) -> dict[str, int]:
    """A violent offence on each release due, a victim on a third of them (domestic abuse: every fifth)."""
    from django.contrib.auth.models import User

    from desist.offences.models import Offence, OffenceCode
    from desist.partnership.models import Agency, Membership
    from desist.release.models import ReleasePlan
    from desist.victims.demo import demo_victims_build

    code = OffenceCode.objects.create(
        code="10400", category=104, subcategory=0, ogrs3_category="Violence", ogrs3_weight=0.1
    )
    plans = list(ReleasePlan.objects.values_list("person_id", "sentence_id"))
    Offence.objects.bulk_create(
        [
            Offence(
                person_id=person_id,
                offence_code=code,
                offence_date=today - timedelta(days=260),
                outcome="conviction",
                outcome_date=today - timedelta(days=200),
                disposal="custody",
                sentence_id=sentence_id,
                domestic_abuse=n % 5 == 0,
            )
            for n, (person_id, sentence_id) in enumerate(plans)
        ],
        batch_size=2000,
    )
    liaison = User.objects.create_user(
        username="bench.victims", password=None, first_name="Bench", last_name="Liaison"
    )
    probation = Agency.objects.get(code="probation")
    Membership.objects.create(user=liaison, agency=probation, role="victim_liaison")
    # The release benchmark's officers lead a caseload but have no membership; give the one measured here one.
    Membership.objects.create(
        user=User.objects.get(username="officer0"), agency=probation, role="practitioner"
    )
    return demo_victims_build(today)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--supervised", type=int, default=40_000)
    parser.add_argument("--releases", type=int, default=2_000, help="released in the next 12 weeks")
    parser.add_argument("--repeat", type=int, default=30, help="renders per user")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()

    server = bench_release._database_url()
    os.environ["DATABASE_URL"] = bench_release._recreate(server)
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
    from desist.victims.models import VictimNotification

    settings.ALLOWED_HOSTS = ["*"]
    try:
        call_command("migrate", verbosity=0)
        today = date.today()
        started = time.perf_counter()
        built = bench_release.load(supervised=args.supervised, releases=args.releases, today=today)
        victims = add_victims(today=today)
        print(f"loaded in {time.perf_counter() - started:.0f} s: {built} {victims}")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        users = {
            "Probation manager (agency-wide tasks and escalations)": "bench.manager",
            "Probation officer (caseload of 100)": "officer0",
            "Victim liaison officer": "bench.victims",
        }
        from bench_pages import time_page  # type: ignore[import-not-found]

        rows = []
        for label, username in users.items():
            client = Client()
            client.force_login(User.objects.get(username=username))
            rows.append(time_page(client, label, "/work/", repeat=args.repeat, width=56))
        counts = (
            ReleasePlan.objects.filter(release_date__lte=today + timedelta(weeks=12)).count(),
            PlanTask.objects.count(),
            Escalation.objects.count(),
            VictimNotification.objects.count(),
        )
        version = connection.cursor().connection.info.server_version // 10000
    finally:
        connection.close()
        bench_release._drop(server)

    if args.write_docs:
        from bench_pages import write_section  # type: ignore[import-not-found]

        lines = [
            "## The work queue at region scale, PostgreSQL",
            "",
            "Server time for the work queue (`/work/`) for three users, rendered in-process by Django's "
            "test client (no network), after one warm-up render. The target is under 300 ms.",
            "",
            "```\n.venv/bin/python benchmarks/bench_workqueue.py --write-docs\n```",
            "",
            f"PostgreSQL {version}, {args.supervised:,} people under supervision, {counts[0]:,} releases in "
            f"the next 12 weeks with plans ({counts[1]:,} plan tasks, {counts[2]:,} escalations), "
            f"{counts[3]:,} victim notifications, {args.repeat} renders per user, {date.today():%d %b %Y}, "
            f"{platform.machine()}, 2 cores shared:",
            "",
            "| user | p50 (ms) | p95 (ms) | SQL queries |",
            "|---|---:|---:|---:|",
            *[f"| {label} | {p50:.1f} | {p95:.1f} | {n} |" for label, p50, p95, n in rows],
        ]
        write_section("workqueue", "\n".join(lines))


if __name__ == "__main__":
    main()
