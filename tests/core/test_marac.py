"""The MARAC rules (desist.core.marac): the DASH score, the three routes, repeats and the repeat rate."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desist.core import marac
from desist.core.marac import Answer, Route

answers = st.lists(st.sampled_from([a.value for a in Answer]), min_size=24, max_size=24)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))


def test_the_checklist_has_the_safelives_24_questions() -> None:
    assert len(marac.DASH_QUESTIONS) == marac.DASH_QUESTION_COUNT == 24
    assert len(set(marac.DASH_QUESTIONS)) == 24
    assert "SafeLives" in marac.DASH_SOURCE


@given(answers)
def test_the_score_counts_yes_answers_only(given_answers: list[str]) -> None:
    score = marac.dash_score(given_answers)
    assert score == given_answers.count("yes")
    assert 0 <= score <= 24


@given(answers, st.integers(min_value=0, max_value=23))
def test_one_more_yes_never_lowers_the_score(given_answers: list[str], i: int) -> None:
    more = [*given_answers]
    more[i] = "yes"
    assert marac.dash_score(more) >= marac.dash_score(given_answers)


@given(st.integers(min_value=0, max_value=24))
def test_visible_high_risk_is_14_or_more(score: int) -> None:
    assert marac.is_visible_high_risk(score) == (score >= 14)
    assert marac.route_check(Route.DASH_SCORE, score=score).met == (score >= 14)


def test_published_threshold() -> None:
    assert not marac.is_visible_high_risk(13)
    assert marac.is_visible_high_risk(14)
    assert marac.dash_score(["yes"] * 14 + ["no"] * 10) == 14


def test_a_checklist_not_of_24_answers_is_refused() -> None:
    with pytest.raises(marac.ChecklistError):
        marac.dash_score(["yes"] * 23)
    with pytest.raises(marac.ChecklistError):
        marac.dash_score(["yes"] * 23 + ["maybe"])


@given(st.integers(min_value=0, max_value=50), st.integers(min_value=1, max_value=10))
def test_escalation_is_call_outs_at_or_over_the_threshold(call_outs: int, threshold: int) -> None:
    check = marac.route_check(Route.ESCALATION, call_outs=call_outs, escalation_threshold=threshold)
    assert check.met == (call_outs >= threshold)


def test_professional_judgement_needs_a_reason() -> None:
    assert not marac.route_check(Route.PROFESSIONAL_JUDGEMENT, judgement_reason="  ").met
    assert marac.route_check(Route.PROFESSIONAL_JUDGEMENT, judgement_reason="Threats to kill").met


@given(days, st.integers(min_value=0, max_value=800))
def test_repeat_within_12_months_of_the_last_referral(last: date, gap: int) -> None:
    incident = last + timedelta(days=gap)
    assert marac.is_repeat(incident, [last]) == (incident <= marac.add_months(last, 12))
    if gap <= 365:
        assert marac.is_repeat(incident, [last])
    if gap > 366:
        assert not marac.is_repeat(incident, [last])


@given(days, st.lists(days, max_size=6))
def test_repeat_reads_the_last_earlier_referral(incident: date, earlier: list[date]) -> None:
    before = [d for d in earlier if d <= incident]
    expected = bool(before) and incident <= marac.add_months(max(before), 12)
    assert marac.is_repeat(incident, earlier) == expected


def test_no_earlier_referral_is_no_repeat() -> None:
    assert not marac.is_repeat(date(2026, 1, 1), [])
    assert not marac.is_repeat(date(2026, 1, 1), [date(2026, 6, 1)])
    assert marac.add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


@given(st.lists(st.booleans()))
def test_repeat_rate_is_repeats_over_referrals(flags: list[bool]) -> None:
    result = marac.repeat_rate(flags)
    assert result.referrals == len(flags)
    assert result.repeats == sum(flags)
    if flags:
        assert result.rate is not None and 0 <= result.rate <= 1
    else:
        assert result.rate is None


def test_the_synthetic_year_of_referrals() -> None:
    from desist.core.synth.marac import generate_marac

    as_of = date(2026, 12, 1)
    made = generate_marac(seed=7, as_of=as_of, victims=60, perpetrator_pool=20)
    assert made == generate_marac(seed=7, as_of=as_of, victims=60, perpetrator_pool=20)
    assert len(made.victims) == 60 and len({v.reference for v in made.victims}) == 60
    routes = {r.route for r in made.referrals}
    assert routes == set(Route)
    by_victim: dict[int, list[date]] = {}
    repeats = 0
    for r in made.referrals:
        assert as_of - timedelta(days=365) <= r.incident_on <= r.referred_on <= as_of
        score = marac.dash_score(r.answers)
        check = marac.route_check(
            r.route, score=score, call_outs=r.police_call_outs, judgement_reason=r.judgement_reason
        )
        assert check.met, check.reason
        repeats += marac.is_repeat(r.incident_on, by_victim.get(r.victim_key, []))
        by_victim.setdefault(r.victim_key, []).append(r.referred_on)
    assert repeats > 0
    assert any(r.perpetrator is not None for r in made.referrals)
    assert any(r.perpetrator is None for r in made.referrals)
