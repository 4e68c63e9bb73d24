"""Every booking of the MoJ calculator's examples against desist's engine (issue 12).

Cases desist reproduces must stay exact; the others must still give what expectations.json records, so a
regression fails and an improvement is noticed. After improving the engine, rewrite the file with
``python -m tests.core.crd_examples --write`` and check its diff.
"""

from __future__ import annotations

import json

import pytest

from tests.core.crd_examples import EXPECTATIONS, examples, outcome

RECORDED: dict[str, str] = json.loads(EXPECTATIONS.read_text())
EXAMPLES = examples()


def test_every_example_has_a_recorded_outcome() -> None:
    assert sorted(RECORDED) == sorted(e.case for e in EXAMPLES)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.case for e in EXAMPLES])
def test_example_matches_recorded_outcome(example) -> None:  # type: ignore[no-untyped-def]
    got = outcome(example)
    if RECORDED[example.case] == "exact":
        assert got == "exact", f"{example.case} ({example.source}) was exact and now {got}"
    else:
        assert got == RECORDED[example.case], (
            f"{example.case} changed: now {got!r}, recorded {RECORDED[example.case]!r}; "
            "if better, rewrite the file with python -m tests.core.crd_examples --write"
        )
