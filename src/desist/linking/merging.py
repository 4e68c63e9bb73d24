"""Merging two records of one person, and undoing it (a split). docs/linkage.md, "Merging and splitting
people".

Merging is record linkage's act (a linking run merges the people its reviewers' decisions join; a reviewer
merges by hand), and afterwards families, risk scores, priority groups and IOM candidacy are worked out
again, so it lives here, above those apps, rather than in people (docs/decisions/0004-no-import-cycles.md).

A merge moves every row that points at the absorbed person to the person kept. The rows are found from
Django's model registry (every foreign key to `Person`, in every app), so a new app's data is never left
behind by a merge written before it. What moved is recorded row by row on a `PersonMerge`, so undoing the
merge moves back exactly those rows; rows added to the kept person after the merge stay with them.

When the kept person already holds the same thing (a unique constraint would refuse the move):

- a name the kept person is already known by, or a relationship the kept person already has (or one between
  the two people): the absorbed person's row is *set aside*: removed, with every field kept on the merge,
  and put back by an undo;
- an assessment version already used: the absorbed person's assessments are renumbered after the kept
  person's (the old number is kept, and restored by an undo);
- a risk score of a kind the kept person has a current one of: the absorbed person's stops being current
  (restored by an undo); the kept person's scores are worked out again after the merge;
- anything else (an open referral for the same need, an open IOM cohort membership): when nothing hangs off
  the row it is set aside; otherwise it is *left behind* on the absorbed record, listed on the merge with why.

Nothing is deleted without being kept on the merge, and nothing is lost.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core import serializers
from django.db import models, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from desist.assessments.models import Assessment, RiskScore
from desist.assessments.services import risk_recalculate
from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.services import log_access
from desist.families.services import families_refresh
from desist.iom.services import candidacy_refresh
from desist.linking.models import RecordLink
from desist.linking.selectors import can_review
from desist.people.models import NameKind, Person, PersonMerge, PersonName
from desist.people.signals import derived_refresh_later
from desist.priority.services import priority_groups_refresh

# Foreign keys to Person that a merge does not move, and why.
NOT_MOVED = {
    "people.person.merged_into": "the merge itself sets it",
    "people.personmerge.absorbed": "the history of merges",
    "people.personmerge.kept": "the history of merges",
    "families.familymember.person": "derived: families_refresh works families out again after the merge",
}


class MergeRefused(ValueError):
    """The merge cannot be made; the message says why, in the user's words."""


class SplitRefused(ValueError):
    """The merge cannot be undone; the message says why, and what to undo first."""


def person_links() -> Iterator[tuple[type[models.Model], models.Field[Any, Any]]]:
    """Every (model, field) whose field points at a person, from the model registry, except NOT_MOVED."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is Person and _key(model, field) not in NOT_MOVED:
                yield model, field


def person_merges(person_id: int) -> list[PersonMerge]:
    """Every merge into or out of this person, newest first, with both people and who undid it (one query)."""
    return list(
        PersonMerge.objects.filter(Q(absorbed_id=person_id) | Q(kept_id=person_id))
        .select_related("absorbed", "kept")
        .order_by("-merged_at", "-pk")
    )


def merge_would_move(person_ids: list[int]) -> dict[int, list[tuple[str, int]]]:
    """For each person, how many rows of each kind point at them (what a merge would move): one query a
    table."""
    counts: dict[int, dict[str, int]] = {pk: {} for pk in person_ids}
    for model, link in person_links():
        label = str(model._meta.verbose_name_plural)
        column = link.attname
        for person_id, n in (
            model._base_manager.filter(**{f"{column}__in": person_ids})
            .order_by()
            .values(column)
            .annotate(n=Count("pk"))
            .values_list(column, "n")
        ):
            counts[person_id][label] = counts[person_id].get(label, 0) + n
    return {pk: sorted(c.items()) for pk, c in counts.items()}


def _key(model: type[models.Model], field: models.Field[Any, Any]) -> str:
    return f"{model._meta.label_lower}.{field.name}"


def _resolve(key: str) -> tuple[type[models.Model], str]:
    app, model, field = key.split(".")
    return apps.get_model(app, model), field


@dataclass
class _Merge:
    absorbed: int
    kept: int
    moved: dict[str, list[int]]
    changed: dict[str, dict[str, dict[str, Any]]]
    set_aside: dict[str, list[dict[str, Any]]]
    left_behind: dict[str, list[dict[str, Any]]]

    def change(self, model: type[models.Model], pk: int, **before: Any) -> None:
        self.changed.setdefault(model._meta.label_lower, {}).setdefault(str(pk), {}).update(before)

    def aside(self, model: type[models.Model], rows: list[models.Model]) -> None:
        if rows:
            kept = json.loads(serializers.serialize("json", rows))
            self.set_aside.setdefault(model._meta.label_lower, []).extend(kept)
            model._base_manager.filter(pk__in=[r.pk for r in rows]).delete()


def _has_dependants(row: models.Model) -> bool:
    for relation in row._meta.related_objects:
        # The model holding the key: what `related_model` is for a reverse relation, typed as a class.
        if relation.field.model._base_manager.filter(**{relation.field.name: row.pk}).exists():
            return True
    return False


def _column(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """A field a unique constraint names: always a concrete column, never a reverse relation or a generic
    key."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return field


def _conflicts(model: type[models.Model], field: models.Field[Any, Any], merge: _Merge) -> dict[int, str]:
    """Rows of the absorbed person that cannot point at the kept person as they are, with why."""
    why: dict[int, str] = {}
    name = field.name
    others = [
        f
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model is Person and f.name != name
    ]
    for other in others:
        for pk in model._base_manager.filter(**{name: merge.absorbed, other.attname: merge.kept}).values_list(
            "pk", flat=True
        ):
            why[pk] = "it links the two people merged"
    rules: list[tuple[list[str], Q | None]] = []
    if field.unique:
        rules.append(([name], None))
    for constraint in model._meta.constraints:
        fields = list(getattr(constraint, "fields", ()) or ())
        if isinstance(constraint, models.UniqueConstraint) and name in fields:
            rules.append((fields, constraint.condition))
    for fields, condition in rules:
        rest = [_column(model, f).attname for f in fields if f != name]
        scope = model._base_manager.filter(condition) if condition is not None else model._base_manager.all()
        held = {tuple(v) for v in scope.filter(**{name: merge.kept}).values_list(*rest or ["pk"])}
        for pk, *values in scope.filter(**{name: merge.absorbed}).values_list("pk", *rest):
            if (not rest and held) or (rest and None not in values and tuple(values) in held):
                why.setdefault(pk, "the person kept already has one")
    return why


def _before_names(field_key: str, merge: _Merge) -> None:
    """The absorbed person's name in use becomes an alias; a name the kept person already has is set aside."""
    if field_key != "people.personname.person":
        return
    known = {
        (f.lower(), la.lower())
        for f, la in PersonName.objects.filter(person_id=merge.kept).values_list("first_name", "last_name")
    }
    names = list(PersonName.objects.filter(person_id=merge.absorbed))
    merge.aside(PersonName, [n for n in names if (n.first_name.lower(), n.last_name.lower()) in known])
    for name in names:
        if (name.first_name.lower(), name.last_name.lower()) not in known and name.kind == NameKind.PRIMARY:
            merge.change(PersonName, name.pk, kind=name.kind)
            PersonName.objects.filter(pk=name.pk).update(kind=NameKind.ALIAS)


def _before_assessments(field_key: str, merge: _Merge) -> None:
    """Versions count a person's assessments: the absorbed person's come after the kept person's."""
    if field_key != "assessments.assessment.person":
        return
    top = Assessment.objects.filter(person_id=merge.kept).aggregate(top=Max("version"))["top"] or 0
    theirs = list(
        Assessment.objects.filter(person_id=merge.absorbed).order_by("version").values_list("pk", "version")
    )
    if not top or not theirs:
        return
    # Two steps, so no renumbered row meets another's old number on the way.
    offset = top + max(v for _, v in theirs)
    for pk, version in theirs:
        merge.change(Assessment, pk, version=version)
        Assessment.objects.filter(pk=pk).update(version=version + offset)
    for number, (pk, _) in enumerate(theirs, start=top + 1):
        Assessment.objects.filter(pk=pk).update(version=number)


def _before_risk_scores(field_key: str, merge: _Merge) -> None:
    """One current score of each kind: where both have one, the absorbed person's becomes history."""
    if field_key != "assessments.riskscore.person":
        return
    kinds = set(
        RiskScore.objects.filter(person_id=merge.kept, is_current=True).values_list("kind", flat=True)
    )
    for pk in RiskScore.objects.filter(person_id=merge.absorbed, is_current=True, kind__in=kinds).values_list(
        "pk", flat=True
    ):
        merge.change(RiskScore, pk, is_current=True)
        RiskScore.objects.filter(pk=pk).update(is_current=False)


BEFORE_MOVING = (_before_names, _before_assessments, _before_risk_scores)


def _move(merge: _Merge) -> None:
    for model, field in person_links():
        key = _key(model, field)
        if not model._base_manager.filter(**{field.name: merge.absorbed}).exists():
            continue
        for step in BEFORE_MOVING:
            step(key, merge)
        conflicts = _conflicts(model, field, merge)
        if conflicts:
            rows = list(model._base_manager.filter(pk__in=list(conflicts)))
            free = [r for r in rows if not _has_dependants(r)]
            merge.aside(model, free)
            stuck = [r for r in rows if r not in free]
            if stuck:
                merge.left_behind.setdefault(key, []).extend(
                    {"pk": r.pk, "what": str(r)[:200], "why": conflicts[r.pk]} for r in stuck
                )
        stay = [item["pk"] for item in merge.left_behind.get(key, [])]
        pks = list(
            model._base_manager.filter(**{field.name: merge.absorbed})
            .exclude(pk__in=stay)
            .values_list("pk", flat=True)
        )
        if pks:
            model._base_manager.filter(pk__in=pks).update(**{field.name: merge.kept})
            merge.moved[key] = sorted(pks)


def merge_counts(merge: PersonMerge) -> list[tuple[str, int]]:
    """What a merge moved, as (kind of record, how many), for pages and the API."""
    counts: dict[str, int] = {}
    for key, pks in merge.moved.items():
        model, _ = _resolve(key)
        label = str(model._meta.verbose_name_plural)
        counts[label] = counts.get(label, 0) + len(pks)
    return sorted(counts.items())


def _refresh(actor: Actor, *, people: list[int], scores_for: list[int]) -> None:
    """Work out again what is derived from these people's records: families, then risk scores, priority groups
    and IOM candidacy (in that order: the IOM score reads OGRS3)."""
    families_refresh(actor=actor, person_ids=people)
    risk_recalculate(actor=actor, person_ids=scores_for)
    priority_groups_refresh(actor=actor, person_ids=scores_for)
    candidacy_refresh(actor=actor, person_ids=scores_for)


def _check_reviewer(actor: Actor, what: str) -> None:
    if actor.user_id is not None and not can_review(actor):
        raise MergeRefused(f"Only linkage reviewers can {what}.")


@transaction.atomic
def people_merge(
    *,
    actor: Actor,
    absorbed: Person,
    kept: Person,
    reason: str,
    run_id: int | None = None,
    refresh: bool = True,
    carried: dict[str, list[int]] | None = None,
) -> PersonMerge:
    """Merge the absorbed person into the person kept: move every row that points at the absorbed person (see
    the module docstring for what happens when the kept person already holds the same), mark the absorbed
    person merged, record it all on a PersonMerge, log it for both people and (with `refresh`) work out their
    families, risk scores, priority groups and IOM candidacy again.

    `carried` names rows already moved by the caller that an undo must move back (a linking run moves the
    source records itself). Raises MergeRefused when the two cannot be merged.
    """
    if run_id is None:  # a linking run's merge was decided by the engine and its reviewers
        _check_reviewer(actor, "merge people")
    if absorbed.pk == kept.pk:
        raise MergeRefused("A person cannot be merged with themselves.")
    locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[absorbed.pk, kept.pk])}
    for person in (absorbed, kept):
        current = locked.get(person.pk)
        if current is None:
            raise MergeRefused(f"Person {person.pk} does not exist.")
        if current.merged_into_id is not None:
            raise MergeRefused(
                f"Person {person.pk} has already been merged into person {current.merged_into_id}: "
                f"merge with person {current.merged_into_id} instead."
            )
    state = _Merge(
        absorbed=absorbed.pk,
        kept=kept.pk,
        moved={key: sorted(pks) for key, pks in (carried or {}).items() if pks},
        changed={},
        set_aside={},
        left_behind={},
    )
    _move(state)
    repointed = sorted(Person.objects.filter(merged_into_id=absorbed.pk).values_list("pk", flat=True))
    Person.objects.filter(pk__in=repointed).update(merged_into_id=kept.pk)
    Person.objects.filter(pk=absorbed.pk).update(merged_into_id=kept.pk)
    absorbed.merged_into_id = kept.pk
    merge = PersonMerge.objects.create(
        absorbed_id=absorbed.pk,
        kept_id=kept.pk,
        merged_at=timezone.now(),
        merged_by_id=actor.user_id,
        merged_by_name=actor.username,
        reason=reason.strip(),
        link_run_id=run_id,
        moved=state.moved,
        changed=state.changed,
        set_aside=state.set_aside,
        left_behind=state.left_behind,
        repointed=repointed,
    )
    counts = dict(merge_counts(merge))
    for person_id in (kept.pk, absorbed.pk):
        log_access(
            actor=actor,
            action=Action.COMBINATION,
            person_id=person_id,
            obj=merge,
            summary=f"Merged person {absorbed.pk} into person {kept.pk}",
            detail={
                "merge": merge.pk,
                "absorbed": absorbed.pk,
                "kept": kept.pk,
                "reason": merge.reason,
                "run": run_id,
                "moved": counts,
                "set_aside": {k: len(v) for k, v in state.set_aside.items()},
                "left_behind": {k: len(v) for k, v in state.left_behind.items()},
            },
        )
    if refresh:
        _refresh(actor, people=[absorbed.pk, kept.pk], scores_for=[kept.pk])
    else:
        derived_refresh_later(kept.pk)
    return merge


def merge_blocking_undo(merge: PersonMerge) -> PersonMerge | None:
    """The later merge that must be undone before this one: the kept person's own merge into someone else."""
    return (
        PersonMerge.objects.filter(absorbed_id=merge.kept_id, undone_at__isnull=True)
        .order_by("-merged_at", "-pk")
        .first()
    )


@transaction.atomic
def people_merge_undo(*, actor: Actor, merge: PersonMerge, reason: str, refresh: bool = True) -> PersonMerge:
    """Undo a merge (a split): move back exactly the rows the merge moved, restore what it changed and put
    back what it set aside, so the absorbed person stands again. Rows added to the kept person since stay with
    them. The merge stays, marked undone, as history. Raises SplitRefused when it cannot be undone yet."""
    _check_reviewer(actor, "undo a merge")
    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise SplitRefused(
            f"This merge was already undone on {timezone.localtime(merge.undone_at):%d %B %Y} by "
            f"{merge.undone_by_name or 'the system'}."
        )
    later = merge_blocking_undo(merge)
    if later is not None:
        raise SplitRefused(
            f"Person {merge.kept_id} has since been merged into person {later.kept_id}: undo that "
            f"merge (number {later.pk}) first."
        )
    absorbed = Person.objects.select_for_update().get(pk=merge.absorbed_id)
    if absorbed.merged_into_id != merge.kept_id:
        raise SplitRefused(f"Person {merge.absorbed_id} is no longer merged into person {merge.kept_id}.")
    if not reason.strip():
        raise SplitRefused("Say why the merge is being undone.")
    gone: dict[str, int] = {}
    for key, pks in merge.moved.items():
        model, field = _resolve(key)
        back = model._base_manager.filter(pk__in=pks, **{field: merge.kept_id}).update(
            **{field: merge.absorbed_id}
        )
        if back != len(pks):
            gone[key] = len(pks) - back  # removed or moved on since the merge
        if key == "imports.sourcerecord.person":
            # A linking run rewrote the records' links after the merge: they follow their records back.
            RecordLink.objects.filter(source_record_id__in=pks, person_id=merge.kept_id).update(
                person_id=merge.absorbed_id
            )
    for label, rows in merge.changed.items():
        model = apps.get_model(label)
        for pk, before in rows.items():
            if label == "assessments.riskscore" and before.get("is_current"):
                # The absorbed person may have been scored since; the score restored is the current one.
                row = model._base_manager.filter(pk=pk).values("person_id", "kind").first()
                if row:
                    model._base_manager.filter(is_current=True, **row).exclude(pk=pk).update(is_current=False)
            model._base_manager.filter(pk=pk).update(**before)
    for rows in merge.set_aside.values():
        for restored in serializers.deserialize("json", json.dumps(rows)):
            restored.save()
    Person.objects.filter(pk=merge.absorbed_id).update(merged_into=None)
    Person.objects.filter(pk__in=merge.repointed, merged_into_id=merge.kept_id).update(
        merged_into_id=merge.absorbed_id
    )
    merge.undone_at = timezone.now()
    merge.undone_by_id = actor.user_id
    merge.undone_by_name = actor.username
    merge.undo_reason = reason.strip()
    merge.save(update_fields=["undone_at", "undone_by", "undone_by_name", "undo_reason"])
    for person in (merge.absorbed_id, merge.kept_id):
        log_access(
            actor=actor,
            action=Action.ALTERATION,
            person_id=person,
            obj=merge,
            summary=f"Undid the merge of person {merge.absorbed_id} into person {merge.kept_id}",
            detail={
                "merge": merge.pk,
                "absorbed": merge.absorbed_id,
                "kept": merge.kept_id,
                "reason": merge.undo_reason,
                "moved_back": dict(merge_counts(merge)),
                "gone": gone,
            },
        )
    if refresh:
        _refresh(
            actor, people=[merge.absorbed_id, merge.kept_id], scores_for=[merge.absorbed_id, merge.kept_id]
        )
    return merge
