"""What the monitoring tests share: a probation officer's person on a community order with a curfew and an
exclusion requirement, each electronically monitored (supplier "acme", devices TAG1 and TAG2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta

import pytest
from django.contrib.auth.models import User

from desist.audit.context import Actor
from desist.monitoring import services
from desist.monitoring.models import MonitoringOrder
from desist.people.models import Person
from desist.sentences import services as sentences
from desist.sentences.models import Sentence
from tests.app import builders
from tests.app.builders import TODAY

ZONE = {
    "type": "Polygon",
    "coordinates": [[[1.07, 51.27], [1.09, 51.27], [1.09, 51.285], [1.07, 51.285], [1.07, 51.27]]],
}


@dataclass
class Case:
    person: Person
    sentence: Sentence
    curfew: MonitoringOrder
    exclusion: MonitoringOrder
    officer: Actor
    police: Actor
    officer_user: User
    police_user: User


def feed(*rows: str, header: str = "event_id,device_id,event_type,timestamp,latitude,longitude") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


@pytest.fixture
def case(partnership) -> Case:
    officer = partnership.user("owen.monitor", partnership.probation)
    police = partnership.user("pc.tagg", partnership.police)
    subject = builders.person(
        last_name="Tagged", district=partnership.medway, involved=[(partnership.probation, officer)]
    )
    start = TODAY - timedelta(days=100)
    order = builders.community_order(subject, start=start, months=12)
    system = builders.actor()
    curfew_requirement = sentences.requirement_add(
        actor=system, sentence=order, kind="curfew", start_date=start, amount=6, unit="months"
    )
    exclusion_requirement = sentences.requirement_add(
        actor=system, sentence=order, kind="exclusion", start_date=start, amount=12, unit="months"
    )
    actor = builders.actor(officer)
    curfew = services.create_order(
        actor=actor,
        person=subject,
        kind="curfew",
        requirement=curfew_requirement,
        start_date=start,
        supplier="acme",
        device_id="TAG1",
        curfew_start=time(19),
        curfew_end=time(7),
        curfew_days="12345",
    )
    exclusion = services.create_order(
        actor=actor,
        person=subject,
        kind="exclusion_zone",
        requirement=exclusion_requirement,
        start_date=start,
        supplier="acme",
        device_id="TAG2",
        zone=ZONE,
        zone_name="Canterbury city centre",
    )
    return Case(
        person=subject,
        sentence=order,
        curfew=curfew,
        exclusion=exclusion,
        officer=actor,
        police=builders.actor(police),
        officer_user=officer,
        police_user=police,
    )
