from datetime import date

from django import template
from django.utils import timezone

from desist.sentences.models import KeyDateKind

register = template.Library()


@register.filter
def key_date_label(kind: str) -> str:
    """ "licence_expiry" → "Licence expiry"."""
    try:
        return str(KeyDateKind(kind).label)
    except ValueError:
        return kind


@register.filter
def age(born: date | None) -> str:
    """Age in whole years today."""
    if born is None:
        return ""
    today = timezone.localdate()
    return str(today.year - born.year - ((today.month, today.day) < (born.month, born.day)))


@register.filter
def days_until(when: date | None) -> str:
    if when is None:
        return ""
    days = (when - timezone.localdate()).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return f"in {days} days" if days > 0 else f"{-days} days ago"


# Register kinds grouped into the stylesheet's flag colours (see assets/scss/desist.scss).
_FLAG_VARIANTS = {
    "mappa": "mappa",
    "domestic_abuse_perpetrator": "da",
    "stalking": "da",
    "iom": "iom",
    "child_concerns": "risk",
    "child_protection": "risk",
    "risk_to_children": "risk",
    "street_gangs": "risk",
    "terrorism": "risk",
    "public_interest": "risk",
    "mental_health": "info",
    "self_harm": "info",
    "vulnerability": "info",
    "adult_at_risk": "info",
}
_STATUS_COLOURS = {"custody": "purple", "licence": "blue", "community": "green"}


@register.filter
def flag_variant(kind: str) -> str:
    return _FLAG_VARIANTS.get(kind, "neutral")


@register.filter
def status_colour(status: str) -> str:
    return _STATUS_COLOURS.get(status, "grey")


_BAND_COLOURS = {
    "low": "green",
    "medium": "yellow",
    "high": "orange",
    "very_high": "red",
    "A": "red",
    "B": "orange",
    "C": "yellow",
    "D": "green",
}


@register.filter
def band_colour(band: str) -> str:
    return _BAND_COLOURS.get(band, "grey")


@register.filter
def band_label(band: str) -> str:
    """ "very_high" → "Very high"; tier protect levels are shown as "Protect level B"."""
    if len(band) == 1 and band.isalpha():
        return f"Protect level {band}"
    return band.replace("_", " ").capitalize()


@register.filter
def risk_value(value: str, kind: str) -> str:
    if kind in ("rsr", "arp", "svrp", "dcsrp", "iicsrp", "csrp"):
        return f"{value}%"
    if kind == "rosh":
        return value.replace("_", " ").capitalize()
    return value


@register.filter
def pathway(section: str) -> str:
    """The resettlement pathway an OASys section belongs to (RULES.md §8)."""
    from desist.risk import SECTION_PATHWAYS

    return SECTION_PATHWAYS.get(section, "")
