"""MARAC endpoints (/api/marac/…): the referrals, a referral, the VAWG figures, and for the roles that
support victims (IDVA, MARAC coordinator, victim liaison) the victims, their DASH checklists, referrals by
judgement or escalation, the perpetrator's link and the agencies' actions: the same selectors, services and
forms as the pages. A victim's details are "Restricted" to anyone else; their attempts are refused (404) and
logged."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from desist.api.actor import api_actor
from desist.api.schemas import form_field_errors, refusal_errors
from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.services import log_access
from desist.core.marac import DASH_QUESTION_COUNT
from desist.formfields import set_choices
from desist.marac import selectors, services
from desist.marac.forms import ActionForm, ReferForm, VictimForm
from desist.marac.models import MaracAction, MaracReferral, MaracVictim
from desist.partnership.models import Agency

router = Router(tags=["marac"])
LIMIT = 200


class MaracErrorOut(Schema):
    detail: str


class MaracFieldErrorOut(Schema):
    detail: list[dict[str, Any]]


class MaracActionOut(Schema):
    id: int
    agency: str
    text: str
    due_on: date
    status: str


class MaracReferralOut(Schema):
    id: int
    victim: str
    route: str
    incident_on: date
    referred_on: date
    referring_agency: str
    is_repeat: bool
    dash_score: int | None
    police_call_outs: int | None
    perpetrator_id: int | None
    status: str
    actions: list[MaracActionOut]


class MaracVictimOut(Schema):
    id: int
    reference: str
    name: str
    date_of_birth: date | None
    safe_contact: str


class MaracVictimIn(Schema):
    reference: str = ""
    name: str = ""
    date_of_birth: date | None = None
    safe_contact: str = ""


class MaracDashIn(Schema):
    answers: list[str]
    incident_on: date


class MaracDashOut(Schema):
    score: int
    referral: MaracReferralOut | None


class MaracReferIn(Schema):
    route: str = ""
    incident_on: date | None = None
    judgement_reason: str = ""
    police_call_outs: int | None = None
    referring_agency: int | None = None


class MaracPerpetratorIn(Schema):
    person_id: int | None = None


class MaracActionIn(Schema):
    agency: int | None = None
    text: str = ""
    due_on: date | None = None


class MaracRouteOut(Schema):
    route: str
    label: str
    referrals: int
    repeats: int


class MaracVawgOut(Schema):
    start: date
    end: date
    referrals: int
    repeats: int
    repeat_rate: float | None
    by_route: list[MaracRouteOut]
    perpetrators_in_caseload: int
    perpetrator_ids: list[int]


def _visible_perpetrators(actor: Actor, referrals: list[MaracReferral]) -> set[int]:
    # A perpetrator is named only to those the one access rule lets see them (one query).
    ids = [r.perpetrator_id for r in referrals if r.perpetrator_id]
    return {p.pk for p in selectors.perpetrator_candidates(actor, ids)} if ids else set()


def _referral_out(
    actor: Actor, r: MaracReferral, visible: set[int], actions: list[MaracAction] | None = None
) -> dict[str, Any]:
    supports = selectors.supports_victims(actor)
    return {
        "id": r.pk,
        "victim": r.victim.reference if supports else selectors.RESTRICTED,
        "route": r.route,
        "incident_on": r.incident_on,
        "referred_on": r.referred_on,
        "referring_agency": r.referring_agency.name,
        "is_repeat": r.is_repeat,
        "dash_score": r.dash_score,
        "police_call_outs": r.police_call_outs,
        "perpetrator_id": r.perpetrator_id if r.perpetrator_id in visible else None,
        "status": r.status,
        "actions": [
            {"id": a.pk, "agency": a.agency.name, "text": a.text, "due_on": a.due_on, "status": a.status}
            for a in (actions or [])
        ],
    }


def _agency_ids() -> list[tuple[str, str]]:
    return [(str(pk), str(pk)) for pk in Agency.objects.values_list("pk", flat=True)]


def _victim_out(v: MaracVictim) -> dict[str, Any]:
    return {
        "id": v.pk,
        "reference": v.reference,
        "name": v.name,
        "date_of_birth": v.date_of_birth,
        "safe_contact": v.safe_contact,
    }


def _one(actor: Actor, referral_id: int) -> dict[str, Any]:
    r = selectors.referral_for_actor(actor, referral_id)
    return _referral_out(actor, r, _visible_perpetrators(actor, [r]), list(r.actions.all()))


@router.get(
    "/referrals",
    response={200: list[MaracReferralOut]},
    summary="MARAC referrals the caller may see, newest first (victims restricted to the roles that support "
    "them)",
)
def marac_referrals(request: HttpRequest, status: str = "", route: str = "", repeat: bool = False) -> Any:
    actor = api_actor(request)
    filters = selectors.ReferralFilters(status=status[:16], route=route[:24], repeat=repeat)
    rows = list(selectors.referrals_list(actor, filters)[:LIMIT])
    visible = _visible_perpetrators(actor, rows)
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Listed MARAC referrals ({len(rows)})",
        detail={"person_ids": sorted(visible), "referral_ids": [r.pk for r in rows]},
    )
    return [_referral_out(actor, r, visible) for r in rows]


@router.get(
    "/referrals/{id:marac_referral_id}",
    response={200: MaracReferralOut, 404: MaracErrorOut},
    summary="One MARAC referral with its actions",
)
def marac_referral(request: HttpRequest, marac_referral_id: int) -> Any:
    actor = api_actor(request)
    out = _one(actor, marac_referral_id)
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Viewed MARAC referral {marac_referral_id}",
        person_id=out["perpetrator_id"],
    )
    return out


@router.post(
    "/referrals/{id:marac_referral_id}/perpetrator",
    response={200: MaracReferralOut, 404: MaracErrorOut},
    summary="Link the referral's perpetrator to a person in the caseload the caller may see (null: unlink)",
)
def marac_perpetrator_link(request: HttpRequest, marac_referral_id: int, body: MaracPerpetratorIn) -> Any:
    actor = api_actor(request)
    item = selectors.referral_for_actor(actor, marac_referral_id)
    selectors.require_victim_support(actor, what=f"the perpetrator of MARAC referral {marac_referral_id}")
    services.perpetrator_link(actor=actor, referral=item, person_id=body.person_id)
    return _one(actor, item.pk)


@router.post(
    "/referrals/{id:marac_referral_id}/actions",
    response={200: MaracReferralOut, 404: MaracErrorOut, 422: MaracFieldErrorOut},
    summary="Record an agency's action on a MARAC referral",
)
def marac_action_add(request: HttpRequest, marac_referral_id: int, body: MaracActionIn) -> Any:
    actor = api_actor(request)
    item = selectors.referral_for_actor(actor, marac_referral_id)
    selectors.require_victim_support(actor, what=f"an action on MARAC referral {marac_referral_id}")
    form = ActionForm(body.model_dump())
    set_choices(form, "agency", _agency_ids())
    if not form.is_valid():
        return Status(422, form_field_errors(form))
    try:
        services.action_add(
            actor=actor,
            referral=item,
            agency=Agency.objects.get(pk=int(form.cleaned_data["agency"])),
            text=form.cleaned_data["text"],
            due_on=form.cleaned_data["due_on"],
        )
    except (services.MaracError, ValidationError) as error:
        return Status(422, refusal_errors(error))
    return _one(actor, item.pk)


@router.post(
    "/victims",
    response={200: MaracVictimOut, 404: MaracErrorOut, 422: MaracFieldErrorOut},
    summary="Record a MARAC victim (the roles that support victims)",
)
def marac_victim_record(request: HttpRequest, body: MaracVictimIn) -> Any:
    actor = api_actor(request)
    selectors.require_victim_support(actor, what="recording a MARAC victim")
    form = VictimForm(body.model_dump())
    if not form.is_valid():
        return Status(422, form_field_errors(form))
    try:
        victim = services.victim_record(actor=actor, **form.cleaned_data)
    except (services.MaracError, ValidationError) as error:
        return Status(422, refusal_errors(error))
    return _victim_out(victim)


@router.get(
    "/victims/{id:marac_victim_id}",
    response={200: MaracVictimOut, 404: MaracErrorOut},
    summary="A MARAC victim (the roles that support victims)",
)
def marac_victim(request: HttpRequest, marac_victim_id: int) -> Any:
    actor = api_actor(request)
    victim = selectors.victim_for_actor(actor, marac_victim_id)
    log_access(
        actor=actor, action=Action.CONSULTATION, obj=victim, summary=f"Viewed MARAC victim {victim.pk}"
    )
    return _victim_out(victim)


@router.post(
    "/victims/{id:marac_victim_id}/dash",
    response={200: MaracDashOut, 404: MaracErrorOut, 422: MaracFieldErrorOut},
    summary=f"Record a SafeLives DASH checklist ({DASH_QUESTION_COUNT} answers: yes, no or not_known); 14 or "
    "more yes refers to MARAC",
)
def marac_dash_record(request: HttpRequest, marac_victim_id: int, body: MaracDashIn) -> Any:
    actor = api_actor(request)
    victim = selectors.victim_for_actor(actor, marac_victim_id)
    try:
        assessment, referral = services.dash_record(
            actor=actor, victim=victim, answers=body.answers, incident_on=body.incident_on
        )
    except (services.MaracError, ValidationError) as error:
        return Status(422, refusal_errors(error))
    return {
        "score": assessment.score,
        "referral": _referral_out(actor, referral, set()) if referral else None,
    }


@router.post(
    "/victims/{id:marac_victim_id}/referrals",
    response={200: MaracReferralOut, 404: MaracErrorOut, 422: MaracFieldErrorOut},
    summary="Refer a MARAC victim by professional judgement (with the reason) or escalation (police "
    "call-outs)",
)
def marac_refer(request: HttpRequest, marac_victim_id: int, body: MaracReferIn) -> Any:
    actor = api_actor(request)
    victim = selectors.victim_for_actor(actor, marac_victim_id)
    data = body.model_dump()
    data["referring_agency"] = data["referring_agency"] or next(iter(sorted(actor.agency_ids)), "")
    form = ReferForm(data)
    set_choices(form, "referring_agency", _agency_ids())
    if not form.is_valid():
        return Status(422, form_field_errors(form))
    try:
        referral = services.referral_make(
            actor=actor,
            victim=victim,
            route=form.cleaned_data["route"],
            incident_on=form.cleaned_data["incident_on"],
            referring_agency=Agency.objects.get(pk=int(form.cleaned_data["referring_agency"])),
            judgement_reason=form.cleaned_data["judgement_reason"],
            police_call_outs=form.cleaned_data["police_call_outs"],
        )
    except (services.MaracError, ValidationError) as error:
        return Status(422, refusal_errors(error))
    return _referral_out(actor, referral, set())


@router.get(
    "/vawg",
    response={200: MaracVawgOut},
    summary="The VAWG forum's MARAC figures for a period (default the last 12 months): repeat rate, routes, "
    "perpetrators in the caseload",
)
def marac_vawg(request: HttpRequest, start: date | None = None, end: date | None = None) -> Any:
    actor = api_actor(request)
    end = end or timezone.localdate()
    start = start or end - timedelta(days=364)
    if start > end:
        start, end = end, start
    report = selectors.vawg_report(start=start, end=end)
    rows = selectors.perpetrators_in_caseload(actor, start=start, end=end)
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Read the VAWG MARAC figures {start} to {end}",
        detail={"person_ids": [row.person.pk for row in rows]},
    )
    return {
        "start": start,
        "end": end,
        "referrals": report.repeat_rate.referrals,
        "repeats": report.repeat_rate.repeats,
        "repeat_rate": report.repeat_rate.rate,
        "by_route": [vars(r) for r in report.by_route],
        "perpetrators_in_caseload": report.perpetrators_in_caseload,
        "perpetrator_ids": [row.person.pk for row in rows],
    }
