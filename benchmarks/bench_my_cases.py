"""The personal work queue at scale (issue 14, item 7: with 250,000 people and 20 million contacts, the
personal work queue's p95 under 300 ms with bounded queries). Reuses the chronology benchmark's loading
(people, a probation involvement each, contacts: benchmarks/bench_chronology.py), then shares the people among
practitioners (44 cases each, the practitioner in the issue), books appointments for everyone with SQL (past
ones mostly with an outcome, some still to record, some today), and for a sample of practitioners records
failures (awaiting judgement, and judged with a warning due) and release plans whose tasks have passed every
escalation milestone. Times `/work/` through Django's test client: for the sample (a full queue) and for
practitioners chosen at random, and the team view of a manager of the whole probation agency.

    .venv/bin/python benchmarks/bench_my_cases.py \
        --database-url postgres://desist:desist@127.0.0.1:54329/bench_my_cases  # 20 million contacts

The database must be empty or throwaway (it is migrated and filled). PostgreSQL only: the loading is SQL.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src"), str(ROOT / "benchmarks")]

CASES = 44  # the practitioner in the issue had 44 cases


def share_and_book(appointments_each: int) -> tuple[list[int], str]:
    """Practitioners with CASES people each, and appointments for every person with their practitioner."""
    from django.contrib.auth.models import User
    from django.db import connection

    from desist.partnership.models import Agency, Membership

    started = time.perf_counter()
    probation = Agency.objects.get(code="probation")
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), count(*) FROM people_person")
        first, people = cursor.fetchone()
    count = (people + CASES - 1) // CASES
    users = User.objects.bulk_create(
        User(username=f"officer.{n}", first_name="Officer", last_name=str(n), password="!")  # noqa: S106  # unusable: never signs in
        for n in range(count)
    )
    Membership.objects.bulk_create(Membership(user=u, agency=probation) for u in users)
    ids = sorted(u.pk for u in users)
    assert ids[-1] - ids[0] == count - 1, "practitioners' numbers are not contiguous"
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE people_involvement SET lead_worker_id = %s + (person_id - %s) / %s",
            [ids[0], first, CASES],
        )
        # Every `appointments_each`-th appointment is today; of the past ones, one in ten has no outcome yet.
        cursor.execute(
            """INSERT INTO supervision_appointment (person_id, practitioner_id, agency_id, kind, starts_at,
                   ends_at, location, purpose, status, status_reason, suspension_reason, booked_at, outcome,
                   outcome_notes, outcome_recorded_at)
               SELECT p, %s + (p - %s) / %s, %s, 'office', t, t + interval '30 minutes', '', '', 'booked', '',
                   '', now(),
                   CASE WHEN t < now() - interval '1 day' AND (p + k) %% 10 <> 0 THEN 'attended_complied'
                        ELSE '' END,
                   '',
                   CASE WHEN t < now() - interval '1 day' AND (p + k) %% 10 <> 0 THEN t ELSE NULL END
               FROM (SELECT p, k,
                        CASE WHEN (p + k) %% %s = 0
                             THEN date_trunc('day', now()) + interval '9 hours' + (p %% 8) * interval '1 hour'
                             ELSE date_trunc('day', now()) + interval '10 hours'
                                  + (k * 7 - 60) * interval '1 day'
                        END AS t
                     FROM generate_series(%s, %s) p, generate_series(0, %s) k) s""",
            [
                ids[0],
                first,
                CASES,
                probation.pk,
                appointments_each,
                first,
                first + people - 1,
                appointments_each - 1,
            ],
        )
        cursor.execute("ANALYZE")
    return ids, f"shared and booked in {time.perf_counter() - started:.0f} s"


def full_queues(officers: list[int], plans_each: int) -> str:
    """For these practitioners: failures awaiting judgement and with a warning due, and release plans whose
    tasks passed the 12, 4 and 1 week milestones (each task escalated three times)."""
    from django.contrib.auth.models import User

    from desist.audit.context import actor_for_user, system_actor
    from desist.enforcement import services as enforcement
    from desist.people.models import Involvement
    from desist.release import services as release
    from tests.app import builders

    started = time.perf_counter()
    today = builders.TODAY
    plans = []
    for officer in User.objects.filter(pk__in=officers):
        actor = actor_for_user(officer, channel="web")
        people = list(Involvement.objects.filter(lead_worker=officer).values_list("person", flat=True))
        for n, pid in enumerate(people[:6]):
            subject = Involvement.objects.filter(person_id=pid).first().person
            order = builders.community_order(subject, start=today - timedelta(days=100), months=12)
            for days in (2, 9):
                failure = enforcement.record_failure(
                    actor=actor,
                    person=subject,
                    sentence=order,
                    occurred_on=today - timedelta(days=days),
                    description="Did not attend",
                )
            if n % 2:
                enforcement.judge_failure(
                    actor=actor, failure=failure, judgement="unacceptable", reason="None"
                )
        for pid in people[6 : 6 + plans_each]:
            subject = Involvement.objects.filter(person_id=pid).first().person
            sentence = builders.custody(
                subject,
                sentence_date=today - timedelta(days=200),
                length_days=730,
                release=today + timedelta(days=5),
            )
            plans.append(release.release_plan_start(actor=actor, sentence=sentence))
    for weeks in (12, 4, 1):
        release.escalations_raise(actor=system_actor(), on=today - timedelta(weeks=weeks) + timedelta(days=5))
    return f"{len(plans)} release plans and their escalations in {time.perf_counter() - started:.0f} s"


def timed(client, path: str, requests: int, users: list, label: str) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rng = random.Random(7)
    times, queries, sql, cpu = [], [], [], []
    for _ in range(requests):
        client.force_login(rng.choice(users))
        session = client.session
        session["purpose"] = "case_management"
        session.save()
        with CaptureQueriesContext(connection) as captured:
            started, used = time.perf_counter(), time.process_time()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - used) * 1000)  # this process only
        assert response.status_code == 200, response.status_code
        queries.append(len(captured.captured_queries))
        # The database's share (as the driver saw it): on a machine shared with other work the rest of the
        # time is mostly waiting for a core.
        sql.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
    times.sort()
    p95 = times[max(int(len(times) * 0.95) - 1, 0)]
    print(
        f"{label:34} p50 {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms  "
        f"queries {min(queries)}-{max(queries)}  SQL p50 {statistics.median(sql):5.1f} ms  "
        f"CPU p50 {statistics.median(cpu):5.1f} ms"
    )


def measure(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from bench_chronology import load
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client

    from desist.partnership.models import Agency, Membership
    from desist.release.models import Escalation, PlanTask
    from desist.supervision.models import Appointment, Contact

    call_command("migrate", "--noinput", verbosity=0)
    if args.measure_only:
        officers = list(User.objects.filter(username__startswith="officer.").values_list("pk", flat=True))
        sample = list(
            PlanTask.objects.values_list("plan__person__involvements__lead_worker", flat=True).distinct()
        )
        manager = User.objects.get(username="bench.manager")
        print(f"measured again on the data already loaded ({Appointment.objects.count():,} appointments)")
    else:
        if Contact.objects.exists():
            raise SystemExit("The database already holds contacts: give an empty one (or --measure-only).")
        _, _, loaded = load(args.people, args.contacts, 0, 0)
        officers, shared = share_and_book(args.appointments_each)
        sample = random.Random(14).sample(officers, args.full)
        filled = full_queues(sample, args.plans_each)
        manager = User.objects.create_user(username="bench.manager")
        Membership.objects.create(user=manager, agency=Agency.objects.get(code="probation"), role="manager")
        print(
            f"{args.people:,} people, {Contact.objects.count():,} contacts, {Appointment.objects.count():,} "
            f"appointments, {len(officers):,} practitioners of {CASES} cases, {PlanTask.objects.count():,} "
            f"plan tasks, {Escalation.objects.count():,} escalations; {loaded}, {shared}, {filled}"
        )
    client = Client()
    full = list(User.objects.filter(pk__in=sample))
    anyone = list(User.objects.filter(pk__in=random.Random(3).sample(officers, min(200, len(officers)))))
    timed(client, "/work/", args.requests, full, "my cases (a full queue)")
    timed(client, "/work/", args.requests, anyone, "my cases (any practitioner)")
    timed(client, "/work/?view=team", max(args.requests // 5, 5), [manager], "team view (the whole agency)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True, help="an empty PostgreSQL database")
    parser.add_argument("--people", type=int, default=250_000)
    parser.add_argument("--contacts", type=int, default=20_000_000)
    parser.add_argument("--appointments-each", type=int, default=12, help="appointments per person")
    parser.add_argument("--full", type=int, default=20, help="practitioners given failures and release plans")
    parser.add_argument("--plans-each", type=int, default=3, help="release plans per such practitioner")
    parser.add_argument("--requests", type=int, default=100, help="per kind of request")
    parser.add_argument("--measure-only", action="store_true", help="measure again a database already loaded")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    measure(args)


if __name__ == "__main__":
    main()
