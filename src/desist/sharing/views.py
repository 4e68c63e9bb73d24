"""Information governance pages: the sharing agreements (every signed-in user may read what is shared with
whom), emergency access (break-glass), and the data protection officer's page with its review queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from desist.audit.models import Action
from desist.audit.refusals import AuthenticatedHttpRequest, refuse
from desist.audit.services import log_access
from desist.core import sharing as rules
from desist.sharing import selectors, services
from desist.sharing.models import EmergencyAccess, ReviewOutcome, SharingAgreement


@login_required
def agreements(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The partnership's sharing agreements: who sees which categories, why, on which basis, until when."""
    rows = list(SharingAgreement.objects.select_related("recipient_agency"))
    return render(
        request,
        "sharing/agreements.html",
        {
            "agreements": rows,
            "categories": rules.CATEGORIES,
            "recorded": bool(rows),
            "can_edit": request.actor.is_administrator,
        },
    )


@login_required
def emergency_access(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """Break-glass: state why this record is needed now; it opens for a limited time and is reviewed."""
    error = ""
    justification = ""
    if request.method == "POST":
        justification = request.POST.get("justification", "")
        try:
            services.break_glass(actor=request.actor, person_id=person_id, justification=justification)
        except services.SharingError as problem:
            error = str(problem)
        else:
            messages.warning(request, "Emergency access is open. The data protection officer will review it.")
            return redirect("person", person_id=person_id)
    return render(
        request,
        "sharing/emergency_access.html",
        {
            "person_id": person_id,
            "error": error,
            "errors": [error] if error else [],
            "justification": justification,
        },
        status=400 if error else 200,
    )


def _dpo_only(request: AuthenticatedHttpRequest) -> None:
    if not selectors.is_dpo(request.actor):
        refuse(
            request.actor,
            summary="Refused the data protection officer's page",
            reason="not the data protection officer",
            status=403,
            message="Only the data protection officer may use this page.",
        )


@login_required
def dpo(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The data protection officer's page: agreements due for review, break-glass uses to review, access out
    of the ordinary, purposes stated, and subject access requests due."""
    _dpo_only(request)
    sar_available, sar_due = selectors.subject_access_due()
    to_review = list(selectors.emergency_to_review())
    context = {
        "agreements_due": selectors.agreements_due(),
        "sharing_recorded": selectors.sharing_is_recorded(),
        "to_review": to_review,
        "reviewed": list(selectors.emergency_reviewed()),
        "outcomes": ReviewOutcome.choices,
        "unusual": selectors.unusual_access(),
        "purposes": selectors.purposes_stated(),
        "sar_available": sar_available,
        "sar_due": sar_due,
        "restrictions": selectors.restricted_cases(),
    }
    log_access(
        actor=request.actor,
        action=Action.CONSULTATION,
        summary="Viewed the data protection officer's page",
        detail={"break_glass_shown": [u.pk for u in to_review]},
    )
    return render(request, "sharing/dpo.html", context)


@login_required
@require_POST
def emergency_review(request: AuthenticatedHttpRequest, use_id: int) -> HttpResponse:
    _dpo_only(request)
    if not EmergencyAccess.objects.filter(pk=use_id).exists():
        refuse(request.actor, summary=f"Refused to review emergency access {use_id}", reason="no such use")
    try:
        services.review_emergency_access(
            actor=request.actor,
            use_id=use_id,
            outcome=request.POST.get("outcome", ""),
            note=request.POST.get("note", ""),
        )
    except services.SharingError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, "Review recorded.")
    return redirect("dpo")
