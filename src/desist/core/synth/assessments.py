"""Assessments for the supervised, in the shape of OASys: RoSH by audience, an RSR score, question
scores for sections 3 to 12 and the item answers the predictors read.

Everything follows the person's latent propensity (and their offending: violence raises RoSH, drug
offences raise drug misuse), so assessed need and risk line up with what the person goes on to do.
About one in seven supervised people has no assessment yet, and some assessments are older than the
55 weeks after which tiering no longer counts them as current.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from ._util import Arr, date_col, int_col
from .casework import PersonJustice
from .population import Population

ROSH_LEVELS = ("low", "medium", "high", "very_high")
# OASys section → number of scored questions (each 0, 1 or 2).
SECTION_QUESTIONS: tuple[tuple[str, int], ...] = (
    ("accommodation", 4),
    ("ete", 4),
    ("finance", 3),
    ("relationships", 4),
    ("lifestyle", 4),
    ("drugs", 5),
    ("alcohol", 4),
    ("emotional_wellbeing", 4),
    ("thinking_behaviour", 5),
    ("attitudes", 4),
)
ASSESSED_SHARE = 0.86
PREDICTORS_SINCE_DAYS = 365
PREDICTORS_SHARE = 0.7


@dataclass
class Assessments:
    person: Arr  # 0-based person index
    assessed_on: Arr  # day numbers
    rosh: Arr  # (n, 4) indices into ROSH_LEVELS: public, known adult, children, staff
    rsr: Arr  # percentages
    answers: list[str]  # JSON per assessment
    section_rows: tuple[Arr, Arr, list[str]]  # (assessment index, section index, "2,1,0,2")
    arp: Arr | None = None  # all-reoffending predictor %, NaN where not received
    csrp: Arr | None = None  # combined serious reoffending predictor %, NaN where not received


def _level(latent: Arr, cuts: tuple[float, float, float]) -> Arr:
    return np.searchsorted(np.asarray(cuts), latent, side="right").astype(np.int64)


def build_assessments(
    rng: np.random.Generator, pop: Population, pj: PersonJustice, today: int
) -> Assessments:
    """One current (or lapsed) assessment for most supervised people."""
    supervised = np.flatnonzero(pop.supervised)
    chosen = supervised[rng.random(supervised.shape[0]) < ASSESSED_SHARE]
    n = chosen.shape[0]
    propensity = pop.propensity[chosen]
    # Most assessments are recent; a tail is older than 55 weeks (no longer current for tiering).
    age_days = np.minimum(np.asarray(rng.gamma(2.0, 90.0, n)).astype(np.int64) + 7, 700)
    assessed_on = today - age_days

    violent = pj.acquisitive[chosen] < 0.5
    da = pj.da_first[chosen] >= 0
    children = pj.sexual_child[chosen] if pj.sexual_child.dtype == bool else pj.sexual_child[chosen] > 0
    base = propensity * 1.6 + violent * 0.5 + rng.normal(0.0, 0.35, n)
    rosh = np.stack(
        [
            _level(base, (1.0, 1.85, 2.45)),  # public
            _level(base + da * 0.9, (1.0, 1.8, 2.5)),  # known adult
            _level(base * 0.6 + children * 2.2, (0.9, 1.9, 2.6)),  # children
            _level(base * 0.7, (1.1, 2.0, 2.7)),  # staff
        ],
        axis=1,
    )
    rsr = np.round(np.clip(np.exp(rng.normal(0.6 + 1.3 * propensity + 0.4 * violent, 0.55, n)), 0.1, 40.0), 2)

    drugs = pj.drugs[chosen]
    section_index: list[Arr] = []
    owner: list[Arr] = []
    texts: list[str] = []
    for s, (name, questions) in enumerate(SECTION_QUESTIONS):
        boost = {"drugs": drugs * 0.35, "alcohol": violent * 0.15, "thinking_behaviour": violent * 0.1}.get(
            name, 0.0
        )
        p = np.clip(0.12 + 0.55 * propensity + boost + rng.normal(0.0, 0.08, n), 0.02, 0.95)
        scores = (rng.random((n, questions)) < p[:, None]).astype(np.int64) + (
            rng.random((n, questions)) < (p[:, None] * 0.55)
        ).astype(np.int64)
        owner.append(np.arange(n))
        section_index.append(np.full(n, s))
        texts.extend(",".join(str(v) for v in row) for row in scores)

    female: list[bool] = (pop.sex[chosen] == 1).tolist()
    parent: list[bool] = np.asarray(pop.has_child_in_family[chosen], dtype=bool).tolist()
    breach = [bool(v) for v in np.asarray(rng.random(n)) < 0.3]

    def graded(extra: Arr | float = 0.0) -> list[int]:
        # 0 none, 1 some, 2 significant: more likely graded up the higher the propensity.
        p = np.clip(0.1 + 0.6 * propensity + extra, 0.02, 0.95)
        draws = (np.asarray(rng.random(n)) < p).astype(np.int64) + (np.asarray(rng.random(n)) < p * 0.5)
        return [int(v) for v in draws]

    def yes(share: Arr | float) -> list[bool]:
        return [bool(v) for v in np.asarray(rng.random(n)) < share]

    items: dict[str, list[Any]] = {
        # OGP and OVP items (RULES.md §2); temper and impulsivity also serve the women's factors.
        "no_fixed_abode": yes(0.04 + 0.15 * propensity),
        "unemployed": yes(0.35 + 0.4 * propensity),
        "regular_offending_activities": graded(),
        "current_drug_misuse": graded(drugs * 0.3),
        "motivation_to_tackle_drug_misuse": graded(),
        "problem_solving": graded(),
        "awareness_of_consequences": graded(),
        "understands_others_views": graded(),
        "pro_criminal_attitudes": graded(-0.05),
        "recognises_impact": yes(0.75 - 0.35 * propensity),
        "alcohol_current_use": graded(violent * 0.1),
        "alcohol_binge": graded(violent * 0.1),
        "psychiatric_treatment": yes(0.08),
        "temper_control": graded(violent * 0.15),
        "impulsivity": graded(),
    }
    # Some assessments are incomplete: one item unanswered, so OGP or OVP cannot be given.
    incomplete = np.asarray(rng.random(n)) < 0.06
    gap = np.asarray(rng.integers(0, len(items), n))
    names = list(items)
    answers = []
    for i in range(n):
        answer: dict[str, Any] = {name: values[i] for name, values in items.items()}
        if female[i]:
            # The women's additional factors for tiering (RULES.md §3a).
            answer.update(parenting_responsibilities=parent[i], breach_or_recall=breach[i])
        if incomplete[i]:
            answer.pop(names[int(gap[i])])
        answers.append(json.dumps(answer, sort_keys=True))
    # ARP and CSRP (RULES.md §3b) come with the newer tool: most assessments of the last year have them,
    # older ones none. Drawn last, so every earlier value is the same as before they were added.
    received = (age_days <= PREDICTORS_SINCE_DAYS) & (np.asarray(rng.random(n)) < PREDICTORS_SHARE)
    arp = np.round(100.0 / (1.0 + np.exp(-(-2.2 + 4.0 * propensity + rng.normal(0.0, 0.5, n)))), 2)
    csrp = np.round(
        np.clip(np.exp(rng.normal(-0.7 + 2.0 * propensity + 0.4 * violent, 0.6, n)), 0.05, 25.0), 2
    )
    return Assessments(
        person=chosen,
        assessed_on=assessed_on,
        rosh=rosh,
        rsr=rsr,
        answers=answers,
        arp=np.where(received, arp, np.nan),
        csrp=np.where(received, csrp, np.nan),
        section_rows=(
            np.concatenate(owner) if owner else np.zeros(0, np.int64),
            np.concatenate(section_index) if section_index else np.zeros(0, np.int64),
            texts,
        ),
    )


def _optional_percent(values: Arr | None, n: int) -> pa.Array:
    if values is None:
        return pa.nulls(n, type=pa.float64())
    return pa.array(values, type=pa.float64(), mask=np.isnan(values))


def assessment_tables(a: Assessments) -> tuple[pa.Table, pa.Table]:
    """The `assessments` and `assessment_sections` tables (schemas in vocab.SCHEMAS)."""
    from . import vocab

    n = a.person.shape[0]
    assessments = pa.table(
        {
            "assessment_id": int_col(np.arange(1, n + 1)),
            "person_id": int_col(a.person + 1),
            "assessed_on": date_col(a.assessed_on),
            "source": pa.array(["oasys"] * n, type=pa.string()),
            "rosh_public": pa.array([ROSH_LEVELS[i] for i in a.rosh[:, 0]], type=pa.string()),
            "rosh_known_adult": pa.array([ROSH_LEVELS[i] for i in a.rosh[:, 1]], type=pa.string()),
            "rosh_children": pa.array([ROSH_LEVELS[i] for i in a.rosh[:, 2]], type=pa.string()),
            "rosh_staff": pa.array([ROSH_LEVELS[i] for i in a.rosh[:, 3]], type=pa.string()),
            "rsr_percent": pa.array(a.rsr, type=pa.float64()),
            "arp_percent": _optional_percent(a.arp, n),
            "csrp_percent": _optional_percent(a.csrp, n),
            "answers": pa.array(a.answers, type=pa.string()),
        },
        schema=vocab.SCHEMAS["assessments"],
    )
    owner, section, texts = a.section_rows
    sections = pa.table(
        {
            "assessment_id": int_col(owner + 1),
            "section": pa.array([SECTION_QUESTIONS[i][0] for i in section], type=pa.string()),
            "question_scores": pa.array(texts, type=pa.string()),
        },
        schema=vocab.SCHEMAS["assessment_sections"],
    )
    order = np.lexsort((section, owner))
    return assessments, sections.take(pa.array(order))
