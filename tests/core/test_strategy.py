"""The strategy plan's rules (desist.core.strategy): goals against the board's figures, progress, when a
quarterly update is due, plan years and the annual review. The Kent and Medway plan (seeds/001) was endorsed
on 3 July 2012, runs 2012–2015, is reviewed annually and tracked quarterly: the dates below are its."""

from __future__ import annotations

from datetime import date

import pytest

from desist.core.basket.quarters import Quarter
from desist.core.strategy import (
    GoalStatus,
    add_years,
    goal_status,
    is_annual_review,
    plan_year,
    plan_year_span,
    progress,
    shown_value,
    update_state,
    year_quarters,
)

ENDORSED = date(2012, 7, 3)


@pytest.mark.parametrize(
    ("value", "target", "direction", "expected"),
    [
        (61.0, 60.0, "higher", GoalStatus.MET),
        (60.0, 60.0, "higher", GoalStatus.MET),  # reaching the target exactly meets it
        (59.9, 60.0, "higher", GoalStatus.NOT_MET),
        (19.0, 19.7, "lower", GoalStatus.MET),  # the reoffending rate under Kent's 19.7% (seeds/003)
        (19.7, 19.7, "lower", GoalStatus.MET),
        (20.0, 19.7, "lower", GoalStatus.NOT_MET),
        (None, 60.0, "higher", GoalStatus.NOT_MEASURABLE),  # nothing published, or withheld
        (55.0, None, "higher", GoalStatus.NOT_MEASURABLE),  # a goal with no target
    ],
)
def test_goal_status(value, target, direction, expected):
    assert goal_status(value=value, target=target, direction=direction) is expected


def test_goal_status_refuses_an_unknown_direction():
    with pytest.raises(ValueError, match="direction"):
        goal_status(value=1.0, target=1.0, direction="up")


def test_shown_value_in_the_targets_unit():
    assert shown_value("proportion", 0.234) == pytest.approx(23.4)
    assert shown_value("per_100", 12.1) == pytest.approx(12.1)
    assert shown_value("before_after", -0.35) == pytest.approx(-35.0)
    assert shown_value("proportion", None) is None
    with pytest.raises(ValueError):
        shown_value("ratio", 0.5)


def test_progress_from_baseline_to_target():
    assert progress(baseline=50.0, value=55.0, target=60.0) == pytest.approx(0.5)
    assert progress(baseline=22.0, value=20.0, target=18.0) == pytest.approx(0.5)  # a falling target
    assert progress(baseline=50.0, value=45.0, target=60.0) == pytest.approx(-0.5)  # moved away
    assert progress(baseline=50.0, value=65.0, target=60.0) == pytest.approx(1.5)  # past the target
    assert progress(baseline=None, value=55.0, target=60.0) is None
    assert progress(baseline=50.0, value=None, target=60.0) is None
    assert progress(baseline=60.0, value=60.0, target=60.0) is None  # no gap to close


def test_an_update_is_due_each_quarter_and_overdue_after_a_quarter_without_one():
    on = date(2013, 5, 10)  # 2013 Q2
    # Updated in Q2 already: nothing due.
    state = update_state(on=on, last_update_on=date(2013, 4, 1), open_since=date(2012, 7, 3))
    assert not state.due and not state.overdue
    # Last updated in Q1: due for Q2, not overdue (Q1 had its update).
    state = update_state(on=on, last_update_on=date(2013, 3, 31), open_since=date(2012, 7, 3))
    assert state.due and not state.overdue
    # Last updated in 2012 Q4: Q1 passed without one, so overdue.
    state = update_state(on=on, last_update_on=date(2012, 12, 31), open_since=date(2012, 7, 3))
    assert state.due and state.overdue
    # Never updated, open since before Q1: overdue; opened during Q1: only due.
    assert update_state(on=on, last_update_on=None, open_since=date(2012, 12, 31)).overdue
    state = update_state(on=on, last_update_on=None, open_since=date(2013, 1, 1))
    assert state.due and not state.overdue


def test_plan_years_and_their_quarters():
    assert plan_year(ENDORSED, date(2012, 7, 2)) == 0
    assert plan_year(ENDORSED, ENDORSED) == 1
    assert plan_year(ENDORSED, date(2013, 7, 2)) == 1
    assert plan_year(ENDORSED, date(2013, 7, 3)) == 2
    assert plan_year_span(ENDORSED, 1) == (date(2012, 7, 3), date(2013, 7, 2))
    assert year_quarters(ENDORSED, 1) == [
        Quarter(2012, 3),
        Quarter(2012, 4),
        Quarter(2013, 1),
        Quarter(2013, 2),
    ]
    # Quarters that end within the year: 30 September 2012 is after 15 August.
    assert year_quarters(date(2012, 8, 15), 2) == [
        Quarter(2013, 3),
        Quarter(2013, 4),
        Quarter(2014, 1),
        Quarter(2014, 2),
    ]
    with pytest.raises(ValueError):
        plan_year_span(ENDORSED, 0)


def test_a_29_february_endorsement():
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert plan_year(date(2024, 2, 29), date(2025, 2, 28)) == 2


def test_the_annual_review_is_the_first_board_meeting_after_each_anniversary():
    # Quarterly board meetings: the first after 3 July 2013 reviews year 1; the next one does not.
    assert is_annual_review(ENDORSED, date(2013, 7, 16), [date(2013, 4, 16)]) == 1
    assert is_annual_review(ENDORSED, date(2013, 10, 15), [date(2013, 4, 16), date(2013, 7, 16)]) is None
    assert is_annual_review(ENDORSED, date(2013, 4, 16), []) is None  # still in year 1
    assert is_annual_review(ENDORSED, date(2014, 7, 3), [date(2013, 7, 16)]) == 2  # on the anniversary itself
