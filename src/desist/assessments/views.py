"""Recording an assessment, and the Risk and needs section the person record shows."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from desist import risk
from desist.assessments.forms import AssessmentForm
from desist.assessments.models import Assessment, ScoreKind
from desist.assessments.selectors import can_record_assessments, current_scores, score_history
from desist.assessments.services import assessment_record
from desist.audit.refusals import AuthenticatedHttpRequest, refuse
from desist.iom.selectors import person_iom_history
from desist.people import selectors
from desist.priority.models import PriorityGroupMembership


def risk_context(person_id: int) -> dict[str, object]:
    """The Risk and needs section: current scores, the latest assessment and how figures changed."""
    scores = current_scores(person_id)
    assessment = Assessment.objects.filter(person_id=person_id).prefetch_related("sections").first()
    groups = list(PriorityGroupMembership.objects.filter(person_id=person_id))
    today = timezone.localdate()
    return {
        "offence_categories": risk.OFFENCE_CATEGORIES,
        "history": person_iom_history(person_id),
        "current_groups": [g for g in groups if g.is_current(today)],
        "past_groups": [g for g in groups if not g.is_current(today)],
        "scores": [scores[kind] for kind in ScoreKind.values if kind in scores],
        "assessment": assessment,
        "score_history": [s for s in score_history(person_id) if not s.is_current][:20],
    }


@login_required
def assessment_new(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """Record an assessment for a person the user can see; only assessors (DESIST_ASSESSOR_*) may."""
    actor = request.actor
    person = selectors.person_for_actor(actor, person_id, what="record an assessment")
    if not can_record_assessments(actor):
        refuse(
            actor,
            summary=f"Refused to record an assessment for person {person_id}",
            person_id=person_id,
            reason="not an assessing role",
            status=403,
            message="Only assessing staff (probation or youth justice practitioners and managers) can record "
            "assessments.",
        )
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = assessment_record(actor=actor, person=person, **form.service_arguments())
        except (risk.RiskInputError, ValidationError) as error:
            # The form checks everything the service does; this keeps a surprise from losing the input.
            form.add_error(None, "; ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(
                request,
                f"Assessment {assessment.version} is recorded. The risk scores and tiers will "
                "be worked out again in a moment.",
            )
            return redirect("person_risk", person_id=person.pk)
    return render(request, "assessments/assessment_form.html", {"person": person, "form": form})
