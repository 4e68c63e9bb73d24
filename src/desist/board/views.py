"""The board's pages: the dashboard (headline figures, trends with charts), definitions, fairness, predictor
validation, published quarters, CSV and Excel exports and the PDF board pack.

The pages show aggregates only, so any partnership user may see them; counts under the threshold are
withheld outside the analyst roles (``desist.core.basket.BoardView``). Every page and download is logged.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from desist.audit.models import Action
from desist.audit.refusals import AuthenticatedHttpRequest
from desist.audit.services import log_access
from desist.board import presenters, selectors, services
from desist.board.models import QuarterSnapshot
from desist.core.basket import (
    ALL,
    BASKET,
    BY_CODE,
    SUPPRESSED,
    VALIDATION_SOURCES,
    BasketResult,
    BoardView,
    Quarter,
    figures_table,
)
from desist.core.cells import safe_row
from desist.formfields import set_choices
from desist.iom import selectors as iom
from desist.priority.models import PriorityGroup

LIVE = "live"


class BoardFilterForm(forms.Form):
    figures = forms.ChoiceField(label="Figures", required=False)
    district = forms.ChoiceField(label="District", required=False)
    group = forms.ChoiceField(label="Priority group", required=False)

    def __init__(self, data: Any, *, result: BasketResult, published: list[QuarterSnapshot], latest: Quarter):
        super().__init__(data)
        set_choices(
            self,
            "figures",
            [(LIVE, f"Live: {latest.label} (not published)")]
            + [(s.quarter, f"Published: {Quarter.parse(s.quarter).label}") for s in published],
        )
        set_choices(
            self, "district", [(ALL, "All districts")] + [(d, d) for d in BoardView.districts(result)]
        )
        labels = dict(PriorityGroup.choices)
        set_choices(
            self,
            "group",
            [(ALL, "Everyone")] + [(g, labels.get(g, g)) for g in BoardView.priority_groups(result)],
        )


class FiguresNotReady(Exception):
    """No live figures have been worked out yet (a new installation): the page says so."""


def _chosen(request: AuthenticatedHttpRequest) -> tuple[BasketResult, QuarterSnapshot | None]:
    """The figures asked for: a published quarter's snapshot, or the live basket as last worked out in the
    background (never worked out on a request). Sets ``request.board_freshness`` for the live figures."""
    code = request.GET.get("figures") or LIVE
    if code != LIVE:
        try:
            quarter = Quarter.parse(code)
        except ValueError:
            raise Http404("No such quarter") from None
        snapshot = selectors.snapshot_for(quarter)
        if snapshot is None:
            raise Http404("That quarter has not been published")
        return selectors.snapshot_result(snapshot), snapshot
    stored = selectors.stored_basket()
    if stored is None:
        raise FiguresNotReady
    freshness = selectors.freshness(stored)
    if freshness.should_request:
        services.basket_refresh_queue()
    request.board_freshness = freshness  # type: ignore[attr-defined]
    return selectors.stored_result(stored), None


def _waiting(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The page for when no live figures have been worked out yet: it queues them, and says so."""
    if not selectors.refresh_requested_recently():
        services.basket_refresh_queue()
    log_access(actor=request.actor, action=Action.CONSULTATION, summary="Viewed the board (no figures yet)")
    return render(request, "board/waiting.html", {"published": selectors.snapshots()[:1]})


def _freshness(request: AuthenticatedHttpRequest) -> selectors.Freshness | None:
    return getattr(request, "board_freshness", None)


def _view(
    request: AuthenticatedHttpRequest, result: BasketResult, *, analyst: bool | None = None
) -> BoardView:
    actor = request.actor
    district = request.GET.get("district") or ALL
    group = request.GET.get("group") or ALL
    if district != ALL and district not in BoardView.districts(result):
        district = ALL
    if group != ALL and group not in BoardView.priority_groups(result):
        group = ALL
    return BoardView(
        result,
        analyst=selectors.is_analyst(actor) if analyst is None else analyst,
        district=district,
        priority_group=group,
    )


def _log(request: AuthenticatedHttpRequest, summary: str, view: BoardView, **detail: Any) -> None:
    log_access(
        actor=request.actor,
        action=Action.CONSULTATION,
        summary=summary,
        detail={
            "district": view.district,
            "priority_group": view.priority_group,
            "quarter": view.latest.code,
            "data_version": view.result.data_version,
            "suppressed": not view.analyst,
            **detail,
        },
    )


def _query(request: AuthenticatedHttpRequest) -> str:
    query = request.GET.copy()
    for name in ("format", "measure"):
        query.pop(name, None)
    return query.urlencode()


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        result, snapshot = _chosen(request)
    except FiguresNotReady:
        return _waiting(request)
    view = _view(request, result)
    form = BoardFilterForm(
        request.GET or None, result=result, published=selectors.snapshots(), latest=selectors.latest_quarter()
    )
    _log(request, f"Viewed the board dashboard ({view.latest.code})", view)
    return render(
        request,
        "board/dashboard.html",
        {
            "view": view,
            "form": form,
            "snapshot": snapshot,
            "measures": presenters.shown_measures(view),
            "labels": presenters.labels(view),
            "query_string": _query(request),
            "analyst": view.analyst,
            "freshness": _freshness(request),
        },
    )


@login_required
def definitions(request: AuthenticatedHttpRequest) -> HttpResponse:
    log_access(actor=request.actor, action=Action.CONSULTATION, summary="Viewed the board's definitions")
    return render(
        request,
        "board/definitions.html",
        {
            "measures": BASKET,
            "settings": selectors.board_settings(),
            "trend_quarters": settings.DESIST_BOARD_TREND_QUARTERS,
        },
    )


@login_required
def fairness(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        result, snapshot = _chosen(request)
    except FiguresNotReady:
        return _waiting(request)
    view = _view(request, result)
    measure = BY_CODE.get(request.GET.get("measure") or "", BASKET[0])
    quarter = view.latest
    tables = [(label, view.breakdown(measure, quarter, breakdown)) for breakdown, label in view.breakdowns()]
    _log(
        request,
        f"Viewed the board's fairness page ({measure.code}, {quarter.code})",
        view,
        measure=measure.code,
    )
    return render(
        request,
        "board/fairness.html",
        {
            "view": view,
            "measure": measure,
            "measures": BASKET,
            "quarter": quarter,
            "tables": tables,
            "snapshot": snapshot,
            "labels": presenters.labels(view),
            "query_string": _query(request),
            "no_data": view.no_data(measure),
            "reference_groups": result.settings.get("reference_groups", {}),
            "freshness": _freshness(request),
        },
    )


@login_required
def validation(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        result, snapshot = _chosen(request)
    except FiguresNotReady:
        return _waiting(request)
    view = _view(request, result)
    _log(request, "Viewed the board's predictor validation", view)
    threshold = 0 if view.analyst else int(result.settings.get("suppress_below", 5))
    # One source at a time: OGRS3 as at the index date by default, then the stored scores.
    order = list(VALIDATION_SOURCES)
    validations = sorted(
        result.validation, key=lambda v: order.index(v["kind"]) if v["kind"] in order else len(order)
    )
    sources = [
        (v["kind"], v.get("label") or VALIDATION_SOURCES.get(v["kind"], v["kind"].upper()))
        for v in validations
    ]
    chosen = request.GET.get("source") or (sources[0][0] if sources else "")
    shown = [v for v in validations if v["kind"] == chosen] or validations[:1]
    query = request.GET.copy()
    query.pop("source", None)
    return render(
        request,
        "board/validation.html",
        {
            "view": view,
            "snapshot": snapshot,
            "validations": shown,
            "threshold": threshold,
            "sources": sources,
            "chosen": shown[0]["kind"] if shown else "",
            "query_string": query.urlencode(),
            "freshness": _freshness(request),
        },
    )


# The exported columns, each with its unit in its name where it has one; values are numbers in the row's unit
# (58.3, not "58.3%"), and "[c]" marks a figure withheld for small counts, as the ONS marks it.
EXPORT_COLUMNS = (
    ("quarter", "Quarter"),
    ("measure", "Measure"),
    ("area", "Area"),
    ("district", "District"),
    ("priority_group", "Priority group"),
    ("breakdown", "Breakdown"),
    ("group", "Group"),
    ("unit", "Unit of value"),
    ("value", "Value (in the unit)"),
    ("lower_95", "95% interval: lower (in the unit)"),
    ("upper_95", "95% interval: upper (in the unit)"),
    ("numerator", "Numerator (count)"),
    ("denominator", "Denominator (count)"),
    ("in_scope", "In scope (people)"),
    ("not_recorded", "Not recorded (people)"),
    ("provisional", "Provisional"),
    ("withheld", "Withheld"),
)
COUNT_COLUMNS = ("numerator", "denominator", "in_scope", "not_recorded")
VALUE_COLUMNS = ("value", "lower_95", "upper_95")


def _export_row(row: dict[str, Any]) -> list[Any]:
    """One figure as exported: numbers stay numbers; a withheld count or value is "[c]"; flags are yes or
    no."""
    out: list[Any] = []
    for name, _ in EXPORT_COLUMNS:
        value = row[name]
        if value is None and (name in COUNT_COLUMNS or (name in VALUE_COLUMNS and row["withheld"])):
            value = SUPPRESSED
        elif isinstance(value, bool):
            value = "yes" if value else "no"
        out.append("" if value is None else value)
    return out


@login_required
def export(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404("Figures are downloaded as CSV or Excel (.xlsx)")
    try:
        result, snapshot = _chosen(request)
    except FiguresNotReady:
        return _waiting(request)
    view = _view(request, result)
    table = figures_table(view)
    name = f"board-measures-{view.latest.code}{'' if snapshot else '-live'}"
    _log(
        request,
        f"Downloaded the board's figures as {fmt.upper()} ({view.latest.code})",
        view,
        rows=table.num_rows,
    )
    header = [label for _, label in EXPORT_COLUMNS]
    rows = [_export_row(row) for row in table.to_pylist()]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(safe_row(header))
        writer.writerows(safe_row(row) for row in rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Figures")
    sheet.append(safe_row(header))
    for row in rows:
        sheet.append(safe_row(row))
    notes = book.create_sheet("Data quality")
    notes.append(["Measure", "Quarter", "Note"])
    for measure in view.measures:
        if view.no_data(measure):
            notes.append(safe_row([measure.name, "", view.no_data(measure)]))
        for quarter in view.quarters:
            for note in view.notes(measure, quarter):
                notes.append(safe_row([measure.name, quarter.label, note]))
    about = book.create_sheet("About")
    for line in (
        ("Data version", result.data_version),
        ("Code version", result.code_version),
        ("Data as of", result.as_of.isoformat()),
        ("Published", "yes" if snapshot else "no: live figures"),
        ("Counts under the threshold withheld", "no" if view.analyst else "yes: shown as [c]"),
    ):
        about.append(safe_row(line))
    buffer_bytes = io.BytesIO()
    book.save(buffer_bytes)
    response = HttpResponse(
        buffer_bytes.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@login_required
def published(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor = request.actor
    log_access(actor=actor, action=Action.CONSULTATION, summary="Viewed the board's published quarters")
    latest = selectors.latest_quarter()
    return render(
        request,
        "board/published.html",
        {
            "snapshots": selectors.snapshots(),
            "can_publish": selectors.is_analyst(actor),
            "latest": latest,
            "latest_published": selectors.snapshot_for(latest) is not None,
        },
    )


@login_required
@require_POST
def publish(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor = request.actor
    try:
        quarter = Quarter.parse(request.POST.get("quarter", ""))
        snapshot = services.snapshot_publish(actor=actor, quarter=quarter)
    except PermissionDenied:
        raise
    except ValueError as error:
        messages.error(request, str(error))
        return redirect("board_published")
    messages.success(request, f"{Quarter.parse(snapshot.quarter).label} is published.")
    return redirect("board_published")


@login_required
def pack(request: AuthenticatedHttpRequest, quarter: str) -> HttpResponse:
    try:
        chosen = Quarter.parse(quarter)
    except ValueError:
        raise Http404("No such quarter") from None
    snapshot = selectors.snapshot_for(chosen)
    if snapshot is None:
        raise Http404("That quarter has not been published")
    from desist.board.pack import board_pack_pdf

    result = selectors.snapshot_result(snapshot)
    view = _view(
        request, result, analyst=False
    )  # the pack goes to the board: always with small counts withheld
    pdf = board_pack_pdf(view, snapshot=snapshot)
    _log(request, f"Downloaded the board pack for {chosen.code}", view)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="board-pack-{chosen.code}.pdf"'
    return response


# The measures the IOM steering group reads for its cohort: proven reoffending and treatment engagement of the
# people in the IOM priority group, and the IOM cohort's own before-and-after measures.
IOM_GROUP_MEASURES = ("proven_reoffending", "treatment_engagement")
IOM_COHORT_MEASURES = ("iom_offending", "iom_harm")


@login_required
def iom_steering(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The IOM steering group's questions on one page: who is in the cohort (counts, and the list of those the
    user may see, a page at a time), how long from adoption to the start of treatment, the cohort's referrals
    waiting, and the cohort's measures from the last published quarter. Aggregates in the database; the
    measures read the published snapshot, never the live basket."""
    actor = request.actor
    today = timezone.localdate()
    total, strands, districts = iom.steering_cohort_counts()
    page = Paginator(iom.cohort(actor, on=today), 50).get_page(request.GET.get("page"))
    published = selectors.snapshots()[:1]
    measures: list[Any] = []
    quarter = None
    if published:
        result = selectors.snapshot_result(published[0])
        analyst = selectors.is_analyst(actor)
        has_group = "iom" in BoardView.priority_groups(result)
        group_view = BoardView(result, analyst=analyst, priority_group="iom" if has_group else ALL)
        cohort_view = BoardView(result, analyst=analyst)
        quarter = cohort_view.latest
        for code in IOM_GROUP_MEASURES:
            if has_group:
                measures.append(group_view.cell(BY_CODE[code], quarter))
        for code in IOM_COHORT_MEASURES:
            measures.append(cohort_view.cell(BY_CODE[code], quarter))
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        summary="Viewed the IOM steering group's page",
        detail={"person_ids": [m.person_id for m in page.object_list]},
    )
    return render(
        request,
        "board/iom_steering.html",
        {
            "total": total,
            "strands": strands,
            "districts": districts,
            "page": page,
            "treatment": iom.treatment_starts(on=today),
            "waiting": iom.waiting_referrals(on=today),
            "window_days": iom.STEERING_WINDOW_DAYS,
            "measures": measures,
            "quarter": quarter,
            "snapshot": published[0] if published else None,
            "today": today,
        },
    )
