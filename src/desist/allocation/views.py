"""The allocation pages: a manager's teams with their figures, a team's queue and who has room, and the
page that allocates (or transfers) one case (docs/allocation.md)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from desist.allocation import selectors, services
from desist.allocation.forms import AllocateForm, TransferForm
from desist.audit.models import Action
from desist.audit.refusals import AuthenticatedHttpRequest, refuse
from desist.audit.services import log_access
from desist.formfields import set_choices


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
