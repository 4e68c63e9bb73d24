"""Reads for retention: the schedule, each rule's records due (a set-based query: no row is read to decide
whether it is due), and the tombstones."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, FieldError
from django.db import models
from django.db.models import Max, QuerySet
from django.utils import timezone

from desist.core import retention as rules
from desist.people.models import Person
from desist.retention.models import RetentionRule, Tombstone

#: The access log (DPA 2018 s.62): trimmed with a signed checkpoint rather than deleted record by record
#: (desist.audit.services.access_log_trim; docs/retention.md).
ACCESS_LOG = "audit.accesslogentry"


class RuleProblem(ValueError):
    """The rule cannot be applied; the message says why."""


def schedule(*, active_only: bool = True) -> list[RetentionRule]:
    rows = RetentionRule.objects.all()
    return list(rows.filter(is_active=True) if active_only else rows)


def tombstones() -> QuerySet[Tombstone]:
    return Tombstone.objects.all()


def period(rule: RetentionRule) -> rules.Period:
    return rules.Period(years=rule.years, months=rule.months)


def rule_model(rule: RetentionRule) -> type[models.Model]:
    try:
        return apps.get_model(rule.model)
    except (LookupError, ValueError) as error:
        raise RuleProblem(f"Rule {rule.kind}: no kind of record '{rule.model}'.") from error


def _date_field(rule: RetentionRule, model: type[models.Model]) -> models.Field[Any, Any]:
    try:
        field = model._meta.get_field(rule.date_field)
    except FieldDoesNotExist as error:
        raise RuleProblem(f"Rule {rule.kind}: {rule.model} has no field '{rule.date_field}'.") from error
    if not isinstance(field, models.DateField):  # a DateTimeField is a DateField
        raise RuleProblem(f"Rule {rule.kind}: '{rule.date_field}' is not a date.")
    return field


def _person_field(model: type[models.Model]) -> str | None:
    for field in model._meta.concrete_fields:
        if field.is_relation and field.related_model is Person:
            return field.attname
    return None


def _on_or_before(field: models.Field[Any, Any], day: date) -> dict[str, Any]:
    """A lookup for "the trigger is on or before `day`" that uses the column's index."""
    if isinstance(field, models.DateTimeField):
        start = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
        return {f"{field.name}__lt": start}
    return {f"{field.name}__lte": day}


def due(rule: RetentionRule, *, today: date) -> QuerySet[Any]:
    """The records this rule says may go by `today`: one query, whatever their number."""
    model = rule_model(rule)
    field = _date_field(rule, model)
    cut = rules.cutoff(today, period(rule))
    rows = model._base_manager.all()
    if not isinstance(rule.condition, dict):
        raise RuleProblem(f"Rule {rule.kind}: the condition is field lookups, {{'field': value}}.")
    for key in rule.condition:
        # A condition names the record's own fields (an administrator's schedule never reaches through a link
        # into another table's data).
        name, _, lookup = str(key).partition("__")
        try:
            own = model._meta.get_field(name)
        except FieldDoesNotExist as error:
            raise RuleProblem(
                f"Rule {rule.kind}: the condition does not apply to {rule.model} ({key})."
            ) from error
        if own.is_relation and lookup not in ("", "in", "isnull", "exact"):
            raise RuleProblem(f"Rule {rule.kind}: a condition names the record's own fields, not '{key}'.")
    try:
        if rule.condition:
            rows = rows.filter(**rule.condition)
        if rule.per_person:
            person = _person_field(model)
            if person is None:
                raise RuleProblem(f"Rule {rule.kind}: {rule.model} has no person for a clear period.")
            held = model._base_manager.filter(**rule.condition).exclude(**{f"{person}__isnull": True})
            quiet = (
                held.order_by()
                .values(person)
                .annotate(last=Max(field.name))
                .filter(**{k.replace(field.name, "last", 1): v for k, v in _on_or_before(field, cut).items()})
                .values(person)
            )
            rows = rows.filter(**{f"{person}__in": quiet})
        else:
            rows = rows.filter(**_on_or_before(field, cut))
        str(rows.query)  # a lookup that does not exist fails here, not half way through a deletion
    except (FieldError, FieldDoesNotExist, ValueError, TypeError) as error:
        if isinstance(error, RuleProblem):
            raise
        raise RuleProblem(
            f"Rule {rule.kind}: the condition does not apply to {rule.model} ({error})."
        ) from error
    return rows.order_by("pk")


def access_log_before(rule: RetentionRule, *, today: date) -> datetime:
    """For the access log's rule: entries written before this moment are past their period by `today` (the
    same cut as `due`)."""
    cut = rules.cutoff(today, period(rule))
    return timezone.make_aware(datetime.combine(cut + timedelta(days=1), time.min))


@dataclass(frozen=True)
class DueRow:
    kind: str
    model: str
    pk: Any
    rule: str
    reached_on: date


def due_rows(rule: RetentionRule, *, today: date, chunk: int = 5000) -> Iterator[DueRow]:
    """Each record due, with the day it reached the end of its period (for a clear period: the person's
    latest record's). Streamed, a chunk at a time."""
    model = rule_model(rule)
    field = _date_field(rule, model)
    span = period(rule)
    rows = due(rule, today=today)
    if rule.per_person:
        person = _person_field(model) or ""
        last = (
            model._base_manager.filter(**rule.condition)
            .order_by()
            .values(person)
            .annotate(last=Max(field.name))
            .filter(**{f"{person}__in": rows.values(person)})
        )
        latest = {r[person]: r["last"] for r in last}
        values = rows.values_list("pk", person)
        for pk, who in values.iterator(chunk_size=chunk):
            yield DueRow(rule.model, rule.model, pk, rule.kind, rules.reached_on(_day(latest[who]), span))
        return
    for pk, trigger in rows.values_list("pk", field.name).iterator(chunk_size=chunk):
        yield DueRow(rule.model, rule.model, pk, rule.kind, rules.reached_on(_day(trigger), span))


def _day(value: date | datetime) -> date:
    return timezone.localtime(value).date() if isinstance(value, datetime) else value
