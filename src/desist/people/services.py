"""Writes about people. Each service is keyword-only, runs in one transaction and writes its own
access-log entry. Pages, the API, the CLI and importers all call these."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import model_to_dict

from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.refusals import NOT_VISIBLE, log_refusal
from desist.audit.services import log_access, model_changes
from desist.core.identifiers import identifier_problem
from desist.core.names import first_name_key, last_name_keys, normalise_identifier
from desist.people.models import (
    INVERSE_RELATIONSHIP,
    Address,
    Identifier,
    Involvement,
    NameKind,
    Person,
    PersonName,
    Relationship,
    RelationshipKind,
)
from desist.people.selectors import Relative, person_record_queryset, record_relatives, today, visible_people
from desist.people.signals import derived_refresh_later
from desist.sharing.selectors import refusal as sharing_refusal

T = TypeVar("T")


class PersonNotFound(Exception):
    """The person does not exist, or the actor may not see them (the two are not told apart)."""


def name_search_keys(first_name: str, last_name: str) -> dict[str, str]:
    """The search keys stored with a name (used by services and bulk loaders alike)."""
    last_key, last_soundex, last_metaphone = last_name_keys(last_name)
    return {
        "first_key": first_name_key(first_name),
        "last_key": last_key,
        "last_soundex": last_soundex,
        "last_metaphone": last_metaphone,
    }


def person_name_row(*, person_id: int | None, kind: str, first_name: str, last_name: str) -> PersonName:
    """A PersonName with its search keys filled in."""
    # None for a row only compared in memory, never saved (linking); Django types the column as not null.
    return PersonName(
        person_id=cast(int, person_id),
        kind=kind,
        first_name=first_name or "",
        last_name=last_name,
        **name_search_keys(first_name, last_name),
    )


def identifier_row(
    *, person_id: int | None, kind: str, value: str, issuing_agency_id: int | None = None
) -> Identifier:
    return Identifier(
        person_id=cast(int, person_id),  # None as in person_name_row
        kind=kind,
        value=value.strip(),
        value_normalised=normalise_identifier(kind, value),
        issuing_agency_id=issuing_agency_id,
    )


def household_key(*, line1: str, postcode: str) -> str:
    """People whose addresses share this key live in the same household."""
    return f"{' '.join(line1.lower().split())}|{postcode.replace(' ', '').upper()}"


def _snapshot(person: Person) -> dict[str, Any]:
    data = model_to_dict(
        person,
        fields=[
            "first_name",
            "middle_names",
            "last_name",
            "date_of_birth",
            "sex",
            "gender",
            "ethnicity",
            "district",
            "phone",
            "email",
        ],
    )
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in data.items()}


@transaction.atomic
def person_create(
    *,
    actor: Actor,
    first_name: str,
    last_name: str,
    date_of_birth: date | None = None,
    sex: str = "unknown",
    middle_names: str = "",
    gender: str = "not_stated",
    ethnicity: str = "NS",
    district_id: int | None = None,
) -> Person:
    """Create a person with their primary name indexed for search."""
    person = Person(
        first_name=first_name.strip(),
        middle_names=middle_names.strip(),
        last_name=last_name.strip(),
        date_of_birth=date_of_birth,
        sex=sex,
        gender=gender,
        ethnicity=ethnicity,
        district_id=district_id,
    )
    person.full_clean()
    person.save()
    person_name_row(
        person_id=person.pk, kind=NameKind.PRIMARY, first_name=person.first_name, last_name=person.last_name
    ).save()
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        summary=f"Created person {person.pk}",
        person_id=person.pk,
        obj=person,
        detail={"after": _snapshot(person)},
    )
    return person


@transaction.atomic
def person_update(*, actor: Actor, person: Person, **changes: Any) -> Person:
    """Change a person's details; the log keeps the values before and after."""
    before = _snapshot(person)
    for name, value in changes.items():
        setattr(person, name, value)
    person.full_clean()
    person.save()
    if {"first_name", "last_name"} & changes.keys():
        PersonName.objects.filter(person=person, kind=NameKind.PRIMARY).delete()
        person_name_row(
            person_id=person.pk,
            kind=NameKind.PRIMARY,
            first_name=person.first_name,
            last_name=person.last_name,
        ).save()
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        summary=f"Changed details of person {person.pk}",
        person_id=person.pk,
        obj=person,
        detail={"changes": model_changes(before, _snapshot(person))},
    )
    if {"sex", "date_of_birth"} & changes.keys():
        derived_refresh_later(person.pk)
    return person


@transaction.atomic
def person_name_add(
    *, actor: Actor, person: Person, kind: str, first_name: str, last_name: str
) -> PersonName:
    """Record an alias, previous name or nickname."""
    name = person_name_row(person_id=person.pk, kind=kind, first_name=first_name, last_name=last_name)
    name.full_clean()
    name.save()
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        summary=f"Added {kind} to person {person.pk}",
        person_id=person.pk,
        obj=name,
        detail={"after": {"first_name": first_name, "last_name": last_name}},
    )
    return name


@transaction.atomic
def identifier_add(
    *, actor: Actor, person: Person, kind: str, value: str, issuing_agency_id: int | None = None
) -> Identifier:
    """Record an identifier. A PNC, CRN, NHS or National Insurance number must fit its published format
    (ValidationError on `value` otherwise), so a mistyped number is never stored."""
    problem = identifier_problem(kind, value)
    if problem:
        raise ValidationError({"value": problem})
    identifier = identifier_row(
        person_id=person.pk, kind=kind, value=value, issuing_agency_id=issuing_agency_id
    )
    identifier.full_clean()
    identifier.save()
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        summary=f"Added {kind} to person {person.pk}",
        person_id=person.pk,
        obj=identifier,
        detail={"after": {"kind": kind, "value": value}},
    )
    return identifier


@transaction.atomic
def address_add(
    *,
    actor: Actor,
    person: Person,
    line1: str,
    town: str,
    postcode: str,
    from_date: date,
    line2: str = "",
    district_id: int | None = None,
) -> Address:
    """Record a new current address; the previous current address ends the day before."""
    Address.objects.filter(person=person, to_date__isnull=True, from_date__lt=from_date).update(
        to_date=from_date.fromordinal(from_date.toordinal() - 1)
    )
    address = Address(
        person=person,
        line1=line1,
        line2=line2,
        town=town,
        postcode=postcode.upper(),
        district_id=district_id,
        from_date=from_date,
        household_key=household_key(line1=line1, postcode=postcode),
    )
    address.full_clean()
    address.save()
    if district_id is not None:
        Person.objects.filter(pk=person.pk).update(district_id=district_id)
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        summary=f"Added address for person {person.pk}",
        person_id=person.pk,
        obj=address,
        detail={"after": str(address)},
    )
    _families_follow(actor, [person.pk])
    return address


@transaction.atomic
def relationship_record(
    *, actor: Actor, person: Person, related_person: Person, kind: str, source_agency_id: int | None = None
) -> Relationship:
    """Record that `related_person` is `person`'s <kind>, and the inverse."""
    relationship, _ = Relationship.objects.get_or_create(
        person=person,
        related_person=related_person,
        kind=kind,
        defaults={"source_agency_id": source_agency_id},
    )
    Relationship.objects.get_or_create(
        person=related_person,
        related_person=person,
        kind=INVERSE_RELATIONSHIP[RelationshipKind(kind)],
        defaults={"source_agency_id": source_agency_id},
    )
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        summary=f"Recorded {kind} of person {person.pk}",
        person_id=person.pk,
        obj=relationship,
        detail={"related_person_id": related_person.pk},
    )
    _families_follow(actor, [person.pk, related_person.pk])
    return relationship


def _families_follow(actor: Actor, person_ids: list[int]) -> None:
    """A hand edit to an address or a relationship can join or part households: work out again the families
    these people are or could be in (only those), so the family pages are right at once."""
    from desist.families.services import families_refresh

    families_refresh(actor=actor, person_ids=person_ids)


@transaction.atomic
def involvement_start(
    *,
    actor: Actor,
    person: Person,
    agency_id: int,
    reason: str,
    start_date: date,
    lead_worker_id: int | None = None,
    team_id: int | None = None,
) -> Involvement:
    """An agency starts working with a person (which also lets that agency's staff see the record)."""
    involvement = Involvement(
        person=person,
        agency_id=agency_id,
        reason=reason,
        start_date=start_date,
        lead_worker_id=lead_worker_id,
        team_id=team_id,
    )
    involvement.full_clean()
    involvement.save()
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        summary=f"Agency involvement started for person {person.pk}",
        person_id=person.pk,
        obj=involvement,
        detail={"agency_id": agency_id, "reason": reason},
    )
    return involvement


@transaction.atomic
def involvement_end(*, actor: Actor, involvement: Involvement, end_date: date) -> Involvement:
    before = {"end_date": None if involvement.end_date is None else involvement.end_date.isoformat()}
    involvement.end_date = end_date
    involvement.full_clean()
    involvement.save(update_fields=["end_date"])
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        summary=f"Agency involvement ended for person {involvement.person_id}",
        person_id=involvement.person_id,
        obj=involvement,
        detail={"changes": {"end_date": {"before": before["end_date"], "after": end_date.isoformat()}}},
    )
    return involvement


@dataclass
class PersonRecord:
    person: Person
    on: date
    # Family and household as this actor may see them: relatives outside their access are hidden here, once,
    # for the page, the API and anything else that shows a record.
    relatives: list[Relative] = field(default_factory=list)


RECORD_SECTIONS = [
    "identity",
    "identifiers",
    "addresses",
    "family",
    "offences",
    "sentences",
    "registers",
    "agencies",
]


def person_record_show(
    *,
    actor: Actor,
    person_id: int,
    present: Callable[[PersonRecord], T],
    sections: list[str] | None = None,
    on: date | None = None,
) -> T:
    """Open a person's record for the actor, present it (render the page, build the API's answer), and only
    then log the consultation: a record that failed to show is not logged as seen. A refused attempt is logged
    at once.

    Raises PersonNotFound when the person does not exist or is not visible to the actor.
    """
    on = on or today()
    person = (
        person_record_queryset(on, actor=actor)
        .filter(pk__in=visible_people(actor, on=on))
        .filter(pk=person_id)
        .first()
    )
    if person is None:
        # A restricted or excluded case is logged as such (desist.sharing, issue 16, item 2).
        why = sharing_refusal(actor, person_id).reason
        log_refusal(
            actor,
            summary=f"Refused access to person {person_id}",
            person_id=person_id,
            reason=f"{why} case" if why else NOT_VISIBLE,
        )
        raise PersonNotFound(person_id)
    shown = present(PersonRecord(person=person, on=on, relatives=record_relatives(actor, person, on=on)))
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Viewed record of person {person.pk}",
        person_id=person.pk,
        obj=person,
        detail={"sections": sections or RECORD_SECTIONS},
    )
    return shown


def person_record_consult(
    *, actor: Actor, person_id: int, sections: list[str] | None = None, on: date | None = None
) -> PersonRecord:
    """Open a person's record for the actor, logging the consultation (or the refused attempt) at once.

    Raises PersonNotFound when the person does not exist or is not visible to the actor.
    """
    return person_record_show(
        actor=actor, person_id=person_id, present=lambda record: record, sections=sections, on=on
    )


def person_search_record(
    *,
    actor: Actor,
    query: str,
    person_ids: list[int],
    settled_by: str,
    typed: list[dict[str, Any]] | None = None,
    shown_at: str = "",
) -> Any:
    """Log one search the user settled on (issue 10, item 9): the terms, how many people were shown and who.
    `settled_by` says how it settled (submitted, kept on screen, followed by another page); `typed` holds the
    searches shown for a moment while typing towards it, so nothing that was on screen goes unrecorded."""
    detail: dict[str, Any] = {
        "query": query,
        "shown": len(person_ids),
        "person_ids": person_ids,
        "settled_by": settled_by,
    }
    if typed:
        detail["while_typing"] = typed
    if shown_at:
        detail["shown_at"] = shown_at
    return log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Searched for people ({len(person_ids)} found)",
        detail=detail,
    )
