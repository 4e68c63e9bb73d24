"""The demo's subject access requests, logged and worked by the data protection officer's demo login through
the services (so each step is in the access log as it would be): one with the export gathered and other
people's details marked for redaction, waiting for the reviewer, due within the month; one just received,
identity not yet verified. After desist.sharing's demo, which makes the DPO. Synthetic throughout."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.models import User
from django.db import transaction

from desist.audit.context import actor_for_user
from desist.audit.models import Channel
from desist.people.models import Person, Relationship
from desist.sharing.demo import DPO_LOGIN
from desist.subject_access import services
from desist.subject_access.models import Regime, SubjectAccessRequest


@transaction.atomic
def demo_subject_access_build(today: date) -> dict[str, int]:
    """Two requests by the DPO; nothing when the DPO's login or people are missing, or requests exist."""
    dpo = User.objects.filter(username=DPO_LOGIN).first()
    if dpo is None or SubjectAccessRequest.objects.exists():
        return {"requests": 0, "marked": 0}
    actor = actor_for_user(dpo, channel=Channel.CLI, purpose="subject_access")
    # Someone with relatives recorded, so the export holds other people's details to redact.
    related = (
        Relationship.objects.filter(person__merged_into__isnull=True)
        .order_by("person_id")
        .values_list("person_id", flat=True)
        .first()
    )
    people = list(
        Person.objects.filter(merged_into__isnull=True).order_by("pk").values_list("pk", flat=True)[:2]
    )
    if related is None and not people:
        return {"requests": 0, "marked": 0}
    first = Person.objects.get(pk=related if related is not None else people[0])
    received = today - timedelta(days=12)
    sar = services.request_log(
        actor=actor,
        person=first,
        requester_name=first.full_name,
        received_on=received,
        regime=Regime.LAW_ENFORCEMENT,
        identity_verified_on=received + timedelta(days=2),
        identity_evidence="Passport and a utility bill seen at the probation office",
        note="Asked for everything probation and the police hold, by letter.",
    )
    sar = services.export_build(actor=actor, sar=sar)
    second_id = next((pk for pk in people if pk != first.pk), None)
    logged = 1
    if second_id is not None:
        second = Person.objects.get(pk=second_id)
        services.request_log(
            actor=actor,
            person=second,
            requester_name="Harper and Lowe Solicitors",
            requester_relation="Solicitor, with signed authority",
            regime=Regime.GDPR,
            received_on=today - timedelta(days=3),
            note="Proof of identity requested from the solicitor.",
        )
        logged = 2
    return {"requests": logged, "marked": len(sar.redactions)}
