"""Publish a quarter's board figures: ``manage.py board_publish --quarter 2025Q4 [--pack board-pack.pdf]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from desist.audit.context import system_actor
from desist.board import selectors
from desist.board.services import PublishRefused, snapshot_publish
from desist.core.basket import BoardView, Quarter


class Command(BaseCommand):
    help = (
        "Freeze a quarter's basket of measures as a published snapshot (default: the last complete quarter)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--quarter", help="The quarter, like 2025Q4 (default: the last complete quarter)."
        )
        parser.add_argument(
            "--pack", type=Path, help="Also write the quarter's board pack (PDF) to this file."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            quarter = Quarter.parse(options["quarter"]) if options["quarter"] else selectors.latest_quarter()
        except ValueError as error:
            raise CommandError(str(error)) from None
        try:
            snapshot = snapshot_publish(actor=system_actor(), quarter=quarter)
        except PublishRefused as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Published {quarter.label}: data version {snapshot.data_version}")
        if options["pack"]:
            from desist.board.pack import board_pack_pdf

            view = BoardView(selectors.snapshot_result(snapshot), analyst=False)
            options["pack"].write_bytes(board_pack_pdf(view, snapshot=snapshot))
            self.stdout.write(f"Wrote the board pack to {options['pack']}")
