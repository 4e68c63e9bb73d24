"""The strategy board's pack for a meeting, as one PDF (WeasyPrint): the board pack of the quarter published
by the meeting's day (desist.board.pack: the basket, trends, breakdowns and definitions) with the plan's
progress (each goal against its measure, each action's RAG status and latest comment, the actions overdue an
update) and, at the annual review, the year's measures against the plan's goals. The two documents are laid
out apart and their pages joined, so the board pack is exactly the one desist.board gives."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from desist.board.pack import board_pack_html
from desist.core.basket import BoardView
from desist.meetings.models import Attendance, Meeting
from desist.meetings.pack import STYLE
from desist.strategy.selectors import Progress, Review

RAG_STYLE = """
.rag { font-weight: bold; padding: 0 3pt; }
.rag-red { background: #d4351c; color: #ffffff; } .rag-amber { background: #ffdd00; color: #0b0c0c; }
.rag-green { background: #00703c; color: #ffffff; } .rag-complete { background: #1d70b8; color: #ffffff; }
"""


def plan_html(
    meeting: Meeting,
    progress: Progress,
    attendance: list[Attendance],
    review: Review | None,
) -> str:
    context: dict[str, Any] = {
        "meeting": meeting,
        "progress": progress,
        "plan": progress.plan,
        "attendance": attendance,
        "review": review,
        "partnership_name": settings.DESIST_PARTNERSHIP_NAME,
    }
    return render_to_string("strategy/pdf_pack.html", context)


def strategy_pack_pdf(
    meeting: Meeting,
    progress: Progress,
    attendance: list[Attendance],
    review: Review | None = None,
) -> bytes:
    """The meeting's pack: the plan's progress, then the quarter's board pack (when one is published)."""
    from weasyprint import CSS, HTML

    plan = HTML(string=plan_html(meeting, progress, attendance, review)).render(
        stylesheets=[CSS(string=STYLE + RAG_STYLE)]
    )
    pages = list(plan.pages)
    figures = progress.figures
    if figures.result is not None:
        view = BoardView(figures.result, analyst=False)  # the pack goes to the board: small counts withheld
        basket = HTML(string=board_pack_html(view, snapshot=figures.snapshot)).render()
        pages += basket.pages
    pdf: bytes = plan.copy(pages).write_pdf()
    return pdf
