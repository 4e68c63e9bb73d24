"""The plan's writes and reads: the plan from the seeds, goals against published figures, quarterly updates
that keep their history and are refused to anyone but the owner, and the actions due an update."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.http import Http404

from desist.audit.models import AccessLogEntry, Action
from desist.core.strategy import GoalStatus, plan_year
from desist.strategy import selectors, services
from desist.strategy.models import ActionUpdate, PlanAction
from tests.app import builders
from tests.app.builders import TODAY
from tests.app.strategy.conftest import QUARTER

pytestmark = pytest.mark.django_db


def test_the_plan_holds_the_seeds_principles_groups_and_interventions(board):
    plan = selectors.current_plan()
    assert plan == board["plan"]
    assert [p.name for p in plan.principles.all()][:2] == ["Localised", "Integrated"]
    assert plan.principles.count() == 7 and plan.groups.count() == 6 and plan.interventions.count() == 4
    assert AccessLogEntry.objects.filter(
        action=Action.COLLECTION, summary__startswith="Recorded the plan"
    ).exists()


def test_goals_against_the_published_figures(board, published):
    progress = selectors.progress(board["plan"])
    housed, reoffending, unmeasured = progress.goals
    assert housed.value == pytest.approx(55.0) and housed.status is GoalStatus.NOT_MET
    assert housed.progress == pytest.approx(0.5) and housed.value_text == "55.0%"
    assert reoffending.value == pytest.approx(25.0) and reoffending.status is GoalStatus.NOT_MET
    assert unmeasured.status is GoalStatus.NOT_MEASURABLE


def test_nothing_published_is_not_yet_measurable(board):
    progress = selectors.progress(board["plan"])
    assert {g.status for g in progress.goals} == {GoalStatus.NOT_MEASURABLE}
    assert progress.goals[0].value_text == "nothing published"


def test_the_owner_posts_quarterly_updates_and_the_history_is_kept(board):
    action = board["action"]
    owner = builders.actor(board["owner"])
    services.action_update_post(actor=owner, action=action, rag="amber", comment="Two councils signed")
    services.action_update_post(actor=owner, action=action, rag="green", comment="All councils signed")
    action.refresh_from_db()
    assert action.rag == "green" and action.last_update_on == TODAY
    assert [u.comment for u in selectors.action_history(action)] == [
        "All councils signed",
        "Two councils signed",
    ]
    assert all(u.by == board["owner"] for u in ActionUpdate.objects.filter(action=action))
    assert AccessLogEntry.objects.filter(action=Action.ALTERATION, object_id=str(action.pk)).count() == 2


def test_an_update_from_anyone_else_is_refused_and_logged(board):
    with pytest.raises(Http404):
        services.action_update_post(
            actor=builders.actor(board["outsider"]), action=board["action"], rag="red", comment="Not mine"
        )
    assert not ActionUpdate.objects.exists()
    assert AccessLogEntry.objects.filter(
        action=Action.DENIED, summary__startswith="Refused to update"
    ).exists()
    # A coordinator of the board's chair agency may post for an owner.
    services.action_update_post(
        actor=board["actor"], action=board["housing_action"], rag="green", comment="On the owner's behalf"
    )


def test_an_update_needs_a_status_and_a_comment(board):
    owner = builders.actor(board["owner"])
    with pytest.raises(services.StrategyError):
        services.action_update_post(actor=owner, action=board["action"], rag="purple", comment="x")
    with pytest.raises(services.StrategyError):
        services.action_update_post(actor=owner, action=board["action"], rag="red", comment="  ")


def test_actions_due_an_update_reach_the_owner_until_they_post(board):
    owner = builders.actor(board["owner"])
    assert list(selectors.updates_due(owner)) == [board["action"]]
    progress = selectors.progress(board["plan"])
    assert [a.pk for a in progress.overdue] == [board["action"].pk]  # open a year, never updated
    services.action_update_post(actor=owner, action=board["action"], rag="green", comment="Done this quarter")
    assert not selectors.updates_due(owner).exists()
    team = builders.actor(board["chair"])
    assert list(selectors.updates_due(team, team=True)) == []  # probation's only action is now updated
    assert list(selectors.updates_due(builders.actor(board["housing"]))) == [board["housing_action"]]


def test_an_owner_must_work_for_the_owner_agency(board, partnership):
    with pytest.raises(services.StrategyError):
        services.action_add(
            actor=board["actor"],
            plan=board["plan"],
            description="x",
            owner_agency=partnership.police,
            owner_user=board["owner"],
            due_on=TODAY + timedelta(days=1),
        )
    assert PlanAction.objects.count() == 2


def test_the_annual_review_compares_the_years_measures_with_the_goals(board, published):
    plan = board["plan"]
    years = selectors.plan_years(plan)
    assert years == [1, 2]
    review = selectors.review(plan, plan_year(plan.endorsed_on, QUARTER.end))  # the year the quarter ends in
    assert review.published
    statuses = {row.goal.position: row.year.status for row in review.rows}
    assert statuses == {1: GoalStatus.NOT_MET, 2: GoalStatus.NOT_MET, 3: GoalStatus.NOT_MEASURABLE}
    assert review.counts == {"Met": 0, "Not met": 2, "Not yet measurable": 1}
