"""Fixtures for the analytics core tests (plain Python: nothing here needs Django)."""

from __future__ import annotations

from datetime import date

import pytest

from desist.core.synth import Partnership, generate_partnership

AS_OF = date(2026, 11, 23)


@pytest.fixture(scope="session")
def world() -> Partnership:
    """A 20,000-person partnership: big enough for proportions, quick to make (about a second)."""
    return generate_partnership(people=20_000, seed=11, as_of=AS_OF)


@pytest.fixture(scope="session")
def small_world() -> Partnership:
    """A 3,000-person partnership for the checks that compare whole outputs."""
    return generate_partnership(people=3_000, seed=5, as_of=AS_OF)
