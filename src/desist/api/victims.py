"""Victim contact and work queue endpoints (/api/victims/…, /api/work): through the same selectors, services
and form as the pages. Victims are for the victim liaison role only: anyone else gets 404, logged as
denied."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from desist.api.actor import api_actor
from desist.api.schemas import form_field_errors, refusal_errors
from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.refusals import refuse
from desist.audit.services import log_access
from desist.offences.models import Offence
from desist.people.selectors import visible_people
from desist.victims import selectors, services
from desist.victims.forms import CompleteForm, LinkForm, VictimForm
from desist.victims.models import Victim, VictimNotification
from desist.workqueue.selectors import work_queue

router = Router(tags=["victims"])
work_router = Router(tags=["work queue"])
NOT_FOUND = {"detail": "No such record is available to you."}
LIMIT = 200


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    detail: list[dict[str, Any]]


class NotificationOut(Schema):
    id: int
    victim_reference: str
    person_id: int
    event_kind: str
    event_date: date
    summary: str
    deadline: date
    overdue: bool
    short_notice: bool
    domestic_abuse: bool
    status: str
    outcome: str
    completed_on: date | None


class CompleteIn(Schema):
    outcome: str = ""
    note: str = ""


def _out(n: VictimNotification, today: date) -> dict[str, Any]:
    return {
        "id": n.pk,
        "victim_reference": n.victim.reference,
        "person_id": n.person_id,
        "event_kind": n.event_kind,
        "event_date": n.event_date,
        "summary": n.summary,
        "deadline": n.deadline,
        "overdue": n.status == "outstanding" and n.deadline < today,
        "short_notice": n.short_notice,
        "domestic_abuse": n.domestic_abuse,
        "status": n.status,
        "outcome": n.outcome,
        "completed_on": n.completed_on,
    }


@router.get(
    "/notifications",
    response={200: list[NotificationOut], 404: ErrorOut},
    summary="Outstanding victim notifications, soonest deadline first (victim liaison role only)",
)
def notifications(request: HttpRequest, mine: bool = False) -> Any:
    actor = api_actor(request)
    selectors.require_victim_liaison(actor, what="victim contact")
    today = timezone.localdate()
    rows = list(selectors.notifications_outstanding(actor, mine=mine)[:LIMIT])
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Listed victim notifications ({len(rows)})",
        detail={"person_ids": sorted({n.person_id for n in rows})},
    )
    return [_out(n, today) for n in rows]


@router.post(
    "/notifications/{id:notification_id}/complete",
    response={200: NotificationOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Complete a notification with its outcome (required)",
)
def complete(request: HttpRequest, notification_id: int, body: CompleteIn) -> Any:
    actor = api_actor(request)
    item = selectors.notification_for_actor(actor, notification_id)
    form = CompleteForm(body.model_dump())
    if not form.is_valid():
        return Status(422, form_field_errors(form))
    try:
        item = services.notification_complete(
            actor=actor,
            notification=item,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
        )
    except services.VictimError as error:
        return Status(422, refusal_errors(error))
    return _out(item, timezone.localdate())


class VictimLinkOut(Schema):
    offence_id: int
    person_id: int
    linked_on: date


class EligibilityOut(Schema):
    offence_id: int
    eligible: bool
    reasons: list[str]


class VictimOut(Schema):
    id: int
    version: int
    reference: str
    name: str
    contact_preference: str
    opted_in: bool
    wants_to_know: list[str]
    outstanding: int
    links: list[VictimLinkOut]


class VictimDetailOut(VictimOut):
    eligibility: list[EligibilityOut]
    notifications: list[NotificationOut]


class VictimIn(Schema):
    reference: str = ""
    name: str = ""
    contact_preference: str = ""
    opted_in: bool | None = None
    wants_to_know: list[str] = []


class LinkIn(Schema):
    offence_id: int


class VictimChangeIn(Schema):
    # The docstring, as a string so that the line fits: it is the schema's description in the OpenAPI.
    __doc__ = (
        "Only the fields sent change; `version` is the one read (GET /api/victims/{id}): 409 if it has "
        "moved on."
    )

    version: int | None = None
    name: str | None = None
    contact_preference: str | None = None
    opted_in: bool | None = None
    wants_to_know: list[str] | None = None


def _victim_out(v: Victim, outstanding: int | None = None) -> dict[str, Any]:
    links = v.visible_links  # type: ignore[attr-defined]
    return {
        "id": v.pk,
        "version": v.version,
        "reference": v.reference,
        "name": v.name,
        "contact_preference": v.contact_preference,
        "opted_in": v.opted_in,
        "wants_to_know": list(v.wants_to_know),
        "outstanding": v.outstanding if outstanding is None else outstanding,  # type: ignore[attr-defined]
        "links": [
            {"offence_id": link.offence_id, "person_id": link.offence.person_id, "linked_on": link.linked_on}
            for link in links
        ],
    }


def _victim_detail(actor: Actor, victim_id: int) -> Any:
    victim = selectors.victim_for_actor(actor, victim_id)
    today = timezone.localdate()
    shown = {link.offence_id for link in victim.visible_links}  # type: ignore[attr-defined]
    notifications = selectors.victim_notifications(actor, victim)
    out = _victim_out(victim, outstanding=sum(n.status == "outstanding" for n in notifications))
    out["eligibility"] = [
        {"offence_id": o.pk, "eligible": r.eligible, "reasons": list(r.reasons)}
        for o, r in services.victim_eligibility(victim)
        if o.pk in shown
    ]
    out["notifications"] = [_out(n, today) for n in notifications]
    return out


@router.get(
    "",
    response={200: list[VictimOut], 404: ErrorOut},
    summary="Victims you may see, by reference (victim liaison role only)",
)
def victims(request: HttpRequest, reference: str = "") -> Any:
    actor = api_actor(request)
    selectors.require_victim_liaison(actor, what="victims")
    rows = list(selectors.victims_list(actor, reference=reference)[:LIMIT])
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Listed victims ({len(rows)})",
        detail={
            "person_ids": sorted({link.offence.person_id for v in rows for link in v.visible_links}),  # type: ignore[attr-defined]
            "reference": reference,
        },
    )
    return [_victim_out(v) for v in rows]


@router.post(
    "",
    response={201: VictimDetailOut, 404: ErrorOut, 409: ErrorOut, 422: FieldErrorOut},
    summary="Record a victim: the least the scheme needs (the page's form); 409 if the reference is taken",
)
def victim_record(request: HttpRequest, body: VictimIn) -> Any:
    actor = api_actor(request)
    selectors.require_victim_liaison(actor, what="recording a victim")
    data = body.model_dump()
    data["opted_in"] = {True: "yes", False: "no", None: ""}[data["opted_in"]]
    form = VictimForm(data)
    if not form.is_valid():
        return Status(422, form_field_errors(form))
    try:
        victim = services.victim_record(actor=actor, **form.cleaned_data)
    except services.VictimReferenceTaken as taken:
        return Status(409, {"detail": str(taken)})
    except (services.VictimError, ValidationError) as error:
        return Status(
            422, {"detail": [{"loc": ["body"], "msg": " ".join(getattr(error, "messages", [str(error)]))}]}
        )
    return Status(201, _victim_detail(actor, victim.pk))


@router.get(
    "/{id:victim_id}",
    response={200: VictimDetailOut, 404: ErrorOut},
    summary="A victim: choices, linked offences with scheme eligibility and reasons, notifications",
)
def victim(request: HttpRequest, victim_id: int) -> Any:
    actor = api_actor(request)
    out = _victim_detail(actor, victim_id)
    if isinstance(out, dict):
        log_access(
            actor=actor,
            action=Action.CONSULTATION,
            summary=f"Viewed victim {out['reference']}",
            detail={"person_ids": sorted({link["person_id"] for link in out["links"]})},
        )
    return out


@router.patch(
    "/{id:victim_id}",
    response={200: VictimDetailOut, 404: ErrorOut, 409: ErrorOut, 422: FieldErrorOut},
    summary="Change a victim's choices (only the fields sent) from the version read; 409 if someone "
    "else changed them since",
)
def victim_change(request: HttpRequest, victim_id: int, body: VictimChangeIn) -> Any:
    actor = api_actor(request)
    victim = selectors.victim_for_actor(actor, victim_id)
    sent = body.model_dump(exclude_unset=True)
    version = sent.pop("version", None)
    current = VictimForm.initial_for(victim)
    if "opted_in" in sent:
        sent["opted_in"] = {True: "yes", False: "no", None: ""}[sent["opted_in"]]
    form = VictimForm(
        {**current, **{k: ("" if v is None else v) for k, v in sent.items()}, "version": ""}, change=True
    )
    if not form.is_valid():
        return Status(422, form_field_errors(form))
    before = {**current, "opted_in": victim.opted_in}
    changes = {k: form.cleaned_data[k] for k in sent if form.cleaned_data[k] != before[k]}
    if changes:
        try:
            services.victim_update(actor=actor, victim=victim, version=version, **changes)
        except (services.VictimError, ValidationError) as error:
            return Status(
                422,
                {"detail": [{"loc": ["body"], "msg": " ".join(getattr(error, "messages", [str(error)]))}]},
            )
    return _victim_detail(actor, victim.pk)


@router.post(
    "/{id:victim_id}/links",
    response={200: VictimDetailOut, 404: ErrorOut, 409: ErrorOut, 422: FieldErrorOut},
    summary="Link a victim to a proven offence of someone you may see; what is due is raised",
)
def victim_link(request: HttpRequest, victim_id: int, body: LinkIn) -> Any:
    actor = api_actor(request)
    victim = selectors.victim_for_actor(actor, victim_id)
    offence = (
        Offence.objects.filter(pk=body.offence_id, person__in=visible_people(actor))
        .select_related("offence_code")
        .first()
    )
    if offence is None:
        person_id = Offence.objects.filter(pk=body.offence_id).values_list("person_id", flat=True).first()
        refuse(
            actor,
            summary=f"Refused access to offence {body.offence_id}",
            person_id=person_id,
            reason=selectors.LIAISON_ONLY,
        )
    form = LinkForm({"offence": offence.pk}, offences=[offence])
    if not form.is_valid():
        return Status(422, form_field_errors(form))
    if victim.links.filter(offence=offence).exists():
        return Status(409, {"detail": f"Victim {victim.reference} is already linked to this offence."})
    try:
        services.victim_link(actor=actor, victim=victim, offence=offence)
    except services.VictimError as error:
        return Status(422, refusal_errors(error))
    return _victim_detail(actor, victim.pk)


class WorkItemOut(Schema):
    kind: str
    id: int
    person_id: int
    due: date | None
    title: str


class WorkGroupOut(Schema):
    key: str
    title: str
    count: int
    overdue: int
    items: list[WorkItemOut]


def _item(key: str, row: Any) -> dict[str, Any]:
    if key == "tasks":
        return {
            "kind": key,
            "id": row.pk,
            "person_id": row.plan.person_id,
            "due": row.due_date,
            "title": row.title,
        }
    if key == "escalations":
        return {
            "kind": key,
            "id": row.pk,
            "person_id": row.person_id,
            "due": row.due_date,
            "title": row.summary,
        }
    if key == "victims":
        return {
            "kind": key,
            "id": row.pk,
            "person_id": row.person_id,
            "due": row.deadline,
            "title": row.summary,
        }
    if key == "releases":
        return {
            "kind": key,
            "id": row.pk,
            "person_id": row.person_id,
            "due": row.release_date,
            "title": f"Release, {row.readiness_percent}% ready",
        }
    return {
        "kind": key,
        "id": row.pk,
        "person_id": row.person_id,
        "due": getattr(row, "overdue_on", None),
        "title": str(row),
    }


@work_router.get("", response=list[WorkGroupOut], summary="What needs you today, most urgent first")
def work(request: HttpRequest) -> Any:
    actor = api_actor(request)
    groups = work_queue(actor, on=timezone.localdate())
    out: list[dict[str, Any]] = [
        {
            "key": g.key,
            "title": g.title,
            "count": g.count,
            "overdue": g.overdue,
            "items": [_item(g.key, row) for row in g.rows],
        }
        for g in groups
    ]
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary="Listed the work queue",
        detail={"person_ids": sorted({i["person_id"] for g in out for i in g["items"]})},
    )
    return out
