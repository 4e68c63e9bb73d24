from django import template
from django.forms import BaseForm, BoundField

from desist.audit.context import Actor
from desist.imports import selectors

register = template.Library()


@register.filter
def can_import(actor: Actor) -> bool:
    """Whether to offer the Imports pages (the user holds an import role)."""
    return selectors.can_import(actor)


@register.filter
def get_field(form: BaseForm, name: str) -> BoundField:
    """A form's bound field by name, for forms whose fields depend on the file."""
    return form[name]
