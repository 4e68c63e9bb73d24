"""IOM panels and MARAC meetings (issue 15, items 2 and 3): an IOM panel's agenda is the people proposed to
the panel and the cohort reviews due, and the chair records each decision from the item through the IOM
services; a MARAC's agenda is the referrals awaiting a MARAC, repeats marked, each with actions for the
agencies that reach the owners' work queues; the victim is shown only to the roles that support victims."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from desist.iom import services as iom_services
from desist.iom.models import Decision, MembershipStatus
from desist.marac import services as marac_services
from desist.marac.models import MaracReferral
from desist.meetings import selectors, services
from desist.meetings.models import ItemKind
from desist.partnership.models import Role
from tests.app import builders
from tests.app.builders import TODAY

pytestmark = pytest.mark.django_db

YES14 = ["yes"] * 14 + ["no"] * 9 + ["not_known"]


def _tomorrow_at_ten():
    return timezone.make_aware(datetime.combine(TODAY + timedelta(days=1), time(10)))


@pytest.fixture
def iom(partnership):
    p = partnership
    chair = p.user("ivy.iomchair", p.probation, role=Role.COORDINATOR)
    officer = p.user("oscar.officer", p.probation)
    police = p.user("pc.iom", p.police)
    actor = builders.actor(chair)
    series = services.series_create(
        actor=actor,
        name="Medway IOM panel",
        kind="iom_panel",
        chair_agency=p.probation,
        agencies=[p.probation, p.police, p.treatment],
    )
    meeting = services.meeting_schedule(actor=actor, series=series, starts_at=_tomorrow_at_ten())
    candidate = builders.person(first_name="Cal", last_name="Candidate", involved=[(p.probation, officer)])
    member = builders.person(first_name="Meg", last_name="Member", involved=[(p.probation, officer)])
    proposed = iom_services.cohort_propose(actor=actor, person=candidate)
    adopted = iom_services.cohort_propose(actor=actor, person=member, on=TODAY - timedelta(days=100))
    iom_services.cohort_adopt(
        actor=actor,
        membership=adopted,
        strand="fixed",
        review_date=TODAY,
        leads={p.probation.pk: officer.pk},
        on=TODAY - timedelta(days=90),
    )
    return {
        "series": series,
        "meeting": meeting,
        "chair": chair,
        "police": police,
        "actor": actor,
        "proposed": proposed,
        "adopted": adopted,
    }


def test_an_iom_panel_agenda_is_the_candidates_and_the_reviews_due(iom):
    items = services.agenda_build(actor=iom["actor"], meeting=iom["meeting"])
    assert [(i.kind, i.iom_membership_id) for i in items] == [
        (ItemKind.NEW_REFERRAL, iom["proposed"].pk),
        (ItemKind.REVIEW, iom["adopted"].pk),
    ]
    # Built again, nothing is added twice.
    assert services.agenda_build(actor=iom["actor"], meeting=iom["meeting"]) == []


def test_the_chair_records_the_decisions_through_the_iom_services(iom, partnership):
    first, second = services.agenda_build(actor=iom["actor"], meeting=iom["meeting"])
    services.iom_item_decide(
        actor=iom["actor"],
        item=first,
        decision="adopt",
        discussion="Prolific burglary; agreed to adopt.",
        strand="fixed",
        review_date=TODAY + timedelta(weeks=12),
        lead_agency_id=partnership.police.pk,
        lead_user_id=iom["police"].pk,
    )
    services.iom_item_decide(
        actor=iom["actor"], item=second, decision="exit", discussion="A year without offending."
    )
    iom["proposed"].refresh_from_db()
    iom["adopted"].refresh_from_db()
    assert iom["proposed"].status == MembershipStatus.ADOPTED
    assert iom["adopted"].status == MembershipStatus.DESELECTED
    decisions = Decision.objects.filter(panel__isnull=False).order_by("id")
    assert [d.kind for d in decisions] == ["adopted", "deselected"]
    assert all(d.decided_by == iom["chair"] for d in decisions)
    first.refresh_from_db()
    assert first.heard and first.recorded_by == iom["chair"] and first.discussion.startswith("Prolific")
    # The decision is a minute and can carry an action for its owner.
    action = services.action_add(
        actor=iom["actor"],
        meeting=iom["meeting"],
        item=first,
        description="Book the first three-way meeting",
        owner_agency=partnership.police,
        owner_user=iom["police"],
        due_on=TODAY + timedelta(days=7),
    )
    assert action.person_id == first.person_id
    assert list(selectors.actions_owned(builders.actor(iom["police"]))) == [action]
    with pytest.raises(services.MeetingError):
        services.iom_item_decide(actor=iom["actor"], item=first, decision="exit", discussion="Again")


def test_adopting_needs_a_review_date_and_a_lead(iom):
    first, _ = services.agenda_build(actor=iom["actor"], meeting=iom["meeting"])
    with pytest.raises(services.MeetingError):
        services.iom_item_decide(
            actor=iom["actor"], item=first, decision="adopt", discussion="x", strand="fixed"
        )
    iom["proposed"].refresh_from_db()
    assert iom["proposed"].status == MembershipStatus.PROPOSED


def test_the_iom_item_page_records_the_decision(client, iom, partnership, django_assert_max_num_queries):
    first, _ = services.agenda_build(actor=iom["actor"], meeting=iom["meeting"])
    client.force_login(iom["chair"])
    url = reverse("meeting_item", args=[first.pk])
    with django_assert_max_num_queries(30):
        page = client.get(url)
    assert page.status_code == 200 and b"Adopt into the cohort" in page.content
    posted = client.post(url, {"decision": "not_adopt", "discussion": "Offending is not neighbourhood crime"})
    assert posted.status_code == 302
    iom["proposed"].refresh_from_db()
    assert iom["proposed"].status == MembershipStatus.DECLINED
    assert iom["proposed"].reason == "Offending is not neighbourhood crime"


@pytest.fixture
def marac(partnership):
    p = partnership
    coordinator = p.user("mo.marac", p.police, role=Role.MARAC_COORDINATOR)
    idva = p.user("ida.idva", p.housing, role=Role.IDVA)
    housing = p.user("harriet.housing", p.housing)
    actor = builders.actor(coordinator)
    series = services.series_create(
        actor=actor,
        name="Medway MARAC",
        kind="marac",
        chair_agency=p.police,
        agencies=[p.police, p.housing, p.probation, p.treatment],
    )
    meeting = services.meeting_schedule(actor=actor, series=series, starts_at=_tomorrow_at_ten())
    victim = marac_services.victim_record(actor=actor, reference="MARAC-9", name="Vera Synthetic")
    first = marac_services.referral_make(
        actor=actor,
        victim=victim,
        route="professional_judgement",
        judgement_reason="Escalating threats",
        incident_on=TODAY - timedelta(days=200),
        on=TODAY - timedelta(days=200),
    )
    marac_services.referral_heard(actor=actor, referral=first, heard_on=TODAY - timedelta(days=190))
    _, repeat = marac_services.dash_record(
        actor=actor, victim=victim, answers=YES14, incident_on=TODAY - timedelta(days=3)
    )
    return {
        "series": series,
        "meeting": meeting,
        "coordinator": coordinator,
        "idva": idva,
        "housing": housing,
        "actor": actor,
        "repeat": repeat,
    }


def test_a_marac_agenda_lists_the_referrals_awaiting_with_repeats(marac):
    assert marac["repeat"].is_repeat
    items = services.agenda_build(actor=marac["actor"], meeting=marac["meeting"])
    assert [i.marac_referral_id for i in items] == [marac["repeat"].pk]
    assert items[0].title.startswith("Repeat referral") and "Vera" not in items[0].title
    assert services.agenda_build(actor=marac["actor"], meeting=marac["meeting"]) == []


def test_a_marac_case_is_heard_and_its_actions_reach_the_owner(marac, partnership):
    (item,) = services.agenda_build(actor=marac["actor"], meeting=marac["meeting"])
    item.meeting = selectors.meeting_for_actor(marac["actor"], marac["meeting"].pk)
    services.item_record(actor=marac["actor"], item=item, discussion="Safety plan agreed")
    assert MaracReferral.objects.get(pk=marac["repeat"].pk).status == "heard"
    action = services.action_add(
        actor=marac["actor"],
        meeting=marac["meeting"],
        item=item,
        description="Flag the address for a priority response",
        owner_agency=partnership.housing,
        owner_user=marac["housing"],
        due_on=TODAY + timedelta(days=5),
    )
    assert list(selectors.actions_owned(builders.actor(marac["housing"]))) == [action]


def test_the_marac_coordinator_runs_the_series(marac):
    assert selectors.may_run(builders.actor(marac["coordinator"]), marac["series"])
    assert not selectors.may_run(builders.actor(marac["idva"]), marac["series"])


def test_the_victim_is_shown_only_to_the_roles_that_support_victims(
    client, marac, partnership, django_assert_max_num_queries
):
    services.agenda_build(actor=marac["actor"], meeting=marac["meeting"])
    url = reverse("meeting", args=[marac["meeting"].pk])
    client.force_login(marac["idva"])
    with django_assert_max_num_queries(25):
        page = client.get(url)
    assert b"Vera Synthetic" in page.content
    client.logout()
    client.force_login(marac["housing"])
    page = client.get(url)
    assert page.status_code == 200
    assert b"Vera Synthetic" not in page.content and b"Restricted" in page.content


def test_the_marac_series_page_counts_the_referrals_awaiting(client, marac, django_assert_max_num_queries):
    client.force_login(marac["coordinator"])
    with django_assert_max_num_queries(25):
        page = client.get(reverse("meeting_series", args=[marac["series"].pk]))
    assert "MARAC referrals awaiting a meeting (1)" in page.content.decode()
