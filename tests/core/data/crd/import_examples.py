"""Copy the MoJ calculator's example bookings into desist's tests as data.

Run from a checkout (or mirror) of ministryofjustice/calculate-release-dates-api:

    python tests/core/data/crd/import_examples.py /path/to/calculate-release-dates-api [COMMIT]

It reads ``src/test/resources/test_data/overall_calculation/<category>/<case>.json`` (the booking) and
``overall_calculation_response/<category>/<case>.json`` (the dates its tests assert) and writes one
JSON line per case to ``<category>.jsonl`` beside this script. The bookings are synthetic test fixtures;
the offender's reference is replaced all the same, and only the date of birth (which the rules need) is kept.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BASE = "src/test/resources/test_data"
HERE = Path(__file__).resolve().parent


def _git(repo: Path, *args: str) -> str:
    # git from PATH on a checkout the analyst names: a one-off import, not production code.
    done = subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True)  # noqa: S603,S607
    return done.stdout


def main(repo: Path, commit: str = "HEAD") -> None:
    names = _git(repo, "ls-tree", "-r", "--name-only", commit, f"{BASE}/overall_calculation").split()
    by_category: dict[str, list[str]] = {}
    for name in sorted(names):
        if not name.endswith(".json"):
            continue
        rel = name[len(f"{BASE}/overall_calculation/") :]
        category, case = rel.split("/", 1)
        source = json.loads(_git(repo, "show", f"{commit}:{name}"))
        try:
            expected = json.loads(_git(repo, "show", f"{commit}:{BASE}/overall_calculation_response/{rel}"))
        except subprocess.CalledProcessError:
            expected = None  # a validation or error case: the booking file says what is expected
        booking = source["booking"]
        booking["offender"] = {
            k: v
            for k, v in booking.get("offender", {}).items()
            if k in ("dateOfBirth", "isActiveSexOffender")
        }
        row = {
            "case": f"{category}/{case[:-5]}",
            "source": f"{BASE}/overall_calculation/{rel}",
            "input": source,
            "expected": expected,
        }
        by_category.setdefault(category, []).append(json.dumps(row, sort_keys=True, separators=(",", ":")))
    for category, rows in by_category.items():
        (HERE / f"{category}.jsonl").write_text("\n".join(rows) + "\n")
    print(f"{sum(map(len, by_category.values()))} cases in {len(by_category)} categories from {commit}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), *(sys.argv[2:3] or ["HEAD"]))
