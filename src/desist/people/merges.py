"""Pages for merging two records of one person and undoing a merge (docs/linkage.md, "Merging and splitting
people"). Anyone who may see a person sees their merges; only linkage reviewers
(DESIST_LINKAGE_REVIEWER_ROLES) merge by hand or undo, and they see the people for that purpose, as when they
review pairs."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.refusals import AuthenticatedHttpRequest, refuse
from desist.audit.services import log_access
from desist.formfields import set_choices
from desist.linking.merging import (
    MergeRefused,
    SplitRefused,
    merge_counts,
    merge_would_move,
    people_merge,
    people_merge_undo,
)
from desist.linking.merging import person_merges as merges_of
from desist.linking.selectors import can_review
from desist.linking.services import review_actor
from desist.people.models import Person, PersonMerge
from desist.people.selectors import person_for_actor


class SamePersonForm(forms.Form):
    other = forms.IntegerField(
        label="Person number",
        min_value=1,
        error_messages={
            "required": "Enter the number of the other person's record",
            "invalid": "Enter a person number, like 1234",
        },
    )


class MergeForm(forms.Form):
    kept = forms.TypedChoiceField(
        label="Which record stays?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which record stays"},
    )
    reason = forms.CharField(
        label="Why are they the same person?",
        max_length=1000,
        error_messages={"required": "Say why they are the same person"},
    )


class UndoForm(forms.Form):
    reason = forms.CharField(
        label="Why undo this merge?",
        max_length=1000,
        error_messages={"required": "Say why the merge is being undone"},
    )


def _reviewing(request: AuthenticatedHttpRequest, person_id: int, what: str) -> Actor:
    """The reviewer's actor with review's purpose, or the refusal (403) for anyone else."""
    actor = request.actor
    if not can_review(actor):
        refuse(
            actor,
            summary=f"Refused to {what} of person {person_id}"[:255],
            person_id=person_id,
            reason="not a linkage reviewer",
            status=403,
            message="Only linkage reviewers can merge people.",
        )
    return review_actor(actor)


def _person(actor: Actor, person_id: int, what: str) -> Person:
    person = Person.objects.select_related("district").filter(pk=person_id).first()
    if person is None:
        refuse(actor, summary=f"Refused access to {what} of person {person_id}"[:255], person_id=person_id)
    return person


@login_required
def person_merges(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """Merges into and out of a person: who, when, why, what moved; undo and "same person as" for
    reviewers."""
    actor = request.actor
    reviewer = can_review(actor)
    if reviewer:
        actor = review_actor(actor)
        person = _person(actor, person_id, "the merges")
    else:
        person = person_for_actor(actor, person_id, what="the merges")
    merges = merges_of(person.pk)
    open_later = {m.absorbed_id: m for m in merges if m.undone_at is None}
    rows = [
        {
            "merge": m,
            "counts": merge_counts(m),
            "left_behind": sum(len(v) for v in m.left_behind.values()),
            "set_aside": sum(len(v) for v in m.set_aside.values()),
            # Undoing needs the kept person's own merge undone first (known here when it involves this
            # person).
            "blocked_by": open_later.get(m.kept_id)
            if m.undone_at is None and m.kept_id in open_later
            else None,
        }
        for m in merges
    ]
    log_access(
        actor=actor,
        action=Action.CONSULTATION,
        person_id=person.pk,
        obj=person,
        summary=f"Viewed the merges of person {person.pk}",
        detail={"merges": [m.pk for m in merges]},
    )
    return render(
        request,
        "people/person_merges.html",
        {
            "person": person,
            "rows": rows,
            "reviewer": reviewer,
            "same_form": SamePersonForm(request.GET or None) if reviewer else None,
            "undo_form": UndoForm(),
            "merged_into": next(
                (m.kept for m in merges if m.absorbed_id == person.pk and m.undone_at is None), None
            ),
        },
    )


@login_required
def person_merge(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """Confirm that two records are one person, side by side, and merge them (POST)."""
    actor = _reviewing(request, person_id, "merge the record")
    person = _person(actor, person_id, "merging the record")
    same = SamePersonForm(request.GET if "other" in request.GET else request.POST or None)
    if not same.is_valid():
        return render(
            request,
            "people/person_merges.html",
            {
                "person": person,
                "rows": [],
                "reviewer": True,
                "same_form": same,
                "undo_form": UndoForm(),
                "merged_into": None,
                "errors_only": True,
            },
            status=400,
        )
    other = _person(actor, same.cleaned_data["other"], "merging the record")
    both = (person, other)
    form = MergeForm(
        request.POST if request.method == "POST" else None, initial={"kept": str(min(p.pk for p in both))}
    )
    set_choices(form, "kept", [(str(p.pk), f"Person {p.pk}: {p.full_name}") for p in both])
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        kept = next(p for p in both if p.pk == form.cleaned_data["kept"])
        absorbed = next(p for p in both if p.pk != kept.pk)
        try:
            merge = people_merge(
                actor=actor, absorbed=absorbed, kept=kept, reason=form.cleaned_data["reason"]
            )
        except MergeRefused as refused:
            errors.append(str(refused))
        else:
            messages.success(
                request, f"Person {absorbed.pk} is merged into person {kept.pk}: merge {merge.pk}."
            )
            return redirect("person_merges", person_id=kept.pk)
    for p in both:
        log_access(
            actor=actor,
            action=Action.CONSULTATION,
            person_id=p.pk,
            obj=p,
            summary=f"Viewed person {p.pk} to merge with person {both[1].pk if p is person else person.pk}",
        )
    would_move = merge_would_move([p.pk for p in both])
    return render(
        request,
        "people/person_merge.html",
        {
            "person": person,
            "other": other,
            "form": form,
            "errors": errors,
            "sides": [{"person": p, "counts": would_move[p.pk], "merged": p.merged_into_id} for p in both],
        },
        status=400 if form.errors or errors else 200,
    )


@login_required
@require_POST
def person_merge_undo(request: AuthenticatedHttpRequest, merge_id: int) -> HttpResponse:
    """Undo a merge (a split), with the reviewer's reason."""
    actor = request.actor
    merge = PersonMerge.objects.filter(pk=merge_id).first()
    if merge is None or not can_review(actor):
        if merge is None:
            refuse(actor, summary=f"Refused to undo merge {merge_id}", reason="no such merge")
        refuse(
            actor,
            summary=f"Refused to undo merge {merge_id}",
            obj=merge,
            person_id=merge.kept_id,
            reason="not a linkage reviewer",
            status=403,
            message="Only linkage reviewers can undo a merge.",
        )
    form = UndoForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the merge is being undone.")
        return redirect("person_merges", person_id=merge.kept_id)
    try:
        people_merge_undo(actor=review_actor(actor), merge=merge, reason=form.cleaned_data["reason"])
    except SplitRefused as refused:
        messages.error(request, str(refused))
        return redirect("person_merges", person_id=merge.kept_id)
    messages.success(
        request, f"The merge is undone: person {merge.absorbed_id} stands again, with what the merge moved."
    )
    return redirect("person_merges", person_id=merge.absorbed_id)
