"""What people tells the apps above it, so they can follow a change to a record without people (or the apps
beside it) importing them (docs/decisions/0004-no-import-cycles.md)."""

from __future__ import annotations

from django.dispatch import Signal

from desist.people.models import Person

# Sent with `person_id`, inside the transaction that changed a fact desist works figures out from (an
# offence, a sentence, a register entry, an assessment, a date of birth, a merge). The app that owns those
# figures receives it (desist.iom.tasks, connected in IomConfig.ready) and queues the work once the
# transaction commits.
record_changed = Signal()


def derived_refresh_later(person_id: int) -> None:
    """Say that everything derived from this person's record (risk scores, priority groups, IOM candidacy)
    must be worked out again: the receiver queues it once this transaction commits (so the task sees the
    change)."""
    record_changed.send(sender=Person, person_id=person_id)
