"""Requirement progress on the caseload (issue 14, item 3): "UPW 45 of 120 h" per person, from one query."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from desist.enforcement import services as enforcement
from desist.enforcement.selectors import caseload_progress
from desist.sentences import services as sentences
from tests.app import builders
from tests.app.builders import TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def worker(partnership):
    return partnership.user("pat.progress", partnership.probation)


def _on_order(partnership, worker, last_name, *, upw_done=0, rar_done=0, sessions=0):
    subject = builders.person(last_name=last_name, involved=[(partnership.probation, worker)])
    start = TODAY - timedelta(days=120)
    order = builders.community_order(subject, start=start, months=12)
    system = builders.actor()
    actor = builders.actor(worker)
    upw = sentences.requirement_add(
        actor=system, sentence=order, kind="unpaid_work", start_date=start, amount=120, unit="hours"
    )
    rar = sentences.requirement_add(
        actor=system, sentence=order, kind="rar", start_date=start, amount=20, unit="days"
    )
    programme = sentences.requirement_add(
        actor=system, sentence=order, kind="programme", start_date=start, amount=24, unit="sessions"
    )
    for n in range(upw_done // 5):
        enforcement.log_unpaid_work(
            actor=actor, requirement=upw, worked_on=start + timedelta(days=n + 1), hours=Decimal(5)
        )
    for n in range(rar_done):
        enforcement.record_rar_day(actor=actor, requirement=rar, day=start + timedelta(days=n + 1))
    for n in range(sessions):
        enforcement.record_programme_session(
            actor=actor, requirement=programme, day=start + timedelta(days=7 * n + 1)
        )
    return subject


def test_each_counted_requirement_is_summed_against_what_was_ordered(partnership, worker):
    subject = _on_order(partnership, worker, "Counted", upw_done=45, rar_done=6, sessions=8)
    with CaptureQueriesContext(connection) as queries:
        progress = caseload_progress([subject.pk])
    assert len(queries) == 1
    assert [p.text for p in progress[subject.pk]] == [
        "UPW 45 of 120 h",
        "RAR 6 of 20 days",
        "Programme 8 of 24 sessions",
    ]


def test_progress_on_one_requirement_never_counts_towards_another(partnership, worker):
    subject = _on_order(partnership, worker, "Separate", upw_done=10, rar_done=3)
    assert [p.done for p in caseload_progress([subject.pk])[subject.pk]] == [10, 3, 0]


def test_people_without_counted_requirements_are_left_out(partnership, worker):
    subject = builders.person(last_name="Custody", involved=[(partnership.probation, worker)])
    assert caseload_progress([subject.pk]) == {}


def test_the_caseload_page_shows_progress_with_queries_that_do_not_grow(client, partnership, worker):
    client.force_login(worker)
    _on_order(partnership, worker, "First", upw_done=45, rar_done=6, sessions=8)
    with CaptureQueriesContext(connection) as small:
        response = client.get("/caseload/")
    text = response.content.decode()
    assert 'data-label="Progress"' in text
    assert '<abbr title="Unpaid work">UPW</abbr> 45 of 120 h' in text
    assert '<abbr title="Rehabilitation activity">RAR</abbr> 6 of 20 days' in text
    assert '<abbr title="Accredited programme">Programme</abbr> 8 of 24 sessions' in text
    for n in range(6):
        _on_order(partnership, worker, f"More{n}", upw_done=5 * n, rar_done=n, sessions=n)
    with CaptureQueriesContext(connection) as large:
        assert client.get("/caseload/").status_code == 200
    assert len(large) == len(small)
