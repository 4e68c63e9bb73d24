"""The demo's allocation data (allocation.demo), on a handful of practitioners: teams with managers,
grades and hours, reductions, each held case's allocation by a real manager, and a queue."""

from __future__ import annotations

from datetime import timedelta

import pytest

from desist.allocation.demo import demo_allocation_build, team_manager_user
from desist.allocation.models import Allocation, Practitioner, Reduction, Workload
from desist.allocation.selectors import unallocated
from desist.partnership.models import Role, Team
from tests.app import builders
from tests.app.builders import TODAY

pytestmark = pytest.mark.django_db


def test_demo_build_makes_teams_managers_and_a_queue(partnership):
    workers = [partnership.user(f"worker{n}", partnership.probation) for n in range(7)]
    for n, worker in enumerate(workers * 4):
        subject = builders.person(last_name=f"Demo{n}", involved=[(partnership.probation, worker)])
        builders.community_order(subject, start=TODAY - timedelta(days=n * 20))
    made = demo_allocation_build(TODAY)
    assert made["teams"] == 3 and Team.objects.count() == 3
    manager = team_manager_user()
    assert manager is not None and manager.memberships.get().role == Role.MANAGER
    assert made["waiting"] > 0 and unallocated(builders.actor(manager), on=TODAY).exists()
    assert Practitioner.objects.count() == 7 and Reduction.objects.exists()
    # Every allocation was decided by a real user, the team's manager.
    assert (
        Allocation.objects.filter(decided_by__memberships__role=Role.MANAGER).count()
        == Allocation.objects.count()
    )
    assert Workload.objects.filter(cases__gt=0).exists()  # no tiers here, so no points
    # Managers are senior probation officers: the model gives them no points, so they hold no caseload.
    assert Practitioner.objects.filter(user=manager, grade="SPO").exists()
    assert not manager.involvements.filter(end_date__isnull=True).exists()
    assert Workload.objects.get(user=manager).available_points == 0
