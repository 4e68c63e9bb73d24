"""The IOM steering group's page (issue 15, item 3): the cohort by strand and district, days from adoption to
the start of treatment (an involvement of a treatment provider or a referral to one of its services starting,
on or after adoption), the cohort's referrals waiting, and the cohort's measures from the last published
quarter; a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from desist.iom import selectors
from desist.iom.models import CohortMembership
from desist.people.models import Involvement
from desist.referrals.models import Referral, Service
from tests.app import builders
from tests.app.builders import TODAY

pytestmark = pytest.mark.django_db

TEAM = ("coordinator", "practitioner")


def _member(partnership, team, name, *, adopted_days_ago, strand="fixed", district=None):
    person = builders.person(
        first_name=name,
        last_name="Cohort",
        district=district,
        involved=[(partnership.probation, team["practitioner"])],
    )
    CohortMembership.objects.create(
        person=person,
        status="adopted",
        strand=strand,
        district=district,
        proposed_on=TODAY - timedelta(days=adopted_days_ago + 7),
        adopted_on=TODAY - timedelta(days=adopted_days_ago),
        review_date=TODAY + timedelta(days=30),
    )
    return person


@pytest.fixture
def cohort(partnership, team):
    p = partnership
    treatment = Service.objects.create(
        name="Drug treatment", provider=p.treatment, pathway="health", capacity=5, response_days=5
    )
    fast = _member(p, team, "Fay", adopted_days_ago=60, district=p.medway)
    slow = _member(p, team, "Sol", adopted_days_ago=100, strand="flex", district=p.canterbury)
    waiting = _member(p, team, "Wes", adopted_days_ago=20, district=p.medway)
    # Fay starts with the treatment provider 5 days after adoption; an earlier involvement does not count.
    Involvement.objects.create(
        person=fast, agency=p.treatment, reason="Treatment", start_date=TODAY - timedelta(days=55)
    )
    Involvement.objects.create(
        person=slow, agency=p.treatment, reason="Earlier treatment", start_date=TODAY - timedelta(days=300)
    )
    # Sol's referral to the treatment service starts 40 days after adoption.
    Referral.objects.create(
        person=slow,
        service=treatment,
        need="health",
        made_on=TODAY - timedelta(days=90),
        status="started",
        started_on=TODAY - timedelta(days=60),
    )
    # Wes waits: a referral made 35 days ago, accepted and waiting.
    Referral.objects.create(
        person=waiting, service=treatment, need="health", made_on=TODAY - timedelta(days=35), status="waiting"
    )
    return {"fast": fast, "slow": slow, "waiting": waiting}


def test_the_cohort_is_counted_by_strand_and_district(cohort):
    total, strands, districts = selectors.steering_cohort_counts()
    assert total == 3
    assert {c.label: c.people for c in strands}["Fixed (neighbourhood crime)"] == 2
    assert {c.label: c.people for c in districts} == {"Canterbury": 1, "Medway": 2}


def test_days_from_adoption_to_treatment(cohort):
    result = selectors.treatment_starts(on=TODAY)
    assert result.adopted == 3 and result.not_started == 1
    assert result.started.count == 2 and result.started.median == 22.5  # 5 and 40 days
    assert dict(result.started.bands) == {
        "0 to 7 days": 1,
        "8 to 28 days": 0,
        "29 to 91 days": 1,
        "More than 91 days": 0,
    }


def test_referrals_waiting(cohort):
    result = selectors.waiting_referrals(on=TODAY)
    assert result.count == 1 and result.oldest_made_on == TODAY - timedelta(days=35)
    assert dict(result.bands)["29 to 91 days"] == 1


def test_the_page_answers_on_one_page_in_a_fixed_number_of_queries(
    client, team, cohort, django_assert_max_num_queries
):
    client.force_login(team["coordinator"])
    with django_assert_max_num_queries(25):
        page = client.get(reverse("iom_steering"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Median days to start" in body and "22.5" in body
    assert "No quarter has been published yet" in body
    assert "Cohort, Fay" in body or "Fay" in body


@pytest.mark.postgres
def test_the_measures_come_from_the_last_published_quarter(
    client, team, cohort, partnership, django_assert_max_num_queries
):
    from desist.board import selectors as board_selectors
    from desist.board import services as board_services
    from desist.partnership.models import Role

    analyst = partnership.user("anna.analyst", partnership.probation, Role.ANALYST)
    board_services.snapshot_publish(actor=builders.actor(analyst), quarter=board_selectors.latest_quarter())
    client.force_login(team["coordinator"])
    with django_assert_max_num_queries(25):
        page = client.get(reverse("iom_steering"))
    body = page.content.decode()
    assert page.status_code == 200 and "No quarter has been published yet" not in body
    assert "IOM cohort: proven offences before and after adoption" in body
