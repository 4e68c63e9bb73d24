"""What the access log's hash chain costs: `log_access` (move the chain head, then insert) against a bare
insert of the same entry (what log_access did before the chain), each in its own transaction as a page's
entry is; and how fast `verify_access_log` walks the log.

    .venv/bin/python benchmarks/bench_access_log.py                             # SQLite, temporary
    .venv/bin/python benchmarks/bench_access_log.py --database-url postgres://desist:desist@127.0.0.1:54329/bench_log
    .venv/bin/python benchmarks/bench_access_log.py --entries 5000 --write-docs  # and PostgreSQL, into docs

    .venv/bin/python benchmarks/bench_access_log.py --trim 1000000 \
        --database-url postgres://desist:desist@127.0.0.1:54329/bench_trim      # trimming (retention)

The database must be empty or throwaway (it is migrated, and the log only grows). With --trim N it loads N
entries seven years old and one new one, then times the retention schedule's access-log rule: the plan
(which verifies the part to trim), then `retention --confirm`'s trim (checkpoint, delete, erasure entry,
tombstone), then `verify_access_log` from the checkpoint. With --write-docs the
figures go into docs/benchmarks.md ("The access log's hash chain"); without --database-url it runs SQLite
and, when --postgres-url is given, PostgreSQL too.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks"), str(ROOT / "src")]


def measure(entries: int) -> dict[str, float]:
    """Run inside a configured Django: time both ways of writing and the verification."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, models
    from django.test.utils import CaptureQueriesContext

    from desist.audit.context import system_actor
    from desist.audit.models import AccessLogEntry, Action
    from desist.audit.selectors import access_log_verification
    from desist.audit.services import log_access

    call_command("migrate", "--noinput", verbosity=0)
    actor = system_actor()
    detail = {"sections": ["identity", "sentences", "registers"], "person_ids": list(range(25))}

    def chained(n: int) -> None:
        log_access(
            actor=actor,
            action=Action.CONSULTATION,
            person_id=n,
            summary=f"Viewed record of person {n}",
            detail=detail,
        )

    def bare(n: int) -> None:
        # The insert alone, with made-up chain fields: what writing an entry cost before the chain.
        entry = AccessLogEntry(
            action=Action.CONSULTATION,
            person_id=n,
            summary=f"Viewed record of person {n}",
            detail=detail,
            username="system",
            chain_seq=10**12 + n,
            entry_hash="0" * 64,
        )
        models.Model.save_base(entry, force_insert=True)

    def timed(write: object) -> list[float]:
        times = []
        for n in range(entries):
            start = time.perf_counter()
            write(n)  # type: ignore[operator]
            times.append(time.perf_counter() - start)
        return times

    with CaptureQueriesContext(connection) as queries:
        chained(-1)
    chain_times, bare_times = timed(chained), timed(bare)
    with connection.cursor() as cursor:  # the made-up entries would fail verification: count only the chain
        cursor.execute("SELECT COUNT(*) FROM audit_accesslogentry")
        total = cursor.fetchone()[0]
    start = time.perf_counter()
    result = access_log_verification()
    verify_seconds = time.perf_counter() - start
    return {
        "vendor": connection.vendor,
        "queries": len(queries),
        "entries": entries,
        "rows": total,
        "chain_ms": statistics.median(chain_times) * 1000,
        "bare_ms": statistics.median(bare_times) * 1000,
        "chain_p95_ms": sorted(chain_times)[int(0.95 * entries)] * 1000,
        "bare_p95_ms": sorted(bare_times)[int(0.95 * entries)] * 1000,
        "verify_per_s": result.checked / verify_seconds,
        "checked": result.checked,
    }


def load_chained(entries: int, *, at: object, detail: dict[str, object]) -> None:
    """Load `entries` chained entries, one a second from `at`, by COPY (the hashes worked out here as
    log_entries_append would), then move the chain head on to the last: quicker than appending them."""
    import json as json_module
    from datetime import timedelta

    from desist.audit.chain import FIELDS, GENESIS, canonical_payload, entry_hash
    from desist.audit.models import AccessLogChainHead, AccessLogEntry, Action
    from desist.bulk import copy_rows

    previous = GENESIS

    def rows():  # type: ignore[no-untyped-def]
        nonlocal previous
        for n in range(entries):
            values = {
                "at": at + timedelta(seconds=n),  # type: ignore[operator]
                "user_id": None,
                "username": "pat.probation",
                "agency_code": "probation",
                "action": Action.CONSULTATION.value,
                "channel": "web",
                "person_id": n,
                "object_type": "",
                "object_id": "",
                "summary": f"Viewed record of person {n}",
                "purpose": "case_management",
                "justification": "",
                "recipient": "",
                "detail": detail,
                "ip_address": None,
                "path": f"/people/{n}/",
            }
            previous = entry_hash(previous, n + 1, canonical_payload(values))
            yield (
                *[json_module.dumps(values[k]) if k == "detail" else values[k] for k in FIELDS],
                n + 1,
                previous,
            )

    copy_rows(AccessLogEntry, [*FIELDS, "chain_seq", "entry_hash"], rows())
    AccessLogChainHead.objects.update_or_create(pk=1, defaults={"seq": entries, "entry_hash": previous})


def measure_trim(entries: int) -> dict[str, float]:
    """Run inside a configured Django: load `entries` old entries, then time trimming them."""
    import django

    django.setup()
    from datetime import timedelta

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from desist.audit.context import system_actor
    from desist.audit.models import AccessLogEntry, Action
    from desist.audit.selectors import access_log_trim_plan, access_log_verification
    from desist.audit.services import log_access
    from desist.retention.models import RetentionRule
    from desist.retention.selectors import access_log_before
    from desist.retention.services import retention_delete

    call_command("migrate", "--noinput", verbosity=0)
    actor = system_actor()
    detail = {"sections": ["identity", "sentences", "registers"], "person_ids": list(range(25))}
    old = timezone.now() - timedelta(days=365 * 7)
    start = time.perf_counter()
    load_chained(entries, at=old, detail=detail)
    load_seconds = time.perf_counter() - start
    log_access(actor=actor, action=Action.CONSULTATION, summary="Recent")
    rule = RetentionRule.objects.get(kind="access-log-6y")
    today = timezone.localdate()
    start = time.perf_counter()
    plan = access_log_trim_plan(before=access_log_before(rule, today=today))
    plan_seconds = time.perf_counter() - start
    assert plan.count == entries and not plan.problems, plan.problems
    start = time.perf_counter()
    result = retention_delete(actor=actor, rule=rule, today=today)
    confirm_seconds = time.perf_counter() - start
    assert result.deleted == entries, result
    start = time.perf_counter()
    verified = access_log_verification()
    verify_seconds = time.perf_counter() - start
    assert not verified.problems, verified.problems
    return {
        "vendor": connection.vendor,
        "entries": entries,
        "load_s": load_seconds,
        "plan_s": plan_seconds,
        "confirm_s": confirm_seconds,
        "verify_s": verify_seconds,
        "left": AccessLogEntry.objects.count(),
    }


def run(database_url: str, entries: int, function: str = "measure") -> dict[str, float]:
    """Measure in a child process (one Django per database)."""
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    code = (
        f"import sys; sys.path[:0] = {[str(ROOT), str(ROOT / 'benchmarks'), str(ROOT / 'src')]!r}; "
        f"import json, bench_access_log as b; print(json.dumps(b.{function}({entries})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def line(figures: dict[str, float]) -> str:
    name = {"postgresql": "PostgreSQL 15", "sqlite": "SQLite"}[str(figures["vendor"])]
    return (
        f"| {name} | {figures['queries']} | {figures['chain_ms']:.2f} ms ({figures['chain_p95_ms']:.2f}) | "
        f"{figures['bare_ms']:.2f} ms ({figures['bare_p95_ms']:.2f}) | "
        f"{figures['chain_ms'] - figures['bare_ms']:+.2f} ms | {figures['verify_per_s']:,.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--postgres-url", default="", help="also measure on this (throwaway) PostgreSQL database"
    )
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument("--trim", type=int, default=0, help="time trimming this many entries instead")
    options = parser.parse_args()
    if options.trim:
        url = options.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='desist-bench-trim-')}/log.sqlite3"
        print(json.dumps(run(url, options.trim, "measure_trim"), indent=1))
        return
    urls = [options.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='desist-bench-log-')}/log.sqlite3"]
    if options.postgres_url:
        urls.append(options.postgres_url)
    rows = [line(run(url, options.entries)) for url in urls]
    table = "\n".join(
        [
            "| database | queries per entry | log_access, median (p95) | bare insert, median (p95) | "
            "chain's cost | verify, entries/s |",
            "|---|---|---|---|---|---|",
            *rows,
        ]
    )
    print(table)
    if options.write_docs:
        from bench_pages import write_section

        write_section(
            "access-log-chain",
            "## The access log's hash chain\n\n"
            f"{options.entries:,} entries written one at a time, each in its own transaction as a page's "
            "entry is, on the shared 2-core machine while other work ran. On PostgreSQL `log_access` is one "
            "statement (a `WITH … UPDATE` of the chain head that works out the hash, then the `INSERT`); "
            "on SQLite it is `BEGIN IMMEDIATE`, the head's `UPDATE … RETURNING`, the `INSERT` and "
            "`COMMIT`. The bare insert is the entry alone, as before the chain (one `INSERT`). "
            "`verify_access_log` then walks the whole log.\n\n"
            + table
            + "\n\n`.venv/bin/python benchmarks/bench_access_log.py --entries "
            f"{options.entries} --postgres-url postgres://…/throwaway --write-docs`",
        )


if __name__ == "__main__":
    main()
