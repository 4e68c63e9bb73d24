"""Writing the access log. Every service that reads or changes personal data calls `log_access`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections, models, transaction

from desist.audit.chain import (
    CHECKPOINT_FIELDS,
    FIELDS,
    GENESIS,
    canonical_payload,
    checkpoint_signature,
    entry_hash,
)
from desist.audit.context import Actor
from desist.audit.models import AccessLogChainHead, AccessLogCheckpoint, AccessLogEntry, Action
from desist.audit.selectors import TrimPlan, access_log_checkpoints, access_log_key


def log_access(
    *,
    actor: Actor,
    action: Action | str,
    summary: str,
    person_id: int | None = None,
    obj: models.Model | None = None,
    detail: dict[str, Any] | None = None,
    justification: str = "",
    recipient: str = "",
) -> AccessLogEntry:
    """Append one entry to the access log (DPA 2018 s.62: who, when, what, why, and to whom), chained to
    the entry before it (desist.audit.chain)."""
    entry = AccessLogEntry(
        user_id=actor.user_id,
        username=actor.username,
        agency_code=actor.agency_code,
        action=action,
        channel=actor.channel,
        person_id=person_id,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:255],
        purpose=actor.purpose,
        justification=justification or actor.justification,
        recipient=recipient[:200],
        detail=detail or {},
        ip_address=actor.ip_address,
        path=actor.path,
    )
    log_entries_append([entry])
    return entry


def _sealable(entry: AccessLogEntry) -> bytes:
    """Put the entry's values in the form the database gives back, and return the bytes its hash covers."""
    ip_field = AccessLogEntry._meta.get_field("ip_address")
    entry.ip_address = ip_field.get_prep_value(entry.ip_address) or None
    entry.person_id = int(entry.person_id) if entry.person_id is not None else None
    return canonical_payload({name: getattr(entry, name) for name in FIELDS})


def _sqlite_entry_hash(previous_hash: str, seq: int, payload: bytes) -> str:
    return entry_hash(previous_hash, seq, bytes(payload))


def _head_reserve(cursor: Any, count: int) -> tuple[int, str] | None:
    """Move the chain head on by `count` positions and return the position before and its hash. The
    UPDATE locks the head row until the transaction ends, so appends never fork the chain."""
    table = AccessLogChainHead._meta.db_table
    cursor.execute(
        f"UPDATE {table} SET seq = seq + %s WHERE id = 1 RETURNING seq - %s, entry_hash",  # noqa: S608
        [count, count],
    )
    row = cursor.fetchone()
    return (int(row[0]), row[1]) if row else None


def _head_restore() -> None:
    """Recreate the chain head from the log's last entry (after a test database was emptied, say)."""
    last = AccessLogEntry.objects.order_by("-chain_seq").values_list("chain_seq", "entry_hash").first()
    seq, last_hash = last if last else (0, GENESIS)
    AccessLogChainHead.objects.bulk_create(
        [AccessLogChainHead(pk=1, seq=seq, entry_hash=last_hash)], ignore_conflicts=True
    )


def log_entries_append(entries: Sequence[AccessLogEntry]) -> None:
    """Append unsaved entries to the access log in order, each sealed with its chain position and hash.
    `log_access` writes one; record linkage writes many at once. If the log fails, the work it records
    fails with it (no savepoint)."""
    if not entries:
        return
    payloads = [_sealable(entry) for entry in entries]
    connection = connections[AccessLogEntry.objects.db]
    if (
        connection.vendor == "postgresql"
        and len(entries) == 1
        and _append_one_postgresql(connection, entries[0], payloads[0])
    ):
        return
    _append_in_transaction(connection, entries, payloads)


def _append_one_postgresql(connection: Any, entry: AccessLogEntry, payload: bytes) -> bool:
    """One statement, atomic by itself, so a page's entry costs no extra round trip: move the chain head
    (its row lock serialises writers until the transaction ends), working out the hash in SQL with the
    formula of entry_hash, and insert the entry with the head's new position and hash. False if there is
    no head row to move."""
    fields = [
        f
        for f in AccessLogEntry._meta.concrete_fields
        if not f.primary_key and f.attname not in ("chain_seq", "entry_hash")
    ]
    # Text for character columns, so a value too long for its column still fails rather than being cut.
    casts = [
        ("text" if f.get_internal_type() in ("CharField", "TextField") else f.db_type(connection))
        for f in fields
    ]
    values = [f.get_db_prep_save(getattr(entry, f.attname), connection) for f in fields]
    quote = connection.ops.quote_name
    sql = (
        f"WITH head AS (UPDATE {quote(AccessLogChainHead._meta.db_table)} SET seq = seq + 1, "  # noqa: S608
        "entry_hash = encode(sha256(convert_to(entry_hash || ':' || (seq + 1)::text || ':', 'UTF8') || %s), "
        "'hex') WHERE id = 1 RETURNING seq, entry_hash) "
        f"INSERT INTO {quote(AccessLogEntry._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}, "
        f"chain_seq, entry_hash) SELECT {', '.join(f'%s::{cast}' for cast in casts)}, seq, entry_hash "
        "FROM head "
        "RETURNING id, chain_seq, entry_hash"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [payload, *values])
        row = cursor.fetchone()
    if row is None:
        _head_restore()
        return False
    entry.pk, entry.chain_seq, entry.entry_hash = row
    entry._state.adding, entry._state.db = False, connection.alias
    return True


@transaction.atomic(savepoint=False)
def _append_in_transaction(connection: Any, entries: Sequence[AccessLogEntry], payloads: list[bytes]) -> None:
    table = AccessLogChainHead._meta.db_table
    with connection.cursor() as cursor:
        if len(entries) == 1:
            # One statement for the head: the database works out the hash as it moves it (entry_hash's
            # formula).
            if connection.vendor == "postgresql":
                hashed = (
                    "encode(sha256(convert_to(entry_hash || ':' || (seq + 1)::text || ':', 'UTF8') || %s), "
                    "'hex')"
                )
            else:
                connection.connection.create_function(
                    "desist_entry_hash", 3, _sqlite_entry_hash, deterministic=True
                )
                hashed = "desist_entry_hash(entry_hash, seq + 1, %s)"
            sql = (
                f"UPDATE {table} SET seq = seq + 1, entry_hash = {hashed} "  # noqa: S608
                "WHERE id = 1 RETURNING seq, entry_hash"
            )
            cursor.execute(sql, [payloads[0]])
            row = cursor.fetchone()
            if row is None:
                _head_restore()
                cursor.execute(sql, [payloads[0]])
                row = cursor.fetchone()
            entries[0].chain_seq, entries[0].entry_hash = int(row[0]), row[1]
        else:
            reserved = _head_reserve(cursor, len(entries))
            if reserved is None:
                _head_restore()
                reserved = _head_reserve(cursor, len(entries))
            assert reserved is not None
            seq, previous = reserved
            for entry, payload in zip(entries, payloads, strict=True):
                seq += 1
                entry.chain_seq, entry.entry_hash = seq, entry_hash(previous, seq, payload)
                previous = entry.entry_hash
            cursor.execute(f"UPDATE {table} SET entry_hash = %s WHERE id = 1", [previous])  # noqa: S608
    if len(entries) == 1:
        entries[0].save(force_insert=True)
    else:
        AccessLogEntry.objects.bulk_create(entries, batch_size=2000)


class TrimRefused(Exception):
    """The access log cannot be trimmed as planned; the message says why."""


@transaction.atomic
def access_log_trim(*, actor: Actor, plan: TrimPlan, rule: str) -> AccessLogCheckpoint:
    """Delete the entries `plan` (desist.audit.selectors.access_log_trim_plan) found, in one transaction:
    first a checkpoint with the last one's position and hash, the count and dates, signed with the log's key
    and chained to the checkpoint before; then the entries (on PostgreSQL through `accesslog_trim`, the one
    way the application's role may delete from the log, and only what a checkpoint covers); then an erasure
    entry saying so."""
    if not plan.count or plan.problems or plan.first_at is None or plan.last_at is None:
        raise TrimRefused("Nothing to trim, or the part to trim fails verification.")
    checkpoints = access_log_checkpoints()
    newest = (checkpoints[-1]["last_seq"], checkpoints[-1]["last_hash"]) if checkpoints else (0, GENESIS)
    if newest != plan.start:
        raise TrimRefused("The access log was trimmed since the plan was made: plan again.")
    checkpoint = AccessLogCheckpoint(
        first_seq=plan.first_seq,
        last_seq=plan.last_seq,
        last_hash=plan.last_hash,
        trimmed=plan.count,
        first_at=plan.first_at,
        last_at=plan.last_at,
        rule=rule,
        previous_signature=checkpoints[-1]["signature"] if checkpoints else "",
    )
    checkpoint.signature = checkpoint_signature(
        access_log_key(), {name: getattr(checkpoint, name) for name in CHECKPOINT_FIELDS}
    )
    checkpoint.save(force_insert=True)
    connection = connections[AccessLogEntry.objects.db]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT accesslog_trim(%s)", [plan.last_seq])
            deleted = int(cursor.fetchone()[0])
    else:
        trimmed = AccessLogEntry.objects.filter(chain_seq__lte=plan.last_seq)
        deleted = trimmed._raw_delete(trimmed.db)
    if deleted != plan.count:
        raise TrimRefused(f"Expected to trim {plan.count} entries but {deleted} went: nothing was trimmed.")
    log_access(
        actor=actor,
        action=Action.ERASURE,
        summary=(
            f"Trimmed {plan.count} access log entries (chain positions {plan.first_seq} to {plan.last_seq}, "
            f"{plan.first_at:%Y-%m-%d} to {plan.last_at:%Y-%m-%d}) under retention rule {rule}"
        )[:255],
        obj=checkpoint,
        detail={
            "rule": rule,
            "checkpoint": checkpoint.pk,
            "first_seq": plan.first_seq,
            "last_seq": plan.last_seq,
            "last_hash": plan.last_hash,
            "trimmed": plan.count,
            "first_at": plan.first_at.isoformat(),
            "last_at": plan.last_at.isoformat(),
            "before": plan.before.isoformat(),
        },
    )
    return checkpoint


def model_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields that differ between two snapshots, as {field: {"before": x, "after": y}}."""
    return {
        name: {"before": before.get(name), "after": after.get(name)}
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }
