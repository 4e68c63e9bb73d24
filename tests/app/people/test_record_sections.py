"""The person record opens on a summary a practitioner scans first, with each section its own page under the
GOV.UK sub-navigation (issue 14, point 7)."""

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from desist.assessments.models import RiskScore, ScoreKind
from desist.enforcement import services as enforcement
from desist.people import services
from desist.supervision import services as supervision
from tests.app import builders
from tests.app.builders import TODAY
from tests.app.people.test_person_record import full_record

pytestmark = pytest.mark.django_db

SECTIONS = ["", "risk/", "sentences/", "registers/", "household/", "offences/", "agencies/"]


@pytest.fixture
def worker(partnership):
    return partnership.user("pat.probation", partnership.probation)


def _at(days: int, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(TODAY + timedelta(days=days), time(hour, 0)))


def busy_record(partnership, worker, *, appointments: int, failures: int, pnc: str):
    subject = full_record(partnership, worker, pnc=pnc)
    system = builders.actor()
    officer = builders.actor(worker)
    services.identifier_add(actor=system, person=subject, kind="crn", value=f"X{subject.pk:06d}")
    RiskScore.objects.create(person=subject, kind=ScoreKind.TIER, as_of=TODAY, value="B2")
    RiskScore.objects.create(person=subject, kind=ScoreKind.ROSH, as_of=TODAY, value="High")
    for n in range(appointments):
        supervision.book_appointment(
            actor=officer, person=subject, practitioner=worker, starts_at=_at(n + 1), ends_at=_at(n + 1, 11)
        )
    order = subject.sentences.order_by("-sentence_date").first()
    for n in range(failures):
        enforcement.record_failure(
            actor=officer,
            person=subject,
            sentence=order,
            occurred_on=TODAY - timedelta(days=n + 1),
            description=f"Missed session {n}",
            requirement=order.requirements.first(),
        )
    return subject


def test_the_record_opens_on_the_summary(client, partnership, worker):
    subject = busy_record(partnership, worker, appointments=2, failures=1, pnc="2009/0012345E")
    client.force_login(worker)
    html = client.get(f"/people/{subject.pk}/").content.decode()
    summary = html[html.index('id="summary"') : html.index("Coming up")]
    for text in [
        f"X{subject.pk:06d}",
        "2009/0012345E",
        "B2",
        "High",
        "Category 2: violent offender",
        "Level 1: ordinary agency management",
        "Pat.Probation Worker",
        "Kent Probation",
        "Community",
        (TODAY + timedelta(days=1)).strftime("%-d %b %Y"),
        "1 failure to judge",
        "Domestic abuse perpetrator",
    ]:
        assert text in summary, text
    # The sub-navigation marks the section shown, and links to the other apps' pages about the person.
    assert f'href="/people/{subject.pk}/" aria-current="page"' in html
    assert f'href="/people/{subject.pk}/chronology/"' in html
    assert f'href="/people/{subject.pk}/enforcement/"' in html


def test_each_section_is_its_own_page(client, partnership, worker):
    subject = full_record(partnership, worker)
    client.force_login(worker)
    expected = {
        "": "Identity and aliases",
        "risk/": "Risk and needs",
        "sentences/": "Unpaid work",
        "registers/": "Category 2: violent offender",
        "household/": "Carol Carter",
        "offences/": "02800",
        "agencies/": "Medway Council Housing",
    }
    for part, text in expected.items():
        response = client.get(f"/people/{subject.pk}/{part}")
        html = response.content.decode()
        assert response.status_code == 200, part
        assert text in html, part
        assert f'href="/people/{subject.pk}/{part}" aria-current="page"' in html, part
    # A section shows only itself: the offence history is not on the sentences page.
    assert "Offence history</h2>" not in client.get(f"/people/{subject.pk}/sentences/").content.decode()


def test_a_section_of_someone_not_visible_is_refused(client, partnership, worker):
    stranger = builders.person(last_name="Stranger", involved=[(partnership.housing, None)])
    client.force_login(worker)
    for part in SECTIONS:
        assert client.get(f"/people/{stranger.pk}/{part}").status_code == 404, part


def test_the_summary_queries_do_not_grow_with_appointments_or_failures(client, partnership, worker):
    small = busy_record(partnership, worker, appointments=1, failures=1, pnc="2009/0012345E")
    large = busy_record(partnership, worker, appointments=15, failures=12, pnc="2010/0054321W")
    client.force_login(worker)
    with CaptureQueriesContext(connection) as few:
        client.get(f"/people/{small.pk}/")
    with CaptureQueriesContext(connection) as many:
        client.get(f"/people/{large.pk}/")
    assert len(many) == len(few)
    assert len(many) <= 30
