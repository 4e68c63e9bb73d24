"""The data model's constraints hold in the database itself: rows written straight through the ORM,
without forms or services, are refused when they break one (issue 1, the foundation).

Each bad row is written inside its own transaction.atomic(), so the refusal rolls back only that row
and the test database stays usable. The database's message names the constraint (SQLite names check
constraints only; PostgreSQL names unique ones too), so the tests check that the intended one fired.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import IntegrityError, models, transaction

from desist.offences.models import Offence
from desist.people.models import Address, Identifier, Involvement, Relationship
from desist.registers.models import RegisterEntry
from desist.sentences.models import LicenceCondition, Requirement, Sentence
from tests.app import builders

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

D1, D2, D3 = date(2024, 1, 10), date(2024, 6, 1), date(2025, 1, 31)


def refused(model: type[models.Model], constraint: str, **fields: Any) -> None:
    """Writing the row raises IntegrityError, for the named constraint."""
    unique = any(
        getattr(c, "name", "") == constraint
        for c in model._meta.constraints
        if isinstance(c, models.UniqueConstraint)
    )
    pattern = f"{constraint}|UNIQUE constraint failed" if unique else constraint
    with pytest.raises(IntegrityError, match=pattern), transaction.atomic():
        model.objects.create(**fields)


def accepted(model: type[models.Model], **fields: Any) -> models.Model:
    with transaction.atomic():
        return model.objects.create(**fields)


@pytest.fixture
def pair(partnership):
    return builders.person(first_name="Alex", last_name="Ashdown"), builders.person(
        first_name="Bea", last_name="Brook"
    )


# --- people: identifiers ---------------------------------------------------------------------------------


def test_a_national_identifier_belongs_to_one_person(pair):
    alex, bea = pair
    accepted(Identifier, person=alex, kind="pnc", value="2004/0012345K", value_normalised="2004/0012345K")
    refused(
        Identifier,
        "identifier_unique_national",
        person=bea,
        kind="pnc",
        value="2004/0012345k",
        value_normalised="2004/0012345K",
    )
    # The same characters as another kind of identifier are a different identifier.
    accepted(Identifier, person=bea, kind="crn", value="2004/0012345K", value_normalised="2004/0012345K")


def test_a_local_identifier_is_unique_within_its_issuing_agency(pair, partnership):
    alex, bea = pair
    accepted(
        Identifier,
        person=alex,
        kind="local",
        value="HSG 123",
        value_normalised="HSG123",
        issuing_agency=partnership.housing,
    )
    refused(
        Identifier,
        "identifier_unique_local",
        person=bea,
        kind="local",
        value="hsg123",
        value_normalised="HSG123",
        issuing_agency=partnership.housing,
    )
    # Another agency may use the same number for its own, different, record.
    accepted(
        Identifier,
        person=bea,
        kind="local",
        value="HSG 123",
        value_normalised="HSG123",
        issuing_agency=partnership.treatment,
    )


@pytest.mark.parametrize(
    ("kind", "with_issuer"),
    [("local", False), ("pnc", True), ("nhs_number", True)],
    ids=["local-without-issuer", "pnc-with-issuer", "nhs-with-issuer"],
)
def test_only_local_identifiers_have_an_issuer(pair, partnership, kind, with_issuer):
    refused(
        Identifier,
        "identifier_local_has_issuer",
        person=pair[0],
        kind=kind,
        value="X1",
        value_normalised="X1",
        issuing_agency=partnership.police if with_issuer else None,
    )


# --- people: addresses, relationships, involvements ---------------------------------------------------------


def test_an_address_ends_on_or_after_it_starts(pair):
    home = {"person": pair[0], "line1": "1 High Street", "town": "Chatham", "postcode": "ME4 4AA"}
    refused(Address, "address_dates_in_order", **home, from_date=D2, to_date=D1)
    accepted(Address, **home, from_date=D2, to_date=D2)
    accepted(Address, **home, from_date=D2, to_date=None)


def test_a_relationship_is_with_someone_else_and_recorded_once(pair):
    alex, bea = pair
    refused(Relationship, "relationship_not_self", person=alex, related_person=alex, kind="sibling")
    accepted(Relationship, person=alex, related_person=bea, kind="sibling")
    refused(Relationship, "relationship_unique", person=alex, related_person=bea, kind="sibling")
    # Another kind between the same two, and the other direction, are other rows.
    accepted(Relationship, person=alex, related_person=bea, kind="household_member")
    accepted(Relationship, person=bea, related_person=alex, kind="sibling")


def test_an_involvement_ends_on_or_after_it_starts(pair, partnership):
    work = {"person": pair[0], "agency": partnership.probation, "reason": "Supervision"}
    refused(Involvement, "involvement_dates_in_order", **work, start_date=D2, end_date=D1)
    accepted(Involvement, **work, start_date=D2, end_date=D2)


# --- registers ---------------------------------------------------------------------------------------------


# A MAPPA entry without a category or level is refused too: the check says isnull=False as well as IN,
# because IN on NULL is unknown and a CHECK only refuses a row whose condition is false.
@pytest.mark.parametrize(
    ("kind", "category", "level"),
    [
        pytest.param("mappa", None, None, id="mappa-neither"),
        pytest.param("mappa", 2, None, id="mappa-no-level"),
        pytest.param("mappa", None, 1, id="mappa-no-category"),
        pytest.param("mappa", 5, 1, id="mappa-category-5"),
        pytest.param("mappa", 1, 4, id="mappa-level-4"),
        pytest.param("domestic_abuse_perpetrator", 2, 1, id="other-with-both"),
        pytest.param("iom", 2, None, id="other-with-category"),
        pytest.param("iom", None, 1, id="other-with-level"),
    ],
)
def test_mappa_and_only_mappa_has_a_category_and_level(pair, kind, category, level):
    refused(
        RegisterEntry,
        "register_mappa_has_category_and_level",
        person=pair[0],
        kind=kind,
        mappa_category=category,
        mappa_level=level,
        start_date=D1,
    )


def test_valid_register_entries_are_accepted(pair):
    accepted(RegisterEntry, person=pair[0], kind="mappa", mappa_category=4, mappa_level=3, start_date=D1)
    accepted(RegisterEntry, person=pair[0], kind="iom", start_date=D1, end_date=D1)


def test_a_register_entry_ends_on_or_after_it_starts(pair):
    refused(RegisterEntry, "register_dates_in_order", person=pair[0], kind="iom", start_date=D2, end_date=D1)


# --- sentences ---------------------------------------------------------------------------------------------

CUSTODY = {"kind": "custody", "sentence_date": D1, "length_days": 365, "conditional_release_date": D2}
ORDER = {"kind": "community_order", "sentence_date": D1, "length_days": 365, "start_date": D1, "end_date": D3}


@pytest.mark.parametrize(
    ("base", "change", "constraint"),
    [
        (CUSTODY, {"conditional_release_date": None}, "sentence_custody_has_crd"),
        (ORDER, {"start_date": None}, "sentence_order_has_dates"),
        (ORDER, {"end_date": None}, "sentence_order_has_dates"),
        ({**ORDER, "kind": "suspended_sentence_order"}, {"end_date": None}, "sentence_order_has_dates"),
        (ORDER, {"start_date": D3, "end_date": D2}, "sentence_order_dates_in_order"),
        (CUSTODY, {"release_date": date(2024, 1, 9)}, "sentence_release_after_sentence"),
        (ORDER, {"release_date": date(2024, 1, 9)}, "sentence_release_after_sentence"),
        (CUSTODY, {"conditional_release_date": date(2024, 1, 9)}, "sentence_crd_after_sentence"),
    ],
    ids=[
        "custody-without-crd",
        "order-without-start",
        "order-without-end",
        "sso-without-end",
        "order-ends-before-start",
        "released-before-sentence",
        "order-released-before-sentence",
        "crd-before-sentence",
    ],
)
def test_bad_sentences_are_refused(pair, base, change, constraint):
    refused(Sentence, constraint, person=pair[0], **{**base, **change})


def test_valid_sentences_are_accepted(pair):
    accepted(Sentence, person=pair[0], **CUSTODY, release_date=D1)
    accepted(Sentence, person=pair[0], **{**ORDER, "end_date": D1})
    # A custodial sentence needs no start or end date of an order.
    accepted(Sentence, person=pair[0], **{**CUSTODY, "conditional_release_date": D1})


def test_a_requirement_ends_on_or_after_it_starts(pair):
    order = accepted(Sentence, person=pair[0], **ORDER)
    refused(
        Requirement,
        "requirement_dates_in_order",
        sentence=order,
        kind="unpaid_work",
        start_date=D2,
        end_date=D1,
    )


def test_a_licence_condition_is_in_force_once(pair):
    licence = accepted(Sentence, person=pair[0], **CUSTODY)
    first = {"sentence": licence, "kind": "additional", "code": "NON_CONTACT", "description": "No contact"}
    accepted(LicenceCondition, **first, ended_on=D2)
    accepted(LicenceCondition, **first)
    refused(LicenceCondition, "licence_condition_unique_code", **first)
    # Ended ones are history: any number may share the code.
    accepted(LicenceCondition, **first, ended_on=D3)


# --- offences ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "constraint"),
    [
        ({"offence_date": D2, "outcome_date": D1}, "offence_before_outcome"),
        ({"outcome": "caution", "disposal": "fine"}, "offence_disposal_matches_outcome"),
        ({"outcome": "conviction", "disposal": ""}, "offence_disposal_matches_outcome"),
    ],
    ids=["offence-after-outcome", "caution-with-disposal", "conviction-without-disposal"],
)
def test_bad_offences_are_refused(pair, change, constraint):
    proven = {
        "person": pair[0],
        "offence_code": builders.offence_code(),
        "offence_date": D1,
        "outcome_date": D2,
        "outcome": "conviction",
        "disposal": "fine",
    }
    accepted(Offence, **proven)
    accepted(Offence, **{**proven, "outcome": "caution", "disposal": "", "outcome_date": D1})
    refused(Offence, constraint, **{**proven, **change})
