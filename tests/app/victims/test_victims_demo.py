"""The demo includes victims to notify, and a victim liaison login that sees them (issue 6, part 5)."""

import pytest
from django.contrib.auth.models import User

from desist.audit.context import actor_for_user
from desist.demo.models import DemoBuild
from desist.victims.models import VictimNotification
from desist.workqueue.selectors import work_queue

pytestmark = [pytest.mark.django_db, pytest.mark.slow, pytest.mark.postgres]


def test_the_demo_has_victims_to_notify_and_a_victim_liaison_login(small_demo):
    # The small demo is built as of today (tests/crawl.py): the notifications' deadlines fall around the day
    # the demo is built for, and this test reads them against that day.
    output = small_demo.output
    assert "  demo.victims " in output and "  demo.probation " in output
    today = DemoBuild.objects.get().as_of
    outstanding = VictimNotification.objects.filter(status="outstanding")
    assert (
        outstanding.filter(deadline__lt=today).exists() and outstanding.filter(deadline__gte=today).exists()
    )
    assert VictimNotification.objects.filter(domestic_abuse=True).exists()
    assert (
        VictimNotification.objects.filter(status="done").exclude(outcome="").exists()
        or outstanding.count() < 8
    )
    vlo = actor_for_user(User.objects.get(username="demo.victims"), channel="web")
    groups = {g.key: g for g in work_queue(vlo, on=today)}
    assert groups["victims"].count > 0
    probation = actor_for_user(User.objects.get(username="demo.probation"), channel="web")
    assert "victims" not in {g.key for g in work_queue(probation, on=today)}
