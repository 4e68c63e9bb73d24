"""The access log's tamper evidence (a hash chain checked by `manage.py verify_access_log`) and, on
PostgreSQL, least privilege: the application's role may only add to and read the log (issue 10, item 5)."""

from __future__ import annotations

import io
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from desist.audit.chain import FIELDS, GENESIS, canonical_payload, entry_hash
from desist.audit.context import system_actor
from desist.audit.database import app_role_grant
from desist.audit.models import AccessLogChainHead, AccessLogEntry, Action, AppendOnlyError
from desist.audit.services import log_access, log_entries_append
from tests.app import builders

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
postgresql_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL roles and locks")
UPDATE_ID = "UPDATE audit_accesslogentry SET id = %s WHERE id = %s"


def _entries(count: int) -> list[AccessLogEntry]:
    return [
        log_access(
            actor=system_actor(),
            action=Action.CONSULTATION,
            person_id=n,
            summary=f"Viewed {n}",
            detail={"sections": ["sentences"], "weight": 2.0, "n": n},
        )
        for n in range(1, count + 1)
    ]


def _verify(*args: str) -> str:
    out = io.StringIO()
    call_command("verify_access_log", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _failure(*args: str) -> str:
    err = io.StringIO()
    with pytest.raises(CommandError, match="fails verification"):
        call_command("verify_access_log", *args, stdout=io.StringIO(), stderr=err)
    return err.getvalue()


def _tamper(*statements: str, params: list[list[object]] | None = None) -> None:
    """Change the log as someone with the database owner's rights could: lift the triggers (inside this test's
    transaction only), then run the statements."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_accesslogentry DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER accesslog_no_update")
            cursor.execute("DROP TRIGGER accesslog_no_delete")
        for statement, values in zip(statements, params or [[]] * len(statements), strict=True):
            cursor.execute(statement, values)


def test_each_entry_is_chained_to_the_one_before():
    entries = _entries(3)
    rows = list(AccessLogEntry.objects.order_by("id").values("chain_seq", "entry_hash", *FIELDS))
    assert [row["chain_seq"] for row in rows][-3:] == [e.chain_seq for e in entries]
    assert entries[1].chain_seq == entries[0].chain_seq + 1 == entries[2].chain_seq - 1
    previous = GENESIS
    for row in rows:
        assert row["entry_hash"] == entry_hash(previous, row["chain_seq"], canonical_payload(row))
        previous = row["entry_hash"]
    out = _verify()
    assert f"Latest: {entries[2].chain_seq}:{entries[2].entry_hash}" in out
    assert "intact" in out
    assert AccessLogChainHead.objects.get().entry_hash == entries[2].entry_hash


def test_entries_written_together_chain_like_single_ones():
    _entries(2)
    log_entries_append(
        [
            AccessLogEntry(
                action=Action.COMBINATION,
                summary=f"Linked {n}",
                person_id=n,
                detail={"run": 1, "ratio": 0.25, "big": 1e20},
            )
            for n in range(5)
        ]
    )
    # Only the chain adds entries: one saved the ordinary way is refused, so none is ever stored unsealed.
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.create(action=Action.CONSULTATION, summary="Saved the ordinary way")
    assert list(AccessLogEntry.objects.order_by("id").values_list("chain_seq", flat=True)) == list(
        range(1, 8)
    )
    assert "intact" in _verify()


def test_an_edited_entry_is_named():
    _, second, third = _entries(3)
    _tamper("UPDATE audit_accesslogentry SET summary = 'Viewed nothing' WHERE id = %s", params=[[second.pk]])
    err = _failure()
    assert f"entry {second.pk} (chain position {second.chain_seq}) was edited" in err
    assert f"entry {third.pk}" not in err


def test_an_edit_with_its_hash_worked_out_again_shows_at_the_next_entry():
    first, second, third = _entries(3)
    row = AccessLogEntry.objects.values(*FIELDS).get(pk=second.pk) | {"purpose": "audit"}
    forged = entry_hash(first.entry_hash, second.chain_seq, canonical_payload(row))
    _tamper(
        "UPDATE audit_accesslogentry SET purpose = 'audit', entry_hash = %s WHERE id = %s",
        params=[[forged, second.pk]],
    )
    assert f"entry {third.pk} (chain position {third.chain_seq}) was edited" in _failure()


def test_a_deleted_entry_is_named():
    _, second, third = _entries(3)
    _tamper("DELETE FROM audit_accesslogentry WHERE id = %s", params=[[second.pk]])
    assert f"entries deleted before entry {third.pk}: chain position {second.chain_seq} missing" in _failure()


def test_entries_deleted_from_the_end_are_found_through_the_chain_head():
    first, second, third = _entries(3)
    _tamper("DELETE FROM audit_accesslogentry WHERE id >= %s", params=[[second.pk]])
    assert (
        f"entries deleted from the end: the chain head is at position {third.chain_seq} but the last entry "
        f"is at {first.chain_seq}"
    ) in _failure()


def test_reordered_entries_are_named():
    first, second, _ = _entries(3)
    _tamper(
        UPDATE_ID,
        UPDATE_ID,
        UPDATE_ID,
        params=[[-first.pk, first.pk], [first.pk, second.pk], [second.pk, -first.pk]],
    )
    assert (
        f"entry {second.pk} is out of order: chain position {first.chain_seq} comes after {second.chain_seq}"
    ) in _failure()


def test_an_entry_written_outside_desist_is_named():
    entries = _entries(2)
    _tamper(
        "INSERT INTO audit_accesslogentry (at, username, agency_code, action, channel, object_type, "
        "object_id, summary, purpose, justification, recipient, detail, path, chain_seq, entry_hash) "
        "VALUES (%s, 'x', '', 'consultation', 'web', '', '', 'forged', '', '', '', '{}', '', %s, %s)",
        params=[[entries[1].at, entries[1].chain_seq + 1, "f" * 64]],
    )
    forged = AccessLogEntry.objects.get(summary="forged")
    assert f"entry {forged.pk} (chain position {entries[1].chain_seq + 1}) was edited" in _failure()


def test_an_anchor_catches_a_chain_rewritten_from_the_start():
    entries = _entries(3)
    anchor = f"{entries[1].chain_seq}:{entries[1].entry_hash}"
    assert "intact" in _verify("--anchor", anchor)
    # Someone who edits an entry and works out every later hash again leaves a chain that is whole...
    rows = list(AccessLogEntry.objects.order_by("id").values("id", "chain_seq", *FIELDS))
    previous, updates = GENESIS, []
    for row in rows:
        if row["id"] == entries[0].pk:
            row["summary"] = "Viewed nobody"
        previous = entry_hash(previous, row["chain_seq"], canonical_payload(row))
        updates.append([row["summary"], previous, row["id"]])
    _tamper(
        *["UPDATE audit_accesslogentry SET summary = %s, entry_hash = %s WHERE id = %s"] * len(updates),
        params=updates,
    )
    AccessLogChainHead.objects.update(entry_hash=previous)
    assert "intact" in _verify()
    # ...but not one that matches the position and hash an operator recorded elsewhere.
    assert f"anchor {entries[1].chain_seq}:{entries[1].entry_hash[:12]}" in _failure("--anchor", anchor)


def test_a_missing_chain_head_is_made_again_from_the_log():
    entries = _entries(2)
    AccessLogChainHead.objects.all().delete()
    later = _entries(1)[0]
    assert later.chain_seq == entries[1].chain_seq + 1
    assert "intact" in _verify()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain():
    def write(n: int) -> None:
        try:
            for i in range(15):
                log_access(actor=system_actor(), action=Action.CONSULTATION, summary=f"thread {n} entry {i}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seqs = list(AccessLogEntry.objects.order_by("id").values_list("chain_seq", flat=True))
    assert seqs == list(range(1, 61))
    assert "intact" in _verify()


@postgresql_only
def test_the_application_role_may_only_add_to_and_read_the_log(client, partnership):
    """The application connects as a role that owns nothing: it works, but cannot change the log or its
    triggers. (The role made here vanishes with the test's transaction.)"""
    worker = partnership.user("pat.probation", partnership.probation)
    subject = builders.person(involved=[(partnership.probation, worker)])
    role = f"{connection.settings_dict['NAME']}_app"[:63]
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
    with pytest.raises(ValueError, match="must not be the owner"):
        app_role_grant(role=connection.settings_dict["USER"])
    out = io.StringIO()
    call_command("grant_app_role", role, stdout=out)
    assert f'GRANT SELECT, INSERT ON "public"."audit_accesslogentry" TO "{role}"' in out.getvalue()
    with connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{role}"')
    try:
        before = AccessLogEntry.objects.count()
        client.force_login(worker)
        assert client.get(f"/people/{subject.pk}/").status_code == 200
        log_access(actor=system_actor(), action=Action.CONSULTATION, summary="As the application's role")
        assert AccessLogEntry.objects.count() > before + 1
        refused = [
            "UPDATE audit_accesslogentry SET summary = 'tampered'",
            "DELETE FROM audit_accesslogentry",
            "TRUNCATE audit_accesslogentry",
            "DROP TRIGGER accesslog_no_update_delete ON audit_accesslogentry",
            "ALTER TABLE audit_accesslogentry DISABLE TRIGGER USER",
            "ALTER TABLE audit_accesslogentry OWNER TO CURRENT_USER",
            "DROP TABLE audit_accesslogentry",
            "DELETE FROM audit_accesslogchainhead",
            "SELECT setval('audit_accesslogentry_id_seq', 1)",
            "CREATE TABLE desist_forged (id int)",
            "CREATE FUNCTION desist_forged() RETURNS int AS 'SELECT 1' LANGUAGE sql",
        ]
        for statement in refused:
            with (
                pytest.raises(DatabaseError, match=r"permission denied|must be owner"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(statement)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
    assert "intact" in _verify()


@pytest.mark.django_db(transaction=True)
def test_upgrading_seals_the_entries_already_held():
    """Migration audit/0003 chains the entries a database held before the chain, so verification passes."""
    from django.db.migrations.executor import MigrationExecutor

    MigrationExecutor(connection).migrate([("audit", "0002_access_log_append_only")])
    try:
        with connection.cursor() as cursor:
            for n, (at, detail, address) in enumerate(
                [
                    ("2026-01-01 10:00:00+00:00", '{"b": 2.0, "a": "é"}', "10.0.0.1"),
                    ("2026-01-01 10:00:01.5+00:00", "{}", None),
                    ("2026-01-02 09:00:00+00:00", '{"ids": [1, 2]}', "::1"),
                ]
            ):
                cursor.execute(
                    "INSERT INTO audit_accesslogentry (at, username, agency_code, action, channel, "
                    "person_id, object_type, object_id, summary, purpose, justification, recipient, "
                    "detail, ip_address, path) VALUES (%s, 'pat', 'probation', 'consultation', 'web', "
                    "%s, '', '', %s, 'case_management', '', '', %s, %s, '/people/')",
                    [at, n, f"Viewed record of person {n}", detail, address],
                )
    finally:
        executor = MigrationExecutor(connection)
        # Every app's latest, not only audit's: going back to 0002 also unapplied what depends on the chain
        # (retention 0003), which later tests in this process expect applied.
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert list(AccessLogEntry.objects.order_by("id").values_list("chain_seq", flat=True)) == [1, 2, 3]
    assert "Checked 3 access log entries" in _verify()
    assert _entries(1)[0].chain_seq == 4
    assert "intact" in _verify()
