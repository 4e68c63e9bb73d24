"""Merging two records of one person and undoing a merge (/api/merges/…): the same services as the pages, for
linkage reviewers only (DESIST_LINKAGE_REVIEWER_ROLES); anyone else gets 403, logged as denied."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from desist.api.actor import api_actor
from desist.audit.context import Actor
from desist.audit.refusals import refuse
from desist.linking.merging import MergeRefused, SplitRefused, merge_counts, people_merge, people_merge_undo
from desist.linking.selectors import can_review
from desist.linking.services import review_actor
from desist.people.models import Person, PersonMerge

router = Router(tags=["merges"])


class ErrorOut(Schema):
    detail: str


class MergeIn(Schema):
    absorbed: int
    kept: int
    reason: str


class UndoIn(Schema):
    reason: str


class MergeOut(Schema):
    id: int
    absorbed: int
    kept: int
    merged_at: datetime
    merged_by: str
    reason: str
    link_run: int | None
    moved: dict[str, int]
    left_behind: int
    undone_at: datetime | None
    undone_by: str
    undo_reason: str


def _out(merge: PersonMerge) -> dict[str, Any]:
    return {
        "id": merge.pk,
        "absorbed": merge.absorbed_id,
        "kept": merge.kept_id,
        "merged_at": merge.merged_at,
        "merged_by": merge.merged_by_name,
        "reason": merge.reason,
        "link_run": merge.link_run_id,
        "moved": dict(merge_counts(merge)),
        "left_behind": sum(len(v) for v in merge.left_behind.values()),
        "undone_at": merge.undone_at,
        "undone_by": merge.undone_by_name,
        "undo_reason": merge.undo_reason,
    }


def _reviewer(request: HttpRequest, what: str) -> Actor:
    actor = api_actor(request)
    if not can_review(actor):
        refuse(
            actor,
            summary=f"Refused to {what}",
            reason="not a linkage reviewer",
            status=403,
            message="Only linkage reviewers can merge people or undo a merge.",
        )
    return review_actor(actor)


@router.post(
    "",
    response={201: MergeOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Merge one person into another (everything recorded about them moves); 409 if it cannot be made",
)
def merge_people(request: HttpRequest, body: MergeIn) -> Any:
    actor = _reviewer(request, f"merge person {body.absorbed} into person {body.kept}")
    people = Person.objects.in_bulk([body.absorbed, body.kept])
    for pk in (body.absorbed, body.kept):
        if pk not in people:
            refuse(actor, summary=f"Refused to merge person {pk}", person_id=pk)
    try:
        merge = people_merge(
            actor=actor, absorbed=people[body.absorbed], kept=people[body.kept], reason=body.reason
        )
    except MergeRefused as refused:
        return Status(409, {"detail": str(refused)})
    return Status(201, _out(merge))


@router.post(
    "/{id:merge_id}/undo",
    response={200: MergeOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Undo a merge (a split): what it moved goes back; 409 says what to undo first",
)
def undo_merge(request: HttpRequest, merge_id: int, body: UndoIn) -> Any:
    actor = _reviewer(request, f"undo merge {merge_id}")
    merge = PersonMerge.objects.filter(pk=merge_id).first()
    if merge is None:
        refuse(actor, summary=f"Refused to undo merge {merge_id}", reason="no such merge")
    try:
        merge = people_merge_undo(actor=actor, merge=merge, reason=body.reason)
    except SplitRefused as refused:
        return Status(409, {"detail": str(refused)})
    return _out(merge)
