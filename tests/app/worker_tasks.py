"""Tasks the worker tests run: one that waits for the test to let it finish."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django_tasks import task


@task()
def wait_for(release: str, started: str) -> int:
    """Say this attempt started (one line per attempt, with the process id), then wait for `release` to
    exist."""
    with Path(started).open("a") as out:
        out.write(f"{os.getpid()}\n")
    while not Path(release).exists():
        time.sleep(0.05)
    return os.getpid()
