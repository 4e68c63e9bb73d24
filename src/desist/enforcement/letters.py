"""The warning letter (Sentencing Act 2020 Sch 10 para 5): HTML from the app's template, laid out as a PDF by
WeasyPrint offline (no fonts or images fetched), like the board pack."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string

from desist.core import enforcement as rules
from desist.enforcement.models import EnforcementWarning
from desist.enforcement.selectors import policy


def warning_letter_html(warning: EnforcementWarning) -> str:
    """The letter: the failure's circumstances, that it was unacceptable, and that another failure within
    12 months of the warning can bring the person back to court."""
    failure = warning.failure
    chosen = policy()
    return render_to_string(
        "enforcement/warning_letter.html",
        {
            "warning": warning,
            "failure": failure,
            "person": failure.person,
            "months": chosen.warning_window_months,
            "window_ends": rules.warning_window_end(warning.issued_on, chosen),
            "partnership_name": settings.DESIST_PARTNERSHIP_NAME,
        },
    )


def warning_letter_pdf(warning: EnforcementWarning) -> bytes:
    """The letter as PDF bytes."""
    from weasyprint import HTML  # heavy: loaded only when a letter is asked for

    pdf: bytes = HTML(string=warning_letter_html(warning)).write_pdf()
    return pdf
