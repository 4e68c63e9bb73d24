"""A record's information governance (/api/people/{id}/restrictions, /api/people/{id}/consents; issue 16,
items 2 and 4): the same getters, forms and services as the Restrictions and Consent pages
(desist.people.governance), so the same users may use them. Restrictions: the case's offender manager, their
team manager and the data protection officer (anyone else who may see the record: 403; who may not: 404).
Consent: everyone who may see the record, and the DPO. Every read and write logged, every refusal too."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from desist.api.actor import api_actor
from desist.api.schemas import ValidationErrorOut, form_data, form_field_errors, refusal_errors
from desist.audit.models import Action
from desist.audit.services import log_access
from desist.people.governance_access import (
    consent_of,
    consents_person,
    restriction_in_force,
    restrictions_person,
)
from desist.people.governance_forms import ConsentForm, RestrictionForm
from desist.sharing import selectors as sharing
from desist.sharing import services
from desist.sharing.models import CaseRestriction, Consent

router = Router(tags=["information governance"])

MAX_PAGE_SIZE = 200


class GovernanceErrorOut(Schema):
    detail: str


class GovernancePageParams(Schema):
    page: int = 1
    page_size: int = 50


class RestrictionOut(Schema):
    id: int
    person_id: int
    kind: str
    username: str
    user_name: str
    reason: str
    contact: str
    created_by: str | None
    created_at: datetime
    ended_at: datetime | None


class RestrictionPage(Schema):
    count: int
    page: int
    pages: int
    results: list[RestrictionOut]


class RestrictionIn(Schema):
    kind: Literal["restricted", "excluded"] = Field(
        description="restricted: only the users named may see the case; excluded: this user may not"
    )
    who: str = Field(description="The user's username, or a full name only one active user has")
    reason: str
    contact: str = Field(description="Whom a refused user should contact")


class ConsentOut(Schema):
    id: int
    person_id: int
    agency: str
    agency_name: str
    categories: list[str]
    purposes: list[str]
    scope: str
    given_on: date
    recorded_by: str | None
    withdrawn_at: datetime | None
    withdrawn_by: str | None


class ConsentPage(Schema):
    count: int
    page: int
    pages: int
    results: list[ConsentOut]


class ConsentIn(Schema):
    agency: int = Field(description="The agency the person agreed may see their record")
    categories: list[str] = Field(description="What it may see (desist.core.sharing's categories)")
    purposes: list[str] = Field(default_factory=list, description="For which purposes; empty: any")
    scope: str = Field(description="What the person agreed to, in the words recorded with them")
    given_on: date


def _username(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def _restriction_out(r: CaseRestriction) -> dict[str, Any]:
    return {
        "id": r.pk,
        "person_id": r.person_id,
        "kind": r.kind,
        "username": r.user.get_username(),
        "user_name": r.user.get_full_name() or r.user.get_username(),
        "reason": r.reason,
        "contact": r.contact,
        "created_by": _username(r.created_by),
        "created_at": r.created_at,
        "ended_at": r.ended_at,
    }


def _consent_out(c: Consent) -> dict[str, Any]:
    return {
        "id": c.pk,
        "person_id": c.person_id,
        "agency": c.agency.code,
        "agency_name": c.agency.name,
        "categories": c.categories,
        "purposes": c.purposes,
        "scope": c.scope,
        "given_on": c.given_on,
        "recorded_by": _username(c.recorded_by),
        "withdrawn_at": c.withdrawn_at,
        "withdrawn_by": _username(c.withdrawn_by),
    }


def _page(items: Any, params: GovernancePageParams) -> Any:
    return Paginator(items, max(1, min(params.page_size, MAX_PAGE_SIZE))).get_page(params.page)


@router.get(
    "/people/{id:person_id}/restrictions",
    response={200: RestrictionPage, 403: GovernanceErrorOut, 404: GovernanceErrorOut},
    summary="A case's restrictions and exclusions in force (for its offender manager, team manager, the DPO)",
)
def governance_restrictions(
    request: HttpRequest, person_id: int, params: Query[GovernancePageParams]
) -> dict[str, Any]:
    actor = api_actor(request)
    person = restrictions_person(actor, person_id)
    page = _page(sharing.case_restrictions(person.pk).order_by("kind", "pk"), params)
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        person_id=person.pk,
        summary=f"Viewed the restrictions of person {person.pk} through the API",
        detail={"restrictions": [r.pk for r in page]},
    )
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": [_restriction_out(r) for r in page],
    }


@router.post(
    "/people/{id:person_id}/restrictions",
    response={201: RestrictionOut, 403: GovernanceErrorOut, 404: GovernanceErrorOut, 422: ValidationErrorOut},
    summary="Restrict a case to a named user, or exclude a named user from it; applies at once",
)
def governance_restrict(request: HttpRequest, person_id: int, body: RestrictionIn) -> Any:
    actor = api_actor(request)
    person = restrictions_person(actor, person_id)
    form = RestrictionForm(form_data(body))
    if not form.is_valid():
        return Status(422, form_field_errors(form))
    data = form.cleaned_data
    try:
        restriction = services.restrict_case(
            actor=actor,
            person_id=person.pk,
            kind=data["kind"],
            user=data["who"],
            reason=data["reason"],
            contact=data["contact"],
        )
    except services.SharingError as problem:
        return Status(422, refusal_errors(problem))
    return Status(201, _restriction_out(restriction))


@router.post(
    "/people/{id:person_id}/restrictions/{id:restriction_id}/end",
    response={200: RestrictionOut, 403: GovernanceErrorOut, 404: GovernanceErrorOut},
    summary="Lift a restriction or exclusion in force; it stops applying at once",
)
def governance_restriction_end(request: HttpRequest, person_id: int, restriction_id: int) -> Any:
    actor = api_actor(request)
    person = restrictions_person(actor, person_id)
    restriction_in_force(actor, person, restriction_id)
    return _restriction_out(services.end_restriction(actor=actor, restriction_id=restriction_id))


@router.get(
    "/people/{id:person_id}/consents",
    response={200: ConsentPage, 404: GovernanceErrorOut},
    summary="A person's consents to sharing, in force and withdrawn, newest first",
)
def governance_consents(
    request: HttpRequest, person_id: int, params: Query[GovernancePageParams]
) -> dict[str, Any]:
    actor = api_actor(request)
    person = consents_person(actor, person_id)
    page = _page(sharing.consents(person.pk).order_by("-given_on", "-pk"), params)
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        person_id=person.pk,
        summary=f"Viewed the consents of person {person.pk} through the API",
        detail={"consents": [c.pk for c in page]},
    )
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": [_consent_out(c) for c in page],
    }


@router.post(
    "/people/{id:person_id}/consents",
    response={201: ConsentOut, 404: GovernanceErrorOut, 422: ValidationErrorOut},
    summary="Record a person's consent to an agency seeing some categories of their record; applies at once",
)
def governance_consent_record(request: HttpRequest, person_id: int, body: ConsentIn) -> Any:
    actor = api_actor(request)
    person = consents_person(actor, person_id)
    form = ConsentForm(form_data(body))
    if not form.is_valid():
        return Status(422, form_field_errors(form))
    data = form.cleaned_data
    try:
        consent = services.record_consent(
            actor=actor,
            person_id=person.pk,
            agency_id=data["agency"],
            categories=data["categories"],
            purposes=data["purposes"],
            scope=data["scope"],
            given_on=data["given_on"],
        )
    except services.SharingError as problem:
        return Status(422, refusal_errors(problem))
    return Status(201, _consent_out(Consent.objects.select_related("agency").get(pk=consent.pk)))


@router.post(
    "/people/{id:person_id}/consents/{id:consent_id}/withdraw",
    response={200: ConsentOut, 404: GovernanceErrorOut},
    summary="Withdraw a consent: what it shared stops being shared from the next request",
)
def governance_consent_withdraw(request: HttpRequest, person_id: int, consent_id: int) -> Any:
    actor = api_actor(request)
    person = consents_person(actor, person_id)
    consent_of(actor, person, consent_id)
    consent = services.withdraw_consent(actor=actor, consent_id=consent_id)
    return _consent_out(Consent.objects.select_related("agency").get(pk=consent.pk))
