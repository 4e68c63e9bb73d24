"""A year of MARAC referrals for a generated partnership (issue 15, item 2): synthetic victims of domestic
abuse, each with a SafeLives DASH checklist per incident, referred to MARAC by a DASH score of 14 or more,
professional judgement (a reason) or escalation (police call-outs at or above the threshold); about a third
of victims have a further incident within 12 months of their last referral (a repeat), and some perpetrators
are people from the caseload (the caller passes in whom it may name).

Only synthetic people: names are drawn from the generator's own pools, references are "MARAC-<year>-<n>".
It draws from its own stream (``stream(seed, "marac")``), so nothing else the generator makes changes, and
it is deterministic for the seed, the as-of date and the perpetrator pool.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from desist.core.marac import (
    DASH_HIGH_RISK_YES,
    DASH_QUESTION_COUNT,
    DEFAULT_ESCALATION_CALL_OUTS,
    Answer,
    Route,
)

from ._util import stream
from .names import name_pools

STREAM = "marac"
YEAR_DAYS = 365
REPEAT_SHARE = 0.33  # SafeLives expects a repeat rate of roughly 28% to 40% in a mature MARAC
IN_CASELOAD_SHARE = 0.4  # perpetrators known to a partner agency's caseload
JUDGEMENT_REASONS = (
    "Threats to kill reported to the IDVA after the checklist was completed",
    "Recent separation and stalking; the victim minimises the risk",
    "Strangulation disclosed to the GP; the victim declined the checklist",
    "Perpetrator due for release; the victim is afraid of further violence",
    "Escalating coercive control and child contact conflict",
)


@dataclass(frozen=True)
class SynthMaracReferral:
    """One generated referral: the victim (by key), the incident and its checklist, the route and its
    evidence, and the perpetrator's index into the caller's pool (None: not in the caseload)."""

    victim_key: int
    incident_on: date
    referred_on: date
    answers: tuple[str, ...]
    route: Route
    judgement_reason: str
    police_call_outs: int | None
    perpetrator: int | None


@dataclass(frozen=True)
class SynthMaracVictim:
    key: int
    reference: str
    name: str
    date_of_birth: date


@dataclass(frozen=True)
class SynthMarac:
    victims: list[SynthMaracVictim]
    referrals: list[SynthMaracReferral]


def _answers(rng: np.random.Generator, yes: int) -> tuple[str, ...]:
    """24 answers with exactly `yes` of them "yes", the rest mostly "no" and a few "not known"."""
    order = rng.permutation(DASH_QUESTION_COUNT)
    chosen = set(int(i) for i in order[:yes])
    rest = [
        Answer.NOT_KNOWN.value if rng.random() < 0.1 else Answer.NO.value for _ in range(DASH_QUESTION_COUNT)
    ]
    return tuple(Answer.YES.value if i in chosen else rest[i] for i in range(DASH_QUESTION_COUNT))


def generate_marac(*, seed: int, as_of: date, victims: int, perpetrator_pool: int) -> SynthMarac:
    """`victims` synthetic victims first referred over the year to `as_of`, each referral by one of the three
    routes, a share of them referred again (a repeat) within 12 months; perpetrators drawn from a pool of
    `perpetrator_pool` people in the caseload for some of them (an index into the caller's list)."""
    rng = stream(seed, STREAM)
    pools = name_pools()
    female = rng.choice(len(pools.female), size=victims, p=pools.female_weights / pools.female_weights.sum())
    last = rng.choice(len(pools.last), size=victims, p=pools.last_weights / pools.last_weights.sum())
    start = as_of - timedelta(days=YEAR_DAYS - 1)
    made_victims: list[SynthMaracVictim] = []
    referrals: list[SynthMaracReferral] = []
    for key in range(victims):
        age_days = int(rng.integers(18 * 365, 60 * 365))
        made_victims.append(
            SynthMaracVictim(
                key=key,
                reference=f"MARAC-{as_of.year}-{key + 1:04d}",
                name=f"{pools.female[int(female[key])]} {pools.last[int(last[key])]}",
                date_of_birth=as_of - timedelta(days=age_days),
            )
        )
        perpetrator = (
            int(rng.integers(perpetrator_pool))
            if perpetrator_pool and rng.random() < IN_CASELOAD_SHARE
            else None
        )
        # The newest few are referred in the last fortnight, so some await the next MARAC meeting.
        recent = key >= victims - max(3, victims // 12)
        first = (
            as_of - timedelta(days=int(rng.integers(0, 14)))
            if recent
            else start + timedelta(days=int(rng.integers(0, YEAR_DAYS - 30)))
        )
        days = [first]
        if rng.random() < REPEAT_SHARE:
            # A further incident within 12 months of the first referral, and on or before as_of.
            gap = (
                int(rng.integers(14, min(360, (as_of - first).days) + 1)) if (as_of - first).days >= 14 else 0
            )
            if gap:
                days.append(first + timedelta(days=gap))
        for incident in days:
            roll = rng.random()
            if roll < 0.6:
                yes = int(rng.integers(DASH_HIGH_RISK_YES, DASH_QUESTION_COUNT + 1))
                route, reason, call_outs = Route.DASH_SCORE, "", None
            elif roll < 0.85:
                yes = int(rng.integers(6, DASH_HIGH_RISK_YES))
                route = Route.PROFESSIONAL_JUDGEMENT
                reason = JUDGEMENT_REASONS[int(rng.integers(len(JUDGEMENT_REASONS)))]
                call_outs = None
            else:
                yes = int(rng.integers(4, DASH_HIGH_RISK_YES))
                route, reason = Route.ESCALATION, ""
                call_outs = DEFAULT_ESCALATION_CALL_OUTS + int(rng.integers(0, 4))
            referred = min(as_of, incident + timedelta(days=int(rng.integers(0, 4))))
            referrals.append(
                SynthMaracReferral(
                    victim_key=key,
                    incident_on=incident,
                    referred_on=referred,
                    answers=_answers(rng, yes),
                    route=route,
                    judgement_reason=reason,
                    police_call_outs=call_outs,
                    perpetrator=perpetrator,
                )
            )
    referrals.sort(key=lambda r: (r.referred_on, r.victim_key))
    return SynthMarac(victims=made_victims, referrals=referrals)


def pool_indices(made: SynthMarac) -> Sequence[int]:
    """The perpetrator pool's indices the referrals use (for tests and the demo's log)."""
    return sorted({r.perpetrator for r in made.referrals if r.perpetrator is not None})
