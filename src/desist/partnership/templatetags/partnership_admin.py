from django import template

from desist.partnership.selectors import recent_access_grants

register = template.Library()


@register.simple_tag
def access_grants(limit: int = 10) -> list[object]:
    """The latest grants of access, for the admin's index page."""
    return list(recent_access_grants(limit))
