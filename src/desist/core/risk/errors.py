"""Errors raised by the risk calculators.

Every calculator refuses bad input with a clear message rather than returning a number
(RULES.md §1: "Bad input gets a clear error, never a number"). All errors derive from
:class:`RiskInputError`, itself a :class:`ValueError`, so callers may catch either.
"""

from __future__ import annotations

from collections.abc import Iterable


class RiskInputError(ValueError):
    """An input to a risk calculator is missing, out of range or inconsistent. The message names it."""


class OffenceCategoryRequired(RiskInputError):
    """The offence code does not fix one OGRS3 category: the user must choose the category.

    Raised for the codes the offence table marks NEED_DETAILS_OF_EXACT_OFFENCE, and for codes whose row
    carries no category weight. Pass ``offence_category=`` (one of :attr:`allowed`) to resolve it.
    """

    def __init__(self, offence_code: str, allowed: Iterable[str], *, reason: str) -> None:
        self.offence_code = offence_code
        self.allowed: tuple[str, ...] = tuple(allowed)
        super().__init__(
            f"offence code '{offence_code}' {reason}: give offence_category= as one of: "
            + "; ".join(self.allowed)
        )


class MissingAssessmentItems(RiskInputError):
    """A predictor was called without every item it needs; :attr:`missing` lists all of them.

    No score is ever produced from incomplete inputs.
    """

    def __init__(self, calculator: str, missing: Iterable[str]) -> None:
        self.calculator = calculator
        self.missing: tuple[str, ...] = tuple(missing)
        super().__init__(f"{calculator} needs every item; missing: {', '.join(self.missing)}")
