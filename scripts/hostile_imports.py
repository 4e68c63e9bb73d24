#!/usr/bin/env python
"""Bad files on import (docs/security.md): every kind of file in tests/app/hostile_files.py through the
importer on a throwaway test database, with the result of each. Writes a markdown table (default
var/hostile-imports.md).

    .venv/bin/python scripts/hostile_imports.py [OUTPUT.md]

It runs tests/app/imports/test_hostile_imports.py, which also fails if any bad file is not refused with its
message, if anything of a refused file is stored, or if any file gives a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "var" / "hostile-imports.md").resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DESIST_HOSTILE_TABLE": str(out)}
    code = subprocess.call(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/app/imports/test_hostile_imports.py",
        ],
        cwd=ROOT,
        env=env,
    )
    if out.exists():
        print(f"Wrote {out}")
    sys.exit(code)
