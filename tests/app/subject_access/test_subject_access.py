"""Subject access requests (issue 16, item 5): logged with their one-month deadline, everything held about the
person gathered from every app (the merge's registry of person links) with who read and shared it, third
parties marked for redaction, a reviewer confirming, the release recorded; pages, API and refusals."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from desist.audit.models import AccessLogEntry, Action
from desist.core import subject_access as rules
from desist.offences.services import offence_record
from desist.partnership.models import Role
from desist.people import services as people
from desist.people.models import Person
from desist.subject_access import export, selectors, services
from desist.subject_access.models import Status, SubjectAccessRequest
from tests.app import builders
from tests.app.people.test_people_merge import every_row

TODAY = timezone.localdate()


@pytest.fixture
def dpo(partnership):
    return partnership.user("dora.dpo", partnership.police, role=Role.ADMINISTRATOR)


@pytest.fixture
def subject(partnership):
    worker = partnership.user("pat.probation", partnership.probation)
    person = builders.person(
        first_name="Sam", last_name="Subject", involved=[(partnership.probation, worker)]
    )
    sister = builders.person(first_name="Sally", last_name="Sister")
    people.relationship_record(actor=builders.actor(), person=person, related_person=sister, kind="sibling")
    builders.offence_code()
    offence_record(
        actor=builders.actor(worker),
        person=person,
        offence_code="02800",
        offence_date=TODAY - timedelta(days=100),
        outcome="caution",
        outcome_date=TODAY - timedelta(days=90),
    )
    return {"person": person, "sister": sister, "worker": worker}


def _sar(dpo, person, **extra):
    return services.request_log(
        actor=builders.actor(dpo),
        person=person,
        requester_name="Sam Subject",
        received_on=extra.pop("received_on", TODAY - timedelta(days=3)),
        identity_verified_on=extra.pop("identity_verified_on", TODAY - timedelta(days=2)),
        identity_evidence="Passport",
        **extra,
    )


def test_every_person_linked_model_is_in_the_export():
    """A new app's foreign key to a person is gathered without anyone remembering the export."""
    registry = {
        f"{m._meta.label_lower}.{f.name}"
        for m in apps.get_models()
        for f in m._meta.concrete_fields
        if f.is_relation and f.related_model is Person
    }
    covered = {f"{m._meta.label_lower}.{f.name}" for m, f in selectors.person_links()}
    assert covered == registry


def test_the_export_holds_a_row_of_every_person_linked_table(partnership):
    subject = builders.person(first_name="Ann", last_name="Subject")
    third = builders.person(first_name="Tom", last_name="Third")
    made = every_row(subject, third)
    holdings = selectors.person_holdings(subject.pk)
    found = {s["key"]: {r["id"] for r in s["rows"]} for s in holdings.sections}
    for key, pk in made.items():
        assert pk in found.get(key, set()), key
    # The third person named on the subject's rows is marked for redaction.
    assert any(c["category"] == "other person" for c in holdings.candidates)


def test_a_request_is_logged_worked_and_released_with_third_parties_redacted(subject, dpo):
    person, sister = subject["person"], subject["sister"]
    sar = _sar(dpo, person)
    assert sar.due_on == rules.response_due(sar.received_on, identity_verified_on=sar.identity_verified_on)
    actor = builders.actor(dpo)

    sar = services.export_build(actor=actor, sar=sar)
    data = sar.export
    keys = {s["key"] for s in data["sections"]}
    assert {
        "offences.offence.person",
        "people.relationship.person",
        "people.relationship.related_person",
    } <= keys
    # Who consulted and disclosed the record: the access log entries naming the person.
    assert data["access_log"] and all("username" in e for e in data["access_log"])
    sister_marks = [c for c in data["redaction_candidates"] if c["category"] == "other person"]
    assert sister_marks and all(c["proposed"] for c in sister_marks)

    with pytest.raises(services.RequestRefused, match="not in this export"):
        services.redactions_confirm(actor=actor, sar=sar, redact=["people.person.x:1:hacked"])
    with pytest.raises(services.RequestRefused, match="confirm the redactions"):
        services.request_release(actor=actor, sar=sar, released_on=TODAY, method="Secure email")
    sar = services.redactions_confirm(actor=actor, sar=sar, redact=[c["id"] for c in sister_marks])
    assert sar.status == Status.REVIEWED and sar.reviewed_by == dpo

    archive = zipfile.ZipFile(io.BytesIO(export.export_zip(sar)))
    assert sorted(archive.namelist()) == [f"subject-access-{sar.pk}.json", f"subject-access-{sar.pk}.pdf"]
    assert archive.read(f"subject-access-{sar.pk}.pdf").startswith(b"%PDF")
    released = json.loads(archive.read(f"subject-access-{sar.pk}.json"))
    relations = {s["key"]: s for s in released["sections"]}["people.relationship.person"]["rows"]
    assert relations[0]["related_person"] == "[Redacted: other person]"
    assert sister.pk not in [r.get("related_person") for r in relations]
    assert "redaction_candidates" not in released

    sar = services.request_release(actor=actor, sar=sar, released_on=TODAY, method="Secure email")
    assert sar.status == Status.RELEASED
    entry = AccessLogEntry.objects.filter(action=Action.DISCLOSURE, object_id=str(sar.pk)).get()
    assert entry.recipient == "Sam Subject" and entry.person_id == person.pk
    with pytest.raises(services.RequestRefused, match="released"):
        services.request_withdraw(actor=actor, sar=sar, reason="late")


def test_the_deadline_is_extended_within_the_first_month_only(subject, dpo):
    actor = builders.actor(dpo)
    sar = _sar(dpo, subject["person"])
    first = sar.due_on
    with pytest.raises(services.RequestRefused, match="1 to 2 months"):
        services.request_extend(actor=actor, sar=sar, months=3, reason="complex")
    with pytest.raises(services.RequestRefused, match="Say why"):
        services.request_extend(actor=actor, sar=sar, months=2, reason="  ")
    sar = services.request_extend(actor=actor, sar=sar, months=2, reason="Records from four agencies")
    assert sar.due_on > first and sar.extension_months == 2
    late = _sar(dpo, subject["person"], received_on=TODAY - timedelta(days=70), identity_verified_on=None)
    with pytest.raises(services.RequestRefused, match="within the first month"):
        services.request_extend(actor=actor, sar=late, months=1, reason="complex")


def test_requests_due_are_the_open_ones_soonest_first_with_days_left(subject, dpo, django_assert_num_queries):
    later = _sar(dpo, subject["person"])
    sooner = _sar(dpo, subject["person"], received_on=TODAY - timedelta(days=40), identity_verified_on=None)
    closed = _sar(dpo, subject["person"])
    services.request_withdraw(actor=builders.actor(dpo), sar=closed, reason="Withdrawn by the requester")
    with django_assert_num_queries(1):
        due = selectors.requests_due()
        names = [d.request.person.full_name for d in due]
    assert [d.request.pk for d in due] == [sooner.pk, later.pk]
    assert due[0].overdue and due[0].days_left < 0 and due[0].overdue_days == -due[0].days_left
    assert due[1].days_left == (later.due_on - TODAY).days
    assert names == ["Sam Subject", "Sam Subject"]


def test_hostile_input_is_refused_in_words(subject, dpo):
    actor = builders.actor(dpo)
    with pytest.raises(services.RequestRefused, match="future"):
        _sar(dpo, subject["person"], received_on=TODAY + timedelta(days=1))
    with pytest.raises(services.RequestRefused, match="before the request"):
        _sar(dpo, subject["person"], identity_verified_on=TODAY - timedelta(days=30))
    with pytest.raises(services.RequestRefused, match="who made"):
        services.request_log(actor=actor, person=subject["person"], requester_name="  ", received_on=TODAY)
    unverified = _sar(dpo, subject["person"], identity_verified_on=None)
    with pytest.raises(services.RequestRefused, match="Verify"):
        services.export_build(actor=actor, sar=unverified)


def test_only_the_data_protection_officer_and_administrators_work_requests(subject, dpo):
    worker = builders.actor(subject["worker"])
    with pytest.raises(Exception, match="data protection officer"):
        services.request_log(actor=worker, person=subject["person"], requester_name="X", received_on=TODAY)
    assert AccessLogEntry.objects.filter(action=Action.DENIED, username="pat.probation").exists()


# --- pages and API ----------------------------------------------------------------------------------------


def test_the_pages_log_and_work_a_request(client, subject, dpo, django_assert_max_num_queries):
    client.force_login(dpo)
    person = subject["person"]
    response = client.post(
        reverse("subject_access_new"),
        {
            "person": person.pk,
            "requester_name": "<script>alert(1)</script>",
            "regime": "dpa_part3",
            "received_on": (TODAY - timedelta(days=1)).isoformat(),
            "identity_verified_on": (TODAY - timedelta(days=1)).isoformat(),
            "identity_evidence": "Driving licence",
        },
    )
    sar = SubjectAccessRequest.objects.get()
    assert response.status_code == 302 and response.url == reverse("subject_access_request", args=[sar.pk])
    with django_assert_max_num_queries(12):
        page = client.get(reverse("subject_access_request", args=[sar.pk]))
    assert page.status_code == 200 and b"<script>alert(1)" not in page.content
    assert client.post(reverse("subject_access_action", args=[sar.pk, "export"])).status_code == 302
    assert (
        client.post(
            reverse("subject_access_action", args=[sar.pk, "redactions"]),
            {"redactions-categories": ["other person"]},
        ).status_code
        == 302
    )
    sar.refresh_from_db()
    assert sar.status == Status.REVIEWED and sar.redactions
    download = client.get(reverse("subject_access_export", args=[sar.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    pdf_html = export.export_html(sar, export.released_data(sar))
    assert "<script>alert(1)" not in pdf_html
    with django_assert_max_num_queries(10):
        listing = client.get(reverse("subject_access_list"))
    assert listing.status_code == 200 and b"Request %d" % sar.pk in listing.content
    with django_assert_max_num_queries(10):
        assert client.get(reverse("subject_access_list") + "?status=reviewed").status_code == 200


def test_the_pages_refuse_bad_input_and_other_users(client, subject, dpo):
    client.force_login(dpo)
    for bad in ("-1", "99999999999999999999999", "abc", "0"):
        response = client.post(
            reverse("subject_access_new"),
            {"person": bad, "requester_name": "X", "regime": "dpa_part3", "received_on": TODAY.isoformat()},
        )
        assert response.status_code == 200 and b"There is a problem" in response.content, bad
    response = client.post(
        reverse("subject_access_new"),
        {"person": 424242, "requester_name": "X", "regime": "nonsense", "received_on": "2025-02-30"},
    )
    assert b"There is a problem" in response.content
    sar = _sar(dpo, subject["person"])
    assert client.post(reverse("subject_access_action", args=[sar.pk, "drop-table"])).status_code == 404
    response = client.post(reverse("subject_access_action", args=[sar.pk, "release"]), {})
    assert response.status_code == 400
    # Not yet reviewed: no download.
    assert client.get(reverse("subject_access_export", args=[sar.pk])).status_code == 403
    client.force_login(subject["worker"])
    for url in (
        reverse("subject_access_list"),
        reverse("subject_access_new"),
        reverse("subject_access_request", args=[sar.pk]),
    ):
        assert client.get(url).status_code == 403, url


def test_the_api_lists_gets_and_logs_requests(client, subject, dpo, django_assert_max_num_queries):
    client.force_login(dpo)
    headers = {"HTTP_X_DESIST_PURPOSE": "administration"}
    body = {
        "person": subject["person"].pk,
        "requester_name": "Sam Subject",
        "received_on": (TODAY - timedelta(days=2)).isoformat(),
        "identity_verified_on": (TODAY - timedelta(days=2)).isoformat(),
        "identity_evidence": "Passport",
    }
    made = client.post("/api/subject-access", body, content_type="application/json", **headers)
    assert made.status_code == 201, made.content
    sar_id = made.json()["id"]
    assert made.json()["days_left"] == (date.fromisoformat(made.json()["due_on"]) - TODAY).days
    for _ in range(3):
        _sar(dpo, subject["person"])
    with django_assert_max_num_queries(8):
        listed = client.get("/api/subject-access/due", **headers)
    assert listed.status_code == 200 and len(listed.json()) == 4
    assert client.get(f"/api/subject-access/{sar_id}", **headers).json()["status"] == "open"
    bad = client.post(
        "/api/subject-access",
        {**body, "received_on": (TODAY + timedelta(days=5)).isoformat()},
        content_type="application/json",
        **headers,
    )
    assert bad.status_code == 422 and "future" in bad.content.decode()
    client.force_login(subject["worker"])
    assert client.get("/api/subject-access/due", **headers).status_code == 403


def test_a_long_export_is_a_plain_text_pdf_with_every_page_numbered(subject, dpo):
    """Over LAID_OUT_MAX_ROWS printed rows the PDF is written by desist.subject_access.pdf (seconds, not the
    minutes WeasyPrint takes over thousands of rows): readable text, wrapped, "Page n of m"."""
    from pypdf import PdfReader

    sar = _sar(dpo, subject["person"])
    sar = services.export_build(actor=builders.actor(dpo), sar=sar)
    data = export.released_data(sar)
    data["sections"][0]["rows"] = data["sections"][0]["rows"] * 400  # a long history
    data["sections"][0]["rows"][0] = {
        "id": 1,
        "notes": "Café (naïve) \\ back-slash " + "long " * 80 + "\u2603",
    }
    assert export.printed_rows(data) > export.LAID_OUT_MAX_ROWS
    pdf = export.export_pdf(sar, data)
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) > 3
    first = pages[0].extract_text()
    assert "Information held about you: subject access request" in first and "Café (naïve)" in first
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1].extract_text()


def test_the_plain_text_pdf_keeps_names_in_any_script_and_markup_characters_as_written():
    """desist.subject_access.pdf sets the text in DejaVu Sans (a TrueType font, not Helvetica's Windows-1252),
    and its words are text, not ReportLab paragraph markup."""
    from pypdf import PdfReader

    from desist.subject_access import pdf

    assert pdf.fonts() == ("DejaVuSans", "DejaVuSans-Bold")  # Debian's fonts-dejavu-core
    lines = [
        ("title", "Zoë Łukasz Ō"),
        ("heading", "Связи: Ανδρέας"),
        ("gap", "name: O'Neil <test> & co · <b>not bold</b> &amp;"),
        ("body", ""),
        *[("gap", f"row {n}: " + "word " * 60) for n in range(200)],
    ]
    pages = PdfReader(io.BytesIO(pdf.text_pdf(lines, title="Zoë Łukasz Ō"))).pages
    first = pages[0].extract_text()
    assert "Zoë Łukasz Ō" in first
    assert "Связи: Ανδρέας" in first
    assert "O'Neil <test> & co · <b>not bold</b> &amp;" in first
    assert "?" not in first
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1].extract_text()
