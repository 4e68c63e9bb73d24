"""Monitoring's API (a person's orders and alerts, an order set up, alerts judged, a feed imported with its
row errors) and the import_em_feed command."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from desist.monitoring.models import Alert, MonitoringEvent
from tests.app.builders import TODAY
from tests.app.monitoring.conftest import feed

pytestmark = pytest.mark.django_db

WHEN = (TODAY - timedelta(days=2)).isoformat()


def test_the_api_imports_lists_and_judges(client, case, django_assert_max_num_queries):
    client.force_login(case.officer_user)
    content = feed(f"E1,TAG1,curfew violation,{WHEN}T23:15:00Z,,", f"E2,TAG2,zone entry,{WHEN}T10:00:00Z,,")
    made = client.post(
        "/api/monitoring/feeds?supplier=acme&file_name=a.csv", content, content_type="text/csv"
    )
    assert made.status_code == 201, made.content
    assert made.json()["events_added"] == 2 and made.json()["alerts_raised"] == 2
    bad = client.post(
        "/api/monitoring/feeds?supplier=acme", b"device,type,timestamp\nTAG1,x,y\n", content_type="text/csv"
    )
    assert bad.status_code == 422 and {e["column"] for e in bad.json()["errors"]} == {"kind", "occurred_at"}
    mine = client.get("/api/monitoring/alerts").json()
    assert [a["event"]["kind"] for a in mine] == ["zone_entry", "curfew_violation"]
    with django_assert_max_num_queries(20):
        person = client.get(f"/api/monitoring/people/{case.person.pk}").json()
    assert len(person["orders"]) == 2 and any(o["zone"] for o in person["orders"])
    assert len(person["alerts"]) == 2 and len(person["events"]) == 2
    alert = Alert.objects.get(event__supplier_event_id="E1")
    assert (
        client.post(f"/api/monitoring/alerts/{alert.pk}/acknowledgement").json()["status"] == "acknowledged"
    )
    missing = client.post(
        f"/api/monitoring/alerts/{alert.pk}/judgement",
        {"judgement": "unacceptable", "reason": ""},
        content_type="application/json",
    )
    assert missing.status_code == 422
    judged = client.post(
        f"/api/monitoring/alerts/{alert.pk}/judgement",
        {"judgement": "unacceptable", "reason": "Out"},
        content_type="application/json",
    ).json()
    assert judged["status"] == "judged" and judged["failure_id"]
    order = client.post(
        f"/api/monitoring/people/{case.person.pk}/orders",
        {
            "kind": "trail",
            "requirement_id": case.exclusion.requirement_id,
            "start_date": TODAY.isoformat(),
            "supplier": "acme",
            "device_id": "TAG3",
        },
        content_type="application/json",
    )
    assert order.status_code == 201 and order.json()["kind"] == "trail"
    refused = client.post(
        f"/api/monitoring/people/{case.person.pk}/orders",
        {
            "kind": "alcohol",
            "requirement_id": case.curfew.requirement_id,
            "start_date": TODAY.isoformat(),
            "supplier": "acme",
            "device_id": "TAG4",
        },
        content_type="application/json",
    )
    assert refused.status_code == 422 and "cannot rest" in refused.json()["detail"][0]["msg"]
    client.force_login(case.police_user)
    assert (
        client.post("/api/monitoring/feeds?supplier=acme", content, content_type="text/csv").status_code
        == 403
    )
    assert client.get(f"/api/monitoring/people/{case.person.pk}").status_code == 404


def test_the_command_imports_once_and_reports_bad_rows(case, tmp_path):
    good = tmp_path / "feed.csv"
    good.write_bytes(feed(f"E1,TAG1,curfew,{WHEN}T23:15:00Z,,"))
    out = StringIO()
    call_command("import_em_feed", str(good), "--supplier", "acme", stdout=out)
    assert "Imported 1 new events" in out.getvalue()
    call_command("import_em_feed", str(good), "--supplier", "acme", stdout=out)
    assert "Imported 0 new events (1 already held" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(feed("E9,TAG1,curfew,whenever,,"))
    err = StringIO()
    with pytest.raises(CommandError, match="Nothing imported: 1 problems"):
        call_command("import_em_feed", str(bad), "--supplier", "acme", stderr=err)
    assert "row 2 (occurred_at)" in err.getvalue()
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_em_feed", str(tmp_path / "none.csv"), "--supplier", "acme")
    assert MonitoringEvent.objects.count() == 1
