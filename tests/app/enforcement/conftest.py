"""What the enforcement tests share: a probation officer's person on a community order with requirements,
and a licence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.models import User

from desist.audit.context import Actor
from desist.people.models import Person
from desist.sentences import services as sentences
from desist.sentences.models import Requirement, Sentence
from tests.app import builders
from tests.app.builders import TODAY


@dataclass
class Case:
    person: Person
    order: Sentence
    unpaid_work: Requirement
    rar: Requirement
    programme: Requirement
    drr: Requirement
    officer: Actor
    police: Actor
    officer_user: User
    police_user: User


@pytest.fixture
def case(partnership) -> Case:
    officer = partnership.user("ruth.responsible", partnership.probation)
    police = partnership.user("pc.plod", partnership.police)
    subject = builders.person(
        last_name="Breached", district=partnership.medway, involved=[(partnership.probation, officer)]
    )
    start = TODAY - timedelta(days=200)
    order = builders.community_order(subject, start=start, months=18)
    system = builders.actor()

    def requirement(kind: str, amount: int, unit: str) -> Requirement:
        return sentences.requirement_add(
            actor=system, sentence=order, kind=kind, start_date=start, amount=amount, unit=unit
        )

    return Case(
        person=subject,
        order=order,
        unpaid_work=requirement("unpaid_work", 100, "hours"),
        rar=requirement("rar", 20, "days"),
        programme=requirement("programme", 24, "sessions"),
        drr=requirement("drr", 6, "months"),
        officer=builders.actor(officer),
        police=builders.actor(police),
        officer_user=officer,
        police_user=police,
    )
