"""The access log records every view and change with who, when, what and why, and cannot be changed
(DPA 2018 s.62; issue 2, point 7)."""

import pytest
from django.db import DatabaseError, connection, transaction

from desist.audit.models import AccessLogEntry, Action, AppendOnlyError
from desist.people import services
from tests.app import builders

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def worker(partnership):
    return partnership.user("pat.probation", partnership.probation)


@pytest.fixture
def subject(partnership, worker):
    return builders.person(involved=[(partnership.probation, worker)])


def test_viewing_a_record_logs_who_when_what_and_why(client, worker, subject):
    client.force_login(worker)
    client.post("/purpose/", {"purpose": "safeguarding", "next": "/"})
    assert client.get(f"/people/{subject.pk}/").status_code == 200
    entry = AccessLogEntry.objects.filter(action=Action.CONSULTATION, person_id=subject.pk).get()
    assert entry.user_id == worker.pk
    assert entry.username == "pat.probation"
    assert entry.agency_code == "probation"
    assert entry.purpose == "safeguarding"
    assert entry.channel == "web"
    assert entry.at is not None
    assert "identity" in entry.detail["sections"]  # the overview: each section is its own page
    assert entry.path == f"/people/{subject.pk}/"


def test_a_change_keeps_the_values_before_and_after(worker, subject):
    services.person_update(actor=builders.actor(worker), person=subject, last_name="Smyth")
    entry = AccessLogEntry.objects.filter(action=Action.ALTERATION, person_id=subject.pk).get()
    assert entry.detail["changes"] == {"last_name": {"before": "Smith", "after": "Smyth"}}
    assert entry.username == "pat.probation"


def test_the_log_cannot_be_changed_through_the_orm(worker, subject):
    entry = AccessLogEntry.objects.first()
    entry.summary = "tampered"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_accesslogentry SET summary = 'tampered'", "DELETE FROM audit_accesslogentry"]
)
def test_the_database_refuses_changes_to_the_log(subject, statement):
    before = AccessLogEntry.objects.count()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AccessLogEntry.objects.count() == before
    assert not AccessLogEntry.objects.filter(summary="tampered").exists()


def test_an_administrator_can_search_the_log(client, partnership, worker, subject):
    admin = partnership.user("ada.admin", partnership.probation, role="administrator")
    client.force_login(worker)
    client.get(f"/people/{subject.pk}/")
    client.logout()
    client.force_login(admin)
    response = client.get("/access-log/", {"username": "pat.probation", "action": "consultation"})
    assert response.status_code == 200
    assert f"Viewed record of person {subject.pk}".encode() in response.content
    response = client.get("/access-log/", {"person_id": subject.pk + 1000})
    assert f"Viewed record of person {subject.pk}".encode() not in response.content


def test_only_administrators_can_search_the_log(client, worker):
    client.force_login(worker)
    assert client.get("/access-log/").status_code == 403


def test_search_and_caseload_views_are_logged_with_the_people_shown(client, worker, subject):
    client.force_login(worker)
    client.get("/caseload/")
    client.get("/search/", {"q": "John Smith"})
    caseload = AccessLogEntry.objects.filter(summary__startswith="Viewed caseload").get()
    assert caseload.detail["person_ids"] == [subject.pk]
    search = AccessLogEntry.objects.filter(summary__startswith="Searched").get()
    assert search.detail == {
        "query": "John Smith",
        "shown": 1,
        "person_ids": [subject.pk],
        "settled_by": "submitted",
    }


def test_reading_the_log_is_itself_logged(client, partnership):
    admin = partnership.user("ada.admin", partnership.probation, role="administrator")
    client.force_login(admin)
    client.get("/access-log/", {"username": "someone"})
    entry = AccessLogEntry.objects.filter(summary__startswith="Searched the access log").get()
    assert entry.username == "ada.admin" and entry.detail == {"filters": {"username": "someone"}}


def test_the_client_address_behind_a_proxy(client, worker, subject, settings):
    settings.DESIST_PROXY_COUNT = 1
    client.force_login(worker)
    client.get(
        f"/people/{subject.pk}/", HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.7", REMOTE_ADDR="127.0.0.1"
    )
    entry = AccessLogEntry.objects.filter(action=Action.CONSULTATION, person_id=subject.pk).get()
    assert entry.ip_address == "203.0.113.7"


def test_the_log_page_queries_are_bounded(
    client, partnership, worker, subject, django_assert_max_num_queries
):
    admin = partnership.user("ada.admin", partnership.probation, role="administrator")
    for _ in range(40):
        services.person_update(actor=builders.actor(worker), person=subject, phone="01634 000000")
    client.force_login(admin)
    # 11: moving the access log's chain head on is one query (docs/security.md).
    with django_assert_max_num_queries(11):
        assert client.get("/access-log/").status_code == 200
