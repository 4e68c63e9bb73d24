"""The strategy board's plan (issue 15, item 5): the rules that turn the board's published figures into the
plan's progress, and say when an action owner owes the board a quarterly update. Plain Python, no Django.

- A **goal** may name a basket measure, a target and a direction ("higher": the figure must reach the target
  or more; "lower": the target or less). Its status is *met*, *not met* or *not yet measurable* (no figure:
  no measure named, nothing published, the figure withheld or no one in scope). Targets are written as the
  board reads the figure: per cent for a proportion (60 means 60%), per 100 people for a rate, the percentage
  change for a before-and-after measure (−20 means a fall of 20%).
- **Progress** is the share of the way from the baseline to the target the figure has come: 0 at the
  baseline, 1 at the target, negative when it moved away; none without a baseline, a figure or a gap.
- An action's **quarterly update** is due while no update has been posted since the current quarter began,
  and overdue once a whole quarter has ended without one (an action open since before that quarter began).
- The **plan year** n runs from the n-1st anniversary of the endorsement to the day before the nth; the
  **annual review** is the first board meeting on or after each anniversary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from desist.core.basket.quarters import Quarter


class GoalStatus(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NOT_MEASURABLE = "not_measurable"


GOAL_STATUS_LABELS = {
    GoalStatus.MET: "Met",
    GoalStatus.NOT_MET: "Not met",
    GoalStatus.NOT_MEASURABLE: "Not yet measurable",
}

DIRECTIONS = ("higher", "lower")
KINDS = ("proportion", "per_100", "before_after")


def shown_value(kind: str, rate: float | None) -> float | None:
    """A basket figure (a rate as the basket holds it: 0–1 for a proportion or a change, per 100 for a rate)
    in the unit a goal's target is written in."""
    if rate is None:
        return None
    if kind not in KINDS:
        raise ValueError(f"unknown measure kind {kind!r}")
    return rate if kind == "per_100" else 100 * rate


def goal_status(*, value: float | None, target: float | None, direction: str) -> GoalStatus:
    """Whether a figure (in the target's unit) meets the target: reaching it exactly meets it."""
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, not {direction!r}")
    if value is None or target is None:
        return GoalStatus.NOT_MEASURABLE
    met = value >= target if direction == "higher" else value <= target
    return GoalStatus.MET if met else GoalStatus.NOT_MET


def progress(*, baseline: float | None, value: float | None, target: float | None) -> float | None:
    """The share of the way from the baseline to the target (1.0 at the target, above it past the target,
    negative when the figure moved away from it)."""
    if baseline is None or value is None or target is None or target == baseline:
        return None
    return (value - baseline) / (target - baseline)


@dataclass(frozen=True)
class UpdateState:
    due: bool  # no update posted since the current quarter began
    overdue: bool  # a whole quarter has ended without one


def update_state(*, on: date, last_update_on: date | None, open_since: date) -> UpdateState:
    """Whether an open action owes the board its quarterly update on ``on``."""
    current = Quarter.containing(on)
    due = last_update_on is None or last_update_on < current.start
    previous = current.previous()
    missed = last_update_on is None or last_update_on < previous.start
    overdue = due and missed and open_since < previous.start
    return UpdateState(due=due, overdue=overdue)


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later (29 February falls back to 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def plan_year(endorsed_on: date, day: date) -> int:
    """Which year of the plan ``day`` falls in (1 from the endorsement; 0 before it)."""
    if day < endorsed_on:
        return 0
    year = day.year - endorsed_on.year
    if add_years(endorsed_on, year) > day:
        year -= 1
    return year + 1


def plan_year_span(endorsed_on: date, year: int) -> tuple[date, date]:
    """The first and last day of plan year ``year`` (1 is the first)."""
    if year < 1:
        raise ValueError("plan years count from 1")
    start = add_years(endorsed_on, year - 1)
    end = date.fromordinal(add_years(endorsed_on, year).toordinal() - 1)
    return start, end


def year_quarters(endorsed_on: date, year: int) -> list[Quarter]:
    """The calendar quarters that end within plan year ``year``: the figures the annual review compares."""
    start, end = plan_year_span(endorsed_on, year)
    quarter = Quarter.containing(start)
    quarters = []
    while quarter.start <= end:
        if start <= quarter.end <= end:
            quarters.append(quarter)
        quarter = quarter.next()
    return quarters


def is_annual_review(endorsed_on: date, meeting_day: date, earlier_meetings: Sequence[date]) -> int | None:
    """The plan year a board meeting on ``meeting_day`` reviews (the year just ended), when it is the first
    meeting on or after an anniversary of the endorsement; ``earlier_meetings`` are the days of the board's
    other held or scheduled meetings. None when it is not an annual review."""
    year = plan_year(endorsed_on, meeting_day)
    if year < 2:
        return None
    anniversary = add_years(endorsed_on, year - 1)
    if any(anniversary <= day < meeting_day for day in earlier_meetings):
        return None
    return year - 1
