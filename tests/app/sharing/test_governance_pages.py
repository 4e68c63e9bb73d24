"""A record's Restrictions and Consent pages (issue 16, items 2 and 4; desist/people/governance.py): who may
open them, the forms and their error summaries, each write logged by desist.sharing's services, and a
withdrawal that takes effect on the very next request."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied

from desist.audit.models import AccessLogEntry, Action
from desist.core import sharing as c
from desist.partnership.models import Agency, AgencyKind, Membership, Role, Team
from desist.people.models import Involvement
from desist.sharing import selectors, services
from desist.sharing.demo import demo_sharing_build
from desist.sharing.models import CaseRestriction, Consent, RestrictionKind
from desist.web.purpose import PURPOSE_KEY
from tests.app import builders
from tests.app.builders import NAVIGATION_QUERIES, TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(partnership):
    """A probation case in a team: its offender manager, the team's manager, a colleague of the agency with no
    say over it, and the data protection officer (in another agency, not involved)."""
    team = Team.objects.create(agency=partnership.probation, name="Medway 1")
    manager = partnership.user("tess.manager", partnership.probation, role=Role.MANAGER)
    Membership.objects.filter(user=manager).update(team=team)
    om = partnership.user("olly.om", partnership.probation)
    colleague = partnership.user("colin.colleague", partnership.probation)
    dpo = partnership.user("dana.dpo", partnership.police, role=Role.COORDINATOR)
    dpo.user_permissions.add(Permission.objects.get(codename="act_as_dpo"))
    subject = builders.person(last_name="Guarded", involved=[(partnership.probation, om)])
    Involvement.objects.filter(person=subject).update(team=team)
    return subject, om, manager, colleague, dpo


def _purpose(client, purpose: str = "case_management") -> None:
    session = client.session
    session[PURPOSE_KEY] = purpose
    session.save()


def test_who_may_manage_restrictions(case, partnership):
    subject, om, manager, colleague, dpo = case
    other_team_manager = partnership.user("mo.other", partnership.probation, role=Role.MANAGER)
    Membership.objects.filter(user=other_team_manager).update(
        team=Team.objects.create(agency=partnership.probation, name="Swale")
    )
    agency_manager = partnership.user("ann.agency", partnership.probation, role=Role.MANAGER)  # no team
    police = partnership.user("pc.plod", partnership.police)
    may = {
        u.username: selectors.may_manage_restrictions(builders.actor(u), subject.pk)
        for u in (om, manager, colleague, dpo, other_team_manager, agency_manager, police)
    }
    assert may == {
        "olly.om": True,
        "tess.manager": True,
        "colin.colleague": False,
        "dana.dpo": True,
        "mo.other": False,
        "ann.agency": True,
        "pc.plod": False,
    }
    # A case restricted to the offender manager closes it to the team manager, who may no longer manage it.
    services.restrict_case(
        actor=builders.actor(om),
        person_id=subject.pk,
        kind=RestrictionKind.RESTRICTED,
        user=om,
        reason="Staff relative",
        contact="The DPO",
    )
    assert not selectors.may_manage_restrictions(builders.actor(manager), subject.pk)
    assert selectors.may_manage_restrictions(builders.actor(om), subject.pk)
    with pytest.raises(PermissionDenied):
        services.restrict_case(
            actor=builders.actor(colleague),
            person_id=subject.pk,
            kind=RestrictionKind.EXCLUDED,
            user=om,
            reason="x",
            contact="y",
        )
    assert AccessLogEntry.objects.filter(action=Action.DENIED, user=colleague, person_id=subject.pk).exists()


def test_the_record_links_the_restrictions_page_for_those_who_may_use_it(client, case):
    subject, om, _, colleague, _ = case
    client.force_login(om)
    assert f"/people/{subject.pk}/restrictions/" in client.get(f"/people/{subject.pk}/").content.decode()
    client.force_login(colleague)
    body = client.get(f"/people/{subject.pk}/").content.decode()
    assert f"/people/{subject.pk}/restrictions/" not in body and f"/people/{subject.pk}/consent/" in body
    assert client.get(f"/people/{subject.pk}/restrictions/").status_code == 403


def test_the_om_excludes_a_user_by_name_and_ends_it_every_step_logged(
    client, case, django_assert_max_num_queries
):
    subject, om, _, colleague, _ = case
    url = f"/people/{subject.pk}/restrictions/"
    client.force_login(om)
    client.get(url)
    with django_assert_max_num_queries(12 + NAVIGATION_QUERIES):
        page = client.get(url)
    assert page.status_code == 200 and "Nobody is excluded." in page.content.decode()

    # Errors: the GOV.UK summary, each message linked to its field.
    refused = client.post(url, {"kind": "excluded", "who": "nobody.here", "reason": "", "contact": "x"})
    body = refused.content.decode()
    assert refused.status_code == 400 and "<title>Error: " in body
    assert 'href="#id_who">No user has this username or name' in body
    assert 'href="#id_reason">Say why the case is restricted' in body

    done = client.post(
        url,
        {"kind": "excluded", "who": "Colin.colleague Worker", "reason": "Lives next door", "contact": "Tess"},
    )
    assert done.status_code == 302
    restriction = CaseRestriction.objects.get(person=subject, kind=RestrictionKind.EXCLUDED)
    assert restriction.user == colleague and restriction.created_by == om
    body = client.get(url).content.decode()
    assert "Lives next door" in body and "colin.colleague" in body and "Olly.Om Worker" in body
    client.force_login(colleague)
    refused = client.get(f"/people/{subject.pk}/")
    assert refused.status_code == 403 and "Tess" in refused.content.decode()

    client.force_login(om)
    assert client.post(f"{url}{restriction.pk}/end/").status_code == 302
    restriction.refresh_from_db()
    assert restriction.ended_at is not None and restriction.ended_by == om
    client.force_login(colleague)
    assert client.get(f"/people/{subject.pk}/").status_code == 200
    summaries = list(
        AccessLogEntry.objects.filter(person_id=subject.pk, action=Action.ALTERATION).values_list(
            "summary", flat=True
        )
    )
    assert any("excludes a named user (colin.colleague)" in s for s in summaries)
    assert any(f"Restriction {restriction.pk} on person {subject.pk} ended" in s for s in summaries)


def test_the_dpo_reaches_any_case_from_their_page_and_restricts_it(client, case):
    subject, om, manager, colleague, dpo = case
    services.restrict_case(
        actor=builders.actor(om),
        person_id=subject.pk,
        kind=RestrictionKind.EXCLUDED,
        user=colleague,
        reason="Neighbour",
        contact="The DPO",
    )
    client.force_login(dpo)
    dpo_page = client.get("/governance/").content.decode()
    assert f'href="/people/{subject.pk}/restrictions/"' in dpo_page
    url = f"/people/{subject.pk}/restrictions/"
    assert client.get(url).status_code == 200
    client.post(
        url, {"kind": "restricted", "who": "olly.om", "reason": "Staff relative", "contact": "The DPO"}
    )
    assert CaseRestriction.objects.filter(person=subject, kind=RestrictionKind.RESTRICTED, user=om).exists()
    # Naming the same user twice is refused in the summary, not stored.
    again = client.post(url, {"kind": "restricted", "who": "olly.om", "reason": "Again", "contact": "x"})
    assert again.status_code == 400 and "already named" in again.content.decode()
    client.force_login(manager)
    assert client.get(f"/people/{subject.pk}/").status_code == 403  # restricted to the OM alone


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


def test_a_consent_recorded_and_withdrawn_on_the_page_shares_and_stops_at_the_next_request(
    client, voluntary_case, django_assert_max_num_queries
):
    subject, voluntary, mentor, om = voluntary_case
    record = f"/people/{subject.pk}/"
    withheld = "Not shared with your agency:</strong> Addresses"
    client.force_login(mentor)
    _purpose(client)
    assert withheld in client.get(record).content.decode()

    # The offender manager records the consent on the Consent page.
    client.force_login(om)
    _purpose(client)
    url = f"/people/{subject.pk}/consent/"
    client.get(url)
    with django_assert_max_num_queries(14 + NAVIGATION_QUERIES):
        page = client.get(url)
    assert page.status_code == 200 and "Medway Mentors" in page.content.decode()
    refused = client.post(url, {"agency": voluntary.pk, "scope": "", "given_on": "2999-01-01"})
    body = refused.content.decode()
    assert refused.status_code == 400 and 'href="#id_categories">Choose what they agreed to share' in body
    assert 'href="#id_given_on">The date consent was given must be today or in the past' in body
    assert (
        client.post(
            url,
            {
                "agency": voluntary.pk,
                "categories": [c.ADDRESSES, c.NEEDS],
                "purposes": ["case_management"],
                "scope": "Mentoring may see where they live and their needs; signed form",
                "given_on": TODAY.isoformat(),
            },
        ).status_code
        == 302
    )
    consent = Consent.objects.get(person=subject)
    assert consent.recorded_by == om and consent.purposes == ["case_management"]
    body = client.get(url).content.decode()
    assert "Addresses, Needs" in body
    assert "For case management" in body and "signed form" in body

    client.force_login(mentor)
    _purpose(client)
    assert withheld not in client.get(record).content.decode()
    # For a purpose the consent does not cover, nothing more is shared.
    _purpose(client, "safeguarding")
    assert withheld in client.get(record).content.decode()

    # Withdrawn by the mentor (a person may tell any practitioner): the very next request withholds again.
    _purpose(client)
    assert client.post(f"{url}{consent.pk}/withdraw/").status_code == 302
    assert withheld in client.get(record).content.decode()
    consent.refresh_from_db()
    assert consent.withdrawn_by == mentor
    assert "Withdrawn (1)" in client.get(url).content.decode()
    logged = AccessLogEntry.objects.filter(person_id=subject.pk, object_id=str(consent.pk))
    assert {e.action for e in logged} >= {Action.COLLECTION, Action.ALTERATION}


def test_consent_pages_refuse_those_who_may_not_see_the_record(client, voluntary_case, partnership):
    subject, *_ = voluntary_case
    outsider = partnership.user("pc.outsider", partnership.police)
    client.force_login(outsider)
    assert client.get(f"/people/{subject.pk}/consent/").status_code == 404
    assert client.post(f"/people/{subject.pk}/consent/1/withdraw/").status_code == 404
    assert AccessLogEntry.objects.filter(action=Action.DENIED, user=outsider).count() == 2
