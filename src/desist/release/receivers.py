"""What desist.release does when a lower app says a fact it reads has changed (connected in
ReleaseConfig.ready): the lower app sends a signal and never imports release
(docs/decisions/0004-no-import-cycles.md)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.utils import timezone

from desist.audit.context import Actor
from desist.registers.models import RegisterEntry
from desist.registers.signals import register_changed
from desist.release import planning, selectors, services


@receiver(register_changed, dispatch_uid="desist.release.receivers.register_changed")
def _register_changed(sender: Any, *, actor: Actor, entry: RegisterEntry, **kwargs: Any) -> None:
    """A register entry added or ended: the release dates read the registers (the schemes' terrorism
    exclusion, no HDC under sex offender notification), so a person with a sentence awaiting release has
    them worked out again at once, in the same transaction, as for a change to a sentence. Entries of other
    kinds (an IOM adoption, say) move no date and cost nothing."""
    if (
        entry.kind in selectors.RELEASE_REGISTER_KINDS
        and planning.awaiting_release(timezone.localdate()).filter(person_id=entry.person_id).exists()
    ):
        services.release_dates_recompute(actor=actor, person_id=entry.person_id)
