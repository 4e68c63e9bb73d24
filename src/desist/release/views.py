"""Release pages: a person's release (dates with working, eligibility, the plan), the plan itself, the
readiness of the whole release pipeline, the early-release list per scheme, and escalations."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.refusals import AuthenticatedHttpRequest
from desist.audit.services import log_access
from desist.core import release as rules
from desist.core.sharing import SENTENCE
from desist.partnership.models import Agency
from desist.people.models import Person
from desist.people.selectors import person_for_actor
from desist.release import selectors, services
from desist.release.forms import (
    AccommodationForm,
    AdjustmentForm,
    CustodialSentenceForm,
    PathwaysForm,
    PipelineFilterForm,
    RecallForm,
    RecallReturnForm,
    ReleaseDateForm,
    ReleaseFactsForm,
    ReleaseForm,
    TaskForm,
)
from desist.release.models import EarlyReleaseScheme, PlanTask, ReleasePlan
from desist.sharing.pages import not_shared
from desist.versioning import StaleEdit, form_carry_version, form_show_stale

PAGE_SIZE = 50


def _visible_person(actor: Actor, person_id: int) -> Person:
    return person_for_actor(actor, person_id, what="the release")


_plan = selectors.plan_for_actor


def _facts_form(r: selectors.SentenceRow) -> ReleaseFactsForm:
    facts = r.facts
    initial: dict[str, Any] = {"sentence_type": r.sentence_type, "version": r.sentence.version}
    if facts is not None:
        initial.update(
            extension_years=facts.extension_years,
            extension_months=facts.extension_months,
            fine_amount=facts.fine_amount,
            sentence_type=facts.sentence_type,
        )
        initial.update(
            extended_licence_days=facts.extended_licence_days,
            tariff_expiry_date=facts.tariff_expiry_date,
            parole_board_case=facts.parole_board_case,
            hdc_exclusions=facts.hdc_exclusions,
        )
    return ReleaseFactsForm(prefix=f"facts{r.sentence.pk}", initial=initial)


def _release_form(r: selectors.SentenceRow, plan: ReleasePlan | None, today: Any) -> ReleaseForm:
    return ReleaseForm(
        prefix=f"release{r.sentence.pk}",
        initial={
            "released_on": today,
            "release_type": plan.release_type if plan else "conditional",
            "version": r.sentence.version,
        },
    )


def _person_release_page(
    request: AuthenticatedHttpRequest,
    person: Person,
    *,
    bound: dict[str, Any] | None = None,
    bound_sentence: int | None = None,
) -> HttpResponse:
    """The release page: each sentence awaiting release with its date, facts and release forms (a form just
    sent, with its errors, in place of the blank one), and the releases already recorded."""
    actor = request.actor
    today = timezone.localdate()
    # The whole booking's dates (the engine's): one release for the sentences awaiting it, with one plan.
    booking = selectors.booking_dates(person.pk, on=today)
    episode = selectors.person_release(person, on=today, booking=booking)
    releases = episode.sentences
    released = selectors.person_released(person.pk)
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        person_id=person.pk,
        obj=person,
        summary=f"Viewed release dates and plan of person {person.pk}",
        detail={"sentences": [r.sentence.pk for r in releases], "released": [s.pk for s in released]},
    )
    fragment = request.GET.get("fragment") == "1" or getattr(request, "htmx", False)
    may_record = False if fragment else selectors.may_record_release(actor)
    bound = bound or {}
    record_forms = (
        [
            (
                r,
                bound.get("facts")
                if r.sentence.pk == bound_sentence and "facts" in bound
                else _facts_form(r),
                bound.get("release")
                if r.sentence.pk == bound_sentence and "release" in bound
                else _release_form(r, episode.plan, today),
            )
            for r in releases
        ]
        if may_record
        else [(r, None, None) for r in releases]
    )
    date_forms = {
        r.sentence.pk: bound["date"]
        if r.sentence.pk == bound_sentence and "date" in bound
        else _date_form(r, episode.plan)
        for r in releases
    }
    rows = [
        (
            r,
            facts,
            release,
            date_forms[r.sentence.pk],
            _bound_or(
                bound, "adjust", r.sentence.pk, bound_sentence, AdjustmentForm, f"adjust{r.sentence.pk}"
            )
            if may_record
            else None,
        )
        for r, facts, release in record_forms
    ]
    recalled = {s.pk for s in booking.sentences if getattr(s, "latest_recall", None)}
    return_forms = {
        s.pk: _bound_or(bound, "returned", r.pk, bound_sentence, RecallReturnForm, f"returned{r.pk}")
        for s in booking.sentences
        if (r := getattr(s, "latest_recall", None)) is not None and r.returned_to_custody is None
    }
    for row in releases:  # a recall recorded before the return to custody: the form for the return
        row.return_form = return_forms.get(row.sentence.pk) if may_record else None  # type: ignore[attr-defined]
    for s in released:  # a recall is recorded on the licence of a sentence released from
        s.recall_form = (  # type: ignore[attr-defined]
            _bound_or(
                bound,
                "recall",
                s.pk,
                bound_sentence,
                RecallForm,
                f"recall{s.pk}",
            )
            if may_record
            else None
        )
        # A recalled sentence takes its adjustments here (recall remand and tagged bail, UAL on licence).
        s.adjust_form = (  # type: ignore[attr-defined]
            _bound_or(
                bound,
                "adjust",
                s.pk,
                bound_sentence,
                AdjustmentForm,
                f"adjust{s.pk}",
            )
            if may_record and s.pk in recalled
            else None
        )
    sentence_form = bound.get("sentence") or CustodialSentenceForm(sentences=booking.sentences)
    return render(
        request,
        "release/_person_release.html" if fragment else "release/person_release.html",
        {
            "sentence_form": sentence_form if may_record else None,
            "person": person,
            "rows": rows,
            "episode": episode if releases else None,
            "released": released,
            "today": today,
            "date_form": ReleaseDateForm(),
            "booking": booking if booking.sentences else None,
            "may_record": may_record,
            "short_notice_days": settings.DESIST_RELEASE_SHORT_NOTICE_DAYS,
            "bound_form": next(iter(bound.values()), None),
            "bound_first_id": _first_id(bound),
        },
    )


def _bound_or(
    bound: dict[str, Any], key: str, pk: int, bound_pk: int | None, form_class: Any, prefix: str
) -> Any:
    # The form just sent (with its errors) for this sentence, else a blank one.
    return bound[key] if pk == bound_pk and key in bound else form_class(prefix=prefix)


def _date_form(r: selectors.SentenceRow, plan: ReleasePlan | None) -> ReleaseDateForm:
    # Names as the API's (no prefix); ids per sentence, as a person may have two sentences awaiting release.
    return ReleaseDateForm(
        auto_id=f"date{r.sentence.pk}-%s",
        initial={
            "release_date": r.sentence.release_date,
            "release_type": plan.release_type if plan else "conditional",
            "version": r.sentence.version,
        },
    )


def _first_id(bound: dict[str, Any]) -> str:
    # Where a message about the whole form (a service's refusal) takes the user: its first field.
    form: forms.BaseForm | None = next(iter(bound.values()), None)
    field = next(iter(form), None) if form is not None else None
    return field.auto_id if field is not None else ""


@login_required
def person_release(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """The release section of a person's record: a page of its own, or the fragment the record loads."""
    person = _visible_person(request.actor, person_id)
    return not_shared(request, person, SENTENCE, title="Release") or _person_release_page(request, person)


_custodial_sentence = selectors.sentence_for_actor


@login_required
@require_POST
def release_facts(request: AuthenticatedHttpRequest, sentence_id: int) -> HttpResponse:
    """Record a sentence's release facts; with errors, the release page again with them summarised."""
    actor = request.actor
    sentence = _custodial_sentence(actor, sentence_id)
    form = ReleaseFactsForm(request.POST, prefix=f"facts{sentence.pk}")
    if form.is_valid():
        try:
            services.release_facts_record(actor=actor, sentence=sentence, **form.cleaned_data)
        except StaleEdit:
            sentence.refresh_from_db()
            form_show_stale(form, sentence.version)
        except services.ReleaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Release facts saved: the dates and eligibility below follow them.")
            return redirect("person_release", person_id=sentence.person_id)
    person = _visible_person(actor, sentence.person_id)
    return _person_release_page(request, person, bound={"facts": form}, bound_sentence=sentence.pk)


@login_required
@require_POST
def release_record(request: AuthenticatedHttpRequest, sentence_id: int) -> HttpResponse:
    """Record that the person was released; with errors, the release page again with them summarised."""
    actor = request.actor
    sentence = _custodial_sentence(actor, sentence_id)
    form = ReleaseForm(request.POST, prefix=f"release{sentence.pk}")
    if form.is_valid():
        try:
            release = services.release_record(actor=actor, sentence=sentence, **form.cleaned_data)
        except StaleEdit:
            sentence.refresh_from_db()
            form_show_stale(form, sentence.version)
        except services.ReleaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"Release recorded: released on {release.released_on:%d %B %Y} "
                f"({release.get_release_type_display().lower()}).",
            )
            return redirect("person_release", person_id=sentence.person_id)
    person = _visible_person(actor, sentence.person_id)
    return _person_release_page(request, person, bound={"release": form}, bound_sentence=sentence.pk)


@login_required
@require_POST
def release_date(request: AuthenticatedHttpRequest, sentence_id: int) -> HttpResponse:
    """Change the expected release date ("Save release date"), or confirm it unchanged ("Confirm release
    date"). Saving what is already recorded records nothing and says so; with errors, the release page again
    with them."""
    actor = request.actor
    sentence = _custodial_sentence(actor, sentence_id)
    form = ReleaseDateForm(request.POST, auto_id=f"date{sentence.pk}-%s")
    if form.is_valid():
        try:
            change = services.release_date_record(actor=actor, sentence=sentence, **form.cleaned_data)
        except services.ReleaseDateUnchanged as unchanged:
            messages.info(request, f"{unchanged} To confirm the date as it is, use Confirm release date.")
            return redirect("person_release", person_id=sentence.person_id)
        except StaleEdit:
            sentence.refresh_from_db()
            form_show_stale(form, sentence.version)
        except services.ReleaseError as error:
            form.add_error("release_date", str(error))
        else:
            note = (
                " This is short notice: the plan's open tasks are escalated now."
                if change.short_notice
                else ""
            )
            messages.success(
                request, f"Release {change.get_change_display().lower()}: {change.new_date:%d %B %Y}.{note}"
            )
            return redirect("person_release", person_id=sentence.person_id)
    person = _visible_person(actor, sentence.person_id)
    return _person_release_page(request, person, bound={"date": form}, bound_sentence=sentence.pk)


@login_required
@require_POST
def sentence_add(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """Record a custodial sentence as the prison records it; desist works the person's dates out again."""
    actor = request.actor
    person = _visible_person(actor, person_id)
    selectors.recorder_for_actor(actor, person_id=person.pk, what="a sentence")
    booking = selectors.booking_dates(person.pk, on=timezone.localdate())
    form = CustodialSentenceForm(request.POST, sentences=booking.sentences)
    if form.is_valid():
        data = dict(form.cleaned_data)
        follows_id = data.pop("consecutive_to")
        follows = next((s for s in booking.sentences if s.pk == follows_id), None)
        try:
            sentence = services.custodial_sentence_record(
                actor=actor, person=person, consecutive_to=follows, **data
            )
        except services.ReleaseError as error:
            form.add_error(None, str(error))
        else:
            worked = sentence.release_date
            messages.success(
                request,
                "Sentence recorded: "
                + (
                    f"release worked out for {worked:%d %B %Y}."
                    if worked
                    else "the dates need a manual calculation."
                ),
            )
            return redirect("person_release", person_id=person.pk)
    return _person_release_page(request, person, bound={"sentence": form})


@login_required
@require_POST
def adjustment_add(request: AuthenticatedHttpRequest, sentence_id: int) -> HttpResponse:
    """Record remand, tagged bail, time unlawfully at large, or days awarded or restored against a
    sentence."""
    actor = request.actor
    sentence = _custodial_sentence(actor, sentence_id)
    selectors.recorder_for_actor(actor, person_id=sentence.person_id, what="an adjustment")
    form = AdjustmentForm(request.POST, prefix=f"adjust{sentence.pk}")
    if form.is_valid():
        try:
            adjustment = services.adjustment_record(actor=actor, sentence=sentence, **form.cleaned_data)
        except services.ReleaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"Adjustment recorded: {adjustment.get_kind_display().lower()}, "
                f"{adjustment.days} days. The dates below are worked out again.",
            )
            return redirect("person_release", person_id=sentence.person_id)
    person = _visible_person(actor, sentence.person_id)
    return _person_release_page(request, person, bound={"adjust": form}, bound_sentence=sentence.pk)


@login_required
@require_POST
def adjustment_remove(request: AuthenticatedHttpRequest, adjustment_id: int) -> HttpResponse:
    """Remove an adjustment recorded in error; desist works the person's dates out again."""
    actor = request.actor
    adjustment = selectors.adjustment_for_actor(actor, adjustment_id)
    selectors.recorder_for_actor(actor, person_id=adjustment.person_id, what="an adjustment")
    person_id, what = adjustment.person_id, f"{adjustment.get_kind_display().lower()}, {adjustment.days} days"
    try:
        services.adjustment_remove(actor=actor, adjustment=adjustment)
    except services.ReleaseError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Adjustment removed: {what}. The dates below are worked out again.")
    return redirect("person_release", person_id=person_id)


@login_required
@require_POST
def recall_add(request: AuthenticatedHttpRequest, sentence_id: int) -> HttpResponse:
    """Record a recall to custody from a sentence's licence."""
    actor = request.actor
    sentence = _custodial_sentence(actor, sentence_id)
    selectors.recorder_for_actor(actor, person_id=sentence.person_id, what="a recall")
    form = RecallForm(request.POST, prefix=f"recall{sentence.pk}")
    if form.is_valid():
        try:
            recall = services.recall_record(actor=actor, sentence=sentence, **form.cleaned_data)
        except services.ReleaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"Recall recorded: {recall.get_kind_display().lower()}. The person is back in "
                "custody: the post-recall release is worked out below, and the release plan "
                "follows it.",
            )
            return redirect("person_release", person_id=sentence.person_id)
    person = _visible_person(actor, sentence.person_id)
    return _person_release_page(request, person, bound={"recall": form}, bound_sentence=sentence.pk)


@login_required
@require_POST
def recall_return(request: AuthenticatedHttpRequest, recall_id: int) -> HttpResponse:
    """Record the return to custody of someone recalled before they were back; the days at large count and
    desist works the person's dates out again."""
    actor = request.actor
    recall = selectors.recall_for_actor(actor, recall_id)
    sentence = recall.sentence
    selectors.recorder_for_actor(actor, person_id=sentence.person_id, what="a return to custody")
    form = RecallReturnForm(request.POST, prefix=f"returned{recall.pk}")
    if form.is_valid():
        try:
            services.recall_return_record(actor=actor, recall=recall, **form.cleaned_data)
        except services.ReleaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"Return to custody recorded: {recall.returned_to_custody:%d %B %Y}. The days unlawfully at "
                "large count, and the post-recall release is worked out below.",
            )
            return redirect("person_release", person_id=sentence.person_id)
    person = _visible_person(actor, sentence.person_id)
    return _person_release_page(request, person, bound={"returned": form}, bound_sentence=recall.pk)


@login_required
@require_POST
def plan_start(request: AuthenticatedHttpRequest, sentence_id: int) -> HttpResponse:
    actor = request.actor
    sentence = selectors.sentence_for_actor(actor, sentence_id, custodial=False)
    try:
        plan = services.release_plan_start(actor=actor, sentence=sentence)
    except services.ReleaseError as error:
        existing = selectors.plan_of_sentence(sentence)
        if existing is not None:  # a second click on "Start the release plan": the plan it started
            return redirect("release_plan", plan_id=existing.pk)
        messages.error(request, str(error))
        return redirect("person_release", person_id=sentence.person_id)
    return redirect("release_plan", plan_id=plan.pk)


def _plan_context(plan: ReleasePlan, **extra: Any) -> dict[str, Any]:
    pathways = list(plan.pathways.all())
    return {
        "plan": plan,
        "person": plan.person,
        "pathways_form": PathwaysForm(pathways=pathways, initial={"version": plan.version}),
        "accommodation_form": AccommodationForm(
            initial={"accommodation_on_release": plan.accommodation_on_release, "version": plan.version}
        ),
        "tasks": [(t, TaskForm(prefix=f"task{t.pk}", initial=_task_initial(t))) for t in plan.tasks.all()],
        "agencies": _agencies(),
        "readiness_labels": rules.READINESS_LABELS,
        "today": timezone.localdate(),
        **extra,
    }


def _agencies() -> list[Agency]:
    return list(Agency.objects.order_by("name").only("id", "name"))


def _task_initial(task: PlanTask) -> dict[str, Any]:
    return {
        "status": task.status,
        "owner_agency": task.owner_agency_id,
        "due_date": task.due_date,
        "provider": task.provider,
        "event_date": task.event_date,
        "detail": task.detail,
        "version": task.version,
    }


@login_required
def plan(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    """The release plan: pathway statuses, accommodation on release, the risk management plan, and the tasks.
    Each form carries the plan's version: a change someone else saved first is not overwritten."""
    actor = request.actor
    plan = _plan(actor, plan_id)
    context: dict[str, Any] = {}
    if request.method == "POST":
        form_name = request.POST.get("form")
        version = request.POST.get("version", "")
        version_read = int(version) if version.isdigit() else None
        bound: Any = None
        try:
            if form_name == "pathways":
                form = bound = context["pathways_form"] = PathwaysForm(
                    request.POST, pathways=list(plan.pathways.all())
                )
                if form.is_valid():
                    services.pathway_statuses_set(
                        actor=actor,
                        plan=plan,
                        version=form.cleaned_data["version"],
                        statuses={row.pathway: form.cleaned_data[row.pathway] for row in form.rows},
                    )
                    messages.success(request, "Pathway statuses saved.")
                    return redirect("release_plan", plan_id=plan.pk)
            elif form_name == "accommodation":
                accommodation = bound = context["accommodation_form"] = AccommodationForm(request.POST)
                if accommodation.is_valid():
                    services.accommodation_on_release_record(
                        actor=actor,
                        plan=plan,
                        status=accommodation.cleaned_data["accommodation_on_release"],
                        version=accommodation.cleaned_data["version"],
                    )
                    messages.success(request, "Accommodation on release saved.")
                    return redirect("release_plan", plan_id=plan.pk)
            elif form_name == "risk_plan":
                services.risk_plan_approve(actor=actor, plan=plan, version=version_read)
                messages.success(request, "The risk management plan is recorded as approved.")
                return redirect("release_plan", plan_id=plan.pk)
        except StaleEdit as stale:
            plan = _plan(actor, plan_id)
            if bound is not None:  # what they chose stays chosen, from the plan as it now is
                form_carry_version(bound, plan.version)
            context["page_errors"] = [str(stale)]
        except services.ReleaseError as error:
            context["page_errors"] = [str(error)]
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        person_id=plan.person_id,
        obj=plan,
        summary=f"Viewed the release plan of person {plan.person_id}",
    )
    return render(request, "release/plan.html", {**_plan_context(plan), **context})


@login_required
@require_POST
def task_update(request: AuthenticatedHttpRequest, task_id: int) -> HttpResponse:
    """Update one task. With HTMX only the task's row comes back; without, the whole plan page."""
    actor = request.actor
    task = selectors.task_for_actor(actor, task_id)
    form = TaskForm(request.POST, prefix=f"task{task.pk}")
    if form.is_valid():
        try:
            task = services.plan_task_update(
                actor=actor, task=task, version=form.cleaned_data["version"], **form.changes()
            )
        except StaleEdit:
            task.refresh_from_db()
            form_show_stale(form, task.version)
        except services.ReleaseError as problem:
            form.add_error(None, str(problem))
    if not form.errors:
        if not getattr(request, "htmx", False):
            messages.success(request, f"{task.title}: saved.")
            return redirect("release_plan", plan_id=task.plan_id)
        form = TaskForm(prefix=f"task{task.pk}", initial=_task_initial(task))
    task = PlanTask.objects.select_related("owner_agency", "plan__person").get(pk=task.pk)
    context = {
        "task": task,
        "form": form,
        "saved": not form.errors,
        "plan": task.plan,
        "agencies": _agencies(),
        "today": timezone.localdate(),
    }
    if getattr(request, "htmx", False):
        # Only the task's row comes back (and the plan's readiness, out of band).
        return render(request, "release/_task.html", {**context, "oob_readiness": True})
    # Without JavaScript: the whole plan with this task's form and its errors in place.
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        person_id=task.plan.person_id,
        obj=task.plan,
        summary=f"Viewed the release plan of person {task.plan.person_id}",
    )
    tasks = [
        (t, form if t.pk == task.pk else TaskForm(prefix=f"task{t.pk}", initial=_task_initial(t)))
        for t in task.plan.tasks.all()
    ]
    return render(
        request, "release/plan.html", {**_plan_context(task.plan), "tasks": tasks, "task_form": form}
    )


@login_required
def readiness(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everyone released in the coming weeks whom the user may see: how ready each plan is and what is
    missing."""
    actor = request.actor
    today = timezone.localdate()
    form = PipelineFilterForm(request.GET or None)
    filters = selectors.PipelineFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.PipelineFilters(
            weeks=data["weeks"] or 12,
            prison=data["prison"],
            district=data["district"],
            readiness=data["readiness"],
            short_notice=data["short_notice"],
        )
    plans = selectors.release_pipeline(actor, filters, on=today)
    counts = selectors.pipeline_counts(plans)
    paginator = Paginator(plans, PAGE_SIZE)
    paginator.__dict__["count"] = counts["total"]  # already counted with the bands: no second COUNT query
    page = paginator.get_page(request.GET.get("page"))
    rows = [(p, selectors.missing(p)) for p in page]
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Viewed release readiness ({len(rows)} shown)",
        detail={"person_ids": [p.person_id for p, _ in rows]},
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "release/readiness.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "counts": counts,
            "today": today,
            "readiness_labels": rules.READINESS_LABELS,
            "query_string": query.urlencode(),
        },
    )


@login_required
def early_release(request: AuthenticatedHttpRequest) -> HttpResponse:
    """For each scheme in force (or the one asked for), who is eligible, who waits for a plan, and why not."""
    actor = request.actor
    today = timezone.localdate()
    in_force = selectors.schemes_in_force(today)
    scheme: EarlyReleaseScheme | None = None
    if request.GET.get("scheme"):
        scheme = (
            EarlyReleaseScheme.objects.filter(pk=request.GET["scheme"]).first()
            if request.GET["scheme"].isdigit()
            else None
        )
    scheme = scheme or (in_force[0] if in_force else None)
    entries = selectors.early_release_list(actor, scheme, on=today) if scheme else []
    groups: dict[str, list[Any]] = {"releasable_early": [], "waiting_for_plan": [], "not_eligible": []}
    for entry in entries:
        groups[entry.schemes[0][1].status].append(entry)
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Viewed early release eligibility ({len(entries)} people)",
        detail={
            "scheme": scheme.pk if scheme else None,
            "person_ids": [e.person.pk for e in entries],
        },
    )
    return render(
        request,
        "release/early_release.html",
        {
            "scheme": scheme,
            "in_force": in_force,
            "groups": groups,
            "today": today,
        },
    )


@login_required
def escalations(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor = request.actor
    mine = request.GET.get("mine") == "1"
    status = request.GET.get("status", "open")
    rows = selectors.escalations_for(
        actor, status=status if status in ("open", "resolved") else "open", mine=mine
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Viewed release escalations ({len(page)} shown)",
        detail={"person_ids": sorted({e.person_id for e in page})},
    )
    return render(request, "release/escalations.html", {"page": page, "mine": mine, "status": status})


@login_required
@require_POST
def escalation_resolve(request: AuthenticatedHttpRequest, escalation_id: int) -> HttpResponse:
    actor = request.actor
    escalation = selectors.escalation_for_actor(actor, escalation_id)
    try:
        services.escalation_resolve(actor=actor, escalation=escalation)
        messages.success(request, "Escalation resolved.")
    except services.ReleaseError as error:
        messages.error(request, str(error))
    return redirect("release_escalations")
