"""Release endpoints (/api/releases/…): the readiness pipeline, a plan, and updates to it, through the same
selectors, services and forms as the pages."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from desist.api.actor import api_actor
from desist.api.schemas import form_data, form_field_errors, refusal_errors
from desist.audit.models import Action
from desist.audit.refusals import refuse
from desist.audit.services import log_access
from desist.people.selectors import person_for_actor
from desist.release import selectors, services
from desist.release.forms import (
    AdjustmentForm,
    CustodialSentenceForm,
    RecallForm,
    RecallReturnForm,
    ReleaseDateForm,
    ReleaseFactsForm,
    ReleaseForm,
    TaskForm,
)
from desist.release.models import PlanTask, ReleasePlan

router = Router(tags=["releases"])
NOT_FOUND = {"detail": "No such record is available to you."}


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    detail: list[dict[str, Any]]


class TaskOut(Schema):
    id: int
    version: int
    kind: str
    title: str
    pathway: str
    owner_agency: str | None
    due_date: date
    status: str
    done_on: date | None
    provider: str
    event_date: date | None
    detail: str


class PathwayOut(Schema):
    pathway: str
    status: str
    note: str


class PlanSummaryOut(Schema):
    id: int
    person_id: int
    name: str
    release_date: date | None  # none while the date needs a manual calculation
    manual_calculation: str  # why desist cannot work the release date out (the engine's reason), else ""
    recall_id: int | None  # the plan was reopened for the release after this recall
    # Recalled and not yet back in custody: unlawfully at large since this day, no release date runs.
    unlawfully_at_large_since: date | None = None
    release_type: str
    prison: str | None
    district: str | None
    short_notice: bool
    readiness_percent: int
    readiness: str
    accommodation_on_release: str
    missing: list[str]


class PlanOut(PlanSummaryOut):
    version: int
    # The sentences released together on this release (one plan per person per custodial episode).
    sentence_ids: list[int] = []
    risk_plan_approved_on: date | None
    pathways: list[PathwayOut]
    tasks: list[TaskOut]


class PlanPage(Schema):
    count: int
    page: int
    pages: int
    counts: dict[str, int]
    results: list[PlanSummaryOut]


class PipelineParams(Schema):
    weeks: int = 12
    prison: int | None = None
    district: int | None = None
    readiness: str = ""
    short_notice: bool = False
    page: int = 1
    page_size: int = 50


class PathwayIn(Schema):
    status: str
    note: str = ""
    version: int | None = None


class TaskIn(Schema):
    status: str | None = None
    owner_agency: int | None = None
    due_date: date | None = None
    provider: str | None = None
    event_date: date | None = None
    detail: str | None = None
    version: int | None = None


class ReleaseDateIn(Schema):
    release_date: date
    release_type: str = "conditional"
    reason: str = ""
    confirm: bool = False
    version: int | None = None


class ReleaseDateOut(Schema):
    change: str
    old_date: date | None
    new_date: date
    notice_days: int
    short_notice: bool
    plan_id: int | None
    recorded: bool
    sentence_version: int


class ReleaseFactsIn(Schema):
    sentence_type: str = "standard"
    extended_licence_days: int = 0
    tariff_expiry_date: date | None = None
    parole_board_case: bool = False
    hdc_exclusions: list[str] = []
    version: int | None = None


class StepOut(Schema):
    date_type: str
    rule: str
    detail: str


class ReleaseFactsOut(Schema):
    sentence_id: int
    sentence_type: str
    extended_licence_days: int
    tariff_expiry_date: date | None
    parole_board_case: bool
    hdc_exclusions: list[str]
    hdc_eligible: bool
    hdc_eligibility: date | None
    hdc_reasons: list[str]
    parole_eligibility: date | None
    working: list[StepOut] = []  # the engine's working of the HDC and parole eligibility dates


class AdjustmentIn(Schema):
    kind: str
    days: int
    from_date: date | None = None
    note: str = ""


class CustodialSentenceIn(Schema):
    sentence_date: date
    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0
    sentence_type: str = "standard"
    offence_date: date | None = None
    consecutive_to: int | None = None
    extension_years: int = 0
    extension_months: int = 0
    extended_licence_days: int = 0
    fine_amount: int | None = None
    tariff_expiry_date: date | None = None


class RecallIn(Schema):
    kind: str
    recalled_on: date
    returned_to_custody: date | None = None


class BookingDatesOut(Schema):
    # The docstring, as a string so that the line fits: it is the schema's description in the OpenAPI.
    __doc__ = (
        "The person's release dates as desist works them out (desist.core.release_dates), with the working, "
        "or the\n    reason they need a manual calculation (then no dates)."
    )

    person_id: int
    record_id: int | None
    dates: dict[str, date]
    working: list[StepOut]
    manual_calculation: str
    # Recalled before the return to custody: unlawfully at large since this day, and no dates until it.
    unlawfully_at_large_since: date | None = None


class ReleaseIn(Schema):
    released_on: date
    release_type: str = "conditional"
    accommodation: str
    note: str = ""
    version: int | None = None


class ReleaseOut(Schema):
    sentence_id: int
    released_on: date
    release_type: str
    accommodation: str
    accommodation_on_release: str
    note: str
    recall_id: int | None  # a re-release: the recall it ends


def _summary(plan: ReleasePlan, missing: list[str]) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "person_id": plan.person_id,
        "name": plan.person.full_name,
        "release_date": None if plan.manual_calculation else plan.release_date,
        "manual_calculation": plan.manual_calculation,
        "recall_id": plan.recall_id,
        "unlawfully_at_large_since": plan.recall.recalled_on
        if plan.recall_id and plan.recall and plan.recall.returned_to_custody is None
        else None,
        "release_type": plan.release_type,
        "prison": plan.prison.name if plan.prison else None,
        "district": plan.person.district.name if plan.person.district else None,
        "short_notice": plan.short_notice,
        "readiness_percent": plan.readiness_percent,
        "readiness": plan.readiness.band,
        "accommodation_on_release": plan.accommodation_on_release,
        "missing": missing,
    }


def _task_out(task: PlanTask) -> dict[str, Any]:
    return {
        "id": task.pk,
        "version": task.version,
        "kind": task.kind,
        "title": task.title,
        "pathway": task.pathway,
        "owner_agency": task.owner_agency.name if task.owner_agency else None,
        "due_date": task.due_date,
        "status": task.status,
        "done_on": task.done_on,
        "provider": task.provider,
        "event_date": task.event_date,
        "detail": task.detail,
    }


def _plan_out(plan: ReleasePlan) -> dict[str, Any]:
    tasks = list(plan.tasks.all())
    pathways = list(plan.pathways.all())
    missing = [t.title for t in tasks if t.status == "open"] + [
        f"{p.get_pathway_display()}: not started" for p in pathways if p.status == "not_started"
    ]
    return {
        **_summary(plan, missing),
        "version": plan.version,
        "sentence_ids": sorted(plan.memberships.values_list("sentence_id", flat=True)),
        "risk_plan_approved_on": plan.risk_plan_approved_on,
        "pathways": [{"pathway": p.pathway, "status": p.status, "note": p.note} for p in pathways],
        "tasks": [_task_out(t) for t in tasks],
    }


@router.get(
    "", response=PlanPage, summary="Releases due in the coming weeks, with readiness and what is missing"
)
def list_releases(request: HttpRequest, params: Query[PipelineParams]) -> dict[str, Any]:
    actor = api_actor(request)
    filters = selectors.PipelineFilters(
        weeks=max(1, min(params.weeks, 52)),
        prison=params.prison,
        district=params.district,
        readiness=params.readiness,
        short_notice=params.short_notice,
    )
    plans = selectors.release_pipeline(actor, filters, on=timezone.localdate())
    counts = selectors.pipeline_counts(plans)
    paginator = Paginator(plans, max(1, min(params.page_size, 200)))
    paginator.__dict__["count"] = counts["total"]
    page = paginator.get_page(params.page)
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Listed releases through the API ({len(page)} shown)",
        detail={"person_ids": [p.person_id for p in page]},
    )
    return {
        "count": counts["total"],
        "page": page.number,
        "pages": paginator.num_pages,
        "counts": counts,
        "results": [_summary(p, selectors.missing(p)) for p in page],
    }


@router.get("/plans/{id:plan_id}", response={200: PlanOut, 404: ErrorOut}, summary="One release plan")
def get_plan(request: HttpRequest, plan_id: int) -> Any:
    actor = api_actor(request)
    plan = selectors.plan_for_actor(actor, plan_id)
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        person_id=plan.person_id,
        obj=plan,
        summary=f"Viewed the release plan of person {plan.person_id} through the API",
    )
    return _plan_out(plan)


@router.post(
    "/plans/{id:plan_id}/pathways/{pathway}",
    response={200: PathwayOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Set a pathway's status (send the plan's version as read: 409 if it has changed since)",
)
def set_pathway(request: HttpRequest, plan_id: int, pathway: str, body: PathwayIn) -> Any:
    actor = api_actor(request)
    plan = selectors.plan_for_actor(actor, plan_id)
    try:
        row = services.pathway_status_set(
            actor=actor, plan=plan, pathway=pathway, status=body.status, note=body.note, version=body.version
        )
    except services.ReleaseError as error:
        return Status(422, {"detail": str(error)})
    return {"pathway": row.pathway, "status": row.status, "note": row.note}


@router.post(
    "/plans/{id:plan_id}/tasks/{id:task_id}",
    response={200: TaskOut, 404: ErrorOut, 409: ErrorOut, 422: FieldErrorOut},
    summary="Update a task (only the fields sent change); the page's form checks the values",
)
def update_task(request: HttpRequest, plan_id: int, task_id: int, body: TaskIn) -> Any:
    actor = api_actor(request)
    plan = selectors.plan_for_actor(actor, plan_id)
    task = plan.tasks.filter(pk=task_id).select_related("plan").first()
    if task is None:
        refuse(actor, summary=f"Refused access to release plan task {task_id}", person_id=plan.person_id)
    sent = body.model_dump(exclude_unset=True)
    current = {
        "status": task.status,
        "owner_agency": task.owner_agency_id,
        "due_date": task.due_date,
        "provider": task.provider,
        "event_date": task.event_date,
        "detail": task.detail,
    }
    version = sent.pop("version", None)
    form = TaskForm({name: ("" if value is None else value) for name, value in {**current, **sent}.items()})
    if not form.is_valid():
        return Status(422, form_field_errors(form))
    try:
        task = services.plan_task_update(
            actor=actor, task=task, version=version, **{k: form.cleaned_data[k] for k in sent}
        )
    except services.ReleaseError as error:
        return Status(422, refusal_errors(error))
    task = PlanTask.objects.select_related("owner_agency").get(pk=task.pk)
    return _task_out(task)


@router.post(
    "/sentences/{id:sentence_id}/release-date",
    response={200: ReleaseDateOut, 404: ErrorOut, 409: ErrorOut, 422: FieldErrorOut},
    summary="Set, bring forward or put back an expected release date, or confirm it (confirm: true); "
    "the date already recorded, sent again, records nothing (recorded: false)",
)
def set_release_date(request: HttpRequest, sentence_id: int, body: ReleaseDateIn) -> Any:
    actor = api_actor(request)
    sentence = selectors.sentence_for_actor(actor, sentence_id)
    form = ReleaseDateForm({**body.model_dump(), "version": body.version or ""})
    if not form.is_valid():
        return Status(422, form_field_errors(form))
    plan_id = ReleasePlan.objects.filter(memberships__sentence=sentence).values_list("pk", flat=True).first()
    try:
        change = services.release_date_record(actor=actor, sentence=sentence, **form.cleaned_data)
    except services.ReleaseDateUnchanged:
        # The same date sent again (a retry, a double click): nothing more is recorded, and that is no error.
        return {
            "change": "unchanged",
            "old_date": sentence.release_date,
            "new_date": form.cleaned_data["release_date"],
            "notice_days": (form.cleaned_data["release_date"] - timezone.localdate()).days,
            "short_notice": False,
            "plan_id": plan_id,
            "recorded": False,
            "sentence_version": sentence.version,
        }
    except services.ReleaseError as error:
        return Status(422, {"detail": [{"loc": ["body", "release_date"], "msg": str(error)}]})
    plan_id = ReleasePlan.objects.filter(memberships__sentence=sentence).values_list("pk", flat=True).first()
    sentence.refresh_from_db(fields=["version"])
    return {
        "change": change.change,
        "old_date": change.old_date,
        "new_date": change.new_date,
        "notice_days": change.notice_days,
        "short_notice": change.short_notice,
        "plan_id": plan_id,
        "recorded": True,
        "sentence_version": sentence.version,
    }


@router.post(
    "/sentences/{id:sentence_id}/facts",
    response={200: ReleaseFactsOut, 404: ErrorOut, 409: ErrorOut, 422: FieldErrorOut},
    summary="Record a custodial sentence's release facts (prison or probation staff)",
)
def set_release_facts(request: HttpRequest, sentence_id: int, body: ReleaseFactsIn) -> Any:
    actor = api_actor(request)
    sentence = selectors.sentence_for_actor(actor, sentence_id)
    data = form_data(body)
    form = ReleaseFactsForm(data)  # the version rides along as the page's hidden field does
    if not form.is_valid():
        return Status(422, form_field_errors(form))
    try:
        facts = services.release_facts_record(actor=actor, sentence=sentence, **form.cleaned_data)
    except services.ReleaseError as error:
        return Status(422, refusal_errors(error))
    # HDC and parole eligibility are the person's release's: the engine's for the whole booking.
    episode = selectors.person_release(sentence.person, on=timezone.localdate())
    hdced, hdc_reasons = episode.hdc
    ped, _ = episode.parole
    return {
        "sentence_id": sentence.pk,
        "sentence_type": facts.sentence_type,
        "extended_licence_days": facts.extended_licence_days,
        "tariff_expiry_date": facts.tariff_expiry_date,
        "parole_board_case": facts.parole_board_case,
        "hdc_exclusions": facts.hdc_exclusions,
        "hdc_eligible": hdced is not None,
        "hdc_eligibility": hdced,
        "hdc_reasons": list(hdc_reasons),
        "parole_eligibility": ped,
        "working": [
            {"date_type": str(w.date_type), "rule": w.rule, "detail": w.detail}
            for w in (*episode.hdc_working, *episode.parole_working)
        ],
    }


@router.post(
    "/sentences/{id:sentence_id}/release",
    response={200: ReleaseOut, 404: ErrorOut, 409: ErrorOut, 422: FieldErrorOut},
    summary="Record that the person was released (prison or probation staff)",
)
def record_release(request: HttpRequest, sentence_id: int, body: ReleaseIn) -> Any:
    actor = api_actor(request)
    sentence = selectors.sentence_for_actor(actor, sentence_id)
    form = ReleaseForm({**body.model_dump(), "version": body.version or ""})
    if not form.is_valid():
        return Status(422, form_field_errors(form))
    try:
        release = services.release_record(actor=actor, sentence=sentence, **form.cleaned_data)
    except services.ReleaseError as error:
        return Status(422, refusal_errors(error))
    return {
        "sentence_id": sentence.pk,
        "released_on": release.released_on,
        "release_type": release.release_type,
        "accommodation": release.accommodation,
        "accommodation_on_release": release.accommodation_on_release,
        "note": release.note,
        "recall_id": release.recall_id,
    }


def _booking_out(person_id: int, record_id: int | None) -> dict[str, Any]:
    booking = selectors.booking_dates(person_id, on=timezone.localdate())
    calculation = booking.calculation
    return {
        "person_id": person_id,
        "record_id": record_id,
        "dates": {str(k): v for k, v in calculation.dates.items()} if calculation else {},
        "working": [
            {"date_type": str(w.date_type), "rule": w.rule, "detail": w.detail} for w in calculation.working
        ]
        if calculation
        else [],
        "manual_calculation": booking.manual,
        "unlawfully_at_large_since": booking.at_large.recalled_on if booking.at_large else None,
    }


@router.post(
    "/sentences/{id:sentence_id}/adjustments",
    response={200: BookingDatesOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Record remand, tagged bail, time unlawfully at large, or days awarded or restored (prison or "
    "probation staff); answers the person's release dates worked out again",
)
def record_adjustment(request: HttpRequest, sentence_id: int, body: AdjustmentIn) -> Any:
    actor = api_actor(request)
    sentence = selectors.sentence_for_actor(actor, sentence_id)
    selectors.recorder_for_actor(actor, person_id=sentence.person_id, what="an adjustment")
    form = AdjustmentForm(form_data(body))
    if not form.is_valid():
        return Status(422, form_field_errors(form))
    try:
        adjustment = services.adjustment_record(actor=actor, sentence=sentence, **form.cleaned_data)
    except services.ReleaseError as error:
        return Status(422, refusal_errors(error))
    return _booking_out(sentence.person_id, adjustment.pk)


@router.post(
    "/sentences/{id:sentence_id}/recalls",
    response={200: BookingDatesOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Record a recall to custody from a sentence's licence (prison or probation staff); answers the "
    "person's release dates worked out again",
)
def record_recall(request: HttpRequest, sentence_id: int, body: RecallIn) -> Any:
    actor = api_actor(request)
    sentence = selectors.sentence_for_actor(actor, sentence_id)
    selectors.recorder_for_actor(actor, person_id=sentence.person_id, what="a recall")
    form = RecallForm(form_data(body))
    if not form.is_valid():
        return Status(422, form_field_errors(form))
    try:
        recall = services.recall_record(actor=actor, sentence=sentence, **form.cleaned_data)
    except services.ReleaseError as error:
        return Status(422, refusal_errors(error))
    return _booking_out(sentence.person_id, recall.pk)


class RecallReturnIn(Schema):
    returned_to_custody: date


@router.post(
    "/recalls/{id:recall_id}/returned",
    response={200: BookingDatesOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Record the return to custody after a recall recorded before it (prison or probation staff): the "
    "days unlawfully at large count; answers the person's release dates worked out again",
)
def record_recall_return(request: HttpRequest, recall_id: int, body: RecallReturnIn) -> Any:
    actor = api_actor(request)
    recall = selectors.recall_for_actor(actor, recall_id)
    selectors.recorder_for_actor(actor, person_id=recall.person_id, what="a return to custody")
    form = RecallReturnForm(form_data(body))
    if not form.is_valid():
        return Status(422, form_field_errors(form))
    try:
        services.recall_return_record(actor=actor, recall=recall, **form.cleaned_data)
    except services.ReleaseError as error:
        return Status(422, refusal_errors(error))
    return _booking_out(recall.person_id, recall.pk)


@router.post(
    "/adjustments/{id:adjustment_id}/remove",
    response={200: BookingDatesOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Remove an adjustment recorded in error (prison or probation staff); answers the person's "
    "release dates worked out again",
)
def remove_adjustment(request: HttpRequest, adjustment_id: int) -> Any:
    actor = api_actor(request)
    adjustment = selectors.adjustment_for_actor(actor, adjustment_id)
    selectors.recorder_for_actor(actor, person_id=adjustment.person_id, what="an adjustment")
    person_id = adjustment.person_id
    try:
        services.adjustment_remove(actor=actor, adjustment=adjustment)
    except services.ReleaseError as error:
        return Status(422, refusal_errors(error))
    return _booking_out(person_id, adjustment_id)


@router.post(
    "/people/{id:person_id}/sentences",
    response={200: BookingDatesOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut},
    summary="Record a custodial sentence as the prison records it (prison or probation staff); answers the "
    "person's release dates worked out again",
)
def record_sentence(request: HttpRequest, person_id: int, body: CustodialSentenceIn) -> Any:
    actor = api_actor(request)
    person = person_for_actor(actor, person_id, what="the release")
    selectors.recorder_for_actor(actor, person_id=person.pk, what="a sentence")
    booking = selectors.booking_dates(person.pk, on=timezone.localdate())
    form = CustodialSentenceForm(
        form_data(body),
        sentences=booking.sentences,
    )
    if not form.is_valid():
        return Status(422, form_field_errors(form))
    data = dict(form.cleaned_data)
    follows_id = data.pop("consecutive_to")
    follows = next((s for s in booking.sentences if s.pk == follows_id), None)
    try:
        sentence = services.custodial_sentence_record(
            actor=actor, person=person, consecutive_to=follows, **data
        )
    except services.ReleaseError as error:
        return Status(422, refusal_errors(error))
    return _booking_out(person.pk, sentence.pk)


@router.get(
    "/people/{id:person_id}/dates",
    response={200: BookingDatesOut, 404: ErrorOut},
    summary="A person's release dates as desist works them out, with the working, or why they need a manual "
    "calculation",
)
def get_release_dates(request: HttpRequest, person_id: int) -> Any:
    actor = api_actor(request)
    person = person_for_actor(actor, person_id, what="the release")
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        person_id=person.pk,
        obj=person,
        summary=f"Viewed release dates of person {person.pk}",
    )
    return _booking_out(person.pk, None)
