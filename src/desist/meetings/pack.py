"""The agenda pack and the minutes as PDF (WeasyPrint), like the board pack. The style sheet is handed to
WeasyPrint beside the HTML, so the templates hold no inline style."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from desist.meetings.models import AgendaItem, Attendance, Meeting

STYLE = """
@page { size: A4; margin: 18mm 15mm;
        @bottom-left { content: "OFFICIAL-SENSITIVE"; font-size: 8pt; color: #484949; }
        @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8pt;
                        color: #484949; } }
body { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; font-size: 10pt; color: #0b0c0c;
       line-height: 1.35; }
h1 { font-size: 20pt; margin: 0 0 6pt; } h2 { font-size: 14pt; margin: 16pt 0 6pt; page-break-after: avoid; }
h3 { font-size: 11pt; margin: 10pt 0 4pt; page-break-after: avoid; }
.caption { color: #484949; font-size: 11pt; margin: 0 0 12pt; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 10pt; }
th, td { border-bottom: 1px solid #b1b4b6; padding: 3pt 4pt; text-align: left; vertical-align: top; }
.item { page-break-inside: avoid; border-top: 1px solid #0b0c0c; padding-top: 4pt; }
.small { font-size: 9pt; color: #484949; }
"""


def _render(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import CSS, HTML

    html = render_to_string(template, {**context, "partnership_name": settings.DESIST_PARTNERSHIP_NAME})
    pdf: bytes = HTML(string=html).write_pdf(stylesheets=[CSS(string=STYLE)])
    return pdf


def agenda_pdf(meeting: Meeting, items: list[AgendaItem], attendance: list[Attendance]) -> bytes:
    """The agenda pack: when and where, who is invited, and each case on the agenda."""
    return _render("meetings/pdf_agenda.html", {"meeting": meeting, "items": items, "attendance": attendance})


def minutes_pdf(meeting: Meeting, items: list[AgendaItem], attendance: list[Attendance]) -> bytes:
    """The minutes: who came, the general minutes, and each case's discussion, decisions and actions."""
    return _render(
        "meetings/pdf_minutes.html", {"meeting": meeting, "items": items, "attendance": attendance}
    )
