"""Monitoring pages: the person's page with the zone drawn (inline SVG, no outside assets) in bounded
queries, the feed upload with its row-level report (hostile files included), the alert's judgement through the
form, the officer's alerts, and access."""

from __future__ import annotations

import codecs
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from desist.enforcement.models import Failure
from desist.monitoring import services
from desist.monitoring.models import Alert, FeedImport, MonitoringEvent
from tests.app.builders import TODAY
from tests.app.monitoring.conftest import feed

pytestmark = pytest.mark.django_db

WHEN = (TODAY - timedelta(days=2)).isoformat()


def upload(client, content: bytes, name: str = "feed.csv", supplier: str = "acme"):
    return client.post(
        "/monitoring/feeds/", {"supplier": supplier, "file": SimpleUploadedFile(name, content)}, follow=True
    )


def some_events(case, n: int, start: int = 0) -> None:
    rows = [f"E{start + i},TAG1,curfew,{WHEN}T23:{i % 60:02d}:{i // 60:02d}Z,," for i in range(n)]
    services.import_feed(actor=case.officer, supplier="acme", content=feed(*rows), file_name="x.csv")


def test_the_person_page_draws_the_zone_in_bounded_queries(client, case, django_assert_max_num_queries):
    some_events(case, 3)
    client.force_login(case.officer_user)
    with django_assert_max_num_queries(25) as counted:
        page = client.get(f"/people/{case.person.pk}/monitoring/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Electronic monitoring" in html and "<svg" in html and "Canterbury city centre" in html
    assert "in Canterbury (schematic district boundary)" in html and "19:00 to 07:00" in html
    assert "http://" not in html.split("<svg", 1)[1].split("</svg>", 1)[0].replace("http://www.w3.org", "")
    some_events(case, 20, start=100)
    with django_assert_max_num_queries(len(counted.captured_queries)):
        assert client.get(f"/people/{case.person.pk}/monitoring/").status_code == 200


def test_a_curfew_violation_reaches_the_officer_and_is_judged_unacceptable(client, case):
    client.force_login(case.officer_user)
    page = upload(client, feed(f"E1,TAG1,Curfew Violation,{WHEN}T23:15:00Z,,"))
    assert page.status_code == 200 and "Feed imported" in page.content.decode()
    queue = client.get("/monitoring/alerts/").content.decode()
    assert "Curfew violation" in queue and "Tagged" in queue
    item = Alert.objects.get()
    assert client.post(f"/monitoring/alerts/{item.pk}/acknowledge/").status_code == 302
    bad = client.post(f"/monitoring/alerts/{item.pk}/judge/", {"judge-judgement": "unacceptable"})
    assert bad.status_code == 400 and "Enter the reason" in bad.content.decode()
    done = client.post(
        f"/monitoring/alerts/{item.pk}/judge/",
        {"judge-judgement": "unacceptable", "judge-reason": "Not home, no excuse"},
        follow=True,
    )
    html = done.content.decode()
    assert "A failure to comply was recorded" in html and "The failure to comply" in html
    assert Failure.objects.get().judgement == "unacceptable"
    assert "You have no open monitoring alerts" in client.get("/monitoring/alerts/").content.decode()


HOSTILE = {
    "latin-1": ("E1,TAG1,curfew,2026-01-01T00:00Z,Zoë,\n".encode("latin-1"), "not UTF-8"),
    "empty": (b"", "The file is empty"),
    "binary": (bytes(range(256)) * 20, "UTF"),
    "no header": (b"1,2,3\n", "The header has no"),
    "huge field": (feed(f"E1,TAG1,curfew,{WHEN}T23:15:00Z,{'9' * 5000},"), "longer than 1,000"),
    "bad json": (b'[{"id": 1,', "not valid JSON"),
    "formula": (feed(f'E1,TAG1,"=HYPERLINK(""http://x"")",{WHEN}T23:15:00Z,,'), "is not an event kind"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_files_are_refused_with_a_clear_report_and_nothing_stored(client, case, name):
    content, words = HOSTILE[name]
    client.force_login(case.officer_user)
    page = upload(client, content, name=f"{name}.csv")
    html = page.content.decode()
    if name == "empty":
        assert page.status_code == 400 and "The file is empty" in html
        return
    assert page.status_code == 200 and "The feed was not imported" in html and words in html, html[-3000:]
    assert MonitoringEvent.objects.count() == 0


def test_bom_and_the_same_file_twice(client, case):
    client.force_login(case.officer_user)
    content = codecs.BOM_UTF8 + feed(f"E1,TAG1,curfew,{WHEN}T23:15:00Z,,")
    assert "1 new event," in upload(client, content).content.decode()
    assert "0 new events" in upload(client, content).content.decode()
    assert FeedImport.objects.count() == 2 and MonitoringEvent.objects.count() == 1
    assert "feed.csv" in client.get("/monitoring/feeds/").content.decode()


def test_access(client, case):
    some_events(case, 1)
    item = Alert.objects.get()
    client.force_login(case.police_user)
    assert client.get("/monitoring/feeds/").status_code == 403
    assert client.get(f"/monitoring/alerts/{item.pk}/").status_code == 404
    assert client.get(f"/people/{case.person.pk}/monitoring/").status_code == 404
    assert (
        client.post(f"/monitoring/alerts/{item.pk}/judge/", {"judge-judgement": "acceptable"}).status_code
        == 404
    )
    assert "You have no open monitoring alerts" in client.get("/monitoring/alerts/").content.decode()
