"""The national identifiers' published formats: PNC, CRN, NHS and National Insurance numbers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desist.core.identifiers import (
    PNC_LETTERS,
    InvalidIdentifier,
    identifier_problem,
    is_valid_identifier,
    nhs_check_digit,
    pnc_check_letter,
    validate_identifier,
)
from desist.core.names import normalise_identifier
from desist.core.synth.identifiers import NI_PREFIXES

years = st.integers(min_value=1960, max_value=2026)
serials = st.integers(min_value=1, max_value=9_999_999)


@st.composite
def pncs(draw: st.DrawFn) -> str:
    year, serial = draw(years), draw(serials)
    return f"{year}/{serial:07d}{pnc_check_letter(year, serial)}"


@st.composite
def nhs_numbers(draw: st.DrawFn) -> str:
    nine = draw(
        st.text("0123456789", min_size=9, max_size=9).filter(lambda s: nhs_check_digit(s) is not None)
    )
    number = nine + str(nhs_check_digit(nine))
    return number if len(set(number)) > 1 else "9434765919"


@st.composite
def ni_numbers(draw: st.DrawFn) -> str:
    return (
        draw(st.sampled_from(NI_PREFIXES))
        + f"{draw(st.integers(0, 999_999)):06d}"
        + draw(st.sampled_from("ABCD"))
    )


crns = st.builds(
    lambda letter, n: f"{letter}{n:06d}", st.sampled_from("ABCDEFGHJKLMNPRSTUVWXYZ"), st.integers(0, 999_999)
)
VALID = {"pnc": pncs(), "nhs_number": nhs_numbers(), "ni_number": ni_numbers(), "crn": crns}


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("nhs_number", "943 476 5919"),  # NHS England's example number
        ("nhs_number", "9434765919"),
        ("nhs_number", "401-023-2137"),
        ("pnc", "2004/0012345D"),
        ("pnc", "04/12345D"),  # the short form of the same number
        ("pnc", "2004 0012345d"),
        ("crn", "X123456"),
        ("crn", "x 123 456"),
        ("ni_number", "AB 12 34 56 C"),
        ("ni_number", "JG103759A"),
    ],
)
def test_published_examples_are_valid(kind, value):
    assert identifier_problem(kind, value) == ""
    assert validate_identifier(kind, value) == normalise_identifier(kind, value)


@pytest.mark.parametrize(
    ("kind", "value", "words"),
    [
        ("pnc", "notapnc", "is not a PNC number"),
        ("pnc", "2004/0012345K", "check letter"),
        ("pnc", "2004/12345678D", "is not a PNC number"),
        ("nhs_number", "9434765918", "check digit"),
        ("nhs_number", "943476591", "ten digits"),
        ("nhs_number", "1111111111", "check digit"),  # fits the modulus but is never issued
        ("nhs_number", "0000000000", "check digit"),
        ("crn", "X12345", "a letter and six digits"),
        ("crn", "123456X", "a letter and six digits"),
        ("ni_number", "QQ123456C", "no number starts QQ"),  # HMRC's example prefix, never issued
        ("ni_number", "DA123456A", "no number starts DA"),
        ("ni_number", "AO123456A", "no number starts AO"),
        ("ni_number", "GB123456A", "no number starts GB"),
        ("ni_number", "TN123456A", "no number starts TN"),
        ("ni_number", "AB123456E", "A, B, C or D"),
        ("ni_number", "AB123456", "A, B, C or D"),
    ],
)
def test_values_that_break_the_format_are_refused_with_the_reason(kind, value, words):
    assert words in identifier_problem(kind, value)
    assert not is_valid_identifier(kind, value)
    with pytest.raises(InvalidIdentifier, match=words):
        validate_identifier(kind, value)


def test_blank_values_and_unchecked_kinds_pass():
    assert identifier_problem("pnc", "") == identifier_problem("nhs_number", None) == ""
    assert identifier_problem("prison_number", "anything") == ""
    assert identifier_problem("local:tenancy", "=1+1") == ""


@given(st.sampled_from(sorted(VALID)).flatmap(lambda kind: st.tuples(st.just(kind), VALID[kind])))
def test_generated_valid_identifiers_pass_and_normalising_is_idempotent(kind_value):
    kind, value = kind_value
    assert identifier_problem(kind, value) == ""
    once = normalise_identifier(kind, value)
    assert normalise_identifier(kind, once) == once
    assert validate_identifier(kind, once) == once
    spaced = " ".join(value.lower())
    assert normalise_identifier(kind, spaced) == once


@given(
    st.sampled_from(["pnc", "nhs_number"]).flatmap(lambda kind: st.tuples(st.just(kind), VALID[kind])),
    st.data(),
)
def test_any_single_mistyped_digit_breaks_the_check(kind_value, data):
    kind, value = kind_value
    positions = [i for i, ch in enumerate(value) if ch.isdigit() and not (kind == "pnc" and i < 2)]
    at = data.draw(st.sampled_from(positions))
    digit = data.draw(st.sampled_from([d for d in "0123456789" if d != value[at]]))
    assert not is_valid_identifier(kind, value[:at] + digit + value[at + 1 :])


@given(pncs(), st.sampled_from(PNC_LETTERS))
def test_only_one_check_letter_fits_a_pnc_number(pnc, letter):
    assert is_valid_identifier("pnc", pnc[:-1] + letter) == (letter == pnc[-1])


@given(st.text(max_size=20), st.sampled_from(["pnc", "crn", "nhs_number", "ni_number", "prison_number"]))
def test_any_text_gets_an_answer_not_an_exception(text, kind):
    problem = identifier_problem(kind, text)
    assert isinstance(problem, str)
    if not problem and normalise_identifier(kind, text):
        assert validate_identifier(kind, text) == normalise_identifier(kind, text)
