"""`manage.py verify_access_log`: check the access log's hash chain; exit 1 naming the first bad entries."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from desist.audit.models import AccessLogCheckpoint, AccessLogEntry
from desist.audit.selectors import access_log_verification


class Command(BaseCommand):
    help = (
        "Check that no access log entry was edited, deleted or reordered (the hash chain, from the newest "
        "signed checkpoint once retention has trimmed the log). Prints the latest position and hash: "
        "record them elsewhere and pass them back as --anchor to catch a rewritten chain."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="POSITION:HASH",
            help="A position and hash printed by an earlier run; the entry there must still have it.",
        )
        parser.add_argument(
            "--limit", type=int, default=20, help="Report at most this many problems (default 20)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        anchors = [self._anchor(text) for text in options["anchor"]]
        result = access_log_verification(limit=options["limit"])
        problems = [problem.message for problem in result.problems or []]
        for seq, expected in anchors:
            if seq <= result.start_seq:
                # Trimmed: only a checkpoint's own last position still has its hash.
                kept = (
                    AccessLogCheckpoint.objects.filter(last_seq=seq)
                    .values_list("last_hash", flat=True)
                    .first()
                )
                if kept is None:
                    self.stdout.write(f"Anchor {seq}: trimmed (retention), not checked.")
                elif kept != expected:
                    problems.append(
                        f"anchor {seq}:{expected[:12]}… does not match the checkpoint there ({kept[:12]}…): "
                        "the chain was rewritten before it was trimmed"
                    )
                continue
            held = AccessLogEntry.objects.filter(chain_seq=seq).values_list("entry_hash", flat=True).first()
            if held != expected:
                there = (
                    "no entry at that position" if held is None else "the entry there has " + held[:12] + "…"
                )
                problems.append(
                    f"anchor {seq}:{expected[:12]}… does not match the log ({there}): the chain was rewritten"
                )
        self.stdout.write(f"Checked {result.checked} access log entries.")
        if result.checkpoints:
            self.stdout.write(
                f"From checkpoint at position {result.start_seq} ({result.checkpoints} checkpoint"
                f"{'s' if result.checkpoints != 1 else ''}, signatures checked): entries 1 to "
                f"{result.start_seq} were trimmed by retention."
            )
        self.stdout.write(f"Latest: {result.last_seq}:{result.last_hash}")
        if problems:
            for message in problems:
                self.stderr.write(f"BAD: {message}")
            raise CommandError(
                f"The access log fails verification ({len(problems)} problem"
                f"{'s' if len(problems) != 1 else ''} shown)."
            )
        self.stdout.write("The access log is intact: no entry edited, deleted or reordered.")

    @staticmethod
    def _anchor(text: str) -> tuple[int, str]:
        seq, _, digest = text.partition(":")
        if not seq.isdigit() or len(digest) != 64:
            raise CommandError(f"Give an anchor as POSITION:HASH (64 hex digits), not {text!r}.")
        return int(seq), digest.lower()
