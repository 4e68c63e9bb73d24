"""The subject access export for the person with the longest history (issue 16, item 5: under 10 s). Builds
one person with a long generated history (contacts, appointments' worth of chronology, offences, sentences,
relatives and access log entries: who read and shared the record), then times what the data protection
officer's "Gather" and "Download" do: gathering everything held (every person-linked table and the access
log), and laying out the PDF with the JSON and zipping them, with the redactions a reviewer would confirm.

    .venv/bin/python benchmarks/bench_subject_access.py \
        --database-url postgres://desist:desist@127.0.0.1:54329/h7_bench --contacts 3000 --log 10000

The database must be empty or throwaway (it is migrated and filled). Synthetic people only.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]


def build(contacts: int, log: int, offences: int, relatives: int) -> int:
    from django.contrib.auth.models import User
    from django.utils import timezone

    from desist.audit.context import system_actor
    from desist.audit.models import AccessLogEntry, Action
    from desist.audit.services import log_entries_append
    from desist.offences.models import Offence, OffenceCode
    from desist.partnership.models import Agency
    from desist.people.models import Person, Relationship
    from desist.supervision.models import Contact

    now = timezone.now()
    agency, _ = Agency.objects.get_or_create(
        code="bench-probation", defaults={"name": "Bench Probation", "kind": "probation"}
    )
    user, _ = User.objects.get_or_create(username="bench.worker")
    person = Person.objects.create(first_name="Longest", last_name="History", date_of_birth=date(1975, 5, 5))
    kin = Person.objects.bulk_create(
        [Person(first_name=f"Relative{i}", last_name="History") for i in range(relatives)]
    )
    Relationship.objects.bulk_create(
        [Relationship(person=person, related_person=k, kind="sibling") for k in kin]
    )
    code, _ = OffenceCode.objects.get_or_create(code="02800", defaults={"category": 28, "subcategory": 0})
    start = date.today() - timedelta(days=365 * 20)
    Offence.objects.bulk_create(
        [
            Offence(
                person=person,
                offence_code=code,
                offence_date=start + timedelta(days=30 * i),
                outcome="conviction",
                outcome_date=start + timedelta(days=30 * i + 20),
                disposal="community",
            )
            for i in range(offences)
        ]
    )
    Contact.objects.bulk_create(
        [
            Contact(
                person=person,
                kind="office_appointment",
                occurred_at=now - timedelta(hours=24 * 2 * i),
                agency=agency,
                recorded_by=user,
                summary=f"Office appointment {i}: attended, discussed accommodation and work",
                notes="Discussed progress on the sentence plan; no concerns raised. " * 2,
            )
            for i in range(contacts)
        ],
        batch_size=1000,
    )
    actor = system_actor()
    entries = [
        AccessLogEntry(
            user_id=user.pk,
            username=f"worker{i % 40}",
            agency_code="bench-probation",
            action=Action.CONSULTATION if i % 10 else Action.DISCLOSURE,
            channel=actor.channel,
            person_id=person.pk,
            object_type="people.person",
            object_id=str(person.pk),
            summary=f"Viewed the record of person {person.pk}",
            purpose="case_management",
            recipient="" if i % 10 else "Kent Police",
        )
        for i in range(log)
    ]
    for i in range(0, len(entries), 2000):
        log_entries_append(entries[i : i + 2000])
    return person.pk


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--contacts", type=int, default=3000)
    parser.add_argument("--log", type=int, default=10000)
    parser.add_argument("--offences", type=int, default=80)
    parser.add_argument("--relatives", type=int, default=6)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from desist.subject_access import export
    from desist.subject_access.models import Status, SubjectAccessRequest
    from desist.subject_access.selectors import person_holdings

    call_command("migrate", "--noinput", verbosity=0)
    person_id = build(args.contacts, args.log, args.offences, args.relatives)

    started = time.perf_counter()
    holdings = person_holdings(person_id)
    gathered = time.perf_counter() - started
    rows = sum(len(s["rows"]) for s in holdings.sections)
    sar = SubjectAccessRequest(
        person_id=person_id,
        requester_name="Longest History",
        received_on=timezone.localdate(),
        due_on=timezone.localdate(),
        status=Status.REVIEWED,
        export=holdings.as_json(),
        redactions=[c["id"] for c in holdings.candidates if c["proposed"]],
        exported_at=timezone.now(),
    )
    sar.save()
    started = time.perf_counter()
    archive = export.export_zip(sar)
    laid_out = time.perf_counter() - started
    print(
        f"{rows} rows in {len(holdings.sections)} sections, {len(holdings.access_log)} access log entries, "
        f"{len(holdings.candidates)} redaction candidates"
    )
    print(
        f"gather {gathered:.2f} s; PDF + JSON + zip {laid_out:.2f} s ({len(archive) / 1e6:.1f} MB); "
        f"total {gathered + laid_out:.2f} s"
    )


if __name__ == "__main__":
    main()
