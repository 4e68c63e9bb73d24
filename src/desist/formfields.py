"""Small helpers for Django forms shared by every app."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms


def set_choices(form: forms.BaseForm, name: str, choices: Iterable[Any]) -> None:
    """Give a form's choice field the choices known only when the form is built (a person's offences, the
    partnership's districts). Refuses any other kind of field, which would silently ignore them."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name} is a {type(field).__name__}, not a choice field")
    field.choices = list(choices)
