"""A plain text PDF for long subject access exports: Helvetica on A4, headings in bold, long lines wrapped,
"Page n of m" at the foot. WeasyPrint lays out a record of thousands of rows in minutes; this writes the
same words in well under a second (docs/subject-access.md, docs/benchmarks.md). Standard fonts only, so
nothing is fetched or embedded; characters outside Windows-1252 print as "?"."""

from __future__ import annotations

import textwrap
import zlib

PAGE_WIDTH, PAGE_HEIGHT = 595, 842  # A4 in points
MARGIN = 50
BODY_SIZE, HEADING_SIZE, TITLE_SIZE = 9, 12, 15
LEADING = 1.35
# Helvetica at 9 pt averages about 4.6 points a character over mixed text.
WRAP = int((PAGE_WIDTH - 2 * MARGIN) / 4.6)


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _layout(lines: list[tuple[str, str]]) -> list[list[tuple[str, float, str]]]:
    """Pages of (font, y, text)."""
    pages: list[list[tuple[str, float, str]]] = [[]]
    y: float = PAGE_HEIGHT - MARGIN
    for style, text in lines:
        size = {"title": TITLE_SIZE, "heading": HEADING_SIZE}.get(style, BODY_SIZE)
        font = "F2" if style in ("title", "heading") else "F1"
        width = int(WRAP * BODY_SIZE / size)
        wrapped = textwrap.wrap(text, width=width, break_long_words=True) or [""]
        if style in ("title", "heading"):
            y -= size * 0.6
        for part in wrapped:
            if y - size * LEADING < MARGIN + 20:
                pages.append([])
                y = PAGE_HEIGHT - MARGIN
            y -= size * LEADING
            pages[-1].append((f"{font} {size}", y, part))
        if style == "gap":
            y -= BODY_SIZE * 0.5
    return pages


def text_pdf(lines: list[tuple[str, str]], *, title: str) -> bytes:
    """`lines` as (style, text), style "title", "heading", "body" or "gap" (a body line, then space)."""
    pages = _layout(lines)
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below
    pages_id = add(b"")
    regular = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    bold = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
    kids = []
    for number, page in enumerate(pages, start=1):
        stream = [b"BT"]
        for font, y, text in page:
            stream.append(b"/%s Tf 1 0 0 1 %d %.1f Tm (%s) Tj" % (font.encode(), MARGIN, y, _escape(text)))
        foot = f"Page {number} of {len(pages)}"
        stream.append(
            b"/F1 8 Tf 1 0 0 1 %d %d Tm (%s) Tj" % (PAGE_WIDTH - MARGIN - 60, MARGIN - 20, _escape(foot))
        )
        stream.append(b"ET")
        data = zlib.compress(b"\n".join(stream))
        content = add(b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(data), data))
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
                b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> >>"
                % (pages_id, PAGE_WIDTH, PAGE_HEIGHT, content, regular, bold)
            )
        )
    info = add(b"<< /Title (%s) /Producer (desist) >>" % _escape(title))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R /Lang (en-GB) >>" % pages_id
    objects[pages_id - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        catalog,
        info,
        xref,
    )
    return bytes(out)
