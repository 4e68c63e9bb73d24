"""OGRS3 (RULES.md §1): published figures, every weight band edge, the reporting rules, every validation
error, the offence table and its override, and properties.

MoJ = github.com/ministryofjustice/hmpps-arns-risk-actuarial-api, src/test/kotlin/uk/gov/justice/digital/
hmpps/arnsriskactuarialapi/... (the files named next to each case)."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desist.core import reference
from desist.core.reference import ENV_OFFENCE_CODES, NEED_DETAILS
from desist.core.risk.bands import half_up, logistic
from desist.core.risk.ogrs3 import (
    AGE_SEX_WEIGHTS,
    CATEGORY_KEYS,
    OFFENCE_CATEGORIES,
    OFFENCE_CATEGORY_WEIGHTS,
    ONE_YEAR_CONSTANT,
    TWO_YEAR_CONSTANT,
    age_sex_weight,
    clear_offence_cache,
    copas_rate,
    offence_table,
    resolve_offence_category,
    whole_years,
)
from desist.risk import (
    OffenceCategoryRequired,
    Ogrs3Result,
    Ogrs3Terms,
    RiskInputError,
    ogrs3,
    ogrs3_band,
)

# The packaged copy of ../shared/domain/ogrs3_offence_categories.csv (a core test keeps the two identical).
PACKAGED_CSV = Path(reference.__file__).resolve().parent / "data" / "ogrs3_offence_categories.csv"
NEED_DETAILS_CODES = ("08800", "11100", "14100")


def base(**changes: object) -> dict[str, object]:
    """The brief's example: a man born 1 May 1990, convicted of domestic burglary at 33, fifth sanction."""
    inputs: dict[str, object] = {
        "sex": "male",
        "date_of_birth": date(1990, 5, 1),
        "conviction_date": date(2024, 3, 1),
        "follow_up_start": date(2024, 9, 1),
        "total_sanctions": 5,
        "age_at_first_sanction": 15,
        "offence_code": "02800",
        "offence_category": None,
    }
    inputs.update(changes)
    return inputs


@pytest.fixture
def fresh_offence_table() -> Iterator[None]:
    clear_offence_cache()
    yield
    clear_offence_cache()


# --- published figures ------------------------------------------------------------------------------------


def test_the_brief_example_with_every_term() -> None:
    r = ogrs3(**base())  # type: ignore[arg-type]
    assert isinstance(r, Ogrs3Result) and isinstance(r.terms, Ogrs3Terms)
    t = r.terms
    assert (t.age_at_conviction, t.age_at_follow_up, t.previous) == (33, 34, 4)
    assert t.age_sex_weight == -1.326 and t.first_sanction_term == 0.46306
    assert t.copas_rate == pytest.approx(math.log(5 / 28))
    assert (t.offence_category, t.offence_weight) == ("Burglary (domestic)", -0.1239)
    assert t.y == pytest.approx(-1.326 + 0.46306 + 1.25112 * math.log(5 / 28) - 0.1239)
    assert t.p_one_year == pytest.approx(logistic(1.40256 + t.y))
    assert t.p_two_year == pytest.approx(logistic(2.1217 + t.y))
    assert (r.one_year, r.two_year, r.band) == (15, 26, "low")
    with pytest.raises(AttributeError):
        t.y = 0.0  # type: ignore[misc]  # frozen


def test_moj_act_62_scenario_1() -> None:
    # MoJ service/OGRS3RiskProducerServiceTest.kt, "ACT-62 scenario 1": 02700 weight 0.7606 → 8% / 16%, LOW.
    r = ogrs3(
        sex="male",
        date_of_birth=date(1965, 12, 7),
        conviction_date=date(2025, 5, 13),
        follow_up_start=date(2026, 12, 6),
        total_sanctions=2,
        age_at_first_sanction=47,
        offence_code="02700",
    )
    assert r.terms.offence_weight == 0.7606
    assert (r.one_year, r.two_year, r.band) == (8, 16, "low")


def test_moj_act_62_scenario_2() -> None:
    # MoJ service/OGRS3RiskProducerServiceTest.kt, "ACT-62 scenario 2": the test mocks code 11618 as weight
    # 0.1599 (fraud and forgery); our table has 11618 as other offence, so the category is given explicitly.
    r = ogrs3(
        sex="male",
        date_of_birth=date(1991, 7, 17),
        conviction_date=date(2021, 8, 5),
        follow_up_start=date(2021, 12, 12),
        total_sanctions=2,
        age_at_first_sanction=21,
        offence_code="11618",
        offence_category="fraud_and_forgery",
    )
    assert r.terms.offence_weight == 0.1599
    assert (r.one_year, r.two_year, r.band) == (11, 20, "low")


def test_oasys_spreadsheet_example() -> None:
    # MoJ integration/controller/RiskScoreControllerTest.kt (20% / 34%, LOW for this request) and
    # service/transformation/OGRS3TransformationHelperTest.kt ("matches OASys spreadsheet": y = -2.776835807
    # gives 0.20193 and 0.34183). The spreadsheet's y needs the unrounded Copas rate (RULES.md), not the
    # MoJ code's 5 dp rounding (which gives -2.7768329).
    r = ogrs3(
        sex="male",
        date_of_birth=date(1964, 10, 15),
        conviction_date=date(2014, 12, 13),
        follow_up_start=date(2027, 12, 12),
        total_sanctions=10,
        age_at_first_sanction=30,
        offence_code="05101",
    )
    assert r.terms.y == pytest.approx(-2.776835807, abs=1e-9)
    assert half_up(r.terms.p_one_year, 5) == Decimal("0.20193")
    assert half_up(r.terms.p_two_year, 5) == Decimal("0.34183")
    assert (r.one_year, r.two_year, r.band) == (20, 34, "low")


@pytest.mark.parametrize(
    ("y", "one_year", "two_year"),
    [
        # MoJ service/transformation/OGRS3TransformationHelperTest.kt, Ogrs3ProbabilityTest.
        (0.0, "0.80259", "0.89299"),
        (-2.776835807, "0.20193", "0.34183"),
        (1.0, "0.91702", None),
    ],
)
def test_probabilities_to_five_places(y: float, one_year: str, two_year: str | None) -> None:
    assert half_up(logistic(ONE_YEAR_CONSTANT + y), 5) == Decimal(one_year)
    if two_year is not None:
        assert half_up(logistic(TWO_YEAR_CONSTANT + y), 5) == Decimal(two_year)


def test_copas_rate() -> None:
    # MoJ service/transformation/Ogrs3TransformationHelperTest.kt: 3 previous, 30 at conviction, first at 20
    # → ln(4 / 20) = -1.60944.
    assert round(copas_rate(3, 30, 20), 5) == -1.60944
    # Same file: (0, 1, 18) has a non-positive denominator.
    with pytest.raises(RiskInputError, match="the Copas denominator must be positive"):
        copas_rate(0, 1, 18)


def test_explain_shows_the_working() -> None:
    r = ogrs3(**base())  # type: ignore[arg-type]
    lines = r.explain()
    assert all(isinstance(label, str) and isinstance(value, str) for label, value in lines)
    labels = [label for label, _ in lines]
    for expected in (
        "Age at conviction",
        "Age at follow-up start",
        "Previous sanctions",
        "Copas rate",
        "y",
        "One-year %",
        "Two-year %",
        "Band",
    ):
        assert expected in labels
    assert any(label == "Age/sex weight (male, 30–34)" for label in labels)
    assert any("Burglary (domestic)" in label and "02800" in label for label in labels)
    assert "ln(5/28)" in dict(lines)["Copas rate"]
    assert [p.label for p in r.parts] == labels


# --- age/sex weights ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("first", "last", "male", "female"), AGE_SEX_WEIGHTS)
def test_every_age_band_edge_for_both_sexes(first: int, last: int | None, male: float, female: float) -> None:
    for age in (first, last if last is not None else 120):
        assert age_sex_weight(age, "male") == male
        assert age_sex_weight(age, "female") == female


@pytest.mark.parametrize(
    ("younger", "older", "male", "female"),
    [
        (11, 12, (0.0, 0.08392), (0.785, 0.61385)),
        (15, 16, (0.07578, -0.0616), (0.66952, -0.9592)),
        (17, 18, (-0.0616, -0.6251), (-0.9592, -0.8975)),
        (20, 21, (-0.6251, -1.0515), (-0.8975, -1.0285)),
        (24, 25, (-1.0515, -1.1667), (-1.0285, -1.0528)),
        (29, 30, (-1.1667, -1.326), (-1.0528, -1.1291)),
        (34, 35, (-1.326, -1.368), (-1.1291, -1.4219)),
        (39, 40, (-1.368, -1.4997), (-1.4219, -1.5247)),
        (49, 50, (-1.4997, -2.0253), (-1.5247, -2.4498)),
    ],
)
def test_weight_band_edges_through_the_calculator(
    younger: int, older: int, male: tuple[float, float], female: tuple[float, float]
) -> None:
    """The weight changes on the birthday itself: the day before it, the person is still the younger age."""
    born = date(1960, 6, 15)
    birthday = date(1960 + older, 6, 15)
    day_before = date(1960 + older, 6, 14)
    for sex, (w_younger, w_older) in (("male", male), ("female", female)):
        for follow_up, age, weight in ((day_before, younger, w_younger), (birthday, older, w_older)):
            r = ogrs3(
                sex=sex,
                date_of_birth=born,
                conviction_date=date(1970, 6, 15),
                follow_up_start=follow_up,
                total_sanctions=2,
                age_at_first_sanction=10,
                offence_category="violence",
            )
            assert (r.terms.age_at_follow_up, r.terms.age_sex_weight) == (age, weight)


def test_female_weights_for_ages_10_to_15_are_positive_as_published() -> None:
    assert [age_sex_weight(a, "female") for a in (10, 12, 14)] == [0.785, 0.61385, 0.66952]


def test_whole_years() -> None:
    # MoJ service/transformation/OGRS3TransformationHelperTest.kt AgeTest: months round down.
    assert whole_years(date(2014, 10, 1), date(2025, 1, 1)) == 10
    assert whole_years(date(2015, 1, 1), date(2025, 1, 1)) == 10
    assert whole_years(date(2000, 2, 29), date(2001, 2, 28)) == 0
    assert whole_years(date(2000, 2, 29), date(2001, 3, 1)) == 1


def test_age_9_has_no_weight() -> None:
    # MoJ OGRS3TransformationHelperTest.kt: "Unhandled age: 9".
    with pytest.raises(RiskInputError, match="at least 10"):
        age_sex_weight(9, "male")


# --- reporting rules ------------------------------------------------------------------------------------


def test_a_tiny_probability_is_reported_as_1() -> None:
    # A woman of 90 with one sanction at 10, drug import: two-year probability about 0.13% → 0 → reported 1.
    r = ogrs3(
        sex="female",
        date_of_birth=date(1930, 1, 1),
        conviction_date=date(2020, 6, 1),
        follow_up_start=date(2020, 6, 1),
        total_sanctions=1,
        age_at_first_sanction=10,
        offence_category="Drug import/export/production",
    )
    assert r.terms.p_two_year < 0.005
    assert (r.one_year, r.two_year, r.band) == (1, 1, "low")


def test_a_near_certain_probability_is_reported_as_99() -> None:
    r = ogrs3(
        sex="female",
        date_of_birth=date(2010, 1, 1),
        conviction_date=date(2021, 6, 1),
        follow_up_start=date(2021, 6, 1),
        total_sanctions=1000,
        age_at_first_sanction=10,
        offence_category="soliciting_or_prostitution",
    )
    assert r.terms.p_one_year > 0.995 and r.terms.p_two_year > 0.995
    assert (r.one_year, r.two_year, r.band) == (99, 99, "very_high")


@pytest.mark.parametrize(
    ("two_year", "band"),
    [
        (0, "low"),
        (49, "low"),
        (50, "medium"),
        (74, "medium"),
        (75, "high"),
        (89, "high"),
        (90, "very_high"),
        (100, "very_high"),
    ],
)
def test_band_edges(two_year: int, band: str) -> None:
    # RULES.md §1; MoJ service/transformation/OGRS3TransformationHelperTest.kt GetRiskBandTest.
    assert ogrs3_band(two_year) == band


def test_band_refuses_a_negative_percentage() -> None:
    with pytest.raises(RiskInputError):
        ogrs3_band(-1)


def test_bands_through_the_calculator() -> None:
    """Each band reached by the calculator itself, by raising the number of sanctions."""
    seen: dict[str, int] = {}
    for total in range(1, 400):
        r = ogrs3(**base(total_sanctions=total, offence_code=None, offence_category="theft_non_motor"))  # type: ignore[arg-type]
        seen.setdefault(r.band, r.two_year)
    assert set(seen) == {"low", "medium", "high", "very_high"}
    assert seen["medium"] >= 50 and seen["high"] >= 75 and seen["very_high"] >= 90


# --- validation -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sex": "unknown"}, "sex must be 'male' or 'female'"),
        ({"sex": None}, "sex must be 'male' or 'female'"),
        ({"date_of_birth": "1990-05-01"}, "date of birth must be a date"),
        ({"conviction_date": date(1989, 1, 1)}, r"conviction date \(1989-01-01\) is before date of birth"),
        (
            {"follow_up_start": date(2024, 2, 29)},
            r"follow-up start \(2024-02-29\) is before the conviction date",
        ),
        ({"total_sanctions": 0}, "total sanctions must be at least 1"),
        ({"total_sanctions": 2.5}, "total sanctions must be a whole number"),
        ({"total_sanctions": True}, "total sanctions must be a whole number"),
        ({"age_at_first_sanction": "15"}, "age at first sanction must be a whole number"),
        (
            {"date_of_birth": date(2014, 3, 2), "age_at_first_sanction": 9},
            r"age at conviction must be at least 10 \(got 9\)",
        ),
        ({"age_at_first_sanction": 34}, r"age at first sanction \(34\) is above age at conviction \(33\)"),
        ({"offence_code": "99999"}, "unknown offence code '99999'"),
        ({"offence_code": "abc"}, "unknown offence code 'abc'"),
        ({"offence_code": "123456"}, "unknown offence code '123456'"),
        ({"offence_code": None}, "give the offence"),
        ({"offence_category": "arson"}, "unknown offence category 'arson'"),
    ],
)
def test_every_validation_error(changes: dict[str, object], message: str) -> None:
    with pytest.raises(RiskInputError, match=message):
        ogrs3(**base(**changes))  # type: ignore[arg-type]


def test_the_exact_messages_of_the_brief() -> None:
    with pytest.raises(RiskInputError) as error:
        ogrs3(**base(date_of_birth=date(2014, 3, 2), age_at_first_sanction=9))  # type: ignore[arg-type]
    assert str(error.value) == "age at conviction must be at least 10 (got 9)"
    with pytest.raises(RiskInputError) as error:
        ogrs3(**base(date_of_birth=date(1993, 5, 1), age_at_first_sanction=31))  # type: ignore[arg-type]
    assert str(error.value) == "age at first sanction (31) is above age at conviction (30)"
    with pytest.raises(RiskInputError) as error:
        ogrs3(**base(offence_code="99999"))  # type: ignore[arg-type]
    assert str(error.value) == "unknown offence code '99999'"


def test_first_sanction_at_the_age_of_conviction_is_allowed() -> None:
    r = ogrs3(**base(age_at_first_sanction=33, total_sanctions=1))  # type: ignore[arg-type]
    assert r.terms.first_sanction_term == 0.12614
    assert r.terms.copas_rate == pytest.approx(math.log(1 / 10))


def test_errors_are_value_errors() -> None:
    assert issubclass(RiskInputError, ValueError) and issubclass(OffenceCategoryRequired, RiskInputError)


def test_sex_is_case_insensitive() -> None:
    assert ogrs3(**base(sex="Male")).two_year == ogrs3(**base()).two_year  # type: ignore[arg-type]


# --- offence codes and categories ---------------------------------------------------------------------------


def _shared_rows() -> list[dict[str, str]]:
    with PACKAGED_CSV.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_twenty_categories_are_spelt_as_in_the_csv_with_the_rules_weights() -> None:
    rows = [r for r in _shared_rows() if r["ogrs3_weight"]]
    categories = {r["ogrs3_category"]: float(r["ogrs3_weight"]) for r in rows}
    assert len(OFFENCE_CATEGORIES) == 20
    assert categories == OFFENCE_CATEGORY_WEIGHTS
    # and the CSV never gives one category two weights
    assert all(float(r["ogrs3_weight"]) == OFFENCE_CATEGORY_WEIGHTS[r["ogrs3_category"]] for r in rows)


@pytest.mark.parametrize("code", NEED_DETAILS_CODES)
def test_need_details_codes_ask_for_the_category(code: str) -> None:
    assert offence_table()[code].needs_details
    with pytest.raises(OffenceCategoryRequired) as error:
        ogrs3(**base(offence_code=code))  # type: ignore[arg-type]
    assert error.value.offence_code == code
    assert error.value.allowed == OFFENCE_CATEGORIES
    message = str(error.value)
    assert "offence_category" in message and NEED_DETAILS in message
    assert all(name in message for name in OFFENCE_CATEGORIES)
    resolved = ogrs3(**base(offence_code=code, offence_category="Robbery"))  # type: ignore[arg-type]
    assert (resolved.terms.offence_category, resolved.terms.offence_weight) == ("Robbery", -0.6348)
    assert resolved.offence_code == code


def test_the_csv_has_exactly_three_need_details_codes() -> None:
    assert sorted(r["ho_code"] for r in _shared_rows() if r["error"] == NEED_DETAILS) == list(
        NEED_DETAILS_CODES
    )


def test_codes_without_a_weight_also_ask_for_the_category() -> None:
    assert offence_table()["95000"].ogrs3_weight is None
    with pytest.raises(OffenceCategoryRequired, match="no OGRS3 weight"):
        ogrs3(**base(offence_code="95000"))  # type: ignore[arg-type]


def test_an_explicit_category_overrides_the_code() -> None:
    r = ogrs3(**base(offence_category="violence"))  # type: ignore[arg-type]
    assert (r.terms.offence_category, r.terms.offence_weight, r.offence_code) == ("Violence", 0.0, "02800")


def test_category_without_a_code() -> None:
    r = ogrs3(**base(offence_code=None, offence_category="Burglary (domestic)"))  # type: ignore[arg-type]
    assert r.offence_code is None and r.two_year == ogrs3(**base()).two_year  # type: ignore[arg-type]


def test_short_codes_are_zero_padded() -> None:
    assert ogrs3(**base(offence_code="2800")).offence_code == "02800"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("spelling", "name"),
    [
        ("Burglary (domestic)", "Burglary (domestic)"),
        ("BURGLARY (DOMESTIC)", "Burglary (domestic)"),
        ("burglary_domestic", "Burglary (domestic)"),
        ("sexual_against_child", "Sexual (against child)"),
        ("sexual_not_against_child", "Sexual (not against child)"),
        ("taking_and_driving_away_and_related_offences", "Taking & driving away and related offences"),
        ("taking_and_driving_away_and_related", "Taking & driving away and related offences"),
        ("drink_driving_and_related", "Drink driving and related offences"),
        ("drug_import_export_production", "Drug import/export/production"),
        ("drug_possession_supply", "Drug possession/supply"),
        ("theft_non_motor", "Theft (non-motor)"),
        ("absconding_or_bail", "Absconding or bail offences"),
    ],
)
def test_category_spellings(spelling: str, name: str) -> None:
    assert resolve_offence_category(spelling) == name


def test_every_category_has_a_snake_case_key() -> None:
    assert set(CATEGORY_KEYS.values()) == set(OFFENCE_CATEGORIES)
    assert all(key == key.lower() and " " not in key for key in CATEGORY_KEYS)


def test_override_csv_through_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_offence_table: None
) -> None:
    own = tmp_path / "codes.csv"
    own.write_text(
        "ho_code,category,subcategory,ogrs3_category,ogrs3_weight,error\n"
        "02800,28,0,Violence,0.0,\n"
        "99999,999,99,Robbery,-0.6348,\n"
        "12345,123,45,Missing description,,NEED_DETAILS_OF_EXACT_OFFENCE\n",
        encoding="utf-8",
    )
    default = ogrs3(**base())  # type: ignore[arg-type]
    monkeypatch.setenv(ENV_OFFENCE_CODES, str(own))
    clear_offence_cache()
    assert len(offence_table()) == 3
    r = ogrs3(**base())  # type: ignore[arg-type]
    assert (r.terms.offence_category, r.terms.offence_weight) == ("Violence", 0.0)
    assert r.two_year != default.two_year
    assert ogrs3(**base(offence_code="99999")).terms.offence_category == "Robbery"  # type: ignore[arg-type]
    with pytest.raises(OffenceCategoryRequired):
        ogrs3(**base(offence_code="12345"))  # type: ignore[arg-type]
    with pytest.raises(RiskInputError, match="unknown offence code '04600'"):
        ogrs3(**base(offence_code="04600"))  # type: ignore[arg-type]
    monkeypatch.delenv(ENV_OFFENCE_CODES)
    clear_offence_cache()
    assert ogrs3(**base()).two_year == default.two_year  # type: ignore[arg-type]


# --- properties ---------------------------------------------------------------------------------------------

valid_inputs = st.builds(
    lambda born_year, conviction_age, first_gap, follow_days, total, sex, category: {
        "sex": sex,
        "date_of_birth": date(born_year, 3, 10),
        "conviction_date": date(born_year + conviction_age, 6, 1),
        "follow_up_start": date.fromordinal(date(born_year + conviction_age, 6, 1).toordinal() + follow_days),
        "total_sanctions": total,
        "age_at_first_sanction": max(10, conviction_age - first_gap),
        "offence_category": category,
    },
    born_year=st.integers(1930, 2005),
    conviction_age=st.integers(10, 80),
    first_gap=st.integers(0, 70),
    follow_days=st.integers(0, 4000),
    total=st.integers(1, 300),
    sex=st.sampled_from(["male", "female"]),
    category=st.sampled_from(OFFENCE_CATEGORIES),
)


@settings(max_examples=150, deadline=None)
@given(valid_inputs)
def test_two_year_is_never_below_one_year(inputs: dict[str, object]) -> None:
    r = ogrs3(**inputs)  # type: ignore[arg-type]
    assert r.two_year >= r.one_year
    assert r.terms.p_two_year > r.terms.p_one_year
    assert 1 <= r.one_year <= 99 and 1 <= r.two_year <= 99
    assert r.band == ogrs3_band(r.two_year)


@settings(max_examples=150, deadline=None)
@given(valid_inputs)
def test_more_previous_sanctions_never_lower_the_two_year_figure(inputs: dict[str, object]) -> None:
    fewer = ogrs3(**inputs)  # type: ignore[arg-type]
    more = ogrs3(**{**inputs, "total_sanctions": int(inputs["total_sanctions"]) + 1})  # type: ignore[call-overload]
    assert more.two_year >= fewer.two_year
    assert more.terms.p_two_year > fewer.terms.p_two_year


@settings(max_examples=50, deadline=None)
@given(valid_inputs)
def test_y_is_the_sum_of_its_terms(inputs: dict[str, object]) -> None:
    t = ogrs3(**inputs).terms  # type: ignore[arg-type]
    assert t.y == pytest.approx(
        t.age_sex_weight + t.first_sanction_term + 1.25112 * t.copas_rate + t.offence_weight
    )
