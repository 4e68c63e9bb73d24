"""Release facts on the release page and the release itself (issue 6): the form and its messages, recording
that a person was released with everything that follows, and the same through the API and
`manage.py release`."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from desist.audit.models import AccessLogEntry
from desist.outcomes.models import AccommodationStatus
from desist.people.models import Involvement
from desist.referrals import services as referrals
from desist.referrals.models import ProviderNotice, Service
from desist.release import services
from desist.release.models import (
    Escalation,
    Release,
    ReleaseDateChange,
    ReleaseFacts,
    ReleasePlan,
)
from desist.victims.models import VictimNotification
from tests.app import builders
from tests.app.builders import NAVIGATION_QUERIES, TODAY
from tests.app.victims.test_victims import perpetrator, registered_victim

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(partnership):
    return {
        "officer": partnership.user("ruth.responsible", partnership.probation),
        "housing": partnership.user("harry.housing", partnership.housing),
        "police": partnership.user("pc.plod", partnership.police),
        "vlo": partnership.user("val.liaison", partnership.probation, role="victim_liaison"),
    }


def prisoner(partnership, team, *, last_name="Gate", release_in=30, length=365):
    subject = builders.person(
        last_name=last_name,
        district=partnership.medway,
        involved=[
            (partnership.probation, team["officer"]),
            (partnership.housing, None),
            (partnership.prison, None),
        ],
    )
    sentence = builders.custody(
        subject,
        sentence_date=TODAY - timedelta(days=150),
        length_days=length,
        release=TODAY + timedelta(days=release_in),
    )
    sentence.establishment = partnership.prison
    sentence.save(update_fields=["establishment"])
    return subject, sentence


def officer(team):
    return builders.actor(team["officer"])


def record(team, sentence, **extra):
    values = {"released_on": TODAY, "release_type": "conditional", "accommodation": "own_home", **extra}
    return services.release_record(actor=officer(team), sentence=sentence, **values)


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# --- release facts ------------------------------------------------------------------------------------


def test_release_facts_page_shows_the_form_and_saves_with_the_working(client, partnership, team):
    subject, sentence = prisoner(partnership, team)
    client.force_login(team["officer"])
    page = client.get(f"/people/{subject.pk}/release/").content.decode()
    assert "Save release facts" in page and "Liable to deportation" in page and "Record the release" in page
    assert "(release facts not recorded)" in page
    response = client.post(
        f"/releases/sentences/{sentence.pk}/facts/",
        {
            f"facts{sentence.pk}-sentence_type": "standard",
            f"facts{sentence.pk}-extended_licence_days": "",
            f"facts{sentence.pk}-hdc_exclusions": ["deportation", "curfew_breach"],
            f"facts{sentence.pk}-parole_board_case": "on",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Release facts saved" in page
    facts = ReleaseFacts.objects.get(sentence=sentence)
    assert facts.hdc_exclusions == ["curfew_breach", "deportation"] and facts.parole_board_case
    assert "Not eligible: returned to custody for breaching a curfew condition" in page
    assert "liable to deportation" in page and "Parole Board case" in page
    entry = AccessLogEntry.objects.filter(object_type="release.releasefacts").get()
    assert entry.action == "collection" and entry.username == "ruth.responsible"


def test_release_facts_errors_come_back_in_an_error_summary(client, partnership, team):
    _, sentence = prisoner(partnership, team)
    client.force_login(team["officer"])
    page = client.post(
        f"/releases/sentences/{sentence.pk}/facts/",
        {f"facts{sentence.pk}-sentence_type": "extended", f"facts{sentence.pk}-extended_licence_days": "0"},
    ).content.decode()
    assert (
        "govuk-error-summary" in page
        and "Enter the extended licence of an extended sentence, in days." in page
    )
    page = client.post(
        f"/releases/sentences/{sentence.pk}/facts/",
        {
            f"facts{sentence.pk}-sentence_type": "standard",
            f"facts{sentence.pk}-extended_licence_days": "ten",
            f"facts{sentence.pk}-tariff_expiry_date": "2025-02-31",
        },
    ).content.decode()
    assert "Enter the extended licence as a whole number of days." in page
    assert "Enter the tariff expiry as a real date." in page
    assert f'href="#id_facts{sentence.pk}-extended_licence_days"' in page
    page = client.post(
        f"/releases/sentences/{sentence.pk}/facts/",
        {f"facts{sentence.pk}-sentence_type": "standard", f"facts{sentence.pk}-hdc_exclusions": ["made_up"]},
    ).content.decode()
    assert "Choose HDC exclusions from the list." in page
    assert not ReleaseFacts.objects.exists()


def test_only_prison_or_probation_record_facts_or_the_release(client, partnership, team):
    subject, sentence = prisoner(partnership, team)
    housing = builders.actor(team["housing"])
    with pytest.raises(
        services.ReleaseError, match=r"Only prison or probation staff can record release facts\."
    ):
        services.release_facts_record(actor=housing, sentence=sentence)
    with pytest.raises(services.ReleaseError, match=r"Only prison or probation staff can record a release\."):
        services.release_record(
            actor=housing,
            sentence=sentence,
            released_on=TODAY,
            release_type="conditional",
            accommodation="own_home",
        )
    client.force_login(team["housing"])
    page = client.get(f"/people/{subject.pk}/release/").content.decode()
    assert "Save release facts" not in page and "Prison or probation staff record" in page
    page = client.post(
        f"/releases/sentences/{sentence.pk}/released/",
        {
            f"release{sentence.pk}-released_on": TODAY.isoformat(),
            f"release{sentence.pk}-release_type": "conditional",
            f"release{sentence.pk}-accommodation": "own_home",
        },
    ).content.decode()
    assert "Only prison or probation staff can record a release." in page
    client.force_login(team["police"])  # not involved: the sentence does not exist for them
    assert client.post(f"/releases/sentences/{sentence.pk}/facts/", {}).status_code == 404
    assert client.post(f"/releases/sentences/{sentence.pk}/released/", {}).status_code == 404
    assert AccessLogEntry.objects.filter(action="denied", person_id=subject.pk).count() == 2


# --- the release itself -------------------------------------------------------------------------------


def test_recording_the_release_on_the_expected_day(partnership, team):
    subject, sentence = prisoner(partnership, team, release_in=0)
    plan = services.release_plan_start(actor=officer(team), sentence=sentence)
    release = record(team, sentence, accommodation="supported", note="Met at the gate by Sam")
    sentence.refresh_from_db()
    assert sentence.release_is_actual and sentence.release_date == TODAY
    assert release.recorded_by == team["officer"] and release.accommodation_on_release == "settled"
    assert not ReleaseDateChange.objects.exists()  # the day was the expected one
    plan.refresh_from_db()
    assert plan.accommodation_on_release == "settled"
    status = AccommodationStatus.objects.get(sentence=sentence)
    assert (status.stage, status.kind, status.recorded_on) == ("release", "supported", TODAY)
    prison = Involvement.objects.get(person=subject, agency=partnership.prison)
    assert prison.end_date == TODAY
    assert Involvement.objects.get(person=subject, agency=partnership.probation).end_date is None
    logged = set(
        AccessLogEntry.objects.filter(person_id=subject.pk, username="ruth.responsible").values_list(
            "object_type", flat=True
        )
    )
    assert {
        "sentences.sentence",
        "release.release",
        "release.releaseplan",
        "outcomes.accommodationstatus",
        "people.involvement",
    } <= logged


def test_a_release_on_another_day_is_kept_as_a_change_and_tells_referrals(partnership, team):
    subject, sentence = prisoner(partnership, team, release_in=30)
    mhtr = Service.objects.create(
        name="Mental health treatment requirement",
        provider=partnership.treatment,
        pathway="health",
        capacity=2,
        response_days=5,
    )
    referral = referrals.referral_make(actor=officer(team), person=subject, service=mhtr)
    record(team, sentence, released_on=TODAY - timedelta(days=1), accommodation="temporary")
    change = ReleaseDateChange.objects.get()
    assert (change.change, change.old_date, change.new_date) == (
        "brought_forward",
        TODAY + timedelta(days=30),
        TODAY - timedelta(days=1),
    )
    assert change.notice_days == -1 and change.short_notice
    notice = ProviderNotice.objects.get()
    assert notice.referral == referral and "Release date changed" in notice.summary


def test_recording_the_release_resolves_the_plans_escalations(partnership, team):
    _, sentence = prisoner(partnership, team, release_in=5)
    services.release_date_record(
        actor=officer(team), sentence=sentence, release_date=TODAY + timedelta(days=5), confirm=True
    )
    plan = ReleasePlan.objects.get(sentence=sentence)
    services.escalations_raise(actor=officer(team), plan_ids=[plan.pk])
    assert Escalation.objects.filter(status="open").exists()
    record(team, sentence)
    assert not Escalation.objects.filter(status="open").exists()
    assert set(Escalation.objects.values_list("resolved_by", flat=True)) == {team["officer"].pk}
    assert AccessLogEntry.objects.filter(summary__contains="the person has been released").exists()
    assert not services.escalations_raise(actor=officer(team), plan_ids=[plan.pk])


def test_victims_are_told_of_an_early_or_hdc_release_and_not_twice(partnership, team):
    _, sentence, offence = perpetrator(partnership, team, release_in=60)
    registered_victim(team, offence)
    before = VictimNotification.objects.count()
    record(team, sentence, release_type="hdc")
    notification = VictimNotification.objects.latest("pk")
    assert VictimNotification.objects.count() == before + 1
    assert notification.event_kind == "hdc_granted" and notification.event_date == TODAY
    assert notification.deadline == TODAY and notification.short_notice


def test_victims_are_not_told_again_of_the_release_they_were_told_of(partnership, team):
    _, sentence, offence = perpetrator(partnership, team, release_in=60, last_name="Told")
    registered_victim(team, offence)
    services.release_date_record(actor=officer(team), sentence=sentence, release_date=TODAY)
    before = VictimNotification.objects.count()
    record(team, sentence)  # the same day and kind they were told of
    assert VictimNotification.objects.count() == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"released_on": TODAY + timedelta(days=1)}, "The release date cannot be in the future"),
        (
            {"released_on": TODAY - timedelta(days=400)},
            "The release date cannot be before the sentence date.",
        ),
        ({"release_type": "escape"}, "Choose a release type"),
        ({"accommodation": ""}, "Choose where the person went to live on release."),
    ],
)
def test_bad_releases_are_refused_with_a_reason(partnership, team, change, message):
    _, sentence = prisoner(partnership, team)
    with pytest.raises(services.ReleaseError, match=message):
        record(team, sentence, **change)
    assert not Release.objects.exists()


def test_a_release_is_recorded_once_and_only_from_custody(partnership, team):
    subject, sentence = prisoner(partnership, team, release_in=0)
    record(team, sentence)
    with pytest.raises(services.ReleaseError, match="already been released"):
        record(team, sentence)
    order = builders.community_order(subject, start=TODAY - timedelta(days=30))
    with pytest.raises(services.ReleaseError, match=r"Only a custodial sentence has a release to record\."):
        record(team, order)


def test_the_release_page_records_the_release_and_then_shows_it(
    client, partnership, team, django_assert_max_num_queries
):
    subject, sentence = prisoner(partnership, team)
    services.release_plan_start(actor=officer(team), sentence=sentence)
    client.force_login(team["officer"])
    # 15: the booking's recalls, adjustments and offences (issue 12) are prefetched once, whatever their
    # number.
    # 16: with the sharing decision (issue 16: sentence and licence shared with the agency?).
    with django_assert_max_num_queries(16 + NAVIGATION_QUERIES):
        page = client.get(f"/people/{subject.pk}/release/").content.decode()
    assert f'value="{TODAY.isoformat()}"' in page  # the date of release defaults to today
    form = {f"release{sentence.pk}-released_on": "", f"release{sentence.pk}-release_type": "conditional"}
    page = client.post(f"/releases/sentences/{sentence.pk}/released/", form).content.decode()
    assert "There is a problem" in page and "Enter the date the person was released." in page
    assert "Choose where the person went to live on release." in page
    form.update(
        {
            f"release{sentence.pk}-released_on": (TODAY + timedelta(days=3)).isoformat(),
            f"release{sentence.pk}-accommodation": "nfa",
        }
    )
    page = client.post(f"/releases/sentences/{sentence.pk}/released/", form).content.decode()
    assert "Choose where the person went to live from the list." in page
    form[f"release{sentence.pk}-accommodation"] = "no_fixed_abode"
    page = client.post(f"/releases/sentences/{sentence.pk}/released/", form).content.decode()
    assert "The release date cannot be in the future" in page
    form[f"release{sentence.pk}-released_on"] = TODAY.isoformat()
    page = client.post(f"/releases/sentences/{sentence.pk}/released/", form, follow=True).content.decode()
    assert "Release recorded: released on" in page
    assert "Released on" in page and "accommodation on release no fixed abode" in page
    assert "No custodial sentence awaiting release." in page
    with django_assert_max_num_queries(14):
        client.get(f"/people/{subject.pk}/release/")
    # The pipeline and the work queue leave a release that has happened out.
    assert "GATE" not in client.get("/releases/").content.decode()


# --- API and command line -----------------------------------------------------------------------------


def test_api_records_facts_and_the_release_with_the_forms_messages(client, partnership, team):
    _, sentence = prisoner(partnership, team)
    client.force_login(team["officer"])
    response = client.post(
        f"/api/releases/sentences/{sentence.pk}/facts",
        {"sentence_type": "standard", "hdc_exclusions": ["deportation"]},
        content_type="application/json",
    )
    body = response.json()
    assert (
        response.status_code == 200 and body["hdc_exclusions"] == ["deportation"] and not body["hdc_eligible"]
    )
    assert "liable to deportation" in body["hdc_reasons"]
    response = client.post(
        f"/api/releases/sentences/{sentence.pk}/facts",
        {"hdc_exclusions": ["nope"]},
        content_type="application/json",
    )
    assert (
        response.status_code == 422
        and response.json()["detail"][0]["msg"] == "Choose HDC exclusions from the list."
    )
    response = client.post(
        f"/api/releases/sentences/{sentence.pk}/release",
        {"released_on": str(TODAY + timedelta(days=1)), "accommodation": "own_home"},
        content_type="application/json",
    )
    assert response.status_code == 422 and "cannot be in the future" in response.json()["detail"][0]["msg"]
    response = client.post(
        f"/api/releases/sentences/{sentence.pk}/release",
        {"released_on": str(TODAY), "release_type": "hdc", "accommodation": "sofa_surfing"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert (
        response.json()["accommodation_on_release"] == "unsettled"
        and response.json()["release_type"] == "hdc"
    )
    client.force_login(team["police"])
    response = client.post(
        f"/api/releases/sentences/{sentence.pk}/facts", {}, content_type="application/json"
    )
    assert response.status_code == 404


def test_commands_record_facts_and_the_release_as_the_user(partnership, team):
    subject, sentence = prisoner(partnership, team)
    out = run(
        "release",
        "facts",
        "--person",
        str(subject.pk),
        "--hdc-exclusion",
        "hdc_recall",
        "--parole-board",
        "--user",
        "ruth.responsible",
    )
    assert "standard determinate sentence, hdc_recall" in out
    assert ReleaseFacts.objects.get(sentence=sentence).parole_board_case
    with pytest.raises(CommandError, match="Enter the extended licence of an extended sentence"):
        run(
            "release",
            "facts",
            "--sentence",
            str(sentence.pk),
            "--type",
            "extended",
            "--user",
            "ruth.responsible",
        )
    with pytest.raises(CommandError, match=r"Choose where the person went to live from the list\."):
        run(
            "release",
            "released",
            "--sentence",
            str(sentence.pk),
            "--date",
            TODAY.isoformat(),
            "--accommodation",
            "castle",
            "--user",
            "ruth.responsible",
        )
    out = run(
        "release",
        "released",
        "--person",
        str(subject.pk),
        "--date",
        TODAY.isoformat(),
        "--accommodation",
        "family_friends",
        "--user",
        "ruth.responsible",
    )
    assert "released on" in out and "accommodation on release settled" in out
    entry = AccessLogEntry.objects.filter(object_type="release.release").get()
    assert entry.channel == "cli" and entry.username == "ruth.responsible"
    with pytest.raises(CommandError, match="no custodial sentence waiting for release"):
        run(
            "release",
            "released",
            "--person",
            str(subject.pk),
            "--date",
            TODAY.isoformat(),
            "--accommodation",
            "own_home",
            "--user",
            "ruth.responsible",
        )
    with pytest.raises(CommandError, match="No such record"):
        run("release", "facts", "--sentence", str(sentence.pk), "--user", "pc.plod")
