"""OGRS3: the Offender Group Reconviction Scale, version 3 (RULES.md §1).

A static predictor of proven reoffending within one and two years, from sex, age, the number of sanctions,
the age at the first sanction and the current offence. Source: Howard et al. (2009); the MoJ service
``hmpps-arns-risk-actuarial-api`` (OGRS3TransformationHelper.kt). See docs/risk.md for a worked example.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from desist.core import reference
from desist.core.reference import OffenceCodeRow, load_offence_codes, offence_codes_path
from desist.core.risk.bands import Part, explain_parts, logistic, ogrs3_band, report_probability
from desist.core.risk.errors import OffenceCategoryRequired, RiskInputError

SEXES: tuple[str, ...] = ("male", "female")
MIN_AGE = 10
ONE_YEAR_CONSTANT = 1.40256
TWO_YEAR_CONSTANT = 2.1217
COPAS_WEIGHT = 1.25112
FIRST_SANCTION_TERM = 0.12614  # total_sanctions == 1
REPEAT_SANCTION_TERM = 0.46306  # total_sanctions > 1

# (first age, last age or None for "and over", male weight, female weight); age at follow-up start.
AGE_SEX_WEIGHTS: tuple[tuple[int, int | None, float, float], ...] = (
    (10, 11, 0.0, 0.785),
    (12, 13, 0.08392, 0.61385),
    (14, 15, 0.07578, 0.66952),
    (16, 17, -0.0616, -0.9592),
    (18, 20, -0.6251, -0.8975),
    (21, 24, -1.0515, -1.0285),
    (25, 29, -1.1667, -1.0528),
    (30, 34, -1.326, -1.1291),
    (35, 39, -1.368, -1.4219),
    (40, 49, -1.4997, -1.5247),
    (50, None, -2.0253, -2.4498),
)

# The 20 offence categories, spelt as in ogrs3_offence_categories.csv, with their weights (RULES.md §1).
OFFENCE_CATEGORY_WEIGHTS: dict[str, float] = {
    "Violence": 0.0,
    "Robbery": -0.6348,
    "Public order": 0.1819,
    "Sexual (against child)": -0.6534,
    "Sexual (not against child)": 0.0328,
    "Soliciting or prostitution": 0.7606,
    "Burglary (domestic)": -0.1239,
    "Burglary (other)": 0.2406,
    "Theft (non-motor)": 0.6612,
    "Handling stolen goods": 0.3519,
    "Fraud and forgery": 0.1599,
    "Absconding or bail offences": 0.7334,
    "Taking & driving away and related offences": 0.3801,
    "Theft from vehicles": 0.4272,
    "Other motoring": 0.2622,
    "Drink driving and related offences": -0.1214,
    "Criminal damage": 0.205,
    "Drug import/export/production": -0.7956,
    "Drug possession/supply": 0.0772,
    "Other offence": -0.0607,
}
OFFENCE_CATEGORIES: tuple[str, ...] = tuple(OFFENCE_CATEGORY_WEIGHTS)


def category_key(name: str) -> str:
    """The snake_case key of a category name: "Taking & driving away and related offences" →
    "taking_and_driving_away_and_related_offences"."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower().replace("&", " and ")).strip("_")


def _category_aliases() -> dict[str, str]:
    aliases: dict[str, str] = {}
    for name in OFFENCE_CATEGORIES:
        key = category_key(name)
        aliases[key] = name
        if key.endswith("_offences"):  # RULES.md spells some without "offences"
            aliases[key.removesuffix("_offences")] = name
    return aliases


# Every accepted spelling (the CSV name in any case, its snake_case key, the key without "_offences").
CATEGORY_KEYS: dict[str, str] = _category_aliases()


def resolve_offence_category(value: str) -> str:
    """The canonical category name for ``value`` (a CSV name in any case or a snake_case key)."""
    if isinstance(value, str):
        name = CATEGORY_KEYS.get(category_key(value))
        if name is not None:
            return name
    raise RiskInputError(f"unknown offence category {value!r}: use one of {'; '.join(OFFENCE_CATEGORIES)}")


def whole_years(born: date, on: date) -> int:
    """Whole years from ``born`` to ``on`` (a 29 February birthday is reached on 1 March in other years)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def age_sex_weight(age: int, sex: str) -> float:
    """The OGRS3 age/sex weight for an age at follow-up start (RULES.md §1 table)."""
    if sex not in SEXES:
        raise RiskInputError(f"sex must be 'male' or 'female' (got {sex!r})")
    if age < MIN_AGE:
        raise RiskInputError(f"age at follow-up start must be at least {MIN_AGE} (got {age})")
    for first, last, male, female in AGE_SEX_WEIGHTS:
        if age >= first and (last is None or age <= last):
            return male if sex == "male" else female
    raise AssertionError("unreachable")  # pragma: no cover


def age_band_label(age: int) -> str:
    """The age band of the weight table that ``age`` falls in, e.g. "30–34" or "50+"."""
    for first, last, _male, _female in AGE_SEX_WEIGHTS:
        if age >= first and (last is None or age <= last):
            return f"{first}+" if last is None else f"{first}–{last}"
    return "under 10"


def copas_rate(previous: int, age_at_conviction: int, age_at_first_sanction: int) -> float:
    """ln((1 + previous) / (10 + age_at_conviction − age_at_first_sanction)), unrounded.

    RiskInputError when the denominator is not positive. (The MoJ code rounds this to 5 decimal places
    first; RULES.md and the OASys spreadsheet value the MoJ tests quote do not: see docs/risk.md.)
    """
    denominator = 10 + age_at_conviction - age_at_first_sanction
    if denominator <= 0:
        raise RiskInputError(
            f"the Copas denominator must be positive (10 + {age_at_conviction} − "
            f"{age_at_first_sanction} = {denominator})"
        )
    return math.log((1 + previous) / denominator)


# --- the offence table ------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _offence_index(path: Path) -> dict[str, OffenceCodeRow]:
    return {row.ho_code: row for row in load_offence_codes()}


def offence_table() -> dict[str, OffenceCodeRow]:
    """The offence table in use (DESIST_OFFENCE_CODES_CSV or the shipped file), by five-digit HO code."""
    return _offence_index(offence_codes_path())


def clear_offence_cache() -> None:
    """Forget the loaded offence table (after changing DESIST_OFFENCE_CODES_CSV or the file itself)."""
    _offence_index.cache_clear()
    reference._load.cache_clear()


def _normalise_code(code: object) -> str:
    if not isinstance(code, str) or not code.strip().isdigit() or len(code.strip()) > 5:
        raise RiskInputError(
            f"unknown offence code {code!r}: a Home Office code has five digits (e.g. '02800')"
        )
    return code.strip().zfill(5)


def offence_weight(offence_code: str | None, offence_category: str | None) -> tuple[str, float, str | None]:
    """(category name, weight, five-digit code or None) for the offence.

    An explicit ``offence_category`` wins over the code's own category (and resolves the codes that need
    details). Otherwise the code's row gives both the category and its weight, so a deployment's own
    offence table (DESIST_OFFENCE_CODES_CSV) applies.
    """
    code = None if offence_code is None else _normalise_code(offence_code)
    row = None
    if code is not None:
        row = offence_table().get(code)
        if row is None:
            raise RiskInputError(f"unknown offence code '{code}'")
    if offence_category is not None:
        name = resolve_offence_category(offence_category)
        return name, OFFENCE_CATEGORY_WEIGHTS[name], code
    if row is None:
        raise RiskInputError("give the offence: offence_code (a Home Office code) or offence_category")
    assert code is not None
    if row.needs_details:
        raise OffenceCategoryRequired(
            code, OFFENCE_CATEGORIES, reason="covers several OGRS3 categories (NEED_DETAILS_OF_EXACT_OFFENCE)"
        )
    if row.ogrs3_weight is None:
        raise OffenceCategoryRequired(
            code,
            OFFENCE_CATEGORIES,
            reason=f"has no OGRS3 weight in the offence table ({row.ogrs3_category})",
        )
    return row.ogrs3_category, row.ogrs3_weight, code


# --- the calculator -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ogrs3Terms:
    """Every term of the OGRS3 sum, unrounded."""

    age_at_conviction: int
    age_at_follow_up: int
    previous: int
    age_sex_weight: float
    first_sanction_term: float
    copas_rate: float
    offence_category: str
    offence_weight: float
    y: float
    p_one_year: float
    p_two_year: float


@dataclass(frozen=True, slots=True)
class Ogrs3Result:
    """OGRS3 percentages (whole, as reported), the band and the working."""

    one_year: int
    two_year: int
    band: str
    terms: Ogrs3Terms
    sex: str
    total_sanctions: int
    age_at_first_sanction: int
    offence_code: str | None

    @property
    def parts(self) -> tuple[Part, ...]:
        """The working as (label, value, rule) parts."""
        t = self.terms
        denominator = 10 + t.age_at_conviction - self.age_at_first_sanction
        return (
            Part("Age at conviction", t.age_at_conviction, "whole years from date of birth to conviction"),
            Part(
                "Age at follow-up start",
                t.age_at_follow_up,
                "whole years from date of birth to follow-up start",
            ),
            Part("Previous sanctions", t.previous, f"total sanctions {self.total_sanctions} − 1"),
            Part(
                f"Age/sex weight ({self.sex}, {age_band_label(t.age_at_follow_up)})",
                t.age_sex_weight,
                "RULES.md §1 table, on the age at follow-up start",
            ),
            Part(
                "First sanction term",
                t.first_sanction_term,
                "0.12614 if this is the only sanction, else 0.46306",
            ),
            Part(
                "Copas rate",
                t.copas_rate,
                f"ln((1 + {t.previous}) / (10 + {t.age_at_conviction} − {self.age_at_first_sanction})) "
                f"= ln({1 + t.previous}/{denominator})",
            ),
            Part("Copas term", COPAS_WEIGHT * t.copas_rate, "1.25112 × Copas rate"),
            Part(
                f"Offence: {t.offence_category}"
                + (f" (code {self.offence_code})" if self.offence_code else ""),
                t.offence_weight,
                "offence category weight",
            ),
            Part("y", t.y, "age/sex weight + first sanction term + Copas term + offence weight"),
            Part("One-year probability", t.p_one_year, "exp(1.40256 + y) / (1 + exp(1.40256 + y))"),
            Part("Two-year probability", t.p_two_year, "exp(2.1217 + y) / (1 + exp(2.1217 + y))"),
            Part(
                "One-year %", self.one_year, "probability to 5 dp, then a whole % half up; ≤0 → 1, >99 → 99"
            ),
            Part(
                "Two-year %", self.two_year, "probability to 5 dp, then a whole % half up; ≤0 → 1, >99 → 99"
            ),
            Part("Band", self.band, "on the two-year %: low 0–49, medium 50–74, high 75–89, very high 90+"),
        )

    def explain(self) -> list[tuple[str, str]]:
        """The working, one (label, value) line per step, human-readable."""
        return explain_parts(self.parts)


def _check_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RiskInputError(f"{name} must be a whole number (got {value!r})")
    return value


def _check_date(name: str, value: object) -> date:
    if not isinstance(value, date):
        raise RiskInputError(f"{name} must be a date (got {value!r})")
    return value


def ogrs3(
    *,
    sex: str,
    date_of_birth: date,
    conviction_date: date,
    follow_up_start: date,
    total_sanctions: int,
    age_at_first_sanction: int,
    offence_code: str | None = None,
    offence_category: str | None = None,
) -> Ogrs3Result:
    """OGRS3 one- and two-year proven reoffending (RULES.md §1).

    ``follow_up_start`` is the release date for custody, the sentence date for a community sentence.
    ``total_sanctions`` counts every sanction including the current one. Give ``offence_code`` (a Home
    Office code from the offence table), ``offence_category`` (one of :data:`OFFENCE_CATEGORIES`, or its
    snake_case key), or both: an explicit category overrides the code's own.

    Raises RiskInputError for bad input (OffenceCategoryRequired when the code needs a category).
    """
    if not isinstance(sex, str) or sex.strip().lower() not in SEXES:
        raise RiskInputError(f"sex must be 'male' or 'female' (got {sex!r})")
    sex = sex.strip().lower()
    born = _check_date("date of birth", date_of_birth)
    convicted = _check_date("conviction date", conviction_date)
    follow_up = _check_date("follow-up start", follow_up_start)
    total = _check_int("total sanctions", total_sanctions)
    first_age = _check_int("age at first sanction", age_at_first_sanction)
    if convicted < born:
        raise RiskInputError(f"conviction date ({convicted}) is before date of birth ({born})")
    if follow_up < convicted:
        raise RiskInputError(f"follow-up start ({follow_up}) is before the conviction date ({convicted})")
    if total < 1:
        raise RiskInputError(f"total sanctions must be at least 1, counting the current one (got {total})")
    age_at_conviction = whole_years(born, convicted)
    if age_at_conviction < MIN_AGE:
        raise RiskInputError(f"age at conviction must be at least {MIN_AGE} (got {age_at_conviction})")
    if first_age > age_at_conviction:
        raise RiskInputError(
            f"age at first sanction ({first_age}) is above age at conviction ({age_at_conviction})"
        )
    category, weight, code = offence_weight(offence_code, offence_category)

    age_at_follow_up = whole_years(born, follow_up)
    previous = total - 1
    rate = copas_rate(previous, age_at_conviction, first_age)
    sex_weight = age_sex_weight(age_at_follow_up, sex)
    first_term = FIRST_SANCTION_TERM if total == 1 else REPEAT_SANCTION_TERM
    y = sex_weight + first_term + COPAS_WEIGHT * rate + weight
    p_one = logistic(ONE_YEAR_CONSTANT + y)
    p_two = logistic(TWO_YEAR_CONSTANT + y)
    one_year = report_probability(p_one)
    two_year = report_probability(p_two)
    terms = Ogrs3Terms(
        age_at_conviction=age_at_conviction,
        age_at_follow_up=age_at_follow_up,
        previous=previous,
        age_sex_weight=sex_weight,
        first_sanction_term=first_term,
        copas_rate=rate,
        offence_category=category,
        offence_weight=weight,
        y=y,
        p_one_year=p_one,
        p_two_year=p_two,
    )
    return Ogrs3Result(
        one_year=one_year,
        two_year=two_year,
        band=ogrs3_band(two_year),
        terms=terms,
        sex=sex,
        total_sanctions=total,
        age_at_first_sanction=first_age,
        offence_code=code,
    )
