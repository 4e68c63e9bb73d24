"""The generator is calibrated to published figures (docs/calibration.md), measured by the product's measure."""

from __future__ import annotations

from datetime import date

from desist.core.synth import Partnership
from desist.core.synth.calibration import calibration_checks, cohort_year


def test_cohort_year_is_the_latest_with_its_waiting_period_over() -> None:
    assert cohort_year(date(2026, 11, 23)) == (date(2024, 4, 1), date(2025, 3, 31))
    assert cohort_year(date(2026, 9, 30)) == (date(2024, 4, 1), date(2025, 3, 31))
    assert cohort_year(date(2026, 9, 29)) == (date(2023, 4, 1), date(2024, 3, 31))


def test_partnership_meets_the_published_figures(world: Partnership) -> None:
    # The 20,000-person world gives a cohort of about 1,400: gradients use values with 40 or more members.
    result, checks = calibration_checks(world, minimum=40)
    assert not result.provisional
    for check in checks:
        print(f"{check.name}: {check.measured} (target {check.target})")
    missed = [f"{c.name}: {c.measured}, target {c.target}" for c in checks if not c.ok]
    assert not missed, missed
    rate = result.headline.binary_rate
    assert rate is not None and abs(rate - 0.197) <= 0.02
