"""Reading the access log (administrators and auditors only)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import Max, Min, Q, QuerySet

from desist.audit.chain import (
    CHECKPOINT_FIELDS,
    FIELDS,
    GENESIS,
    Problem,
    Verification,
    verify_chain,
    verify_checkpoints,
)
from desist.audit.models import AccessLogChainHead, AccessLogCheckpoint, AccessLogEntry


def access_log_search(
    *,
    username: str = "",
    person_id: int | None = None,
    action: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    text: str = "",
) -> QuerySet[AccessLogEntry]:
    """Entries matching every given filter, newest first."""
    entries = AccessLogEntry.objects.all()
    if username:
        entries = entries.filter(username__iexact=username)
    if person_id is not None:
        entries = entries.filter(person_id=person_id)
    if action:
        entries = entries.filter(action=action)
    if date_from:
        entries = entries.filter(at__date__gte=date_from)
    if date_to:
        entries = entries.filter(at__date__lte=date_to)
    if text:
        entries = entries.filter(Q(summary__icontains=text) | Q(justification__icontains=text))
    return entries.order_by("-at", "-id")


def access_log_key() -> bytes:
    """The key that signs the access log's checkpoints: DESIST_ACCESS_LOG_KEY, or one derived from
    SECRET_KEY when that is unset (docs/production.md)."""
    configured = str(getattr(settings, "DESIST_ACCESS_LOG_KEY", "") or "")
    if configured:
        return configured.encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"desist.audit.checkpoint", hashlib.sha256).digest()


def access_log_checkpoints() -> list[dict[str, Any]]:
    """Every checkpoint, oldest first (a handful: one a retention run that trimmed)."""
    return list(
        AccessLogCheckpoint.objects.order_by("last_seq").values(
            "id", "signature", "created_at", *CHECKPOINT_FIELDS
        )
    )


def access_log_chain_start(*, key: bytes | None = None) -> tuple[tuple[int, str], list[Problem], int]:
    """Where the kept entries' chain starts (the newest checkpoint's position and hash, or the beginning),
    the checkpoints' problems, and how many checkpoints there are."""
    checkpoints = access_log_checkpoints()
    start, problems = verify_checkpoints(checkpoints, key=key or access_log_key())
    return start, problems, len(checkpoints)


def access_log_verification(*, limit: int = 20) -> Verification:
    """Walk the whole access log in id order and check its hash chain (desist.audit.chain), streaming, from
    the newest checkpoint (whose signature, and its predecessors', are checked first)."""
    start, problems, checkpoints = access_log_chain_start()
    rows = (
        AccessLogEntry.objects.order_by("id")
        .values("id", "chain_seq", "entry_hash", *FIELDS)
        .iterator(chunk_size=5000)
    )
    head = AccessLogChainHead.objects.filter(pk=1).values_list("seq", "entry_hash").first()
    result = verify_chain(rows, head=head, limit=limit, start=start)
    result.problems = [*problems, *(result.problems or [])]
    result.start_seq, result.checkpoints = start[0], checkpoints
    return result


@dataclass
class TrimPlan:
    """What trimming the access log before a moment would delete: a prefix of the chain, after the newest
    checkpoint, up to the entry before the first one to keep. Empty (`count == 0`) when nothing may go."""

    before: datetime
    start: tuple[int, str] = (0, GENESIS)
    first_seq: int = 0
    last_seq: int = 0
    last_hash: str = ""
    count: int = 0
    first_at: datetime | None = None
    last_at: datetime | None = None
    due: int = 0  # entries older than `before`, some perhaps held behind a newer one
    problems: list[Problem] = field(default_factory=list)


def access_log_trim_plan(*, before: datetime, limit: int = 20) -> TrimPlan:
    """Which entries trimming would delete: those written before `before`, as a prefix of the chain (an
    entry written earlier but chained after a newer one waits for it). The part to delete is verified first,
    from the newest checkpoint: trimming never seals tampering into a checkpoint."""
    start, problems, _ = access_log_chain_start()
    plan = TrimPlan(before=before, start=start, problems=problems)
    after = AccessLogEntry.objects.filter(chain_seq__gt=start[0])
    plan.due = after.filter(at__lt=before).count()
    if not plan.due or problems:
        return plan
    first_kept = after.filter(at__gte=before).aggregate(seq=Min("chain_seq"))["seq"]
    through = first_kept - 1 if first_kept is not None else after.aggregate(seq=Max("chain_seq"))["seq"]
    if through is None or through <= start[0]:
        return plan
    span: dict[str, Any] = {"first": None, "last": None}

    def watched(rows: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for row in rows:
            at = row["at"]
            span["first"] = at if span["first"] is None or at < span["first"] else span["first"]
            span["last"] = at if span["last"] is None or at > span["last"] else span["last"]
            yield row

    rows = (
        after.filter(chain_seq__lte=through)
        .order_by("id")
        .values("id", "chain_seq", "entry_hash", *FIELDS)
        .iterator(chunk_size=5000)
    )
    checked = verify_chain(watched(rows), limit=limit, start=start)
    plan.problems = list(checked.problems or [])
    if checked.last_seq != through and not plan.problems:
        plan.problems.append(Problem(None, "deleted", f"entries deleted up to chain position {through}"))
    if plan.problems:
        return plan
    plan.first_seq, plan.last_seq, plan.last_hash = start[0] + 1, through, checked.last_hash
    plan.count, plan.first_at, plan.last_at = checked.checked, span["first"], span["last"]
    return plan
