"""The demo's year of MARAC referrals (desist.marac.demo): recorded through the services by the demo's MARAC
coordinator, repeats among them, perpetrators from the caseload, actions done and overdue; loaded once."""

from __future__ import annotations

import pytest

from desist.audit.models import AccessLogEntry
from desist.marac.demo import USERNAME, demo_marac_build
from desist.marac.models import DashAssessment, MaracAction, MaracReferral, MaracVictim
from desist.offences.services import offence_record
from desist.partnership.models import Agency, AgencyKind, Role
from tests.app import builders
from tests.app.builders import TODAY

pytestmark = pytest.mark.django_db


def test_a_year_of_referrals_each_decided_by_the_coordinator(partnership):
    Agency.objects.create(code="idva", name="Oasis Domestic Abuse Service", kind=AgencyKind.VOLUNTARY)
    builders.offence_code("00800", "Violence", 0.1)
    for i in range(6):
        person = builders.person(
            first_name="Dale", last_name=f"Synthetic{i}", involved=[(partnership.police, None)]
        )
        offence_record(
            actor=builders.actor(),
            person=person,
            offence_code="00800",
            offence_date=TODAY.replace(year=TODAY.year - 2),
            outcome="conviction",
            outcome_date=TODAY.replace(year=TODAY.year - 1),
            disposal="fine",
        )
    counts = demo_marac_build(TODAY, victims=40)
    assert counts["victims"] == MaracVictim.objects.count() == 40
    assert counts["referrals"] == MaracReferral.objects.count() > 40
    assert 0 < counts["repeats"] == MaracReferral.objects.filter(is_repeat=True).count()
    assert (
        0 < counts["perpetrators linked"] == MaracReferral.objects.filter(perpetrator__isnull=False).count()
    )
    assert set(MaracReferral.objects.values_list("route", flat=True)) == {
        "dash_score",
        "professional_judgement",
        "escalation",
    }
    assert MaracReferral.objects.filter(status="awaiting").exists()
    assert MaracAction.objects.filter(status="open", due_on__lt=TODAY).count() == counts["overdue"] > 0
    # Every decision names its deciding user: the coordinator.
    assert set(MaracReferral.objects.values_list("referred_by__username", flat=True)) == {USERNAME}
    assert not DashAssessment.objects.exclude(assessed_by__username=USERNAME).exists()
    assert not MaracAction.objects.filter(status="done", closed_by__isnull=True).exists()
    assert MaracReferral.objects.first().referred_by.memberships.get().role == Role.MARAC_COORDINATOR
    assert AccessLogEntry.objects.filter(username=USERNAME).exists()
    assert demo_marac_build(TODAY, victims=40)["referrals"] == 0  # loaded once
