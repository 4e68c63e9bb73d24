from django import template

from desist.audit.context import Actor
from desist.linking.selectors import can_review as _can_review

register = template.Library()


@register.filter
def can_review(actor: Actor | None) -> bool:
    """Whether to show the Linkage menu item (from the actor's roles: no query)."""
    return actor is not None and _can_review(actor)
