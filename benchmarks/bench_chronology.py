"""The chronology page at scale (issue 14, item 1: with 250,000 people and 20 million contacts, p95 under
300 ms with bounded queries). Loads people, a probation involvement each, and contacts with SQL
(generate_series), then times `/people/<id>/chronology/` through Django's test client as a probation
practitioner: the first page, a later page, and the agency and date filters, for people chosen at random
(80 contacts each, as 20 million over 250,000 is) and for a few heavy records (thousands each).

    .venv/bin/python benchmarks/bench_chronology.py \
        --database-url postgres://desist:desist@127.0.0.1:54329/bench_chronology --contacts 2000000

The database must be empty or throwaway (it is migrated and filled). PostgreSQL only: the loading is SQL.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

PER_PERSON = 80  # 20 million contacts over 250,000 people


def load(people: int, contacts: int, heavy: int, heavy_each: int) -> tuple[list[int], list[int], str]:
    from django.contrib.auth.models import User
    from django.db import connection

    from desist.partnership.models import Agency, Membership

    probation = Agency.objects.create(code="probation", name="Kent Probation", kind="probation")
    police = Agency.objects.create(code="police", name="Kent Police", kind="police")
    user = User.objects.create_user(username="bench.officer", first_name="Bench", last_name="Officer")
    Membership.objects.create(user=user, agency=probation)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO people_person (first_name, middle_names, last_name, date_of_birth, sex, gender,
                   ethnicity, phone, email, created_at, updated_at)
               SELECT 'Person', '', 'Number ' || g, DATE '1980-01-01' + (g %% 9000), 'male', 'not_stated',
                   'NS', '', '', now(), now()
               FROM generate_series(1, %s) g""",
            [people],
        )
        cursor.execute("SELECT min(id) FROM people_person")
        first = cursor.fetchone()[0]
        cursor.execute(
            """INSERT INTO people_involvement (person_id, agency_id, reason, start_date, lead_worker_id)
               SELECT id, %s, 'Supervision', DATE '2024-01-01', %s FROM people_person""",
            [probation.pk, user.pk],
        )
        # PER_PERSON contacts on each of the first people, then `heavy` people with `heavy_each` each.
        with_contacts = contacts // PER_PERSON
        cursor.execute(
            """INSERT INTO supervision_contact (person_id, kind, occurred_at, agency_id, recorded_by_id,
                   recorded_at, summary, outcome, notes, sensitivity)
               SELECT %s + g / %s,
                   (ARRAY['office_appointment', 'home_visit', 'phone', 'case_note',
                          'information_received'])[1 + g %% 5],
                   now() - (g %% %s) * interval '3 days' - (g %% 600) * interval '1 minute',
                   CASE WHEN g %% 3 = 0 THEN %s ELSE %s END, %s, now(),
                   'Contact ' || g, '', 'Synthetic notes for the benchmark',
                   CASE WHEN g %% 10 = 0 THEN 'own_agency' ELSE 'shared' END
               FROM generate_series(0, %s) g""",
            [first, PER_PERSON, PER_PERSON, police.pk, probation.pk, user.pk, with_contacts * PER_PERSON - 1],
        )
        heavy_first = first + with_contacts
        cursor.execute(
            """INSERT INTO supervision_contact (person_id, kind, occurred_at, agency_id, recorded_by_id,
                   recorded_at, summary, outcome, notes, sensitivity)
               SELECT %s + g / %s, 'case_note', now() - (g %% %s) * interval '6 hours',
                   CASE WHEN g %% 3 = 0 THEN %s ELSE %s END, %s, now(), 'Contact ' || g, '', '',
                   CASE WHEN g %% 10 = 0 THEN 'own_agency' ELSE 'shared' END
               FROM generate_series(0, %s) g""",
            [heavy_first, heavy_each, heavy_each, police.pk, probation.pk, user.pk, heavy * heavy_each - 1],
        )
        cursor.execute("ANALYZE")
    loaded = f"loaded in {time.perf_counter() - started:.0f} s"
    ordinary = list(range(first, first + with_contacts))
    heavy_ids = list(range(heavy_first, heavy_first + heavy))
    return ordinary, heavy_ids, loaded


def measure(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from desist.partnership.models import Agency
    from desist.supervision.models import Contact

    call_command("migrate", "--noinput", verbosity=0)
    if not Contact.objects.exists():
        ordinary, heavy, loaded = load(args.people, args.contacts, args.heavy, args.heavy_each)
    else:
        raise SystemExit("The database already holds contacts: give an empty one.")
    client = Client()
    client.force_login(User.objects.get(username="bench.officer"))
    session = client.session
    session["purpose"] = "case_management"
    session.save()
    police = Agency.objects.get(code="police")
    month = timezone.localdate().replace(day=1).isoformat()
    rng = random.Random(14)
    kinds = [
        ("first page", lambda pid: ""),
        ("page 3", lambda pid: "?page=3"),
        ("police only", lambda pid: f"?agency={police.pk}"),
        ("this month", lambda pid: f"?date_from={month}"),
    ]
    print(
        f"{Contact.objects.count():,} contacts, {len(ordinary) + len(heavy):,} people with contacts; {loaded}"
    )
    for label, people in (("80 contacts", ordinary), ("heavy records", heavy)):
        for kind, suffix in kinds:
            times, queries = [], []
            for _ in range(args.requests):
                pid = rng.choice(people)
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.get(f"/people/{pid}/chronology/{suffix(pid)}")
                    times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.status_code
                queries.append(len(captured.captured_queries))
            times.sort()
            p95 = times[int(len(times) * 0.95) - 1]
            print(
                f"{label:14} {kind:13} p50 {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms  "
                f"queries {min(queries)}-{max(queries)}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True, help="an empty PostgreSQL database")
    parser.add_argument("--people", type=int, default=250_000)
    parser.add_argument("--contacts", type=int, default=20_000_000)
    parser.add_argument("--heavy", type=int, default=20, help="people with many more contacts")
    parser.add_argument("--heavy-each", type=int, default=3000)
    parser.add_argument("--requests", type=int, default=100, help="per kind of request")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    measure(args)


if __name__ == "__main__":
    main()
