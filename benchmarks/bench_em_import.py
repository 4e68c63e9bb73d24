"""Importing a million electronic monitoring events (issue 14, item 5: under 2 minutes). Sets up people on
community orders with curfew monitoring (a probation involvement each, so every violation has its responsible
officer), writes a supplier's CSV feed of synthetic events for their devices (curfew violations, strap
tampers, zone entries, equipment faults, location points, low batteries), then imports it through the service
`desist.monitoring.services.import_feed` (COPY into a stage, one INSERT ... ON CONFLICT DO NOTHING for the
events and their alerts) and times it; then imports the same file again (idempotent: nothing added).

    .venv/bin/python benchmarks/bench_em_import.py \
        --database-url postgres://desist:desist@127.0.0.1:54329/bench_em --events 1000000

The database must be empty or throwaway (it is migrated and filled).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

KINDS = (
    ("location", 0.55),
    ("curfew_violation", 0.15),
    ("battery_low", 0.12),
    ("equipment_fault", 0.08),
    ("strap_tamper", 0.05),
    ("zone_entry", 0.05),
)


def setup(people: int) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", "--noinput", verbosity=0)
    from django.contrib.auth.models import User
    from django.db import connection

    from desist.partnership.models import Agency, Membership

    probation = Agency.objects.create(code="probation", name="Kent Probation", kind="probation")
    user = User.objects.create_user(username="bench.officer", first_name="Bench", last_name="Officer")
    Membership.objects.create(user=user, agency=probation)
    start = date(2026, 1, 1)
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO people_person (first_name, middle_names, last_name, date_of_birth, sex, gender,
                   ethnicity, phone, email, created_at, updated_at)
               SELECT 'Person', '', 'Tagged ' || g, DATE '1980-01-01' + (g %% 9000), 'male', 'not_stated',
                   'NS', '', '', now(), now()
               FROM generate_series(1, %s) g""",
            [people],
        )
        cursor.execute(
            """INSERT INTO people_involvement (person_id, agency_id, reason, start_date, lead_worker_id)
               SELECT id, %s, 'Supervision', DATE '2025-01-01', %s FROM people_person""",
            [probation.pk, user.pk],
        )
        cursor.execute(
            """INSERT INTO sentences_sentence (person_id, kind, sentence_date, length_days, start_date,
                   end_date, release_is_actual, indeterminate, term_years, term_months, term_weeks, term_days,
                   dates_calculated, version)
               SELECT id, 'community_order', %s, 365, %s, %s + 365, false, false, 0, 0, 0, 0, '', 1
               FROM people_person""",
            [start, start, start],
        )
        cursor.execute(
            """INSERT INTO sentences_requirement (sentence_id, kind, amount, unit, start_date, status)
               SELECT id, 'curfew', 6, 'months', start_date, 'active' FROM sentences_sentence"""
        )
        cursor.execute(
            """INSERT INTO monitoring_monitoringorder (person_id, kind, requirement_id, start_date,
                   curfew_start, curfew_end, curfew_days, zone_name, supplier, device_id, created_at)
               SELECT s.person_id, 'curfew', r.id, r.start_date, '19:00', '07:00', '1234567', '', 'acme',
                   'TAG' || s.person_id, now()
               FROM sentences_requirement r JOIN sentences_sentence s ON s.id = r.sentence_id"""
        )


def write_feed(path: Path, events: int, people: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT person_id FROM monitoring_monitoringorder")
        devices = [f"TAG{row[0]}" for row in cursor.fetchall()]
    rng = random.Random(14)
    kinds = [k for k, _ in KINDS]
    weights = [w for _, w in KINDS]
    base = datetime(2026, 2, 1, tzinfo=UTC)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("event_id,device_id,event_type,timestamp,latitude,longitude\n")
        chosen = rng.choices(kinds, weights, k=events)
        for i in range(events):
            at = base + timedelta(seconds=rng.randrange(0, 60 * 86400))
            device = devices[rng.randrange(len(devices))]
            if chosen[i] == "location":
                lat, lon = f"{51.1 + rng.random() * 0.3:.5f}", f"{0.3 + rng.random() * 1.0:.5f}"
            else:
                lat = lon = ""
            out.write(f"E{i},{device},{chosen[i]},{at:%Y-%m-%dT%H:%M:%SZ},{lat},{lon}\n")


def measure(args: argparse.Namespace) -> None:
    setup(args.people)
    from desist.audit.context import system_actor
    from desist.monitoring.services import import_feed

    path = Path(args.file)
    started = time.perf_counter()
    write_feed(path, args.events, args.people)
    print(
        f"wrote {args.events:,} events ({path.stat().st_size / 1e6:.0f} MB) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    content = path.read_bytes()
    started = time.perf_counter()
    feed = import_feed(actor=system_actor(), supplier="acme", content=content, file_name=path.name)
    first = time.perf_counter() - started
    print(
        f"import: {feed.status}, {feed.events_added:,} events, {feed.alerts_raised:,} alerts, "
        f"{feed.error_count} errors in {first:.1f} s"
    )
    started = time.perf_counter()
    again = import_feed(actor=system_actor(), supplier="acme", content=content, file_name=path.name)
    second = time.perf_counter() - started
    print(
        f"again:  {again.events_added:,} added, {again.events_already_held:,} already held in {second:.1f} s"
    )
    from desist.core.monitoring import parse_feed

    started = time.perf_counter()
    parse_feed(content, supplier="acme")
    print(
        f"of which reading the file alone (core.monitoring.parse_feed): {time.perf_counter() - started:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True, help="an empty PostgreSQL database")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=2_000, help="people with a curfew tag each")
    parser.add_argument("--file", default=str(Path(tempfile.gettempdir()) / "bench_em_feed.csv"))
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    measure(args)


if __name__ == "__main__":
    main()
