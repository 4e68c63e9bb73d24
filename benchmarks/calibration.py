"""Measure a generated partnership against the published figures the generator is calibrated to.

    .venv/bin/python benchmarks/calibration.py                       # 50,000 people, seed 20121
    .venv/bin/python benchmarks/calibration.py --people 20000 --seed 11

Generates the partnership (``desist.core.synth``), measures proven reoffending with the product's own
measure (``desist.core.measures``) for the latest April-to-March cohort whose waiting period has ended,
and prints each figure beside its target (docs/calibration.md). Exits 1 if any figure misses its target.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))


def main() -> int:
    from desist.core.synth import DEFAULT_AS_OF, generate_partnership
    from desist.core.synth.calibration import calibration_checks, cohort_year

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=20121)
    parser.add_argument("--as-of", type=date.fromisoformat, default=DEFAULT_AS_OF)
    parser.add_argument(
        "--minimum",
        type=int,
        default=100,
        help="fewest cohort members for a breakdown value to count in a gradient (default 100)",
    )
    args = parser.parse_args()

    started = time.perf_counter()
    world = generate_partnership(people=args.people, seed=args.seed, as_of=args.as_of)
    generated = time.perf_counter()
    result, checks = calibration_checks(world, minimum=args.minimum)
    measured = time.perf_counter()
    start, end = cohort_year(args.as_of)
    print(
        f"{args.people:,} people, seed {args.seed}, as of {args.as_of}: cohort {start} to {end}, "
        f"{result.headline.cohort_size:,} people ({result.adult.cohort_size:,} adults); "
        f"generated in {generated - started:.1f} s, measured in {measured - generated:.1f} s\n"
    )
    print("| figure | measured | target | within | source |")
    print("|---|---|---|---|---|")
    for check in checks:
        print(
            f"| {check.name} | {check.measured} | {check.target} | {'yes' if check.ok else 'NO'} | "
            f"{check.source} |"
        )
    print("\nProven reoffending by index disposal (custody split at 12 months):")
    for row in result.breakdowns["priority_group"]:
        print(f"  {row.value}: {100 * (row.measures.binary_rate or 0):.1f}% of {row.measures.cohort_size:,}")
    for name in ("sex", "age_band", "offence_group", "previous_offences"):
        cells = ", ".join(
            f"{row.value} {100 * (row.measures.binary_rate or 0):.0f}% ({row.measures.cohort_size})"
            for row in result.breakdowns[name]
        )
        print(f"\nBy {name.replace('_', ' ')}: {cells}")
    return 0 if all(check.ok for check in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
