"""Import pages: upload an agency extract, map its columns, see every bad row or confirm, and the
agency's import history. Only users holding an import role (DESIST_IMPORT_ROLES) for an agency see
them; another agency's upload answers 404 and is logged as denied."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from desist.audit.models import Action
from desist.audit.refusals import AuthenticatedHttpRequest, refuse
from desist.audit.services import log_access
from desist.core.linkage.fields import clean
from desist.imports import importing, selectors, services
from desist.imports.extracts import (
    ENCODINGS,
    EXCEL_SUFFIXES,
    EncodingUnclear,
    ExtractFile,
    ExtractFileError,
    date_format_label,
    field_label,
    guess_columns,
    guess_date_format,
    guess_record_id_column,
    read_extract,
)
from desist.imports.forms import EncodingForm, MappingForm, UploadForm
from desist.imports.models import Upload, UploadState
from desist.linking.selectors import can_review
from desist.partnership.models import Agency

PROBLEMS_SHOWN = 100
HISTORY_PAGE = 25


def _refusal(error: ExtractFileError) -> str:
    """The refusal as the pages say it: text whose encoding cannot be told asks for the Text encoding
    choice."""
    if isinstance(error, EncodingUnclear):
        return (
            f"{error.reason} Save the file as {error.save_as}, "
            "or choose its text encoding and check it again."
        )
    return str(error)


def _agencies(request: AuthenticatedHttpRequest) -> list[Agency]:
    agencies = list(selectors.import_agencies(request.actor))
    if not agencies:
        refuse(
            request.actor,
            summary="Refused the import pages",
            reason="no import role",
            status=403,
            message="Only an agency's administrators and analysts can import its extracts.",
        )
    return agencies


def _upload(request: AuthenticatedHttpRequest, upload_id: int) -> Upload:
    agencies = _agencies(request)
    upload = selectors.upload_for_page(upload_id, agencies)
    if upload is None:
        refuse(
            request.actor,
            summary=f"Refused access to uploaded extract {upload_id}",
            reason="another agency's upload, or none",
        )
    return upload


@login_required
def imports(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload an extract, and the agency's import history."""
    actor = request.actor
    agencies = _agencies(request)
    form = UploadForm(agencies=agencies)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, agencies=agencies)
        if form.is_valid():
            agency = form.cleaned_data["agency"]
            sent = form.cleaned_data["file"]
            try:
                upload = services.upload_receive(
                    actor=actor,
                    agency=agency,
                    file=ExtractFile(
                        name=sent.name, content=sent.read(), encoding=form.cleaned_data["encoding"]
                    ),
                )
            except EncodingUnclear as error:
                form.add_error("encoding", _refusal(error).replace("check it again", "upload it again"))
            except ExtractFileError as error:
                form.add_error("file", str(error))
            else:
                current = selectors.current_mapping(agency)
                if form.cleaned_data["change_mapping"] or current is None:
                    return redirect("import_mapping", upload_id=upload.pk)
                services.upload_check_later(actor=actor, upload=upload, mapping=current)
                return redirect("import_check", upload_id=upload.pk)
    page = Paginator(selectors.batch_history(agencies), HISTORY_PAGE).get_page(request.GET.get("page"))
    batches = list(page.object_list)
    states = selectors.batches_linking(batches)
    latest = batches[0] if page.number == 1 and batches else None
    return render(
        request,
        "imports/imports.html",
        {
            "form": form,
            "page": page,
            "pending": selectors.pending_uploads(actor, agencies)[:10],
            "agencies": agencies,
            "query_string": "",
            "latest": latest,
            "history": [(batch, states[batch.pk]) for batch in batches],
            "linking": states[latest.pk] if latest else None,
            "can_link": can_review(actor),
        },
    )


@login_required
def mapping(request: AuthenticatedHttpRequest, upload_id: int) -> HttpResponse:
    """Say which desist field each column of the file holds, and save it as the agency's mapping."""
    actor = request.actor
    upload = _upload(request, upload_id)
    try:
        table = read_extract(importing.upload_file(upload), limit=services.UPLOAD_LOOK_ROWS)
    except ExtractFileError as error:
        messages.error(request, _refusal(error))
        return redirect("imports")
    samples: dict[str, list[str]] = {c: [] for c in table.columns}
    for _, cells in table.rows[:50]:
        for column, value in zip(table.columns, cells, strict=False):
            text = clean(value)
            if text and len(samples[column]) < 3 and text not in samples[column]:
                samples[column].append(text)
    guessed = guess_columns(table.columns)
    dob = next((c for c, f in guessed.items() if f == "date_of_birth"), None)
    saved = selectors.current_mapping(upload.agency)
    form = MappingForm(
        request.POST or None,
        columns=table.columns,
        samples=samples,
        initial_mapping=saved,
        guessed=guessed,
        guessed_record_id=guess_record_id_column(table.columns),
        guessed_date_format=guess_date_format(
            [cells[table.columns.index(dob)] for _, cells in table.rows[:500]]
        )
        if dob
        else "auto",
    )
    if request.method == "POST" and form.is_valid():
        try:
            new_mapping = services.mapping_save(
                actor=actor,
                agency=upload.agency,
                record_id_column=form.cleaned_data["record_id_column"],
                date_format=form.cleaned_data["date_format"],
                columns=form.mapping(),
                file_columns=table.columns,
            )
        except importing.MappingError as error:
            for problem in error.problems:
                form.add_error(None, problem)
        else:
            messages.success(request, f"The column mapping for {upload.agency.name} is saved.")
            if upload.state not in importing.BUSY and upload.state != UploadState.IMPORTED:
                services.upload_check_later(actor=actor, upload=upload, mapping=new_mapping)
            return redirect("import_check", upload_id=upload.pk)
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        obj=upload,
        summary=f"Viewed the columns of uploaded file {upload.file_name} to map them",
    )
    return render(
        request,
        "imports/mapping.html",
        {
            "upload": upload,
            "form": form,
            "rows": len(table.rows),
            "more_rows": len(table.rows) >= services.UPLOAD_LOOK_ROWS,
            "saved": saved,
        },
    )


@login_required
def check(request: AuthenticatedHttpRequest, upload_id: int) -> HttpResponse:
    """An upload's page: the worker's progress, then every bad row or what importing it would do, then
    the import's result with the linking that follows it."""
    actor = request.actor
    upload = _upload(request, upload_id)
    current = selectors.current_mapping(upload.agency)
    if current is None:
        return redirect("import_mapping", upload_id=upload.pk)
    mapping = upload.mapping or current
    context: dict[str, object] = {
        "upload": upload,
        "mapping": mapping,
        "current": current,
        "busy": upload.state in importing.BUSY,
    }
    if upload.state in importing.BUSY:
        context["progress"] = selectors.upload_progress(upload)
    elif upload.state == UploadState.IMPORTED and upload.batch is not None:
        context.update(linking=selectors.linking_after_import(upload.batch), can_link=can_review(actor))
    elif upload.state == UploadState.CHECKED:
        report = selectors.checked_report(upload)
        context.update(report=report, stale=upload.mapping_id != current.pk)
        log_access(
            actor=actor,
            action=Action.CONSULTATION,
            obj=upload,
            summary=(
                f"Viewed the check of uploaded file {upload.file_name}: {report.problem_count:,} problems"
            ),
        )
    if not upload.file_name.lower().endswith(EXCEL_SUFFIXES):
        context.update(
            encoding_form=EncodingForm(initial={"encoding": upload.encoding}),
            encoding_label=ENCODINGS.get(upload.encoding, ""),
        )
    context.update(
        mapped=[(column, field_label(name)) for column, name in mapping.columns.items()],
        date_format=date_format_label(mapping.date_format),
    )
    return render(request, "imports/check.html", context)


@login_required
def progress(request: AuthenticatedHttpRequest, upload_id: int) -> HttpResponse:
    """The progress fragment the upload's page polls (HTMX); the whole page when the work is done."""
    upload = _upload(request, upload_id)
    if upload.state in importing.BUSY:
        return render(
            request,
            "imports/_progress.html",
            {"upload": upload, "progress": selectors.upload_progress(upload)},
        )
    if (
        upload.state == UploadState.IMPORTED
        and upload.batch is not None
        and request.GET.get("part") == "linking"
    ):
        linking = selectors.linking_after_import(upload.batch)
        # 286 tells HTMX to stop polling once linking has finished.
        return render(
            request,
            "imports/_linking.html",
            {"upload": upload, "linking": linking, "can_link": can_review(request.actor)},
            status=286 if linking.finished and request.headers.get("HX-Request") else 200,
        )
    response: HttpResponse = redirect("import_check", upload_id=upload.pk)
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"  # the check or import finished: show its outcome
    return response


@login_required
@require_POST
def check_start(request: AuthenticatedHttpRequest, upload_id: int) -> HttpResponse:
    """Queue the check of an upload (again) with the agency's current mapping."""
    upload = _upload(request, upload_id)
    current = selectors.current_mapping(upload.agency)
    if current is None:
        return redirect("import_mapping", upload_id=upload.pk)
    try:
        services.upload_check_later(actor=request.actor, upload=upload, mapping=current)
    except services.UploadRefused as refused:
        messages.error(request, str(refused))
    return redirect("import_check", upload_id=upload.pk)


@login_required
@require_POST
def check_encoding(request: AuthenticatedHttpRequest, upload_id: int) -> HttpResponse:
    """Check an upload again, reading its text in the encoding the user chose."""
    upload = _upload(request, upload_id)
    form = EncodingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a text encoding from the list.")
        return redirect("import_check", upload_id=upload.pk)
    encoding = form.cleaned_data["encoding"]
    if upload.state in importing.BUSY or upload.state == UploadState.IMPORTED:
        messages.error(request, f"{upload.file_name} is {upload.get_state_display().lower()}.")
        return redirect("import_check", upload_id=upload.pk)
    try:
        read_extract(
            ExtractFile(name=upload.file_name, content=bytes(upload.content), encoding=encoding),
            limit=services.UPLOAD_LOOK_ROWS,
        )
    except ExtractFileError as error:
        messages.error(request, _refusal(error))
        return redirect("import_check", upload_id=upload.pk)
    current = selectors.current_mapping(upload.agency)
    if current is None:
        services.upload_encoding_set(actor=request.actor, upload=upload, encoding=encoding)
        return redirect("import_mapping", upload_id=upload.pk)
    try:
        services.upload_check_later(actor=request.actor, upload=upload, mapping=current, encoding=encoding)
    except services.UploadRefused as refused:
        messages.error(request, str(refused))
    return redirect("import_check", upload_id=upload.pk)


@login_required
def problems_csv(request: AuthenticatedHttpRequest, upload_id: int) -> HttpResponse:
    """Every problem the check found, as CSV (row, column, problem)."""
    actor = request.actor
    upload = _upload(request, upload_id)
    if upload.state != UploadState.CHECKED:
        raise Http404
    report = selectors.checked_report(upload)
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        obj=upload,
        summary=f"Downloaded the {report.problem_count:,} problems of uploaded file {upload.file_name}",
    )
    response = HttpResponse(selectors.upload_problems_csv(upload), content_type="text/csv; charset=utf-8")
    stem = upload.file_name.rsplit(".", 1)[0]
    response["Content-Disposition"] = f'attachment; filename="{stem}-problems.csv"'
    return response


@login_required
@require_POST
def run(request: AuthenticatedHttpRequest, upload_id: int) -> HttpResponse:
    """Queue the import of the checked file, whole or not at all."""
    actor = request.actor
    upload = _upload(request, upload_id)
    current = selectors.current_mapping(upload.agency)
    if current is None or str(current.pk) != request.POST.get("mapping"):
        messages.error(request, "The column mapping changed since you checked the file. Check it again.")
        return redirect("import_check", upload_id=upload.pk)
    try:
        services.upload_import_later(actor=actor, upload=upload, mapping=current)
    except services.UploadRefused as refused:
        messages.error(request, str(refused))
    return redirect("import_check", upload_id=upload.pk)


@login_required
@require_POST
def discard(request: AuthenticatedHttpRequest, upload_id: int) -> HttpResponse:
    """Remove an upload without importing it."""
    upload = _upload(request, upload_id)
    if upload.state in importing.BUSY:
        messages.error(
            request, f"{upload.file_name} is {upload.get_state_display().lower()}; wait until that finishes."
        )
        return redirect("import_check", upload_id=upload.pk)
    services.upload_discard(actor=request.actor, upload=upload)
    messages.success(request, f"{upload.file_name} is removed; nothing was imported from it.")
    return redirect("imports")
