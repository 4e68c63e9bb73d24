"""Hospital orders (RULES.md §7): a disposal of their own, enough by itself for the Victim Contact Scheme when
the offence is violent or sexual, and not custody for proven reoffending (the court date is the index
date)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from desist.audit.context import system_actor
from desist.board import selectors as board
from desist.board.refresh import basket_compute
from desist.offences import services as offences
from desist.offences.models import Disposal
from desist.partnership.models import Role
from desist.victims import services as victims
from tests.app import builders
from tests.app.builders import TODAY

pytestmark = pytest.mark.django_db


def hospital_order(subject, *, code: str, category: str, on):
    builders.offence_code(code, category, 0.1)
    return offences.offence_record(
        actor=system_actor(),
        person=subject,
        offence_code=code,
        offence_date=on - timedelta(days=60),
        outcome="conviction",
        outcome_date=on,
        disposal=Disposal.HOSPITAL_ORDER,
    )


def test_a_hospital_order_for_a_violent_offence_makes_its_victim_eligible(partnership):
    vlo = builders.actor(partnership.user("val.liaison", partnership.probation, role=Role.VICTIM_LIAISON))
    subject = builders.person(last_name="Detained", involved=[(partnership.probation, None)])
    violent = hospital_order(subject, code="00800", category="Violence", on=TODAY - timedelta(days=30))
    theft = hospital_order(subject, code="04600", category="Theft (non-motor)", on=TODAY - timedelta(days=20))
    victim = victims.victim_record(actor=vlo, reference="VLU-H1", opted_in=True, wants_to_know=["release"])
    victims.victim_link(actor=vlo, victim=victim, offence=violent)
    victims.victim_link(actor=vlo, victim=victim, offence=theft)
    results = dict(victims.victim_eligibility(victim))
    assert violent.sentence is None  # no sentence: the order is enough
    assert results[violent].eligible and "hospital order" in results[violent].reasons
    assert not results[theft].eligible and "hospital order" in results[theft].reasons


def test_proven_reoffending_counts_from_the_day_of_a_hospital_order():
    from desist.core.basket import BY_CODE, BoardView

    quarter = board.latest_quarter()
    builders.offence_code("04600", "Theft (non-motor)", 0.0)
    subject = builders.person(last_name="Ordered")
    hospital_order(subject, code="00800", category="Violence", on=quarter.start + timedelta(days=5))
    offences.offence_record(
        actor=system_actor(),
        person=subject,
        offence_code="04600",
        offence_date=quarter.start + timedelta(days=20),
        outcome="conviction",
        outcome_date=quarter.start + timedelta(days=30),
        disposal=Disposal.FINE,
    )
    cell = BoardView(basket_compute(), analyst=True).cell(BY_CODE["proven_reoffending"], quarter)
    assert (cell.numerator, cell.denominator) == (1, 1)
