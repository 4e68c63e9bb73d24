"""Storing the board's live figures in tests, as the background refresh would (desist.board.refresh)."""

from __future__ import annotations

from desist.board.models import StoredBasket
from desist.board.refresh import basket_store


def store_figures() -> StoredBasket:
    """Work out and store the live basket now (without rendering its charts ahead: pages render them)."""
    return basket_store(charts=False)
