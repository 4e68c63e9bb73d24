"""Subject access (issue 16, item 5): the data protection officer opens a request from their page, sees its
deadline, marks the person's sister (a third party) for redaction, confirms, and downloads the export: a zip
with the PDF and the JSON, the sister redacted."""

import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import Page, expect

from desist.partnership.models import Role
from desist.people import services as people
from desist.subject_access import services
from desist.subject_access.models import Status
from tests.app import builders
from tests.app.builders import PASSWORD, TODAY
from tests.browser.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_dpo_redacts_a_third_party_and_downloads_the_export(page: Page, live_server, partnership):
    dpo = partnership.user("dana.dpo", partnership.police, role=Role.COORDINATOR)
    dpo.user_permissions.add(Permission.objects.get(codename="act_as_dpo"))
    worker = partnership.user("pat.probation", partnership.probation)
    person = builders.person(
        first_name="Sam", last_name="Subject", involved=[(partnership.probation, worker)]
    )
    sister = builders.person(first_name="Sally", last_name="Sister")
    people.relationship_record(actor=builders.actor(), person=person, related_person=sister, kind="sibling")
    actor = builders.actor(dpo)
    sar = services.request_log(
        actor=actor,
        person=person,
        requester_name="Sam Subject",
        received_on=TODAY - timedelta(days=5),
        identity_verified_on=TODAY - timedelta(days=4),
        identity_evidence="Passport seen at the office",
    )
    sar = services.export_build(actor=actor, sar=sar)
    due = f"{sar.due_on.day} {sar.due_on:%B %Y}"

    login(page, live_server, "dana.dpo", PASSWORD, purpose="Subject access request")
    page.goto(f"{live_server.url}/governance/")
    expect(page.get_by_role("heading", name="Subject access requests due")).to_be_visible()
    page.get_by_role("link", name=f"Subject access request {sar.pk}").click()
    expect(page.get_by_role("heading", name=f"Subject access request {sar.pk}", exact=True)).to_be_visible()
    expect(page.get_by_text(due)).to_be_visible()
    expect(page.get_by_text("days left")).to_be_visible()
    assert_accessible(page, context="a subject access request with redactions to confirm")

    # Only the third party (the sister) is redacted; staff acting in their role are released.
    for box in page.locator("input[name='redactions-categories']").all():
        box.uncheck()
    page.get_by_label("Other people named (relatives, associates)").check()
    page.get_by_role("button", name="Confirm the redactions").click()
    expect(page.get_by_text("Redactions confirmed, ready to release")).to_be_visible()
    assert_accessible(page, context="a subject access request ready to release")
    sar.refresh_from_db()
    assert sar.status == Status.REVIEWED and sar.redactions

    with page.expect_download() as waiting:
        page.get_by_role("link", name="Download the export (PDF and JSON, zipped)").click()
    download = waiting.value
    assert download.suggested_filename == f"subject-access-{sar.pk}.zip"
    archive = zipfile.ZipFile(io.BytesIO(Path(download.path()).read_bytes()))
    assert sorted(archive.namelist()) == [f"subject-access-{sar.pk}.json", f"subject-access-{sar.pk}.pdf"]
    assert archive.read(f"subject-access-{sar.pk}.pdf").startswith(b"%PDF")
    released = json.loads(archive.read(f"subject-access-{sar.pk}.json"))
    relations = {s["key"]: s for s in released["sections"]}["people.relationship.person"]["rows"]
    assert relations[0]["related_person"] == "[Redacted: other person]"
