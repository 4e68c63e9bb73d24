"""Fuzz the JSON API with schemathesis over /api/openapi.json, signed in as two agencies, against a live
server on 127.0.0.1 (docs/security.md, "API fuzzing"; the checks are in tests/api_fuzz.py).

    .venv/bin/python scripts/fuzz_api.py                       # 1,000-person demo, 25 examples an operation
    .venv/bin/python scripts/fuzz_api.py --people 3000 --examples 50 --users demo.probation demo.police

It builds a fresh demo partnership in a temporary SQLite file (or the database in --database-url, which it
must be allowed to fill), issues API tokens (read and write) for the two users, starts gunicorn on a free
port, fetches the schema signed in as the first user, runs every operation as each user, prints the figures
and exits 1 if any check failed.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
PY = str(ROOT / ".venv" / "bin" / "python")


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 (our own manage.py with fixed arguments)
        [PY, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return done.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(url: str, seconds: float = 180) -> None:
    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=30)
            return
        except requests.RequestException:
            time.sleep(0.3)
    sys.exit(f"The server did not answer at {url}")


def _schema(base: str, username: str, password: str) -> dict:
    """The document at /api/openapi.json, which is for signed-in users."""
    import requests

    session = requests.Session()
    session.get(f"{base}/accounts/login/", timeout=30)
    answer = session.post(
        f"{base}/accounts/login/",
        timeout=30,
        headers={"Referer": f"{base}/accounts/login/"},
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
    )
    answer.raise_for_status()
    document = session.get(f"{base}/api/openapi.json", timeout=30)
    if document.status_code != 200 or "json" not in document.headers.get("content-type", ""):
        sys.exit(f"Could not fetch /api/openapi.json signed in as {username} ({document.status_code})")
    return document.json()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--people", type=int, default=1000, help="size of the demo partnership (default 1000)"
    )
    parser.add_argument("--examples", type=int, default=25, help="generated requests per operation and user")
    parser.add_argument("--users", nargs=2, default=["demo.probation", "demo.housing"], metavar="USERNAME")
    parser.add_argument(
        "--database-url", default="", help="a database to build the demo in (default: temporary)"
    )
    parser.add_argument("--seed", type=int, default=10)
    options = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="desist-fuzz-"))
    env = {
        **os.environ,
        "DATABASE_URL": options.database_url or f"sqlite:///{workdir / 'fuzz.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DESIST_TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
    }
    os.environ.update(env)
    started = time.monotonic()
    _manage(env, "migrate", "--noinput", "-v0")
    built = _manage(env, "build_demo", "--people", str(options.people))
    passwords = dict(re.findall(r"^\s+(demo\.\S+)\s+(\S+)\s", built, flags=re.MULTILINE))
    tokens = {
        user: _manage(env, "issue_api_token", user, "--name", "fuzz", "--write").strip().splitlines()[-1]
        for user in options.users
    }
    print(f"Built a {options.people}-person demo in {time.monotonic() - started:.0f} s")

    import django

    django.setup()
    import schemathesis
    from django.contrib.auth.models import User

    from desist.audit.context import actor_for_user
    from desist.audit.models import Channel
    from desist.people.selectors import visible_people
    from tests.api_fuzz import PATH_MODELS, Caller, agency_may_see, fuzz

    callers, visible = [], {}
    for username in options.users:
        actor = actor_for_user(User.objects.get(username=username), channel=Channel.API)
        visible[username] = set(visible_people(actor).values_list("pk", flat=True))
        callers.append(
            Caller(
                username,
                {"Authorization": f"Bearer {tokens[username]}", "X-Desist-Purpose": "case_management"},
                agency_may_see(actor),
            )
        )

    from django.apps import apps

    rng = random.Random(options.seed)
    first, second = (visible[u] for u in options.users)
    ids = {
        "person_id": (
            rng.sample(sorted(first - second), min(10, len(first - second)))
            + rng.sample(sorted(second - first), min(10, len(second - first)))
        )
    }
    for name, label in PATH_MODELS.items():
        if name != "person_id":
            pks = sorted(apps.get_model(label).objects.values_list("pk", flat=True))
            ids[name] = rng.sample(pks, min(20, len(pks)))

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "config.wsgi",
        "--workers",
        "2",
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]
    server_log = (workdir / "server.log").open("w")  # Django logs every 4xx; keep them out of the figures
    server = subprocess.Popen(gunicorn, cwd=ROOT, env=env, stdout=server_log, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        _wait_for(f"{base}/accounts/login/")
        schema = schemathesis.openapi.from_dict(_schema(base, options.users[0], passwords[options.users[0]]))
        started = time.monotonic()
        report = fuzz(
            schema,
            callers,
            ids=ids,
            max_examples=options.examples,
            seed=options.seed,
            send=lambda case: case.call(base_url=base),
        )
        took = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
        server_log.close()
    print(
        f"Users: {', '.join(f'{u} (sees {len(visible[u])} people)' for u in options.users)}; "
        f"path ids tried: {sum(len(v) for v in ids.values())}"
    )
    print(f"{report.summary()}; {took:.0f} s")
    print(f"Server log: {workdir / 'server.log'}")
    for failure, example in sorted(report.examples.items()):
        print(f"\n{failure}\n  {example}")
    sys.exit(1 if report.failures else 0)


if __name__ == "__main__":
    main()
