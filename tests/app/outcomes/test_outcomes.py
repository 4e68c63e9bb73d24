"""Supervision outcomes the basket of measures reads: accommodation, employment and enforcement."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from desist.audit.models import AccessLogEntry, Action
from desist.outcomes.models import (
    IN_ETE,
    SETTLED,
    AccommodationKind,
    AccommodationStatus,
    EmploymentKind,
    EnforcementAction,
)
from desist.outcomes.services import (
    accommodation_status_record,
    employment_status_record,
    enforcement_action_record,
)
from tests.app import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(partnership):
    subject = builders.person(first_name="Ray", last_name="Okafor", involved=[(partnership.probation, None)])
    return builders.community_order(subject, start=builders.TODAY - timedelta(days=60))


def test_each_outcome_is_kept_against_its_sentence_and_person_and_logged(order):
    actor = builders.actor()
    home = accommodation_status_record(
        actor=actor,
        sentence=order,
        stage="start",
        recorded_on=date(2025, 2, 1),
        kind=AccommodationKind.OWN_HOME,
    )
    work = employment_status_record(
        actor=actor, sentence=order, stage="start", recorded_on=date(2025, 2, 1), kind=EmploymentKind.TRAINING
    )
    warning = enforcement_action_record(
        actor=actor,
        sentence=order,
        kind="warning",
        action_date=date(2025, 3, 1),
        reason="Missed appointment without an acceptable reason",
    )
    for row in (home, work, warning):
        assert row.person_id == order.person_id and row.sentence_id == order.pk
        assert AccessLogEntry.objects.filter(
            action=Action.COLLECTION,
            object_type=row._meta.label_lower,
            object_id=str(row.pk),
            person_id=order.person_id,
        ).exists()
    assert str(warning) == "Warning on 2025-03-01"


def test_a_value_outside_the_lists_is_refused_and_nothing_is_kept(order):
    actor = builders.actor()
    with pytest.raises(ValidationError):
        accommodation_status_record(
            actor=actor, sentence=order, stage="start", recorded_on=date(2025, 2, 1), kind="castle"
        )
    with pytest.raises(ValidationError):
        accommodation_status_record(
            actor=actor,
            sentence=order,
            stage="halfway",
            recorded_on=date(2025, 2, 1),
            kind=AccommodationKind.OWN_HOME,
        )
    with pytest.raises(ValidationError):
        enforcement_action_record(
            actor=actor, sentence=order, kind="telling-off", action_date=date(2025, 3, 1)
        )
    assert not AccommodationStatus.objects.exists() and not EnforcementAction.objects.exists()


def test_settled_accommodation_and_ete_are_decided_in_one_place():
    # The basket's definitions (docs/measures.md): rough sleeping is never settled, unemployment never ETE.
    assert AccommodationKind.SUPPORTED in SETTLED and AccommodationKind.ROUGH_SLEEPING not in SETTLED
    assert AccommodationKind.APPROVED_PREMISES not in SETTLED
    assert EmploymentKind.EDUCATION in IN_ETE and EmploymentKind.UNEMPLOYED not in IN_ETE
