"""Reporting rules, bands and RoSH (RULES.md §1 reporting, §2 RSR and RoSH).

Also the small shared pieces the calculators use to show their working: :class:`Part` and the
half-up rounding helpers (Python's ``round`` rounds half to even, the published rules round half up).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import NamedTuple

from desist.core.risk.errors import RiskInputError

Number = int | float | Decimal


class Part(NamedTuple):
    """One line of a calculator's working: what it is, its value, and the rule that gave the value."""

    label: str
    value: int | float | str | None
    rule: str


def explain_parts(parts: Iterable[Part]) -> list[tuple[str, str]]:
    """Parts as human-readable (label, "value  (rule)") lines; floats to 5 decimal places."""
    lines: list[tuple[str, str]] = []
    for part in parts:
        value = f"{part.value:.5f}" if isinstance(part.value, float) else str(part.value)
        lines.append((part.label, f"{value}  ({part.rule})" if part.rule else value))
    return lines


def half_up(value: float | Decimal, places: int = 0) -> Decimal:
    """``value`` rounded half up to ``places`` decimal places, exactly (from the float's binary value)."""
    quantum = Decimal(1).scaleb(-places)
    return Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)


def clamp_percent(percent: int) -> int:
    """RULES.md §1: a reported percentage of 0 or less is shown as 1, one above 99 as 99."""
    if percent <= 0:
        return 1
    return min(percent, 99)


def report_probability(probability: float, *, five_dp_first: bool = True) -> int:
    """A probability as a whole percentage (RULES.md §1).

    With ``five_dp_first`` (OGRS3) the probability is rounded to 5 decimal places first, then to a whole
    percentage half up. OGP and OVP round the percentage directly (as the MoJ service does). Either way
    0 or less is reported as 1 and above 99 as 99.
    """
    exact = Decimal(probability)
    if five_dp_first:
        exact = exact.quantize(Decimal("0.00001"), rounding=ROUND_HALF_UP)
    return clamp_percent(int(half_up(exact * 100)))


def logistic(x: float) -> float:
    """exp(x) / (1 + exp(x)), computed without overflow for large |x|."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def check_percent(name: str, value: object, *, upper: float = 100.0) -> float:
    """``value`` as a float if it is a number from 0 to ``upper``; RiskInputError otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise RiskInputError(f"{name} must be a number (got {value!r})")
    number = float(value)
    if not math.isfinite(number) or number < 0 or number > upper:
        raise RiskInputError(f"{name} must be from 0 to {upper:g} (got {value})")
    return number


# --- OGRS3 / OGP / OVP bands (on the two-year percentage) ---------------------------------------------

OGRS3_BANDS: tuple[tuple[int, str], ...] = ((90, "very_high"), (75, "high"), (50, "medium"), (0, "low"))
OGP_BANDS: tuple[tuple[int, str], ...] = ((85, "very_high"), (67, "high"), (34, "medium"), (1, "low"))
OVP_BANDS: tuple[tuple[int, str], ...] = ((80, "very_high"), (60, "high"), (30, "medium"), (1, "low"))


def _band(name: str, percent: int, table: tuple[tuple[int, str], ...], top: int) -> str:
    if isinstance(percent, bool) or not isinstance(percent, int):
        raise RiskInputError(f"{name} percentage must be a whole number (got {percent!r})")
    lowest = table[-1][0]
    if percent < lowest or percent > top:
        raise RiskInputError(f"{name} percentage must be from {lowest} to {top} (got {percent})")
    for floor, band in table:
        if percent >= floor:
            return band
    raise AssertionError("unreachable")  # pragma: no cover


def ogrs3_band(two_year_percent: int) -> str:
    """OGRS3 band on the two-year %: low 0–49, medium 50–74, high 75–89, very high 90+ (RULES.md §1)."""
    return _band("OGRS3 two-year", two_year_percent, OGRS3_BANDS, 100)


def ogp_band(two_year_percent: int) -> str:
    """OGP band on the two-year %: low 1–33, medium 34–66, high 67–84, very high 85–99 (RULES.md §2)."""
    return _band("OGP two-year", two_year_percent, OGP_BANDS, 99)


def ovp_band(two_year_percent: int) -> str:
    """OVP band on the two-year %: low 1–29, medium 30–59, high 60–79, very high 80–99 (RULES.md §2)."""
    return _band("OVP two-year", two_year_percent, OVP_BANDS, 99)


# --- RSR ----------------------------------------------------------------------------------------------

RSR_MEDIUM_FROM = 3.0
RSR_HIGH_FROM = 6.9


def rsr_band(percent: Number) -> str:
    """The RSR band (RULES.md §2): low below 3.0, medium 3.0 to below 6.9, high 6.9 or more.

    ``percent`` is the RSR percentage as received from OASys (0–100; int, float or Decimal).
    """
    value = check_percent("RSR percentage", percent)
    if value >= RSR_HIGH_FROM:
        return "high"
    if value >= RSR_MEDIUM_FROM:
        return "medium"
    return "low"


# --- RoSH ---------------------------------------------------------------------------------------------

ROSH_LEVELS: tuple[str, ...] = ("low", "medium", "high", "very_high")
# The audiences OASys records RoSH for; "prisoners" is recorded for people in custody only.
ROSH_AUDIENCES: tuple[str, ...] = ("public", "known_adult", "children", "staff", "prisoners")


@lru_cache(maxsize=256)  # called for every audience of every assessment in a full recompute
def normalise_level(value: str) -> str:
    """'Very High', 'VERY_HIGH', 'very-high' → 'very_high'."""
    return "_".join(value.strip().lower().replace("-", " ").split())


def rosh_level(value: object, *, name: str = "RoSH level") -> str:
    """``value`` as one of :data:`ROSH_LEVELS`; RiskInputError otherwise."""
    if not isinstance(value, str) or normalise_level(value) not in ROSH_LEVELS:
        raise RiskInputError(f"{name} must be one of {', '.join(ROSH_LEVELS)} (got {value!r})")
    return normalise_level(value)


def overall_rosh(levels: Mapping[str, str | None]) -> str:
    """The overall risk of serious harm: the highest level across audiences (RULES.md §2).

    ``levels`` maps audience (public, known_adult, children, staff, and prisoners in custody) to a level
    (low, medium, high, very_high). Audiences not assessed may be left out or given None or "".
    RiskInputError for an unknown audience or level, or when no audience has a level.
    """
    found: list[str] = []
    for audience, level in levels.items():
        key = normalise_level(audience)
        if key not in ROSH_AUDIENCES:
            raise RiskInputError(
                f"unknown RoSH audience {audience!r}: use one of {', '.join(ROSH_AUDIENCES)}"
            )
        if level is None or (isinstance(level, str) and not level.strip()):
            continue
        found.append(rosh_level(level, name=f"RoSH to {key.replace('_', ' ')}"))
    if not found:
        raise RiskInputError("no RoSH level given for any audience")
    return max(found, key=ROSH_LEVELS.index)
