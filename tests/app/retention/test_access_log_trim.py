"""Trimming the access log (issue 16, item 6): the retention schedule's access-log rule deletes the oldest
entries, a prefix of the hash chain, behind a signed checkpoint; verification starts from the newest
checkpoint and still catches an edited entry, a changed, forged or deleted checkpoint."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from desist.audit.context import system_actor
from desist.audit.models import AccessLogCheckpoint, AccessLogEntry, Action, AppendOnlyError
from desist.audit.services import log_access, log_entries_append
from desist.retention.models import Tombstone

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
TODAY = timezone.localdate()
YEARS_AGO = timezone.now() - timedelta(days=365 * 7)


def _old(count: int, *, at: object = None) -> list[AccessLogEntry]:
    entries = [
        AccessLogEntry(
            at=at or YEARS_AGO + timedelta(minutes=n),
            username="pat",
            action=Action.CONSULTATION,
            person_id=n,
            summary=f"Viewed {n}",
            detail={"n": n},
        )
        for n in range(count)
    ]
    log_entries_append(entries)
    return entries


def _recent(count: int) -> list[AccessLogEntry]:
    return [
        log_access(actor=system_actor(), action=Action.CONSULTATION, summary=f"Recent {n}")
        for n in range(count)
    ]


def _command(name: str, *args: str) -> str:
    out = io.StringIO()
    call_command(name, *args, stdout=out, stderr=out)
    return out.getvalue()


def _trim(*args: str) -> str:
    return _command("retention", *args, "--rule", "access-log-6y")


def _failure() -> str:
    err = io.StringIO()
    with pytest.raises(CommandError, match="fails verification"):
        call_command("verify_access_log", stdout=io.StringIO(), stderr=err)
    return err.getvalue()


def _tamper(*statements: str, params: list[list[object]]) -> None:
    """As someone with the owner's rights could: lift the triggers (inside this test's transaction only)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_accesslogentry DISABLE TRIGGER USER")
            cursor.execute("ALTER TABLE audit_accesslogcheckpoint DISABLE TRIGGER USER")
        else:
            for trigger in (
                "accesslog_no_update",
                "accesslog_checkpoint_no_update",
                "accesslog_checkpoint_no_delete",
            ):
                cursor.execute(f"DROP TRIGGER {trigger}")
        for statement, values in zip(statements, params, strict=True):
            cursor.execute(statement, values)


def test_a_dry_run_says_what_would_be_trimmed_and_changes_nothing():
    old = _old(5)
    _recent(2)
    out = _trim("--dry-run", "--summary")
    assert "access-log-6y: 5 audit.accesslogentry due" in out
    assert f"would trim chain positions 1 to 5 (5 entries, {old[0].at:%Y-%m-%d} to" in out
    assert AccessLogEntry.objects.filter(pk__in=[e.pk for e in old]).count() == 5
    assert not AccessLogCheckpoint.objects.exists() and not Tombstone.objects.exists()


def test_trimming_leaves_a_signed_checkpoint_a_tombstone_an_erasure_and_a_verifiable_chain():
    old = _old(5)
    kept = _recent(2)
    out = _trim("--confirm")
    assert "access-log-6y: deleted 5 audit.accesslogentry" in out
    assert not AccessLogEntry.objects.filter(chain_seq__lte=5).exists()
    checkpoint = AccessLogCheckpoint.objects.get()
    assert (checkpoint.first_seq, checkpoint.last_seq, checkpoint.trimmed) == (1, 5, 5)
    assert checkpoint.last_hash == old[-1].entry_hash and checkpoint.first_at == old[0].at
    assert checkpoint.last_at == old[-1].at and len(checkpoint.signature) == 64
    tomb = Tombstone.objects.get()
    assert (tomb.model, tomb.object_id, tomb.rule_kind) == ("audit.accesslogentry", "1-5", "access-log-6y")
    erasure = AccessLogEntry.objects.get(action=Action.ERASURE)
    assert erasure.detail["trimmed"] == 5 and erasure.detail["checkpoint"] == checkpoint.pk
    assert erasure.chain_seq == kept[-1].chain_seq + 1
    verified = _command("verify_access_log")
    assert "Checked 3 access log entries" in verified and "From checkpoint at position 5" in verified
    assert "intact" in verified
    # An anchor recorded before the trim at the checkpoint's position is still checked; others are not.
    assert "intact" in _command("verify_access_log", "--anchor", f"5:{old[-1].entry_hash}")
    assert "trimmed (retention), not checked" in _command(
        "verify_access_log", "--anchor", f"2:{old[1].entry_hash}"
    )
    # A second run trims what has since passed its period, chained to the first checkpoint.
    assert "deleted 0" in _trim("--confirm")
    later = _trim("--confirm", "--on", (TODAY + timedelta(days=365 * 7)).isoformat())
    assert "deleted 3 audit.accesslogentry" in later
    second = AccessLogCheckpoint.objects.order_by("last_seq").last()
    assert second is not None and second.previous_signature == checkpoint.signature and second.first_seq == 6
    assert "intact" in _command("verify_access_log")


def test_an_entry_past_its_period_behind_a_newer_one_waits():
    _old(2)
    _recent(1)
    _old(2)
    out = _trim("--confirm")
    assert "deleted 2 audit.accesslogentry" in out
    assert "2 access log entries: past their period but chained after an entry still kept" in out


def test_tampering_with_a_kept_entry_is_still_found():
    _old(3)
    kept = _recent(2)
    _trim("--confirm")
    _tamper("UPDATE audit_accesslogentry SET summary = 'Nothing' WHERE id = %s", params=[[kept[0].pk]])
    assert f"entry {kept[0].pk} (chain position {kept[0].chain_seq}) was edited" in _failure()


def test_the_first_kept_entry_must_follow_the_checkpoint():
    _old(3)
    kept = _recent(2)
    _trim("--confirm")
    _tamper(
        "UPDATE audit_accesslogcheckpoint SET last_hash = %s",
        params=[["f" * 64]],
    )
    err = _failure()
    assert "checkpoint" in err and "does not match its signature" in err
    assert f"entry {kept[0].pk} (chain position 4) was edited" in err


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_accesslogcheckpoint SET trimmed = 2",
        "UPDATE audit_accesslogcheckpoint SET first_at = last_at",
        "UPDATE audit_accesslogcheckpoint SET rule = 'other'",
    ],
)
def test_a_changed_checkpoint_fails_its_signature(statement):
    _old(3)
    _recent(1)
    _trim("--confirm")
    _tamper(statement, params=[[]])
    assert "does not match its signature" in _failure()


def test_a_deleted_checkpoint_leaves_a_gap_and_another_key_fails(settings):
    _old(3)
    kept = _recent(1)
    _trim("--confirm")
    settings.DESIST_ACCESS_LOG_KEY = "another key altogether"
    assert "signed with another key" in _failure()
    settings.DESIST_ACCESS_LOG_KEY = ""
    _tamper("DELETE FROM audit_accesslogcheckpoint", params=[[]])
    assert f"entries deleted before entry {kept[0].pk}: chain positions 1 to 3 missing" in _failure()


def test_only_what_a_checkpoint_covers_may_be_deleted_and_checkpoints_never_change():
    _old(3)
    kept = _recent(1)
    _trim("--confirm")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessLogEntry.objects.filter(pk=kept[0].pk)._raw_delete(connection.alias)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessLogCheckpoint.objects.update(trimmed=1)
    with pytest.raises(AppendOnlyError):
        AccessLogCheckpoint.objects.get().delete()
    # An entry written afterwards at a trimmed position is named.
    _tamper(
        "INSERT INTO audit_accesslogentry (at, username, agency_code, action, channel, object_type, "
        "object_id, summary, purpose, justification, recipient, detail, path, chain_seq, entry_hash) "
        "VALUES (%s, 'x', '', 'consultation', 'web', '', '', 'forged', '', '', '', '{}', '', 2, %s)",
        params=[[YEARS_AGO, "0" * 64]],
    )
    forged = AccessLogEntry.objects.get(summary="forged")
    assert f"entry {forged.pk} is at chain position 2, which a checkpoint says was trimmed" in _failure()


def test_a_log_that_fails_verification_is_not_trimmed():
    old = _old(3)
    _recent(1)
    _tamper("UPDATE audit_accesslogentry SET summary = 'Nothing' WHERE id = %s", params=[[old[1].pk]])
    out = _trim("--confirm")
    assert "fails verification, so it is not trimmed" in out and "was edited" in out
    assert AccessLogEntry.objects.filter(pk__in=[e.pk for e in old]).count() == 3
    assert not AccessLogCheckpoint.objects.exists()


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL roles")
def test_the_application_role_trims_only_through_a_checkpoint():
    """The application's role may not DELETE from the log or touch a checkpoint; it trims through
    accesslog_trim, which deletes only what a checkpoint covers. (The role vanishes with the transaction.)"""
    from desist.audit.database import app_role_grant

    old = _old(3)
    _recent(1)
    role = f"{connection.settings_dict['NAME']}_trim"[:63]
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
    app_role_grant(role=role)
    with connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{role}"')
    try:
        for statement, refusal in [
            ("DELETE FROM audit_accesslogentry", "permission denied"),
            ("SELECT accesslog_trim(3)", "no access log checkpoint covers chain position 3"),
        ]:
            with (
                pytest.raises(DatabaseError, match=refusal),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(statement)
        assert "deleted 3 audit.accesslogentry" in _trim("--confirm")
        for statement in [
            "UPDATE audit_accesslogcheckpoint SET trimmed = 1",
            "DELETE FROM audit_accesslogcheckpoint",
        ]:
            with (
                pytest.raises(DatabaseError, match="permission denied"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(statement)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
    assert not AccessLogEntry.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert "intact" in _command("verify_access_log")
