"""A strategy board with a plan (the Kent and Medway plan's principles, groups and interventions), two goals
tied to basket measures, actions owned by a probation officer and a housing officer, a board meeting with its
attendance, and a published quarter whose figures are built by hand (the basket's own tests check how figures
are worked out; here only what the plan makes of them matters)."""

from __future__ import annotations

import hashlib
from datetime import datetime, time, timedelta
from typing import Any

import pyarrow as pa
import pytest
from django.utils import timezone

from desist.board.models import QuarterSnapshot
from desist.core.basket import ALL, FIGURE_SCHEMA, BasketResult, Quarter
from desist.meetings import services as meetings
from desist.partnership.models import Role
from desist.strategy import services
from tests.app import builders
from tests.app.builders import TODAY

PRINCIPLES = [
    "Localised",
    "Integrated",
    "Targeted",
    "Individualised",
    "Evidence based",
    "Holistic",
    "Restorative",
]
GROUPS = [
    ("IOM Cohort", "iom"),
    ("Troubled Families", ""),
    ("Young People (16-24)", ""),
    ("Women offenders", ""),
    ("ASB perpetrators", ""),
    ("Domestic abuse perpetrators", ""),
]
INTERVENTIONS = [
    "Accommodation",
    "Employment",
    "Substance Misuse (Drugs and Alcohol)",
    "Mental and Physical Health",
]
QUARTER = Quarter.containing(TODAY).previous()


def figure(measure: str, quarter: Quarter, numerator: int, denominator: int) -> dict[str, Any]:
    return {
        "measure": measure,
        "quarter": quarter.code,
        "district": ALL,
        "priority_group": ALL,
        "breakdown": ALL,
        "value": ALL,
        "units": denominator,
        "not_recorded": 0,
        "numerator": float(numerator),
        "denominator": float(denominator),
        "rate": numerator / denominator,
        "low": None,
        "high": None,
        "provisional": False,
    }


def publish(quarter: Quarter, rows: list[dict[str, Any]]) -> QuarterSnapshot:
    result = BasketResult(
        as_of=quarter.next().start,
        quarters=tuple(quarter.last(4)),
        figures=pa.Table.from_pylist(rows, schema=FIGURE_SCHEMA),
        settings={"suppress_below": 5},
        data_version="test",
        code_version="test",
    )
    data = result.to_parquet()
    return QuarterSnapshot.objects.create(
        quarter=quarter.code,
        as_of=result.as_of,
        data_version="test",
        code_version="test",
        figures=data,
        figures_sha256=hashlib.sha256(data).hexdigest(),
    )


@pytest.fixture
def board(partnership):
    return build_board(partnership)


def build_board(p: Any) -> dict[str, Any]:
    """The board, its plan and a meeting yesterday (for the browser journey too)."""
    chair = p.user("cath.chair", p.probation, role=Role.COORDINATOR)
    member = p.user("bob.board", p.police)
    owner = p.user("olly.owner", p.probation)
    housing = p.user("hetty.housing", p.housing)
    outsider = p.user("tom.treatment", p.treatment)
    actor = builders.actor(chair)
    series = meetings.series_create(
        actor=actor,
        name="Reducing Reoffending Strategy Board",
        kind="strategy_board",
        chair_agency=p.probation,
        agencies=[p.probation, p.police],
    )
    starts = timezone.make_aware(datetime.combine(TODAY - timedelta(days=1), time(14)))
    meeting = meetings.meeting_schedule(actor=actor, series=series, starts_at=starts)
    services.member_add(actor=actor, board=series, user=chair, agency=p.probation, role="chair", since=TODAY)
    services.member_add(actor=actor, board=series, user=member, agency=p.police, role="member", since=TODAY)
    plan = services.plan_create(
        actor=actor,
        board=series,
        title="Kent and Medway Strategic Plan for Reducing Reoffending",
        period_start=TODAY - timedelta(days=400),
        period_end=TODAY + timedelta(days=700),
        endorsed_on=TODAY - timedelta(days=400),
        principles=PRINCIPLES,
        groups=GROUPS,
        interventions=INTERVENTIONS,
    )
    accommodation = plan.interventions.get(position=1)
    housed = services.goal_add(
        actor=actor,
        plan=plan,
        text="More people in settled accommodation at the start of supervision",
        intervention=accommodation,
        measure="accommodation_start",
        baseline=50.0,
        target=60.0,
    )
    reoffending = services.goal_add(
        actor=actor,
        plan=plan,
        text="Fewer reoffend",
        measure="proven_reoffending",
        target=19.7,
        direction="lower",
    )
    services.goal_add(actor=actor, plan=plan, text="A localised approach in every district")
    action = services.action_add(
        actor=actor,
        plan=plan,
        description="Agree a protocol with the district councils for housing on release",
        owner_agency=p.probation,
        owner_user=owner,
        due_on=TODAY + timedelta(days=90),
        goal=housed,
        opened_on=TODAY - timedelta(days=400),
    )
    housing_action = services.action_add(
        actor=actor,
        plan=plan,
        description="Report the supported housing places each quarter",
        owner_agency=p.housing,
        owner_user=housing,
        due_on=TODAY + timedelta(days=30),
        opened_on=TODAY - timedelta(days=10),
    )
    return {
        "plan": plan,
        "series": series,
        "meeting": meeting,
        "chair": chair,
        "member": member,
        "owner": owner,
        "housing": housing,
        "outsider": outsider,
        "action": action,
        "housing_action": housing_action,
        "goals": (housed, reoffending),
        "actor": actor,
    }


@pytest.fixture
def published(db):
    """The last complete quarter, published: 55% settled accommodation (of 20), 25% reoffending (of 40)."""
    return publish(
        QUARTER,
        [figure("accommodation_start", QUARTER, 11, 20), figure("proven_reoffending", QUARTER, 10, 40)],
    )
