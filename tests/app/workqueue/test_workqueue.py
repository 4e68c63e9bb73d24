"""The work queue (issue 6, part 6): one list per user of what needs them today, for the people they may
see."""

from __future__ import annotations

from datetime import timedelta

import pytest

from desist.audit.models import AccessLogEntry
from desist.release import services as release
from desist.release.models import PlanTask
from desist.victims.models import VictimNotification
from desist.workqueue.selectors import work_queue
from tests.app import builders
from tests.app.builders import TODAY
from tests.app.victims.test_victims import perpetrator, registered_victim

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


# The staff the shared `team` fixture (tests/app/conftest.py) makes for these tests.
TEAM = ("officer", "vlo", "police", "housing", "housing_vlo")


def _groups(user, on=TODAY):
    return {g.key: g for g in work_queue(builders.actor(user), on=on)}


def test_each_role_sees_its_own_work(partnership, team):
    subject, sentence, offence = perpetrator(partnership, team, release_in=10)
    from desist.people import services as people

    people.involvement_start(
        actor=builders.actor(),
        person=subject,
        agency_id=partnership.housing.pk,
        reason="Housing",
        start_date=TODAY - timedelta(days=10),
    )
    plan = release.release_plan_start(actor=builders.actor(team["officer"]), sentence=sentence)
    release.escalations_raise(actor=builders.actor())
    registered_victim(team, offence)

    officer = _groups(team["officer"])
    # No victims for a practitioner; referrals when the referrals app is installed; enforcement for probation.
    assert set(officer) - {"referrals"} == {
        "alerts",
        "appointments",
        "outcomes",
        "judgement",
        "enforcement",
        "tasks",
        "escalations",
        "releases",
        "meeting_actions",
        "plan_updates",  # strategy plan actions due a quarterly update (docs/strategy.md)
        "allocated",  # cases newly allocated to them (docs/allocation.md); "unallocated" is for managers
    }
    assert [p.pk for p in officer["releases"].rows] == [plan.pk]
    # The lead worker's own tasks, and every task escalated to them as responsible officer: each once.
    assert officer["tasks"].count == PlanTask.objects.filter(plan=plan).count()
    assert len({t.pk for t in officer["tasks"].rows}) == len(officer["tasks"].rows)
    assert officer["escalations"].count == 0  # a task's escalation is shown on the task

    # Housing's practitioner leads no one here: their own queue is empty; housing's work is the team's.
    housing = _groups(team["housing"])
    assert housing["tasks"].count == 0 and housing["releases"].count == 0
    manager = partnership.user("mo.manager", partnership.housing, role="manager")
    housing_team = {g.key: g for g in work_queue(builders.actor(manager), on=TODAY, scope="team")}
    assert housing_team["tasks"].count and all(
        t.owner_agency_id == partnership.housing.pk for t in housing_team["tasks"].rows
    )

    vlo = _groups(team["vlo"])
    assert vlo["victims"].count == 1 and vlo["victims"].rows[0] == VictimNotification.objects.get()

    # The police are not involved: nothing at all about this person.
    assert sum(g.count for g in _groups(team["police"]).values()) == 0
    # Housing is involved, so its victim liaison officer sees the notification; its practitioner does not.
    assert _groups(team["housing_vlo"])["victims"].count == 1 and "victims" not in housing


def test_overdue_is_counted_and_sorted_first(partnership, team):
    _, sentence, _ = perpetrator(partnership, team, release_in=10)
    plan = release.release_plan_start(actor=builders.actor(team["officer"]), sentence=sentence)
    late = PlanTask.objects.filter(plan=plan, owner_agency=partnership.probation).order_by("id").last()
    PlanTask.objects.filter(pk=late.pk).update(due_date=TODAY - timedelta(days=3))
    tasks = _groups(team["officer"])["tasks"]
    assert tasks.overdue == 1 and tasks.rows[0].pk == late.pk


def test_the_page_renders_in_bounded_queries_and_is_logged(
    partnership, team, client, django_assert_max_num_queries
):
    for n in range(4):
        _, sentence, offence = perpetrator(partnership, team, release_in=10 + n, last_name=f"Perp{n}")
        release.release_plan_start(actor=builders.actor(team["officer"]), sentence=sentence)
        registered_victim(team, offence, reference=f"VLU-{n}")
    release.escalations_raise(actor=builders.actor())
    client.force_login(team["vlo"])
    with django_assert_max_num_queries(26):
        page = client.get("/work/")
    assert page.status_code == 200 and b"Victim notifications" in page.content
    client.force_login(team["officer"])
    with django_assert_max_num_queries(26):
        page = client.get("/work/", HTTP_HX_REQUEST="true")
    assert page.status_code == 200 and b'id="work-queue"' in page.content and b"<html" not in page.content
    entry = AccessLogEntry.objects.filter(user=team["officer"], action="consultation").latest("id")
    assert "work queue" in entry.summary
