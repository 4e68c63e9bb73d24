"""Reads for the board: who sees counts under the threshold, the stored live basket and how fresh it is, and
published quarters. Nothing here works the basket out: that is ``desist.board.refresh``, in the background."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.utils import timezone

from desist.audit.context import Actor
from desist.board.models import BasketRefresh, QuarterSnapshot, StoredBasket
from desist.core.basket import BasketResult, BasketSettings, Quarter, latest_complete_quarter


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


@dataclass(frozen=True)
class Freshness:
    """How fresh the stored basket is: when it was worked out, and whether changes to the records (or a new
    day or quarter) are waiting to be worked out."""

    computed_at: datetime
    seconds: float
    changed_since: datetime | None
    requested_at: datetime | None
    stale_day: bool
    stale_quarter: bool

    @property
    def should_request(self) -> bool:
        """Stale by date or quarter with no refresh asked for in the last REQUEST_AGAIN_MINUTES (a change
        to the records queues its own)."""
        return (self.stale_day or self.stale_quarter) and not _recent(self.requested_at)

    @property
    def waiting(self) -> bool:
        return self.changed_since is not None or self.stale_day or self.stale_quarter

    @property
    def minutes_ago(self) -> int:
        return max(0, int((timezone.now() - self.computed_at).total_seconds() // 60))

    @property
    def ago_text(self) -> str:
        minutes = self.minutes_ago
        if minutes < 1:
            return "less than a minute ago"
        if minutes < 120:
            return f"{minutes} minute{'s' if minutes != 1 else ''} ago"
        hours = minutes // 60
        if hours < 48:
            return f"{hours} hours ago"
        return f"{hours // 24} days ago"

    @property
    def text(self) -> str:
        """ "Figures worked out at 14:05 on 7 December (12 minutes ago)"."""
        local = timezone.localtime(self.computed_at)
        return f"Figures worked out at {local:%H:%M} on {local.day} {local:%B} ({self.ago_text})"

    @property
    def waiting_text(self) -> str:
        if self.changed_since is not None:
            local = timezone.localtime(self.changed_since)
            return (
                f"Records have changed since {local:%H:%M} on {local.day} {local:%B}: the figures are being "
                "worked out again and will update in a few minutes."
            )
        if self.stale_quarter:
            return "A new quarter has ended: its figures are being worked out."
        if self.stale_day:
            return "These figures are from an earlier day: they are being worked out again."
        return ""


def stored_basket(on: date | None = None) -> StoredBasket | None:
    """The live basket as last worked out in the background (without its figures), for the last complete
    quarter, else the latest stored; None before it has ever been worked out. One query."""
    latest = latest_quarter(on)
    rows = list(StoredBasket.objects.defer("figures").order_by("-quarter")[:1])
    exact = [row for row in rows if row.quarter == latest.code]
    chosen = exact or rows
    return chosen[0] if chosen else None


REQUEST_AGAIN_MINUTES = 15


def _recent(moment: datetime | None) -> bool:
    return moment is not None and timezone.now() - moment < timedelta(minutes=REQUEST_AGAIN_MINUTES)


def refresh_state() -> tuple[datetime | None, datetime | None]:
    """Since when changes have been waiting, and when a refresh was last queued. One query."""
    row = BasketRefresh.objects.filter(pk=1).values_list("changed_since", "requested_at").first()
    return row if row is not None else (None, None)


def refresh_requested_recently() -> bool:
    return _recent(refresh_state()[1])


def freshness(stored: StoredBasket, on: date | None = None) -> Freshness:
    """How fresh the stored basket is. One query."""
    on = on or timezone.localdate()
    changed_since, requested_at = refresh_state()
    return Freshness(
        computed_at=stored.computed_at,
        seconds=stored.seconds,
        changed_since=changed_since,
        requested_at=requested_at,
        stale_day=stored.as_of < on,
        stale_quarter=stored.quarter != latest_quarter(on).code,
    )


_STORED: OrderedDict[str, BasketResult] = OrderedDict()
_STORED_KEEP = 4


def stored_result(stored: StoredBasket) -> BasketResult:
    """The stored basket's figures, read from the database once per process for each version (found by its
    SHA-256): one query the first time, none after."""
    result = _STORED.get(stored.figures_sha256)
    if result is None:
        data = StoredBasket.objects.filter(pk=stored.pk).values_list("figures", flat=True).first()
        if data is None:
            raise StoredBasket.DoesNotExist(f"the stored figures of {stored.quarter} are gone")
        data = bytes(data)
        if hashlib.sha256(data).hexdigest() != stored.figures_sha256:
            # Replaced between the two reads: read the row again whole.
            again = StoredBasket.objects.get(quarter=stored.quarter)
            data, stored.figures_sha256 = bytes(again.figures), again.figures_sha256
        result = BasketResult.from_parquet(data)
        _STORED[stored.figures_sha256] = result
        while len(_STORED) > _STORED_KEEP:
            _STORED.popitem(last=False)
    return result


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
