"""Import pages: upload an agency extract, map its columns, see every bad row or confirm, and the
agency's import history. Only users holding an import role (DESIST_IMPORT_ROLES) for an agency see
them; another agency's upload answers 404 and is logged as denied."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from desist.audit.models import Action
from desist.audit.services import log_access
from desist.core.linkage.fields import clean
from desist.imports import selectors, services
from desist.imports.extracts import (
    ExtractFile,
    ExtractFileError,
    date_format_label,
    field_label,
    guess_columns,
    guess_date_format,
    guess_record_id_column,
    read_extract,
)
from desist.imports.forms import MappingForm, UploadForm
from desist.imports.models import Upload
from desist.partnership.models import Agency

PROBLEMS_SHOWN = 100
HISTORY_PAGE = 25


def _agencies(request: HttpRequest) -> list[Agency]:
    agencies = list(selectors.import_agencies(request.actor))  # type: ignore[attr-defined]
    if not agencies:
        raise PermissionDenied("Only an agency's administrators and analysts can import its extracts.")
    return agencies


def _upload(request: HttpRequest, upload_id: int) -> Upload:
    agencies = _agencies(request)
    upload = Upload.objects.filter(pk=upload_id, agency__in=agencies).select_related("agency").first()
    if upload is None:
        log_access(actor=request.actor, action=Action.DENIED,  # type: ignore[attr-defined]
                   summary=f"Refused access to uploaded extract {upload_id}")
        raise Http404
    return upload


@login_required
def imports(request: HttpRequest) -> HttpResponse:
    """Upload an extract, and the agency's import history."""
    actor = request.actor  # type: ignore[attr-defined]
    agencies = _agencies(request)
    form = UploadForm(agencies=agencies)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, agencies=agencies)
        if form.is_valid():
            agency = form.cleaned_data["agency"]
            sent = form.cleaned_data["file"]
            try:
                upload = services.upload_receive(actor=actor, agency=agency,
                                                 file=ExtractFile(name=sent.name, content=sent.read()))
            except ExtractFileError as error:
                form.add_error("file", str(error))
            else:
                if form.cleaned_data["change_mapping"] or selectors.current_mapping(agency) is None:
                    return redirect("import_mapping", upload_id=upload.pk)
                return redirect("import_check", upload_id=upload.pk)
    page = Paginator(selectors.batch_history(agencies), HISTORY_PAGE).get_page(request.GET.get("page"))
    return render(request, "imports/imports.html", {
        "form": form, "page": page, "pending": selectors.pending_uploads(actor, agencies)[:10],
        "agencies": agencies, "query_string": "",
    })


@login_required
def mapping(request: HttpRequest, upload_id: int) -> HttpResponse:
    """Say which desist field each column of the file holds, and save it as the agency's mapping."""
    actor = request.actor  # type: ignore[attr-defined]
    upload = _upload(request, upload_id)
    try:
        table = read_extract(services.upload_file(upload))
    except ExtractFileError as error:
        messages.error(request, str(error))
        return redirect("imports")
    samples: dict[str, list[str]] = {c: [] for c in table.columns}
    for _, cells in table.rows[:50]:
        for column, value in zip(table.columns, cells, strict=False):
            text = clean(value)
            if text and len(samples[column]) < 3 and text not in samples[column]:
                samples[column].append(text)
    guessed = guess_columns(table.columns)
    dob = next((c for c, f in guessed.items() if f == "date_of_birth"), None)
    kwargs = {
        "columns": table.columns, "samples": samples, "initial_mapping": selectors.current_mapping(upload.agency),
        "guessed": guessed, "guessed_record_id": guess_record_id_column(table.columns),
        "guessed_date_format": guess_date_format(
            [cells[table.columns.index(dob)] for _, cells in table.rows[:500]]) if dob else "auto",
    }
    form = MappingForm(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            services.mapping_save(actor=actor, agency=upload.agency, record_id_column=form.cleaned_data["record_id_column"],
                                  date_format=form.cleaned_data["date_format"], columns=form.mapping(),
                                  file_columns=table.columns)
        except services.MappingError as error:
            for problem in error.problems:
                form.add_error(None, problem)
        else:
            messages.success(request, f"The column mapping for {upload.agency.name} is saved.")
            return redirect("import_check", upload_id=upload.pk)
    log_access(actor=actor, action=Action.CONSULTATION, obj=upload,
               summary=f"Viewed the columns of uploaded file {upload.file_name} to map them")
    return render(request, "imports/mapping.html", {
        "upload": upload, "form": form, "rows": len(table.rows),
        "saved": kwargs["initial_mapping"],
    })


@login_required
def check(request: HttpRequest, upload_id: int) -> HttpResponse:
    """Every bad row of the file, or what importing it would do."""
    actor = request.actor  # type: ignore[attr-defined]
    upload = _upload(request, upload_id)
    current = selectors.current_mapping(upload.agency)
    if current is None:
        return redirect("import_mapping", upload_id=upload.pk)
    report = services.import_validate(agency=upload.agency, file=services.upload_file(upload), mapping=current)
    log_access(actor=actor, action=Action.CONSULTATION, obj=upload,
               summary=f"Checked uploaded file {upload.file_name}: {len(report.problems):,} problems")
    return render(request, "imports/check.html", {
        "upload": upload, "mapping": current, "report": report, "problems": report.problems[:PROBLEMS_SHOWN],
        "more_problems": max(0, len(report.problems) - PROBLEMS_SHOWN),
        "mapped": [(column, field_label(name)) for column, name in current.columns.items()],
        "date_format": date_format_label(current.date_format),
    })


@login_required
def problems_csv(request: HttpRequest, upload_id: int) -> HttpResponse:
    """Every problem of the file as CSV (row, column, problem)."""
    actor = request.actor  # type: ignore[attr-defined]
    upload = _upload(request, upload_id)
    current = selectors.current_mapping(upload.agency)
    if current is None:
        raise Http404
    report = services.import_validate(agency=upload.agency, file=services.upload_file(upload), mapping=current)
    log_access(actor=actor, action=Action.CONSULTATION, obj=upload,
               summary=f"Downloaded the {len(report.problems):,} problems of uploaded file {upload.file_name}")
    response = HttpResponse(report.problems_csv(), content_type="text/csv; charset=utf-8")
    stem = upload.file_name.rsplit(".", 1)[0]
    response["Content-Disposition"] = f'attachment; filename="{stem}-problems.csv"'
    return response


@login_required
@require_POST
def run(request: HttpRequest, upload_id: int) -> HttpResponse:
    """Import the checked file, whole or not at all."""
    actor = request.actor  # type: ignore[attr-defined]
    upload = _upload(request, upload_id)
    current = selectors.current_mapping(upload.agency)
    if current is None or str(current.pk) != request.POST.get("mapping"):
        messages.error(request, "The column mapping changed since you checked the file. Check it again.")
        return redirect("import_check", upload_id=upload.pk)
    try:
        batch = services.upload_import(actor=actor, upload=upload, mapping=current)
    except services.ImportRefused as refused:
        messages.error(request, refused.report.refusal)
        return redirect("import_check", upload_id=upload.pk)
    messages.success(request, f"Imported {batch.file_name}: {batch.created:,} new, {batch.updated:,} changed and "
                              f"{batch.unchanged:,} unchanged records.")
    return redirect("imports")


@login_required
@require_POST
def discard(request: HttpRequest, upload_id: int) -> HttpResponse:
    """Remove an upload without importing it."""
    upload = _upload(request, upload_id)
    services.upload_discard(actor=request.actor, upload=upload)  # type: ignore[attr-defined]
    messages.success(request, f"{upload.file_name} is removed; nothing was imported from it.")
    return redirect("imports")
