"""Synthetic supervision outcomes for the demo build: accommodation and employment at the stages of each
supervised sentence and enforcement warnings and breaches, drawn by ``desist.core.basket.synth_inputs`` from
the generated partnership with a fixed seed. Only synthetic people, ever."""

from __future__ import annotations

from typing import Any

from desist.bulk import copy_rows
from desist.core.basket.synth_inputs import synth_outcomes
from desist.outcomes.models import (
    AccommodationKind,
    AccommodationStatus,
    EmploymentKind,
    EmploymentStatus,
    EnforcementAction,
)

# The kind recorded for a positive or negative outcome, cycling through these so the demo shows each.
SETTLED_KINDS = (
    AccommodationKind.OWN_HOME,
    AccommodationKind.FAMILY_FRIENDS,
    AccommodationKind.OWN_HOME,
    AccommodationKind.SUPPORTED,
)
UNSETTLED_KINDS = (
    AccommodationKind.TEMPORARY,
    AccommodationKind.SOFA_SURFING,
    AccommodationKind.APPROVED_PREMISES,
    AccommodationKind.NO_FIXED_ABODE,
    AccommodationKind.ROUGH_SLEEPING,
)
ETE_KINDS = (
    EmploymentKind.EMPLOYED,
    EmploymentKind.EMPLOYED,
    EmploymentKind.TRAINING,
    EmploymentKind.SELF_EMPLOYED,
    EmploymentKind.EDUCATION,
)
NOT_ETE_KINDS = (EmploymentKind.UNEMPLOYED, EmploymentKind.UNEMPLOYED, EmploymentKind.NOT_AVAILABLE)


def demo_outcomes_load(
    world: Any, *, seed: int, sentence_people: dict[int, int] | None = None
) -> dict[str, int]:
    """Load the outcomes of a generated partnership whose sentences are already loaded with their generated
    ids. With `sentence_people` (sentence id -> the person it was loaded for), each outcome goes to its
    sentence's person and outcomes of sentences not loaded are left out; without it, people kept their
    generated ids too. Returns the rows written per table."""
    tables = synth_outcomes(world.people, world.sentences, as_of=world.config.as_of, seed=seed)
    statuses = tables["statuses"].to_pylist()

    def person(r: dict[str, Any]) -> int | None:
        return r["person_id"] if sentence_people is None else sentence_people.get(r["sentence_id"])

    def rows(topic: str, yes: tuple[str, ...], no: tuple[str, ...]) -> Any:
        for n, r in enumerate(s for s in statuses if s["topic"] == topic):
            kinds = yes if r["positive"] else no
            if (holder := person(r)) is not None:
                yield (holder, r["sentence_id"], r["stage"], r["recorded_on"], kinds[n % len(kinds)])

    columns = ["person", "sentence", "stage", "recorded_on", "kind"]
    return {
        "accommodation statuses": copy_rows(
            AccommodationStatus, columns, rows("accommodation", SETTLED_KINDS, UNSETTLED_KINDS)
        ),
        "employment statuses": copy_rows(EmploymentStatus, columns, rows("ete", ETE_KINDS, NOT_ETE_KINDS)),
        "enforcement actions": copy_rows(
            EnforcementAction,
            ["person", "sentence", "action_date", "kind", "reason"],
            (
                (holder, r["sentence_id"], r["action_date"], r["kind"], "")
                for r in tables["enforcement"].to_pylist()
                if (holder := person(r)) is not None
            ),
        ),
    }
