"""The daily victims pass reads the person's release (issue 12): the latest expected release of the sentences
served together, as the plan, the triggers and the readiness view do, not each sentence's own date where the
prison recorded different ones. Real database, no mocks."""

from __future__ import annotations

from datetime import timedelta

import pytest

from desist.offences import services as offences
from desist.release.models import ReleasePlan
from desist.victims import services
from desist.victims.models import VictimNotification
from tests.app import builders
from tests.app.builders import TODAY

pytestmark = pytest.mark.django_db

TEAM = ("officer", "vlo")


def test_the_daily_pass_tells_the_victim_the_persons_release_not_the_sentences_own_date(partnership, team):
    subject = builders.person(
        last_name="Twosentences",
        district=partnership.medway,
        involved=[(partnership.probation, team["officer"]), (partnership.prison, None)],
    )
    # Served together; the prison recorded different release dates: the person is released on the later.
    earlier = builders.custody(
        subject,
        sentence_date=TODAY - timedelta(days=100),
        length_days=400,
        release=TODAY + timedelta(days=30),
    )
    later = builders.custody(
        subject, sentence_date=TODAY - timedelta(days=90), length_days=500, release=TODAY + timedelta(days=70)
    )
    builders.offence_code("00800", "Violence", 0.1)
    offence = offences.offence_record(
        actor=builders.actor(),
        person=subject,
        offence_code="00800",
        offence_date=TODAY - timedelta(days=150),
        outcome="conviction",
        outcome_date=TODAY - timedelta(days=100),
        disposal="custody",
        sentence_id=earlier.pk,
    )
    vlo = builders.actor(team["vlo"])
    victim = services.victim_record(actor=vlo, reference="VLU-20", opted_in=True, wants_to_know=("release",))
    VictimNotification.objects.all().delete()  # what linking raised; the daily pass is what is checked
    services.victim_link(actor=vlo, victim=victim, offence=offence)
    VictimNotification.objects.all().delete()
    assert services.notifications_raise(actor=builders.actor()) == 1
    notification = VictimNotification.objects.get()
    assert (notification.sentence_id, notification.event_kind, notification.event_date) == (
        earlier.pk,
        "release_date_set",
        TODAY + timedelta(days=70),
    )
    assert services.notifications_raise(actor=builders.actor()) == 0  # once
    # The later sentence's date gone (say, ended): the person's release is the earlier sentence's again.
    later.release_date = None
    later.save(update_fields=["release_date"])
    assert services.notifications_raise(actor=builders.actor()) == 1
    assert set(VictimNotification.objects.values_list("event_date", flat=True)) == {
        TODAY + timedelta(days=70),
        TODAY + timedelta(days=30),
    }
    assert not ReleasePlan.objects.exists()


def test_a_release_already_past_for_the_person_raises_nothing(partnership, team):
    subject = builders.person(
        last_name="Past",
        district=partnership.medway,
        involved=[(partnership.probation, team["officer"]), (partnership.prison, None)],
    )
    sentence = builders.custody(
        subject, sentence_date=TODAY - timedelta(days=300), length_days=400, release=TODAY - timedelta(days=2)
    )
    builders.offence_code("00800", "Violence", 0.1)
    offence = offences.offence_record(
        actor=builders.actor(),
        person=subject,
        offence_code="00800",
        offence_date=TODAY - timedelta(days=350),
        outcome="conviction",
        outcome_date=TODAY - timedelta(days=300),
        disposal="custody",
        sentence_id=sentence.pk,
    )
    vlo = builders.actor(team["vlo"])
    victim = services.victim_record(actor=vlo, reference="VLU-21", opted_in=True, wants_to_know=("release",))
    services.victim_link(actor=vlo, victim=victim, offence=offence)
    assert services.notifications_raise(actor=builders.actor()) == 0
