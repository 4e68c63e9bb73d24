"""Time the board's first and later views against a built demo (issue 17, docs/benchmarks.md).

    DATABASE_URL=postgres://... .venv/bin/python scripts/bench_board.py [--refresh] [--views 5]

Signs in as the demo's performance analyst and as a practitioner (the probation login) with the test
client, in one fresh process: the first view reads the stored figures and charts from the database; later
views find them in the process. With --refresh, first works the stored basket out (as manage.py
board_refresh does) and prints how long that took. Prints each view's time to the last byte and its
query count.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--refresh", action="store_true")
    parser.add_argument("--views", type=int, default=5)
    options = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from desist.board.demo import ANALYST_LOGIN
    from desist.board.refresh import COMPUTATIONS
    from desist.people.models import Person

    settings.ALLOWED_HOSTS = ["*"]
    print(f"people: {Person.objects.count():,}")
    if options.refresh:
        from desist.audit.context import system_actor
        from desist.board.services import basket_refresh

        clock = time.perf_counter()
        stored = basket_refresh(actor=system_actor())
        print(
            f"board_refresh: {time.perf_counter() - clock:.1f} s in all "
            f"({stored.seconds:.1f} s working the basket out, the rest storing it and rendering charts)"
        )
    computations = COMPUTATIONS["basket"]
    # The process's own first request (importing every app's URLs and views) is not the board's.
    warm = Client()
    warm.force_login(User.objects.get(username=ANALYST_LOGIN))
    clock = time.perf_counter()
    warm.get("/board/definitions/", HTTP_HOST="localhost")
    print(f"the process's first request (/board/definitions/): {time.perf_counter() - clock:.2f} s")
    for login in (ANALYST_LOGIN, "demo.probation"):
        user = User.objects.get(username=login)
        client = Client()
        client.force_login(user)
        session = client.session
        session["purpose"] = "performance"  # the purpose stated at sign-in (desist.web.purpose)
        session.save()
        for path in ("/board/", "/board/?district=Medway", "/board/figures.csv"):
            for view in range(options.views if path == "/board/" else 2):
                with CaptureQueriesContext(connection) as queries:
                    clock = time.perf_counter()
                    response = client.get(path, HTTP_HOST="localhost")
                    _ = response.content
                    seconds = time.perf_counter() - clock
                label = "first" if view == 0 else "later"
                print(
                    f"{login:16} {path:26} {label} view: {seconds * 1000:7.0f} ms, {len(queries)} queries, "
                    f"status {response.status_code}"
                )
    assert COMPUTATIONS["basket"] == computations, "a page worked the basket out"
    print("basket worked out on a request: never")


if __name__ == "__main__":
    main()
