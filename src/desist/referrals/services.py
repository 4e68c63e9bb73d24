"""Writes about referrals: make, acknowledge, accept or decline, start, complete or end, change of details
(with a notice to the provider), marking the provider's notices read, and the daily flag on referrals not
acknowledged in time. Each writes its own access-log entry; the pages, the API and the commands call these."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.services import log_access
from desist.core import referrals as rules
from desist.people.models import Person
from desist.referrals.models import (
    OPEN_STATUSES,
    EventKind,
    Outcome,
    ProviderNotice,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Service,
)
from desist.referrals.selectors import person_facts, service_eligibility
from desist.release.models import PATHWAY_CHOICES, PlanTask
from desist.sharing.selectors import shared_categories
from desist.versioning import version_claim


class ReferralError(ValueError):
    """A referral change that cannot be made as asked; the message says why, in the user's words."""


def _today(on: date | None) -> date:
    return on or timezone.localdate()


def _event(referral: Referral, kind: str, actor: Actor, on: date, note: str = "") -> None:
    ReferralEvent.objects.create(referral=referral, kind=kind, on=on, by_id=actor.user_id, note=note[:300])


def _log(actor: Actor, referral: Referral, action: str, summary: str, **detail: Any) -> None:
    log_access(
        actor=actor,
        action=action,
        person_id=referral.person_id,
        obj=referral,
        summary=summary,
        detail={"service": referral.service_id, "status": referral.status, **detail},
    )


def _require_provider(actor: Actor, referral: Referral) -> None:
    if not (actor.is_administrator or referral.service.provider_id in actor.agency_ids):
        raise ReferralError(
            f"Only {referral.service.provider} can do this: the referral is to their service."
        )


def _require_status(referral: Referral, *allowed: str, doing: str) -> None:
    if referral.status not in allowed:
        raise ReferralError(
            f"This referral is {referral.get_status_display().lower()}, so it cannot be {doing}."
        )


@transaction.atomic
def referral_make(
    *,
    actor: Actor,
    person: Person,
    service: Service,
    need: str = "",
    detail: str = "",
    plan_task: PlanTask | None = None,
    on: date | None = None,
) -> Referral:
    """Refer a person to a service for a need (the service's pathway unless said). Refused, with the reasons,
    when the person does not fit the service or already has an open referral for that need."""
    on = _today(on)
    need = need or service.pathway
    if need not in dict(PATHWAY_CHOICES):
        raise ReferralError(f"Choose a need from the seven pathways: {', '.join(dict(PATHWAY_CHOICES))}.")
    if not service.is_active:
        raise ReferralError(f"{service} is not taking referrals.")
    rule, facts = service_eligibility(service), person_facts(person, on=on)
    if rules.eligibility_reasons(rule, facts):
        # Said in words that give only what the referrer's agency is given of the person (sharing).
        reasons = rules.eligibility_reasons(rule, facts, shared_categories(actor, person.pk, on=on))
        raise ReferralError(
            f"{person.first_name} {person.last_name} cannot be referred to {service}: " + " ".join(reasons)
        )
    open_one = (
        Referral.objects.filter(person=person, need=need, status__in=OPEN_STATUSES)
        .select_related("service")
        .first()
    )
    if open_one is not None:
        raise ReferralError(
            f"There is already an open referral for this need: {open_one.service}, "
            f"{open_one.get_status_display().lower()} since {open_one.made_on:%d %B %Y}."
        )
    referral = Referral(
        person=person,
        service=service,
        need=need,
        made_by_id=actor.user_id,
        made_on=on,
        made_by_agency_id=min(actor.agency_ids) if actor.agency_ids else None,
        detail=detail.strip(),
        plan_task=plan_task,
    )
    referral.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            referral.save()
    except IntegrityError as error:  # a referral for the same need made at the same moment
        raise ReferralError("There is already an open referral for this need.") from error
    _event(referral, EventKind.MADE, actor, on, detail)
    # Making a referral discloses the person's details to the provider.
    log_access(
        actor=actor,
        action=Action.DISCLOSURE,
        person_id=person.pk,
        obj=referral,
        summary=f"Referred to {service} ({referral.get_need_display()})",
        recipient=service.provider.name,
        detail={"service": service.pk, "need": need},
    )
    return referral


@transaction.atomic
def referral_acknowledge(
    *, actor: Actor, referral: Referral, on: date | None = None, version: int | None = None
) -> Referral:
    """The provider has received the referral (the response-time clock stops)."""
    on = _today(on)
    _require_provider(actor, referral)
    _require_status(referral, ReferralStatus.MADE, doing="acknowledged")
    referral.status, referral.acknowledged_on = ReferralStatus.ACKNOWLEDGED, on
    version_claim(referral, version)  # the version the user read: StaleEdit if someone moved it on
    referral.save(update_fields=["status", "acknowledged_on"])
    _event(referral, EventKind.ACKNOWLEDGED, actor, on)
    _log(actor, referral, Action.ALTERATION, f"Acknowledged the referral to {referral.service}")
    return referral


@transaction.atomic
def referral_accept(
    *, actor: Actor, referral: Referral, on: date | None = None, version: int | None = None
) -> Referral:
    """The provider takes the referral: it joins the service's waiting list until a place starts.
    Accepting a referral not yet acknowledged acknowledges it too."""
    on = _today(on)
    _require_provider(actor, referral)
    _require_status(referral, ReferralStatus.MADE, ReferralStatus.ACKNOWLEDGED, doing="accepted")
    if referral.acknowledged_on is None:
        referral.acknowledged_on = on
        _event(referral, EventKind.ACKNOWLEDGED, actor, on)
    referral.status, referral.accepted_on = ReferralStatus.WAITING, on
    version_claim(referral, version)
    referral.save(update_fields=["status", "acknowledged_on", "accepted_on"])
    _event(referral, EventKind.ACCEPTED, actor, on)
    _log(actor, referral, Action.ALTERATION, f"Accepted the referral to {referral.service}")
    return referral


@transaction.atomic
def referral_decline(
    *, actor: Actor, referral: Referral, reason: str, on: date | None = None, version: int | None = None
) -> Referral:
    """The provider declines the referral, saying why (the referrer sees the reason)."""
    on = _today(on)
    _require_provider(actor, referral)
    _require_status(referral, ReferralStatus.MADE, ReferralStatus.ACKNOWLEDGED, doing="declined")
    reason = reason.strip()
    if not reason:
        raise ReferralError("Say why the referral is declined.")
    referral.status, referral.declined_on, referral.decline_reason = ReferralStatus.DECLINED, on, reason[:300]
    referral.acknowledged_on = referral.acknowledged_on or on
    version_claim(referral, version)
    referral.save(update_fields=["status", "declined_on", "decline_reason", "acknowledged_on"])
    _event(referral, EventKind.DECLINED, actor, on, reason)
    _log(actor, referral, Action.ALTERATION, f"Declined the referral to {referral.service}", reason=reason)
    return referral


@transaction.atomic
def referral_start(
    *, actor: Actor, referral: Referral, on: date | None = None, version: int | None = None
) -> Referral:
    """The person starts with the service: they leave the waiting list and take a place."""
    on = _today(on)
    _require_provider(actor, referral)
    _require_status(referral, ReferralStatus.WAITING, doing="started")
    referral.status, referral.started_on = ReferralStatus.STARTED, on
    version_claim(referral, version)
    referral.save(update_fields=["status", "started_on"])
    _event(referral, EventKind.STARTED, actor, on)
    _log(actor, referral, Action.ALTERATION, f"Started with {referral.service}")
    return referral


@transaction.atomic
def referral_finish(
    *,
    actor: Actor,
    referral: Referral,
    outcome: str,
    completed: bool = True,
    reason: str = "",
    on: date | None = None,
    version: int | None = None,
) -> Referral:
    """Close a referral with its outcome: completed (the work was done) or ended early (with a reason).
    A referral still waiting can be ended (for example the person moved away), not completed."""
    on = _today(on)
    _require_provider(actor, referral)
    if outcome not in Outcome.values:
        raise ReferralError(f"Choose the outcome: {', '.join(Outcome.labels)}.")
    if completed:
        _require_status(referral, ReferralStatus.STARTED, doing="completed")
    else:
        _require_status(referral, ReferralStatus.WAITING, ReferralStatus.STARTED, doing="ended")
        if not reason.strip():
            raise ReferralError("Say why the referral ended.")
    referral.status = ReferralStatus.COMPLETED if completed else ReferralStatus.ENDED
    referral.ended_on, referral.outcome, referral.end_reason = on, outcome, reason.strip()[:300]
    version_claim(referral, version)
    referral.save(update_fields=["status", "ended_on", "outcome", "end_reason"])
    _event(referral, EventKind.COMPLETED if completed else EventKind.ENDED, actor, on, reason)
    _log(
        actor,
        referral,
        Action.ALTERATION,
        f"{'Completed' if completed else 'Ended'} with {referral.service}: "
        f"{referral.get_outcome_display().lower()}",
        outcome=outcome,
        reason=referral.end_reason,
    )
    return referral


def _notify(
    referral: Referral, actor: Actor, on: date, summary: str, detail: dict[str, Any]
) -> ProviderNotice:
    _event(referral, EventKind.CHANGED, actor, on, summary)
    return ProviderNotice.objects.create(
        referral=referral,
        provider_id=referral.service.provider_id,
        kind=EventKind.CHANGED,
        summary=summary[:300],
        detail=detail,
    )


@transaction.atomic
def referral_details_change(
    *, actor: Actor, referral: Referral, detail: str, on: date | None = None, version: int | None = None
) -> ProviderNotice:
    """Change what the provider is told about an open referral; the provider gets a notice of the change."""
    on = _today(on)
    if not referral.is_open:
        raise ReferralError("Only an open referral's details can change.")
    before, referral.detail = referral.detail, detail.strip()
    if before == referral.detail:
        raise ReferralError("The details are the same as before.")
    version_claim(referral, version)
    referral.save(update_fields=["detail"])
    notice = _notify(
        referral,
        actor,
        on,
        f"The details of the referral to {referral.service} changed",
        {"before": before, "after": referral.detail},
    )
    _log(actor, referral, Action.ALTERATION, f"Changed the details of the referral to {referral.service}")
    return notice


def referrals_release_date_changed(
    *, actor: Actor, person_id: int, old: date | None, new: date, on: date | None = None
) -> int:
    """Tell the provider of every open referral that the person's release date changed (called by
    release.services.release_date_record, in its transaction). Returns how many notices were sent."""
    on = _today(on)
    if old == new:
        return 0
    count = 0
    for referral in Referral.objects.filter(person_id=person_id, status__in=OPEN_STATUSES).select_related(
        "service"
    ):
        was = f"{old:%d %B %Y}" if old else "not set"
        _notify(
            referral,
            actor,
            on,
            f"Release date changed from {was} to {new:%d %B %Y}",
            {"release_date": {"before": old.isoformat() if old else None, "after": new.isoformat()}},
        )
        _log(
            actor,
            referral,
            Action.DISCLOSURE,
            f"Told {referral.service.provider} of a new release date",
            release_date=new.isoformat(),
        )
        count += 1
    return count


def _require_addressee(actor: Actor, notice: ProviderNotice) -> None:
    if notice.provider_id not in actor.agency_ids:
        raise ReferralError("Only the agency a notice was sent to can mark it read.")


@transaction.atomic
def provider_notice_read(*, actor: Actor, notice: ProviderNotice) -> ProviderNotice:
    """Mark one notice read by the actor, who must work for the agency it was sent to. Marking a notice
    already read changes nothing (and logs nothing): who read it first stays on it."""
    _require_addressee(actor, notice)
    if notice.read_at is not None:
        return notice
    notice.read_at, notice.read_by_id = timezone.now(), actor.user_id
    notice.save(update_fields=["read_at", "read_by"])
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        person_id=notice.referral.person_id,
        obj=notice,
        summary=f"Marked read a notice about the referral to {notice.referral.service}",
        detail={"notice": notice.pk, "referral": notice.referral_id},
    )
    return notice


@transaction.atomic
def provider_notices_read_all(*, actor: Actor, up_to: int | None = None) -> int:
    """Mark read every unread notice sent to one of the actor's agencies; with `up_to`, only those up to that
    notice id, so one that arrives while the page is open is not marked read unseen. Returns how many."""
    unread = ProviderNotice.objects.filter(provider_id__in=actor.agency_ids, read_at__isnull=True)
    if up_to is not None:
        unread = unread.filter(pk__lte=up_to)
    rows = list(unread.values_list("pk", "referral__person_id"))
    if not rows:
        return 0
    # read_at still empty: one marked read meanwhile keeps who read it first.
    ProviderNotice.objects.filter(pk__in=[pk for pk, _ in rows], read_at__isnull=True).update(
        read_at=timezone.now(), read_by_id=actor.user_id
    )
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        summary=f"Marked read {len(rows)} referral notices",
        detail={"notices": [pk for pk, _ in rows], "person_ids": sorted({p for _, p in rows})},
    )
    return len(rows)


@transaction.atomic
def referrals_flag_overdue(*, actor: Actor, on: date | None = None) -> int:
    """Flag every referral still not acknowledged after its service's response time (calendar days from the
    day it was made), once: a referral already flagged is left alone, so the daily run can repeat."""
    on = _today(on)
    flagged = 0
    candidates = Referral.objects.filter(status=ReferralStatus.MADE, overdue_on__isnull=True).select_related(
        "service", "service__provider"
    )
    for referral in candidates:
        if referral.made_on + timedelta(days=referral.service.response_days) >= on:
            continue
        referral.overdue_on = on
        referral.save(update_fields=["overdue_on"])
        late = (on - referral.made_on).days
        _event(referral, EventKind.OVERDUE, actor, on, f"Not acknowledged after {late} days")
        ProviderNotice.objects.create(
            referral=referral,
            provider_id=referral.service.provider_id,
            kind=EventKind.OVERDUE,
            detail={"days": late},
            summary=f"Referral to {referral.service} not acknowledged after {late} days "
            f"(response time {referral.service.response_days} days)",
        )
        _log(
            actor,
            referral,
            Action.ALTERATION,
            f"Flagged the referral to {referral.service} as overdue",
            days=late,
        )
        flagged += 1
    return flagged
