"""Reads for the board: who sees counts under the threshold, the live basket, and published quarters."""

from __future__ import annotations

import hashlib
from datetime import date
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from desist.audit.context import Actor
from desist.board.exports import basket_inputs
from desist.board.models import QuarterSnapshot
from desist.core.basket import BasketResult, BasketSettings, Quarter, basket, latest_complete_quarter

LIVE_CACHE_SECONDS = 300


def is_analyst(actor: Actor) -> bool:
    """Whether the actor sees unsuppressed figures and may publish: one of DESIST_BOARD_ANALYST_ROLES."""
    return bool(actor.roles & set(settings.DESIST_BOARD_ANALYST_ROLES))


def board_settings() -> BasketSettings:
    """The basket's settings from the Django settings."""
    return BasketSettings(
        suppress_below=settings.DESIST_BOARD_SUPPRESS_BELOW,
        reference_groups=dict(settings.DESIST_BOARD_REFERENCE_GROUPS),
        validation_threshold=settings.DESIST_BOARD_VALIDATION_THRESHOLD,
    )


def trend_quarters(quarter: Quarter) -> list[Quarter]:
    """The quarter and the ones before it that the trend shows (DESIST_BOARD_TREND_QUARTERS in all)."""
    return quarter.last(max(1, settings.DESIST_BOARD_TREND_QUARTERS))


def latest_quarter(on: date | None = None) -> Quarter:
    return latest_complete_quarter(on or timezone.localdate())


def live_basket(*, quarter: Quarter | None = None, as_of: date | None = None) -> BasketResult:
    """The basket worked out now from the records, for ``quarter`` (default: the last complete one) and the
    quarters before it. Kept for a few minutes, so moving between the board's pages does not work it out
    again."""
    as_of = as_of or timezone.localdate()
    quarter = quarter or latest_complete_quarter(as_of)
    key = f"desist.board.live.{quarter.code}.{as_of.isoformat()}"
    data = cache.get(key)
    if data is None:
        result = basket(
            basket_inputs(as_of=as_of, settings=board_settings()),
            trend_quarters(quarter),
            as_of=as_of,
            settings=board_settings(),
        )
        data = result.to_parquet()
        cache.set(key, data, LIVE_CACHE_SECONDS)
        return result
    return _from_parquet(data)


def live_basket_forget() -> None:
    """Drop the kept live basket (after a change the board should see at once, and in tests)."""
    cache.clear()


def snapshots() -> list[QuarterSnapshot]:
    """Published quarters, newest first (without their figures)."""
    return list(QuarterSnapshot.objects.defer("figures").select_related("published_by"))


def snapshot_for(quarter: Quarter) -> QuarterSnapshot | None:
    return QuarterSnapshot.objects.filter(quarter=quarter.code).first()


def snapshot_result(snapshot: QuarterSnapshot) -> BasketResult:
    """The figures frozen in a snapshot, exactly as published (checked against their SHA-256)."""
    data = bytes(snapshot.figures)
    if hashlib.sha256(data).hexdigest() != snapshot.figures_sha256:
        raise ValueError(f"the stored figures of {snapshot.quarter} do not match their checksum")
    return _from_parquet(data)


@lru_cache(maxsize=16)
def _from_parquet(data: bytes) -> BasketResult:
    return BasketResult.from_parquet(data)
