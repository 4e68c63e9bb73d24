"""Working out the live basket in the background and storing it (``StoredBasket``), with its charts.

The board's pages read the stored basket only (``desist.board.selectors.stored_basket``); this module is the
work of the ``refresh_board_figures`` task (queued, debounced, when the records change: ``tasks.py``), of
``manage.py board_refresh`` (nightly, and at once by hand) and of publishing a quarter. ``COMPUTATIONS``
counts every time the basket is worked out in this process, so tests can show a page never does.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from datetime import date

from django.db import transaction
from django.utils import timezone

from desist.board.charts import charts_prune, trend_charts
from desist.board.exports import basket_inputs
from desist.board.models import BasketRefresh, StoredBasket
from desist.board.selectors import board_settings, trend_quarters
from desist.core.basket import ALL, BasketResult, BoardView, Quarter, basket, latest_complete_quarter

COMPUTATIONS: Counter[str] = Counter()


def basket_compute(*, quarter: Quarter | None = None, as_of: date | None = None) -> BasketResult:
    """The basket worked out now from the records, for ``quarter`` (default: the last complete one on
    ``as_of``) and the quarters of its trend. The only place desist works out the basket."""
    as_of = as_of or timezone.localdate()
    quarter = quarter or latest_complete_quarter(as_of)
    COMPUTATIONS["basket"] += 1
    settings = board_settings()
    return basket(
        basket_inputs(as_of=as_of, settings=settings), trend_quarters(quarter), as_of=as_of, settings=settings
    )


def basket_store(
    *, as_of: date | None = None, charts: bool = True, result: BasketResult | None = None
) -> StoredBasket:
    """Work out the live basket now, store it for every process, and render the charts people open most.
    Changes to the records made after the records were read stay marked as waiting. ``result``: figures
    just worked out for the same day (the demo's publishing), stored as they are."""
    as_of = as_of or timezone.localdate()
    quarter = latest_complete_quarter(as_of)
    started = timezone.now()
    clock = time.perf_counter()
    if result is None or result.as_of != as_of or result.quarters[-1] != quarter:
        result = basket_compute(quarter=quarter, as_of=as_of)
    data = result.to_parquet()
    with transaction.atomic():
        stored, _ = StoredBasket.objects.update_or_create(
            quarter=quarter.code,
            defaults={
                "as_of": as_of,
                "started_at": started,
                "computed_at": timezone.now(),
                "seconds": round(time.perf_counter() - clock, 2),
                "data_version": result.data_version,
                "code_version": result.code_version,
                "input_rows": result.input_rows,
                "figures": data,
                "figures_sha256": hashlib.sha256(data).hexdigest(),
            },
        )
        StoredBasket.objects.exclude(pk=stored.pk).delete()
        BasketRefresh.objects.filter(changed_since__lte=started).update(changed_since=None)
    if charts:
        charts_prune()
        charts_prerender(result)
    return stored


def charts_prerender(result: BasketResult, *, pack_only: bool = False) -> int:
    """Render (once) the trend charts of the views people open most: everyone and each district, and each
    priority group, for both the analyst roles and everyone else; with ``pack_only``, the board pack's
    (everyone, small counts withheld). Returns how many trends it looked at."""
    districts = [] if pack_only else BoardView.districts(result)
    groups = [] if pack_only else BoardView.priority_groups(result)
    views = [(ALL, ALL)] + [(d, ALL) for d in districts] + [(ALL, g) for g in groups]
    trends = []
    for analyst in (False,) if pack_only else (False, True):
        for district, group in views:
            view = BoardView(result, analyst=analyst, district=district, priority_group=group)
            trends += [view.trend(m) for m in view.measures if not view.no_data(m)]
    trend_charts(trends)
    return len(trends)
