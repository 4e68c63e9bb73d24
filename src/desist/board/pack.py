"""The board pack: a PDF of a published quarter (WeasyPrint), with the headline table, a chart and the figures
of every measure over the trend, the breakdowns with the relative rate index, data-quality notes and a
definitions appendix. Charts are SVG from vl-convert, so nothing is fetched while the pack is made."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string

from desist.board.models import QuarterSnapshot
from desist.board.presenters import labels, shown_measures
from desist.core.basket import BASKET, BoardView


def board_pack_html(view: BoardView, *, snapshot: QuarterSnapshot | None) -> str:
    """The pack as HTML (what WeasyPrint lays out)."""
    breakdowns = [
        (
            item,
            [(label, view.breakdown(item.measure, view.latest, name)) for name, label in view.breakdowns()],
        )
        for item in shown_measures(view)
    ]
    return render_to_string(
        "board/pack.html",
        {
            "view": view,
            "snapshot": snapshot,
            "measures": breakdowns,
            "definitions": BASKET,
            "labels": labels(view),
            "partnership_name": settings.DESIST_PARTNERSHIP_NAME,
            "result": view.result,
        },
    )


def board_pack_pdf(view: BoardView, *, snapshot: QuarterSnapshot | None) -> bytes:
    """The pack as PDF bytes."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=board_pack_html(view, snapshot=snapshot)).write_pdf()
    return pdf
