"""Allocation and workload at region scale, PostgreSQL: recompute every practitioner's workload in one
set-based pass (allocation.services.workloads_recompute), and render the team workload page and the
allocation page of one case. The targets: the recompute under 30 s for 2,000 practitioners and 250,000
people; each page p95 under 300 ms.

People, one probation involvement each (in one of the teams, with a lead worker; 1% waiting unallocated), a
sentence each (custody, licence or community), a current tier and RoSH; practitioners of every grade with
hours and some reductions, in teams of 10, loaded with COPY into a fresh database of the shared cluster.

    .venv/bin/python benchmarks/bench_allocation.py --people 25000 --practitioners 200 --write-docs
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

TIERS = [f"{letter}{digit}" for letter in "ABCD" for digit in "3210"]
GRADES = ["PO", "PO", "PO", "PSO", "PSO", "PQiP"]


def load(*, people: int, practitioners: int, today: date) -> None:
    from django.contrib.auth.models import User
    from django.utils import timezone

    from desist.allocation.models import Practitioner, Reduction
    from desist.assessments.models import RiskScore
    from desist.bulk import copy_rows
    from desist.partnership.models import Agency, Membership, Team
    from desist.people.models import Involvement, Person
    from desist.sentences.models import Sentence

    probation = Agency.objects.create(code="probation", name="Region Probation", kind="probation")
    teams = Team.objects.bulk_create(
        [Team(agency=probation, name=f"Team {n}") for n in range(max(1, practitioners // 10))]
    )
    manager = User.objects.create_user(username="bench.manager", password=None, first_name="Bench")
    Membership.objects.create(user=manager, agency=probation, team=teams[0], role="manager")
    users = User.objects.bulk_create(
        [User(username=f"pract{n}", first_name="Pract", last_name=str(n)) for n in range(practitioners)]
    )
    Membership.objects.bulk_create(
        [Membership(user=u, agency=probation, team=teams[n % len(teams)]) for n, u in enumerate(users)]
    )
    Practitioner.objects.bulk_create(
        [
            Practitioner(user=u, grade=GRADES[n % len(GRADES)], contracted_hours=37 - (n % 3) * 7)
            for n, u in enumerate(users)
        ]
    )
    Reduction.objects.bulk_create(
        [
            Reduction(
                user=u,
                hours=3,
                reason="Court Duty",
                starts_on=today - timedelta(days=30),
                ends_on=today + timedelta(days=60),
            )
            for u in users[::5]
        ]
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
                f"Last{n:06}",
                date(1980, 1, 1) + timedelta(days=n % 9000),
                "male",
                "not_stated",
                "NS",
                "",
                "",
                now,
                now,
            )
            for n in range(people)
        ),
    )
    copy_rows(
        Involvement,
        ["person", "agency", "team", "reason", "start_date", "end_date", "lead_worker"],
        (
            (
                n + 1,
                probation.pk,
                teams[n % len(teams)].pk,
                "Supervision",
                today - timedelta(days=n % 20),
                None,
                None if n % 97 == 0 else users[n % practitioners].pk,
            )
            for n in range(people)
        ),
    )
    rows = []
    for n in range(people):
        kind = n % 3
        start = today - timedelta(days=100)
        if kind == 0:  # custody
            rows.append(
                (
                    n + 1,
                    n + 1,
                    "custody",
                    start,
                    730,
                    None,
                    None,
                    today + timedelta(days=200),
                    today + timedelta(days=200),
                    False,
                    start + timedelta(days=730),
                    start + timedelta(days=900),
                )
            )
        elif kind == 1:  # licence
            rows.append(
                (
                    n + 1,
                    n + 1,
                    "custody",
                    start,
                    400,
                    None,
                    None,
                    today - timedelta(days=10),
                    today - timedelta(days=10),
                    True,
                    start + timedelta(days=400),
                    start + timedelta(days=500),
                )
            )
        else:
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
        ],
        rows,
    )
    copy_rows(
        RiskScore,
        [
            "person",
            "kind",
            "calculated_at",
            "as_of",
            "band",
            "value",
            "inputs",
            "working",
            "missing",
            "is_current",
            "fingerprint",
        ],
        (
            row
            for n in range(people)
            for row in (
                (n + 1, "tier", now, today, "", TIERS[n % 16], "{}", "[]", "[]", True, ""),
                (
                    n + 1,
                    "rosh",
                    now,
                    today,
                    "",
                    ("low", "medium", "high", "very_high")[n % 4],
                    "{}",
                    "[]",
                    "[]",
                    True,
                    "",
                ),
            )
        ),
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=250_000)
    parser.add_argument("--practitioners", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database", default="bench_allocation")
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the database (to look at plans)")
    args = parser.parse_args()

    bench_release.DATABASE = args.database
    server = os.environ.get("BENCH_SERVER") or bench_release._database_url()
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

    from desist.allocation.models import Workload
    from desist.allocation.services import workloads_recompute
    from desist.audit.context import system_actor
    from desist.people.models import Involvement

    settings.ALLOWED_HOSTS = ["*"]
    try:
        call_command("migrate", verbosity=0)
        today = date.today()
        started = time.perf_counter()
        load(people=args.people, practitioners=args.practitioners, today=today)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"loaded in {time.perf_counter() - started:.0f} s")
        times = []
        for _ in range(3):
            started = time.perf_counter()
            written = workloads_recompute(actor=system_actor(), on=today)
            times.append(time.perf_counter() - started)
        recompute = min(times)
        over = Workload.objects.filter(capacity__gt=100).count()
        print(
            f"recompute: {written} practitioners in {recompute:.1f} s (best of 3: {times}); {over} over 100%"
        )
        from bench_pages import time_page  # type: ignore[import-not-found]

        client = Client()
        manager = User.objects.get(username="bench.manager")
        client.force_login(manager)
        session = client.session
        session["purpose"] = "case_management"
        session.save()
        team_id = manager.memberships.get().team_id
        case = Involvement.objects.filter(team_id=team_id, lead_worker__isnull=True).first()
        assert case is not None
        pages = [
            time_page(client, "Team workload and queue", f"/allocation/teams/{team_id}/", repeat=args.repeat),
            time_page(client, "Allocating one case", f"/allocation/cases/{case.pk}/", repeat=args.repeat),
            time_page(client, "Figures for the manager's teams", "/allocation/", repeat=args.repeat),
        ]
        version = connection.cursor().connection.info.server_version // 10000
    finally:
        connection.close()
        if not args.keep:
            bench_release._drop(server)

    if args.write_docs:
        from bench_pages import write_section  # type: ignore[import-not-found]

        lines = [
            "## Allocation and workload, PostgreSQL",
            "",
            "Every practitioner's workload recomputed in one set-based pass (`workloads_recompute`, best of "
            "three), and the allocation pages rendered in-process by Django's test client (one warm-up "
            "render). Targets: the recompute under 30 s for 2,000 practitioners and 250,000 people; pages "
            "p95 under 300 ms ([allocation.md](allocation.md)).",
            "",
            f"```\n.venv/bin/python benchmarks/bench_allocation.py --people {args.people} "
            f"--practitioners {args.practitioners} --write-docs\n```",
            "",
            f"PostgreSQL {version}, {args.people:,} people with a probation case, {args.practitioners:,} "
            f"practitioners in teams of 10, {date.today():%d %b %Y}, {platform.machine()}, 2 cores shared: "
            f"recompute **{recompute:.1f} s** for {written:,} practitioners ({over:,} over 100%).",
            "",
            "| page | p50 (ms) | p95 (ms) | SQL queries |",
            "|---|---:|---:|---:|",
            *[f"| {label} | {p50:.1f} | {p95:.1f} | {n} |" for label, p50, p95, n in pages],
        ]
        write_section("allocation", "\n".join(lines))


if __name__ == "__main__":
    main()
