"""Subject access request pages, for the data protection officer and administrators: the requests by
deadline, logging one, and working it (identity, extension, export, redactions, release)."""

from __future__ import annotations

from collections import Counter

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from desist.audit.models import Action
from desist.audit.refusals import AuthenticatedHttpRequest, refuse
from desist.audit.services import log_access
from desist.core import subject_access as rules
from desist.people.models import Person
from desist.subject_access import export, selectors, services
from desist.subject_access.forms import ExtendForm, IdentityForm, ReleaseForm, RequestForm, WithdrawForm
from desist.subject_access.models import Status, SubjectAccessRequest

CATEGORIES = [
    ("other person", "Other people named (relatives, associates)"),
    ("victim", "Victims"),
    ("victim or family", "Free text about victims and families"),
    ("staff", "Staff names"),
]


class CategoryForm(forms.Form):
    categories = forms.MultipleChoiceField(label="Redact", required=False, choices=CATEGORIES)


ACTION_FORMS: dict[str, type[forms.Form]] = {
    "identity": IdentityForm,
    "extend": ExtendForm,
    "redactions": CategoryForm,
    "release": ReleaseForm,
    "withdraw": WithdrawForm,
}


@login_required
def request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor = request.actor
    selectors.require_worker(actor, "list subject access requests")
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    rows = selectors.requests_all(status=status).order_by("due_on", "pk") if status else None
    page = Paginator(rows, 50).get_page(request.GET.get("page")) if rows is not None else None
    due = selectors.requests_due(limit=200) if rows is None else []
    log_access(actor=actor, action=Action.CONSULTATION, summary="Listed subject access requests")
    return render(
        request,
        "subject_access/list.html",
        {"due": due, "page": page, "status": status, "statuses": Status.choices},
    )


@login_required
def request_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor = request.actor
    selectors.require_worker(actor, "log a subject access request")
    form = RequestForm(request.POST or None, initial={"received_on": timezone.localdate()})
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = Person.objects.filter(pk=data["person"], merged_into__isnull=True).first()
        if person is None:
            form.add_error(
                "person", "No person has this number (or the record was merged: use the one kept)."
            )
        else:
            try:
                sar = services.request_log(
                    actor=actor,
                    person=person,
                    requester_name=data["requester_name"],
                    requester_relation=data["requester_relation"],
                    regime=data["regime"],
                    received_on=data["received_on"],
                    identity_verified_on=data["identity_verified_on"],
                    identity_evidence=data["identity_evidence"],
                )
            except services.RequestRefused as refused:
                errors.append(str(refused))
            else:
                messages.success(request, f"Request logged. The response is due on {sar.due_on:%-d %B %Y}.")
                return redirect("subject_access_request", sar.pk)
    return render(request, "subject_access/new.html", {"form": form, "errors": errors})


def _detail_context(sar: SubjectAccessRequest) -> dict[str, object]:
    candidates = sar.export.get("redaction_candidates", []) if sar.export else []
    chosen = set(sar.redactions)
    by_category = Counter(c["category"] for c in candidates)
    redacted_by_category = Counter(c["category"] for c in candidates if c["id"] in chosen)
    sections = (
        [(s["title"], s["via"], len(s["rows"])) for s in sar.export.get("sections", [])] if sar.export else []
    )
    return {
        "sar": sar,
        "days_left": rules.days_left(sar.due_on, timezone.localdate()),
        "sections": sections,
        "access_log_count": len(sar.export.get("access_log", [])) if sar.export else 0,
        "categories": [
            (key, label, by_category[key], redacted_by_category[key])
            for key, label in CATEGORIES
            if by_category[key]
        ],
        "candidates": candidates[:100],
        "candidate_count": len(candidates),
        "chosen": chosen,
    }


def _forms(chosen_categories: list[str]) -> dict[str, forms.Form]:
    """Every step's form, each with its own prefix so no two fields on the page share an id."""
    today = timezone.localdate()
    return {
        "identity": IdentityForm(prefix="identity", initial={"verified_on": today}),
        "extend": ExtendForm(prefix="extend"),
        "redactions": CategoryForm(prefix="redactions", initial={"categories": chosen_categories}),
        "release": ReleaseForm(prefix="release", initial={"released_on": today}),
        "withdraw": WithdrawForm(prefix="withdraw"),
    }


@login_required
def request_detail(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    actor = request.actor
    sar = selectors.request_for_actor(actor, request_id)
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        person_id=sar.person_id,
        obj=sar,
        summary=f"Viewed subject access request {sar.pk}",
    )
    context = _detail_context(sar)
    chosen_categories = [k for k, _, n, r in context["categories"] if r]  # type: ignore[attr-defined]
    context["forms"] = _forms(chosen_categories)
    return render(request, "subject_access/detail.html", context)


@login_required
@require_POST
def request_action(request: AuthenticatedHttpRequest, request_id: int, action: str) -> HttpResponse:
    actor = request.actor
    sar = selectors.request_for_actor(actor, request_id)
    if action not in ACTION_FORMS and action != "export":
        refuse(actor, summary=f"Refused an unknown step '{action[:40]}' on subject access request {sar.pk}")
    errors: list[str] = []
    form = ACTION_FORMS[action](request.POST, prefix=action) if action in ACTION_FORMS else None
    if form is None or form.is_valid():
        data = form.cleaned_data if form is not None else {}
        try:
            if action == "identity":
                services.identity_verify(
                    actor=actor, sar=sar, verified_on=data["verified_on"], evidence=data["evidence"]
                )
            elif action == "extend":
                services.request_extend(actor=actor, sar=sar, months=data["months"], reason=data["reason"])
            elif action == "export":
                services.export_build(actor=actor, sar=sar)
            elif action == "redactions":
                chosen = set(data["categories"])
                ids = [c["id"] for c in sar.export.get("redaction_candidates", []) if c["category"] in chosen]
                services.redactions_confirm(actor=actor, sar=sar, redact=ids)
            elif action == "release":
                services.request_release(
                    actor=actor, sar=sar, released_on=data["released_on"], method=data["method"]
                )
            else:
                services.request_withdraw(actor=actor, sar=sar, reason=data["reason"])
        except services.RequestRefused as refused:
            errors.append(str(refused))
        else:
            messages.success(request, "Saved.")
            return redirect("subject_access_request", sar.pk)
    context = _detail_context(sar)
    forms_ = _forms([])
    if form is not None:
        forms_[action] = form
    context.update({"forms": forms_, "errors": errors, "error_form": form})
    return render(request, "subject_access/detail.html", context, status=400)


@login_required
def request_export(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    """The export as released: the PDF and the JSON in one zip, confirmed redactions applied."""
    actor = request.actor
    sar = selectors.request_for_actor(actor, request_id, what="the export of subject access request")
    if sar.status not in (Status.REVIEWED, Status.RELEASED):
        refuse(
            actor,
            summary=f"Refused the export of subject access request {sar.pk}: redactions not confirmed",
            person_id=sar.person_id,
            reason="redactions not confirmed",
            status=403,
            message="A reviewer must confirm the redactions before the export can be downloaded.",
        )
    log_access(
        actor=actor,
        action=Action.DISCLOSURE,
        person_id=sar.person_id,
        obj=sar,
        summary=f"Downloaded the export of subject access request {sar.pk} "
        f"({len(sar.redactions)} redactions)",
    )
    response = HttpResponse(export.export_zip(sar), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="subject-access-{sar.pk}.zip"'
    return response
