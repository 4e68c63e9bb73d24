"""`manage.py retention --dry-run` lists what the schedule says may go and why (kind, record, rule, date
reached); `manage.py retention --confirm` deletes it, leaving tombstones and an access log entry per rule."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from desist.audit.context import system_actor
from desist.audit.selectors import access_log_trim_plan
from desist.retention.models import RetentionRule
from desist.retention.selectors import (
    ACCESS_LOG,
    RuleProblem,
    access_log_before,
    due,
    due_rows,
    schedule,
)
from desist.retention.services import retention_delete, retention_dry_run_log


class Command(BaseCommand):
    help = "Apply the retention schedule: --dry-run lists what would go and why; --confirm deletes it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List what would go; change nothing.")
        parser.add_argument("--confirm", action="store_true", help="Delete (needed without --dry-run).")
        parser.add_argument(
            "--rule", action="append", default=[], help="Only this rule (by kind); repeatable."
        )
        parser.add_argument("--on", type=date.fromisoformat, help="As if today were this day (YYYY-MM-DD).")
        parser.add_argument("--summary", action="store_true", help="Counts by rule, not each record.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["dry_run"] and not options["confirm"]:
            raise CommandError("Deleting needs --confirm (or use --dry-run to see what would go).")
        today = options["on"] or timezone.localdate()
        rules = [r for r in schedule() if not options["rule"] or r.kind in options["rule"]]
        unknown = set(options["rule"]) - {r.kind for r in rules}
        if unknown:
            raise CommandError(f"No active rule {', '.join(sorted(unknown))}.")
        actor = system_actor(purpose="administration")
        counts: dict[str, int] = {}
        for rule in rules:
            try:
                count = due(rule, today=today).count()
            except RuleProblem as problem:
                self.stderr.write(str(problem))
                continue
            counts[rule.kind] = count
            if options["dry_run"]:
                self.stdout.write(
                    f"# {rule.kind}: {count} {rule.model} due (keep {rule.years}y {rule.months}m)"
                )
                if rule.model == ACCESS_LOG:
                    self._access_log_plan(rule, today)
                if not options["summary"]:
                    for row in due_rows(rule, today=today):
                        self.stdout.write(f"{row.model}\t{row.pk}\t{row.rule}\t{row.reached_on.isoformat()}")
                continue
            result = retention_delete(actor=actor, rule=rule, today=today)
            cascaded = ", ".join(f"{n} {label}" for label, n in sorted(result.cascaded.items()))
            self.stdout.write(
                f"{rule.kind}: deleted {result.deleted} {rule.model}"
                + (f" (with {cascaded})" if cascaded else "")
                + (f"; {len(result.held)} held" if result.held else "")
            )
            for record, why in result.held[:20]:
                self.stdout.write(f"  held {record}: {why}")
        if options["dry_run"]:
            retention_dry_run_log(actor=actor, counts=counts, today=today)
            self.stdout.write(f"Dry run: {sum(counts.values())} records due; nothing deleted.")

    def _access_log_plan(self, rule: RetentionRule, today: date) -> None:
        """The access log is trimmed, not deleted record by record: say which part would go."""
        plan = access_log_trim_plan(before=access_log_before(rule, today=today))
        if plan.problems:
            self.stdout.write(f"#   not trimmed: the log fails verification ({plan.problems[0].message})")
        elif plan.count:
            assert plan.first_at is not None and plan.last_at is not None
            self.stdout.write(
                f"#   would trim chain positions {plan.first_seq} to {plan.last_seq} ({plan.count} entries, "
                f"{plan.first_at:%Y-%m-%d} to {plan.last_at:%Y-%m-%d}) behind a signed checkpoint"
            )
        if plan.due > plan.count and not plan.problems:
            self.stdout.write(
                f"#   {plan.due - plan.count} more past their period wait behind a newer entry in the chain"
            )
