"""A plain text PDF for long subject access exports, written by ReportLab's Platypus: A4, headings in bold,
long lines wrapped, "Page n of m" at the foot. WeasyPrint lays out a record of thousands of rows in minutes;
this writes the same words in seconds (docs/subject-access.md, docs/benchmarks.md).

The text is set in DejaVu Sans (Debian's fonts-dejavu-core, in /usr/share/fonts), embedded as a subset, so
names in any script it covers print as written. Where no DejaVu Sans is found it falls back to Helvetica,
whose Windows-1252 encoding cannot show other characters."""

from __future__ import annotations

import functools
import io
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
from reportlab.platypus.flowables import Flowable

MARGIN = 50
BODY_SIZE, HEADING_SIZE, TITLE_SIZE, FOOT_SIZE = 9, 12, 15, 8
LEADING = 1.35
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))


@functools.cache
def fonts() -> tuple[str, str]:
    """(regular, bold) font names: DejaVu Sans registered from its TrueType files, else Helvetica."""
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
            pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
            return "DejaVuSans", "DejaVuSans-Bold"
    return "Helvetica", "Helvetica-Bold"


class _NumberedCanvas(Canvas):  # type: ignore[misc]  # ReportLab ships no types
    """Holds each page until the end, when the number of pages is known, to write "Page n of m"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        regular = fonts()[0]
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.setFont(regular, FOOT_SIZE)
            self.drawRightString(A4[0] - MARGIN, MARGIN - 20, f"Page {number} of {total}")
            super().showPage()
        super().save()


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=BODY_SIZE, leading=BODY_SIZE * LEADING)
    return {
        "body": body,
        "gap": ParagraphStyle("gap", parent=body, spaceAfter=BODY_SIZE * 0.5),
        "heading": ParagraphStyle(
            "heading",
            fontName=bold,
            fontSize=HEADING_SIZE,
            leading=HEADING_SIZE * LEADING,
            spaceBefore=HEADING_SIZE * 0.6,
        ),
        "title": ParagraphStyle(
            "title",
            fontName=bold,
            fontSize=TITLE_SIZE,
            leading=TITLE_SIZE * LEADING,
            spaceBefore=TITLE_SIZE * 0.6,
        ),
    }


def text_pdf(lines: list[tuple[str, str]], *, title: str) -> bytes:
    """`lines` as (style, text), style "title", "heading", "body" or "gap" (a body line, then space). The
    text is plain: characters that mean something in ReportLab's paragraph markup are escaped."""
    styles = _styles()
    story: list[Flowable] = []
    for style, text in lines:
        if text.strip():
            story.append(Paragraph(escape(text), styles.get(style, styles["body"])))
        else:
            story.append(Spacer(0, BODY_SIZE * LEADING + (BODY_SIZE * 0.5 if style == "gap" else 0)))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 20,
        title=title,
        author="desist",
        lang="en-GB",
    )
    document.build(story, canvasmaker=_NumberedCanvas)
    return buffer.getvalue()
