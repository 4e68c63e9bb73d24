"""Writes about MARAC: a victim recorded, a DASH checklist completed (a score of 14 or more refers the victim
at once, by the DASH route), a referral by professional judgement or escalation, the perpetrator linked to a
person in the caseload, and each agency's actions. Each is one transaction with its own access-log entry, and
each decision names the user who made it: a process without a user may not decide."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.refusals import refuse
from desist.audit.services import log_access
from desist.core import marac as rules
from desist.marac import selectors
from desist.marac.models import (
    ActionStatus,
    DashAssessment,
    MaracAction,
    MaracReferral,
    MaracVictim,
    ReferralStatus,
)
from desist.partnership.models import Agency, District
from desist.people.models import Person
from desist.people.selectors import person_for_actor


class MaracError(ValueError):
    """A MARAC change that cannot be made as asked; the message says why, in the user's words."""


def _deciding_user(actor: Actor) -> User:
    # Every MARAC decision has a deciding user: the demo build acts as its coordinator, never as "system".
    if actor.user is None:
        raise MaracError("A MARAC decision needs the user who makes it.")
    return actor.user


def _today(on: date | None) -> date:
    return on or timezone.localdate()


def _require_support(actor: Actor, what: str) -> None:
    selectors.require_victim_support(actor, what=what)


@transaction.atomic
def victim_record(
    *,
    actor: Actor,
    reference: str,
    name: str,
    date_of_birth: date | None = None,
    district: District | None = None,
    safe_contact: str = "",
    idva: User | None = None,
    on: date | None = None,
) -> MaracVictim:
    """Record a victim referred to MARAC (the roles that support victims only)."""
    _require_support(actor, "recording a MARAC victim")
    reference = reference.strip()
    if MaracVictim.objects.filter(reference__iexact=reference).exists():
        raise MaracError(f"A MARAC victim with the reference {reference} is already recorded.")
    victim = MaracVictim(
        reference=reference,
        name=name.strip(),
        date_of_birth=date_of_birth,
        district=district,
        safe_contact=safe_contact.strip(),
        idva=idva,
        created_on=_today(on),
        created_by=_deciding_user(actor),
    )
    victim.full_clean()
    victim.save()
    log_access(
        actor=actor, action=Action.COLLECTION, obj=victim, summary=f"Recorded MARAC victim {reference}"
    )
    return victim


def _agency(actor: Actor, agency: Agency | None) -> Agency:
    if agency is not None:
        return agency
    found = Agency.objects.filter(pk__in=actor.agency_ids).order_by("pk").first()
    if found is None:
        raise MaracError("Name the referring agency.")
    return found


def _repeat_of(victim: MaracVictim, incident_on: date) -> MaracReferral | None:
    """The victim's last referral, when an incident on `incident_on` is a repeat of it (the core's rule, the
    window a setting)."""
    last = selectors.last_referral(victim.pk, before=incident_on)
    window = settings.DESIST_MARAC_REPEAT_WINDOW_MONTHS
    if last is not None and rules.is_repeat(incident_on, [last.referred_on], window_months=window):
        return last
    return None


def _refer(
    *,
    actor: Actor,
    victim: MaracVictim,
    route: rules.Route,
    incident_on: date,
    referred_on: date,
    referring_agency: Agency,
    dash: DashAssessment | None = None,
    judgement_reason: str = "",
    police_call_outs: int | None = None,
    perpetrator: Person | None = None,
) -> MaracReferral:
    check = rules.route_check(
        route,
        score=dash.score if dash else None,
        call_outs=police_call_outs,
        judgement_reason=judgement_reason,
        escalation_threshold=settings.DESIST_MARAC_ESCALATION_CALL_OUTS,
    )
    if not check.met:
        raise MaracError(check.reason)
    if incident_on > referred_on:
        raise MaracError("The incident must be on or before the day of the referral.")
    user = _deciding_user(actor)
    previous = _repeat_of(victim, incident_on)
    referral = MaracReferral(
        victim=victim,
        route=route,
        incident_on=incident_on,
        referred_on=referred_on,
        referring_agency=referring_agency,
        referred_by=user,
        dash=dash,
        dash_score=dash.score if dash else None,
        judgement_reason=judgement_reason.strip(),
        police_call_outs=police_call_outs,
        is_repeat=previous is not None,
        previous=previous,
        perpetrator=perpetrator,
        perpetrator_linked_by=user if perpetrator else None,
    )
    referral.full_clean()
    referral.save()
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        obj=referral,
        person_id=perpetrator.pk if perpetrator else None,
        summary=f"Referred MARAC victim {victim.reference} to MARAC ({rules.ROUTE_LABELS[route]})"
        + (", a repeat" if previous else ""),
        detail={"route": str(route), "reason": check.reason, "repeat_of": previous.pk if previous else None},
    )
    return referral


@transaction.atomic
def dash_record(
    *,
    actor: Actor,
    victim: MaracVictim,
    answers: Sequence[str],
    incident_on: date,
    agency: Agency | None = None,
    on: date | None = None,
) -> tuple[DashAssessment, MaracReferral | None]:
    """Record a completed SafeLives DASH checklist for a victim. A score of 14 or more (visible high risk)
    refers the victim to MARAC by the DASH route in the same transaction, a repeat where the incident falls
    within the window of their last referral; the referral is returned too (else None)."""
    _require_support(actor, f"a DASH checklist for MARAC victim {victim.pk}")
    try:
        score = rules.dash_score(answers)
    except rules.ChecklistError as error:
        raise MaracError(str(error)) from error
    day = _today(on)
    agency = _agency(actor, agency)
    assessment = DashAssessment(
        victim=victim,
        answers=list(answers),
        score=score,
        assessed_on=day,
        assessed_by=_deciding_user(actor),
        agency=agency,
    )
    assessment.full_clean()
    assessment.save()
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        obj=assessment,
        summary=f"Recorded a DASH checklist for MARAC victim {victim.reference}: {score} yes",
    )
    referral = None
    if rules.is_visible_high_risk(score):
        referral = _refer(
            actor=actor,
            victim=victim,
            route=rules.Route.DASH_SCORE,
            incident_on=min(incident_on, day),
            referred_on=day,
            referring_agency=agency,
            dash=assessment,
        )
    return assessment, referral


@transaction.atomic
def referral_make(
    *,
    actor: Actor,
    victim: MaracVictim,
    route: str,
    incident_on: date,
    referring_agency: Agency | None = None,
    judgement_reason: str = "",
    police_call_outs: int | None = None,
    dash: DashAssessment | None = None,
    on: date | None = None,
) -> MaracReferral:
    """Refer a victim to MARAC by professional judgement (with the reason), escalation (police call-outs in
    12 months at or above the setting) or a DASH checklist of 14 or more already recorded."""
    _require_support(actor, f"referring MARAC victim {victim.pk}")
    try:
        chosen = rules.Route(route)
    except ValueError as error:
        raise MaracError("Choose the route: DASH score, professional judgement or escalation.") from error
    if dash is not None and dash.victim_id != victim.pk:
        raise MaracError("The DASH checklist is another victim's.")
    return _refer(
        actor=actor,
        victim=victim,
        route=chosen,
        incident_on=incident_on,
        referred_on=_today(on),
        referring_agency=_agency(actor, referring_agency),
        dash=dash,
        judgement_reason=judgement_reason,
        police_call_outs=police_call_outs,
    )


@transaction.atomic
def perpetrator_link(*, actor: Actor, referral: MaracReferral, person_id: int | None) -> MaracReferral:
    """Link the referral's perpetrator to a person in the caseload the actor may see (or unlink, with None).
    The roles that support victims only; the person through the one access rule."""
    _require_support(actor, f"linking the perpetrator of MARAC referral {referral.pk}")
    before = referral.perpetrator_id
    person = person_for_actor(actor, person_id, what="linking a MARAC perpetrator") if person_id else None
    referral.perpetrator = person
    referral.perpetrator_linked_by = _deciding_user(actor) if person else None
    referral.full_clean()
    referral.save(update_fields=["perpetrator", "perpetrator_linked_by"])
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        obj=referral,
        person_id=person.pk if person else before,
        summary=(
            f"Linked MARAC referral {referral.pk}'s perpetrator to person {person.pk}"
            if person
            else f"Unlinked MARAC referral {referral.pk}'s perpetrator"
        ),
        detail={"before": before, "after": person.pk if person else None},
    )
    return referral


@transaction.atomic
def action_add(
    *, actor: Actor, referral: MaracReferral, agency: Agency, text: str, due_on: date, on: date | None = None
) -> MaracAction:
    """Record an action an agency agreed for the victim's safety (the MARAC coordinator or IDVA)."""
    _require_support(actor, f"an action on MARAC referral {referral.pk}")
    if not text.strip():
        raise MaracError("Say what the agency will do.")
    day = _today(on)
    action = MaracAction(
        referral=referral,
        agency=agency,
        text=text.strip(),
        due_on=due_on,
        recorded_by=_deciding_user(actor),
        recorded_on=day,
    )
    action.full_clean()
    action.save()
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        obj=action,
        summary=f"Recorded an action for {agency.name} on MARAC referral {referral.pk}",
    )
    return action


@transaction.atomic
def action_close(*, actor: Actor, action: MaracAction, status: str, on: date | None = None) -> MaracAction:
    """Mark an action done or cancelled (its agency, or the MARAC coordinator), or open it again."""
    if not (selectors.is_marac_coordinator(actor) or action.agency_id in actor.agency_ids):
        refuse(actor, summary=f"Refused to change MARAC action {action.pk}", reason=selectors.SUPPORT_ONLY)
    if status not in ActionStatus.values:
        raise MaracError("Choose open, done or cancelled.")
    before = action.status
    action.status = status
    open_again = status == ActionStatus.OPEN
    action.closed_on = None if open_again else _today(on)
    action.closed_by = None if open_again else _deciding_user(actor)
    action.full_clean()
    action.save(update_fields=["status", "closed_on", "closed_by"])
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        obj=action,
        summary=f"Marked MARAC action {action.pk} {action.get_status_display().lower()}",
        detail={"before": before, "after": status},
    )
    return action


@transaction.atomic
def referral_heard(*, actor: Actor, referral: MaracReferral, heard_on: date) -> MaracReferral:
    """Record that the referral was heard at a MARAC meeting (the MARAC coordinator)."""
    if not selectors.is_marac_coordinator(actor):
        refuse(actor, summary=f"Refused to close MARAC referral {referral.pk}", reason=selectors.SUPPORT_ONLY)
    if heard_on < referral.referred_on:
        raise MaracError("A referral is heard on or after the day it was made.")
    _deciding_user(actor)
    referral.status = ReferralStatus.HEARD
    referral.heard_on = heard_on
    referral.full_clean()
    referral.save(update_fields=["status", "heard_on"])
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        obj=referral,
        summary=f"Recorded MARAC referral {referral.pk} as heard on {heard_on:%d %b %Y}",
    )
    return referral
