"""API tokens: scopes (read, write) enforced on every write, a maximum lifetime, and no token that never
expires (issue 10, item 17)."""

import importlib
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from desist.api.models import ApiToken
from desist.api.services import TokenRefused, api_token_check, api_token_issue
from desist.audit.models import AccessLogEntry, Action

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(partnership):
    return partnership.user("pat.probation", partnership.probation)


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_a_read_token_reads_but_may_not_write(client, worker):
    _, raw = api_token_issue(user=worker, name="reader")
    assert (
        client.get("/api/people", HTTP_X_DESIST_PURPOSE="case_management", **bearer(raw)).status_code == 200
    )
    response = client.post("/api/victims", {}, content_type="application/json", **bearer(raw))
    assert response.status_code == 403
    assert "may only read" in response.json()["detail"]
    refusal = AccessLogEntry.objects.filter(action=Action.DENIED, user=worker).latest("id")
    assert "may only read" in refusal.summary and refusal.channel == "api"
    for method in ("put", "patch", "delete"):
        assert getattr(client, method)("/api/people/1", **bearer(raw)).status_code in (403, 405)


def test_a_write_token_gets_past_the_scope_check(client, worker):
    _, raw = api_token_issue(user=worker, name="writer", scopes=("read", "write"))
    response = client.post("/api/victims", {}, content_type="application/json", **bearer(raw))
    assert (
        response.status_code != 403 and response.status_code != 401
    )  # the endpoint's own answer (422, 404…)


def test_every_token_expires_within_the_maximum(worker, settings):
    settings.DESIST_API_TOKEN_MAX_DAYS = 90
    token, _ = api_token_issue(user=worker, name="default")
    assert timedelta(days=89) < token.expires_at - timezone.now() <= timedelta(days=90)
    for days in (0, -1, 91, 365):
        with pytest.raises(TokenRefused):
            api_token_issue(user=worker, name="too long", days=days)
    with pytest.raises(TokenRefused):
        api_token_issue(user=worker, name="odd", scopes=("admin",))


def test_lowering_the_maximum_shortens_tokens_already_issued(worker, settings):
    _, raw = api_token_issue(user=worker, name="t", days=60)
    ApiToken.objects.update(created_at=timezone.now() - timedelta(days=40))
    assert api_token_check(raw) is not None
    settings.DESIST_API_TOKEN_MAX_DAYS = 30
    assert api_token_check(raw) is None


def test_an_expired_token_is_refused(client, worker):
    _, raw = api_token_issue(user=worker, name="t", days=1)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/people", **bearer(raw)).status_code == 401


def test_the_command_refuses_days_0_and_says_why(worker, capsys):
    with pytest.raises(CommandError, match="between 1 and 90 days"):
        call_command("issue_api_token", "pat.probation", "--days", "0")
    call_command("issue_api_token", "pat.probation", "--days", "7", "--write")
    out = capsys.readouterr().out
    assert "may read and write" in out
    token = ApiToken.objects.get()
    assert token.scopes == "read write" and token.expires_at - timezone.now() <= timedelta(days=7)


@pytest.mark.django_db(transaction=True)
def test_the_migration_caps_tokens_that_never_expired(partnership):
    executor = MigrationExecutor(connection)
    executor.migrate([("api", "0002_idempotent_request")])
    old_apps = executor.loader.project_state([("api", "0002_idempotent_request")]).apps
    user = partnership.user("old.token", partnership.probation)
    OldToken = old_apps.get_model("api", "ApiToken")
    made = timezone.now() - timedelta(days=10)
    never = OldToken.objects.create(user_id=user.pk, name="forever", key_hash="a" * 64, key_prefix="dst_aaaa")
    long = OldToken.objects.create(
        user_id=user.pk,
        name="long",
        key_hash="b" * 64,
        key_prefix="dst_bbbb",
        expires_at=made + timedelta(days=365),
    )
    OldToken.objects.filter(pk__in=[never.pk, long.pk]).update(created_at=made)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    for token in ApiToken.objects.filter(pk__in=[never.pk, long.pk]):
        assert token.expires_at == made + timedelta(days=90)
        assert token.scopes == "read write"  # they could write before; only their lifetime changes
    assert importlib.import_module("desist.api.migrations.0003_token_scopes_and_lifetime")
