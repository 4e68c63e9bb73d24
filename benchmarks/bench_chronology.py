"""The chronology page at scale (issue 14, item 1: with 250,000 people and 20 million contacts, p95 under
300 ms with bounded queries). Loads people, a probation involvement each, and contacts with SQL
(generate_series), then times `/people/<id>/chronology/` through Django's test client as a probation
practitioner: the first page, a later page, and the agency and date filters, for people chosen at random
(80 contacts each, as 20 million over 250,000 is) and for a few heavy records (thousands each).

    .venv/bin/python benchmarks/bench_chronology.py \
        --database-url postgres://desist:desist@127.0.0.1:54329/bench_chronology  # 20 million contacts

The database must be empty or throwaway (it is migrated and filled). PostgreSQL only: the loading is SQL.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

PER_PERSON = 80  # 20 million contacts over 250,000 people


CONTACT_COLUMNS = ", ".join(
    [
        "person_id",
        "kind",
        "occurred_at",
        "agency_id",
        "recorded_by_id",
        "recorded_at",
        "summary",
        "outcome",
        "notes",
        "sensitivity",
    ]
)
KINDS = ("office_appointment", "home_visit", "phone", "case_note", "information_received")
CHUNK = 200_000  # rows a write


def copy_contacts(
    cursor,
    *,
    first: int,
    with_contacts: int,
    heavy_first: int,
    heavy: int,
    heavy_each: int,
    agencies: tuple[int, int],
    user_id: int,
) -> str:
    """Contacts streamed with COPY (text format) while the table's secondary indexes are dropped, then the
    indexes built again: an index built once over 20 million rows is much quicker than one kept up row by
    row. The rows repeat every 1,200 (kind, agency, sensitivity and time of day are all periodic), so each
    line is a prepared middle with the person and the contact's number put in."""
    from datetime import timedelta

    from django.utils import timezone

    police, probation = agencies
    now = timezone.now()
    stamp = now.isoformat()

    def middle(g: int, occurred) -> str:
        agency = police if g % 3 == 0 else probation
        return f"{KINDS[g % 5]}\t{occurred.isoformat()}\t{agency}\t{user_id}\t{stamp}\tContact "

    def tail(g: int, notes: str) -> str:
        return f"\t\t{notes}\t{'own_agency' if g % 10 == 0 else 'shared'}\n"

    period = 1200  # lcm of 80 (days back), 600 (minutes), 5 (kinds), 3 (agencies), 10 (sensitivity)
    ordinary = [
        (
            middle(r, now - timedelta(days=3 * (r % PER_PERSON), minutes=r % 600)),
            tail(r, "Synthetic notes for the benchmark"),
        )
        for r in range(period)
    ]
    # Indexes that back a constraint (the primary key, the one contact an appointment has) stay.
    cursor.execute(
        """SELECT indexname, indexdef FROM pg_indexes i WHERE tablename = 'supervision_contact'
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"""
    )
    indexes = cursor.fetchall()
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    # The rows are made consistent: skip the foreign key triggers (three lookups a row) when the role may.
    # Not a superuser: the checks run, and the load is slower.
    with contextlib.suppress(Exception):
        cursor.execute("SET session_replication_role = replica")
    started = time.perf_counter()
    total = with_contacts * PER_PERSON
    with cursor.copy(f"COPY supervision_contact ({CONTACT_COLUMNS}) FROM STDIN") as copy:
        for start in range(0, total, CHUNK):
            lines = []
            for g in range(start, min(start + CHUNK, total)):
                mid, end = ordinary[g % period]
                lines.append(f"{first + g // PER_PERSON}\t{mid}{g}{end}")
            copy.write("".join(lines).encode())
        lines = []
        for g in range(heavy * heavy_each):
            agency = police if g % 3 == 0 else probation
            occurred = (now - timedelta(hours=6 * (g % heavy_each))).isoformat()
            sensitivity = "own_agency" if g % 10 == 0 else "shared"
            lines.append(
                f"{heavy_first + g // heavy_each}\tcase_note\t{occurred}\t{agency}\t{user_id}\t{stamp}"
                f"\tContact {g}\t\t\t{sensitivity}\n"
            )
        copy.write("".join(lines).encode())
    copied = time.perf_counter() - started
    cursor.execute("RESET session_replication_role")
    rows = total + heavy * heavy_each
    started = time.perf_counter()
    for _, definition in indexes:
        cursor.execute(definition)
    return (
        f"{rows:,} contacts copied in {copied:.0f} s ({rows / max(copied, 0.001):,.0f} rows/s), "
        f"{len(indexes)} indexes built in {time.perf_counter() - started:.0f} s"
    )


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
        heavy_first = first + with_contacts
        copied = copy_contacts(
            cursor,
            first=first,
            with_contacts=with_contacts,
            heavy_first=heavy_first,
            heavy=heavy,
            heavy_each=heavy_each,
            agencies=(police.pk, probation.pk),
            user_id=user.pk,
        )
        cursor.execute("ANALYZE")
    took = time.perf_counter() - started
    loaded = f"loaded in {took:.0f} s ({copied})"
    ordinary = list(range(first, first + with_contacts))
    heavy_ids = list(range(heavy_first, heavy_first + heavy))
    return ordinary, heavy_ids, loaded


def loaded_people(heavy: int) -> tuple[list[int], list[int]]:
    """The people of a database `load` filled (this benchmark's or bench_my_cases.py's): the heavy records are
    the last people with contacts, the ordinary ones all those before them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id) FROM people_person")
        first = cursor.fetchone()[0]
        cursor.execute("SELECT person_id FROM supervision_contact ORDER BY id DESC LIMIT 1")
        last = cursor.fetchone()[0]
    return list(range(first, last - heavy + 1)), list(range(last - heavy + 1, last + 1))


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
    if args.measure_only:
        ordinary, heavy = loaded_people(args.heavy)
        loaded = "measured again on the data already loaded"
    elif not Contact.objects.exists():
        ordinary, heavy, loaded = load(args.people, args.contacts, args.heavy, args.heavy_each)
    else:
        raise SystemExit("The database already holds contacts: give an empty one (or --measure-only).")
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
            times, queries, sql, cpu = [], [], [], []
            for _ in range(args.requests):
                pid = rng.choice(people)
                with CaptureQueriesContext(connection) as captured:
                    started, used = time.perf_counter(), time.process_time()
                    response = client.get(f"/people/{pid}/chronology/{suffix(pid)}")
                    times.append((time.perf_counter() - started) * 1000)
                    cpu.append((time.process_time() - used) * 1000)  # this process only
                assert response.status_code == 200, response.status_code
                queries.append(len(captured.captured_queries))
                sql.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
            times.sort()
            p95 = times[int(len(times) * 0.95) - 1]
            print(
                f"{label:14} {kind:13} p50 {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms  "
                f"queries {min(queries)}-{max(queries)}  SQL p50 {statistics.median(sql):5.1f} ms  "
                f"CPU p50 {statistics.median(cpu):5.1f} ms"
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
    parser.add_argument(
        "--measure-only",
        action="store_true",
        help="measure a loaded database (this or bench_my_cases)",
    )
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    measure(args)


if __name__ == "__main__":
    main()
