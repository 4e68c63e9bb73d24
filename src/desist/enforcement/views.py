"""Enforcement pages: a person's compliance and enforcement (failures with their judgement, warning, referral
and clock; recall recommendations; requirement progress) with the forms to record a failure, recommend a
recall and log progress; a failure's page with judging, warning and referring; the warning letter (PDF)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from desist.audit.models import Action
from desist.audit.refusals import AuthenticatedHttpRequest, refuse
from desist.audit.services import log_access
from desist.core.sharing import SENTENCE
from desist.enforcement import letters, selectors, services
from desist.enforcement.forms import (
    DecideForm,
    EndForm,
    FailureForm,
    JudgeForm,
    OutcomeForm,
    ProgressForm,
    RecallForm,
    ReferForm,
)
from desist.enforcement.models import EnforcementWarning, Failure, ProgressKind
from desist.enforcement.services import EnforcementError
from desist.people.models import Person
from desist.people.selectors import person_for_actor, visible_people
from desist.sentences.models import LicenceCondition, Requirement, RequirementStatus, Sentence
from desist.sharing.pages import not_shared
from desist.supervision.models import FAILURE_OUTCOMES, Appointment

PERSON_FORMS: dict[str, type[forms.Form]] = {
    "failure": FailureForm,
    "recall": RecallForm,
    "progress": ProgressForm,
    "end": EndForm,
}


def _form_kwargs(person: Person) -> dict[str, dict[str, Any]]:
    """What each of the person's forms offers: their sentences, licences and active requirements."""
    sentences = list(Sentence.objects.filter(person=person).order_by("-sentence_date"))
    requirements = list(
        Requirement.objects.filter(sentence__person=person, status=RequirementStatus.ACTIVE).order_by("id")
    )
    conditions = list(
        LicenceCondition.objects.filter(sentence__person=person, ended_on__isnull=True).order_by(
            "sentence", "code"
        )
    )
    # Missed or failed appointments not yet recorded as a failure: the supervision app's outcomes.
    appointments = list(
        Appointment.objects.filter(
            person=person, outcome__in=FAILURE_OUTCOMES, failures__isnull=True
        ).order_by("-starts_at")[:20]
    )
    return {
        "failure": {
            "sentences": sentences,
            "requirements": requirements,
            "conditions": conditions,
            "appointments": appointments,
        },
        "recall": {"licences": [s for s in sentences if s.is_custodial]},
        "progress": {"requirements": requirements},
        "end": {"requirements": requirements},
    }


def _forms(person: Person, bound: tuple[str, forms.Form] | None = None) -> dict[str, forms.Form]:
    kwargs = _form_kwargs(person)
    made = {
        f"{name}_form": form_class(prefix=name, **kwargs[name]) for name, form_class in PERSON_FORMS.items()
    }
    if bound is not None:
        made[f"{bound[0]}_form"] = bound[1]
    return made


def _person_page(
    request: AuthenticatedHttpRequest,
    person: Person,
    *,
    errors: list[str] | None = None,
    bound: tuple[str, forms.Form] | None = None,
) -> HttpResponse:
    actor = request.actor
    today = timezone.localdate()
    failures = selectors.person_failures(person.pk, on=today)
    recalls = list(selectors.recall_recommendations(person.pk))
    progress = selectors.requirement_progress(person.pk, on=today)
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        person_id=person.pk,
        obj=person,
        summary=f"Viewed the compliance and enforcement of person {person.pk}",
        detail={"failures": [v.failure.pk for v in failures]},
    )
    context: dict[str, Any] = {
        "person": person,
        "failures": failures,
        "progress": progress,
        "awaiting": sum(1 for v in failures if v.failure.judgement == "pending"),
        "action_due": sum(1 for v in failures if v.clock is not None and v.clock.action_on is None),
        "at_court": sum(
            1 for v in failures if getattr(v.failure, "referral", None) and not v.failure.referral.outcome
        ),
        "may_enforce": selectors.may_enforce(actor),
        # Each with its length under the law for the term (on the decision's date, or today's while pending).
        "recalls": [
            (
                r,
                DecideForm(prefix=f"decide-{r.pk}", initial={"decided_on": today}),
                services.recall_length(r.sentence, r.kind, r.decided_on or today),
            )
            for r in recalls
        ],
        "errors": errors or [],
        "error_form": bound[1] if bound is not None else None,
        "today": today,
        **_forms(person, bound=bound),
    }
    return render(request, "enforcement/person_enforcement.html", context, status=400 if errors else 200)


TITLE = "Compliance and enforcement"


@login_required
def person_enforcement(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """A person's compliance and enforcement."""
    person = person_for_actor(request.actor, person_id, what="the compliance and enforcement")
    return not_shared(request, person, SENTENCE, title=TITLE) or _person_page(request, person)


def _decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(1)


@login_required
@require_POST
def person_enforcement_action(request: AuthenticatedHttpRequest, person_id: int, action: str) -> HttpResponse:
    """Record a failure, recommend a recall, log a requirement's progress or end it."""
    actor = request.actor
    person = person_for_actor(actor, person_id, what="the compliance and enforcement")
    if action not in PERSON_FORMS:
        raise Http404()
    if withheld := not_shared(request, person, SENTENCE, title=TITLE):
        return withheld
    bound = PERSON_FORMS[action](request.POST, prefix=action, **_form_kwargs(person)[action])
    if not bound.is_valid():
        return _person_page(request, person, bound=(action, bound))
    data = bound.cleaned_data
    try:
        if action == "failure":
            sentence = Sentence.objects.get(pk=data["sentence"], person=person)
            requirement = (
                Requirement.objects.get(pk=data["requirement"], sentence=sentence)
                if data["requirement"]
                else None
            )
            condition = (
                LicenceCondition.objects.get(pk=data["licence_condition"], sentence=sentence)
                if data["licence_condition"]
                else None
            )
            appointment = (
                Appointment.objects.get(pk=data["appointment"], person=person)
                if data["appointment"]
                else None
            )
            failure = services.record_failure(
                actor=actor,
                person=person,
                sentence=sentence,
                requirement=requirement,
                licence_condition=condition,
                appointment=appointment,
                occurred_on=data["occurred_on"],
                description=data["description"],
            )
            messages.success(request, "Failure recorded: judge it acceptable or unacceptable.")
            return redirect("enforcement_failure", failure_id=failure.pk)
        if action == "recall":
            services.recommend_recall(
                actor=actor,
                sentence=Sentence.objects.get(pk=data["sentence"], person=person),
                kind=data["kind"],
                reason=data["reason"],
            )
            messages.success(request, "Recall recommended.")
        else:
            requirement = Requirement.objects.select_related("sentence").get(
                pk=data["requirement"], sentence__person=person
            )
            if action == "progress":
                _progress(actor=request.actor, requirement=requirement, data=data)
                messages.success(request, "Progress recorded.")
            else:
                _end(actor=request.actor, requirement=requirement, data=data)
                messages.success(request, f"Requirement {data['kind']}.")
    except EnforcementError as error:
        return _person_page(request, person, errors=[str(error)], bound=(action, bound))
    except (
        Sentence.DoesNotExist,
        Requirement.DoesNotExist,
        LicenceCondition.DoesNotExist,
        Appointment.DoesNotExist,
    ):
        message = "Choose a requirement, licence condition or appointment of the order or licence chosen."
        return _person_page(request, person, errors=[message], bound=(action, bound))
    return redirect("person_enforcement", person_id=person.pk)


def _progress(*, actor: Any, requirement: Requirement, data: dict[str, Any]) -> None:
    kind, day, note = data["kind"], data["on"], data["note"]
    if kind == ProgressKind.UNPAID_WORK:
        if not data["hours"]:
            raise EnforcementError("Enter the hours of unpaid work.")
        services.log_unpaid_work(
            actor=actor, requirement=requirement, worked_on=day, hours=_decimal(data["hours"]), note=note
        )
    elif kind == ProgressKind.RAR_DAY:
        services.record_rar_day(actor=actor, requirement=requirement, day=day, note=note)
    elif kind == ProgressKind.PROGRAMME_SESSION:
        services.record_programme_session(actor=actor, requirement=requirement, day=day, note=note)
    elif kind == ProgressKind.TREATMENT:
        services.record_treatment(actor=actor, requirement=requirement, day=day, note=note)
    else:
        services.record_drug_test(
            actor=actor, requirement=requirement, day=day, result=data["result"], note=note
        )


def _end(*, actor: Any, requirement: Requirement, data: dict[str, Any]) -> None:
    if data["kind"] == "completed":
        services.complete_requirement(
            actor=actor, requirement=requirement, completed_on=data["on"], note=data["reason"]
        )
    else:
        services.terminate_requirement(
            actor=actor, requirement=requirement, terminated_on=data["on"], reason=data["reason"]
        )


# --- A failure ----------------------------------------------------------------------------------------


def _failure_page(
    request: AuthenticatedHttpRequest,
    failure: Failure,
    *,
    errors: list[str] | None = None,
    bound: forms.Form | None = None,
) -> HttpResponse:
    actor = request.actor
    today = timezone.localdate()
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        person_id=failure.person_id,
        obj=failure,
        summary=f"Viewed the failure to comply of {failure.occurred_on}",
    )
    context: dict[str, Any] = {
        "failure": failure,
        "person": failure.person,
        "warning": getattr(failure, "warning", None),
        "referral": getattr(failure, "referral", None),
        "next_action": selectors.next_action(failure),
        "clock": selectors.clock(failure, on=today),
        "may_enforce": selectors.may_enforce(actor),
        "judge_form": JudgeForm(prefix="judge"),
        "refer_form": ReferForm(prefix="refer"),
        "outcome_form": OutcomeForm(prefix="outcome", initial={"outcome_on": today}),
        "errors": errors or [],
        "error_form": bound,
    }
    if bound is not None:
        context[{JudgeForm: "judge_form", ReferForm: "refer_form"}.get(type(bound), "outcome_form")] = bound
    return render(request, "enforcement/failure.html", context, status=400 if errors else 200)


def _visible_failure(request: AuthenticatedHttpRequest, failure_id: int) -> Failure:
    failure = selectors.failure_for_actor(request.actor, failure_id)
    return Failure.objects.select_related(
        "person", "sentence", "requirement", "licence_condition", "warning", "referral", "judged_by"
    ).get(pk=failure.pk)


@login_required
def failure(request: AuthenticatedHttpRequest, failure_id: int) -> HttpResponse:
    """A failure with what may be done about it: judge it, warn or refer, and the court's outcome."""
    return _failure_page(request, _visible_failure(request, failure_id))


FAILURE_FORMS: dict[str, type[forms.Form] | None] = {
    "judge": JudgeForm,
    "warn": None,
    "refer": ReferForm,
    "outcome": OutcomeForm,
}


@login_required
@require_POST
def failure_action(request: AuthenticatedHttpRequest, failure_id: int, action: str) -> HttpResponse:
    """Judge, warn, refer, or record the court's outcome of the referral."""
    actor = request.actor
    item = _visible_failure(request, failure_id)
    if action not in FAILURE_FORMS:
        raise Http404()
    form_class = FAILURE_FORMS[action]
    bound = form_class(request.POST, prefix=action) if form_class else None
    if bound is not None and not bound.is_valid():
        return _failure_page(request, item, bound=bound)
    data = bound.cleaned_data if bound is not None else {}
    try:
        if action == "judge":
            services.judge_failure(
                actor=actor,
                failure=item,
                judgement=data["judgement"],
                reason=data["reason"],
                evidence=data["evidence"],
            )
            done = "Judgement recorded."
        elif action == "warn":
            services.issue_warning(actor=actor, failure=item)
            done = "Warning given: download the letter and give it to the person."
        elif action == "refer":
            services.refer_for_enforcement(actor=actor, failure=item, note=data["note"])
            done = "Referred for enforcement."
        else:
            referral = getattr(item, "referral", None)
            if referral is None:
                raise EnforcementError("Refer the failure for enforcement first.")
            services.record_court_outcome(
                actor=actor,
                referral=referral,
                outcome=data["outcome"],
                outcome_on=data["outcome_on"],
                court_date=data["court_date"],
                note=data["note"],
            )
            done = "Court outcome recorded."
    except EnforcementError as error:
        return _failure_page(request, _visible_failure(request, failure_id), errors=[str(error)], bound=bound)
    messages.success(request, done)
    return redirect("enforcement_failure", failure_id=item.pk)


@login_required
def warning_letter(request: AuthenticatedHttpRequest, warning_id: int) -> HttpResponse:
    """The warning letter as a PDF."""
    actor = request.actor
    warning = (
        EnforcementWarning.objects.select_related(
            "failure",
            "failure__person",
            "failure__sentence",
            "failure__requirement",
            "failure__licence_condition",
            "issued_by",
        )
        .filter(pk=warning_id, person__in=visible_people(actor))
        .first()
    )
    if warning is None:
        refuse(actor, summary=f"Refused access to the warning letter {warning_id}")
    if withheld := not_shared(request, warning.failure.person, SENTENCE, title="Warning letter"):
        return withheld
    log_access(
        actor=actor,
        action=Action.DISCLOSURE,
        person_id=warning.person_id,
        obj=warning,
        summary=f"Produced the warning letter of {warning.issued_on}",
    )
    response = HttpResponse(letters.warning_letter_pdf(warning), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="warning-{warning.issued_on:%Y-%m-%d}.pdf"'
    return response


@login_required
@require_POST
def recall_decide(request: AuthenticatedHttpRequest, recommendation_id: int) -> HttpResponse:
    """Record the decision on a recall recommendation (a recall agreed is recorded by the release app)."""
    actor = request.actor
    recommendation = selectors.recommendation_for_actor(actor, recommendation_id)
    person = person_for_actor(actor, recommendation.person_id, what="the compliance and enforcement")
    form = DecideForm(request.POST, prefix=f"decide-{recommendation.pk}")
    if not form.is_valid():
        return _person_page(request, person, errors=[str(e) for es in form.errors.values() for e in es])
    data = form.cleaned_data
    try:
        services.decide_recall(
            actor=actor,
            recommendation=recommendation,
            decision=data["decision"],
            decided_on=data["decided_on"] or date.today(),
            returned_to_custody=data["returned_to_custody"],
            note=data["note"],
        )
    except EnforcementError as error:
        return _person_page(request, person, errors=[str(error)])
    messages.success(request, "Recall decision recorded.")
    return redirect("person_enforcement", person_id=person.pk)
