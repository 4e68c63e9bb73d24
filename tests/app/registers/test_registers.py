"""Registers and flags: putting a person on a register (MAPPA needs its category and level) and ending it."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from desist.audit.models import AccessLogEntry, Action
from desist.registers.models import RegisterEntry, RegisterKind
from desist.registers.services import register_add, register_end
from tests.app import builders

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def lee(partnership):
    return builders.person(first_name="Lee", last_name="Barton", involved=[(partnership.probation, None)])


def test_a_mappa_registration_needs_its_category_and_level(lee):
    for missing in ({"mappa_level": 2}, {"mappa_category": 2}, {}):
        with pytest.raises(ValidationError):
            register_add(
                actor=builders.actor(),
                person=lee,
                kind=RegisterKind.MAPPA,
                start_date=date(2025, 1, 1),
                **missing,
            )
    assert not RegisterEntry.objects.exists()
    entry = register_add(
        actor=builders.actor(),
        person=lee,
        kind=RegisterKind.MAPPA,
        start_date=date(2025, 1, 1),
        mappa_category=2,
        mappa_level=2,
    )
    assert entry.label == "MAPPA C2 L2"
    logged = AccessLogEntry.objects.get(
        action=Action.COLLECTION, object_type="registers.registerentry", object_id=str(entry.pk)
    )
    assert logged.person_id == lee.pk and "MAPPA C2 L2" in logged.summary


def test_only_mappa_carries_a_category_and_level(lee):
    with pytest.raises(ValidationError):
        register_add(
            actor=builders.actor(),
            person=lee,
            kind=RegisterKind.DOMESTIC_ABUSE_PERPETRATOR,
            start_date=date(2025, 1, 1),
            mappa_category=1,
            mappa_level=1,
        )
    assert (
        register_add(
            actor=builders.actor(),
            person=lee,
            kind=RegisterKind.DOMESTIC_ABUSE_PERPETRATOR,
            start_date=date(2025, 1, 1),
        ).label
        == "DA"
    )


def test_the_database_refuses_a_mappa_entry_without_a_level_whatever_writes_it(lee):
    with pytest.raises(IntegrityError), transaction.atomic():
        RegisterEntry.objects.create(
            person=lee, kind=RegisterKind.MAPPA, start_date=date(2025, 1, 1), mappa_category=1
        )


def test_a_register_ends_on_or_after_it_began_with_the_change_logged(lee):
    entry = register_add(
        actor=builders.actor(), person=lee, kind=RegisterKind.IOM, start_date=date(2025, 1, 1)
    )
    with pytest.raises(ValidationError):
        register_end(actor=builders.actor(), entry=entry, end_date=date(2024, 12, 31))
    entry.refresh_from_db()
    assert entry.end_date is None
    register_end(actor=builders.actor(), entry=entry, end_date=date(2025, 6, 30))
    entry.refresh_from_db()
    assert entry.end_date == date(2025, 6, 30)
    change = AccessLogEntry.objects.get(
        action=Action.ALTERATION, object_type="registers.registerentry", object_id=str(entry.pk)
    ).detail["changes"]
    assert change["end_date"] == {"before": None, "after": "2025-06-30"}
