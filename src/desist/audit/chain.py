"""Tamper evidence for the access log: every entry carries a SHA-256 hash chained to the entry before it.

An entry's hash covers its chain position (`chain_seq`, 1, 2, 3… with no gaps), the previous entry's hash
and a canonical serialisation of its fields. Editing an entry breaks its hash; deleting one leaves a gap
in the positions; swapping two breaks the order. `manage.py verify_access_log` walks the chain.

The canonical form is part of the stored evidence: changing `FIELDS` or `canonical_payload` would make
every existing entry fail verification, so treat them as frozen (add a new chain version instead).

Trimming (`desist.audit.services.access_log_trim`, run by the retention schedule) deletes the oldest entries,
a prefix of the chain, after writing a **checkpoint**: the last deleted entry's position and hash, how many
went and their dates, signed with HMAC-SHA256 under a key from the settings (`DESIST_ACCESS_LOG_KEY`) and
chained to the checkpoint before it. Verification starts from the newest checkpoint's position and hash, so
the entries kept still chain to it; a checkpoint changed, forged without the key or deleted fails (its
signature, the next one's link to it, or the gap it leaves).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64
# The fields an entry's hash covers, in order. `id` is left out: positions (`chain_seq`) order the chain.
FIELDS = (
    "at",
    "user_id",
    "username",
    "agency_code",
    "action",
    "channel",
    "person_id",
    "object_type",
    "object_id",
    "summary",
    "purpose",
    "justification",
    "recipient",
    "detail",
    "ip_address",
    "path",
)


def _plain(value: Any) -> Any:
    """JSON values as the databases give them back: an integral float (1.0, 1e20) reads back from
    PostgreSQL's jsonb as an int, so it is written as one; keys are sorted by json.dumps."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _at(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def canonical_payload(values: dict[str, Any]) -> bytes:
    """The bytes an entry's hash covers, from its field values (as stored, or about to be)."""
    row = [_at(values["at"]) if key == "at" else _plain(values[key]) for key in FIELDS]
    return json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(previous_hash: str, seq: int, payload: bytes) -> str:
    """sha256("<previous hash>:<position>:" + payload), hex. PostgreSQL computes the same in SQL
    (`desist.audit.services._append_postgresql`)."""
    return hashlib.sha256(f"{previous_hash}:{seq}:".encode() + payload).hexdigest()


@dataclass(frozen=True)
class Problem:
    """One break in the chain: the entry (by id) where it shows, and what it means."""

    entry_id: int | None
    kind: str  # edited, deleted, reordered, unsealed, head
    message: str


@dataclass
class Verification:
    """What `verify_chain` found: entries checked, the latest position and hash (the anchor), problems."""

    checked: int = 0
    last_seq: int = 0
    last_hash: str = GENESIS
    problems: list[Problem] | None = None
    start_seq: int = 0  # the entries before were trimmed, under `checkpoints` checkpoints
    checkpoints: int = 0


def verify_chain(
    rows: Iterable[dict[str, Any]],
    *,
    head: tuple[int, str] | None = None,
    limit: int = 20,
    start: tuple[int, str] = (0, GENESIS),
) -> Verification:
    """Walk entries in id order (each a dict of FIELDS plus id, chain_seq and entry_hash) and report the
    first `limit` problems. `head` is the chain head the database keeps (position and hash of the latest
    entry), which shows entries deleted from the end. `start` is the position and hash the first entry
    follows: the newest checkpoint's, once the log has been trimmed (`verify_checkpoints`)."""
    result = Verification(problems=[])
    problems = result.problems
    assert problems is not None
    previous_seq, previous_hash = start
    for row in rows:
        result.checked += 1
        seq, stored = row["chain_seq"], row["entry_hash"]
        if seq is not None and seq <= start[0]:
            problems.append(
                Problem(
                    row["id"],
                    "trimmed",
                    f"entry {row['id']} is at chain position {seq}, which a checkpoint says was trimmed: "
                    "it was written outside desist",
                )
            )
            continue
        if seq is None or not stored:
            problems.append(
                Problem(
                    row["id"],
                    "unsealed",
                    f"entry {row['id']} has no chain position or hash: it was written outside desist",
                )
            )
            continue
        if seq <= previous_seq:
            problems.append(
                Problem(
                    row["id"],
                    "reordered",
                    f"entry {row['id']} is out of order: chain position {seq} comes after {previous_seq}",
                )
            )
        elif seq > previous_seq + 1:
            missing = f"{previous_seq + 1}" if seq == previous_seq + 2 else f"{previous_seq + 1} to {seq - 1}"
            problems.append(
                Problem(
                    row["id"],
                    "deleted",
                    f"entries deleted before entry {row['id']}: chain "
                    f"position{'s' if seq > previous_seq + 2 else ''} "
                    f"{missing} missing",
                )
            )
        elif entry_hash(previous_hash, seq, canonical_payload(row)) != stored:
            problems.append(
                Problem(
                    row["id"],
                    "edited",
                    f"entry {row['id']} (chain position {seq}) was edited: its "
                    "contents, or the hash of the entry before it, no longer "
                    "match its hash",
                )
            )
        previous_seq, previous_hash = max(seq, previous_seq), stored
        if len(problems) >= limit:
            break
    result.last_seq, result.last_hash = previous_seq, previous_hash
    if head is not None and len(problems) < limit and tuple(head) != (previous_seq, previous_hash):
        if head[0] > previous_seq:
            problems.append(
                Problem(
                    None,
                    "deleted",
                    f"entries deleted from the end: the chain head is at position "
                    f"{head[0]} but the last entry is at {previous_seq}",
                )
            )
        else:
            problems.append(
                Problem(
                    None,
                    "head",
                    f"the chain head (position {head[0]}) does not match the last "
                    f"entry (position {previous_seq}): the log was rewritten",
                )
            )
    return result


# --- Checkpoints: where a trimmed log's chain starts ---------------------------------------------------

#: The fields a checkpoint's signature covers, in order (frozen, as FIELDS).
CHECKPOINT_FIELDS = (
    "first_seq",
    "last_seq",
    "last_hash",
    "trimmed",
    "first_at",
    "last_at",
    "created_at",
    "rule",
    "previous_signature",
)


def checkpoint_payload(values: dict[str, Any]) -> bytes:
    """The bytes a checkpoint's signature covers, from its field values."""
    row = [
        _at(values[key]) if isinstance(values[key], datetime) else values[key] for key in CHECKPOINT_FIELDS
    ]
    return json.dumps(row, separators=(",", ":"), ensure_ascii=False).encode()


def checkpoint_signature(key: bytes, values: dict[str, Any]) -> str:
    """HMAC-SHA256 of the checkpoint's fields under the log's key, hex."""
    return hmac.new(key, checkpoint_payload(values), hashlib.sha256).hexdigest()


def verify_checkpoints(
    rows: Iterable[dict[str, Any]], *, key: bytes
) -> tuple[tuple[int, str], list[Problem]]:
    """Check the checkpoints (dicts of CHECKPOINT_FIELDS plus id and signature, oldest first): each signed
    under `key`, chained to the one before by its signature, and covering the positions after it. Returns
    where the kept entries' chain starts (the newest checkpoint's last position and hash) and the problems."""
    problems: list[Problem] = []
    start, previous_signature = (0, GENESIS), ""
    for row in rows:
        name = f"checkpoint {row['id']} (positions {row['first_seq']} to {row['last_seq']})"
        if not hmac.compare_digest(checkpoint_signature(key, row), str(row["signature"])):
            problems.append(
                Problem(
                    None,
                    "checkpoint",
                    f"{name} does not match its signature: it was changed, forged, or signed with "
                    "another key than DESIST_ACCESS_LOG_KEY",
                )
            )
        if row["previous_signature"] != previous_signature or row["first_seq"] != start[0] + 1:
            problems.append(
                Problem(
                    None,
                    "checkpoint",
                    f"{name} does not follow the checkpoint before it (which ends at position {start[0]}): "
                    "a checkpoint was deleted or replaced",
                )
            )
        if row["trimmed"] != row["last_seq"] - row["first_seq"] + 1:
            problems.append(
                Problem(None, "checkpoint", f"{name} says {row['trimmed']} entries went: the count is wrong")
            )
        start, previous_signature = (row["last_seq"], row["last_hash"]), row["signature"]
    return start, problems
