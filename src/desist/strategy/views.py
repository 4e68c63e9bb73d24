"""The strategy board's pages: the plan with its progress, the board (members, meetings, attendance and
packs), the annual review, an action with its history where the owner posts the quarterly update, and a
board meeting's pack as PDF. The plan and its figures are aggregates, open to every user; each page and
download is logged."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from desist.audit.models import Action
from desist.audit.refusals import AuthenticatedHttpRequest, refuse
from desist.audit.services import log_access
from desist.core.strategy import update_state
from desist.meetings import selectors as meetings
from desist.strategy import selectors, services
from desist.strategy.forms import UpdateForm


@login_required
def plan(request: AuthenticatedHttpRequest) -> HttpResponse:
    chosen = selectors.current_plan()
    progress = selectors.progress(chosen) if chosen is not None else None
    log_access(
        actor=request.actor, action=Action.CONSULTATION, obj=chosen, summary="Viewed the strategy plan"
    )
    return render(
        request,
        "strategy/plan.html",
        {
            "plan": chosen,
            "progress": progress,
            "principles": list(chosen.principles.all()) if chosen else [],
            "groups": list(chosen.groups.all()) if chosen else [],
            "interventions": list(chosen.interventions.all()) if chosen else [],
        },
    )


@login_required
def board(request: AuthenticatedHttpRequest) -> HttpResponse:
    chosen = selectors.current_plan()
    members = selectors.board_members(chosen.board) if chosen else []
    rows = selectors.board_meetings(chosen.board) if chosen else []
    days = sorted(timezone.localtime(m.starts_at).date() for m in rows)
    for meeting in rows:
        day = timezone.localtime(meeting.starts_at).date()
        meeting.review_year = (  # type: ignore[attr-defined]
            selectors.review_year(chosen, meeting, [d for d in days if d < day]) if chosen else None
        )
    packs = selectors.packs_open_to(request.actor, chosen.board) if chosen else set()
    for meeting in rows:
        meeting.may_pack = meeting.pk in packs  # type: ignore[attr-defined]
    log_access(
        actor=request.actor, action=Action.CONSULTATION, obj=chosen, summary="Viewed the strategy board"
    )
    return render(request, "strategy/board.html", {"plan": chosen, "members": members, "meetings": rows})


@login_required
def annual_review(request: AuthenticatedHttpRequest) -> HttpResponse:
    chosen = selectors.current_plan()
    years = selectors.plan_years(chosen) if chosen else []
    try:
        year = int(request.GET.get("year") or (years[-1] if years else 1))
    except ValueError:
        year = years[-1] if years else 1
    if years and year not in years:
        year = years[-1]
    review = selectors.review(chosen, year) if chosen else None
    log_access(
        actor=request.actor,
        action=Action.CONSULTATION,
        obj=chosen,
        summary=f"Viewed the annual review of the strategy plan, year {year}",
    )
    return render(request, "strategy/review.html", {"plan": chosen, "review": review, "years": years})


@login_required
def action(request: AuthenticatedHttpRequest, plan_action_id: int) -> HttpResponse:
    """An action of the plan with its updates; its owner posts the quarterly update here."""
    actor = request.actor
    chosen = selectors.action_for_actor(actor, plan_action_id)
    may_update = selectors.may_update(actor, chosen)
    form = UpdateForm(request.POST or None, initial={"rag": chosen.rag})
    if request.method == "POST":
        if not may_update:
            refuse(
                actor,
                summary=f"Refused to update plan action {chosen.pk}",
                obj=chosen,
                reason="not the owner",
            )
        if form.is_valid():
            try:
                services.action_update_post(
                    actor=actor,
                    action=chosen,
                    rag=form.cleaned_data["rag"],
                    comment=form.cleaned_data["comment"],
                )
            except services.StrategyError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Your update is posted for the board.")
                return redirect("strategy_action", chosen.pk)
    log_access(actor=actor, action=Action.CONSULTATION, obj=chosen, summary=f"Viewed plan action {chosen.pk}")
    state = update_state(
        on=timezone.localdate(), last_update_on=chosen.last_update_on, open_since=chosen.opened_on
    )
    return render(
        request,
        "strategy/action.html",
        {
            "action": chosen,
            "history": selectors.action_history(chosen),
            "form": form if may_update else None,
            "state": state,
        },
    )


@login_required
def pack(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    """A board meeting's pack: the plan's progress as the meeting's day sees it, and the quarter's basket."""
    actor = request.actor
    meeting = selectors.board_meeting_for_actor(actor, meeting_id)
    chosen = meeting.series.plans.order_by("-period_start").first()
    day = timezone.localtime(meeting.starts_at).date()
    from desist.strategy.pack import strategy_pack_pdf

    if chosen is None:
        refuse(
            actor,
            summary=f"No plan for the board pack of meeting {meeting.pk}",
            obj=meeting,
            reason="no plan",
        )
    progress = selectors.progress(chosen, on=day)
    earlier = [
        timezone.localtime(m.starts_at).date()
        for m in selectors.board_meetings(meeting.series)
        if m.starts_at < meeting.starts_at
    ]
    year = selectors.review_year(chosen, meeting, earlier)
    review = selectors.review(chosen, year) if year else None
    pdf = strategy_pack_pdf(meeting, progress, meetings.attendance(meeting), review)
    log_access(
        actor=actor,
        action=Action.DISCLOSURE,
        obj=meeting,
        recipient=actor.username,
        summary=f"Downloaded the strategy board pack of {meeting}"[:255],
        detail={"quarter": progress.figures.snapshot.quarter if progress.figures.snapshot else None},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="strategy-board-pack-{day:%Y-%m-%d}.pdf"'
    return response
