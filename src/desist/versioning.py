"""Lost updates: one optimistic lock for every record people edit (victims, sentences' release, release plans
and their tasks, referrals, IOM decisions, bed bookings).

Each such model has a `version` integer. A form or API body carries the version the user read; the service
claims it in its transaction with one conditional UPDATE (`... SET version = version + 1 WHERE id = %s AND
version = %s`). If someone else saved in between, nothing matches and the service raises `StaleEdit`: the page
shows `STALE_MESSAGE` in its error summary with the user's values kept, and the API answers 409. On PostgreSQL
the UPDATE waits for a concurrent writer's transaction and then re-checks the version, so of two writers
exactly one wins; SQLite serialises writers anyway."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.db.models import F

STALE_MESSAGE = (
    "Someone else changed this record while you were editing it. Your changes have not been saved: "
    "review the current details and make them again."
)


class StaleEdit(Exception):
    """The record changed after the user read it; nothing was saved."""

    def __init__(self, message: str = STALE_MESSAGE) -> None:
        super().__init__(message)


def version_field() -> models.PositiveIntegerField:
    """The `version` column of an edited model: 1 when created, one more on every change."""
    # db_default too: the bulk loaders (desist.bulk.copy_rows) insert without naming the column.
    return models.PositiveIntegerField(
        default=1,
        db_default=1,
        help_text="Goes up by one on every change; a change made from an older version is refused.",
    )


def version_claim(obj: Any, expected: int | None = None) -> None:
    """Move `obj`'s version on by one if it is still `expected` (the version the user read; the one `obj` was
    loaded with when None), else raise StaleEdit. Call it inside the service's transaction, before writing."""
    expected = obj.version if expected is None else expected
    claimed = type(obj)._default_manager.filter(pk=obj.pk, version=expected).update(version=F("version") + 1)
    if claimed != 1:
        raise StaleEdit()
    obj.version = expected + 1


class VersionFormField(forms.IntegerField):
    """The hidden field carrying the version a form was drawn from. Absent (an old page, a script) means 'the
    version loaded with the record', so the write is still refused if it changed during the request."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, min_value=1, **kwargs)


def form_carry_version(form: forms.Form, current_version: int) -> None:
    """Keep what the user entered in a bound form, but carry the record's current version, so that once they
    have reviewed the current details, sending the form again saves it."""
    data = form.data.copy()  # type: ignore[attr-defined]
    data[form.add_prefix("version")] = str(current_version)
    form.data = data


def form_show_stale(form: forms.Form, current_version: int) -> None:
    """After a StaleEdit: keep what the user entered, say in the form why nothing was saved, and carry the
    current version (form_carry_version)."""
    form_carry_version(form, current_version)
    form.add_error(None, STALE_MESSAGE)
