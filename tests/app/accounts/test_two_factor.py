"""Two-factor sign-in (TOTP, django-otp), the idle timeout and an administrator's reset of someone's sign-in
(issue 10, item 17). These tests go through the real steps, so they opt out of the automatic code at
sign-in."""

import time

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from desist.accounts.rules import LAST_ACTIVITY_KEY
from desist.audit.models import AccessLogEntry, Action
from desist.partnership.models import Role
from tests.app.builders import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.two_factor_flow]


def code(device, steps_ahead=0):
    """The code an authenticator app shows (steps_ahead=1: the next one, since a code works only once)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


@pytest.fixture
def admin(partnership):
    return partnership.user("ada.admin", partnership.probation, role=Role.ADMINISTRATOR)


@pytest.fixture
def worker(partnership):
    return partnership.user("pat.probation", partnership.probation)


def sign_in(client, username, password=PASSWORD):
    """The real sign-in form; then the session states its purpose, as a user would (tests/conftest.py)."""
    response = client.post("/accounts/login/", {"username": username, "password": password})
    session = client.session
    session["purpose"] = "case_management"
    session.save()
    return response


def test_an_administrator_without_an_app_must_set_one_up_before_anything_else(client, admin):
    sign_in(client, "ada.admin")
    for url in ("/work/", "/caseload/", "/access-log/", "/admin/", "/api/docs", "/accounts/users/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/two-factor/set-up/"), url
    assert client.get("/api/people").status_code == 403
    assert AccessLogEntry.objects.filter(
        user=admin, action=Action.DENIED, channel="api", summary__contains="two-factor sign-in not done"
    ).exists()
    page = client.get("/accounts/two-factor/set-up/")
    assert page.status_code == 200 and b"data:image/svg+xml" in page.content
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    wrong = client.post(
        "/accounts/two-factor/set-up/", {"code": "000000" if code(device) != "000000" else "111111"}
    )
    assert b"The code is not right" in wrong.content and b"<title>Error:" in wrong.content
    time.sleep(1.1)  # django-otp makes the next try wait a second after a wrong code
    done = client.post("/accounts/two-factor/set-up/", {"code": code(device), "next": "/access-log/"})
    assert done.status_code == 302 and done.url == "/accounts/backup-codes/?next=%2Faccess-log%2F"
    codes = client.get(done.url)
    assert (
        codes.content.decode().count("<li><code>") == 10 and 'href="/access-log/"' in codes.content.decode()
    )
    assert client.get("/accounts/backup-codes/").status_code == 302  # shown once only
    assert client.get("/access-log/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AccessLogEntry.objects.filter(
        user=admin, action=Action.ALTERATION, summary="Set up two-factor sign-in"
    ).exists()
    assert AccessLogEntry.objects.filter(
        user=admin, action=Action.DENIED, summary__contains="two-factor"
    ).exists()


def test_an_enrolled_user_gives_a_code_at_each_sign_in(client, admin):
    device = TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    response = sign_in(client, "ada.admin")
    assert response.status_code == 302
    assert client.get("/caseload/").url == "/accounts/two-factor/?next=%2Fcaseload%2F"
    # Someone with only the password may not swap in their own app.
    assert client.get("/accounts/two-factor/set-up/").url.startswith("/accounts/two-factor/")
    assert not TOTPDevice.objects.filter(user=admin, confirmed=False).exists()
    refused = client.post("/accounts/two-factor/", {"code": "12345x"})
    assert b"Enter the 6-digit code" in refused.content
    ok = client.post("/accounts/two-factor/", {"code": code(device), "next": "/caseload/"})
    assert ok.status_code == 302 and ok.url == "/caseload/"
    assert client.get("/caseload/").status_code == 200


def test_a_backup_code_works_once_in_place_of_the_app(client, admin):
    from desist.accounts.services import backup_codes_issue
    from tests.app.builders import actor

    TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    codes = backup_codes_issue(actor=actor(admin))
    sign_in(client, "ada.admin")
    assert client.post("/accounts/two-factor/", {"code": codes[0].upper(), "next": "/work/"}).url == "/work/"
    assert client.get("/accounts/").content.decode().count("9 left") == 1
    assert AccessLogEntry.objects.filter(user=admin, summary="Signed in with a backup code (9 left)").exists()
    client.post("/accounts/logout/")
    sign_in(client, "ada.admin")
    refused = client.post("/accounts/two-factor/", {"code": codes[0]})
    assert b"The code is not right" in refused.content  # used up
    time.sleep(1.1)
    assert client.post("/accounts/two-factor/", {"code": codes[1]}).status_code == 302
    # New codes replace the old ones.
    made = client.post("/accounts/backup-codes/")
    assert made.status_code == 302 and made.url == "/accounts/backup-codes/", made
    fresh = client.get("/accounts/backup-codes/").content.decode()
    assert codes[2] not in fresh and fresh.count("<li><code>") == 10


def test_wrong_codes_are_logged_and_throttled(client, admin):
    device = TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    sign_in(client, "ada.admin")
    good = code(device)
    bad = "000000" if good != "000000" else "111111"
    client.post("/accounts/two-factor/", {"code": bad})
    # Straight after a wrong code even the right one is refused for a while (django-otp's throttling).
    throttled = client.post("/accounts/two-factor/", {"code": good})
    assert b"Too many wrong codes" in throttled.content
    assert client.get("/caseload/").status_code == 302
    denied = AccessLogEntry.objects.filter(user=admin, action=Action.DENIED).values_list("summary", flat=True)
    assert {"Refused a two-factor code", "Refused a two-factor code: too many tries"} <= set(denied)


def test_a_practitioner_may_choose_two_factor_sign_in(client, worker):
    sign_in(client, "pat.probation")
    assert client.get("/caseload/").status_code == 200  # not required of practitioners
    assert b"Two-factor sign-in" in client.get("/accounts/").content
    client.get("/accounts/two-factor/set-up/")
    device = TOTPDevice.objects.get(user=worker)
    client.post("/accounts/two-factor/set-up/", {"code": code(device)})
    client.post("/accounts/logout/")
    sign_in(client, "pat.probation")
    assert client.get("/caseload/").url.startswith("/accounts/two-factor/")  # chosen, so now asked for
    client.post("/accounts/two-factor/", {"code": code(device, steps_ahead=1)})
    assert client.get("/caseload/").status_code == 200
    client.post("/accounts/two-factor/turn-off/")
    assert not TOTPDevice.objects.filter(user=worker).exists()


def test_a_setting_requires_it_of_everyone(client, worker, settings):
    settings.DESIST_2FA_REQUIRED_FOR = "everyone"
    sign_in(client, "pat.probation")
    assert client.get("/caseload/").url.startswith("/accounts/two-factor/set-up/")
    # Those who must use it cannot turn it off.
    assert client.post("/accounts/two-factor/turn-off/").status_code in (302, 403)


def test_bearer_tokens_are_not_asked_for_a_code(client, admin):
    from desist.api.services import api_token_issue

    _, raw = api_token_issue(user=admin, name="t")
    assert (
        client.get(
            "/api/people", HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_X_DESIST_PURPOSE="case_management"
        ).status_code
        == 200
    )


def test_an_idle_session_is_signed_out(client, worker, settings):
    settings.DESIST_IDLE_TIMEOUT_MINUTES = 30
    sign_in(client, "pat.probation")
    assert client.get("/caseload/").status_code == 200
    session = client.session
    session[LAST_ACTIVITY_KEY] = time.time() - 29 * 60
    session.save()
    assert client.get("/caseload/").status_code == 200  # 29 minutes idle: still signed in
    session = client.session
    session[LAST_ACTIVITY_KEY] = time.time() - 31 * 60
    session.save()
    response = client.get("/caseload/")
    assert (
        response.status_code == 302
        and response.url.startswith("/accounts/login/")
        and "idle=1" in response.url
    )
    assert b"without activity" in client.get(response.url).content
    assert client.get("/caseload/").url.startswith("/accounts/login/")  # really signed out
    sign_in(client, "pat.probation")
    session = client.session
    session[LAST_ACTIVITY_KEY] = time.time() - 31 * 60
    session.save()
    fragment = client.get("/caseload/", HTTP_HX_REQUEST="true")
    assert fragment.status_code == 204 and fragment["HX-Redirect"].startswith("/accounts/login/")


def test_background_requests_do_not_keep_a_session_alive(client, worker):
    sign_in(client, "pat.probation")
    session = client.session
    session[LAST_ACTIVITY_KEY] = then = time.time() - 10 * 60
    session.save()
    client.get("/caseload/", HTTP_X_DESIST_BACKGROUND="1")
    assert client.session[LAST_ACTIVITY_KEY] == then
    client.get("/caseload/")
    assert client.session[LAST_ACTIVITY_KEY] > then


def test_an_administrator_resets_a_users_password_and_two_factor(client, admin, worker, partnership):
    TOTPDevice.objects.create(user=worker, name="app", confirmed=True)
    admin_device = TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    worker_client = type(client)()
    worker_client.force_login(worker)
    sign_in(client, "ada.admin")
    client.post("/accounts/two-factor/", {"code": code(admin_device)})
    listing = client.get("/accounts/users/").content.decode()
    assert "pat.probation" in listing
    page = client.post(f"/accounts/users/{worker.pk}/reset/")
    assert page.status_code == 200
    link = page.content.decode().split('id="set-password-link">')[1].split("<")[0]
    worker.refresh_from_db()
    assert not worker.has_usable_password() and not TOTPDevice.objects.filter(user=worker).exists()
    assert worker_client.get("/caseload/").status_code == 302  # their sessions ended
    entry = AccessLogEntry.objects.get(
        user=admin, action=Action.ALTERATION, summary__startswith="Reset the password"
    )
    assert entry.object_id == str(worker.pk) and entry.detail == {"devices_removed": 1}
    # The worker follows the one-time link and chooses a new password.
    fresh = type(client)()
    form_page = fresh.get(link, follow=True)
    assert b"Choose a new password" in form_page.content
    new = "a-brand-new-long-passphrase"
    done = fresh.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert sign_in(fresh, "pat.probation", new).status_code == 302
    assert fresh.get("/caseload/").status_code == 200
    assert b"no longer works" in type(client)().get(link, follow=True).content  # used once only


def test_an_administrator_may_not_reset_someone_outside_their_agencies(client, admin, partnership):
    outsider = partnership.user("hana.housing", partnership.housing)
    superuser = User.objects.create_superuser("root.user", password=PASSWORD)
    device = TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    sign_in(client, "ada.admin")
    client.post("/accounts/two-factor/", {"code": code(device)})
    assert "hana.housing" not in client.get("/accounts/users/").content.decode()
    for target in (outsider, superuser):
        assert client.post(f"/accounts/users/{target.pk}/reset/").status_code == 403
        target.refresh_from_db()
        assert target.has_usable_password()
    assert (
        AccessLogEntry.objects.filter(user=admin, action=Action.DENIED, summary__contains="reset").count()
        == 2
    )


def test_a_practitioner_may_not_reset_anyone(client, worker, partnership):
    other = partnership.user("other.probation", partnership.probation)
    client.force_login(worker)
    assert client.get("/accounts/users/").status_code == 403
    assert client.post(f"/accounts/users/{other.pk}/reset/").status_code == 403


def test_the_command_resets_a_locked_out_administrator(admin, capsys):
    TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    call_command("reset_sign_in", "ada.admin", "--base-url", "https://desist.example.org")
    out = capsys.readouterr().out
    assert "https://desist.example.org/accounts/set-password/" in out
    assert not TOTPDevice.objects.filter(user=admin).exists()
