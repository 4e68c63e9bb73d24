"""Work out the board's live figures now and store them: ``manage.py board_refresh``.

Run it nightly (a systemd timer or cron, docs/production.md): it takes in the day's new date and any change
that sent no signal (bulk loads, imports). Changes made through the pages and the API queue a refresh of their
own (desist.board.tasks).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from desist.audit.context import system_actor
from desist.audit.models import Channel
from desist.board.services import basket_refresh


class Command(BaseCommand):
    help = "Work out the board's live basket of measures now and store it, with its charts."

    def handle(self, *args: Any, **options: Any) -> None:
        stored = basket_refresh(actor=system_actor(channel=Channel.CLI))
        self.stdout.write(
            f"Stored the board's figures for {stored.quarter} as of {stored.as_of:%d %B %Y} "
            f"({stored.seconds:.1f} s to work out; data version {stored.data_version[:12]})."
        )
