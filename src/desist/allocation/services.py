"""Writes for allocation: allocating a case to a worker (and reallocating it), transferring it to another
team's queue, a practitioner's grade and hours, reductions, court reports, and the one set-based pass that
recomputes every practitioner's workload. Keyword-only, one transaction, each writing its log entry."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from desist.allocation import selectors
from desist.allocation.models import (
    Allocation,
    AllocationKind,
    CourtReport,
    Practitioner,
    PractitionerChange,
    Reduction,
    T2AMark,
    WeightedContact,
)
from desist.allocation.recompute import workloads_recompute as workloads_recompute  # the services' name
from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.refusals import log_refusal
from desist.audit.services import log_access
from desist.core import workload as rules
from desist.iom.models import LeadProfessional
from desist.partnership.models import AgencyKind, Membership, Team
from desist.people.models import Involvement, Person
from desist.supervision.notify import notification_backend

logger = logging.getLogger("desist.allocation")


class NotAllowed(Exception):
    """The actor may not allocate this case to this worker; the refusal is logged."""


def _check_manager(actor: Actor, case: Involvement) -> None:
    if case.team_id is None or not selectors.managed_teams(actor).filter(pk=case.team_id).exists():
        log_refusal(
            actor,
            summary=f"Refused allocating involvement {case.pk}",
            person_id=case.person_id,
            obj=case,
            reason="not a manager of its team",
        )
        raise NotAllowed("You do not manage this case's team.")


def _notify(worker: User, text: str) -> None:
    """Tell the worker through the notification backend once the allocation is saved; a failed notice is
    logged and does not undo the allocation (the case is in their work queue either way)."""

    def send() -> None:
        try:
            notification_backend().send(worker.email or worker.get_username(), text)
        except Exception:
            logger.exception("Could not tell %s of an allocation", worker.get_username())

    transaction.on_commit(send)


def allocate(
    *, actor: Actor, case: Involvement, worker: User, note: str = "", on: date | None = None
) -> Allocation:
    """Give the case to a worker of its team: the worker becomes the involvement's lead worker, the previous
    holding ends, the decision is kept with its note. A probation case of high or very high RoSH, or MAPPA,
    goes only to a grade that may hold it. For an IOM cohort member the worker becomes the agency's lead
    professional, so the police officer and the probation officer are paired on the cohort record."""
    _check_manager(actor, case)  # outside the transaction: the refusal's log entry must stay
    return _allocate(actor=actor, case=case, worker=worker, note=note, on=on or timezone.localdate())


@transaction.atomic
def _allocate(*, actor: Actor, case: Involvement, worker: User, note: str, on: date) -> Allocation:
    if (
        case.team_id is None
        or not Membership.objects.filter(
            user=worker, team_id=case.team_id, agency_id=case.agency_id, is_active=True
        ).exists()
    ):
        raise ValidationError({"worker": "Choose someone in the case's team."})
    annotated = selectors.case_for_actor(actor, case.pk, on=on)
    points = getattr(annotated, "points", None)
    if case.agency.kind == AgencyKind.PROBATION:
        grade = Practitioner.objects.filter(user=worker).values_list("grade", flat=True).first() or ""
        rosh = getattr(annotated, "rosh", "") or ""
        if not rules.grade_may_hold(grade, rosh=rosh, mappa=bool(getattr(annotated, "mappa", False))):
            raise ValidationError(
                {
                    "worker": "A case of high or very high risk of serious harm, or MAPPA, "
                    "needs a probation officer."
                }
            )
    now = timezone.now()
    previous = case.lead_worker_id
    Allocation.objects.filter(involvement=case, ended_at__isnull=True).update(ended_at=now)
    allocation = Allocation(
        involvement=case,
        person_id=case.person_id,
        agency_id=case.agency_id,
        team_id=case.team_id,
        worker=worker,
        kind=AllocationKind.REALLOCATION if previous else AllocationKind.ALLOCATION,
        note=note,
        decided_by=actor.user,
        decided_at=now,
        points=points,
    )
    allocation.full_clean()
    allocation.save()
    case.lead_worker = worker
    case.save(update_fields=["lead_worker"])
    membership = selectors.is_iom(case.person_id)
    if membership is not None:
        LeadProfessional.objects.update_or_create(
            membership=membership, agency_id=case.agency_id, defaults={"user": worker}
        )
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        summary=f"Case {allocation.get_kind_display().lower()} for person {case.person_id}",
        person_id=case.person_id,
        obj=allocation,
        detail={
            "involvement_id": case.pk,
            "worker_id": worker.pk,
            "previous_worker_id": previous,
            "note": note,
        },
    )
    workloads_recompute(actor=actor, user_ids=[u for u in (worker.pk, previous) if u], on=on)
    _notify(worker, f"A case has been allocated to you: {case.agency} involvement {case.pk} ({case.reason}).")
    return allocation


def transfer(*, actor: Actor, case: Involvement, team: Team, note: str, on: date | None = None) -> Allocation:
    """Move the case to another team of its agency: it waits in that team's queue, unallocated, and its
    history stays with it."""
    _check_manager(actor, case)
    return _transfer(actor=actor, case=case, team=team, note=note, on=on or timezone.localdate())


@transaction.atomic
def _transfer(*, actor: Actor, case: Involvement, team: Team, note: str, on: date) -> Allocation:
    if team.agency_id != case.agency_id:
        raise ValidationError({"team": "Choose a team of the same agency."})
    if not note.strip():
        raise ValidationError({"note": "Say why the case is moving."})
    now = timezone.now()
    previous = case.lead_worker_id
    Allocation.objects.filter(involvement=case, ended_at__isnull=True).update(ended_at=now)
    allocation = Allocation.objects.create(
        involvement=case,
        person_id=case.person_id,
        agency_id=case.agency_id,
        team=team,
        worker=None,
        kind=AllocationKind.TRANSFER,
        note=note,
        decided_by=actor.user,
        decided_at=now,
    )
    case.team = team
    case.lead_worker = None
    case.save(update_fields=["team", "lead_worker"])
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        summary=f"Case transferred to {team.name} for person {case.person_id}",
        person_id=case.person_id,
        obj=allocation,
        detail={"involvement_id": case.pk, "team_id": team.pk, "previous_worker_id": previous, "note": note},
    )
    if previous:
        workloads_recompute(actor=actor, user_ids=[previous], on=on)
    return allocation


def _check_manages(actor: Actor, user: User) -> None:
    """The actor manages a team the practitioner works in; else the refusal is logged and raised."""
    if not selectors.managed_practitioners(actor).filter(pk=user.pk).exists():
        log_refusal(
            actor,
            summary=f"Refused changing the workload record of user {user.pk}",
            reason="not a manager of their team",
        )
        raise NotAllowed("You do not manage this practitioner's team.")


def _recompute_one(actor: Actor, user_ids: list[int]) -> None:
    """After a write that changes someone's workload: recompute them at once (a few queries), inside the
    write's transaction, so the team page shows the new figure."""
    workloads_recompute(actor=actor, user_ids=user_ids)


def practitioner_set(
    *, actor: Actor, user: User, grade: str, contracted_hours: Decimal | None
) -> Practitioner:
    """A practitioner's grade and weekly contracted hours (blank: the grade's default), by their manager;
    the change is kept as history and their workload recomputed."""
    if actor.user_id is not None:
        _check_manages(actor, user)
    return _practitioner_set(actor=actor, user=user, grade=grade, contracted_hours=contracted_hours)


@transaction.atomic
def _practitioner_set(
    *, actor: Actor, user: User, grade: str, contracted_hours: Decimal | None
) -> Practitioner:
    practitioner = Practitioner.objects.filter(user=user).first() or Practitioner(user=user)
    before = {"grade": practitioner.grade, "contracted_hours": practitioner.contracted_hours}
    practitioner.grade, practitioner.contracted_hours = grade, contracted_hours
    practitioner.full_clean()
    practitioner.save()
    PractitionerChange.objects.create(
        user=user,
        grade=grade,
        contracted_hours=contracted_hours,
        changed_by=actor.user,
        changed_at=timezone.now(),
    )
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        summary=f"Grade and hours set for user {user.pk}",
        obj=practitioner,
        detail={
            "before": {k: None if v is None else str(v) for k, v in before.items()},
            "grade": grade,
            "contracted_hours": None if contracted_hours is None else str(contracted_hours),
        },
    )
    _recompute_one(actor, [user.pk])
    return practitioner


def reduction_add(
    *,
    actor: Actor,
    user: User,
    hours: Decimal,
    reason: str,
    starts_on: date,
    ends_on: date,
    notes: str = "",
) -> Reduction:
    """Hours a week off a practitioner's caseload time, for a reason, until an end date."""
    if actor.user_id is not None:
        _check_manages(actor, user)
    return _reduction_add(
        actor=actor, user=user, hours=hours, reason=reason, starts_on=starts_on, ends_on=ends_on, notes=notes
    )


@transaction.atomic
def _reduction_add(
    *, actor: Actor, user: User, hours: Decimal, reason: str, starts_on: date, ends_on: date, notes: str
) -> Reduction:
    reduction = Reduction(
        user=user,
        hours=hours,
        reason=reason,
        starts_on=starts_on,
        ends_on=ends_on,
        notes=notes,
        recorded_by=actor.user,
    )
    reduction.full_clean()
    reduction.save()
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        summary=f"Workload reduction recorded for user {user.pk}",
        obj=reduction,
        detail={"hours": str(hours), "reason": reason, "ends_on": ends_on.isoformat()},
    )
    _recompute_one(actor, [user.pk])
    return reduction


def reduction_end(*, actor: Actor, reduction: Reduction, on: date | None = None) -> Reduction:
    """End a reduction early: its last day becomes the day before `on` (today), so it stops counting from
    `on`; the row stays, with who ended it and when."""
    _check_manages(actor, reduction.user)
    return _reduction_end(actor=actor, reduction=reduction, on=on or timezone.localdate())


@transaction.atomic
def _reduction_end(*, actor: Actor, reduction: Reduction, on: date) -> Reduction:
    if reduction.ends_on < on:
        raise ValidationError({"reduction": "This reduction has already ended."})
    before = reduction.ends_on
    reduction.ends_on = max(on - timedelta(days=1), reduction.starts_on)
    if reduction.starts_on >= on:
        # It had not started: it never counts. Its end cannot precede its start, so it ends as it starts.
        reduction.ends_on = reduction.starts_on
    reduction.ended_by, reduction.ended_at = actor.user, timezone.now()
    reduction.full_clean()
    reduction.save(update_fields=["ends_on", "ended_by", "ended_at"])
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        summary=f"Workload reduction ended for user {reduction.user_id}",
        obj=reduction,
        detail={"ends_on": {"before": before.isoformat(), "after": reduction.ends_on.isoformat()}},
    )
    _recompute_one(actor, [reduction.user_id])
    return reduction


def court_report_add(
    *, actor: Actor, person: Person, author: User, kind: str, requested_on: date, due_on: date
) -> CourtReport:
    """A pre-sentence report the author is writing: weighted in their workload until completed."""
    if actor.user_id is not None:
        _check_manages(actor, author)
    return _court_report_add(
        actor=actor, person=person, author=author, kind=kind, requested_on=requested_on, due_on=due_on
    )


@transaction.atomic
def _court_report_add(
    *, actor: Actor, person: Person, author: User, kind: str, requested_on: date, due_on: date
) -> CourtReport:
    if due_on < requested_on:
        raise ValidationError({"due_on": "The date it is due must be on or after the date it was requested."})
    report = CourtReport(
        person=person,
        author=author,
        kind=kind,
        requested_on=requested_on,
        due_on=due_on,
        recorded_by=actor.user,
    )
    report.full_clean()
    report.save()
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        summary=f"Court report requested for person {person.pk}",
        person_id=person.pk,
        obj=report,
        detail={"author_id": author.pk, "kind": kind},
    )
    _recompute_one(actor, [author.pk])
    return report


def court_report_complete(*, actor: Actor, report: CourtReport, on: date | None = None) -> CourtReport:
    """The report was delivered: it stops counting in its author's workload; the row stays."""
    _check_manages(actor, report.author)
    return _court_report_complete(actor=actor, report=report, on=on or timezone.localdate())


@transaction.atomic
def _court_report_complete(*, actor: Actor, report: CourtReport, on: date) -> CourtReport:
    if report.completed_on is not None:
        raise ValidationError({"report": "This report is already complete."})
    if on < report.requested_on:
        raise ValidationError({"completed_on": "A report cannot be completed before it was requested."})
    report.completed_on = on
    report.save(update_fields=["completed_on"])
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        summary=f"Court report completed for person {report.person_id}",
        person_id=report.person_id,
        obj=report,
        detail={"completed_on": on.isoformat()},
    )
    _recompute_one(actor, [report.author_id])
    return report


def weighted_contact_add(
    *, actor: Actor, person: Person, done_by: User, contact_type: str, done_on: date
) -> WeightedContact:
    """Weighted work a practitioner did on a case (the model's case management support and group supervision
    contact types): it counts for them when the case is held by someone else, and against that holder."""
    if actor.user_id is not None:
        _check_manages(actor, done_by)
    return _weighted_contact_add(
        actor=actor, person=person, done_by=done_by, contact_type=contact_type, done_on=done_on
    )


@transaction.atomic
def _weighted_contact_add(
    *, actor: Actor, person: Person, done_by: User, contact_type: str, done_on: date
) -> WeightedContact:
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": "The date it was done must be today or in the past."})
    holder_id = (
        Involvement.objects.filter(
            person=person,
            agency__kind=AgencyKind.PROBATION,
            lead_worker__isnull=False,
            start_date__lte=done_on,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=done_on))
        .order_by("-start_date", "-id")
        .values_list("lead_worker_id", flat=True)
        .first()
    )
    contact = WeightedContact(
        person=person,
        contact_type=contact_type,
        done_by=done_by,
        holder_id=holder_id,
        done_on=done_on,
        recorded_by=actor.user,
        recorded_at=timezone.now(),
    )
    contact.full_clean()
    contact.save()
    log_access(
        actor=actor,
        action=Action.COLLECTION,
        summary=f"Weighted work recorded for person {person.pk}",
        person_id=person.pk,
        obj=contact,
        detail={"done_by_id": done_by.pk, "holder_id": holder_id, "contact_type": contact_type},
    )
    _recompute_one(actor, [u for u in {done_by.pk, holder_id} if u])
    return contact


def t2a_mark(*, actor: Actor, case: Involvement, t2a: bool) -> T2AMark | None:
    """Mark a probation case T2A (transition to adulthood: weighted from the model's T2A table) or remove the
    mark. Only a person aged 18 to 24 on the day the case started may be marked (core.workload)."""
    _check_manager(actor, case)
    return _t2a_mark(actor=actor, case=case, t2a=t2a)


@transaction.atomic
def _t2a_mark(*, actor: Actor, case: Involvement, t2a: bool) -> T2AMark | None:
    current = T2AMark.objects.select_for_update().filter(involvement=case, removed_at__isnull=True).first()
    now = timezone.now()
    if t2a:
        if case.agency.kind != AgencyKind.PROBATION:
            raise ValidationError({"t2a": "Only a probation case is weighted as T2A."})
        if not rules.t2a_age_allowed(case.person.date_of_birth, case.start_date):
            raise ValidationError(
                {"t2a": "Only a person aged 18 to 24 when the case started can be on the T2A pathway."}
            )
        if current is not None:
            return current
        mark = T2AMark.objects.create(involvement=case, marked_by=actor.user, marked_at=now)
    else:
        if current is None:
            return None
        current.removed_by, current.removed_at = actor.user, now
        current.save(update_fields=["removed_by", "removed_at"])
        mark = current
    log_access(
        actor=actor,
        action=Action.ALTERATION,
        summary=f"Case {'marked' if t2a else 'no longer marked'} T2A for person {case.person_id}",
        person_id=case.person_id,
        obj=mark,
        detail={"involvement_id": case.pk, "t2a": t2a},
    )
    if case.lead_worker_id:
        _recompute_one(actor, [case.lead_worker_id])
    return mark if t2a else None
