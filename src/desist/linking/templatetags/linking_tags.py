from django import template

from desist.audit.context import Actor
from desist.linking.selectors import can_review as _can_review

register = template.Library()


@register.filter
def can_review(actor: Actor | None) -> bool:
    """Whether to show the Linkage menu item (from the actor's roles: no query)."""
    return actor is not None and _can_review(actor)


@register.filter
def probability(value: float | None) -> str:
    """A match probability as a percentage, with as many decimals as it takes not to read as 0% or 100%
    (0.996 is "99.6%", 0.5 is "50%")."""
    if value is None:
        return ""
    percent = float(value) * 100
    for decimals in range(5):
        shown = f"{percent:.{decimals}f}"
        if (0 < percent < 100 and float(shown) in (0.0, 100.0)) or (decimals == 0 and not 1 <= percent <= 99):
            continue
        return f"{shown}%"
    return f"{percent:.4f}%"
