"""Allocation and workload (issue 19): the queue, the HMPPS workload figures, allocating by grade and room,
reallocation and transfer with history, IOM pairing, other agencies' allocation, figures and access."""

from __future__ import annotations

import logging
from datetime import timedelta
from decimal import Decimal

import pytest

from desist.allocation import selectors, services
from desist.allocation.models import Allocation, AllocationKind, Workload
from desist.assessments.models import RiskScore, ScoreKind
from desist.audit.models import AccessLogEntry
from desist.iom.models import CohortMembership, LeadProfessional
from desist.partnership.models import Membership, Role, Team
from desist.people import services as people
from desist.workqueue.selectors import work_queue
from tests.app import builders
from tests.app.builders import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(partnership, settings):
    settings.DESIST_ALLOCATION_DEADLINE_DAYS = 5
    north = Team.objects.create(agency=partnership.probation, name="Medway North")
    south = Team.objects.create(agency=partnership.probation, name="Medway South")
    housing_team = Team.objects.create(agency=partnership.housing, name="Tenancy support")

    def member(name, agency, team, role=Role.PRACTITIONER, grade=None, hours=None):
        user = partnership.user(name, agency, role=role)
        Membership.objects.filter(user=user).update(team=team)
        if grade:
            services.practitioner_set(actor=builders.actor(), user=user, grade=grade, contracted_hours=hours)
        return user

    return {
        "north": north,
        "south": south,
        "housing_team": housing_team,
        "manager": member("spo", partnership.probation, north, Role.MANAGER),
        "po": member("po", partnership.probation, north, grade="PO", hours=Decimal(37)),
        "po2": member("potwo", partnership.probation, north, grade="PO", hours=Decimal("18.5")),
        "pso": member("pso", partnership.probation, north, grade="PSO"),
        "south_manager": member("southspo", partnership.probation, south, Role.MANAGER),
        "housing_manager": member("housingmgr", partnership.housing, housing_team, Role.MANAGER),
        "housing_officer": member("housingofficer", partnership.housing, housing_team),
    }


def _case(partnership, team, *, days=1, tier="B2", rosh="medium", last_name="Smith", lead=None, agency=None):
    subject = builders.person(last_name=last_name)
    builders.community_order(subject, start=TODAY - timedelta(days=days))
    for kind, value in ((ScoreKind.TIER, tier), (ScoreKind.ROSH, rosh)):
        if value:
            RiskScore.objects.create(person=subject, kind=kind, as_of=TODAY, value=value)
    return people.involvement_start(
        actor=builders.actor(),
        person=subject,
        agency_id=(agency or partnership.probation).pk,
        reason="New community order from court",
        start_date=TODAY - timedelta(days=days),
        team_id=team.pk,
        lead_worker_id=lead.pk if lead else None,
    )


def test_queue_shows_what_the_manager_needs_and_the_deadline(partnership, office):
    new = _case(partnership, office["north"], days=1)
    late = _case(partnership, office["north"], days=9, last_name="Jones", rosh="high")
    _case(partnership, office["south"], days=2, last_name="Other")
    rows = [
        selectors.decorate(c, TODAY)
        for c in selectors.unallocated_cases(
            builders.actor(office["manager"]), on=TODAY, team=office["north"]
        )
    ]
    assert [r.pk for r in rows] == [late.pk, new.pk]  # oldest first, only the manager's team
    first = rows[0]
    assert (first.tier, first.rosh, first.case_type, first.sentence_kind) == (
        "B2",
        "high",
        "community",
        "community_order",
    )
    assert first.court_date == TODAY - timedelta(days=9) and first.days_waiting == 9
    assert first.is_overdue and not rows[1].is_overdue
    assert first.points == 115  # HMPPS community B2
    # The manager's work queue escalates the overdue one; a practitioner has no such group.
    groups = {g.key: g for g in work_queue(builders.actor(office["manager"]), on=TODAY)}
    assert groups["unallocated"].count == 2 and groups["unallocated"].overdue == 1
    assert "unallocated" not in {g.key for g in work_queue(builders.actor(office["po"]), on=TODAY)}


def test_workload_as_hmpps_computes_it(partnership, office):
    po, po2 = office["po"], office["po2"]
    _case(partnership, office["north"], tier="B2", lead=po)  # community B2: 115
    _case(partnership, office["north"], tier="A3", lead=po, last_name="Ab")  # community A3: 206
    _case(partnership, office["north"], tier="C1", lead=po2, last_name="Cd")  # community C1: 50
    services.reduction_add(
        actor=builders.actor(office["manager"]),
        user=po,
        hours=Decimal("1.8"),
        reason="Court Duty",
        starts_on=TODAY - timedelta(days=10),
        ends_on=TODAY + timedelta(days=30),
    )
    services.reduction_add(  # ended: no longer counts
        actor=builders.actor(office["manager"]),
        user=po,
        hours=Decimal(10),
        reason="Special Leave",
        starts_on=TODAY - timedelta(days=60),
        ends_on=TODAY - timedelta(days=1),
    )
    subject = builders.person(last_name="Report")
    services.court_report_add(
        actor=builders.actor(),
        person=subject,
        author=po2,
        kind="standard",
        requested_on=TODAY,
        due_on=TODAY + timedelta(days=15),
    )
    written = services.workloads_recompute(actor=builders.actor())
    assert written >= 3
    mine = Workload.objects.get(user=po)
    # CapacityCalculatorTest: 2176 points, 37 hours less 1.8 → 2070 available.
    assert (mine.cases, mine.community, mine.points, mine.available_points) == (2, 2, 321, 2070)
    assert mine.capacity == Decimal("15.500")  # 321 / 2070 = 0.15507 → 0.155 × 100
    theirs = Workload.objects.get(user=po2)
    assert (theirs.points, theirs.reports, theirs.available_points) == (50 + 138, 1, 1088)
    assert theirs.capacity == Decimal("17.300")  # 188 / 1088 = 0.17279
    assert Workload.objects.get(user=office["pso"]).points == 0


def test_allocate_by_grade_with_workload_continuity_and_notice(partnership, office, caplog):
    case = _case(partnership, office["north"], rosh="very_high")
    services.workloads_recompute(actor=builders.actor())
    manager = builders.actor(office["manager"])
    annotated = selectors.case_for_actor(manager, case.pk, on=TODAY)
    choice = selectors.allocation_choice(annotated, on=TODAY)
    eligible = {m.user.username: m.eligible for m in choice.members}
    assert eligible == {"po": True, "potwo": True, "pso": False}
    first = choice.members[0]
    assert first.eligible and first.after_points == 115
    with pytest.raises(Exception, match="probation officer"):
        services.allocate(actor=manager, case=case, worker=office["pso"])
    with caplog.at_level(logging.INFO, logger="desist.supervision.notify"):
        from django.test import TestCase

        with TestCase.captureOnCommitCallbacks(execute=True):
            allocation = services.allocate(actor=manager, case=case, worker=office["po"], note="Continuity")
    assert "A case has been allocated to you" in caplog.text
    case.refresh_from_db()
    assert case.lead_worker_id == office["po"].pk and allocation.kind == AllocationKind.ALLOCATION
    assert Workload.objects.get(user=office["po"]).points == 115
    # In the practitioner's work queue and caseload.
    groups = {g.key: g for g in work_queue(builders.actor(office["po"]), on=TODAY)}
    assert [a.pk for a in groups["allocated"].rows] == [allocation.pk]
    # Reallocation keeps the history; the first holder shows as having held the person before.
    again = services.allocate(actor=manager, case=case, worker=office["po2"], note="Leave")
    assert again.kind == AllocationKind.REALLOCATION
    assert Allocation.objects.get(pk=allocation.pk).ended_at is not None
    choice = selectors.allocation_choice(selectors.case_for_actor(manager, case.pk, on=TODAY), on=TODAY)
    assert {m.user.username for m in choice.members if m.held_before} == {"po", "potwo"}
    assert Workload.objects.get(user=office["po"]).points == 0
    # Transfer to another team: unallocated there, history kept.
    services.transfer(actor=manager, case=case, team=office["south"], note="Moved to Chatham")
    case.refresh_from_db()
    assert case.team_id == office["south"].pk and case.lead_worker_id is None
    assert Allocation.objects.filter(involvement=case).count() == 3
    south = selectors.unallocated(builders.actor(office["south_manager"]), on=TODAY)
    assert [c.pk for c in south] == [case.pk]
    assert AccessLogEntry.objects.filter(summary__startswith="Case transferred").exists()


def test_other_managers_are_refused(partnership, office):
    case = _case(partnership, office["north"])
    with pytest.raises(services.NotAllowed):
        services.allocate(actor=builders.actor(office["south_manager"]), case=case, worker=office["po"])
    assert AccessLogEntry.objects.filter(action="denied", summary__contains=str(case.pk)).exists()


def test_housing_allocates_its_own_involvement_without_points(partnership, office):
    case = _case(partnership, office["housing_team"], agency=partnership.housing)
    manager = builders.actor(office["housing_manager"])
    annotated = selectors.case_for_actor(manager, case.pk, on=TODAY)
    assert annotated.points is None
    choice = selectors.allocation_choice(annotated, on=TODAY)
    assert [m.user.username for m in choice.members] == ["housingofficer"]
    services.allocate(actor=manager, case=case, worker=office["housing_officer"], note="Tenancy")
    case.refresh_from_db()
    assert case.lead_worker_id == office["housing_officer"].pk
    assert not Workload.objects.filter(user=office["housing_officer"]).exists()


def test_iom_pairs_the_police_officer_and_the_probation_officer(partnership, office):
    case = _case(partnership, office["north"])
    membership = CohortMembership.objects.create(
        person=case.person, status="adopted", strand="fixed", proposed_on=TODAY, adopted_on=TODAY
    )
    police_team = Team.objects.create(agency=partnership.police, name="IOM unit")
    police_manager = partnership.user("sergeant", partnership.police, role=Role.MANAGER)
    officer = partnership.user("pc", partnership.police)
    Membership.objects.filter(user__in=[police_manager, officer]).update(team=police_team)
    police_case = people.involvement_start(
        actor=builders.actor(),
        person=case.person,
        agency_id=partnership.police.pk,
        reason="IOM",
        start_date=TODAY,
        team_id=police_team.pk,
    )
    services.allocate(actor=builders.actor(office["manager"]), case=case, worker=office["po"])
    services.allocate(actor=builders.actor(police_manager), case=police_case, worker=officer)
    leads = dict(LeadProfessional.objects.filter(membership=membership).values_list("agency__kind", "user"))
    assert leads == {"probation": office["po"].pk, "police": officer.pk}


def test_pages_in_bounded_queries(partnership, office, client, django_assert_max_num_queries):
    for n in range(4):
        _case(partnership, office["north"], days=n * 3, last_name=f"Case{n}")
    services.workloads_recompute(actor=builders.actor())
    case = Allocation  # noqa: F841 - keep import used
    client.force_login(office["manager"])
    with django_assert_max_num_queries(20):
        page = client.get("/allocation/")
    assert page.status_code == 200 and b"Medway North" in page.content
    with django_assert_max_num_queries(20):
        page = client.get(f"/allocation/teams/{office['north'].pk}/")
    assert page.status_code == 200 and b"Who has room" in page.content and b"Overdue" in page.content
    first = selectors.unallocated(builders.actor(office["manager"]), on=TODAY).first()
    with django_assert_max_num_queries(24):
        page = client.get(f"/allocation/cases/{first.pk}/")
    assert page.status_code == 200 and b"Allocate" in page.content
    page = client.post(f"/allocation/cases/{first.pk}/", {"worker": office["po"].pk, "note": "Has room"})
    assert page.status_code == 302
    first.refresh_from_db()
    assert first.lead_worker_id == office["po"].pk
    client.force_login(office["po"])
    assert client.get("/allocation/").status_code == 403
    client.force_login(office["south_manager"])
    assert client.get(f"/allocation/teams/{office['north'].pk}/").status_code == 404
    assert client.get(f"/allocation/cases/{first.pk}/").status_code == 404


def test_api_lists_and_allocates_in_bounded_queries(
    partnership, office, client, django_assert_max_num_queries
):
    for n in range(3):
        _case(partnership, office["north"], days=n * 4, last_name=f"Api{n}")
    services.workloads_recompute(actor=builders.actor())
    client.force_login(office["manager"])
    with django_assert_max_num_queries(20):
        listed = client.get(f"/api/allocation/teams/{office['north'].pk}/unallocated")
    assert listed.status_code == 200 and len(listed.json()) == 3
    assert listed.json()[0]["overdue"] and listed.json()[0]["points"] == 115
    with django_assert_max_num_queries(20):
        team = client.get(f"/api/allocation/teams/{office['north'].pk}/workload")
    assert team.status_code == 200 and {m["grade"] for m in team.json()} == {"PO", "PSO"}
    case_id = listed.json()[0]["id"]
    refused = client.post(
        f"/api/allocation/cases/{case_id}/allocate",
        {"worker_id": office["housing_officer"].pk},
        content_type="application/json",
    )
    assert refused.status_code == 422
    made = client.post(
        f"/api/allocation/cases/{case_id}/allocate",
        {"worker_id": office["po"].pk, "note": "API"},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["worker_id"] == office["po"].pk
    client.force_login(office["south_manager"])
    assert client.get(f"/api/allocation/teams/{office['north'].pk}/unallocated").status_code == 404
