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

# Sent with no arguments, inside the transaction that wrote many people's records at once without a model
# signal per row (a link run after an import). Apps holding figures over the whole caseload (the board's
# stored basket) receive it and refresh once the transaction commits.
records_loaded = Signal()


def derived_refresh_later(person_id: int) -> None:
    """Say that everything derived from this person's record (risk scores, priority groups, IOM candidacy)
    must be worked out again: the receiver queues it once this transaction commits (so the task sees the
    change)."""
    record_changed.send(sender=Person, person_id=person_id)


def records_loaded_later() -> None:
    """Say that many records were written in bulk: figures over the whole caseload are worked out again."""
    records_loaded.send(sender=Person)
