"""Meetings endpoints (/api/meetings/…): the series, a meeting's agenda and attendance (for the agencies
invited), the caller's open actions and changing an action's status, and referring a person to MAPPA. The same
selectors and services as the pages, so both refuse in the same words."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from desist.api.actor import api_actor
from desist.audit.models import Action
from desist.audit.refusals import refuse
from desist.audit.services import log_access
from desist.core.sharing import RISK
from desist.meetings import selectors, services
from desist.meetings.models import MeetingAction
from desist.people.selectors import person_for_actor
from desist.sharing.selectors import WITHHELD

router = Router(tags=["meetings"])
MAX_ACTIONS = 200


class MeetingErrorOut(Schema):
    detail: str


class MeetingSeriesOut(Schema):
    id: int
    name: str
    kind: str
    cadence: str
    chair_agency: str
    meetings: int


class AgendaItemOut(Schema):
    id: int
    position: int
    kind: str
    title: str
    person_id: int | None
    heard: bool
    level_before: int | None
    level_after: int | None
    next_review_on: date | None
    # The sections of the item's person your agency is not given (desist.sharing; meetings.selectors
    # .ITEM_SECTIONS): with "risk" withheld the title is "Not shared with your agency" and the levels empty.
    withheld: list[str] = []


class AttendanceOut(Schema):
    agency: str
    user: str
    status: str


class MeetingOut(Schema):
    id: int
    series_id: int
    series: str
    starts_at: datetime
    ends_at: datetime
    place: str
    status: str
    agenda: list[AgendaItemOut]
    attendance: list[AttendanceOut]


class MeetingActionOut(Schema):
    id: int
    meeting_id: int
    series: str
    description: str
    owner_agency: str
    owner_user_id: int | None
    due_on: date
    status: str
    person_id: int | None


class ActionStatusIn(Schema):
    status: str
    note: str = ""


class MappaReferralIn(Schema):
    level: int
    category: int
    reason: str
    referring_agency: int | None = None


class MappaReferralOut(Schema):
    id: int
    person_id: int
    level: int
    category: int
    referring_agency_id: int
    referred_on: date
    status: str


def _action_out(a: MeetingAction) -> dict[str, Any]:
    return {
        "id": a.pk,
        "meeting_id": a.meeting_id,
        "series": a.meeting.series.name,
        "description": a.description,
        "owner_agency": a.owner_agency.name,
        "owner_user_id": a.owner_user_id,
        "due_on": a.due_on,
        "status": a.status,
        "person_id": a.person_id,
    }


@router.get("/series", response=list[MeetingSeriesOut], summary="The partnership's meeting series")
def meetings_series_list(request: HttpRequest) -> Any:
    actor = api_actor(request)
    rows = list(selectors.series_list())
    log_access(actor=actor, action=Action.CONSULTATION, summary="Listed the meeting series through the API")
    return [
        {
            "id": s.pk,
            "name": s.name,
            "kind": s.kind,
            "cadence": s.cadence,
            "chair_agency": s.chair_agency.name,
            "meetings": s.meeting_count,  # type: ignore[attr-defined]
        }
        for s in rows
    ]


@router.get(
    "/{id:meeting_id}",
    response={200: MeetingOut, 404: MeetingErrorOut},
    summary="A meeting's agenda and attendance (for the agencies invited)",
)
def meetings_meeting_get(request: HttpRequest, meeting_id: int) -> Any:
    actor = api_actor(request)
    meeting = selectors.meeting_for_actor(actor, meeting_id)
    items = selectors.agenda_shared(actor, selectors.agenda(meeting), where=f"the agenda of {meeting} (API)")
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        obj=meeting,
        summary=f"Viewed the agenda of {meeting} through the API"[:255],
        detail={"person_ids": sorted({i.person_id for i in items if i.person_id})},
    )
    return {
        "id": meeting.pk,
        "series_id": meeting.series_id,
        "series": meeting.series.name,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "place": meeting.place,
        "status": meeting.status,
        "agenda": [
            {
                "id": i.pk,
                "position": i.position,
                "kind": i.kind,
                "title": WITHHELD if RISK in i.withheld else i.title,
                "person_id": i.person_id,
                "heard": i.heard,
                "level_before": None if RISK in i.withheld else i.level_before,
                "level_after": None if RISK in i.withheld else i.level_after,
                "withheld": sorted(i.withheld),
                "next_review_on": i.next_review_on,
            }
            for i in items
        ],
        "attendance": [
            {
                "agency": a.agency.name,
                "user": (a.user.get_full_name() or a.user.get_username()) if a.user else "",
                "status": a.status,
            }
            for a in selectors.attendance(meeting)
        ],
    }


@router.get(
    "/actions/mine", response=list[MeetingActionOut], summary="Your open meeting actions, soonest due first"
)
def meetings_actions_mine(request: HttpRequest, team: bool = False) -> Any:
    actor = api_actor(request)
    rows = list(selectors.actions_owned(actor, team=team)[:MAX_ACTIONS])
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Listed {len(rows)} open meeting actions through the API",
        detail={"person_ids": sorted({a.person_id for a in rows if a.person_id})},
    )
    return [_action_out(a) for a in rows]


@router.post(
    "/actions/{id:action_id}/status",
    response={200: MeetingActionOut, 403: MeetingErrorOut, 404: MeetingErrorOut, 422: MeetingErrorOut},
    summary="Mark a meeting action done, cancelled (with a note) or open again",
)
def meetings_action_status(request: HttpRequest, action_id: int, body: ActionStatusIn) -> Any:
    actor = api_actor(request)
    action = selectors.action_for_actor(actor, action_id)
    if not selectors.may_change_action(actor, action):
        refuse(actor, summary=f"Refused to change meeting action {action.pk}", status=403)
    try:
        services.action_status_set(actor=actor, action=action, status=body.status, note=body.note)
    except services.MeetingError as error:
        return Status(422, {"detail": str(error)})
    return _action_out(action)


@router.post(
    "/mappa/people/{id:person_id}/referrals",
    response={201: MappaReferralOut, 404: MeetingErrorOut, 422: MeetingErrorOut},
    summary="Refer a person to MAPPA level 2 or 3",
)
def meetings_mappa_refer(request: HttpRequest, person_id: int, body: MappaReferralIn) -> Any:
    actor = api_actor(request)
    person = person_for_actor(actor, person_id, what="MAPPA referral")
    if body.level not in (2, 3) or body.category not in (1, 2, 3, 4):
        return Status(422, {"detail": "The level is 2 or 3, the category 1 to 4."})
    if not body.reason.strip():
        return Status(422, {"detail": "Say why the person needs multi-agency management."})
    try:
        referral = services.mappa_referral_make(
            actor=actor,
            person=person,
            level=body.level,
            category=body.category,
            reason=body.reason,
            referring_agency_id=body.referring_agency,
        )
    except services.MeetingError as error:
        return Status(422, {"detail": str(error)})
    return Status(
        201,
        {
            "id": referral.pk,
            "person_id": referral.person_id,
            "level": referral.level,
            "category": referral.category,
            "referring_agency_id": referral.referring_agency_id,
            "referred_on": referral.referred_on,
            "status": referral.status,
        },
    )
