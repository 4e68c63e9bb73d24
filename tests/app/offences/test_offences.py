"""Offence history: the offence code list, recording a proven offence and choosing its OGRS3 category."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django_tasks_db.models import DBTaskResult

from desist.audit.models import AccessLogEntry, Action
from desist.core.risk.ogrs3 import OFFENCE_CATEGORIES
from desist.offences.models import Offence, OffenceCode
from desist.offences.services import (
    UnknownCategory,
    offence_category_choose,
    offence_codes_load,
    offence_record,
)
from tests.app import builders

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def kim(partnership):
    return builders.person(first_name="Kim", last_name="Doyle", involved=[(partnership.probation, None)])


def test_the_shipped_offence_codes_load_once_and_carry_their_ogrs3_category():
    held = offence_codes_load()
    assert held > 1000 and OffenceCode.objects.count() == held
    assert offence_codes_load() == held  # a second load adds nothing
    burglary = OffenceCode.objects.get(code="02800")
    assert burglary.ogrs3_category and burglary.ogrs3_weight is not None


def test_an_offence_is_recorded_logged_and_queues_the_persons_derived_figures(
    kim, django_capture_on_commit_callbacks
):
    builders.offence_code("02800")
    with django_capture_on_commit_callbacks(execute=True):
        offence = offence_record(
            actor=builders.actor(),
            person=kim,
            offence_code="02800",
            offence_date=date(2024, 1, 5),
            outcome="conviction",
            outcome_date=date(2024, 3, 1),
            disposal="community",
        )
    assert Offence.objects.get().pk == offence.pk
    entry = AccessLogEntry.objects.get(
        object_type="offences.offence", object_id=str(offence.pk), action=Action.COLLECTION
    )
    assert entry.person_id == kim.pk and entry.detail["after"]["offence_code"] == "02800"
    # Risk scores, priority groups and IOM candidacy are worked out again from the new history.
    assert DBTaskResult.objects.filter(
        task_path="desist.iom.tasks.refresh_person_derived", args_kwargs__args=[kim.pk]
    ).exists()


@pytest.mark.parametrize(
    ("outcome", "disposal", "offence_date"),
    [
        ("conviction", "", date(2024, 1, 5)),  # a conviction has a disposal
        ("caution", "fine", date(2024, 1, 5)),  # a caution has none
        ("conviction", "fine", date(2024, 6, 1)),  # proven before it happened
    ],
)
def test_an_impossible_offence_is_refused_and_nothing_is_kept(kim, outcome, disposal, offence_date):
    builders.offence_code("02800")
    with pytest.raises(ValidationError):
        offence_record(
            actor=builders.actor(),
            person=kim,
            offence_code="02800",
            offence_date=offence_date,
            outcome=outcome,
            outcome_date=date(2024, 3, 1),
            disposal=disposal,
        )
    assert (
        not Offence.objects.exists()
        and not AccessLogEntry.objects.filter(
            action=Action.COLLECTION, object_type__icontains="offence"
        ).exists()
    )


def test_the_database_itself_refuses_a_conviction_without_a_disposal(kim):
    code = builders.offence_code("02800")
    with pytest.raises(IntegrityError), transaction.atomic():
        Offence.objects.create(
            person=kim,
            offence_code=code,
            offence_date=date(2024, 1, 5),
            outcome="conviction",
            outcome_date=date(2024, 3, 1),
            disposal="",
        )


def test_an_offence_category_is_chosen_from_the_ogrs3_list_with_before_and_after_logged(kim):
    builders.offence_code("02800")
    offence = offence_record(
        actor=builders.actor(),
        person=kim,
        offence_code="02800",
        offence_date=date(2024, 1, 5),
        outcome="conviction",
        outcome_date=date(2024, 3, 1),
        disposal="community",
    )
    with pytest.raises(UnknownCategory, match="Choose one of"):
        offence_category_choose(actor=builders.actor(), offence=offence, category="Not a category")
    chosen = OFFENCE_CATEGORIES[0]
    offence_category_choose(actor=builders.actor(), offence=offence, category=chosen)
    offence.refresh_from_db()
    assert offence.ogrs3_category == chosen
    entry = AccessLogEntry.objects.get(
        action=Action.ALTERATION, object_type="offences.offence", object_id=str(offence.pk)
    )
    assert entry.detail["changes"]["ogrs3_category"] == {"before": "", "after": chosen}


def test_a_category_chosen_meanwhile_is_not_overwritten(kim):
    from desist.versioning import StaleEdit

    builders.offence_code("02800")
    offence = offence_record(
        actor=builders.actor(),
        person=kim,
        offence_code="02800",
        offence_date=date(2024, 1, 5),
        outcome="conviction",
        outcome_date=date(2024, 3, 1),
        disposal="community",
    )
    first, second = OFFENCE_CATEGORIES[0], OFFENCE_CATEGORIES[1]
    offence_category_choose(actor=builders.actor(), offence=offence, category=first, read="")
    with pytest.raises(StaleEdit):
        offence_category_choose(
            actor=builders.actor(), offence=Offence.objects.get(pk=offence.pk), category=second, read=""
        )
    assert Offence.objects.get(pk=offence.pk).ogrs3_category == first
