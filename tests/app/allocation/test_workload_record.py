"""A team manager's workload record of a practitioner (issue 19): grade and hours with their history,
reductions ended early, court reports completed, weighted work as hmpps-workload counts it, the T2A mark, the
scheduled recompute and the board's figures."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from desist.allocation import selectors, services, tasks
from desist.allocation.models import (
    CourtReport,
    PractitionerChange,
    Reduction,
    T2AMark,
    WeightedContact,
    Workload,
)
from desist.audit.models import AccessLogEntry
from desist.people.signals import derived_refresh_later
from tests.app import builders
from tests.app.allocation.test_allocation import _case
from tests.app.builders import NAVIGATION_QUERIES, TODAY

pytestmark = pytest.mark.django_db


def _record(office, who="po"):
    return f"/allocation/teams/{office['north'].pk}/practitioners/{office[who].pk}/"


def test_the_record_pages_change_grade_hours_reductions_and_reports(
    partnership,
    office,
    client,
    django_assert_max_num_queries,
):
    po = office["po"]
    base = _record(office)
    _case(partnership, office["north"], tier="B2", lead=po)  # community B2: 115
    services.workloads_recompute(actor=builders.actor())
    client.force_login(office["manager"])
    # The team page links each practitioner to their record.
    assert base.encode() in client.get(f"/allocation/teams/{office['north'].pk}/").content
    with django_assert_max_num_queries(16 + NAVIGATION_QUERIES):
        page = client.get(base)
    assert page.status_code == 200 and b"Probation officer" in page.content
    for path in ("grade/", "reductions/new/", "reports/new/", "work/new/"):
        with django_assert_max_num_queries(10 + NAVIGATION_QUERIES):
            assert client.get(base + path).status_code == 200, path

    # Grade and hours: errors in the summary, then a change kept as history and recomputed at once.
    page = client.post(base + "grade/", {"grade": "PO", "contracted_hours": "-3"})
    assert page.status_code == 200 and b"govuk-error-summary" in page.content
    assert b"Contracted hours cannot be less than 0" in page.content
    assert client.post(base + "grade/", {"grade": "PO", "contracted_hours": "18.5"}).status_code == 302
    assert Workload.objects.get(user=po).available_points == 1088
    assert PractitionerChange.objects.filter(user=po).count() == 2  # the fixture's, then this one

    # A reduction: the end before the start is refused; a good one counts at once; ending it stops it.
    bad = {"reason": "Court Duty", "hours": "1.8", "starts_on": "2026-02-01", "ends_on": "2026-01-01"}
    page = client.post(base + "reductions/new/", bad)
    assert b"The end date must be on or after the start date" in page.content
    good = {
        "reason": "Court Duty",
        "hours": "1.85",
        "starts_on": (TODAY - timedelta(days=3)).isoformat(),
        "ends_on": (TODAY + timedelta(days=30)).isoformat(),
    }
    assert client.post(base + "reductions/new/", good).status_code == 302
    reduction = Reduction.objects.get(user=po)
    assert reduction.recorded_by == office["manager"]
    assert Workload.objects.get(user=po).available_hours == Decimal("16.65")
    assert b"End now" in client.get(base).content
    assert client.post(base + f"reductions/{reduction.pk}/end/").status_code == 302
    reduction.refresh_from_db()
    assert reduction.ends_on == TODAY - timedelta(days=1) and reduction.ended_by == office["manager"]
    assert Workload.objects.get(user=po).available_hours == Decimal("18.5")  # ended: no longer counts
    assert b"Ended reductions (1)" in client.get(base).content

    # A court report, found by record number; someone the manager cannot see is not found.
    subject = builders.person(last_name="Report", involved=[(partnership.probation, None)])
    stranger = builders.person(last_name="Stranger", involved=[(partnership.housing, None)])
    report = {
        "kind": "fast",
        "requested_on": TODAY.isoformat(),
        "due_on": (TODAY + timedelta(days=5)).isoformat(),
    }
    page = client.post(base + "reports/new/", {**report, "person": str(stranger.pk)})
    assert b"No one in your agency&#x27;s caseload" in page.content
    assert client.post(base + "reports/new/", {**report, "person": str(subject.pk)}).status_code == 302
    written = CourtReport.objects.get(author=po)
    assert Workload.objects.get(user=po).points == 115 + 65
    assert client.post(base + f"reports/{written.pk}/complete/").status_code == 302
    assert CourtReport.objects.get(pk=written.pk).completed_on == TODAY
    assert Workload.objects.get(user=po).points == 115
    assert AccessLogEntry.objects.filter(summary__startswith="Court report completed").exists()

    # Another manager's team is not theirs.
    client.force_login(office["south_manager"])
    assert client.get(base).status_code == 404
    assert client.post(base + f"reductions/{reduction.pk}/end/").status_code == 404


def test_weighted_work_counts_for_whoever_did_it_and_against_the_holder(partnership, office):
    po, po2 = office["po"], office["po2"]
    case = _case(partnership, office["north"], tier="B2", lead=po)
    manager = builders.actor(office["manager"])
    # CMS03 (sentence plan intervention delivery, high) weighs 18; CMS40 weighs 0 (V1_46).
    services.weighted_contact_add(
        actor=manager, person=case.person, done_by=po2, contact_type="CMS03", done_on=TODAY
    )
    services.weighted_contact_add(
        actor=manager, person=case.person, done_by=po2, contact_type="CMS40", done_on=TODAY
    )
    services.weighted_contact_add(  # out of the window: no longer counts
        actor=manager,
        person=case.person,
        done_by=po2,
        contact_type="CMS03",
        done_on=TODAY - timedelta(days=40),
    )
    services.weighted_contact_add(  # on their own case: neither outside nor by others
        actor=manager, person=case.person, done_by=po, contact_type="CMS03", done_on=TODAY
    )
    # The one from before the case started had no holder on the day.
    assert WeightedContact.objects.filter(holder=po).count() == 3
    services.workloads_recompute(actor=builders.actor())
    assert Workload.objects.get(user=po2).contact_points == 18
    mine = Workload.objects.get(user=po)
    assert (mine.contact_points, mine.points) == (-18, 115 - 18)


def test_t2a_mark_weighs_from_the_t2a_table_for_18_to_24_year_olds(
    partnership,
    office,
    client,
):
    po = office["po"]
    young = _case(partnership, office["north"], tier="B2", lead=po, last_name="Young")
    young.person.date_of_birth = date(TODAY.year - 20, 1, 1)
    young.person.save(update_fields=["date_of_birth"])
    older = _case(partnership, office["north"], tier="B2", last_name="Older")  # born 1990
    client.force_login(office["manager"])
    page = client.get(f"/allocation/cases/{young.pk}/")
    assert b"Mark as T2A" in page.content
    assert client.post(f"/allocation/cases/{young.pk}/t2a/", {"t2a": "yes"}).status_code == 302
    assert T2AMark.objects.filter(involvement=young, removed_at__isnull=True).exists()
    # V1_1 seed: T2A community B2 weighs 48 (the standard table's 115).
    mine = Workload.objects.get(user=po)
    assert (mine.t2a, mine.points) == (1, 48)
    assert b"Remove the T2A mark" in client.get(f"/allocation/cases/{young.pk}/").content
    # Someone aged over 24 when the case started cannot be marked: said on the case page.
    page = client.post(f"/allocation/cases/{older.pk}/t2a/", {"t2a": "yes"}, follow=True)
    assert b"aged 18 to 24" in page.content and not T2AMark.objects.filter(involvement=older).exists()
    # Removing the mark keeps the row and weighs the case from the standard table again.
    assert client.post(f"/allocation/cases/{young.pk}/t2a/", {"t2a": "no"}).status_code == 302
    assert T2AMark.objects.get(involvement=young).removed_at is not None
    assert Workload.objects.get(user=po).points == 115
    client.force_login(office["south_manager"])
    assert client.post(f"/allocation/cases/{young.pk}/t2a/", {"t2a": "yes"}).status_code == 404


def test_nightly_command_task_and_a_record_change_recompute(
    partnership, office, django_capture_on_commit_callbacks
):
    po = office["po"]
    case = _case(partnership, office["north"], tier="A3", lead=po)
    Workload.objects.all().delete()
    call_command("recompute_workloads", "--now", stdout=StringIO())
    assert Workload.objects.get(user=po).points == 206
    call_command("recompute_workloads", stdout=StringIO())
    assert DBTaskResult.objects.filter(task_path=tasks.recompute_workloads.module_path).count() == 1
    assert tasks.recompute_workloads.call() >= 3
    # A change to the person's record queues one recompute of their holders, however many changes.
    with django_capture_on_commit_callbacks(execute=True):
        derived_refresh_later(case.person_id)
        derived_refresh_later(case.person_id)
    queued = DBTaskResult.objects.filter(task_path=tasks.recompute_person_holders.module_path)
    assert queued.count() == 1
    Workload.objects.filter(user=po).update(points=0)
    assert tasks.recompute_person_holders.call(case.person_id) == 1
    assert Workload.objects.get(user=po).points == 206


def test_board_figures_by_age_and_capacity_band(
    partnership,
    office,
    client,
    django_assert_max_num_queries,
):
    _case(partnership, office["north"], days=2, last_name="New")
    _case(partnership, office["north"], days=20, last_name="Old")
    for n in range(16):  # 16 x A3 community = 3,296 points: over 100% of 2,176
        _case(partnership, office["north"], tier="A3", lead=office["po"], last_name=f"Held{n}")
    services.practitioner_set(actor=builders.actor(), user=office["pso"], grade="SPO", contracted_hours=None)
    services.workloads_recompute(actor=builders.actor())
    figures = selectors.board_workload(on=TODAY)
    north = next(f for f in figures.teams if f.team == office["north"])
    assert (north.unallocated, north.ages, north.oldest_days) == (2, [1, 0, 1, 0], 20)
    assert north.over == 1 and north.capacity[-1] == 1  # 151.5%: over 120%
    assert north.not_measured == 1  # the senior probation officer: the model gives them no points
    assert figures.total.unallocated == 2
    client.force_login(office["pso"])  # the board is for every signed-in user: aggregates only
    with django_assert_max_num_queries(10 + NAVIGATION_QUERIES):
        page = client.get("/board/workload/")
    assert page.status_code == 200 and b"Medway North" in page.content and b"Over 120%" in page.content
    assert b"/board/workload/" in client.get("/board/definitions/").content
