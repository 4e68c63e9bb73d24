"""Import a 1,000,000-row extract through the web pages, as a user would (issue 10, item 11): gunicorn
as docs/production.md runs it (default 30 s worker timeout) and the task worker (`manage.py db_worker`)
beside it. Uploads the file, waits on the progress fragment while the worker checks it, confirms, and
waits again while the worker imports it. Meanwhile a probe takes the database's write lock every half
second, as any other writer would, and records the longest wait: on SQLite, the import's one
transaction holds the only write lock.

    .venv/bin/python benchmarks/bench_import_web.py --rows 1000000 --write-docs             # SQLite
    .venv/bin/python benchmarks/bench_import_web.py --rows 1000000 --postgres --write-docs  # and PostgreSQL
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

import pyarrow.csv as pacsv
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks"), str(ROOT / "src")]
from bench_import import build_extract  # noqa: E402
from bench_pages import PG_ENV, write_section  # noqa: E402

PG_ENV = {
    **PG_ENV,
    "PG_TEST_STATE_FILE": str(ROOT / "var" / "pg-bench-import-web.env"),
    "PG_TEST_PORT": "54352",
}
COLUMNS = [
    "record_id",
    "first_name",
    "last_name",
    "date_of_birth",
]  # ~46 bytes a row: 1,000,000 rows fit in 50 MB
PASSWORD = "bench-import-web-Password-1"  # noqa: S105 (a throwaway database)
SETUP = (
    "\n"
    "from desist.partnership.models import Agency, Membership, Role\n"
    "from django.contrib.auth.models import User\n"
    "from desist.audit.context import system_actor\n"
    "from desist.imports import services\n"
    'agency, _ = Agency.objects.get_or_create(code="bench", '
    'defaults={"name": "Benchmark agency", "kind": "police"})\n'
    f'user = User.objects.create_user("bench.analyst", password="{PASSWORD}")\n'
    "Membership.objects.create(user=user, agency=agency, role=Role.ANALYST)\n"
    'services.mapping_save(actor=system_actor(), agency=agency, record_id_column="record_id", '
    'date_format="auto",\n'
    '                      columns={"first_name": "first_name", "last_name": "last_name", '
    '"date_of_birth": "date_of_birth",\n'
    "                               })\n"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LockProbe(threading.Thread):
    """Take the write lock every half second (BEGIN IMMEDIATE on SQLite, a row lock on PostgreSQL's
    task table) and keep the longest wait: what a page saving something would have waited."""

    def __init__(self, database_url: str) -> None:
        super().__init__(daemon=True)
        self.url, self.longest, self.stop = database_url, 0.0, threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.5):
            started = time.perf_counter()
            if self.url.startswith("sqlite"):
                db = sqlite3.connect(self.url.removeprefix("sqlite:///"), timeout=600, isolation_level=None)
                db.execute("BEGIN IMMEDIATE")
                db.execute("ROLLBACK")
                db.close()
            else:
                import psycopg

                with psycopg.connect(self.url.replace("postgres://", "postgresql://")) as db:
                    db.execute("SELECT 1 FROM django_session LIMIT 1 FOR UPDATE")
            self.longest = max(self.longest, time.perf_counter() - started)


def _wait_done(session: requests.Session, base: str, upload_id: int, samples: list[str]) -> float:
    started = time.perf_counter()
    while True:
        response = session.get(
            f"{base}/imports/uploads/{upload_id}/progress/",
            headers={"HX-Request": "true", "X-Desist-Background": "1"},
            timeout=30,
        )
        if response.status_code == 204:
            return time.perf_counter() - started
        text = re.sub(r"<[^>]+>|\s+", " ", response.text).strip()
        shown = re.search(
            r"(Waiting for the task worker|Reading the file|Checking rows|Storing the records)"
            r"(?::\s*(\d+)%)?",
            text,
        )
        if shown and (not samples or not samples[-1].startswith(shown.group(1))):
            percent = f" {shown.group(2)}%" if shown.group(2) else ""
            samples.append(f"{shown.group(1)}{percent} at {time.perf_counter() - started:.0f} s")
        time.sleep(1)


def run(database_url: str, file: Path) -> dict[str, float | str | list[str]]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DESIST_LINK_AFTER_IMPORT": "false",
        "DESIST_LOG_LEVEL": "WARNING",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "shell", "-c", SETUP], cwd=ROOT, env=env, check=True, capture_output=True)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    # The command docs/production.md gives (two workers: this machine has two cores).
    web = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    worker = subprocess.Popen([*manage, "db_worker", "--no-startup-delay"], cwd=ROOT, env=env)
    probe = LockProbe(database_url)
    try:
        session = requests.Session()
        for _ in range(120):
            try:
                login = session.get(f"{base}/accounts/login/", timeout=60)
                break
            except requests.RequestException:
                time.sleep(0.5)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)  # type: ignore[union-attr]
        signed_in = session.post(
            f"{base}/accounts/login/",
            data={"username": "bench.analyst", "password": PASSWORD, "csrfmiddlewaretoken": token},
            timeout=30,
        )
        if "sessionid" not in session.cookies:
            raise SystemExit(
                f"sign-in failed ({signed_in.status_code}): "
                + re.sub(r"<[^>]+>|\s+", " ", signed_in.text)[:1500]
            )
        # A session states its purpose before it touches data (docs/security.md).
        stated = session.get(f"{base}/purpose/", timeout=30)
        if "csrfmiddlewaretoken" in stated.text:
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', stated.text).group(1)  # type: ignore[union-attr]
            session.post(
                f"{base}/purpose/",
                data={"purpose": "performance", "next": "/imports/", "csrfmiddlewaretoken": token},
                timeout=30,
            )
        form = session.get(f"{base}/imports/", timeout=30)
        if "csrfmiddlewaretoken" not in form.text:
            raise SystemExit(
                f"no upload form at {form.url} ({form.status_code}): "
                + re.sub(r"<[^>]+>|\s+", " ", form.text)[:1500]
            )
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
        probe.start()
        started = time.perf_counter()
        with file.open("rb") as content:
            sent = session.post(
                f"{base}/imports/",
                files={"file": (file.name, content, "text/csv")},
                data={"csrfmiddlewaretoken": token},
                allow_redirects=False,
                timeout=120,
            )
        upload_seconds = time.perf_counter() - started
        if sent.status_code != 302 or "/imports/uploads/" not in sent.headers.get("Location", ""):
            raise SystemExit(
                f"upload answered {sent.status_code} {sent.headers.get('Location')}: {sent.text[:2000]}"
            )
        upload_id = int(sent.headers["Location"].rstrip("/").rsplit("/", 1)[1])
        samples: list[str] = []
        check_seconds = _wait_done(session, base, upload_id, samples)
        page = session.get(f"{base}/imports/uploads/{upload_id}/", timeout=30).text
        if 'name="mapping"' not in page:
            raise SystemExit(
                "the check did not find the file good: " + re.sub(r"<[^>]+>|\s+", " ", page)[:3000]
            )
        mapping = re.search(r'name="mapping" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        confirmed = time.perf_counter()
        session.post(
            f"{base}/imports/uploads/{upload_id}/import/",
            data={"mapping": mapping, "csrfmiddlewaretoken": token},
            allow_redirects=False,
            timeout=30,
        )
        confirm_seconds = time.perf_counter() - confirmed
        import_seconds = _wait_done(session, base, upload_id, samples)
        result = session.get(f"{base}/imports/uploads/{upload_id}/", timeout=30).text
        if "is imported" not in result:
            raise SystemExit("the import did not finish: " + re.sub(r"<[^>]+>|\s+", " ", result)[:3000])
        total = time.perf_counter() - started
        probe.stop.set()
        probe.join()
        return {
            "upload": upload_seconds,
            "check": check_seconds,
            "confirm": confirm_seconds,
            "import": import_seconds,
            "total": total,
            "lock_wait": probe.longest,
            "samples": samples,
        }
    finally:
        probe.stop.set()
        web.terminate()
        worker.terminate()
        web.wait()
        worker.wait()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--postgres", action="store_true", help="also measure on a throwaway PostgreSQL cluster"
    )
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop gunicorn and the worker on the way out
    with tempfile.TemporaryDirectory(prefix="desist-bench-import-web-") as tmp:
        # Generating a million rows takes minutes: keep the file for the next run.
        file = Path(tempfile.gettempdir()) / f"desist-bench-import-web-{args.rows}-{args.seed}.csv"
        if not file.exists():
            pacsv.write_csv(build_extract(args.rows, args.seed).select(COLUMNS), file)
        size = file.stat().st_size / 1e6
        print(f"{args.rows:,} rows, {len(COLUMNS)} columns, {size:.1f} MB")
        load = os.getloadavg()[0]
        measured = {"SQLite": (run(f"sqlite:///{tmp}/bench.sqlite3", file), load)}
        print(measured["SQLite"])
        if args.postgres:
            out = subprocess.run(
                ["bash", "scripts/pg-test-cluster.sh", "start"],
                cwd=ROOT,
                env=PG_ENV,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            url = out.strip().splitlines()[-1].split("=", 1)[1]
            try:
                load = os.getloadavg()[0]
                measured["PostgreSQL 15"] = (run(url, file), load)
                print(measured["PostgreSQL 15"])
            finally:
                subprocess.run(
                    ["bash", "scripts/pg-test-cluster.sh", "stop"], cwd=ROOT, env=PG_ENV, check=False
                )

    if args.write_docs:
        lines = [
            "## Importing a million-row extract through the web pages",
            "",
            f"A {args.rows:,}-row CSV extract ({size:.0f} MB: record id, first and last name, date of birth) "
            "uploaded at `/imports/` to gunicorn run as docs/production.md says (default 30 s worker "
            "timeout), with `manage.py db_worker` beside it and linking after import switched off. The "
            "upload request only stores the file; the worker checks every row, then, once the user confirms, "
            "imports it in one transaction, writing its progress for the page. *Longest write wait* is the "
            "longest another writer waited for the write lock meanwhile (a probe every half second).",
            "",
            f"```\n.venv/bin/python benchmarks/bench_import_web.py --rows {args.rows}"
            f"{' --postgres' if args.postgres else ''} --write-docs\n```",
            "",
            f"Measured {date.today():%d %b %Y}, 2 cores shared with other work (load average at start "
            "given):",
            "",
            "| database | upload request (s) | check (s) | confirm request (s) | import (s) | upload to "
            "imported (s) | longest write wait (s) | load |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
            *[
                f"| {db} | {r['upload']:.1f} | {r['check']:.0f} | {r['confirm']:.2f} | {r['import']:.0f} | "
                f"{r['total']:.0f} | {r['lock_wait']:.1f} | {load:.1f} |"
                for db, (r, load) in measured.items()
            ],
            "",
            "What the page showed as it polled on SQLite (each stage when first seen; seconds since the "
            "check, then since the confirmation): " + "; ".join(measured["SQLite"][0]["samples"][:12]) + ".",
        ]
        write_section("import-web", "\n".join(lines))


if __name__ == "__main__":
    main()
