"""My caseload: status, next key date, flags; filter, sort, paginate; bounded queries (issue 2, point 3)."""

from datetime import timedelta

import pytest
from django.db.models import Q

from desist.people.models import Person
from desist.people.selectors import CaseloadFilters, caseload
from desist.sentences.rules import supervision_status, supervision_status_expression
from tests.app import builders
from tests.app.builders import NAVIGATION_QUERIES, TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def worker(partnership):
    return partnership.user("pat.probation", partnership.probation)


def _caseload_person(partnership, worker, last_name, **kwargs):
    return builders.person(last_name=last_name, involved=[(partnership.probation, worker)], **kwargs)


@pytest.fixture
def three_statuses(partnership, worker):
    in_custody = _caseload_person(partnership, worker, "Inside")
    builders.custody(
        in_custody,
        sentence_date=TODAY - timedelta(days=100),
        length_days=365,
        release=TODAY + timedelta(days=83),
    )
    on_licence = _caseload_person(partnership, worker, "Released")
    builders.custody(
        on_licence,
        sentence_date=TODAY - timedelta(days=300),
        length_days=400,
        release=TODAY - timedelta(days=100),
        actual=True,
    )
    on_order = _caseload_person(partnership, worker, "Order")
    builders.community_order(on_order, start=TODAY - timedelta(days=60), months=12)
    builders.flag(on_order, "domestic_abuse_perpetrator")
    builders.flag(in_custody, "mappa", mappa_category=2, mappa_level=2)
    return {"custody": in_custody, "licence": on_licence, "community": on_order}


def test_status_next_key_date_and_flags(worker, three_statuses):
    people = {p.last_name: p for p in caseload(builders.actor(worker))}
    assert people["Inside"].supervision_status == "custody"
    assert people["Inside"].next_key_date == TODAY + timedelta(days=83)
    assert people["Inside"].next_key_kind == "release"
    assert [r.label for r in people["Inside"].current_registers] == ["MAPPA C2 L2"]
    assert people["Released"].supervision_status == "licence"
    assert people["Released"].next_key_kind == "licence_expiry"
    assert people["Order"].supervision_status == "community"
    assert people["Order"].next_key_kind == "order_end"
    assert [r.label for r in people["Order"].current_registers] == ["DA"]


def test_caseload_holds_only_the_workers_own_people(partnership, worker, three_statuses):
    colleague = partnership.user("other.worker", partnership.probation)
    _caseload_person(partnership, colleague, "Elsewhere")
    assert {p.last_name for p in caseload(builders.actor(worker))} == {"Inside", "Released", "Order"}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (CaseloadFilters(status="custody"), ["Inside"]),
        (CaseloadFilters(status="licence"), ["Released"]),
        (CaseloadFilters(flag="domestic_abuse_perpetrator"), ["Order"]),
        (CaseloadFilters(flag="mappa"), ["Inside"]),
        (CaseloadFilters(sort="name"), ["Inside", "Order", "Released"]),
        (CaseloadFilters(sort="-name"), ["Released", "Order", "Inside"]),
        (CaseloadFilters(sort="next_key_date"), ["Inside", "Released", "Order"]),
    ],
)
def test_filter_and_sort(worker, three_statuses, filters, expected):
    assert [p.last_name for p in caseload(builders.actor(worker), filters)] == expected


def test_sql_and_python_status_rules_agree(three_statuses):
    """The list (SQL) and the record page (Python) must never disagree about a status."""
    for offset in (-400, -150, -50, 0, 1, 90, 200, 500):
        day = TODAY + timedelta(days=offset)
        annotated = Person.objects.annotate(status=supervision_status_expression(day))
        for person in annotated.prefetch_related("sentences"):
            assert person.status == supervision_status(person.sentences.all(), day), (
                person.last_name,
                offset,
            )


def test_caseload_page_renders_filters_and_paginates(client, partnership, worker, settings):
    settings.DESIST_PAGE_SIZE = 10
    for n in range(23):
        subject = _caseload_person(partnership, worker, f"Person{n:02d}")
        builders.community_order(subject, start=TODAY - timedelta(days=n), months=12)
    client.force_login(worker)
    first = client.get("/caseload/", {"sort": "name"})
    assert first.status_code == 200
    assert b"23 people" in first.content
    assert b"PERSON00" in first.content and b"PERSON10" not in first.content
    third = client.get("/caseload/", {"sort": "name", "page": 3})
    assert b"PERSON22" in third.content and b"PERSON00" not in third.content
    assert b'aria-current="page">3<' in third.content


def _grow_caseload(partnership, worker, n, start):
    for i in range(n):
        subject = _caseload_person(partnership, worker, f"Extra{start + i}")
        builders.custody(
            subject,
            sentence_date=TODAY - timedelta(days=30),
            length_days=200,
            release=TODAY + timedelta(days=70 + i),
        )
        builders.flag(subject, "iom")
        builders.flag(subject, "domestic_abuse_perpetrator")


def test_caseload_page_queries_do_not_grow_with_the_caseload(
    client, partnership, worker, django_assert_max_num_queries
):
    client.force_login(worker)
    _grow_caseload(partnership, worker, 3, 0)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get("/caseload/").status_code == 200
    _grow_caseload(partnership, worker, 30, 3)
    with CaptureQueriesContext(connection) as large:
        assert client.get("/caseload/").status_code == 200
    assert len(large) == len(small)
    with django_assert_max_num_queries(12 + NAVIGATION_QUERIES):
        client.get("/caseload/", {"status": "custody", "flag": "iom", "sort": "-name"})


def test_an_empty_caseload_says_so(client, worker):
    client.force_login(worker)
    response = client.get("/caseload/")
    assert b"No one on your caseload" in response.content


def test_caseload_lists_only_current_lead_involvements(partnership, worker):
    ended = builders.person(
        last_name="Ended", involved=[(partnership.probation, worker)], ended=TODAY - timedelta(days=10)
    )
    assert ended.pk not in [p.pk for p in caseload(builders.actor(worker))]
    assert not Person.objects.filter(Q(pk=ended.pk) & Q(involvements__end_date__isnull=True)).exists()


def test_sort_by_status_puts_custody_first(worker, three_statuses):
    people = caseload(builders.actor(worker), CaseloadFilters(sort="status"))
    assert [p.supervision_status for p in people] == ["custody", "licence", "community"]


def test_an_order_ended_early_counts_from_its_termination_date(partnership, worker):
    from desist.sentences.services import sentence_update

    subject = _caseload_person(partnership, worker, "Revoked")
    order = builders.community_order(subject, start=TODAY - timedelta(days=60), months=12)
    sentence_update(actor=builders.actor(), sentence=order, terminated_date=TODAY + timedelta(days=5))
    assert caseload(builders.actor(worker)).get(pk=subject.pk).supervision_status == "community"
    sentence_update(actor=builders.actor(), sentence=order, terminated_date=TODAY - timedelta(days=1))
    assert caseload(builders.actor(worker)).get(pk=subject.pk).supervision_status == "none"
    assert supervision_status([order], TODAY) == "none"


def test_a_superseded_sentence_has_no_later_key_dates(partnership, worker):
    from desist.sentences.services import sentence_update

    subject = _caseload_person(partnership, worker, "Superseded")
    old = builders.custody(
        subject,
        sentence_date=TODAY - timedelta(days=300),
        length_days=400,
        release=TODAY - timedelta(days=100),
        actual=True,
    )
    sentence_update(actor=builders.actor(), sentence=old, terminated_date=TODAY - timedelta(days=10))
    assert not old.key_dates.filter(date__gt=TODAY - timedelta(days=10)).exists()


def test_a_refusal_reported_after_a_redirect_is_an_error_summary(client, partnership, worker):
    """A refusal that a view reports with messages.error and a redirect (an IOM proposal the panel cannot
    take, an escalation already resolved) shows as the GOV.UK error summary with "Error: " in the title, not a
    blue banner."""
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest

    client.force_login(worker)
    client.cookies["messages"] = CookieStorage(HttpRequest())._encode(
        [
            Message(constants.ERROR, "The panel has no room in this strand."),
            Message(constants.SUCCESS, "Saved."),
        ]
    )
    html = client.get("/caseload/").content.decode()
    assert "<title>Error: " in html
    summary = html[html.index('class="govuk-error-summary"') :]
    assert "There is a problem" in summary
    assert "The panel has no room in this strand." in summary[: summary.index("</ul>")]
    assert "govuk-notification-banner--success" in html  # other messages keep their banner
    assert html.count("The panel has no room in this strand.") == 1
