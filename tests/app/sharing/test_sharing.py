"""Information governance (issue 16, items 1 to 4 and 7): sharing agreements decide what each agency sees of
a record, section by section; restricted and excluded cases; break-glass with the DPO's review; consent;
the data protection officer's page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from desist.audit.models import AccessLogEntry, Action
from desist.core import sharing as c
from desist.partnership.models import Agency, AgencyKind, Role
from desist.sharing import selectors, services
from desist.sharing.demo import demo_sharing_build
from desist.sharing.models import CaseRestriction, EmergencyAccess, RestrictionKind
from tests.app import builders
from tests.app.builders import TODAY

pytestmark = pytest.mark.django_db

ALL = set(c.CATEGORIES)
CORE = ALL - {c.HEALTH, c.VICTIMS}

# The access matrix: what each representative agency (and role) sees of a person it works with under the
# demo partnership's agreements (desist.sharing.demo), for case management. Every category appears in a row
# that sees it and in a row that does not.
MATRIX: list[tuple[str, str, set[str]]] = [
    (AgencyKind.PROBATION, Role.PRACTITIONER, CORE),
    (AgencyKind.PROBATION, Role.VICTIM_LIAISON, CORE | {c.VICTIMS}),
    (AgencyKind.POLICE, Role.PRACTITIONER, CORE),
    (AgencyKind.POLICE, Role.MARAC_COORDINATOR, CORE | {c.VICTIMS}),
    (AgencyKind.PRISON, Role.PRACTITIONER, CORE - {c.FAMILY}),
    (AgencyKind.YOUTH_JUSTICE, Role.PRACTITIONER, CORE),
    (
        AgencyKind.HEALTH,
        Role.PRACTITIONER,
        {c.IDENTITY, c.ADDRESSES, c.SENTENCE, c.NEEDS, c.HEALTH, c.CONTACTS},
    ),
    (
        AgencyKind.TREATMENT,
        Role.PRACTITIONER,
        {c.IDENTITY, c.ADDRESSES, c.OFFENCES, c.SENTENCE, c.NEEDS, c.HEALTH, c.CONTACTS},
    ),
    (AgencyKind.HOUSING, Role.PRACTITIONER, {c.IDENTITY, c.ADDRESSES, c.SENTENCE, c.CONTACTS}),
    (
        AgencyKind.SOCIAL_CARE,
        Role.PRACTITIONER,
        {c.IDENTITY, c.ADDRESSES, c.OFFENCES, c.SENTENCE, c.RISK, c.FAMILY, c.CONTACTS},
    ),
    (
        AgencyKind.COUNCIL_COMMUNITY_SAFETY,
        Role.COORDINATOR,
        {c.IDENTITY, c.ADDRESSES, c.OFFENCES, c.SENTENCE, c.RISK, c.CONTACTS},
    ),
    (AgencyKind.JOB_CENTRE, Role.PRACTITIONER, {c.IDENTITY, c.ADDRESSES, c.SENTENCE, c.CONTACTS}),
    (AgencyKind.FIRE, Role.PRACTITIONER, {c.IDENTITY, c.ADDRESSES}),
    (AgencyKind.VOLUNTARY, Role.PRACTITIONER, {c.IDENTITY, c.CONTACTS}),
]
# The same agencies for a purpose their agreements do not serve: nothing, identity included.
OTHER_PURPOSE: list[tuple[str, str, set[str]]] = [
    (AgencyKind.HOUSING, Role.PRACTITIONER, set()),
    (AgencyKind.HEALTH, Role.PRACTITIONER, set()),
]


def test_the_matrix_covers_every_category_both_ways():
    for category in c.CATEGORIES:
        assert any(category in seen for _, _, seen in MATRIX), f"no agency sees {category}"
        assert any(category not in seen for _, _, seen in MATRIX + OTHER_PURPOSE), (
            f"every agency sees {category}"
        )


def _agency(partnership, kind):
    existing = {
        AgencyKind.PROBATION: partnership.probation,
        AgencyKind.POLICE: partnership.police,
        AgencyKind.PRISON: partnership.prison,
        AgencyKind.HOUSING: partnership.housing,
        AgencyKind.TREATMENT: partnership.treatment,
    }
    return existing.get(kind) or Agency.objects.create(code=kind, name=f"The {kind}", kind=kind)


def test_access_matrix_every_category_for_every_representative_agency(partnership):
    demo_sharing_build(TODAY)
    agencies = {kind: _agency(partnership, kind) for kind, _, _ in MATRIX}
    subject = builders.person(involved=[(a, None) for a in agencies.values()])
    problems = []
    rows = [(*row, "case_management") for row in MATRIX] + [(*row, "performance") for row in OTHER_PURPOSE]
    for i, (kind, role, expected, purpose) in enumerate(rows):
        user = partnership.user(f"user{i}", agencies[kind], role=role)
        actor = builders.actor(user)
        actor = type(actor)(**{**actor.__dict__, "purpose": purpose})
        seen = selectors.shared_categories(actor, subject.pk)
        if seen != expected:
            problems.append(f"{kind}/{role}/{purpose}: sees {sorted(seen)}, expected {sorted(expected)}")
    assert not problems, "\n".join(problems)


def test_purposes_limit_what_is_shared(partnership):
    demo_sharing_build(TODAY)
    housing = partnership.user("harry", partnership.housing)
    subject = builders.person(involved=[(partnership.housing, housing)])
    actor = builders.actor(housing)
    for purpose, expected in (("case_management", True), ("performance", False)):
        stated = type(actor)(**{**actor.__dict__, "purpose": purpose})
        assert bool(selectors.shared_categories(stated, subject.pk)) is expected


def test_without_any_agreement_everything_is_shared_as_before(partnership):
    housing = partnership.user("harry", partnership.housing)
    subject = builders.person(involved=[(partnership.housing, housing)])
    assert selectors.shared_categories(builders.actor(housing), subject.pk) == c.ALL


def test_consent_shares_at_once_and_withdrawal_stops_it_at_once(partnership):
    demo_sharing_build(TODAY)
    voluntary = _agency(partnership, AgencyKind.VOLUNTARY)
    worker = partnership.user("vic", voluntary)
    subject = builders.person(involved=[(voluntary, worker)])

    def seen():
        actor = builders.actor(worker)
        return selectors.shared_categories(
            type(actor)(**{**actor.__dict__, "purpose": "case_management"}), subject.pk
        )

    assert seen() == {c.IDENTITY, c.CONTACTS}
    consent = services.record_consent(
        actor=builders.actor(worker),
        person_id=subject.pk,
        agency_id=voluntary.pk,
        categories=[c.HEALTH, c.RISK],
        scope="Mentoring: treatment details, signed form",
    )
    assert seen() == {c.IDENTITY, c.CONTACTS, c.HEALTH}  # risk: consented to, but no agreement shares it
    services.withdraw_consent(actor=builders.actor(worker), consent_id=consent.pk)
    assert seen() == {c.IDENTITY, c.CONTACTS}
    assert AccessLogEntry.objects.filter(summary__contains="withdrawn", person_id=subject.pk).exists()


def test_shared_categories_for_a_list_is_set_based(partnership, django_assert_max_num_queries):
    demo_sharing_build(TODAY)
    voluntary = _agency(partnership, AgencyKind.VOLUNTARY)
    worker = partnership.user("vic", voluntary)
    people = [builders.person(last_name=f"P{i}", involved=[(voluntary, worker)]) for i in range(5)]
    actor = builders.actor(worker)
    actor = type(actor)(**{**actor.__dict__, "purpose": "case_management"})
    with django_assert_max_num_queries(4):  # agreements, memberships, consents, break-glass
        shared = selectors.shared_categories_for(actor, [p.pk for p in people])
    assert set(shared) == {p.pk for p in people}
    with django_assert_max_num_queries(2):  # cached per actor: consents and break-glass only
        selectors.shared_categories_for(actor, [p.pk for p in people])


# --- The record, section by section ------------------------------------------------------------------


@pytest.fixture
def housing_case(partnership):
    demo_sharing_build(TODAY)
    housing = partnership.user("harry", partnership.housing)
    officer = partnership.user("ruth", partnership.probation)
    subject = builders.person(
        last_name="Shared", involved=[(partnership.housing, housing), (partnership.probation, officer)]
    )
    return housing, officer, subject


def test_the_record_withholds_each_section_the_agency_is_not_given(client, housing_case):
    housing, officer, subject = housing_case
    client.force_login(housing)
    for section, shown in (
        ("risk", False),
        ("offences", False),
        ("household", False),
        ("registers", False),
        ("sentences", True),
    ):
        url = f"/people/{subject.pk}/{section}/"
        body = client.get(url).content.decode()
        assert ("Not shared with your agency" in body) is not shown, url
    body = client.get(f"/people/{subject.pk}/").content.decode()
    assert "Not shared with your agency:</strong> The summary" in body
    assert "Date of birth" in body  # identity is shared with housing
    client.force_login(officer)
    assert "Not shared with your agency" not in client.get(f"/people/{subject.pk}/risk/").content.decode()


def test_the_record_with_sharing_stays_within_its_queries(
    client, housing_case, django_assert_max_num_queries
):
    housing, _, subject = housing_case
    client.force_login(housing)
    client.get(f"/people/{subject.pk}/")
    with django_assert_max_num_queries(40):
        assert client.get(f"/people/{subject.pk}/").status_code == 200


def test_the_agreements_page_lists_them_for_everyone(client, housing_case, django_assert_max_num_queries):
    housing, _, _ = housing_case
    client.force_login(housing)
    with django_assert_max_num_queries(12):
        body = client.get("/governance/agreements/").content.decode()
    assert "isp-victims-vlo" in body and "UK GDPR Art. 9(2)(h)" in body


# --- Restricted and excluded cases -------------------------------------------------------------------


def test_a_restricted_case_refuses_others_with_whom_to_contact_and_logs_it(client, partnership):
    named = partnership.user("named", partnership.probation)
    other = partnership.user("other", partnership.probation)
    subject = builders.person(involved=[(partnership.probation, named)])
    services.restrict_case(  # by the offender manager, who restricts it to themself
        actor=builders.actor(named),
        person_id=subject.pk,
        kind=RestrictionKind.RESTRICTED,
        user=named,
        reason="Staff relative",
        contact="Jo Bloggs, head of the probation delivery unit",
    )
    client.force_login(other)
    response = client.get(f"/people/{subject.pk}/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "Jo Bloggs, head of the probation delivery unit" in body and subject.last_name not in body
    denied = AccessLogEntry.objects.filter(action=Action.DENIED, person_id=subject.pk, user=other).get()
    assert denied.detail["reason"] == "restricted case"
    client.force_login(named)
    assert client.get(f"/people/{subject.pk}/").status_code == 200


def test_an_excluded_user_is_refused_and_everyone_else_sees_the_case(client, partnership):
    excluded = partnership.user("knows.them", partnership.probation)
    colleague = partnership.user("colleague", partnership.probation)
    subject = builders.person(involved=[(partnership.probation, colleague)])
    CaseRestriction.objects.create(
        person=subject, kind=RestrictionKind.EXCLUDED, user=excluded, reason="Neighbour", contact="The DPO"
    )
    client.force_login(excluded)
    assert client.get(f"/people/{subject.pk}/").status_code == 403
    assert (
        client.get("/search/", {"q": subject.last_name}).content.decode().count(f"/people/{subject.pk}/") == 0
    )
    # Break-glass cannot open an excluded case.
    client.post(f"/people/{subject.pk}/emergency-access/", {"justification": "x" * 40})
    assert not EmergencyAccess.objects.exists()
    client.force_login(colleague)
    assert client.get(f"/people/{subject.pk}/").status_code == 200


# --- Break-glass and the data protection officer ------------------------------------------------------


@pytest.fixture
def dpo(partnership):
    user = partnership.user("dana.dpo", partnership.probation, role=Role.COORDINATOR)
    user.user_permissions.add(Permission.objects.get(codename="act_as_dpo"))
    return user


def test_break_glass_opens_for_a_time_is_logged_and_queued_for_review(client, partnership, dpo, settings):
    settings.DESIST_BREAK_GLASS_MINUTES = 30
    outsider = partnership.user("pc.outsider", partnership.police)
    subject = builders.person(last_name="Glass", involved=[(partnership.probation, None)])
    client.force_login(outsider)
    refused = client.get(f"/people/{subject.pk}/")
    assert (
        refused.status_code == 404 and f"/people/{subject.pk}/emergency-access/" in refused.content.decode()
    )
    assert (
        client.post(f"/people/{subject.pk}/emergency-access/", {"justification": "urgent"}).status_code == 400
    )
    response = client.post(
        f"/people/{subject.pk}/emergency-access/",
        {"justification": "Child at the address reported missing tonight; need the household"},
    )
    assert response.status_code == 302
    use = EmergencyAccess.objects.get()
    assert timedelta(minutes=29) < use.expires_at - use.started_at <= timedelta(minutes=30)
    page = client.get(f"/people/{subject.pk}/")
    assert page.status_code == 200 and "emergency access" in page.content.decode()
    assert AccessLogEntry.objects.filter(summary__contains="break-glass", person_id=subject.pk).exists()
    # Expired: refused again.
    EmergencyAccess.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(f"/people/{subject.pk}/").status_code == 404

    # The DPO's queue, and the review.
    client.force_login(dpo)
    body = client.get("/governance/").content.decode()
    assert "Child at the address reported missing" in body
    client.post(f"/governance/emergency/{use.pk}/review/", {"outcome": "not_justified", "note": ""})
    use.refresh_from_db()
    assert use.outcome == ""  # a note is needed unless justified
    client.post(f"/governance/emergency/{use.pk}/review/", {"outcome": "justified", "note": ""})
    use.refresh_from_db()
    assert use.outcome == "justified" and use.reviewed_by == dpo
    assert "None waiting." in client.get("/governance/").content.decode()


def test_only_the_dpo_may_open_the_dpo_page_or_review(client, partnership):
    user = partnership.user("nosy", partnership.probation, role=Role.ADMINISTRATOR)
    client.force_login(user)
    assert client.get("/governance/").status_code == 403
    assert client.post("/governance/emergency/1/review/", {"outcome": "justified"}).status_code == 403
    assert AccessLogEntry.objects.filter(action=Action.DENIED, user=user).count() == 2


def test_the_actor_knows_the_dpo_as_djangos_permission_check_does(
    client, partnership, django_assert_num_queries
):
    """The Actor reads the DPO's permission with the memberships (no query of its own on each page's
    navigation) and answers as `user.has_perm("sharing.act_as_dpo")`: held directly or through a group, not
    by an inactive user, by any active superuser; without a membership Django's check answers."""
    from django.contrib.auth.models import Group

    from desist.audit.context import actor_for_user

    permission = Permission.objects.get(codename="act_as_dpo")
    direct = partnership.user("dpo.direct", partnership.probation)
    direct.user_permissions.add(permission)
    grouped = partnership.user("dpo.group", partnership.probation)
    group = Group.objects.create(name="Data protection")
    group.permissions.add(permission)
    grouped.groups.add(group)
    plain = partnership.user("not.dpo", partnership.probation)
    plain.user_permissions.add(Permission.objects.get(codename="view_sharingagreement"))
    inactive = partnership.user("gone.dpo", partnership.probation, is_active=False)
    inactive.user_permissions.add(permission)
    superuser = partnership.user("root", partnership.probation, is_superuser=True)
    no_membership = builders.User.objects.create_user(username="dpo.alone")
    no_membership.user_permissions.add(permission)
    cases = [(direct, True), (grouped, True), (plain, False), (inactive, False), (superuser, True)]
    for user, expected in cases:
        with django_assert_num_queries(1):  # the memberships, as before
            actor = actor_for_user(user, channel="web")
        with django_assert_num_queries(0):
            assert actor.is_data_protection_officer is expected, user.username
        assert builders.User.objects.get(pk=user.pk).has_perm("sharing.act_as_dpo") is expected
    alone = actor_for_user(no_membership, channel="web")
    assert alone.dpo_permission is None and alone.is_data_protection_officer
    # The navigation: the DPO sees "Data protection", others do not, at no query beyond the page's.
    client.force_login(grouped)
    assert 'href="/governance/"' in client.get("/work/").content.decode()
    client.force_login(plain)
    assert 'href="/governance/"' not in client.get("/work/").content.decode()


def test_the_dpo_page_shows_unusual_access_and_agreements_due(
    client, partnership, dpo, settings, django_assert_max_num_queries
):
    settings.DESIST_UNUSUAL_ACCESS_THRESHOLD = 3
    demo_sharing_build(TODAY)
    browser = partnership.user("browsing.bob", partnership.probation)
    people = [builders.person(last_name=f"B{i}", involved=[(partnership.probation, None)]) for i in range(4)]
    client.force_login(browser)
    for p in people:
        client.get(f"/people/{p.pk}/")
    client.force_login(dpo)
    client.get("/governance/")
    with django_assert_max_num_queries(20):
        body = client.get("/governance/").content.decode()
    assert "browsing.bob" in body
    assert "isp-core-justice" in body  # due for review within the month
    assert "Case management" in body  # purposes stated
    assert "Subject access requests due" in body


# --- The API and search -----------------------------------------------------------------------------


def test_the_api_withholds_what_is_not_shared_and_refuses_withheld_sections(client, housing_case):
    from desist.api.services import api_token_issue

    housing, officer, subject = housing_case
    _, token = api_token_issue(user=housing, name="test")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_X_DESIST_PURPOSE": "case_management"}
    answer = client.get(f"/api/people/{subject.pk}", **headers).json()
    assert set(answer["withheld"]) == ALL - {c.IDENTITY, c.ADDRESSES, c.SENTENCE, c.CONTACTS}
    assert answer["registers"] == [] and answer["relationships"] == []
    risk = client.get(f"/api/people/{subject.pk}/risk", **headers)
    assert risk.status_code == 403 and "Not shared with your agency" in risk.json()["detail"]
    assert AccessLogEntry.objects.filter(action=Action.DENIED, summary__startswith="Withheld risk").exists()
    assert client.get(f"/api/people/{subject.pk}/sentences", **headers).status_code == 200
    _, token = api_token_issue(user=officer, name="test")
    headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    assert client.get(f"/api/people/{subject.pk}", **headers).json()["withheld"] == [c.HEALTH, c.VICTIMS]


def test_search_shows_dates_of_birth_only_where_identity_is_shared(client, partnership):
    demo_sharing_build(TODAY)
    fire = _agency(partnership, AgencyKind.FIRE)
    officer = partnership.user("fiona.fire", fire)
    builders.person(last_name="Searchable", involved=[(fire, officer)])
    client.force_login(officer)
    assert "12 Mar 1990" in client.get("/search/", {"q": "Searchable"}).content.decode()
    session = client.session
    session["purpose"] = "performance"  # no agreement serves it: identity withheld
    session.save()
    body = client.get("/search/", {"q": "Searchable"}).content.decode()
    assert "Searchable" in body and "12 Mar 1990" not in body and "Not shared with your agency" in body
