"""Shared fixtures. Django is imported inside fixtures only, so the analytics-core tests (tests/core)
also run without Django (`pytest -p no:django tests/core`)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def partnership(db: Any) -> Any:
    """Two districts and one agency of each kind that the access tests need."""
    from tests.app.builders import Partnership

    return Partnership.create()
