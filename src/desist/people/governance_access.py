"""Who may open a record's information governance (docs/information-governance.md): the getters the
Restrictions and Consent pages (desist.people.governance) and the API (desist.api.governance) share, each
refusal logged with `desist.audit.refusals.refuse`.

- **Restrictions**: the case's offender manager, their team manager and the data protection officer
  (`sharing.selectors.may_manage_restrictions`); anyone else who may see the record is refused (403), anyone
  who may not, as for the record (404).
- **Consent**: everyone who may see the record, and the data protection officer, for any person kept."""

from __future__ import annotations

from desist.audit.context import Actor
from desist.audit.refusals import refuse
from desist.people.models import Person
from desist.people.selectors import person_for_actor
from desist.sharing import selectors as sharing
from desist.sharing.models import CaseRestriction, Consent

NOT_MANAGER = (
    "Only the case's offender manager, their team manager and the data protection officer may restrict a "
    "case."
)


def governance_person(actor: Actor, person_id: int, *, what: str) -> Person:
    """The person for the DPO (any record kept), else as the record gives them (refused as the record is)."""
    if sharing.is_dpo(actor):
        person = Person.objects.filter(pk=person_id, merged_into__isnull=True).first()
        if person is None:
            refuse(actor, summary=f"Refused {what} of person {person_id}"[:255], person_id=person_id)
        return person
    return person_for_actor(actor, person_id, what=what)


def restrictions_person(actor: Actor, person_id: int) -> Person:
    """The person whose restrictions the actor may see and change; refused (and logged) otherwise."""
    person = governance_person(actor, person_id, what="the restrictions")
    if not sharing.may_manage_restrictions(actor, person_id):
        refuse(
            actor,
            summary=f"Refused the restrictions of person {person_id}",
            person_id=person_id,
            reason="not the offender manager, their team manager or the DPO",
            status=403,
            message=NOT_MANAGER,
        )
    return person


def restriction_in_force(actor: Actor, person: Person, restriction_id: int) -> None:
    """Refuse (404, logged) unless the restriction is one of this person's in force."""
    if not CaseRestriction.objects.filter(
        pk=restriction_id, person_id=person.pk, ended_at__isnull=True
    ).exists():
        refuse(
            actor,
            summary=f"Refused to end restriction {restriction_id} of person {person.pk}",
            person_id=person.pk,
            reason="no such restriction in force",
        )


def consents_person(actor: Actor, person_id: int) -> Person:
    """The person whose consents the actor may see, record and withdraw; refused (and logged) otherwise."""
    return governance_person(actor, person_id, what="the consents")


def consent_of(actor: Actor, person: Person, consent_id: int) -> None:
    """Refuse (404, logged) unless the consent is this person's."""
    if not Consent.objects.filter(pk=consent_id, person_id=person.pk).exists():
        refuse(
            actor,
            summary=f"Refused to withdraw consent {consent_id} of person {person.pk}",
            person_id=person.pk,
            reason="no such consent",
        )
