"""The allocation pages: a manager's teams with their figures, a team's queue and who has room, the page
that allocates (or transfers) one case and marks it T2A, and a practitioner's workload record with the forms
for their grade and hours, reductions, court reports and weighted work (docs/allocation.md)."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from desist.allocation import selectors, services
from desist.allocation.forms import (
    AllocateForm,
    CourtReportForm,
    PractitionerForm,
    ReductionForm,
    T2AForm,
    TransferForm,
    WeightedContactForm,
)
from desist.allocation.models import GRADE_CHOICES, REDUCTION_CHOICES, CourtReport, Reduction
from desist.audit.models import Action
from desist.audit.refusals import AuthenticatedHttpRequest, refuse
from desist.audit.services import log_access
from desist.core import workload as rules
from desist.formfields import set_choices
from desist.partnership.models import Team


def _manager(request: AuthenticatedHttpRequest) -> None:
    if not selectors.may_allocate(request.actor):
        refuse(request.actor, summary="Refused the allocation pages", reason="not a team manager", status=403)


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    _manager(request)
    today = timezone.localdate()
    figures = selectors.figures(request.actor, on=today)
    over = list(selectors.over_capacity(request.actor)[:100])
    log_access(actor=request.actor, action=Action.CONSULTATION, summary="Viewed allocation figures")
    return render(
        request,
        "allocation/index.html",
        {"figures": figures, "over": over, "today": today, "bands": [b[0] for b in selectors.BANDS]},
    )


@login_required
def team(request: AuthenticatedHttpRequest, team_id: int) -> HttpResponse:
    actor = request.actor
    today = timezone.localdate()
    the_team = selectors.team_for_actor(actor, team_id)
    queue = list(
        selectors.unallocated_cases(actor, on=today, team=the_team)[: selectors.UNALLOCATED_ROWS + 1]
    )
    more = len(queue) > selectors.UNALLOCATED_ROWS
    cases = [selectors.decorate(c, today) for c in queue[: selectors.UNALLOCATED_ROWS]]
    members = selectors.team_members(the_team, on=today)
    members.sort(key=lambda m: (m.workload is None, m.capacity))
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Viewed the allocation queue of team {the_team.pk}",
        detail={"person_ids": sorted({c.person_id for c in cases})},
    )
    return render(
        request,
        "allocation/team.html",
        {
            "team": the_team,
            "cases": cases,
            "members": members,
            "today": today,
            "deadline_days": selectors.deadline_days(),
            "more": more,
        },
    )


@login_required
def case(request: AuthenticatedHttpRequest, involvement_id: int) -> HttpResponse:
    actor = request.actor
    today = timezone.localdate()
    the_case = selectors.case_for_actor(actor, involvement_id, on=today)
    choice = selectors.allocation_choice(the_case, on=today)
    form = AllocateForm(request.POST or None)
    set_choices(
        form,
        "worker",
        [(m.user.pk, m.user.get_full_name() or m.user.get_username()) for m in choice.members if m.eligible],
    )
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        worker = next(m.user for m in choice.members if m.user.pk == form.cleaned_data["worker"])
        try:
            services.allocate(
                actor=actor, case=the_case, worker=worker, note=form.cleaned_data["note"], on=today
            )
        except ValidationError as e:
            errors = [m for messages in e.message_dict.values() for m in messages]
        else:
            return redirect("allocation_team", team_id=the_case.team_id)
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Viewed the allocation of a case of person {the_case.person_id}",
        person_id=the_case.person_id,
        obj=the_case,
    )
    transfer_form = TransferForm()
    teams = [(t.pk, t.name) for t in selectors.managed_teams(actor) if t.agency_id == the_case.agency_id]
    set_choices(transfer_form, "team", [(pk, name) for pk, name in teams if pk != the_case.team_id])
    return render(
        request,
        "allocation/case.html",
        {
            "case": the_case,
            "choice": choice,
            "form": form,
            "errors": errors,
            "transfer_form": transfer_form,
            "today": today,
        },
    )


@login_required
def transfer(request: AuthenticatedHttpRequest, involvement_id: int) -> HttpResponse:
    actor = request.actor
    today = timezone.localdate()
    the_case = selectors.case_for_actor(actor, involvement_id, on=today)
    form = TransferForm(request.POST or None)
    teams = {t.pk: t for t in selectors.managed_teams(actor) if t.agency_id == the_case.agency_id}
    set_choices(form, "team", [(pk, t.name) for pk, t in teams.items() if pk != the_case.team_id])
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.transfer(
                actor=actor,
                case=the_case,
                team=teams[form.cleaned_data["team"]],
                note=form.cleaned_data["note"],
                on=today,
            )
        except ValidationError as e:
            errors = [m for messages in e.message_dict.values() for m in messages]
        else:
            return redirect("allocation_team", team_id=form.cleaned_data["team"])
    return render(request, "allocation/transfer.html", {"case": the_case, "form": form, "errors": errors})


def _errors(error: ValidationError) -> list[str]:
    return [m for messages in error.message_dict.values() for m in messages]


def _record_url(team_id: int, user_id: int) -> str:
    return reverse("allocation_practitioner", kwargs={"team_id": team_id, "user_id": user_id})


def _practitioner(request: AuthenticatedHttpRequest, team_id: int, user_id: int) -> tuple[Team, User]:
    the_team = selectors.team_for_actor(request.actor, team_id)
    return the_team, selectors.practitioner_for_actor(request.actor, the_team, user_id)


@login_required
def practitioner(request: AuthenticatedHttpRequest, team_id: int, user_id: int) -> HttpResponse:
    """A practitioner's workload record: their figures, grade history, reductions, court reports and weighted
    work, with the forms that change them."""
    the_team, user = _practitioner(request, team_id, user_id)
    today = timezone.localdate()
    record = selectors.workload_record(user, on=today)
    practitioner = getattr(user, "practitioner", None)
    log_access(
        actor=request.actor,
        action=Action.CONSULTATION,
        summary=f"Viewed the workload record of user {user.pk}",
        detail={"person_ids": sorted({r.person_id for r in record.open_reports + record.done_reports})},
    )
    return render(
        request,
        "allocation/practitioner.html",
        {
            "team": the_team,
            "member": user,
            "practitioner": practitioner,
            "grade_name": rules.GRADES[practitioner.grade].name
            if practitioner and practitioner.grade in rules.GRADES
            else "",
            "default_hours": rules.weightings().contracted_hours(
                practitioner.grade if practitioner else "PO"
            ),
            "workload": getattr(user, "workload", None),
            "record": record,
            "today": today,
            "window_days": rules.CONTACT_WINDOW_DAYS,
        },
    )


@login_required
def practitioner_grade(request: AuthenticatedHttpRequest, team_id: int, user_id: int) -> HttpResponse:
    the_team, user = _practitioner(request, team_id, user_id)
    current = getattr(user, "practitioner", None)
    initial = {"grade": current.grade, "contracted_hours": current.contracted_hours} if current else {}
    form = PractitionerForm(request.POST or None, initial=initial)
    set_choices(form, "grade", GRADE_CHOICES)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.practitioner_set(
                actor=request.actor,
                user=user,
                grade=form.cleaned_data["grade"],
                contracted_hours=form.cleaned_data["contracted_hours"],
            )
        except ValidationError as e:
            errors = _errors(e)
        else:
            return redirect(_record_url(the_team.pk, user.pk))
    return render(
        request,
        "allocation/practitioner_grade.html",
        {"team": the_team, "member": user, "form": form, "errors": errors},
    )


@login_required
def reduction_add(request: AuthenticatedHttpRequest, team_id: int, user_id: int) -> HttpResponse:
    the_team, user = _practitioner(request, team_id, user_id)
    form = ReductionForm(request.POST or None)
    set_choices(form, "reason", [("", "Choose the reason"), *REDUCTION_CHOICES])
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.reduction_add(actor=request.actor, user=user, **form.cleaned_data)
        except ValidationError as e:
            errors = _errors(e)
        else:
            return redirect(_record_url(the_team.pk, user.pk))
    return render(
        request,
        "allocation/reduction_add.html",
        {"team": the_team, "member": user, "form": form, "errors": errors},
    )


@login_required
@require_POST
def reduction_end(
    request: AuthenticatedHttpRequest, team_id: int, user_id: int, reduction_id: int
) -> HttpResponse:
    the_team, user = _practitioner(request, team_id, user_id)
    reduction = Reduction.objects.filter(pk=reduction_id, user=user).first()
    if reduction is None:
        refuse(
            request.actor, summary=f"Refused ending workload reduction {reduction_id}", reason="not theirs"
        )
    with suppress(ValidationError):  # already ended: the record shows it
        services.reduction_end(actor=request.actor, reduction=reduction)
    return redirect(_record_url(the_team.pk, user.pk))


def _person_or_error(request: AuthenticatedHttpRequest, form: CourtReportForm | WeightedContactForm) -> Any:
    person = selectors.person_by_reference(request.actor, form.cleaned_data["person"])
    if person is None:
        form.add_error(
            "person", "No one in your agency's caseload has that case reference number or record number"
        )
    return person


@login_required
def report_add(request: AuthenticatedHttpRequest, team_id: int, user_id: int) -> HttpResponse:
    the_team, user = _practitioner(request, team_id, user_id)
    form = CourtReportForm(request.POST or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        person = _person_or_error(request, form)
        if person is not None:
            try:
                services.court_report_add(
                    actor=request.actor,
                    person=person,
                    author=user,
                    kind=form.cleaned_data["kind"],
                    requested_on=form.cleaned_data["requested_on"],
                    due_on=form.cleaned_data["due_on"],
                )
            except ValidationError as e:
                errors = _errors(e)
            else:
                return redirect(_record_url(the_team.pk, user.pk))
    return render(
        request,
        "allocation/report_add.html",
        {"team": the_team, "member": user, "form": form, "errors": errors, "weights": _report_weights()},
    )


def _report_weights() -> dict[str, int]:
    table = rules.weightings()
    return {"standard": table.standard_report, "fast": table.fast_report}


@login_required
@require_POST
def report_complete(
    request: AuthenticatedHttpRequest, team_id: int, user_id: int, report_id: int
) -> HttpResponse:
    the_team, user = _practitioner(request, team_id, user_id)
    report = CourtReport.objects.filter(pk=report_id, author=user).first()
    if report is None:
        refuse(request.actor, summary=f"Refused completing court report {report_id}", reason="not theirs")
    with suppress(ValidationError):  # already complete: the record shows it
        services.court_report_complete(actor=request.actor, report=report)
    return redirect(_record_url(the_team.pk, user.pk))


@login_required
def contact_add(request: AuthenticatedHttpRequest, team_id: int, user_id: int) -> HttpResponse:
    the_team, user = _practitioner(request, team_id, user_id)
    form = WeightedContactForm(request.POST or None, initial={"done_on": timezone.localdate()})
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        person = _person_or_error(request, form)
        if person is not None:
            try:
                services.weighted_contact_add(
                    actor=request.actor,
                    person=person,
                    done_by=user,
                    contact_type=form.cleaned_data["contact_type"],
                    done_on=form.cleaned_data["done_on"],
                )
            except ValidationError as e:
                errors = _errors(e)
            else:
                return redirect(_record_url(the_team.pk, user.pk))
    return render(
        request,
        "allocation/contact_add.html",
        {
            "team": the_team,
            "member": user,
            "form": form,
            "errors": errors,
            "window_days": rules.CONTACT_WINDOW_DAYS,
        },
    )


@login_required
@require_POST
def t2a(request: AuthenticatedHttpRequest, involvement_id: int) -> HttpResponse:
    """Mark the case T2A, or remove the mark; a refusal (age) comes back to the case page as a message."""
    today = timezone.localdate()
    the_case = selectors.case_for_actor(request.actor, involvement_id, on=today)
    form = T2AForm(request.POST)
    if form.is_valid():
        try:
            services.t2a_mark(actor=request.actor, case=the_case, t2a=form.cleaned_data["t2a"])
        except ValidationError as e:
            for message in _errors(e):
                messages.error(request, message)
    return redirect("allocation_case", involvement_id=the_case.pk)


@login_required
def board_workload(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The board's allocation and workload figures: every team's unallocated cases by age, practitioners by
    capacity band and over 100%. Aggregates only, like the rest of the board."""
    today = timezone.localdate()
    figures = selectors.board_workload(on=today)
    log_access(actor=request.actor, action=Action.CONSULTATION, summary="Viewed the board's workload figures")
    return render(
        request,
        "allocation/board_workload.html",
        {
            "figures": figures,
            "today": today,
            "age_bands": [b[0] for b in selectors.AGE_BANDS],
            "capacity_bands": [b[0] for b in selectors.CAPACITY_BANDS],
            "deadline_days": selectors.deadline_days(),
            "may_allocate": selectors.may_allocate(request.actor),
        },
    )
