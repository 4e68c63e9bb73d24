"""What registers tells the apps above it, so they follow a register change at once without registers
importing them (docs/decisions/0004-no-import-cycles.md; the pattern of desist.people.signals)."""

from __future__ import annotations

from django.dispatch import Signal

from desist.audit.context import Actor
from desist.registers.models import RegisterEntry

# Sent with `actor` and `entry`, inside the transaction that added or ended a register entry. The release
# dates read the registers (a terrorism entry or MAPPA category 4 excludes a sentence from the early-release
# schemes, MAPPA category 1 from HDC), so desist.release receives it (desist.release.receivers, connected in
# ReleaseConfig.ready) and works the person's release dates out again in the same transaction.
register_changed = Signal()


def register_changed_send(*, actor: Actor, entry: RegisterEntry) -> None:
    """Say that a person's register entry was added or ended, for whoever works something out from it."""
    register_changed.send(sender=RegisterEntry, actor=actor, entry=entry)
