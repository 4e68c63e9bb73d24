"""Victim contact (issue 6, part 5): victims visible only to the victim liaison role, each trigger raising
exactly one notification, domestic abuse releases always, outcomes required, and the daily catch-up on the
real worker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command

from desist.audit.models import AccessLogEntry
from desist.offences import services as offences
from desist.release import services as release
from desist.sentences import services as sentences
from desist.victims import selectors, services
from desist.victims.models import VictimNotification
from tests.app import builders
from tests.app.builders import TODAY

pytestmark = pytest.mark.django_db


# The staff the shared `team` fixture (tests/app/conftest.py) makes for these tests.
TEAM = ("officer", "vlo", "police", "housing_vlo")


def perpetrator(
    partnership,
    team,
    *,
    category="Violence",
    code="00800",
    length=730,
    release_in=60,
    domestic_abuse=False,
    last_name="Perp",
):
    subject = builders.person(
        last_name=last_name,
        district=partnership.medway,
        involved=[(partnership.probation, team["officer"]), (partnership.prison, None)],
    )
    sentence = builders.custody(
        subject,
        sentence_date=TODAY - timedelta(days=200),
        length_days=length,
        release=TODAY + timedelta(days=release_in),
    )
    builders.offence_code(code, category, 0.1)
    offence = offences.offence_record(
        actor=builders.actor(),
        person=subject,
        offence_code=code,
        offence_date=TODAY - timedelta(days=260),
        outcome="conviction",
        outcome_date=TODAY - timedelta(days=200),
        disposal="custody",
        domestic_abuse=domestic_abuse,
        sentence_id=sentence.pk,
    )
    return subject, sentence, offence


def registered_victim(
    team, offence, *, opted_in=True, wants=("release", "licence_conditions"), reference="VLU-1"
):
    vlo = builders.actor(team["vlo"])
    victim = services.victim_record(actor=vlo, reference=reference, opted_in=opted_in, wants_to_know=wants)
    services.victim_link(actor=vlo, victim=victim, offence=offence)
    return victim


# --- eligibility ---------------------------------------------------------------------------------------


def test_eligibility_reads_the_linked_offence_and_sentence(partnership, team):
    _, _, violent = perpetrator(partnership, team, length=365)
    _, _, burglary = perpetrator(
        partnership, team, category="Burglary (domestic)", code="02800", last_name="Burgle"
    )
    _, _, short = perpetrator(partnership, team, length=364, last_name="Short")
    assert services.victim_eligibility(registered_victim(team, violent))[0][1].eligible
    assert not services.victim_eligibility(registered_victim(team, burglary, reference="VLU-2"))[0][
        1
    ].eligible
    result = services.victim_eligibility(registered_victim(team, short, reference="VLU-3"))[0][1]
    assert not result.eligible and "364 days' custody, under 365" in result.reasons


# --- triggers ------------------------------------------------------------------------------------------


def test_linking_a_registered_victim_raises_the_release_once(partnership, team):
    _, _sentence, offence = perpetrator(partnership, team, release_in=60)
    victim = registered_victim(team, offence)
    notification = VictimNotification.objects.get()
    assert (notification.victim, notification.event_kind, notification.event_date) == (
        victim,
        "release_date_set",
        TODAY + timedelta(days=60),
    )
    assert notification.deadline < notification.event_date and not notification.short_notice
    assert notification.liaison_officer == team["vlo"]
    services.notifications_raise(actor=builders.actor())
    assert VictimNotification.objects.count() == 1


def test_a_release_date_change_raises_one_notification(partnership, team):
    _, sentence, offence = perpetrator(partnership, team, release_in=60)
    registered_victim(team, offence)
    officer = builders.actor(team["officer"])
    release.release_date_record(actor=officer, sentence=sentence, release_date=TODAY + timedelta(days=40))
    release.release_date_record(
        actor=officer, sentence=sentence, release_date=TODAY + timedelta(days=40), confirm=True
    )
    changed = VictimNotification.objects.filter(event_kind="release_date_changed")
    assert changed.count() == 1 and changed.get().event_date == TODAY + timedelta(days=40)
    services.notifications_raise(actor=builders.actor())
    assert VictimNotification.objects.count() == 2  # the first date and the new one, nothing more


def test_hdc_and_early_release_granted_each_raise_one(partnership, team):
    _, sentence, offence = perpetrator(partnership, team, release_in=60)
    registered_victim(team, offence)
    officer = builders.actor(team["officer"])
    release.release_date_record(
        actor=officer, sentence=sentence, release_date=TODAY + timedelta(days=30), release_type="hdc"
    )
    release.release_date_record(
        actor=officer,
        sentence=sentence,
        release_date=TODAY + timedelta(days=20),
        release_type="early_release",
    )
    kinds = list(VictimNotification.objects.values_list("event_kind", flat=True).order_by("id"))
    assert kinds == ["release_date_set", "hdc_granted", "early_release_granted"]
    services.notifications_raise(actor=builders.actor())  # the daily job finds the plan's type: nothing new
    assert VictimNotification.objects.count() == 3


def test_a_short_notice_release_is_due_at_once(partnership, team):
    _, sentence, offence = perpetrator(partnership, team, release_in=60)
    registered_victim(team, offence)
    release.release_date_record(
        actor=builders.actor(team["officer"]), sentence=sentence, release_date=TODAY + timedelta(days=2)
    )
    latest = VictimNotification.objects.get(event_kind="release_date_changed")
    assert latest.short_notice and latest.deadline == TODAY


def test_a_condition_about_the_victim_raises_one_and_others_none(partnership, team):
    _, sentence, offence = perpetrator(partnership, team, release_in=60)
    registered_victim(team, offence)
    system = builders.actor()
    sentences.licence_condition_add(
        actor=system, sentence=sentence, kind="additional", code="ADD_CURFEW", description="Curfew"
    )
    sentences.licence_condition_add(
        actor=system,
        sentence=sentence,
        kind="additional",
        code="ADD_EXCLUSION_ZONE",
        description="Not to enter the exclusion zone",
    )
    conditions = VictimNotification.objects.filter(event_kind="condition_set")
    assert conditions.count() == 1 and "ADD_EXCLUSION_ZONE" in conditions.get().summary
    assert conditions.get().event_date == sentence.release_date
    services.notifications_raise(actor=system)
    assert VictimNotification.objects.count() == 2


def test_a_condition_changed_or_ended_tells_the_victim_once_each(partnership, team):
    _, sentence, offence = perpetrator(partnership, team, release_in=60)
    registered_victim(team, offence)
    officer = builders.actor(team["officer"])
    zone = sentences.licence_condition_add(
        actor=officer,
        sentence=sentence,
        kind="additional",
        code="ADD_EXCLUSION_ZONE",
        description="Not to enter Chatham",
    )
    curfew = sentences.licence_condition_add(
        actor=officer,
        sentence=sentence,
        kind="additional",
        code="ADD_CURFEW",
        description="Curfew 7pm to 7am",
    )
    sentences.licence_condition_update(
        actor=officer, condition=zone, description="Not to enter Chatham or Gillingham"
    )
    sentences.licence_condition_update(
        actor=officer, condition=zone, description="Not to enter Chatham or Gillingham"
    )
    sentences.licence_condition_update(actor=officer, condition=curfew, description="Curfew 8pm to 7am")
    changed = VictimNotification.objects.filter(event_kind="condition_changed")
    assert changed.count() == 1 and "ADD_EXCLUSION_ZONE" in changed.get().summary
    assert changed.get().liaison_officer == team["vlo"] and changed.get().deadline == TODAY
    zone_id = zone.pk
    sentences.licence_condition_end(actor=officer, condition=zone)
    sentences.licence_condition_end(actor=officer, condition=curfew)
    ended = VictimNotification.objects.filter(event_kind="condition_ended")
    assert ended.count() == 1 and "ADD_EXCLUSION_ZONE" in ended.get().summary
    # Ended conditions stay on the record, dated; ending one twice is refused.
    assert sentence.licence_conditions.filter(ended_on=TODAY).count() == 2
    with pytest.raises(sentences.LicenceConditionError, match="already ended"):
        sentences.licence_condition_end(actor=officer, condition=zone)
    entry = AccessLogEntry.objects.filter(object_id=str(zone_id), summary__startswith="Ended").get()
    assert entry.action == "alteration" and entry.detail["before"]["description"].endswith("Gillingham")
    assert AccessLogEntry.objects.filter(summary__startswith="Changed licence condition").count() == 2
    services.notifications_raise(actor=builders.actor())
    assert VictimNotification.objects.filter(event_kind__startswith="condition").count() == 3


def test_a_condition_keeps_its_code(partnership, team):
    _, sentence, _ = perpetrator(partnership, team)
    condition = sentences.licence_condition_add(
        actor=builders.actor(),
        sentence=sentence,
        kind="additional",
        code="ADD_NO_CONTACT",
        description="No contact",
    )
    with pytest.raises(sentences.LicenceConditionError, match="Cannot change code"):
        sentences.licence_condition_update(actor=builders.actor(), condition=condition, code="ADD_CURFEW")


def test_a_victim_who_did_not_opt_in_or_asked_only_for_release_is_not_told_of_conditions(partnership, team):
    _, sentence, offence = perpetrator(partnership, team, release_in=60)
    registered_victim(team, offence, wants=("release",))
    sentences.licence_condition_add(
        actor=builders.actor(),
        sentence=sentence,
        kind="additional",
        code="ADD_NO_CONTACT",
        description="No contact",
    )
    assert list(VictimNotification.objects.values_list("event_kind", flat=True)) == ["release_date_set"]
    _, _, other = perpetrator(partnership, team, last_name="Other")
    registered_victim(team, other, opted_in=False, reference="VLU-2")
    assert VictimNotification.objects.count() == 1


def test_a_domestic_abuse_release_always_raises_a_task(partnership, team):
    # Not eligible (a harassment offence, under 12 months) and not opted in: the release is still raised.
    _, sentence, offence = perpetrator(
        partnership, team, category="Other offence", code="19500", length=180, domestic_abuse=True
    )
    registered_victim(team, offence, opted_in=False, wants=())
    notification = VictimNotification.objects.get()
    assert notification.domestic_abuse and notification.event_kind == "release_date_set"
    sentences.licence_condition_add(
        actor=builders.actor(),
        sentence=sentence,
        kind="additional",
        code="ADD_NO_CONTACT",
        description="No contact",
    )
    assert VictimNotification.objects.count() == 1  # conditions follow the victim's choices


# --- completing -----------------------------------------------------------------------------------------


def test_nothing_is_closed_without_an_outcome(partnership, team):
    _, _, offence = perpetrator(partnership, team)
    registered_victim(team, offence)
    notification = VictimNotification.objects.get()
    vlo = builders.actor(team["vlo"])
    with pytest.raises(services.VictimError, match="Record the outcome"):
        services.notification_complete(actor=vlo, notification=notification, outcome="")
    with pytest.raises(services.VictimError, match="how you tried"):
        services.notification_complete(actor=vlo, notification=notification, outcome="not_reached")
    notification.refresh_from_db()
    assert notification.status == "outstanding"
    services.notification_complete(actor=vlo, notification=notification, outcome="told", note="Phoned")
    notification.refresh_from_db()
    assert (notification.status, notification.completed_by, notification.completed_on) == (
        "done",
        team["vlo"],
        TODAY,
    )
    with pytest.raises(services.NotVictimLiaison):
        services.notification_complete(
            actor=builders.actor(team["officer"]), notification=notification, outcome="told"
        )


# --- visibility -----------------------------------------------------------------------------------------


def test_only_the_victim_liaison_role_sees_victims(partnership, team, client):
    _, _, offence = perpetrator(partnership, team)
    registered_victim(team, offence)
    notification = VictimNotification.objects.get()
    assert selectors.victims_visible(builders.actor(team["vlo"])).count() == 1
    assert not selectors.victims_visible(builders.actor(team["officer"])).exists()
    assert not selectors.notifications_visible(builders.actor(team["officer"])).exists()
    # A victim liaison officer of an agency not involved with the person sees neither.
    assert not selectors.notifications_visible(builders.actor(team["housing_vlo"])).exists()
    for user in (team["officer"], team["housing_vlo"]):
        client.force_login(user)
        before = AccessLogEntry.objects.filter(action="denied", user=user).count()
        assert client.get(f"/victims/notifications/{notification.pk}/").status_code == 404
        assert (
            AccessLogEntry.objects.filter(action="denied", user=user, person_id=offence.person_id).count()
            == before + 1
        )
    client.force_login(team["officer"])
    assert client.get("/victims/").status_code == 404
    assert b"VLU-1" not in client.get(f"/people/{offence.person_id}/").content


def test_the_dashboard_lists_outstanding_and_overdue(
    partnership, team, client, django_assert_max_num_queries
):
    _, _sentence, offence = perpetrator(partnership, team)
    registered_victim(team, offence)
    VictimNotification.objects.update(deadline=TODAY - timedelta(days=1))
    _, _, other = perpetrator(partnership, team, last_name="Second")
    registered_victim(team, other, reference="VLU-2")
    client.force_login(team["vlo"])
    with django_assert_max_num_queries(12):
        page = client.get("/victims/")
    assert page.status_code == 200
    assert page.context["counts"]["outstanding"] == 2 and page.context["counts"]["overdue"] == 1
    assert len(client.get("/victims/?overdue=1").context["page"]) == 1


def test_completing_through_the_page_needs_an_outcome(partnership, team, client):
    _, _, offence = perpetrator(partnership, team)
    registered_victim(team, offence)
    notification = VictimNotification.objects.get()
    client.force_login(team["vlo"])
    page = client.post(f"/victims/notifications/{notification.pk}/", {"note": "kept"})
    assert page.status_code == 200 and b"Record the outcome" in page.content and b"kept" in page.content
    assert client.post(f"/victims/notifications/{notification.pk}/", {"outcome": "told"}).status_code == 302
    notification.refresh_from_db()
    assert notification.outcome == "told"


# --- the daily catch-up --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_daily_task_catches_a_release_changed_outside_the_release_page(partnership, team):
    _, sentence, offence = perpetrator(partnership, team, release_in=60)
    registered_victim(team, offence)
    # A date changed straight on the sentence (an import, say) has no trigger.
    sentences.sentence_update(
        actor=builders.actor(), sentence=sentence, release_date=TODAY + timedelta(days=30)
    )
    assert VictimNotification.objects.count() == 1
    from desist.victims.tasks import notify_victims

    notify_victims.enqueue()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert VictimNotification.objects.filter(event_date=TODAY + timedelta(days=30)).count() == 1
    notify_victims.enqueue()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert VictimNotification.objects.count() == 2


def test_the_command_runs_the_daily_pass(partnership, team, capsys):
    _, _sentence, offence = perpetrator(partnership, team, release_in=60)
    registered_victim(team, offence)
    VictimNotification.objects.all().delete()
    call_command("notify_victims")
    assert "Raised 1 victim notification." in capsys.readouterr().out


# --- the API -------------------------------------------------------------------------------------------


def test_the_api_lists_and_completes_through_the_same_service(partnership, team, client):
    _, _, offence = perpetrator(partnership, team)
    registered_victim(team, offence)
    notification = VictimNotification.objects.get()
    client.force_login(team["vlo"])
    listed = client.get("/api/victims/notifications").json()
    assert [n["id"] for n in listed] == [notification.pk] and listed[0]["victim_reference"] == "VLU-1"
    url = f"/api/victims/notifications/{notification.pk}/complete"
    refused = client.post(url, {"note": "no outcome"}, content_type="application/json")
    assert refused.status_code == 422
    done = client.post(url, {"outcome": "told"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "done"
    client.force_login(team["officer"])
    assert client.get("/api/victims/notifications").status_code == 404
    assert client.post(url, {"outcome": "told"}, content_type="application/json").status_code == 404
    groups = client.get("/api/work").json()
    assert "victims" not in {g["key"] for g in groups} and {"tasks", "releases"} <= {g["key"] for g in groups}
