"""Recording an identifier: PNC, CRN, NHS and National Insurance numbers must fit their published formats."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from desist.audit.models import AccessLogEntry
from desist.people import services
from desist.people.models import Identifier
from tests.app import builders

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "value", "words"),
    [
        ("pnc", "notapnc", "is not a PNC number"),
        ("pnc", "2012/0123456A", "check letter"),
        ("crn", "123456", "a letter and six digits"),
        ("nhs_number", "9434765918", "check digit"),
        ("ni_number", "QQ123456C", "no number starts QQ"),
    ],
)
def test_a_malformed_identifier_is_refused_and_nothing_is_stored(partnership, kind, value, words):
    subject = builders.person()
    logged = AccessLogEntry.objects.count()
    with pytest.raises(ValidationError, match=words):
        services.identifier_add(actor=builders.actor(), person=subject, kind=kind, value=value)
    assert not Identifier.objects.exists() and AccessLogEntry.objects.count() == logged


def test_well_formed_identifiers_are_stored_in_their_normal_form(partnership):
    subject = builders.person()
    for kind, value in [
        ("pnc", "12/123456Y"),
        ("crn", "x123456"),
        ("nhs_number", "943 476 5919"),
        ("ni_number", "ab 12 34 56 c"),
        ("prison_number", "A1234BC"),
        ("local", "T-77"),
    ]:
        services.identifier_add(
            actor=builders.actor(),
            person=subject,
            kind=kind,
            value=value,
            issuing_agency_id=partnership.housing.pk if kind == "local" else None,
        )
    assert dict(Identifier.objects.values_list("kind", "value_normalised")) == {
        "pnc": "2012/0123456Y",
        "crn": "X123456",
        "nhs_number": "9434765919",
        "ni_number": "AB123456C",
        "prison_number": "A1234BC",
        "local": "T77",
    }
