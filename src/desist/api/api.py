"""The JSON API: the same selectors, services and access rules as the pages. OpenAPI at /api/docs."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI, Query, Schema, Status
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth

from desist.api import schemas
from desist.api.actor import api_actor
from desist.api.idempotency import conflict_message
from desist.api.merges import router as merges_router
from desist.api.referrals import premises_router
from desist.api.referrals import router as referrals_router
from desist.api.release import router as release_router
from desist.api.services import WRITE_METHODS, api_token_check
from desist.api.victims import router as victims_router
from desist.api.victims import work_router
from desist.assessments.forms import AssessmentForm, form_data_from_json, json_path
from desist.assessments.models import Assessment, RiskScore
from desist.assessments.selectors import assessment_versions, can_record_assessments
from desist.assessments.services import assessment_record
from desist.audit.context import Actor, actor_for_request
from desist.audit.models import Action, Channel
from desist.audit.refusals import log_refusal, refuse
from desist.audit.services import log_access
from desist.people import selectors
from desist.people.models import Person
from desist.people.services import PersonNotFound, PersonRecord, person_record_consult, person_record_show
from desist.priority.models import PriorityGroupMembership
from desist.priority.selectors import in_group, members_on
from desist.sentences.rules import sentence_status, supervision_status
from desist.versioning import StaleEdit

MAX_PAGE_SIZE = 200


class TokenAuth(HttpBearer):
    """`Authorization: Bearer dst_…` with a token issued by `manage.py issue_api_token`."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = api_token_check(token)
        if found is None:
            return None
        request.user = found.user
        if request.method in WRITE_METHODS and "write" not in found.scope_set:
            actor = actor_for_request(request, channel=Channel.API)
            log_refusal(actor, obj=found, summary=f"Refused {request.method} {request.path[:160]}: the API token may "
                        "only read", reason="token without the write scope", detail={"token": found.key_prefix})
            raise HttpError(403, "This API token may only read. Ask for a token with the write scope.")
        return found.user


api = NinjaAPI(
    title="desist API",
    version="1",
    description="People, sentences and caseloads for partner agencies. Every read is logged to the access log "
    "(DPA 2018 s.62); set the X-Desist-Purpose header to state why you are reading. Writes to a record take the "
    "`version` you read (shown in every answer) and answer 409 if someone changed it since; send an "
    "Idempotency-Key header (your own unique key per change) on a POST, PUT or PATCH you may repeat, and a repeat "
    "within 24 hours gets the first answer back instead of being done twice (the same key with another body: "
    "422). A change that conflicts with one made at the same moment is a 409 with a message.",
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
    # The docs and the schema are for signed-in users only; Swagger UI comes from ninja's own static files.
    docs_decorator=login_required,
)


@api.exception_handler(StaleEdit)
def _stale(request: HttpRequest, error: StaleEdit) -> HttpResponse:
    # A write from a version someone else has since changed: nothing was saved (desist.versioning).
    return api.create_response(request, {"detail": str(error)}, status=409)


@api.exception_handler(IntegrityError)
def _conflict(request: HttpRequest, error: IntegrityError) -> HttpResponse:
    # A unique rule the database enforced against a concurrent write: a conflict to report, not a crash.
    return api.create_response(request, {"detail": conflict_message(error)}, status=409)


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


@api.get("/people", response=PersonPage, summary="People visible to you, or a search")
def list_people(request: HttpRequest, params: Query[PageParams], q: str = "", group: str = "") -> dict[str, Any]:
    actor = api_actor(request)
    if q:
        people: Any = [r.person for r in selectors.person_search(actor, q, limit=MAX_PAGE_SIZE)]
        if group:
            members = set(members_on(group, timezone.localdate()).filter(pk__in=[p.pk for p in people])
                          .values_list("pk", flat=True))
            people = [p for p in people if p.pk in members]
    else:
        people = selectors.visible_people(actor).select_related("district").order_by("last_name", "first_name", "id")
        if group:
            people = people.filter(in_group(group, on=timezone.localdate()))
    page = _page(people, params)
    log_access(actor=actor, action=Action.CONSULTATION, summary=f"Listed people through the API ({len(page)} shown)",
               detail={"query": q, "person_ids": [p.pk for p in page]})
    return {"count": page.paginator.count, "page": page.number, "pages": page.paginator.num_pages,
            "results": list(page)}


@api.get("/caseload", response=CaseloadPage, summary="People you are lead worker for")
def list_caseload(request: HttpRequest, params: Query[PageParams], status: str = "", flag: str = "",
                  district: str = "", group: str = "", sort: str = "next_key_date") -> dict[str, Any]:
    actor = api_actor(request)
    people = selectors.caseload(actor, selectors.CaseloadFilters(status=status, flag=flag, district=district,
                                                                 group=group, sort=sort))
    page = _page(people, params)
    log_access(actor=actor, action=Action.CONSULTATION, summary=f"Listed caseload through the API ({len(page)} shown)",
               detail={"person_ids": [p.pk for p in page]})
    results = [
        {**_summary(p), "supervision_status": p.supervision_status, "next_key_date": p.next_key_date,
         "next_key_kind": p.next_key_kind, "flags": [r.label for r in p.current_registers]}
        for p in page
    ]
    return {"count": page.paginator.count, "page": page.number, "pages": page.paginator.num_pages, "results": results}


def _summary(person: Person) -> dict[str, Any]:
    return {"id": person.pk, "first_name": person.first_name, "last_name": person.last_name,
            "date_of_birth": person.date_of_birth, "sex": person.sex, "district": person.district}


def _consult(request: HttpRequest, person_id: int, sections: list[str]) -> tuple[Person, Any]:
    record = person_record_consult(actor=api_actor(request), person_id=person_id, sections=sections)
    return record.person, record.on


@api.get("/people/{id:person_id}", response={200: schemas.PersonOut, 404: schemas.ErrorOut}, summary="One person's record")
def get_person(request: HttpRequest, person_id: int) -> Any:
    try:
        # The consultation is logged once the answer is built: an answer that fails is not logged as seen.
        return person_record_show(actor=api_actor(request), person_id=person_id, present=_person_answer,
                                  sections=["identity", "identifiers", "addresses", "family", "registers", "agencies"])
    except PersonNotFound:
        return Status(404, {"detail": "No person with that number is available to you."})


def _person_answer(record: PersonRecord) -> dict[str, Any]:
    person, on = record.person, record.on
    return {
        **_summary(person),
        "middle_names": person.middle_names,
        "gender": person.gender,
        "ethnicity": person.ethnicity,
        "supervision_status": supervision_status(person.sentences.all(), on),
        "names": list(person.names.all()),
        "identifiers": [{"kind": i.kind, "value": i.value,
                         "issuing_agency": i.issuing_agency.code if i.issuing_agency else None}
                        for i in person.identifiers.all()],
        "addresses": [{"line1": a.line1, "line2": a.line2, "town": a.town, "postcode": a.postcode,
                       "district": a.district.code if a.district else None, "from_date": a.from_date,
                       "to_date": a.to_date} for a in person.addresses.all()],
        "relationships": [{"kind": r.kind, "related_person_id": r.person_id,
                           "related_person_name": r.name if r.visible else None, "visible": r.visible}
                          for r in record.relatives],
        "registers": [{"kind": r.kind, "label": r.label, "mappa_category": r.mappa_category,
                       "mappa_level": r.mappa_level, "start_date": r.start_date, "end_date": r.end_date}
                      for r in person.registers.all()],
        "involvements": [{"agency": i.agency.code, "agency_kind": i.agency.kind, "reason": i.reason,
                          "start_date": i.start_date, "end_date": i.end_date,
                          "lead_worker": i.lead_worker.get_username() if i.lead_worker else None}
                         for i in person.involvements.all()],
    }


@api.get("/people/{id:person_id}/sentences", response={200: list[schemas.SentenceOut], 404: schemas.ErrorOut},
         summary="A person's sentences with requirements and licence conditions")
def get_sentences(request: HttpRequest, person_id: int) -> Any:
    try:
        person, on = _consult(request, person_id, ["sentences"])
    except PersonNotFound:
        return Status(404, {"detail": "No person with that number is available to you."})
    return [
        {**{f: getattr(s, f) for f in ("id", "kind", "sentence_date", "length_days", "start_date", "end_date",
                                         "conditional_release_date", "release_date", "release_is_actual",
                                         "licence_expiry_date", "sentence_expiry_date", "terminated_date",
                                         "indeterminate")},
         "establishment": s.establishment.name if s.establishment else None,
         "status_today": sentence_status(s, on),
         "requirements": list(s.requirements.all()),
         "licence_conditions": list(s.licence_conditions.all())}
        for s in person.sentences.all()
    ]


@api.get("/people/{id:person_id}/risk", response={200: schemas.RiskOut, 404: schemas.ErrorOut},
         summary="A person's current risk scores with their working, and priority groups")
def get_risk(request: HttpRequest, person_id: int) -> Any:
    try:
        person, _ = _consult(request, person_id, ["risk", "priority_groups"])
    except PersonNotFound:
        return Status(404, {"detail": "No person with that number is available to you."})
    return {
        "scores": list(RiskScore.objects.filter(person=person, is_current=True).order_by("kind")),
        "priority_groups": list(PriorityGroupMembership.objects.filter(person=person)),
    }


def _assessment_out(assessment: Assessment) -> dict[str, Any]:
    def number(value: Any) -> float | None:
        return None if value is None else float(value)

    return {
        "id": assessment.pk, "version": assessment.version, "assessed_on": assessment.assessed_on,
        "source": assessment.source, "rosh": assessment.rosh_by_audience,
        "rsr_percent": number(assessment.rsr_percent), "arp_percent": number(assessment.arp_percent),
        "csrp_percent": number(assessment.csrp_percent), "dcsrp_band": assessment.dcsrp_band,
        "dcsrp_score": number(assessment.dcsrp_score), "answers": assessment.answers,
        "sections": list(assessment.sections.all()),
        "recorded_by": assessment.recorded_by.get_username() if assessment.recorded_by else None,
    }


def _assessable_person(actor: Actor, person_id: int, doing: str) -> Person:
    """The person if the actor may see them; else the refusal is logged and answered 404."""
    return selectors.person_for_actor(actor, person_id, what=doing)


@api.get("/people/{id:person_id}/assessments", response={200: list[schemas.AssessmentOut], 404: schemas.ErrorOut},
         summary="A person's assessments, every version, newest first")
def list_assessments(request: HttpRequest, person_id: int) -> Any:
    actor = api_actor(request)
    person = _assessable_person(actor, person_id, "the assessments")
    versions = assessment_versions(person.pk)
    log_access(actor=actor, action=Action.CONSULTATION, summary=f"Viewed assessments of person {person.pk}",
               person_id=person.pk, detail={"sections": ["assessments"], "versions": len(versions)})
    return [_assessment_out(a) for a in versions]


@api.post("/people/{id:person_id}/assessments",
          response={201: schemas.AssessmentOut, 403: schemas.ErrorOut, 404: schemas.ErrorOut,
                    422: schemas.ValidationErrorOut},
          summary="Record an assessment (assessing staff only); the scores follow in the background",
          openapi_extra={"requestBody": {"required": True, "content": {
              "application/json": {"schema": schemas.AssessmentIn.model_json_schema()}}}})
def post_assessment(request: HttpRequest, person_id: int) -> Any:
    actor = api_actor(request)
    person = _assessable_person(actor, person_id, "record an assessment")
    if not can_record_assessments(actor):
        refuse(actor, summary=f"Refused to record an assessment for person {person_id}", person_id=person_id,
               reason="not an assessing role", status=403,
               message="Only assessing staff (probation or youth justice practitioners and managers) can record "
                       "assessments.")
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        return Status(422, {"detail": [{"loc": ["body"], "msg": "The body must be JSON"}]})
    # The page's form checks the values, so the API gives the same messages, each at its place in the JSON.
    data, problems = form_data_from_json(body)
    form = AssessmentForm(data)
    errors = [{"loc": ["body", *path], "msg": message} for path, message in problems]
    if not form.is_valid() or errors:
        taken = {tuple(e["loc"]) for e in errors}
        errors += [{"loc": ["body", *json_path(name)], "msg": str(message)}
                   for name, messages in form.errors.items() for message in messages
                   if ("body", *json_path(name)) not in taken]
        return Status(422, {"detail": errors})
    recorded = assessment_record(actor=actor, person=person, **form.service_arguments())
    return Status(201, _assessment_out(recorded))


# Each noun's endpoints live in their own router module (which imports nothing from this one).
api.add_router("/releases", release_router)
api.add_router("/referrals", referrals_router)
api.add_router("/premises", premises_router)
api.add_router("/victims", victims_router)
api.add_router("/work", work_router)
api.add_router("/merges", merges_router)
