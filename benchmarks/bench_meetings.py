"""MAPPA meetings at scale (issue 15: the agenda of a level 2 meeting with 40 cases builds in under 1 s at
250,000 people on PostgreSQL; the meeting and actions pages p95 under 300 ms). Loads people with SQL
(generate_series), a probation involvement each, MAPPA register entries and cases for 2% of them (level 2,
their reviews spread over four weeks), a year of weekly level 2 meetings with forty cases each and two
actions a case, then times building the agenda of the next meeting (30 reviews due and 10 new referrals;
rolled back and built again) and the meeting, minutes, action and overdue-actions pages through Django's test
client as the MAPPA coordinator.

    .venv/bin/python benchmarks/bench_meetings.py \
        --database-url postgres://desist:desist@127.0.0.1:54329/bench_meetings --people 250000

The database must be empty or throwaway (it is migrated and filled). PostgreSQL only: the loading is SQL.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

CASES = 40  # on each agenda
NEW = 10  # new referrals on the measured agenda


def load(people: int, weeks: int) -> str:
    from datetime import datetime, timedelta
    from datetime import time as dtime

    from django.contrib.auth.models import User
    from django.db import connection
    from django.utils import timezone

    from desist.audit.context import actor_for_user
    from desist.meetings import services
    from desist.meetings.models import ActionStatus, AgendaItem, AttendanceStatus, MeetingAction
    from desist.partnership.models import Agency, Membership, Role

    started = time.perf_counter()
    probation = Agency.objects.create(code="probation", name="Kent Probation", kind="probation")
    police = Agency.objects.create(code="police", name="Kent Police", kind="police")
    housing = Agency.objects.create(code="housing", name="Medway Housing", kind="housing")
    coordinator = User.objects.create_user(
        username="bench.mappa", first_name="Bench", last_name="Coordinator"
    )
    Membership.objects.create(user=coordinator, agency=probation, role=Role.COORDINATOR)
    officer = User.objects.create_user(username="bench.police", first_name="Bench", last_name="Police")
    Membership.objects.create(user=officer, agency=police)
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO people_person (first_name, middle_names, last_name, date_of_birth, sex, gender,
                   ethnicity, phone, email, created_at, updated_at)
               SELECT 'Person', '', 'Number ' || g, DATE '1980-01-01' + (g %% 9000), 'male', 'not_stated',
                   'NS', '', '', now(), now()
               FROM generate_series(1, %s) g""",
            [people],
        )
        cursor.execute(
            """INSERT INTO people_involvement (person_id, agency_id, reason, start_date, lead_worker_id)
               SELECT id, %s, 'Supervision', DATE '2024-01-01', NULL FROM people_person""",
            [probation.pk],
        )
        # 2% on the MAPPA register at level 2, their reviews spread over 28 days: about 36 due a week
        # (the measured meeting gets exactly 30 due and 10 new referrals, below).
        cursor.execute(
            """INSERT INTO registers_registerentry (person_id, kind, mappa_category, mappa_level, start_date,
                   notes)
               SELECT id, 'mappa', 1 + id % 3, 2, DATE '2024-01-01', '' FROM people_person
               WHERE id % 50 = 0"""
        )
        cursor.execute(
            """INSERT INTO meetings_mappacase (person_id, level, category, next_review_on, opened_on)
               SELECT id, 2, 1 + id %% 3, %s::date + (8 + (id / 50) %% 28)::int, DATE '2024-01-01'
               FROM people_person WHERE id %% 50 = 0""",
            [today],
        )
        cursor.execute(
            """UPDATE meetings_mappacase SET next_review_on = %s::date + 1 WHERE id IN
               (SELECT id FROM meetings_mappacase ORDER BY id LIMIT %s)""",
            [today, CASES - NEW],
        )
    actor = actor_for_user(coordinator, channel="cli", purpose="case_management")
    series = services.series_create(
        actor=actor,
        name="Bench MAPPA level 2",
        kind="mappa_2",
        chair_agency=probation,
        agencies=[probation, police, housing],
    )
    from desist.meetings.models import MappaCase

    person_ids = list(MappaCase.objects.order_by("id").values_list("person_id", flat=True)[CASES:])
    # The year's history: weekly meetings, each with CASES heard items and two actions a case.
    items, actions = [], []
    for w in range(weeks, 0, -1):
        day = today - timedelta(days=7 * w)
        meeting = services.meeting_schedule(
            actor=actor, series=series, starts_at=timezone.make_aware(datetime.combine(day, dtime(10)))
        )
        meeting.attendance.update(status=AttendanceStatus.PRESENT)
        meeting.status = "held"
        meeting.minutes = "Quorate."
        meeting.minutes_recorded_by = coordinator
        meeting.minutes_recorded_at = timezone.now()
        meeting.save()
        for n in range(CASES):
            pid = person_ids[(w * CASES + n) % len(person_ids)]
            items.append(
                AgendaItem(
                    meeting=meeting,
                    position=n + 1,
                    kind="review",
                    title="Review: category 1, level 2",
                    person_id=pid,
                    discussion="Compliant; no new intelligence.",
                    next_review_on=day + timedelta(days=28),
                    level_before=2,
                    level_after=2,
                    recorded_by=coordinator,
                    recorded_at=timezone.now(),
                )
            )
    AgendaItem.objects.bulk_create(items, batch_size=5000)
    for k, item in enumerate(items):
        for a in range(2):
            due = item.meeting.starts_at.date() + timedelta(days=14)
            actions.append(
                MeetingAction(
                    meeting=item.meeting,
                    item=item,
                    person_id=item.person_id,
                    description="Home visit and report back",
                    owner_agency=police if a else probation,
                    owner_user=officer if a else None,
                    due_on=due,
                    status=ActionStatus.OPEN if due >= today or k % 9 == 0 else ActionStatus.DONE,
                    created_by=coordinator,
                )
            )
    MeetingAction.objects.bulk_create(actions, batch_size=5000)
    # Ten new referrals to level 2 for the next meeting.
    from desist.meetings.models import MappaReferral

    MappaReferral.objects.bulk_create(
        [
            MappaReferral(
                person_id=pid,
                level=2,
                category=2,
                reason="Escalating risk",
                referring_agency=police,
                referred_by=officer,
                referred_on=today,
            )
            for pid in range(1, NEW + 1)
        ]
    )
    services.meeting_schedule(
        actor=actor,
        series=series,
        starts_at=timezone.make_aware(datetime.combine(today + timedelta(days=1), dtime(10))),
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return (
        f"{people:,} people, {MappaCase.objects.count():,} MAPPA cases, {weeks} past meetings with "
        f"{len(items):,} items and {len(actions):,} actions, loaded in {time.perf_counter() - started:.0f} s"
    )


def p95(times: list[float]) -> float:
    times = sorted(times)
    return times[max(0, int(len(times) * 0.95) - 1)]


def measure(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from desist.audit.context import actor_for_user
    from desist.meetings import services
    from desist.meetings.models import Meeting, MeetingAction, MeetingSeries
    from desist.people.models import Person

    call_command("migrate", "--noinput", verbosity=0)
    if Person.objects.exists():
        loaded = "measured again on the data already loaded"
    else:
        loaded = load(args.people, args.weeks)
    print(loaded)
    coordinator = User.objects.get(username="bench.mappa")
    actor = actor_for_user(coordinator, channel="cli", purpose="case_management")
    series = MeetingSeries.objects.get()
    upcoming = series.meetings.order_by("-starts_at").first()
    assert upcoming is not None
    times, sizes = [], []
    for _ in range(args.requests // 4 or 1):
        with transaction.atomic():
            meeting = Meeting.objects.select_related("series").get(pk=upcoming.pk)
            meeting.items.all().delete()  # measured again: the agenda as it was before it was built
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                items = services.agenda_build(actor=actor, meeting=meeting)
                times.append((time.perf_counter() - started) * 1000)
            sizes.append(len(items))
            transaction.set_rollback(True)
    print(
        f"agenda of {sizes[0]} cases built: median {sorted(times)[len(times) // 2]:.0f} ms, "
        f"max {max(times):.0f} ms, {len(captured.captured_queries)} queries"
    )
    with transaction.atomic():
        upcoming.items.all().delete()
        services.agenda_build(
            actor=actor, meeting=Meeting.objects.select_related("series").get(pk=upcoming.pk)
        )
    client = Client()
    client.force_login(coordinator)
    session = client.session
    session["purpose"] = "case_management"
    session.save()
    past = list(series.meetings.filter(status="held").values_list("pk", flat=True))
    action_ids = list(MeetingAction.objects.values_list("pk", flat=True)[:5000])
    rng = random.Random(15)
    pages = [
        ("meeting (next, 40 cases)", lambda: f"/meetings/{upcoming.pk}/"),
        ("meeting (past)", lambda: f"/meetings/{rng.choice(past)}/"),
        ("minutes (past)", lambda: f"/meetings/{rng.choice(past)}/minutes/"),
        ("action", lambda: f"/meetings/actions/{rng.choice(action_ids)}/"),
        ("overdue actions", lambda: f"/meetings/series/{series.pk}/overdue/"),
        ("series", lambda: f"/meetings/series/{series.pk}/"),
    ]
    for label, url in pages:
        times, queries = [], []
        for _ in range(args.requests):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url())
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (label, response.status_code)
            queries.append(len(captured.captured_queries))
        print(
            f"{label}: p95 {p95(times):.0f} ms, median {sorted(times)[len(times) // 2]:.0f} ms, "
            f"{max(queries)} queries"
        )
    police = User.objects.get(username="bench.police")
    client.force_login(police)
    session = client.session
    session["purpose"] = "case_management"
    session.save()
    times = []
    for _ in range(args.requests):
        started = time.perf_counter()
        assert client.get("/work/").status_code == 200
        times.append((time.perf_counter() - started) * 1000)
    print(f"work queue of the police action owner: p95 {p95(times):.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--people", type=int, default=250_000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit("PostgreSQL only: the loading is SQL.")
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    measure(args)


if __name__ == "__main__":
    main()
