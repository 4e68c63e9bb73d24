"""Sharing agreements on referrals (issue 16, item 1): a referral for health, drugs and alcohol or children
and families holds that category of its person (core.referrals.NEED_CATEGORIES). The agency that made it and
the provider it was made to see it whole; any other agency that may see the person sees it, on the person's
referrals, the referral's page, the API and a service's waiting list, only where its agreements share that
category (`sharing.selectors.shared_categories_for`), else "Not shared with your agency", logged. The reasons
a person does not fit a service give their RoSH level and age only where risk and identity are shared."""

from __future__ import annotations

import pytest

from desist.api.services import api_token_issue
from desist.assessments.models import RiskScore, ScoreKind
from desist.audit.models import AccessLogEntry, Action
from desist.core import referrals as rules
from desist.core import sharing as c
from desist.partnership.models import AgencyKind
from desist.referrals import selectors, services
from desist.referrals.models import Referral
from desist.sharing.demo import demo_sharing_build
from tests.app import builders
from tests.app.builders import NAVIGATION_QUERIES, TODAY
from tests.app.referrals.test_referrals import officer, provider, service
from tests.app.sharing.test_sharing import _agency

pytestmark = pytest.mark.django_db

TEAM = ("officer", "worker", "police", "housing")
WITHHELD = "Not shared with your agency"
SERVICE = "Mental health treatment requirement"
DETAIL = "Low mood since the bereavement"


def bearer(user):
    token = api_token_issue(user=user, name="test", scopes=("read", "write"))[1]
    return {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_X_DESIST_PURPOSE": "case_management"}


def sign_in(client, user):
    client.force_login(user)
    session = client.session
    session["purpose"] = "case_management"
    session.save()


@pytest.fixture
def health(partnership):
    """A user of a health service (the demo agreements give health services health; not police, housing or
    probation)."""
    return partnership.user("hugh.health", _agency(partnership, AgencyKind.HEALTH))


@pytest.fixture
def referred(partnership, team, health) -> Referral:
    """The demo agreements, and a person known to probation, police, housing and a health service referred by
    probation to a health service (the provider: treatment)."""
    demo_sharing_build(TODAY)
    subject = builders.person(
        last_name="Referred",
        involved=[
            (partnership.probation, team["officer"]),
            (partnership.police, team["police"]),
            (partnership.housing, team["housing"]),
            (health.memberships.get().agency, health),
        ],
    )
    return services.referral_make(
        actor=officer(team), person=subject, service=service(partnership), detail=DETAIL
    )


def test_the_needs_categories_are_sharing_categories():
    assert set().union(*rules.NEED_CATEGORIES.values()) <= set(c.CATEGORIES)
    assert rules.need_categories("drugs_alcohol") == {c.HEALTH}
    assert rules.need_categories("accommodation") == frozenset()


def test_an_agency_given_health_and_the_referral_s_own_agencies_see_it(client, team, health, referred):
    pages = (f"/people/{referred.person_id}/referrals/", f"/referrals/{referred.pk}/")
    for who in ("health", "officer", "worker"):
        urls = pages[1:] if who == "worker" else pages  # the provider reaches the referral, not the list
        sign_in(client, health if who == "health" else team[who])
        for url in urls:
            body = client.get(url).content.decode()
            assert SERVICE in body and WITHHELD not in body, (who, url)
    assert DETAIL in client.get(pages[1]).content.decode()  # the provider reads the details
    assert not AccessLogEntry.objects.filter(action=Action.DENIED).exists()


def test_an_agency_not_given_health_sees_not_shared_and_none_of_it(
    client, team, referred, django_assert_max_num_queries
):
    sign_in(client, team["police"])
    for url in (f"/people/{referred.person_id}/referrals/", f"/referrals/{referred.pk}/"):
        client.get(url)
        # The referrals' own bound (test_referrals: 14 for the person's referrals, with no agreement recorded)
        # and two for the withholding's entry in the access log (the chain's head, the entry): the decision is
        # the agreements and memberships once a request, then at most two queries whatever the list.
        with django_assert_max_num_queries(16 + NAVIGATION_QUERIES):
            response = client.get(url)
        body = response.content.decode()
        assert response.status_code == 200 and WITHHELD in body and DETAIL not in body, url
        # The catalogue of services to refer to is no one's data; the person's referrals are.
        referrals = body.split("Make a referral")[0]
        assert SERVICE not in referrals and "Forward Trust" not in referrals, url
    denied = AccessLogEntry.objects.filter(
        action=Action.DENIED, person_id=referred.person_id, detail__reason="not shared with the agency"
    )
    assert denied.count() == 4 and denied.first().detail["withheld"] == {str(referred.person_id): ["health"]}


def test_the_api_withholds_the_same(client, team, health, referred):
    url = f"/api/referrals/people/{referred.person_id}"
    [row] = client.get(url, **bearer(team["police"])).json()
    assert row["withheld"] == ["health"] and row["service"] == row["need"] == row["provider"] == ""
    [row] = client.get(url, **bearer(health)).json()
    assert row["withheld"] == [] and row["service"] == SERVICE


def test_a_waiting_list_names_only_those_whose_referral_is_shared(client, team, health, referred):
    services.referral_accept(actor=provider(team), referral=referred)
    url = f"/services/{referred.service_id}/waiting/"
    sign_in(client, team["police"])
    assert "REFERRED" not in client.get(url).content.decode().upper()
    sign_in(client, health)
    assert "REFERRED" in client.get(url).content.decode().upper()


def test_eligibility_gives_the_rosh_level_only_where_risk_is_shared(client, partnership, team, referred):
    subject = referred.person
    RiskScore.objects.create(person=subject, kind=ScoreKind.ROSH, as_of=TODAY, value="high", is_current=True)
    low = service(
        partnership, name="Low risk group", pathway="attitudes_thinking_behaviour", risk_bands=["low"]
    )
    # Housing are not given risk, probation are.
    sign_in(client, team["housing"])
    page = client.get(f"/people/{subject.pk}/referrals/").content.decode()
    assert "RoSH level is not shared with your agency" in page and "the person is high" not in page
    with pytest.raises(services.ReferralError) as refused:
        services.referral_make(actor=builders.actor(team["housing"]), person=subject, service=low)
    assert "not shared with your agency" in str(refused.value) and "high" not in str(refused.value)
    sign_in(client, team["officer"])
    assert "the person is high" in client.get(f"/people/{subject.pk}/referrals/").content.decode()
    assert selectors.services_for(subject, on=TODAY)  # every reason in full without a reader's sharing
