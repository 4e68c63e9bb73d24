"""The subject access export as released: one PDF (laid out by WeasyPrint offline, like the board pack) and
the same data as JSON, zipped together. Confirmed redactions are applied to both."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from desist.subject_access.models import SubjectAccessRequest
from desist.subject_access.pdf import text_pdf
from desist.subject_access.selectors import redacted


def released_data(sar: SubjectAccessRequest) -> dict[str, Any]:
    data = redacted(sar.export, list(sar.redactions))
    data["request"] = {
        "id": sar.pk,
        "received_on": sar.received_on.isoformat(),
        "due_on": sar.due_on.isoformat(),
        "regime": sar.get_regime_display(),
        "exported_at": sar.exported_at.isoformat() if sar.exported_at else None,
    }
    return data


def access_log_for_print(entries: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The access log as the PDF shows it: each disclosure on its own line (what went to whom), and every
    other use grouped by who, agency, action and purpose, with the count and the first and last day. The
    JSON keeps every entry."""
    disclosures = [e for e in entries if e.get("action") == "disclosure"]
    groups: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for e in entries:
        if e.get("action") == "disclosure":
            continue
        key = (e.get("username", ""), e.get("agency_code", ""), e.get("action", ""), e.get("purpose", ""))
        day = str(e.get("at", ""))[:10]
        group = groups.setdefault(
            key,
            {
                "username": key[0],
                "agency_code": key[1],
                "action": key[2],
                "purpose": key[3],
                "count": 0,
                "first": day,
                "last": day,
            },
        )
        group["count"] += 1
        group["first"], group["last"] = min(group["first"], day), max(group["last"], day)
    return disclosures, sorted(groups.values(), key=lambda g: (g["first"], g["username"], g["action"]))


def export_html(sar: SubjectAccessRequest, data: dict[str, Any]) -> str:
    disclosures, uses = access_log_for_print(list(data.get("access_log", [])))
    return render_to_string(
        "subject_access/export_pdf.html",
        {
            "sar": sar,
            "data": data,
            "disclosures": disclosures,
            "uses": uses,
            "partnership_name": settings.DESIST_PARTNERSHIP_NAME,
        },
    )


#: Above this many printed rows the PDF is the plain text one (desist.subject_access.pdf, ReportLab):
#: WeasyPrint takes minutes over a record of thousands of rows, ReportLab seconds.
LAID_OUT_MAX_ROWS = 300


def export_lines(sar: SubjectAccessRequest, data: dict[str, Any]) -> list[tuple[str, str]]:
    """The PDF's words, for the plain text PDF: the same content as the laid-out template."""
    disclosures, uses = access_log_for_print(list(data.get("access_log", [])))
    lines: list[tuple[str, str]] = [
        ("body", settings.DESIST_PARTNERSHIP_NAME),
        ("title", f"Information held about you: subject access request {sar.pk}"),
        (
            "gap",
            f"Received {sar.received_on:%-d %B %Y}. Response due {sar.due_on:%-d %B %Y}. "
            f"{sar.get_regime_display()}.",
        ),
        (
            "gap",
            "This is everything the partnership's case system holds about you, and a list of who has read "
            "or shared it. Where information is about someone else (a victim, a relative, another person) it "
            'has been removed and marked "Redacted". The same information in a machine-readable form is in '
            "the JSON file sent with this document.",
        ),
        ("heading", "Your record"),
        ("gap", " · ".join(f"{k}: {v}" for k, v in data.get("person", {}).items() if v not in (None, ""))),
    ]
    for section in data.get("sections", []):
        lines.append(("heading", f"{section['title']} ({len(section['rows'])})"))
        for row in section["rows"]:
            lines.append(("gap", " · ".join(f"{k}: {v}" for k, v in row.items() if v not in (None, ""))))
    lines.append(("heading", f"Who has shared your record ({len(disclosures)})"))
    for e in disclosures or [{"at": "", "username": "None.", "agency_code": "", "summary": ""}]:
        shared = f" · shared with {e['recipient']}" if e.get("recipient") else ""
        lines.append(
            ("gap", f"{str(e['at'])[:16]} · {e['username']} ({e['agency_code']}) · {e['summary']}{shared}")
        )
    total = len(data.get("access_log", []))
    lines.append(("heading", f"Who has collected, read or changed your record ({total} entries in all)"))
    lines.append(("gap", "Grouped by who, what and why; the JSON file lists every entry."))
    for g in uses:
        span = g["first"] if g["last"] == g["first"] else f"{g['first']} to {g['last']}"
        purpose = f" · purpose: {g['purpose']}" if g["purpose"] else ""
        lines.append(
            (
                "gap",
                f"{g['username']} ({g['agency_code']}) · {g['action']} · {g['count']} times, {span}{purpose}",
            )
        )
    return lines


def printed_rows(data: dict[str, Any]) -> int:
    disclosures, uses = access_log_for_print(list(data.get("access_log", [])))
    return sum(len(s["rows"]) for s in data.get("sections", [])) + len(disclosures) + len(uses)


def export_pdf(sar: SubjectAccessRequest, data: dict[str, Any]) -> bytes:
    """Laid out by WeasyPrint for an ordinary record; the plain text PDF for a long one."""
    if printed_rows(data) > LAID_OUT_MAX_ROWS:
        return text_pdf(export_lines(sar, data), title=f"Subject access request {sar.pk}")
    from weasyprint import HTML  # heavy: loaded only when an export is asked for

    pdf: bytes = HTML(string=export_html(sar, data)).write_pdf()
    return pdf


def export_zip(sar: SubjectAccessRequest) -> bytes:
    """subject-access-<id>.pdf and subject-access-<id>.json in one zip."""
    data = released_data(sar)
    buffer = io.BytesIO()
    stamp = timezone.localtime().timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in (
            (f"subject-access-{sar.pk}.pdf", export_pdf(sar, data)),
            (f"subject-access-{sar.pk}.json", json.dumps(data, indent=1, sort_keys=True).encode()),
        ):
            archive.writestr(zipfile.ZipInfo(name, date_time=stamp), content)
    return buffer.getvalue()
