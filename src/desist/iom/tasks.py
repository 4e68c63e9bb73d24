"""Background work: a person's IOM score follows their record (after their OGRS3 is updated)."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from desist.audit.context import system_actor
from desist.audit.models import Channel


@task(priority=-10)  # after the risk recalculation, whose OGRS3 the score reads
def refresh_person_candidacy(person_id: int) -> int:
    from desist.iom.services import candidacy_refresh

    return candidacy_refresh(actor=system_actor(channel=Channel.TASK), person_ids=[person_id])


def candidacy_refresh_later(person_id: int) -> None:
    transaction.on_commit(lambda: refresh_person_candidacy.enqueue(person_id))
