"""A record's restrictions and consents through the API (issue 16, items 2 and 4; desist/api/governance.py):
the same users as the pages may use them, everyone else is refused and the refusal logged, a withdrawn
consent stops sharing with another agency on its very next API request, and the lists' queries are bounded."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User

from desist.api.services import api_token_issue
from desist.audit.models import AccessLogEntry, Action
from desist.core import sharing as c
from desist.partnership.models import Agency, AgencyKind, Membership, Role, Team
from desist.people.models import Involvement
from desist.sharing.demo import demo_sharing_build
from desist.sharing.models import CaseRestriction, Consent, RestrictionKind
from tests.app import builders
from tests.app.builders import TODAY

pytestmark = pytest.mark.django_db


def _headers(user, scopes=("read", "write")):
    _, token = api_token_issue(user=user, name="test", scopes=scopes)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_X_DESIST_PURPOSE": "case_management"}


@pytest.fixture
def case(partnership):
    """A probation case in a team: its offender manager, the team's manager, a colleague with no say over it,
    the data protection officer (police, not involved) and an outsider (housing, not involved)."""
    team = Team.objects.create(agency=partnership.probation, name="Medway 1")
    manager = partnership.user("tess.manager", partnership.probation, role=Role.MANAGER)
    Membership.objects.filter(user=manager).update(team=team)
    om = partnership.user("olly.om", partnership.probation)
    colleague = partnership.user("colin.colleague", partnership.probation)
    dpo = partnership.user("dana.dpo", partnership.police, role=Role.COORDINATOR)
    dpo.user_permissions.add(Permission.objects.get(codename="act_as_dpo"))
    outsider = partnership.user("hana.housing", partnership.housing)
    subject = builders.person(last_name="Guarded", involved=[(partnership.probation, om)])
    Involvement.objects.filter(person=subject).update(team=team)
    return subject, om, manager, colleague, dpo, outsider


def _denied(user, person):
    return AccessLogEntry.objects.filter(action=Action.DENIED, user=user, person_id=person.pk).count()


def test_the_om_team_manager_and_dpo_restrict_list_and_lift_others_are_refused_and_logged(client, case):
    subject, om, manager, colleague, dpo, outsider = case
    url = f"/api/people/{subject.pk}/restrictions"
    body = {"kind": "excluded", "who": "colin.colleague", "reason": "Knows the family", "contact": "The DPO"}
    # A colleague who sees the record but has no say: 403; the outsider, who may not see it: 404. Each logged.
    for user, status in ((colleague, 403), (outsider, 404)):
        assert client.get(url, **_headers(user)).status_code == status
        assert client.post(url, body, content_type="application/json", **_headers(user)).status_code == status
        assert client.post(
            f"{url}/{CaseRestriction.objects.count() + 1}/end", **_headers(user)
        ).status_code == (status)
        assert _denied(user, subject) == 3
    assert not CaseRestriction.objects.exists()

    made = client.post(url, body, content_type="application/json", **_headers(om))
    assert made.status_code == 201, made.content
    restriction = CaseRestriction.objects.get(person=subject)
    assert made.json()["kind"] == RestrictionKind.EXCLUDED and made.json()["username"] == "colin.colleague"
    assert AccessLogEntry.objects.filter(
        action=Action.ALTERATION, user=om, object_id=str(restriction.pk), channel="api"
    ).exists()
    for user in (om, manager, dpo):
        listed = client.get(url, **_headers(user))
        assert listed.status_code == 200, user
        assert [r["id"] for r in listed.json()["results"]] == [restriction.pk]
    assert AccessLogEntry.objects.filter(
        action=Action.CONSULTATION, user=dpo, person_id=subject.pk, channel="api"
    ).exists()
    # The same user twice, or a user nobody has: 422, nothing recorded.
    again = client.post(url, body, content_type="application/json", **_headers(manager))
    assert again.status_code == 422 and "already named" in again.json()["detail"][0]["msg"]
    nobody = client.post(url, {**body, "who": "no.one"}, content_type="application/json", **_headers(om))
    assert nobody.status_code == 422 and nobody.json()["detail"][0]["loc"] == ["body", "who"]

    end = f"{url}/{restriction.pk}/end"
    assert client.post(end, **_headers(outsider)).status_code == 404
    # The excluded colleague may not even see the record now: 404, logged.
    assert client.get(url, **_headers(colleague)).status_code == 404
    assert _denied(colleague, subject) == 4
    # A read-only token may not write: 403.
    assert client.post(end, **_headers(manager, scopes=("read",))).status_code == 403

    lifted = client.post(end, **_headers(manager))
    assert lifted.status_code == 200 and lifted.json()["ended_at"] is not None
    restriction.refresh_from_db()
    assert restriction.ended_by == manager
    # Lifted at once: the colleague sees the record again, but still may not manage its restrictions.
    assert client.get(f"/api/people/{subject.pk}", **_headers(colleague)).status_code == 200
    assert client.get(url, **_headers(colleague)).status_code == 403
    assert _denied(colleague, subject) == 5
    # Lifting it again: no such restriction in force, 404.
    assert client.post(end, **_headers(manager)).status_code == 404


@pytest.fixture
def voluntary_case(partnership):
    """The demo's agreements: the voluntary sector sees addresses, needs and health only with consent."""
    demo_sharing_build(TODAY)
    voluntary = Agency.objects.create(code="mentors", name="Medway Mentors", kind=AgencyKind.VOLUNTARY)
    mentor = partnership.user("mia.mentor", voluntary)
    om = partnership.user("olly.om", partnership.probation)
    subject = builders.person(
        last_name="Consenting", involved=[(voluntary, mentor), (partnership.probation, om)]
    )
    return subject, voluntary, mentor, om


def test_a_consent_recorded_and_withdrawn_through_the_api_shares_and_stops_at_once(
    client, voluntary_case, partnership
):
    subject, voluntary, mentor, om = voluntary_case
    record = f"/api/people/{subject.pk}"
    url = f"{record}/consents"
    assert c.ADDRESSES in client.get(record, **_headers(mentor)).json()["withheld"]

    refused = client.post(
        url,
        {"agency": voluntary.pk, "categories": [], "scope": "x", "given_on": "2999-01-01"},
        content_type="application/json",
        **_headers(om),
    )
    assert refused.status_code == 422
    assert {p["loc"][-1] for p in refused.json()["detail"]} == {"categories", "given_on"}
    made = client.post(
        url,
        {
            "agency": voluntary.pk,
            "categories": [c.ADDRESSES, c.NEEDS],
            "purposes": ["case_management"],
            "scope": "Mentoring may see where they live; signed form",
            "given_on": TODAY.isoformat(),
        },
        content_type="application/json",
        **_headers(om),
    )
    assert made.status_code == 201, made.content
    consent = Consent.objects.get(person=subject)
    assert made.json()["agency"] == "mentors" and consent.recorded_by == om
    assert c.ADDRESSES not in client.get(record, **_headers(mentor)).json()["withheld"]
    listed = client.get(url, **_headers(mentor)).json()
    assert [r["id"] for r in listed["results"]] == [consent.pk] and listed["results"][0][
        "withdrawn_at"
    ] is None

    # Withdrawn by the offender manager: the mentor's very next request withholds addresses again.
    withdrawn = client.post(f"{url}/{consent.pk}/withdraw", **_headers(om))
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_by"] == "olly.om"
    assert c.ADDRESSES in client.get(record, **_headers(mentor)).json()["withheld"]
    assert AccessLogEntry.objects.filter(
        action=Action.ALTERATION, user=om, object_id=str(consent.pk), channel="api"
    ).exists()

    # Someone who may not see the record: 404 for each, each refusal logged.
    outsider = partnership.user("pc.outsider", partnership.police)
    assert client.get(url, **_headers(outsider)).status_code == 404
    assert client.post(f"{url}/{consent.pk}/withdraw", **_headers(outsider)).status_code == 404
    assert (
        client.post(
            url,
            {"agency": voluntary.pk, "categories": [c.NEEDS], "scope": "x", "given_on": TODAY.isoformat()},
            content_type="application/json",
            **_headers(outsider),
        ).status_code
        == 404
    )
    assert _denied(outsider, subject) == 3
    # Another person's consent, named under this person: 404, logged.
    other = builders.person(last_name="Other", involved=[(partnership.probation, om)])
    assert (
        client.post(f"/api/people/{other.pk}/consents/{consent.pk}/withdraw", **_headers(om)).status_code
        == 404
    )
    assert _denied(om, other) == 1


def test_the_lists_queries_are_bounded(client, case, django_assert_max_num_queries):
    subject, om, *_ = case
    voluntary = Agency.objects.create(code="mentors", name="Medway Mentors", kind=AgencyKind.VOLUNTARY)
    for n in range(6):
        named = User.objects.create_user(f"named.{n}")
        CaseRestriction.objects.create(
            person=subject, kind=RestrictionKind.EXCLUDED, user=named, reason="r", contact="c", created_by=om
        )
        Consent.objects.create(
            person=subject, agency=voluntary, categories=[c.NEEDS], scope="s", given_on=TODAY, recorded_by=om
        )
    headers = _headers(om)
    for url in (f"/api/people/{subject.pk}/restrictions", f"/api/people/{subject.pk}/consents"):
        client.get(url, **headers)
        with django_assert_max_num_queries(8):
            answer = client.get(f"{url}?page_size=4", **headers)
        assert answer.status_code == 200, answer.content
        assert (
            answer.json()["count"] == 6 and len(answer.json()["results"]) == 4 and answer.json()["pages"] == 2
        )
