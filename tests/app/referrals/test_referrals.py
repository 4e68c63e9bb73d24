"""Services, referrals and capacity (issue 6, part 3): the lifecycle and its refusals, duplicates,
eligibility, the acknowledgement timer run by the real worker, waiting lists, notices to providers, pages
with bounded queries, access, and the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command

from desist.audit.models import AccessLogEntry
from desist.core import referrals as rules
from desist.priority.models import PriorityGroupMembership
from desist.referrals import selectors, services
from desist.referrals.models import EventKind, ProviderNotice, Referral, ReferralStatus, Service
from desist.referrals.services import ReferralError
from desist.release import services as release
from tests.app import builders
from tests.app.builders import NAVIGATION_QUERIES, TODAY

pytestmark = pytest.mark.django_db


# The staff the shared `team` fixture (tests/app/conftest.py) makes for these tests.
TEAM = ("officer", "worker", "police")


def service(partnership, **extra) -> Service:
    values = {
        "name": "Mental health treatment requirement",
        "provider": partnership.treatment,
        "pathway": "health",
        "capacity": 2,
        "response_days": 5,
        **extra,
    }
    return Service.objects.create(**values)


def client_of(partnership, team):
    return builders.person(
        last_name="Referred", district=partnership.medway, involved=[(partnership.probation, team["officer"])]
    )


def officer(team):
    return builders.actor(team["officer"])


def provider(team):
    return builders.actor(team["worker"])


# --- lifecycle ----------------------------------------------------------------------------------------


def test_a_referral_goes_from_made_to_completed_with_its_history_and_log(partnership, team):
    subject, mhtr = client_of(partnership, team), service(partnership)
    referral = services.referral_make(actor=officer(team), person=subject, service=mhtr, detail="Low mood")
    assert (
        referral.status == "made"
        and referral.need == "health"
        and referral.made_by_agency == partnership.probation
    )
    services.referral_acknowledge(actor=provider(team), referral=referral)
    services.referral_accept(actor=provider(team), referral=referral)
    assert referral.status == ReferralStatus.WAITING and referral.accepted_on == TODAY
    services.referral_start(actor=provider(team), referral=referral)
    services.referral_finish(actor=provider(team), referral=referral, outcome="partly")
    referral.refresh_from_db()
    assert (referral.status, referral.outcome, referral.ended_on) == ("completed", "partly", TODAY)
    assert [e.kind for e in referral.events.all()] == [
        "made",
        "acknowledged",
        "accepted",
        "started",
        "completed",
    ]
    entries = AccessLogEntry.objects.filter(object_type="referrals.referral", person_id=subject.pk)
    assert entries.count() == 5
    assert entries.filter(action="disclosure", recipient="Forward Trust").exists()


def test_the_lifecycle_refuses_steps_out_of_order_and_by_the_wrong_agency(partnership, team):
    subject, mhtr = client_of(partnership, team), service(partnership)
    referral = services.referral_make(actor=officer(team), person=subject, service=mhtr)
    with pytest.raises(ReferralError, match="Only Forward Trust"):
        services.referral_accept(actor=officer(team), referral=referral)
    with pytest.raises(ReferralError, match="cannot be started"):
        services.referral_start(actor=provider(team), referral=referral)
    with pytest.raises(ReferralError, match="Say why"):
        services.referral_decline(actor=provider(team), referral=referral, reason="  ")
    services.referral_decline(
        actor=provider(team), referral=referral, reason="Needs a psychiatric bed instead"
    )
    assert Referral.objects.get().decline_reason == "Needs a psychiatric bed instead"
    with pytest.raises(ReferralError, match="declined, so it cannot be accepted"):
        services.referral_accept(actor=provider(team), referral=referral)


def test_ending_early_needs_a_reason_and_completing_needs_a_start(partnership, team):
    subject, mhtr = client_of(partnership, team), service(partnership)
    referral = services.referral_accept(
        actor=provider(team),
        referral=services.referral_make(actor=officer(team), person=subject, service=mhtr),
    )
    with pytest.raises(ReferralError, match="cannot be completed"):
        services.referral_finish(actor=provider(team), referral=referral, outcome="achieved")
    with pytest.raises(ReferralError, match="Say why"):
        services.referral_finish(
            actor=provider(team), referral=referral, outcome="not_achieved", completed=False
        )
    with pytest.raises(ReferralError, match="Choose the outcome"):
        services.referral_finish(
            actor=provider(team), referral=referral, outcome="great", completed=False, reason="x"
        )
    services.referral_finish(
        actor=provider(team),
        referral=referral,
        outcome="not_achieved",
        completed=False,
        reason="Moved out of the area",
    )
    assert Referral.objects.get().status == "ended"


def test_a_second_open_referral_for_the_same_need_is_refused_but_a_closed_one_allows_another(
    partnership, team
):
    subject, mhtr = client_of(partnership, team), service(partnership)
    counselling = service(partnership, name="Talking therapies")
    first = services.referral_make(actor=officer(team), person=subject, service=mhtr)
    with pytest.raises(
        ReferralError, match="already an open referral for this need: Mental health treatment"
    ):
        services.referral_make(actor=officer(team), person=subject, service=counselling)
    assert Referral.objects.count() == 1
    services.referral_decline(actor=provider(team), referral=first, reason="Not suitable")
    services.referral_make(actor=officer(team), person=subject, service=counselling)
    assert Referral.objects.count() == 2


@pytest.mark.parametrize(
    ("rule", "facts", "expected"),
    [
        (
            rules.Eligibility(sexes=frozenset({"female"})),
            rules.PersonFacts("male", 30, "", frozenset()),
            "for female people only",
        ),
        (
            rules.Eligibility(min_age=18, max_age=24),
            rules.PersonFacts("male", 30, "", frozenset()),
            "aged 18 to 24; the person is 30",
        ),
        (
            rules.Eligibility(min_age=18),
            rules.PersonFacts("male", None, "", frozenset()),
            "date of birth is not known",
        ),
        (
            rules.Eligibility(risk_bands=frozenset({"low", "medium"})),
            rules.PersonFacts("male", 30, "high", frozenset()),
            "the person is high",
        ),
        (
            rules.Eligibility(risk_bands=frozenset({"low"})),
            rules.PersonFacts("male", 30, "", frozenset()),
            "no RoSH level is recorded",
        ),
        (
            rules.Eligibility(priority_groups=frozenset({"iom"})),
            rules.PersonFacts("male", 30, "", frozenset({"woman"})),
            "priority groups: iom",
        ),
    ],
)
def test_eligibility_says_why_a_person_does_not_fit(rule, facts, expected):
    assert any(expected in reason for reason in rules.eligibility_reasons(rule, facts))


def test_eligibility_is_checked_when_a_referral_is_made(partnership, team):
    subject = client_of(partnership, team)  # a man born 1990
    women = service(
        partnership,
        name="Women's centre",
        pathway="attitudes_thinking_behaviour",
        sexes=["female"],
        min_age=18,
    )
    iom = service(partnership, name="IOM mentoring", pathway="education_skills_work", priority_groups=["iom"])
    with pytest.raises(ReferralError, match="for female people only"):
        services.referral_make(actor=officer(team), person=subject, service=women)
    with pytest.raises(ReferralError, match="priority groups: iom"):
        services.referral_make(actor=officer(team), person=subject, service=iom)
    PriorityGroupMembership.objects.create(
        person=subject, group="iom", start_date=TODAY - timedelta(days=10), basis="test"
    )
    assert services.referral_make(actor=officer(team), person=subject, service=iom).pk
    fits = dict((s.name, reasons) for s, reasons in selectors.services_for(subject, on=TODAY))
    assert fits["IOM mentoring"] == [] and fits["Women's centre"]


# --- waiting list and capacity --------------------------------------------------------------------------


def test_expected_wait_uses_free_places_then_throughput():
    assert rules.expected_wait_weeks(1, free_places=1, throughput=0.0) == 0
    assert rules.expected_wait_weeks(3, free_places=1, throughput=0.5) == 4
    assert rules.expected_wait_weeks(2, free_places=0, throughput=0.0) is None
    assert rules.weekly_throughput(6, 12) == 0.5


def test_the_waiting_list_shows_positions_and_expected_waits(partnership, team):
    mhtr = service(partnership, capacity=1)
    people = [
        builders.person(
            last_name=f"Waiting{i}",
            district=partnership.medway,
            involved=[(partnership.probation, team["officer"])],
        )
        for i in range(5)
    ]
    referrals = [
        services.referral_make(actor=officer(team), person=p, service=mhtr, on=TODAY - timedelta(days=100))
        for p in people
    ]
    # Two finished in the last 12 weeks (throughput 2/12 a week), after 14 and 28 days' wait; one in a place
    # now.
    for referral, accepted, started in ((referrals[0], 60, 46), (referrals[1], 60, 32)):
        services.referral_accept(actor=provider(team), referral=referral, on=TODAY - timedelta(days=accepted))
        services.referral_start(actor=provider(team), referral=referral, on=TODAY - timedelta(days=started))
        services.referral_finish(
            actor=provider(team), referral=referral, outcome="achieved", on=TODAY - timedelta(days=10)
        )
    services.referral_accept(actor=provider(team), referral=referrals[2], on=TODAY - timedelta(days=20))
    services.referral_start(actor=provider(team), referral=referrals[2], on=TODAY - timedelta(days=5))
    services.referral_accept(actor=provider(team), referral=referrals[4], on=TODAY - timedelta(days=9))
    services.referral_accept(actor=provider(team), referral=referrals[3], on=TODAY - timedelta(days=3))
    figures, entries = selectors.waiting_list(mhtr, on=TODAY)
    assert (figures.in_use, figures.waiting, figures.finished, figures.free) == (1, 2, 2, 0)
    assert figures.average_wait_days == pytest.approx((14 + 28 + 15) / 3)
    assert figures.at_capacity and figures.over_capacity
    assert [(e.referral.person.last_name, e.position, e.expected_wait_weeks) for e in entries] == [
        ("Waiting4", 1, 6),
        ("Waiting3", 2, 12),
    ]
    [health] = selectors.capacity_by_pathway(selectors.capacity(Service.objects.all(), on=TODAY))
    assert (health["places"], health["in_use"], health["waiting"]) == (1, 1, 2)


# --- notices and the timer ---------------------------------------------------------------------------


def test_a_new_release_date_tells_the_provider_of_each_open_referral(partnership, team):
    subject = client_of(partnership, team)
    sentence = builders.custody(
        subject,
        sentence_date=TODAY - timedelta(days=150),
        length_days=365,
        release=TODAY + timedelta(days=120),
    )
    mhtr = service(partnership)
    closed = service(partnership, name="Debt advice", pathway="finance_benefit_debt_id")
    referral = services.referral_make(actor=officer(team), person=subject, service=mhtr)
    services.referral_decline(
        actor=provider(team),
        referral=services.referral_make(actor=officer(team), person=subject, service=closed),
        reason="Full",
    )
    release.release_date_record(
        actor=officer(team), sentence=sentence, release_date=TODAY + timedelta(days=100)
    )
    notice = ProviderNotice.objects.get()
    assert notice.referral == referral and notice.provider == partnership.treatment
    assert "Release date changed" in notice.summary
    assert notice.detail["release_date"]["after"] == (TODAY + timedelta(days=100)).isoformat()
    assert referral.events.filter(kind=EventKind.CHANGED).exists()
    services.referral_details_change(
        actor=officer(team), referral=referral, detail="Now also needs an interpreter"
    )
    assert ProviderNotice.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_daily_timer_flags_unacknowledged_referrals_once_through_the_worker(partnership, team):
    from desist.referrals.tasks import flag_overdue_referrals

    mhtr = service(partnership, response_days=5)
    late = services.referral_make(
        actor=officer(team), person=client_of(partnership, team), service=mhtr, on=TODAY - timedelta(days=6)
    )
    in_time = services.referral_make(
        actor=officer(team),
        person=builders.person(last_name="Recent", involved=[(partnership.probation, None)]),
        service=mhtr,
        on=TODAY - timedelta(days=5),
    )
    for _ in range(2):
        flag_overdue_referrals.enqueue()
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    late.refresh_from_db()
    in_time.refresh_from_db()
    assert late.overdue_on == TODAY and in_time.overdue_on is None
    assert late.events.filter(kind="overdue").count() == 1
    assert ProviderNotice.objects.filter(kind="overdue").count() == 1


# --- the work queue's selector ------------------------------------------------------------------------


def test_referrals_needing_lists_what_the_agency_must_answer(
    partnership, team, django_assert_max_num_queries
):
    mhtr = service(partnership)
    for i in range(3):
        subject = builders.person(last_name=f"Inbox{i}", involved=[(partnership.probation, None)])
        referral = services.referral_make(
            actor=officer(team), person=subject, service=mhtr, need="health" if i < 2 else "drugs_alcohol"
        )
        if i == 2:
            services.referral_accept(actor=provider(team), referral=referral)
    with django_assert_max_num_queries(2):
        names = [
            r.person.last_name + r.service.name for r in selectors.referrals_needing(team["worker"], TODAY)
        ]
    assert len(names) == 2
    assert list(selectors.referrals_needing(team["police"], TODAY)) == []
    assert selectors.referrals_needing(provider(team), TODAY).count() == 2


# --- pages and access ---------------------------------------------------------------------------------


def test_make_a_referral_on_the_page_shows_eligibility_and_refuses_a_duplicate(
    client, partnership, team, django_assert_max_num_queries
):
    subject = client_of(partnership, team)
    mhtr = service(partnership)
    service(partnership, name="Women's centre", pathway="attitudes_thinking_behaviour", sexes=["female"])
    client.force_login(team["officer"])
    with django_assert_max_num_queries(14):
        page = client.get(f"/people/{subject.pk}/referrals/").content.decode()
    assert "Mental health treatment requirement (Forward Trust)" in page
    assert "for female people only" in page  # shown with the reason, not offered
    response = client.post(
        f"/people/{subject.pk}/referrals/", {"service": mhtr.pk, "detail": "Low mood"}, follow=True
    )
    referral = Referral.objects.get()
    assert response.redirect_chain[-1][0] == f"/referrals/{referral.pk}/"
    assert "Referred to Mental health treatment requirement" in response.content.decode()
    again = client.post(
        f"/people/{subject.pk}/referrals/", {"service": mhtr.pk, "detail": "Again"}, follow=True
    )
    assert (
        "already an open referral for this need" in again.content.decode() and Referral.objects.count() == 1
    )
    bad = client.post(f"/people/{subject.pk}/referrals/", {"service": "x"}, follow=True).content.decode()
    assert "Choose a service from the list" in bad


def test_the_provider_answers_from_the_inbox(client, partnership, team, django_assert_max_num_queries):
    mhtr = service(partnership)
    referrals = [
        services.referral_make(
            actor=officer(team),
            person=builders.person(last_name=f"Inbox{i}", involved=[(partnership.probation, None)]),
            service=mhtr,
        )
        for i in range(4)
    ]
    client.force_login(team["worker"])
    with django_assert_max_num_queries(10 + NAVIGATION_QUERIES):
        page = client.get("/referrals/inbox/").content.decode()
    assert page.count("INBOX") >= 4
    client.post(f"/referrals/{referrals[0].pk}/accept/", {"next": "inbox"})
    response = client.post(f"/referrals/{referrals[1].pk}/decline/", {"reason": ""}, follow=True)
    assert "Say why the referral is declined" in response.content.decode()
    client.post(f"/referrals/{referrals[1].pk}/decline/", {"reason": "Outside our area"})
    assert [r.status for r in Referral.objects.order_by("id")][:2] == ["waiting", "declined"]
    with django_assert_max_num_queries(10 + NAVIGATION_QUERIES):
        page = client.get(f"/services/{mhtr.pk}/waiting/").content.decode()
    assert "INBOX0" in page and "A place is free" in page
    with django_assert_max_num_queries(10 + NAVIGATION_QUERIES):
        page = client.get("/services/capacity/").content.decode()
    assert "Health (including mental health)" in page
    client.force_login(team["officer"])  # the referrer cannot accept on the provider's behalf
    response = client.post(f"/referrals/{referrals[2].pk}/accept/", follow=True)
    assert "Only Forward Trust can do this" in response.content.decode()


def test_other_agencies_get_404_and_a_denied_entry(client, partnership, team):
    subject = client_of(partnership, team)
    referral = services.referral_make(actor=officer(team), person=subject, service=service(partnership))
    client.force_login(team["police"])
    for response in (
        client.get(f"/people/{subject.pk}/referrals/"),
        client.get(f"/referrals/{referral.pk}/"),
        client.post(f"/referrals/{referral.pk}/accept/"),
    ):
        assert response.status_code == 404
    assert AccessLogEntry.objects.filter(action="denied", person_id=subject.pk).count() == 3
    assert "REFERRED" not in client.get(f"/services/{referral.service_id}/waiting/").content.decode()


def test_the_api_makes_and_answers_referrals_with_the_same_messages(client, partnership, team):
    subject = client_of(partnership, team)
    mhtr = service(partnership)
    client.force_login(team["officer"])
    made = client.post(
        f"/api/referrals/people/{subject.pk}",
        {"service": mhtr.pk, "detail": "Low mood"},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["status"] == "made"
    again = client.post(
        f"/api/referrals/people/{subject.pk}", {"service": mhtr.pk}, content_type="application/json"
    )
    assert again.status_code == 422 and "already an open referral" in again.json()["detail"]
    assert client.get(f"/api/referrals/people/{subject.pk}").json()[0]["service"] == mhtr.name
    referral_id = made.json()["id"]
    refused = client.post(f"/api/referrals/{referral_id}/accept", {}, content_type="application/json")
    assert refused.status_code == 422 and "Only Forward Trust" in refused.json()["detail"]
    client.force_login(team["worker"])
    assert [r["id"] for r in client.get("/api/referrals/needing").json()] == [referral_id]
    declined = client.post(f"/api/referrals/{referral_id}/decline", {}, content_type="application/json")
    assert declined.json()["detail"] == "Say why the referral is declined."
    accepted = client.post(f"/api/referrals/{referral_id}/accept", {}, content_type="application/json")
    assert accepted.json()["status"] == "waiting"
    assert client.get(f"/api/referrals/services/{mhtr.pk}/waiting").json() == [
        {"referral_id": referral_id, "position": 1, "expected_wait_weeks": 0}
    ]
    assert client.get("/api/referrals/capacity").json()[0]["waiting"] == 1
    client.force_login(team["police"])
    assert client.get(f"/api/referrals/people/{subject.pk}").status_code == 404
    assert (
        client.post(f"/api/referrals/{referral_id}/start", {}, content_type="application/json").status_code
        == 404
    )


def test_the_catalogue_refuses_unknown_eligibility_values(partnership):
    from django.core.exceptions import ValidationError

    bad = Service(
        name="Bad",
        provider=partnership.treatment,
        pathway="health",
        capacity=1,
        sexes=["women"],
        risk_bands=["huge"],
        priority_groups="iom",
    )
    with pytest.raises(ValidationError) as error:
        bad.full_clean()
    assert set(error.value.message_dict) == {"sexes", "risk_bands", "priority_groups"}
    assert 'A list of sexes, each one of "male"' in error.value.message_dict["sexes"][0]


# --- notices marked read ------------------------------------------------------------------------------


def notices_for(partnership, team, count: int) -> list[ProviderNotice]:
    mhtr = service(partnership)
    made = []
    for i in range(count):
        referral = services.referral_make(
            actor=officer(team),
            person=builders.person(last_name=f"Notice{i}", involved=[(partnership.probation, None)]),
            service=mhtr,
            need="health",
        )
        made.append(
            services.referral_details_change(actor=officer(team), referral=referral, detail=f"Change {i}")
        )
    return made


def test_a_notice_is_marked_read_by_the_provider_and_leaves_the_inbox(
    client, partnership, team, django_assert_max_num_queries
):
    first, second, _ = notices_for(partnership, team, 3)
    client.force_login(team["worker"])
    with django_assert_max_num_queries(10 + NAVIGATION_QUERIES):
        page = client.get("/referrals/inbox/").content.decode()
    assert page.count("Mark as read") == 3 and "Mark all as read" in page
    with django_assert_max_num_queries(12):
        response = client.post(f"/referrals/notices/{first.pk}/read/")
    assert response.status_code == 302 and response["Location"] == "/referrals/inbox/"
    first.refresh_from_db()
    assert first.read_at is not None and first.read_by == team["worker"]
    entry = AccessLogEntry.objects.get(object_type="referrals.providernotice", object_id=str(first.pk))
    assert entry.action == "alteration" and entry.person_id == first.referral.person_id
    # With HTMX the answer is empty, so the row is swapped for nothing.
    htmx = client.post(f"/referrals/notices/{second.pk}/read/", headers={"HX-Request": "true"})
    assert htmx.status_code == 200 and htmx.content == b""
    told = client.get("/referrals/inbox/").content.decode().split("Changes you have been told of")[-1]
    assert "NOTICE2" in told and "NOTICE0" not in told and "NOTICE1" not in told
    again = client.post(f"/referrals/notices/{first.pk}/read/")  # already read: nothing changes
    assert (
        again.status_code == 302
        and AccessLogEntry.objects.filter(
            object_id=str(first.pk), object_type="referrals.providernotice"
        ).count()
        == 1
    )


def test_mark_all_as_read_stops_at_the_newest_notice_shown(client, partnership, team):
    shown = notices_for(partnership, team, 2)
    later = services.referral_details_change(actor=officer(team), referral=shown[0].referral, detail="Later")
    client.force_login(team["worker"])
    response = client.post("/referrals/notices/read/", {"up_to": shown[-1].pk}, follow=True)
    assert "Marked 2 notices as read" in response.content.decode()
    assert list(ProviderNotice.objects.filter(read_at__isnull=True)) == [later]
    assert AccessLogEntry.objects.filter(summary="Marked read 2 referral notices").exists()
    client.post("/referrals/notices/read/")
    assert not ProviderNotice.objects.filter(read_at__isnull=True).exists()


def test_another_agency_cannot_mark_a_notice_read(client, partnership, team):
    (notice,) = notices_for(partnership, team, 1)
    client.force_login(team["officer"])  # the referrer, not the provider told
    assert client.post(f"/referrals/notices/{notice.pk}/read/").status_code == 404
    assert client.post("/referrals/notices/999999/read/").status_code == 404
    assert client.get(f"/referrals/notices/{notice.pk}/read/").status_code == 405
    client.post("/referrals/notices/read/")  # marks only the officer's own agency's notices: none
    notice.refresh_from_db()
    assert notice.read_at is None
    denied = AccessLogEntry.objects.filter(
        action="denied", summary__startswith="Refused access to referral notice"
    )
    assert denied.count() == 2 and denied.filter(person_id=notice.referral.person_id).exists()
    with pytest.raises(ReferralError, match="Only the agency a notice was sent to"):
        services.provider_notice_read(actor=officer(team), notice=notice)


def test_the_api_lists_unread_notices_and_marks_them_read(
    client, partnership, team, django_assert_max_num_queries
):
    first, second, third = notices_for(partnership, team, 3)
    client.force_login(team["worker"])
    with django_assert_max_num_queries(8):
        listed = client.get("/api/referrals/notices").json()
    assert [n["id"] for n in listed] == [third.pk, second.pk, first.pk]
    assert listed[0]["person_id"] == third.referral.person_id and listed[0]["read_at"] is None
    read = client.post(f"/api/referrals/notices/{first.pk}/read", content_type="application/json")
    assert read.status_code == 200 and read.json()["read_at"] is not None
    assert [n["id"] for n in client.get("/api/referrals/notices").json()] == [third.pk, second.pk]
    marked = client.post("/api/referrals/notices/read", {"up_to": second.pk}, content_type="application/json")
    assert marked.json() == {"marked": 1}
    assert [n["id"] for n in client.get("/api/referrals/notices").json()] == [third.pk]
    client.force_login(team["police"])
    assert client.get("/api/referrals/notices").json() == []
    refused = client.post(f"/api/referrals/notices/{third.pk}/read", content_type="application/json")
    assert refused.status_code == 404
    assert AccessLogEntry.objects.filter(action="denied", person_id=third.referral.person_id).exists()
    assert client.post("/api/referrals/notices/read", {}, content_type="application/json").json() == {
        "marked": 0
    }
