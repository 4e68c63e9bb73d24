"""The subject access export as released: one PDF (laid out by WeasyPrint offline, like the board pack) and
the same data as JSON, zipped together. Confirmed redactions are applied to both."""

from __future__ import annotations

import io
import json
import zipfile

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from desist.subject_access.models import SubjectAccessRequest
from desist.subject_access.selectors import redacted


def released_data(sar: SubjectAccessRequest) -> dict[str, object]:
    data = redacted(sar.export, list(sar.redactions))
    data["request"] = {
        "id": sar.pk,
        "received_on": sar.received_on.isoformat(),
        "due_on": sar.due_on.isoformat(),
        "regime": sar.get_regime_display(),
        "exported_at": sar.exported_at.isoformat() if sar.exported_at else None,
    }
    return data


def export_html(sar: SubjectAccessRequest, data: dict[str, object]) -> str:
    return render_to_string(
        "subject_access/export_pdf.html",
        {"sar": sar, "data": data, "partnership_name": settings.DESIST_PARTNERSHIP_NAME},
    )


def export_pdf(sar: SubjectAccessRequest, data: dict[str, object]) -> bytes:
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
