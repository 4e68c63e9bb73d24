"""The demo's strategy board on a small partnership: the plan from the seeds, goals tied to the basket, a year
of quarterly meetings with attendance, actions owned by real users with their updates (some late), and the
board member login. The quarter is published beforehand, so the demo does not work out the basket here."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from desist.meetings.models import Attendance, Meeting, MeetingStatus
from desist.partnership.models import Role
from desist.strategy import selectors
from desist.strategy.demo import BOARD_LOGIN, demo_strategy_build
from desist.strategy.models import ActionUpdate, BoardMember, Plan
from tests.app.builders import TODAY

pytestmark = pytest.mark.django_db


def test_the_demo_board_plan_and_updates(partnership, published):
    p = partnership
    for agency in (p.probation, p.police, p.prison, p.housing, p.treatment):
        p.user(f"{agency.code}.manager", agency, role=Role.MANAGER)
    built = demo_strategy_build(TODAY)
    plan = Plan.objects.get()
    assert (plan.principles.count(), plan.groups.count(), plan.interventions.count()) == (7, 6, 4)
    assert plan.endorsed_at is not None and plan.goals.exclude(measure="").count() == 6
    assert built["meetings"] == 5 and Meeting.objects.filter(status=MeetingStatus.HELD).count() == 5
    assert Meeting.objects.filter(status=MeetingStatus.SCHEDULED).count() == 1
    assert Attendance.objects.filter(user__isnull=False, status="present").exists()
    assert BoardMember.objects.filter(role="chair", agency=p.probation).exists()
    assert User.objects.filter(username=BOARD_LOGIN).exists()
    assert built["actions"] == plan.actions.count() == 4  # housing, probation, treatment and police here
    assert ActionUpdate.objects.count() == built["updates"] > 0
    assert all(u.by_id == u.action.owner_user_id for u in ActionUpdate.objects.select_related("action"))
    assert len(selectors.progress(plan).overdue) == built["overdue"] == 2
    assert demo_strategy_build(TODAY)["actions"] == 0  # once
