"""Template filters for the board's pages: counts and percentages with small counts withheld."""

from __future__ import annotations

from typing import Any

from django import template

from desist.core.basket.compute import count_text as _count_text
from desist.core.basket.stats import should_suppress

register = template.Library()


@register.filter
def count_text(value: int, threshold: int) -> str:
    """A count, or "fewer than 5" for 1 to 4 when withholding."""
    return _count_text(int(value), int(threshold))


@register.filter
def percent(value: float | None) -> str:
    return "" if value is None else f"{100 * float(value):.1f}%"


@register.filter
def validation_hidden(group: dict[str, Any], threshold: int) -> bool:
    """Whether a validation group's outcome counts would give away a small number."""
    return should_suppress(group["reoffended"], group["people"], int(threshold), complement=True)


@register.filter
def validation_count(group: dict[str, Any], threshold: int) -> str:
    return "[c]" if validation_hidden(group, threshold) else f"{group['reoffended']:,}"


@register.filter
def decile_hidden(decile: dict[str, Any], threshold: int) -> bool:
    return should_suppress(decile["observed"], decile["people"], int(threshold), complement=True)


@register.filter
def rate_hidden(rate: dict[str, Any], threshold: int) -> bool:
    """Whether a rate at the validation threshold (false positive or negative, positive predictive value)
    would give away a small number: its numerator, denominator or their difference."""
    return should_suppress(rate["numerator"], rate["denominator"], int(threshold), complement=True)


@register.filter
def error_rates(group: dict[str, Any]) -> list[dict[str, Any]]:
    """A validation group's false positive rate, false negative rate and positive predictive value, in that
    order, for one table row."""
    rates = group.get("at_threshold") or {}
    names = ("false_positive_rate", "false_negative_rate", "positive_predictive_value")
    return [rates[name] for name in names if name in rates]
