"""The demo's MARAC meetings (desist.meetings.demo): a monthly MARAC run by the demo's MARAC coordinator, the
held meetings hearing the demo's referrals with actions for the police, the IDVA service (owned by the demo's
IDVA) and one more agency, some overdue; the coming meeting's agenda built from the referrals awaiting. Every
decision and action names who recorded it and who owns it."""

from __future__ import annotations

import pytest

from desist.marac.demo import IDVA_USERNAME, USERNAME, demo_marac_build
from desist.meetings import selectors
from desist.meetings.demo import demo_marac_meetings_build
from desist.meetings.models import AgendaItem, MeetingAction, MeetingStatus
from desist.partnership.models import Agency, AgencyKind, Role
from tests.app import builders
from tests.app.builders import TODAY

pytestmark = pytest.mark.django_db


def test_a_few_months_of_marac_meetings_with_owned_actions(partnership):
    Agency.objects.create(code="idva", name="Oasis Domestic Abuse Service", kind=AgencyKind.VOLUNTARY)
    demo_marac_build(TODAY, victims=15)
    counts = demo_marac_meetings_build(TODAY)
    assert counts["series"] == 1 and counts["meetings"] >= 4
    held = AgendaItem.objects.filter(meeting__status=MeetingStatus.HELD)
    assert held.exists() and not held.filter(marac_referral__isnull=True).exists()
    assert set(held.values_list("recorded_by__username", flat=True)) == {USERNAME}
    # The coming meeting's agenda is the referrals awaiting, built by the service.
    coming = AgendaItem.objects.filter(meeting__status=MeetingStatus.SCHEDULED)
    assert coming.exists() and not coming.exclude(marac_referral__status="awaiting").exists()
    actions = MeetingAction.objects.all()
    assert actions.count() == counts["actions"] > 0
    assert not actions.filter(owner_user__isnull=True).exists()
    assert set(actions.values_list("created_by__username", flat=True)) == {USERNAME}
    assert actions.filter(status="open", due_on__lt=TODAY).count() == counts["overdue"] > 0
    idva = builders.actor(actions.filter(owner_user__username=IDVA_USERNAME).first().owner_user)
    assert Role.IDVA in idva.roles
    assert selectors.actions_owned(idva).exists()
    assert demo_marac_meetings_build(TODAY)["series"] == 0  # loaded once
