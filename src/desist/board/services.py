"""Writes for the board: publishing a quarter's figures as a frozen snapshot; working out the live figures
now."""

from __future__ import annotations

import hashlib
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.refusals import refuse
from desist.audit.services import log_access
from desist.board.models import QuarterSnapshot, StoredBasket
from desist.board.refresh import basket_compute, basket_store, charts_prerender
from desist.board.selectors import is_analyst
from desist.board.tasks import board_refresh_now
from desist.core.basket import Quarter


class PublishRefused(ValueError):
    """A quarter that cannot be published, with the reason in words."""


def snapshot_publish(*, actor: Actor, quarter: Quarter, as_of: date | None = None) -> QuarterSnapshot:
    """Work out the basket for ``quarter`` (and the quarters of its trend) from the records as they are now,
    and freeze it with its data version. A quarter is published once, after it has ended; only the analyst
    roles may publish (the command line acts as the system). A refusal is logged, outside the transaction
    that a refusal rolls back."""
    if actor.user is not None and not is_analyst(actor):
        refuse(
            actor,
            summary=f"Refused to publish board figures for {quarter.code}",
            reason="not an analyst",
            status=403,
            message="Only a performance analyst can publish a quarter.",
        )
    return _publish(actor=actor, quarter=quarter, as_of=as_of)


@transaction.atomic
def _publish(*, actor: Actor, quarter: Quarter, as_of: date | None) -> QuarterSnapshot:
    as_of = as_of or timezone.localdate()
    if as_of <= quarter.end:
        raise PublishRefused(
            f"{quarter.label} has not ended yet: it can be published from {quarter.next().start:%d %B %Y}."
        )
    existing = QuarterSnapshot.objects.filter(quarter=quarter.code).first()
    if existing is not None:
        raise PublishRefused(
            f"{quarter.label} was already published on {existing.published_at:%d %B %Y} by "
            f"{existing.published_by_name or 'the system'}; published figures are never changed."
        )
    result = basket_compute(quarter=quarter, as_of=as_of)
    data = result.to_parquet()
    try:
        with transaction.atomic():
            snapshot = QuarterSnapshot.objects.create(
                quarter=quarter.code,
                as_of=as_of,
                published_by=actor.user,
                published_by_name=actor.username,
                data_version=result.data_version,
                code_version=result.code_version,
                input_rows=result.input_rows,
                figures=data,
                figures_sha256=hashlib.sha256(data).hexdigest(),
            )
    except IntegrityError:
        raise PublishRefused(f"{quarter.label} was published by someone else a moment ago.") from None
    log_access(
        actor=actor,
        action=Action.DISCLOSURE,
        obj=snapshot,
        recipient="Partnership board",
        summary=f"Published board figures for {quarter.code}",
        detail={"quarter": quarter.code, "as_of": as_of.isoformat(), "data_version": result.data_version},
    )
    # The board pack's charts, so the board pack and the strategy pack need not render them.
    transaction.on_commit(lambda: charts_prerender(result, pack_only=True))
    return snapshot


def basket_refresh(*, actor: Actor, as_of: date | None = None) -> StoredBasket:
    """Work out the board's live figures now and store them (the nightly run, or by hand), logged as the
    actor's."""
    stored = basket_store(as_of=as_of)
    log_access(
        actor=actor,
        action=Action.COMBINATION,
        obj=stored,
        summary=f"Worked out the board's live figures for {stored.quarter}",
        detail={"quarter": stored.quarter, "seconds": stored.seconds, "data_version": stored.data_version},
    )
    return stored


def basket_refresh_queue() -> bool:
    """Queue a refresh of the live figures (none stored yet, or from an earlier day or quarter) unless one
    is waiting. Returns whether it queued one."""
    return board_refresh_now()
