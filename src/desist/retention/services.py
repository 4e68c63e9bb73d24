"""Deleting what the schedule says may go: a chunk at a time, each chunk's tombstones written and its
records deleted in one transaction, one access log entry (an erasure) per rule. The access log itself is
trimmed as a prefix of its hash chain behind a signed checkpoint (DPA 2018 s.62: docs/retention.md)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from itertools import islice

from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone

from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.selectors import access_log_trim_plan
from desist.audit.services import access_log_trim, log_access
from desist.core import retention as rules
from desist.retention.models import RetentionRule, Tombstone
from desist.retention.selectors import ACCESS_LOG, DueRow, access_log_before, due_rows, period, rule_model


@dataclass
class RuleResult:
    rule: str
    deleted: int = 0
    cascaded: Counter[str] = field(default_factory=Counter)
    held: list[tuple[str, str]] = field(default_factory=list)  # (record, why)


def _chunks(rows: list[DueRow], size: int) -> list[list[DueRow]]:
    it = iter(rows)
    return [c for c in iter(lambda: list(islice(it, size)), [])]


def _delete_chunk(rule: RetentionRule, chunk: list[DueRow], today: date, result: RuleResult) -> None:
    model = rule_model(rule)
    with transaction.atomic():
        Tombstone.objects.bulk_create(
            [
                Tombstone(
                    rule_kind=rule.kind,
                    model=rule.model,
                    object_id=str(row.pk),
                    deleted_on=today,
                    reached_on=row.reached_on,
                )
                for row in chunk
            ]
        )
        _, counts = model._base_manager.filter(pk__in=[row.pk for row in chunk]).delete()
    result.deleted += counts.pop(model._meta.label, 0)
    result.cascaded.update(counts)


def retention_delete(*, actor: Actor, rule: RetentionRule, today: date, chunk_size: int = 2000) -> RuleResult:
    """Delete every record the rule says may go by `today`, leaving a tombstone each, and log the erasure.
    A chunk something else still needs (a protected link) is retried a record at a time; those records are
    held, with the reason."""
    result = RuleResult(rule.kind)
    if rule.model == ACCESS_LOG:
        return _access_log_trim(actor=actor, rule=rule, today=today, result=result)
    rows = list(due_rows(rule, today=today))
    for chunk in _chunks(rows, chunk_size):
        try:
            _delete_chunk(rule, chunk, today, result)
        except (ProtectedError, RestrictedError):
            for row in chunk:
                try:
                    _delete_chunk(rule, [row], today, result)
                except (ProtectedError, RestrictedError) as error:
                    blocking = getattr(error, "protected_objects", None) or getattr(
                        error, "restricted_objects", ()
                    )
                    needed = sorted({str(o._meta.verbose_name) for o in blocking or ()})
                    result.held.append((f"{rule.model} {row.pk}", "still needed by " + ", ".join(needed)))
    log_access(
        actor=actor,
        action=Action.ERASURE,
        summary=f"Retention rule {rule.kind}: deleted {result.deleted} {rule.model}"[:255],
        detail={
            "rule": rule.kind,
            "model": rule.model,
            "deleted": result.deleted,
            "cascaded": dict(result.cascaded),
            "held": len(result.held),
            "period": {"years": rule.years, "months": rule.months},
        },
    )
    return result


def _access_log_trim(*, actor: Actor, rule: RetentionRule, today: date, result: RuleResult) -> RuleResult:
    """The access log's rule: trim the entries past their period, a prefix of the chain verified first,
    behind a signed checkpoint (desist.audit.services.access_log_trim, which logs the erasure), and leave one
    tombstone for the range. If the part to trim fails verification, nothing goes and the problem is held."""
    plan = access_log_trim_plan(before=access_log_before(rule, today=today))
    if plan.problems:
        result.held.append(
            ("the access log", "fails verification, so it is not trimmed: " + plan.problems[0].message)
        )
        return result
    if not plan.count:
        return result
    assert plan.last_at is not None
    with transaction.atomic():
        checkpoint = access_log_trim(actor=actor, plan=plan, rule=rule.kind)
        Tombstone.objects.create(
            rule_kind=rule.kind,
            model=rule.model,
            object_id=f"{plan.first_seq}-{plan.last_seq}",
            deleted_on=today,
            reached_on=rules.reached_on(timezone.localtime(plan.last_at).date(), period(rule)),
        )
    result.deleted = plan.count
    if plan.due > plan.count:
        result.held.append(
            (
                f"{plan.due - plan.count} access log entries",
                f"past their period but chained after an entry still kept (checkpoint {checkpoint.pk})",
            )
        )
    return result


def retention_dry_run_log(*, actor: Actor, counts: dict[str, int], today: date) -> None:
    """A dry run reads which records are due: logged as a consultation, with the counts by rule."""
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary=f"Retention dry run for {today}: {sum(counts.values())} records due",
        detail={"due": counts},
    )
