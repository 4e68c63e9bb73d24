"""Writes about offence history and the offence code reference list."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.services import log_access
from desist.core.reference import load_offence_codes
from desist.core.risk.ogrs3 import OFFENCE_CATEGORIES
from desist.offences.models import Offence, OffenceCode
from desist.people.models import Person
from desist.people.signals import derived_refresh_later
from desist.release.services import release_dates_offences_changed
from desist.versioning import StaleEdit


@transaction.atomic
def offence_codes_load() -> int:
    """Load the Home Office offence codes (RULES.md §1) that are not yet held; returns how many are held.

    The list comes from DESIST_OFFENCE_CODES_CSV when set, else the shipped default (desist.core.reference).
    """
    rows = load_offence_codes()
    existing = set(OffenceCode.objects.values_list("code", flat=True))
    new = [
        OffenceCode(
            code=r.ho_code,
            category=r.category,
            subcategory=r.subcategory,
            description=r.description or "",
            ogrs3_category=r.ogrs3_category or "",
            ogrs3_weight=r.ogrs3_weight,
            needs_details=r.needs_details,
        )
        for r in rows
        if r.ho_code not in existing
    ]
    OffenceCode.objects.bulk_create(new, batch_size=1000)
    return OffenceCode.objects.count()


class UnknownCategory(ValueError):
    """Not one of the OGRS3 offence categories."""


@transaction.atomic
def offence_category_choose(
    *, actor: Actor, offence: Offence, category: str, read: str | None = None
) -> Offence:
    """Say which OGRS3 category an offence falls in, where its code alone does not decide (RULES.md §1).

    `read` is the category the user's page showed ("" for none yet; None: the one `offence` was loaded with).
    If someone else saved a choice since, nothing is saved and StaleEdit says so (a lost update, issue 10 item
    12): the value itself is the version, as one choice is all this record takes."""
    if category not in OFFENCE_CATEGORIES:
        raise UnknownCategory(f"Choose one of: {', '.join(OFFENCE_CATEGORIES)}.")
    before = offence.ogrs3_category if read is None else read
    if Offence.objects.filter(pk=offence.pk, ogrs3_category=before).update(ogrs3_category=category) != 1:
        raise StaleEdit()
    offence.ogrs3_category = category
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        person_id=offence.person_id,
        obj=offence,
        summary=(
            f"Chose the OGRS3 category of offence {offence.offence_code_id} for person {offence.person_id}"
        ),
        detail={"changes": {"ogrs3_category": {"before": before, "after": category}}},
    )
    derived_refresh_later(offence.person_id)
    # The category decides the sentence's offence groups (SDS+, the early-release exclusions): its release
    # dates are worked out again.
    release_dates_offences_changed(actor=actor, sentence_ids=[offence.sentence_id])
    return offence


@transaction.atomic
def offence_record(
    *,
    actor: Actor,
    person: Person,
    offence_code: str,
    offence_date: date,
    outcome: str,
    outcome_date: date,
    disposal: str = "",
    domestic_abuse: bool = False,
    sentence_id: int | None = None,
) -> Offence:
    """Record a proven offence (a conviction with its disposal, or a caution)."""
    code = OffenceCode.objects.get(code=offence_code)
    offence = Offence(
        person=person,
        offence_code=code,
        offence_date=offence_date,
        outcome=outcome,
        outcome_date=outcome_date,
        disposal=disposal,
        domestic_abuse=domestic_abuse,
        sentence_id=sentence_id,
    )
    offence.full_clean()
    offence.save()
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        summary=f"Recorded offence {offence_code} for person {person.pk}",
        person_id=person.pk,
        obj=offence,
        detail={
            "after": {
                "offence_code": offence_code,
                "offence_date": offence_date.isoformat(),
                "outcome": outcome,
            }
        },
    )
    derived_refresh_later(person.pk)
    # Linked to a sentence: its offences decide SDS+, the early-release exclusions and the offence date, so
    # the release dates are worked out again (as for any change to a sentence).
    release_dates_offences_changed(actor=actor, sentence_ids=[sentence_id])
    return offence
