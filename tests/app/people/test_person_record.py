"""The person record shows everything on one page, in a bounded number of queries (issue 2, point 5)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from desist.offences.services import offence_record
from desist.people import services
from desist.sentences.services import licence_condition_add, requirement_add
from tests.app import builders
from tests.app.builders import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(partnership):
    return partnership.user("pat.probation", partnership.probation)


def full_record(partnership, worker, offences=2, pnc="2009/0012345E"):
    system = builders.actor()
    subject = builders.person(
        first_name="Dean",
        last_name="Carter",
        date_of_birth=date(1991, 6, 2),
        district=partnership.medway,
        involved=[(partnership.probation, worker), (partnership.housing, None)],
    )
    services.person_name_add(
        actor=system, person=subject, kind="alias", first_name="Deano", last_name="Carter"
    )
    services.identifier_add(actor=system, person=subject, kind="pnc", value=pnc)
    services.address_add(
        actor=system,
        person=subject,
        line1="12 Chatham Hill",
        town="Chatham",
        postcode="ME5 7AA",
        from_date=TODAY - timedelta(days=900),
        district_id=partnership.medway.pk,
    )
    services.address_add(
        actor=system,
        person=subject,
        line1="4 Hostel Road",
        town="Gillingham",
        postcode="ME7 1AB",
        from_date=TODAY - timedelta(days=90),
        district_id=partnership.medway.pk,
    )
    mother = builders.person(
        first_name="Carol",
        last_name="Carter",
        date_of_birth=date(1965, 1, 1),
        sex="female",
        involved=[(partnership.housing, None), (partnership.probation, None)],
    )
    services.relationship_record(
        actor=system,
        person=subject,
        related_person=mother,
        kind="parent",
        source_agency_id=partnership.housing.pk,
    )
    order = builders.community_order(subject, start=TODAY - timedelta(days=60), months=18)
    requirement_add(
        actor=system,
        sentence=order,
        kind="unpaid_work",
        amount=120,
        unit="hours",
        start_date=TODAY - timedelta(days=60),
    )
    requirement_add(
        actor=system,
        sentence=order,
        kind="drr",
        amount=6,
        unit="months",
        start_date=TODAY - timedelta(days=60),
    )
    old = builders.custody(
        subject,
        sentence_date=TODAY - timedelta(days=1200),
        length_days=300,
        release=TODAY - timedelta(days=1050),
        actual=True,
    )
    licence_condition_add(
        actor=system,
        sentence=old,
        kind="additional",
        code="ADD_NO_CONTACT",
        description="Not to contact the victim directly or indirectly",
    )
    builders.flag(subject, "mappa", mappa_category=2, mappa_level=1)
    builders.flag(subject, "domestic_abuse_perpetrator")
    code = builders.offence_code()
    for n in range(offences):
        offence_record(
            actor=system,
            person=subject,
            offence_code=code.code,
            offence_date=TODAY - timedelta(days=100 + 30 * n),
            outcome="conviction",
            outcome_date=TODAY - timedelta(days=70 + 30 * n),
            disposal="community",
            sentence_id=order.pk,
        )
    return subject


def test_the_record_shows_every_section(client, partnership, worker):
    subject = full_record(partnership, worker)
    client.force_login(worker)
    # The record is a page per section (GOV.UK sub-navigation): every section together shows everything.
    sections = ["", "risk/", "sentences/", "registers/", "household/", "offences/", "agencies/"]
    pages = [client.get(f"/people/{subject.pk}/{part}") for part in sections]
    assert [r.status_code for r in pages] == [200] * len(sections)
    html = "".join(r.content.decode() for r in pages)
    for text in [
        "Dean Carter",
        "2 June 1991",
        "Deano Carter",
        "alias",
        "PNC number",
        "2009/0012345E",
        "4 Hostel Road, Gillingham, ME7 1AB",
        "12 Chatham Hill",
        "Current",
        "Carol Carter",
        "Parent",
        "Medway Council Housing",
        "Community order",
        "Unpaid work",
        "120 hours",
        "Drug rehabilitation",
        "Custodial sentence",
        "Not to contact the victim",
        "Released",
        "MAPPA",
        "Category 2: violent offender",
        "Level 1: ordinary agency management",
        "Domestic abuse perpetrator",
        "02800",
        "Conviction",
        "Kent Probation",
        "Pat.Probation Worker",
        "Order ends",
    ]:
        assert text in html, text
    assert "desist-status--community" in html


def test_record_queries_do_not_grow_with_history(client, partnership, worker):
    small = full_record(partnership, worker, offences=1)
    large = full_record(partnership, worker, offences=25, pnc="2010/0054321W")
    client.force_login(worker)
    for part in ["", "risk/", "sentences/", "offences/"]:
        with CaptureQueriesContext(connection) as few:
            client.get(f"/people/{small.pk}/{part}")
        with CaptureQueriesContext(connection) as many:
            client.get(f"/people/{large.pk}/{part}")
        assert len(many) == len(few), part
        assert len(many) <= 30, part
