#!/usr/bin/env python
"""The access matrix (docs/security.md): every role × every URL pattern, from real requests on a small
partnership in a throwaway test database. Writes a markdown table (default var/access-matrix.md).

    .venv/bin/python scripts/access_matrix.py [OUTPUT.md]

It runs tests/app/test_url_access.py::test_access_matrix, which also fails if any refusal of a signed-in user
is not logged or any page shows a person to an agency that does not work with them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "var" / "access-matrix.md").resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DESIST_ACCESS_MATRIX": str(out)}
    code = subprocess.call(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/app/test_url_access.py::test_access_matrix",
        ],
        cwd=ROOT,
        env=env,
    )
    if out.exists():
        print(f"Wrote {out}")
    sys.exit(code)
