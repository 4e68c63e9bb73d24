from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from desist.meetings import services
from desist.partnership.models import Role
from desist.registers.models import RegisterKind
from tests.app import builders
from tests.app.builders import TODAY


@pytest.fixture
def mappa(partnership):
    """A level 2 series run by a probation coordinator, with police, prison and housing as members; a person
    on the MAPPA register at level 2 due for review, and one newly referred."""
    p = partnership
    coordinator = p.user("marnie.mappa", p.probation, role=Role.COORDINATOR)
    officer = p.user("paul.probation", p.probation)
    police = p.user("pc.mappa", p.police)
    housing = p.user("hattie.housing", p.housing)
    treatment = p.user("terry.treatment", p.treatment)
    actor = builders.actor(coordinator)
    series = services.series_create(
        actor=actor,
        name="Medway MAPPA level 2",
        kind="mappa_2",
        chair_agency=p.probation,
        agencies=[p.probation, p.police, p.prison, p.housing, p.treatment],
        place="Medway Police Station",
    )
    starts = timezone.make_aware(datetime.combine(TODAY + timedelta(days=1), time(10)))
    meeting = services.meeting_schedule(actor=actor, series=series, starts_at=starts)
    reviewed = builders.person(first_name="Rita", last_name="Reviewed", involved=[(p.probation, officer)])
    builders.flag(reviewed, RegisterKind.MAPPA, mappa_category=2, mappa_level=2)
    from desist.meetings.models import MappaCase

    MappaCase.objects.create(
        person=reviewed, level=2, category=2, next_review_on=TODAY, opened_on=TODAY - timedelta(days=60)
    )
    referred = builders.person(first_name="Ned", last_name="Newcase", involved=[(p.probation, officer)])
    referral = services.mappa_referral_make(
        actor=builders.actor(officer), person=referred, level=2, category=1, reason="Escalating risk"
    )
    return {
        "series": series,
        "meeting": meeting,
        "coordinator": coordinator,
        "officer": officer,
        "police": police,
        "housing": housing,
        "treatment": treatment,
        "reviewed": reviewed,
        "referred": referred,
        "referral": referral,
        "actor": actor,
    }
