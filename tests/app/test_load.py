"""The load test, small (issue 17, item 2; the full run is benchmarks/bench_load.py, its figures in
docs/benchmarks.md): Locust's practitioners, an analyst and an importer against a real gunicorn and task
worker, on a copy of the small demo partnership in PostgreSQL, for 15 seconds. Every request answers without
an error and every write Locust saw succeed is in the database. Timings are not checked here: the machine
running the suite is shared; the benchmark measures them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="gunicorn serves the copy in PostgreSQL"),
]


def test_load_held_without_errors_or_lost_writes(demo_database: Any, tmp_path: Path) -> None:
    copy = demo_database.copy("load")
    settings = connection.settings_dict
    url = (
        f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:{settings['PORT']}/"
        f"{copy.name}"
    )
    result = subprocess.run(  # noqa: S603 (our own benchmark script)
        [
            sys.executable,
            "benchmarks/bench_load.py",
            "--database-url",
            url,
            "--practitioners",
            "4",
            "--analysts",
            "1",
            "--importers",
            "1",
            "--duration",
            "15s",
            "--spawn-rate",
            "10",
            "--think",
            "1,3",
            "--write-every",
            "5",
            "--workers",
            "2",
            "--no-timing-check",
            "--out",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    copy.drop()
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert "load: passed" in report
    # Writes happened at all: the contacts the practitioners recorded, and the importer's extract.
    contacts = next(line for line in report.splitlines() if line.startswith("writes: record a contact"))
    assert not contacts.startswith("writes: record a contact: 0 succeeded"), report
