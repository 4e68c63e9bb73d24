"""The generated supervision and enforcement record (desist.core.synth.supervision): deterministic, inside
each order's or licence's period, and obeying the breach rules (desist.core.enforcement)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest

from desist.core.enforcement import warning_window_end
from desist.core.synth import generate_partnership
from desist.core.synth.supervision import BOOK_AHEAD_DAYS, generate_supervision, supervision_period

AS_OF = date(2026, 11, 23)


@pytest.fixture(scope="module")
def world():
    return generate_partnership(people=3000, seed=7, as_of=AS_OF)


@pytest.fixture(scope="module")
def made(world):
    return generate_supervision(world)


def test_deterministic_for_a_seed(world, made):
    again = generate_supervision(world)
    assert again.row_counts() == made.row_counts()
    assert again.appointments == made.appointments
    assert again.failures == made.failures
    assert again.contacts[:500] == made.contacts[:500]


def test_the_rest_of_the_partnership_is_unchanged(world):
    # Its own stream: generating supervision changes nothing the generator made before.
    assert generate_partnership(people=3000, seed=7, as_of=AS_OF).sentences.equals(world.sentences)


def test_every_kind_of_row_is_made(made):
    assert all(count > 0 for count in made.row_counts().values()), made.row_counts()


def test_appointments_within_the_period(world, made):
    sentences = {s["sentence_id"]: s for s in world.sentences.to_pylist()}
    for a in made.appointments:
        period = supervision_period(sentences[a.sentence_id], AS_OF)
        assert period is not None
        start, end = period
        assert start <= a.starts_at.date(), a
        assert a.starts_at.date() <= end, a
        assert a.starts_at.weekday() < 5
        if a.starts_at.date() >= AS_OF:
            assert a.outcome == ""
        assert a.starts_at.date() <= date.fromordinal(AS_OF.toordinal() + BOOK_AHEAD_DAYS)
        if a.status != "booked":
            assert a.status_reason and not a.outcome
    sentence_kinds = {sentences[a.sentence_id]["kind"] for a in made.appointments}
    assert sentence_kinds == {"custody", "community_order", "suspended_sentence_order"}


def test_past_booked_appointments_have_outcomes(made):
    for a in made.appointments:
        if a.status == "booked" and a.starts_at.date() < AS_OF:
            assert a.outcome, a


def test_no_second_warning_within_12_months(made):
    by_sentence: dict[int, list[date]] = defaultdict(list)
    failures = {f.failure_id: f for f in made.failures}
    for w in sorted(made.warnings, key=lambda w: w.issued_on):
        earlier = by_sentence[failures[w.failure_id].sentence_id]
        assert not any(w.issued_on <= warning_window_end(e) for e in earlier), w
        earlier.append(w.issued_on)


def test_failures_within_12_months_of_a_warning_are_not_warned(made):
    failures = {f.failure_id: f for f in made.failures}
    warned: dict[int, list[date]] = defaultdict(list)
    for w in made.warnings:
        warned[failures[w.failure_id].sentence_id].append(w.issued_on)
    for w in made.warnings:
        f = failures[w.failure_id]
        others = [d for d in warned[f.sentence_id] if d != w.issued_on]
        assert not any(d <= f.occurred_on <= warning_window_end(d) for d in others)


def test_enforcement_follows_an_unacceptable_failure(world, made):
    failures = {f.failure_id: f for f in made.failures}
    kinds = {s["sentence_id"]: s["kind"] for s in world.sentences.to_pylist()}
    for r in made.referrals:
        f = failures[r.failure_id]
        assert f.judgement == "unacceptable" and r.referred_on >= f.occurred_on
        assert kinds[f.sentence_id] != "custody"
        if r.outcome:
            assert r.outcome_on is not None and r.outcome_on <= AS_OF
    for w in made.warnings:
        assert failures[w.failure_id].judgement == "unacceptable"
    for r in made.recalls:
        f = failures[r.failure_id]
        assert f.judgement == "unacceptable" and kinds[f.sentence_id] == "custody"
    for f in made.failures:
        assert (f.judgement == "pending") == (f.reason == "")
    # One action per failure.
    acted = [w.failure_id for w in made.warnings] + [r.failure_id for r in made.referrals]
    acted += [r.failure_id for r in made.recalls]
    assert len(acted) == len(set(acted))


def test_rates_are_plausible(made):
    past = [a for a in made.appointments if a.outcome]
    failed = sum(a.outcome in ("failed_to_attend", "failed_to_comply") for a in past)
    assert 0.02 < failed / len(past) < 0.25
    acceptable = sum(f.judgement == "acceptable" for f in made.failures)
    assert 0.1 < acceptable / len(made.failures) < 0.5


def test_progress_within_the_requirement(world, made):
    requirements = {r["requirement_id"]: r for r in world.requirements.to_pylist()}
    hours: dict[int, float] = defaultdict(float)
    for p in made.progress:
        r = requirements[p.requirement_id]
        assert r["start_date"] <= p.on <= r["end_date"] and p.on < AS_OF and p.amount > 0
        assert p.kind == {"unpaid_work": "unpaid_work", "rar": "rar_day"}[r["kind"]]
        hours[p.requirement_id] += p.amount
    for rid, total in hours.items():
        assert total <= requirements[rid]["amount"]


def test_seen_weekly_at_first_then_less_often(made):
    by_sentence: dict[int, list[date]] = defaultdict(list)
    for a in made.appointments:
        if a.rearranged_from is None:
            by_sentence[a.sentence_id].append(a.starts_at.date())
    early = late = 0
    for sid, start, end in made.periods:
        if (end - start).days < 365 or start < date(2022, 1, 1):
            continue
        days = [(d - start).days for d in by_sentence[sid]]
        early += sum(d < 84 for d in days)
        late += sum(182 <= d < 266 for d in days)
    # Twelve weeks: weekly (12) against fortnightly or four-weekly (6 or 3), less cancellations.
    assert early > 1.5 * late > 0
