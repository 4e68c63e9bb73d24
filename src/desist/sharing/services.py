"""Writes for information sharing: break-glass uses and their review, consent given and withdrawn, cases
restricted and excluded. Each is transactional and writes its access log entry."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.refusals import refuse
from desist.audit.services import log_access
from desist.core import sharing as rules
from desist.sharing.models import (
    CaseRestriction,
    Consent,
    EmergencyAccess,
    RestrictionKind,
    ReviewOutcome,
    SharingAgreement,
)
from desist.sharing.selectors import blocked_people, is_dpo, may_manage_restrictions


class SharingError(ValueError):
    """A request that cannot be carried out as asked (shown to the user)."""


@transaction.atomic
def break_glass(*, actor: Actor, person_id: int, justification: str) -> EmergencyAccess:
    """Open a person's record in an emergency, for DESIST_BREAK_GLASS_MINUTES, with the user's justification.
    Logged at once and queued for the data protection officer's review. A restricted or excluded case
    cannot be opened this way (the refusal page says whom to contact)."""
    from django.apps import apps

    justification = justification.strip()
    if actor.user is None:
        raise SharingError("Only a signed-in user can use emergency access.")
    if len(justification) < 20:
        raise SharingError("Say why you need this record now, in at least 20 characters.")
    person_model = apps.get_model("people", "Person")
    if person_id in blocked_people(actor) or not person_model.objects.filter(pk=person_id).exists():
        refuse(
            actor,
            summary=f"Refused emergency access to person {person_id}",
            person_id=person_id,
            reason="restricted case or no such person",
        )
    now = timezone.now()
    use = EmergencyAccess.objects.create(
        user=actor.user,
        person_id=person_id,
        justification=justification,
        started_at=now,
        expires_at=rules.emergency_expires(now, minutes=settings.DESIST_BREAK_GLASS_MINUTES),
    )
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Emergency access (break-glass) to person {person_id}",
        person_id=person_id,
        obj=use,
        justification=justification,
        detail={"break_glass": True, "expires_at": use.expires_at.isoformat()},
    )
    return use


@transaction.atomic
def review_emergency_access(*, actor: Actor, use_id: int, outcome: str, note: str) -> EmergencyAccess:
    """The data protection officer records the outcome of reviewing one break-glass use."""
    if not is_dpo(actor):
        refuse(actor, summary="Refused to review emergency access", reason="not the DPO", status=403)
    if outcome not in ReviewOutcome.values:
        raise SharingError("Choose an outcome.")
    if outcome != ReviewOutcome.JUSTIFIED and not note.strip():
        raise SharingError("Say what was found, and what follows.")
    use = EmergencyAccess.objects.select_for_update().get(pk=use_id)
    if use.outcome:
        raise SharingError("This use has already been reviewed.")
    use.outcome = outcome
    use.review_note = note.strip()
    use.reviewed_by = actor.user
    use.reviewed_at = timezone.now()
    use.save(update_fields=["outcome", "review_note", "reviewed_by", "reviewed_at"])
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        summary=f"Reviewed emergency access {use.pk}: {use.get_outcome_display()}"[:255],
        person_id=use.person_id,
        obj=use,
        detail={"outcome": outcome},
    )
    return use


@transaction.atomic
def record_consent(
    *,
    actor: Actor,
    person_id: int,
    agency_id: int,
    categories: list[str],
    scope: str,
    given_on: date | None = None,
    purposes: list[str] | None = None,
) -> Consent:
    """Record a person's consent to an agency seeing these categories (where an agreement rests on
    consent), for these purposes (none: for any). It shares from the next request on."""
    unknown = set(categories) - rules.ALL
    if unknown or not categories:
        raise SharingError(
            f"Unknown categories: {', '.join(sorted(unknown))}"
            if unknown
            else "Choose what they agreed to share."
        )
    purposes = sorted(set(purposes or []))
    if set(purposes) - set(settings.DESIST_PURPOSES):
        raise SharingError("Choose purposes from the list.")
    if not scope.strip():
        raise SharingError("Say what the person agreed to, in the words recorded with them.")
    given_on = given_on or timezone.localdate()
    if given_on > timezone.localdate():
        raise SharingError("The day consent was given cannot be in the future.")
    consent = Consent.objects.create(
        person_id=person_id,
        agency_id=agency_id,
        categories=sorted(categories),
        purposes=purposes,
        scope=scope.strip(),
        given_on=given_on,
        recorded_by=actor.user,
    )
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        summary=f"Recorded consent of person {person_id} to sharing with agency {agency_id}",
        person_id=person_id,
        obj=consent,
        detail={"categories": consent.categories, "purposes": purposes},
    )
    return consent


@transaction.atomic
def withdraw_consent(*, actor: Actor, consent_id: int) -> Consent:
    """Withdraw a consent: from this moment the agreements resting on it stop applying to this person."""
    consent = Consent.objects.select_for_update().get(pk=consent_id)
    if consent.withdrawn_at is None:
        consent.withdrawn_at = timezone.now()
        consent.withdrawn_by = actor.user
        consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
        log_access(
            actor=actor,
            action=Action.ALTERATION,
            summary=f"Consent of person {consent.person_id} withdrawn",
            person_id=consent.person_id,
            obj=consent,
        )
    return consent


def _may_manage(actor: Actor, person_id: int, what: str) -> None:
    if not may_manage_restrictions(actor, person_id):
        refuse(
            actor,
            summary=f"Refused to {what} of person {person_id}"[:255],
            person_id=person_id,
            reason="not the offender manager, their team manager or the DPO",
            status=403,
            message="Only the case's offender manager, their team manager and the data protection officer "
            "may restrict a case.",
        )


def restrict_case(
    *, actor: Actor, person_id: int, kind: str, user: User, reason: str, contact: str
) -> CaseRestriction:
    """Restrict a case to a named user, or exclude a named user from it: the case's offender manager, their
    team manager or the data protection officer (`selectors.may_manage_restrictions`). Restricting to named
    users closes the case to everyone else, the one who sets it included unless named too."""
    # Refused outside the transaction, so the refusal stays logged.
    _may_manage(actor, person_id, "restrict the case")
    with transaction.atomic():
        if kind not in RestrictionKind.values:
            raise SharingError("Choose whether to restrict the case to the user or exclude them.")
        if not reason.strip():
            raise SharingError("Say why the case is restricted.")
        if not contact.strip():
            raise SharingError("Say whom a refused user should contact.")
        if CaseRestriction.objects.filter(
            person_id=person_id, kind=kind, user=user, ended_at__isnull=True
        ).exists():
            raise SharingError(f"{user.get_full_name() or user.username} is already named in this way.")
        restriction = CaseRestriction.objects.create(
            person_id=person_id,
            kind=kind,
            user=user,
            reason=reason.strip()[:255],
            contact=contact.strip()[:255],
            created_by=actor.user,
        )
        log_access(
            actor=actor,
            action=Action.ALTERATION,
            summary=f"Case of person {person_id}: {restriction.get_kind_display().lower()} ({user.username})",
            person_id=person_id,
            obj=restriction,
            detail={"kind": kind, "user": user.username, "reason": restriction.reason},
        )
        return restriction


def end_restriction(*, actor: Actor, restriction_id: int) -> CaseRestriction:
    """End a restriction or exclusion (the same users as restrict it); it stops applying at once."""
    found = CaseRestriction.objects.filter(pk=restriction_id).values_list("person_id", flat=True).first()
    if found is None:
        refuse(actor, summary=f"Refused to end restriction {restriction_id}", reason="no such restriction")
    _may_manage(actor, found, f"end restriction {restriction_id}")
    with transaction.atomic():
        restriction = CaseRestriction.objects.select_for_update().get(pk=restriction_id)
        if restriction.ended_at is None:
            restriction.ended_at = timezone.now()
            restriction.ended_by = actor.user
            restriction.save(update_fields=["ended_at", "ended_by"])
            log_access(
                actor=actor,
                action=Action.ALTERATION,
                summary=f"Restriction {restriction.pk} on person {restriction.person_id} ended",
                person_id=restriction.person_id,
                obj=restriction,
                detail={"kind": restriction.kind, "user_id": restriction.user_id},
            )
        return restriction


def agreement_changed(*, actor: Actor, agreement: SharingAgreement, created: bool) -> None:
    """The access log entry for an agreement saved by an administrator (the admin calls this)."""
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        summary=f"Sharing agreement {agreement.reference} {'added' if created else 'changed'}"[:255],
        obj=agreement,
        detail={"categories": agreement.categories, "purposes": agreement.purposes},
    )
