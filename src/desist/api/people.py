"""People, caseloads and a person's record, sentences and risk (/api/people/…, /api/caseload): the same
selectors and services as the pages, every read logged."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from desist.api import schemas
from desist.api.actor import api_actor
from desist.assessments.models import RiskScore
from desist.audit.models import Action
from desist.audit.refusals import log_refusal
from desist.audit.services import log_access
from desist.core.sharing import CATEGORIES
from desist.people import selectors
from desist.people.models import Person
from desist.people.services import PersonNotFound, PersonRecord, person_record_consult, person_record_show
from desist.priority.models import PriorityGroupMembership
from desist.priority.selectors import in_group, members_on
from desist.sentences.rules import sentence_status, supervision_status
from desist.sharing.selectors import shared_categories

# The operation ids are spelled out: they are the ones these endpoints had when they lived in desist.api.api.
router = Router(tags=["people"])

MAX_PAGE_SIZE = 200


class Page(Schema):
    count: int
    page: int
    pages: int
    results: list[Any]


class PersonPage(Page):
    results: list[schemas.PersonSummaryOut]


class CaseloadPage(Page):
    results: list[schemas.CaseloadEntryOut]


class PageParams(Schema):
    page: int = 1
    page_size: int = 50


def _page(items: Any, params: PageParams) -> Any:
    size = max(1, min(params.page_size, MAX_PAGE_SIZE))
    return Paginator(items, size).get_page(params.page)


@router.get(
    "/people",
    response=PersonPage,
    summary="People visible to you, or a search",
    operation_id="desist_api_api_list_people",
)
def list_people(
    request: HttpRequest, params: Query[PageParams], q: str = "", group: str = ""
) -> dict[str, Any]:
    actor = api_actor(request)
    if q:
        people: Any = [r.person for r in selectors.person_search(actor, q, limit=MAX_PAGE_SIZE)]
        if group:
            members = set(
                members_on(group, timezone.localdate())
                .filter(pk__in=[p.pk for p in people])
                .values_list("pk", flat=True)
            )
            people = [p for p in people if p.pk in members]
    else:
        people = (
            selectors.visible_people(actor)
            .select_related("district")
            .order_by("last_name", "first_name", "id")
        )
        if group:
            people = people.filter(in_group(group, on=timezone.localdate()))
    page = _page(people, params)
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Listed people through the API ({len(page)} shown)",
        detail={"query": q, "person_ids": [p.pk for p in page]},
    )
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": list(page),
    }


@router.get(
    "/caseload",
    response=CaseloadPage,
    summary="People you are lead worker for",
    operation_id="desist_api_api_list_caseload",
)
def list_caseload(
    request: HttpRequest,
    params: Query[PageParams],
    status: str = "",
    flag: str = "",
    district: str = "",
    group: str = "",
    sort: str = "next_key_date",
) -> dict[str, Any]:
    actor = api_actor(request)
    people = selectors.caseload(
        actor, selectors.CaseloadFilters(status=status, flag=flag, district=district, group=group, sort=sort)
    )
    page = _page(people, params)
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Listed caseload through the API ({len(page)} shown)",
        detail={"person_ids": [p.pk for p in page]},
    )
    results = [
        {
            **_summary(p),
            "supervision_status": p.supervision_status,
            "next_key_date": p.next_key_date,
            "next_key_kind": p.next_key_kind,
            "flags": [r.label for r in p.current_registers],
        }
        for p in page
    ]
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": results,
    }


def _summary(person: Person) -> dict[str, Any]:
    return {
        "id": person.pk,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "date_of_birth": person.date_of_birth,
        "sex": person.sex,
        "district": person.district,
    }


def _consult(request: HttpRequest, person_id: int, sections: list[str]) -> tuple[Person, Any]:
    record = person_record_consult(actor=api_actor(request), person_id=person_id, sections=sections)
    return record.person, record.on


@router.get(
    "/people/{id:person_id}",
    response={200: schemas.PersonOut, 404: schemas.ErrorOut},
    summary="One person's record",
    operation_id="desist_api_api_get_person",
)
def get_person(request: HttpRequest, person_id: int) -> Any:
    try:
        # The consultation is logged once the answer is built: an answer that fails is not logged as seen.
        actor = api_actor(request)
        return person_record_show(
            actor=actor,
            person_id=person_id,
            present=lambda record: _withhold(_person_answer(record), actor, record),
            sections=["identity", "identifiers", "addresses", "family", "registers", "agencies"],
        )
    except PersonNotFound:
        return Status(404, {"detail": "No person with that number is available to you."})


# What each category of a record empties in the API's answer (desist.sharing; issue 16, item 1).
WITHHOLDS: dict[str, dict[str, Any]] = {
    "identity": {"names": [], "identifiers": [], "middle_names": "", "gender": "", "ethnicity": ""},
    "addresses": {"addresses": []},
    "sentence": {"supervision_status": ""},
    "family": {"relationships": []},
    "risk": {"registers": []},
}


def _withhold(answer: dict[str, Any], actor: Any, record: PersonRecord) -> dict[str, Any]:
    shared = shared_categories(actor, record.person.pk, on=record.on)
    withheld = [c for c in CATEGORIES if c not in shared]
    for category in withheld:
        answer.update(WITHHOLDS.get(category, {}))
    return {**answer, "withheld": withheld}


def _not_shared(request: HttpRequest, person: Person, on: Any, category: str) -> Any:
    """None when the category is shared with the actor's agency; else the 403 answer, the refusal logged."""
    actor = api_actor(request)
    if category in shared_categories(actor, person.pk, on=on):
        return None
    log_refusal(
        actor,
        summary=f"Withheld {category} of person {person.pk}: not shared with the agency",
        person_id=person.pk,
        reason="not shared with the agency",
    )
    return Status(403, {"detail": f"Not shared with your agency: {CATEGORIES[category].lower()}."})


def _person_answer(record: PersonRecord) -> dict[str, Any]:
    person, on = record.person, record.on
    return {
        **_summary(person),
        "middle_names": person.middle_names,
        "gender": person.gender,
        "ethnicity": person.ethnicity,
        "supervision_status": supervision_status(person.sentences.all(), on),
        "names": list(person.names.all()),
        "identifiers": [
            {
                "kind": i.kind,
                "value": i.value,
                "issuing_agency": i.issuing_agency.code if i.issuing_agency else None,
            }
            for i in person.identifiers.all()
        ],
        "addresses": [
            {
                "line1": a.line1,
                "line2": a.line2,
                "town": a.town,
                "postcode": a.postcode,
                "district": a.district.code if a.district else None,
                "from_date": a.from_date,
                "to_date": a.to_date,
            }
            for a in person.addresses.all()
        ],
        "relationships": [
            {
                "kind": r.kind,
                "related_person_id": r.person_id,
                "related_person_name": r.name if r.visible else None,
                "visible": r.visible,
            }
            for r in record.relatives
        ],
        "registers": [
            {
                "kind": r.kind,
                "label": r.label,
                "mappa_category": r.mappa_category,
                "mappa_level": r.mappa_level,
                "start_date": r.start_date,
                "end_date": r.end_date,
            }
            for r in person.registers.all()
        ],
        "involvements": [
            {
                "agency": i.agency.code,
                "agency_kind": i.agency.kind,
                "reason": i.reason,
                "start_date": i.start_date,
                "end_date": i.end_date,
                "lead_worker": i.lead_worker.get_username() if i.lead_worker else None,
            }
            for i in person.involvements.all()
        ],
    }


@router.get(
    "/people/{id:person_id}/sentences",
    response={200: list[schemas.SentenceOut], 403: schemas.ErrorOut, 404: schemas.ErrorOut},
    summary="A person's sentences with requirements and licence conditions",
    operation_id="desist_api_api_get_sentences",
)
def get_sentences(request: HttpRequest, person_id: int) -> Any:
    try:
        person, on = _consult(request, person_id, ["sentences"])
    except PersonNotFound:
        return Status(404, {"detail": "No person with that number is available to you."})
    if refused := _not_shared(request, person, on, "sentence"):
        return refused
    return [
        {
            **{
                f: getattr(s, f)
                for f in (
                    "id",
                    "kind",
                    "sentence_date",
                    "length_days",
                    "start_date",
                    "end_date",
                    "conditional_release_date",
                    "release_date",
                    "release_is_actual",
                    "licence_expiry_date",
                    "sentence_expiry_date",
                    "terminated_date",
                    "indeterminate",
                )
            },
            "establishment": s.establishment.name if s.establishment else None,
            "status_today": sentence_status(s, on),
            "requirements": list(s.requirements.all()),
            "licence_conditions": list(s.licence_conditions.all()),
        }
        for s in person.sentences.all()
    ]


@router.get(
    "/people/{id:person_id}/risk",
    response={200: schemas.RiskOut, 403: schemas.ErrorOut, 404: schemas.ErrorOut},
    summary="A person's current risk scores with their working, and priority groups",
    operation_id="desist_api_api_get_risk",
)
def get_risk(request: HttpRequest, person_id: int) -> Any:
    try:
        person, on = _consult(request, person_id, ["risk", "priority_groups"])
    except PersonNotFound:
        return Status(404, {"detail": "No person with that number is available to you."})
    if refused := _not_shared(request, person, on, "risk"):
        return refused
    return {
        "scores": list(RiskScore.objects.filter(person=person, is_current=True).order_by("kind")),
        "priority_groups": list(PriorityGroupMembership.objects.filter(person=person)),
    }
