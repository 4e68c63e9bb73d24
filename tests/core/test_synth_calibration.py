"""The generator is calibrated to published figures (docs/calibration.md), measured by the product's
measure."""

from __future__ import annotations

from datetime import date

from desist.core.synth import Partnership
from desist.core.synth.calibration import Z_95, Share, _falls, _z, calibration_checks, cohort_year


def test_cohort_year_is_the_latest_with_its_waiting_period_over() -> None:
    assert cohort_year(date(2026, 11, 23)) == (date(2024, 4, 1), date(2025, 3, 31))
    assert cohort_year(date(2026, 9, 30)) == (date(2024, 4, 1), date(2025, 3, 31))
    assert cohort_year(date(2026, 9, 29)) == (date(2023, 4, 1), date(2024, 3, 31))


def test_partnership_meets_the_published_figures(world: Partnership) -> None:
    # The 20,000-person world gives a cohort of about 1,300: gradients use values with 40 or more members, and
    # a step counts as reversed only beyond sampling error (docs/calibration.md).
    result, checks = calibration_checks(world, minimum=40)
    assert not result.provisional
    for check in checks:
        print(f"{check.name}: {check.measured} (target {check.target})")
    missed = [f"{c.name}: {c.measured}, target {c.target}" for c in checks if not c.ok]
    assert not missed, missed
    rate = result.headline.binary_rate
    assert rate is not None and abs(rate - 0.197) <= 0.02


def test_a_gradient_step_is_reversed_only_beyond_sampling_error() -> None:
    # 35% of 46 against 34% of 770: level within sampling error; 60% of 300 against 34% of 770: above it.
    assert _z(Share(16, 46), Share(262, 770)) < Z_95
    assert _z(Share(180, 300), Share(262, 770)) > Z_95
    assert _falls([Share(35, 100), Share(144, 400), Share(80, 400)]) == (False, True)
    assert _falls([Share(35, 100), Share(120, 400), Share(80, 400)]) == (True, True)
    # Ends out of order fail even where every step is within sampling error.
    assert _falls([Share(20, 100), Share(22, 100), Share(24, 100)]) == (False, False)
