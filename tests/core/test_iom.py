"""IOM cohort scoring: worked examples, recency bands, strands, the crime harm table and properties."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desist.core import iom
from desist.core.iom import (
    DEFAULT_MATRIX,
    OGRS3_CATEGORIES,
    CrimeHarmTableError,
    IomError,
    OffenceCategoryError,
    OffenceEvent,
    ScoringMatrix,
    ScoringMatrixError,
    UnknownOffenceCodeError,
    clear_crime_harm_cache,
    iom_score,
    load_crime_harm_table,
)
from desist.core.reference import load_offence_codes

AS_OF = date(2026, 11, 23)


def ago(days: int) -> date:
    return AS_OF - timedelta(days=days)


def event(days: int, code: str, category: str | None = None) -> OffenceEvent:
    return OffenceEvent(offence_date=ago(days), ho_code=code, ogrs3_category=category)


@pytest.fixture(autouse=True)
def _fresh_cache(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(iom.ENV_CRIME_HARM, raising=False)
    clear_crime_harm_cache()
    yield
    clear_crime_harm_cache()


# The three histories of docs/iom.md.
PROLIFIC = [  # 3 domestic burglaries and 3 shop thefts in the last year
    event(20, "02800"),
    event(60, "04600"),
    event(150, "02800"),
    event(200, "04600"),
    event(250, "02800"),
    event(330, "04600"),
]
VIOLENT = [event(30, "00500")]  # one wounding with intent (s.18) last month
OCCASIONAL = [event(730, "06600")]  # one public order offence two years ago


# --- worked examples ---------------------------------------------------------------------------------------


def test_prolific_acquisitive_offender() -> None:
    result = iom_score(offences=PROLIFIC, ogrs3_two_year=80, as_of=AS_OF)
    # frequency: three offences within 182 days (x3) and three within 183-365 days (x2)
    assert result.frequency == 15.0
    # gravity: burglary 30 harm days, shop theft 5: (3*30 + 3*5 + 3*30 + 2*5 + 2*30 + 2*5) / 365 = 275/365
    assert result.gravity == pytest.approx(275 / 365)
    assert result.frequency_part == 15.0
    assert result.gravity_part == pytest.approx(0.5 * 275 / 365)  # 0.3767
    assert result.ogrs_part == pytest.approx(4.0)  # 5 * 80/100
    assert result.score == 19.38  # 15 + 0.3767 + 4
    assert result.offences_counted == 6
    assert result.is_candidate
    assert result.fixed_eligible and not result.flex_eligible
    assert result.suggested_strand == "fixed"
    assert result.missing == []
    first = result.lines[0]
    assert (first.offence_date, first.ho_code, first.ogrs3_category) == (
        ago(20),
        "02800",
        "Burglary (domestic)",
    )
    assert (first.days_ago, first.recency_weight, first.harm_days) == (20, 3.0, 30.0)
    assert first.contribution == pytest.approx(3 + 0.5 * 3 * 30 / 365)  # 3.1233
    assert [ln.days_ago for ln in result.lines] == [20, 60, 150, 200, 250, 330]
    assert [ln.fixed for ln in result.lines] == [True, False, True, False, True, False]
    assert sum(ln.contribution for ln in result.lines) + result.ogrs_part == pytest.approx(19.3767, abs=1e-4)


def test_serious_violent_offence() -> None:
    result = iom_score(offences=VIOLENT, ogrs3_two_year=35, as_of=AS_OF)
    # 1 offence x3; harm 1460 days (s.18 override row): 3 * 1460 / 365 = 12; 0.5 * 12 = 6; OGRS 5 * 0.35
    assert result.frequency == 3.0
    assert result.gravity == pytest.approx(12.0)
    assert result.lines[0].harm_from == "ho_code"
    assert result.score == 10.75  # 3 + 6 + 1.75
    assert result.is_candidate
    assert not result.fixed_eligible
    assert result.suggested_strand is None


def test_occasional_offender() -> None:
    result = iom_score(offences=OCCASIONAL, ogrs3_two_year=25, as_of=AS_OF)
    # 1 offence 730 days ago x1; public order 2.5 harm days: 0.5 * 2.5/365 = 0.0034; OGRS 5 * 0.25 = 1.25
    assert result.frequency == 1.0
    assert result.gravity == pytest.approx(2.5 / 365)
    assert result.score == 2.25
    assert not result.is_candidate
    assert result.suggested_strand is None


def test_prolific_scores_well_above_occasional_and_violent_between() -> None:
    prolific = iom_score(offences=PROLIFIC, ogrs3_two_year=80, as_of=AS_OF).score
    violent = iom_score(offences=VIOLENT, ogrs3_two_year=35, as_of=AS_OF).score
    occasional = iom_score(offences=OCCASIONAL, ogrs3_two_year=25, as_of=AS_OF).score
    assert prolific > violent > occasional
    assert prolific > 5 * occasional
    # the order holds on the offences alone, too
    no_ogrs = [
        iom_score(offences=h, ogrs3_two_year=None, as_of=AS_OF).score for h in (PROLIFIC, VIOLENT, OCCASIONAL)
    ]
    assert no_ogrs[0] > no_ogrs[1] > no_ogrs[2]


def test_explain_shows_every_term() -> None:
    text = "\n".join(
        iom_score(offences=[*PROLIFIC, event(-3, "04600")], ogrs3_two_year=80, as_of=AS_OF).explain()
    )
    assert "IOM score as at 2026-11-23: 19.38" in text
    assert "2026-11-03 02800 Burglary (domestic): 20 days ago, recency ×3" in text
    assert "Frequency = 3 + 3 + 3 + 2 + 2 + 2 = 15" in text
    assert "Gravity = (3×30 + 3×5 + 3×30 + 2×5 + 2×30 + 2×5) / 365 = 0.753" in text
    assert "80/100 × OGRS weight 5 = 4.00" in text
    assert "Score = 15.00 + 0.38 + 4.00 = 19.38" in text
    assert "Candidate: yes" in text
    assert "Suggested strand: Fixed" in text
    assert "never suggested" in text  # the Free strand
    assert "future-dated" in text
    assert "Band B fine" in text  # the harm basis is shown


# --- recency, the window and empty or missing input --------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "weight"),
    [(0, 3.0), (1, 3.0), (182, 3.0), (183, 2.0), (365, 2.0), (366, 1.0), (1095, 1.0), (1096, None)],
)
def test_recency_band_boundaries(days: int, weight: float | None) -> None:
    result = iom_score(offences=[event(days, "04600")], ogrs3_two_year=None, as_of=AS_OF)
    if weight is None:
        assert result.offences_counted == 0
        assert result.score == 0.0
        assert result.excluded == [
            f"{ago(days).isoformat()} 04600: 1096 days ago, outside the 1095-day look-back"
        ]
    else:
        assert [ln.recency_weight for ln in result.lines] == [weight]
        assert result.frequency == weight
        assert result.score == round(weight + 0.5 * weight * 5 / 365, 2)


def test_offence_on_as_of_counts_and_later_ones_do_not() -> None:
    result = iom_score(
        offences=[event(0, "02800"), event(-1, "02800"), event(-400, "99999")], ogrs3_two_year=50, as_of=AS_OF
    )
    assert result.offences_counted == 1
    assert result.lines[0].days_ago == 0
    assert result.lines[0].recency_weight == 3.0
    # future-dated offences are listed, not counted, and their codes are not checked (99999 is unknown)
    assert len(result.excluded) == 2
    assert all("future-dated" in reason for reason in result.excluded)
    assert result.score == round(3 + 0.5 * 3 * 30 / 365 + 2.5, 2)  # 5.62


@pytest.mark.parametrize("ogrs", [None, 0, 99])
def test_empty_history_is_never_a_candidate(ogrs: int | None) -> None:
    result = iom_score(offences=[], ogrs3_two_year=ogrs, as_of=AS_OF)
    assert result.offences_counted == 0
    assert result.lines == []
    assert result.frequency == result.gravity == 0.0
    assert result.score == (0.0 if ogrs is None else round(5 * ogrs / 100, 2))
    assert not result.is_candidate
    assert not result.fixed_eligible and not result.flex_eligible
    assert result.suggested_strand is None
    assert "no offence in the look-back window" in "\n".join(result.explain())


def test_missing_ogrs_is_listed_and_the_rest_still_scores() -> None:
    result = iom_score(offences=PROLIFIC, ogrs3_two_year=None, as_of=AS_OF)
    assert result.missing == ["ogrs3_two_year"]
    assert result.ogrs_part == 0.0
    assert result.score == 15.38  # 15 + 0.3767, no OGRS term
    assert result.is_candidate
    assert "OGRS3 two-year: MISSING" in "\n".join(result.explain())


@pytest.mark.parametrize("bad", [-1, 101, True, 55.5])
def test_ogrs_out_of_range_is_refused(bad: object) -> None:
    with pytest.raises(IomError, match="ogrs3_two_year"):
        iom_score(offences=[], ogrs3_two_year=bad, as_of=AS_OF)  # type: ignore[arg-type]


# --- strands ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "fixed"),
    [
        ("02800", True),  # burglary in a dwelling
        ("02900", True),  # aggravated burglary in a dwelling (OGRS3 Violence): by code
        ("03400", True),  # robbery
        ("03900", True),  # theft from the person (OGRS3 Theft (non-motor)): by code
        ("04500", True),  # theft from a vehicle
        ("04800", True),  # theft or unauthorised taking of a motor vehicle
        ("03700", True),  # aggravated vehicle taking
        ("12600", True),  # interfering with a motor vehicle (OGRS3 Other motoring): by code
        ("03000", False),  # burglary other than a dwelling
        ("04600", False),  # theft from shops
        ("00800", False),  # other wounding
        ("06600", False),  # public order
    ],
)
def test_fixed_strand_is_neighbourhood_crime(code: str, fixed: bool) -> None:
    history = [event(10, code), event(20, code), event(30, code)]
    result = iom_score(offences=history, ogrs3_two_year=60, as_of=AS_OF)
    assert result.is_candidate
    assert result.fixed_eligible is fixed
    assert result.suggested_strand == ("fixed" if fixed else None)


def test_flex_strand_from_local_categories_and_fixed_takes_precedence() -> None:
    matrix = ScoringMatrix(flex_categories=frozenset({"Violence", "Theft (non-motor)"}))
    violent = iom_score(offences=VIOLENT, ogrs3_two_year=35, as_of=AS_OF, matrix=matrix)
    assert (violent.fixed_eligible, violent.flex_eligible, violent.suggested_strand) == (False, True, "flex")
    both = iom_score(offences=PROLIFIC, ogrs3_two_year=80, as_of=AS_OF, matrix=matrix)
    assert (both.fixed_eligible, both.flex_eligible, both.suggested_strand) == (True, True, "fixed")
    neither = iom_score(offences=[event(5, "06600")] * 3, ogrs3_two_year=80, as_of=AS_OF, matrix=matrix)
    assert neither.is_candidate
    assert (neither.fixed_eligible, neither.flex_eligible, neither.suggested_strand) == (False, False, None)
    text = "\n".join(violent.explain())
    assert "Flex strand (Theft (non-motor), Violence): eligible: 00500 Violence" in text


def test_only_candidates_get_a_suggested_strand() -> None:
    result = iom_score(offences=[event(700, "02800")], ogrs3_two_year=20, as_of=AS_OF)
    assert result.fixed_eligible
    assert not result.is_candidate
    assert result.suggested_strand is None
    assert "only a candidate gets a suggested strand" in "\n".join(result.explain())


def test_outside_the_window_does_not_make_anyone_eligible() -> None:
    result = iom_score(offences=[event(1200, "02800")] * 5, ogrs3_two_year=90, as_of=AS_OF)
    assert not result.fixed_eligible
    assert not result.is_candidate


# --- categories and codes -----------------------------------------------------------------------------------


def test_categories_are_the_twenty_in_the_offence_code_list() -> None:
    listed = {row.ogrs3_category for row in load_offence_codes()} - {"Missing description"}
    assert set(OGRS3_CATEGORIES) == listed
    assert len(OGRS3_CATEGORIES) == 20


def test_explicit_category_wins() -> None:
    given_ = iom_score(offences=[event(10, "02800", "Violence")], ogrs3_two_year=None, as_of=AS_OF)
    line = given_.lines[0]
    assert (line.ogrs3_category, line.category_from, line.harm_days) == ("Violence", "given", 15.0)
    assert (
        not given_.fixed_eligible
    )  # the category given is not neighbourhood crime, and 02800 is not a fixed code
    # a code that spans several categories needs one
    with pytest.raises(OffenceCategoryError, match="08800"):
        iom_score(offences=[event(10, "08800")], ogrs3_two_year=None, as_of=AS_OF)
    ok = iom_score(offences=[event(10, "08800", "Other offence")], ogrs3_two_year=None, as_of=AS_OF)
    assert ok.lines[0].ogrs3_category == "Other offence"


def test_unknown_code_is_refused_by_name() -> None:
    with pytest.raises(UnknownOffenceCodeError, match="99999") as caught:
        iom_score(offences=[event(10, "99999")], ogrs3_two_year=None, as_of=AS_OF)
    assert isinstance(caught.value, ValueError)
    assert caught.value.ho_code == "99999"
    with pytest.raises(UnknownOffenceCodeError, match="'28A'"):
        iom_score(offences=[event(10, "28A")], ogrs3_two_year=None, as_of=AS_OF)
    with pytest.raises(OffenceCategoryError, match="'Burglary'"):
        iom_score(offences=[event(10, "02800", "Burglary")], ogrs3_two_year=None, as_of=AS_OF)


def test_short_codes_are_padded() -> None:
    result = iom_score(offences=[event(10, "2800")], ogrs3_two_year=None, as_of=AS_OF)
    assert result.lines[0].ho_code == "02800"


# --- the crime harm table -----------------------------------------------------------------------------------


def test_shipped_harm_table() -> None:
    table = load_crime_harm_table()
    assert set(table.by_category) == set(OGRS3_CATEGORIES)
    assert all(entry.basis and entry.harm_days >= 0 for entry in table.by_category.values())
    assert table.by_code["03900"].ogrs3_category == "Theft (non-motor)"
    assert table.by_code["03900"].harm_days > table.by_category["Theft (non-motor)"].harm_days
    header = iom._HARM_CSV.read_text(encoding="utf-8").lower()
    assert "illustrative defaults" in header
    assert "not an authoritative" in header
    assert load_crime_harm_table() is table  # cached


def test_ho_code_override_in_the_harm_table() -> None:
    from_person = iom_score(offences=[event(10, "03900")], ogrs3_two_year=None, as_of=AS_OF)
    from_shop = iom_score(offences=[event(10, "04600")], ogrs3_two_year=None, as_of=AS_OF)
    assert from_person.lines[0].ogrs3_category == from_shop.lines[0].ogrs3_category == "Theft (non-motor)"
    assert (from_person.lines[0].harm_days, from_person.lines[0].harm_from) == (30.0, "ho_code")
    assert (from_shop.lines[0].harm_days, from_shop.lines[0].harm_from) == (5.0, "category")
    assert from_person.score == round(3 + 0.5 * 3 * 30 / 365, 2)  # 3.12
    assert from_shop.score == round(3 + 0.5 * 3 * 5 / 365, 2)  # 3.02


def _harm_csv(path: Path, *, days: str = "10", drop: str | None = None, extra: str = "") -> Path:
    rows = [f'{c},,{days if c == "Violence" else "10"},"local figure"' for c in OGRS3_CATEGORIES if c != drop]
    path.write_text(
        "# a local table\nogrs3_category,ho_code,harm_days,basis\n" + "\n".join(rows) + "\n" + extra
    )
    return path


def test_custom_harm_csv_by_path_and_by_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    custom = _harm_csv(tmp_path / "harm.csv", days="365", extra=",02800,730,local override\n")
    table = load_crime_harm_table(custom)
    assert table.by_category["Violence"].harm_days == 365
    assert table.by_code["02800"].harm_days == 730
    history = [event(10, "00800"), event(400, "02800")]
    by_path = iom_score(offences=history, ogrs3_two_year=None, as_of=AS_OF, harm=table)
    # 00800 x3 with 365 days: 3 + 0.5*3*1 = 4.5; 02800 x1 with 730 days: 1 + 0.5*1*2 = 2
    assert by_path.score == 6.5
    monkeypatch.setenv("DESIST_CRIME_HARM_CSV", str(custom))
    clear_crime_harm_cache()
    by_env = iom_score(offences=history, ogrs3_two_year=None, as_of=AS_OF)
    assert by_env.score == 6.5
    assert by_env.harm_source == str(custom.resolve())
    # the cache is per file: after editing the file, clear it to see the change
    _harm_csv(custom, days="0")
    assert iom_score(offences=history, ogrs3_two_year=None, as_of=AS_OF).score == 6.5
    clear_crime_harm_cache()
    # 00800 (Violence, now 0 days): 3 + 0; 02800 (no override now; category row, 10 days): 1 + 0.5*10/365
    assert iom_score(offences=history, ogrs3_two_year=None, as_of=AS_OF).score == 4.01


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"drop": "Robbery"}, r"no row for OGRS3 category 'Robbery'"),
        ({"days": "-1"}, r"line 3 \(Violence\): harm_days must be 0 or more, not -1"),
        ({"days": "lots"}, r"line 3 \(Violence\): harm_days 'lots' is not a number"),
        (
            {"extra": "Robbery,,5,again\n"},
            r"line 23 \(Robbery\): category 'Robbery' already has a row \(line 4\)",
        ),
        ({"extra": "Burglary,,5,x\n"}, r"line 23 \(Burglary\): 'Burglary' is not an OGRS3 category"),
        ({"extra": ",99999,5,x\n"}, r"line 23 \(99999\): ho_code 99999 is not in the offence code list"),
        ({"extra": "Violence,02800,5,x\n"}, r"code 02800 is in category 'Burglary \(domestic\)'"),
        ({"extra": ",28A,5,x\n"}, r"ho_code '28A' is not a five-digit"),
        ({"extra": "Robbery,,5,\n"}, r"line 23 \(Robbery\): basis is empty"),
        ({"extra": "Robbery,,5\n"}, r"line 23: 3 fields where the header has 4"),
    ],
)
def test_bad_harm_csv_is_refused_naming_the_row(tmp_path: Path, kwargs: dict[str, str], message: str) -> None:
    bad = _harm_csv(tmp_path / "bad.csv", **kwargs)
    with pytest.raises(CrimeHarmTableError, match=message) as caught:
        load_crime_harm_table(bad)
    assert str(bad.resolve()) in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_harm_csv_without_columns_or_file(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("category,days\nViolence,1\n")
    with pytest.raises(CrimeHarmTableError, match="lacks column"):
        load_crime_harm_table(wrong)
    with pytest.raises(CrimeHarmTableError, match="cannot read"):
        load_crime_harm_table(tmp_path / "absent.csv")


# --- a custom matrix ----------------------------------------------------------------------------------------


def test_custom_matrix() -> None:
    matrix = ScoringMatrix(
        lookback_days=365,
        recency_bands=((90, 4.0), (365, 1.0)),
        frequency_weight=2.0,
        gravity_weight=1.0,
        ogrs_weight=10.0,
        flex_categories=frozenset({"Violence"}),
        min_score=16.0,
    )
    history = [event(45, "10500"), event(100, "02800"), event(400, "04600")]
    result = iom_score(offences=history, ogrs3_two_year=50, as_of=AS_OF, matrix=matrix)
    # common assault x4 (2.5 harm days), domestic burglary x1 (30); shop theft outside the 365-day look-back
    assert result.frequency == 5.0
    assert result.frequency_part == 10.0
    assert result.gravity == pytest.approx((4 * 2.5 + 30) / 365)  # 0.1096
    assert result.ogrs_part == 5.0
    assert result.score == 15.11
    assert not result.is_candidate  # below 16
    assert result.fixed_eligible and result.flex_eligible
    assert result.suggested_strand is None
    assert "0–90 days ×4; 91–365 days ×1" in "\n".join(result.explain())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"recency_bands": ()}, "at least one band"),
        ({"recency_bands": ((365, 2.0), (182, 3.0))}, "must rise"),
        ({"recency_bands": ((182, 1.0), (1095, 2.0))}, "cannot weigh more"),
        ({"recency_bands": ((182, 3.0), (365, 2.0))}, "before the look-back"),
        ({"recency_bands": ((1095, -1.0),)}, "0 or more"),
        ({"gravity_weight": -0.5}, "gravity_weight must be 0 or more"),
        ({"lookback_days": -1}, "lookback_days"),
        ({"flex_categories": frozenset({"Burglary"})}, "flex_categories names 'Burglary'"),
        ({"fixed_categories": frozenset({"Robery"})}, "fixed_categories names 'Robery'"),
        ({"fixed_ho_codes": frozenset({"039"})}, "five-digit"),
    ],
)
def test_inconsistent_matrix_is_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ScoringMatrixError, match=message):
        ScoringMatrix(**kwargs)  # type: ignore[arg-type]


def test_default_matrix_is_documented() -> None:
    m = DEFAULT_MATRIX
    assert m == ScoringMatrix()
    assert (m.lookback_days, m.recency_bands) == (1095, ((182, 3.0), (365, 2.0), (1095, 1.0)))
    assert (m.frequency_weight, m.gravity_weight, m.ogrs_weight, m.min_score) == (1.0, 0.5, 5.0, 8.0)
    assert m.flex_categories == frozenset()
    # OGRS alone can never make a candidate
    assert m.ogrs_weight * 100 / 100 < m.min_score
    doc = (Path(__file__).resolve().parents[2] / "docs" / "iom.md").read_text(encoding="utf-8")
    for text in ("1095", "182", "365", "0.5", "8.0", "DESIST_CRIME_HARM_CSV", "19.38", "10.75", "2.25"):
        assert text in doc


# --- properties ---------------------------------------------------------------------------------------------

CODES = [
    "02800",
    "03000",
    "03400",
    "03900",
    "04500",
    "04600",
    "04800",
    "00500",
    "00800",
    "10500",
    "06600",
    "05800",
    "09200",
    "80300",
    "08000",
]
events = st.builds(
    OffenceEvent,
    offence_date=st.integers(min_value=-30, max_value=1300).map(ago),
    ho_code=st.sampled_from(CODES),
)
histories = st.lists(events, max_size=8)
ogrs_values = st.one_of(st.none(), st.integers(min_value=0, max_value=100))
matrices = st.sampled_from(
    [
        DEFAULT_MATRIX,
        ScoringMatrix(
            lookback_days=730,
            recency_bands=((30, 5.0), (730, 0.5), (2000, 0.0)),
            gravity_weight=2.0,
            ogrs_weight=1.0,
        ),
    ]
)


@settings(max_examples=150, deadline=None)
@given(history=histories, extra=events, ogrs=ogrs_values, matrix=matrices)
def test_adding_an_offence_never_lowers_the_score(
    history: list[OffenceEvent], extra: OffenceEvent, ogrs: int | None, matrix: ScoringMatrix
) -> None:
    before = iom_score(offences=history, ogrs3_two_year=ogrs, as_of=AS_OF, matrix=matrix)
    after = iom_score(offences=[*history, extra], ogrs3_two_year=ogrs, as_of=AS_OF, matrix=matrix)
    assert after.score >= before.score
    assert after.offences_counted >= before.offences_counted


@settings(max_examples=150, deadline=None)
@given(
    history=histories,
    code=st.sampled_from(CODES),
    recent=st.integers(min_value=0, max_value=1300),
    extra_age=st.integers(min_value=0, max_value=1300),
    ogrs=ogrs_values,
    matrix=matrices,
)
def test_an_older_offence_never_counts_more(
    history: list[OffenceEvent],
    code: str,
    recent: int,
    extra_age: int,
    ogrs: int | None,
    matrix: ScoringMatrix,
) -> None:
    newer = OffenceEvent(offence_date=ago(recent), ho_code=code)
    older = OffenceEvent(offence_date=ago(recent + extra_age), ho_code=code)
    with_newer = iom_score(offences=[*history, newer], ogrs3_two_year=ogrs, as_of=AS_OF, matrix=matrix)
    with_older = iom_score(offences=[*history, older], ogrs3_two_year=ogrs, as_of=AS_OF, matrix=matrix)
    assert with_older.score <= with_newer.score


@settings(max_examples=150, deadline=None)
@given(
    history=histories,
    low=st.integers(min_value=0, max_value=100),
    high=st.integers(min_value=0, max_value=100),
    matrix=matrices,
)
def test_higher_ogrs_never_lowers_the_score(
    history: list[OffenceEvent], low: int, high: int, matrix: ScoringMatrix
) -> None:
    low, high = min(low, high), max(low, high)
    at_low = iom_score(offences=history, ogrs3_two_year=low, as_of=AS_OF, matrix=matrix)
    at_high = iom_score(offences=history, ogrs3_two_year=high, as_of=AS_OF, matrix=matrix)
    missing = iom_score(offences=history, ogrs3_two_year=None, as_of=AS_OF, matrix=matrix)
    assert missing.score <= at_low.score <= at_high.score
