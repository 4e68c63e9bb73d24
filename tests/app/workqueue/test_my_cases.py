"""The work queue is personal by default ("My cases"), with a team view for managers; a release plan task is
listed once however many escalations it has had (issue 14, point 7)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from desist.enforcement import services as enforcement
from desist.enforcement.models import Judgement
from desist.release import services as release
from desist.release.models import Escalation, PlanTask
from desist.supervision import services as supervision
from desist.supervision.models import Appointment
from desist.workqueue.selectors import work_queue
from tests.app import builders
from tests.app.builders import TODAY
from tests.app.victims.test_victims import perpetrator

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

# The staff the shared `team` fixture (tests/app/conftest.py) makes for these tests.
TEAM = ("officer", "colleague")
SCOPE_TEAM = "team"


def _groups(user, on=TODAY, scope="mine"):
    return {g.key: g for g in work_queue(builders.actor(user), on=on, scope=scope)}


def _at(day, hour):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def supervised(partnership, lead, last_name):
    subject = builders.person(
        last_name=last_name, district=partnership.medway, involved=[(partnership.probation, lead)]
    )
    order = builders.community_order(subject, start=TODAY - timedelta(days=100), months=12)
    return subject, order


def cases(partnership, lead, n, *, prefix="Case"):
    """n people on the lead's caseload, each with an appointment today, one past without an outcome, a
    failure awaiting judgement and one judged unacceptable with no warning yet."""
    officer = builders.actor(lead)
    for i in range(n):
        subject, order = supervised(partnership, lead, f"{prefix}{i}")
        for start in (_at(TODAY, 9 + i % 8), _at(TODAY - timedelta(days=2), 10)):
            # Booked ahead, then moved to the day it is held on (a past time cannot be booked).
            booked = supervision.book_appointment(
                actor=officer,
                person=subject,
                practitioner=lead,
                starts_at=_at(TODAY + timedelta(days=1), 10),
                ends_at=_at(TODAY + timedelta(days=1), 11),
            )
            Appointment.objects.filter(pk=booked.pk).update(
                starts_at=start, ends_at=start + timedelta(hours=1)
            )
        for days in (3, 5):
            failure = enforcement.record_failure(
                actor=officer,
                person=subject,
                sentence=order,
                occurred_on=TODAY - timedelta(days=days),
                description="Missed an appointment",
            )
        enforcement.judge_failure(
            actor=officer, failure=failure, judgement=Judgement.UNACCEPTABLE, reason="No reason given"
        )


def test_a_task_escalated_at_every_milestone_is_listed_once(partnership, team):
    _, sentence, _ = perpetrator(partnership, team, release_in=90)
    plan = release.release_plan_start(actor=builders.actor(team["officer"]), sentence=sentence)
    release_date = plan.release_date
    for weeks in (12, 4, 1):
        release.escalations_raise(actor=builders.actor(), on=release_date - timedelta(weeks=weeks))
    open_tasks = PlanTask.objects.filter(plan=plan, status="open")
    assert Escalation.objects.filter(task__in=open_tasks).count() > open_tasks.count()  # several a task
    on = release_date - timedelta(weeks=1)
    tasks = _groups(team["officer"], on=on)["tasks"]
    listed = [t.pk for t in tasks.rows]
    assert len(listed) == len(set(listed)) == tasks.count == open_tasks.count()
    # Each carries its latest escalation: the one a week before release.
    assert {t.escalated_weeks for t in tasks.rows} == {1}
    assert _groups(team["officer"], on=on)["escalations"].count == 0


def test_my_cases_are_mine_and_the_team_view_is_for_managers(partnership, team):
    cases(partnership, team["officer"], 2, prefix="Mine")
    cases(partnership, team["colleague"], 3, prefix="Theirs")
    mine = _groups(team["officer"])
    assert mine["appointments"].count == 2
    held = Appointment.objects.filter(starts_at__lt=timezone.now())  # today's may have been held already
    assert mine["outcomes"].count == held.filter(practitioner=team["officer"]).count() >= 2
    assert mine["judgement"].count == 2
    assert mine["enforcement"].count == 2
    assert all(
        r.person.last_name.startswith("Mine") for g in mine.values() for r in g.rows if hasattr(r, "person")
    )
    # A practitioner asking for the team's queue gets their own.
    assert _groups(team["officer"], scope=SCOPE_TEAM)["judgement"].count == 2
    manager = partnership.user("mo.manager", partnership.probation, role="manager")
    teams = _groups(manager, scope=SCOPE_TEAM)
    assert teams["appointments"].count == 5
    assert teams["outcomes"].count == held.count() >= 5
    assert teams["judgement"].count == 5
    assert teams["enforcement"].count == 5
    assert _groups(manager)["judgement"].count == 0  # leads no one


def test_the_team_tab_is_offered_to_managers_only(client, partnership, team):
    cases(partnership, team["colleague"], 1)
    client.force_login(team["officer"])
    page = client.get("/work/?view=team").content.decode()
    assert "My team" not in page and "Nothing." in page
    manager = partnership.user("mo.manager", partnership.probation, role="manager")
    client.force_login(manager)
    page = client.get("/work/?view=team").content.decode()
    assert 'aria-current="page">My team' in page and "CASE0" in page
    assert "CASE0" not in client.get("/work/").content.decode()


@pytest.mark.parametrize("view", ["", "?view=team"])
def test_the_queue_queries_do_not_grow_with_the_caseload(client, partnership, team, view):
    manager = partnership.user("mo.manager", partnership.probation, role="manager")
    user = manager if view else team["officer"]
    cases(partnership, team["officer"], 1, prefix="Few")
    client.force_login(user)
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/work/{view}").status_code == 200
    cases(partnership, team["officer"], 6, prefix="Many")
    for n in range(3):
        _, sentence, _ = perpetrator(partnership, team, release_in=10 + n, last_name=f"Perp{n}")
        release.release_plan_start(actor=builders.actor(team["officer"]), sentence=sentence)
    release.escalations_raise(actor=builders.actor())
    with CaptureQueriesContext(connection) as many:
        assert client.get(f"/work/{view}").status_code == 200
    # A group is one query when its rows all fit, two when they must be counted: bounded either way.
    assert len(few) <= len(many) <= 30
    if not view:  # the responsible officer: every task of the three plans, more than a group shows
        tasks = _groups(user)["tasks"]
        assert tasks.count == PlanTask.objects.filter(status="open").count() > len(tasks.rows) == 25


def test_monitoring_alerts_are_in_the_officers_queue(partnership, team):
    from desist.monitoring import services as monitoring
    from tests.app.monitoring.conftest import case as monitoring_case
    from tests.app.monitoring.test_services import good_feed

    tagged = monitoring_case.__wrapped__(partnership)
    monitoring.import_feed(actor=tagged.officer, supplier="acme", content=good_feed(), file_name="a.csv")
    alerts = _groups(tagged.officer_user)["alerts"]
    assert alerts.count == 3 and all(a.person_id == tagged.person.pk for a in alerts.rows)
    assert _groups(team["officer"])["alerts"].count == 0


def test_the_team_counts_stop_at_the_cap_and_my_cases_are_counted_exactly(
    client, partnership, team, monkeypatch
):
    from desist.workqueue import selectors

    monkeypatch.setattr(selectors, "ROWS_PER_GROUP", 1)
    monkeypatch.setattr(selectors, "TEAM_COUNT_CAP", 3)
    cases(partnership, team["colleague"], 5, prefix="Many")
    manager = partnership.user("mo.manager", partnership.probation, role="manager")
    teams = _groups(manager, scope=SCOPE_TEAM)
    # Five today, counted up to the cap: "3+"; the most urgent row is still the first in time.
    assert (teams["appointments"].count, teams["appointments"].capped) == (3, True)
    assert teams["appointments"].count_label == "3+"
    assert teams["appointments"].rows[0].starts_at == min(
        Appointment.objects.filter(starts_at__date=TODAY).values_list("starts_at", flat=True)
    )
    # Every failure awaiting judgement is past its clock? No: none is overdue, and that is counted too.
    assert (teams["judgement"].count, teams["judgement"].capped, teams["judgement"].overdue) == (3, True, 0)
    mine = _groups(team["colleague"])
    assert (mine["appointments"].count, mine["appointments"].capped) == (5, False)
    client.force_login(manager)
    page = client.get("/work/?view=team").content.decode()
    assert "Showing the 1 most urgent of 3+." in page
