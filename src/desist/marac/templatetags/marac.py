"""The MARAC flag on a person's record: shown to those who may see one of the referrals naming the person as
the perpetrator (the roles that support victims, the referring agency, an agency with an action)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import mark_safe

from desist.marac.selectors import perpetrator_flag

register = template.Library()


@register.simple_tag(takes_context=True)
def marac_perpetrator_flag(context: dict[str, Any], person_id: int) -> str:
    """The "MARAC perpetrator" flag for a person, or nothing. One query."""
    request = context.get("request")
    actor = getattr(request, "actor", None)
    if actor is None or not perpetrator_flag(actor, person_id):
        return ""
    return mark_safe('<strong class="desist-flag desist-flag--da">MARAC perpetrator</strong> ')
