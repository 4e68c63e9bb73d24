"""Choosing an offence's OGRS3 category from the person record's Risk and needs section."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from desist.audit.refusals import AuthenticatedHttpRequest, refuse
from desist.offences.models import Offence
from desist.offences.services import UnknownCategory, offence_category_choose
from desist.people import selectors
from desist.versioning import StaleEdit


@login_required
@require_POST
def offence_category(request: AuthenticatedHttpRequest, person_id: int, offence_id: int) -> HttpResponse:
    """A user says which OGRS3 category an offence falls in, where its code does not decide."""
    actor = request.actor
    offence = Offence.objects.filter(
        pk=offence_id, person_id=person_id, person__in=selectors.visible_people(actor)
    ).first()
    if offence is None:
        refuse(
            actor,
            summary=f"Refused to choose the category of offence {offence_id} of person {person_id}",
            person_id=person_id,
        )
    try:
        offence_category_choose(
            actor=actor,
            offence=offence,
            category=request.POST.get("category", ""),
            read=request.POST.get("read"),
        )
    except (UnknownCategory, StaleEdit) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The category is saved; OGRS3 will be worked out again in a moment.")
    return redirect("person_risk", person_id=person_id)
