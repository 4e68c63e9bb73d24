"""The shell's pages: home and stating a purpose. Each domain app's pages are in its own views.py."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render

from desist.audit.refusals import AuthenticatedHttpRequest
from desist.web.forms import OTHER_PURPOSE, PurposeForm
from desist.web.purpose import JUSTIFICATION_KEY, PURPOSE_KEY, purpose_state, safe_next


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every signed-in user starts at their work queue: one list of what needs them today (issue 6).
    Signing in lands here too (LOGIN_REDIRECT_URL)."""
    return redirect("work_queue")


@login_required
def set_purpose(request: AuthenticatedHttpRequest) -> HttpResponse:
    """State, or change, why this session is using desist; then go back to the page asked for."""
    actor = request.actor
    data = request.POST if request.method == "POST" else None
    stated = request.session.get(PURPOSE_KEY, "")
    initial = {
        "purpose": stated,
        "other_reason": request.session.get(JUSTIFICATION_KEY, ""),
        "next": request.GET.get("next", ""),
    }
    form = PurposeForm(data, initial=initial, administrator=actor.is_administrator)
    target = safe_next(request, (data or request.GET).get("next", ""))
    if form.is_valid():
        purpose_state(
            request.session,
            purpose=form.cleaned_data["purpose"],
            justification=form.cleaned_data["other_reason"],
        )
        return HttpResponseRedirect(target)
    return render(
        request, "web/purpose.html", {"form": form, "next": target, "stated": stated, "other": OTHER_PURPOSE}
    )
