#!/usr/bin/env bash
# The whole desist test suite, as CI runs it (`make test` → this script, after `make install`
# has created .venv and built the assets).
#
#   1. ruff check ., ruff format --check . and the layer contracts (lint-imports, [tool.importlinter] in pyproject.toml)
#   2. mypy (files configured in pyproject.toml)
#   3. ensure Chromium is installed (scripts/ensure-chromium.sh)
#   4. two pytest passes side by side (the PostgreSQL one in the background, its output printed after the
#      SQLite one's; each alone left a core idle for much of its time):
#      - on SQLite: everything except browser tests (the analytics core's tests, which touch no
#        database, run here only);
#      - on a throwaway PostgreSQL cluster: the tests that depend on the database engine (marked
#        `postgres`: raw SQL, constraints, locks, bulk loads, the access rule, the demo and the crawl) and
#        the browser tests; PG_ALL=1 runs every application test there instead.
#   5. demo smoke test: `make demo-build DEMO_PEOPLE=3000` twice into a copy of the migrated SQLite
#      file, proving that building the demo from nothing works and is idempotent (the second run finds the
#      demo built and only gives the logins new passwords, so it costs seconds, not a second build).
#   Before step 1, in the background: `manage.py migrate --run-syncdb` into a fresh SQLite file, then the
#   smoke test; the PostgreSQL cluster is started and a database in it migrated. Each pass's test
#   processes copy its migrated database (DESIST_TEST_MIGRATED_DATABASE, tests/migrated_database.py)
#   instead of each migrating its own (30-46 s of CPU each, every pass). Every step from 1 to 4 runs
#   beside the smoke test, which step 5 waits for, printing its output and its exit status (a failure
#   fails the run, as in any other step): nothing waits for the smoke test but the end of the run.
#   Both pytest runs are parallel with pytest-xdist (PYTEST_WORKERS, default 2; 0 or 1 = no xdist), with
#   `--dist loadgroup`: tests marked xdist_group("...") run on one worker (the accessibility crawl's shards,
#   which share the pages they check), the rest wherever a worker is free.
#   The crawl (tests/app/test_crawl.py: a test per demo user) and the accessibility crawl
#   (tests/browser/test_crawl_axe.py: four shards) share one small demo per worker, built once in a
#   database of its own (tests/demo_database.py); what holds across the tests (every user crawled, every
#   URL pattern reached, no title shared, every page found checked) is checked by the one that ends last.
#   The time of each step and the total are printed at the end (docs/benchmarks.md, "Test suite time").
#
# Extra arguments are passed to both pytest runs; PYTEST_ADDOPTS is honoured by pytest.
# Environment: PYTEST_WORKERS (default 2), DEMO_SMOKE_PEOPLE (default 3000),
#              SKIP_DEMO_SMOKE=1 to leave out step 5 (local use only), PG_ALL=1 (step 4's PostgreSQL pass runs
#              every application test on PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
PYTEST_WORKERS=${PYTEST_WORKERS:-2}
DEMO_SMOKE_PEOPLE=${DEMO_SMOKE_PEOPLE:-3000}
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings}

[[ -x $PY ]] || { echo "test: $PY is missing; run 'make install' first" >&2; exit 1; }

in_ci() {
  case ${CI:-} in '' | 0 | false | no) return 1 ;; *) return 0 ;; esac
}

START=$SECONDS
STEP_START=$SECONDS
step_no=0
step_times=()
# CPU seconds (user + system) of this script's finished children so far, from bash's `times`: with the
# wall time it says how busy a step kept the two cores (CPU / wall near 2 means more workers cannot help).
# `times` must run in this shell (a subshell, as in $(…) or a pipe, has no children of its own), so the
# figure is left in CHILDREN_CPU. PostgreSQL's server is not a child: its CPU is not counted.
CHILDREN_CPU=0
children_cpu() {
  times >"$WORK/times"
  CHILDREN_CPU=$(awk 'NR == 2 { split($0, t, /[ ms]+/); printf "%d", t[1] * 60 + t[2] + t[3] * 60 + t[4] }' \
    "$WORK/times")
}
STEP_CPU=0
step_done() {
  children_cpu
  local cpu=$((CHILDREN_CPU - STEP_CPU))
  echo "---- step $step_no done in $((SECONDS - STEP_START))s ($cpu s of CPU in the processes it waited for)"
  step_times+=("$step_no:$((SECONDS - STEP_START))s")
}
step() {
  if ((step_no > 0)); then
    step_done
  fi
  step_no=$((step_no + 1))
  STEP_START=$SECONDS
  children_cpu
  STEP_CPU=$CHILDREN_CPU
  echo
  echo "==== [$step_no/5] $* ===="
}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/desist-test-XXXXXX")
PG_STARTED=0
SMOKE_PID=
PG_MIGRATE_PID=
PG_PASS_PID=
cleanup() {
  local rc=$?
  if [[ -n $PG_PASS_PID ]]; then
    # The PostgreSQL pass's process group (setsid), if the SQLite pass was stopped before it ended.
    kill -TERM -- "-$PG_PASS_PID" 2>/dev/null || true
    wait "$PG_PASS_PID" 2>/dev/null || true
    PG_PASS_PID=
  fi
  if [[ -n $SMOKE_PID ]]; then
    # The demo smoke test's own process group (setsid below), if a step failed before it was waited for.
    kill -TERM -- "-$SMOKE_PID" 2>/dev/null || true
    SMOKE_PID=
  fi
  if [[ -n $PG_MIGRATE_PID ]]; then
    # The PostgreSQL migration's process group (setsid below), stopped before its cluster.
    kill -TERM -- "-$PG_MIGRATE_PID" 2>/dev/null || true
    wait "$PG_MIGRATE_PID" 2>/dev/null || true
    PG_MIGRATE_PID=
  fi
  if ((PG_STARTED)); then
    bash scripts/pg-test-cluster.sh stop || true
    PG_STARTED=0
  fi
  rm -rf -- "$WORK"
  echo
  echo "==== step times: ${step_times[*]:-none} ===="
  if ((rc == 0)); then
    echo "==== all steps passed in $((SECONDS - START))s ===="
  else
    echo "==== FAILED (exit $rc) after $((SECONDS - START))s ====" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Run pytest; exit code 5 ("no tests collected") is accepted only when $1 is "allow-empty".
run_pytest() {
  local allow_empty=$1
  shift
  local rc=0
  # The slowest tests are printed every run, so a test that creeps up is seen before the suite is slow.
  "$PY" -m pytest -q -p no:cacheprovider --durations 40 "$@" </dev/null || rc=$?
  if ((rc == 5)) && [[ $allow_empty == allow-empty ]]; then
    echo "test: no tests collected here; carrying on"
    return 0
  fi
  if ((rc == 5)); then
    echo "test: pytest collected no tests" >&2
  fi
  return "$rc"
}

smoke_people=$DEMO_SMOKE_PEOPLE
if [[ ${SKIP_DEMO_SMOKE:-0} == 1 ]] && ! in_ci; then
  echo "test: demo build smoke test skipped (SKIP_DEMO_SMOKE=1); the SQLite migration still runs"
  smoke_people=
fi
echo "==== SQLite migration and demo build smoke test (step 5) started in the background; output in step 5 ===="
SMOKE_START=$SECONDS
# The migration from nothing, once: the SQLite pass copies its result, and the smoke test builds into a
# copy of it (its own `make demo-build` then finds every migration applied).
# shellcheck disable=SC2016  # expanded by the inner shell
setsid bash -c 'echo "-- manage.py migrate --run-syncdb into a fresh SQLite file"
  DATABASE_URL=sqlite:///$1 $4 manage.py migrate --noinput --run-syncdb -v 0 </dev/null || exit
  touch "$1.done"  # the SQLite pass may start (step 4)
  [[ -n $3 ]] || exit 0
  $4 -c "import sqlite3, sys; sqlite3.connect(sys.argv[1]).backup(sqlite3.connect(sys.argv[2]))" "$1" "$2" ||
    exit
  for run in 1 2; do
    echo "-- demo build, run $run of 2"
    DATABASE_URL=sqlite:///$2 make --no-print-directory demo-build DEMO_PEOPLE="$3" </dev/null || exit
  done' demo-smoke "$WORK/migrated.sqlite3" "$WORK/demo.sqlite3" "$smoke_people" "$PY" \
  >"$WORK/demo-smoke.log" 2>&1 &
SMOKE_PID=$!

# The PostgreSQL pass's cluster, started now, and a database in it migrated beside steps 1-4 for that pass to
# copy (tests/migrated_database.py).
pg_line=$(bash scripts/pg-test-cluster.sh start)
PG_STARTED=1
[[ $pg_line == DATABASE_URL=postgres://* ]] || { echo "test: unexpected output from pg-test-cluster: $pg_line" >&2; exit 1; }
PG_URL=${pg_line#DATABASE_URL=}
PG_MIGRATED=desist_migrated
# shellcheck disable=SC2016  # expanded by the inner shell
setsid bash -c '$1 -c "import psycopg, sys; psycopg.connect(sys.argv[1], autocommit=True).execute(
      \"CREATE DATABASE $2\")" "$3" || exit
    DATABASE_URL=${3%/*}/$2 $1 manage.py migrate --noinput --run-syncdb -v 0 </dev/null' \
  pg-migrate "$PY" "$PG_MIGRATED" "$PG_URL" >"$WORK/pg-migrate.log" 2>&1 &
PG_MIGRATE_PID=$!

step "ruff check ., ruff format --check . and the layer contracts"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/lint-imports --no-cache

step "mypy"
.venv/bin/mypy

step "Chromium"
if ! bash scripts/ensure-chromium.sh; then
  if in_ci; then
    echo "test: Chromium is required in CI" >&2
    exit 1
  fi
  echo "test: WARNING: no Chromium; browser tests will be skipped" >&2
fi

xdist_args=()
if ((PYTEST_WORKERS > 1)); then
  xdist_args=(-n "$PYTEST_WORKERS" --dist loadgroup)
fi

step "pytest on SQLite and on PostgreSQL, side by side"
# The SQLite pass copies the migrated file, which the smoke test's job makes first.
while [[ ! -e $WORK/migrated.sqlite3.done ]] && kill -0 "$SMOKE_PID" 2>/dev/null; do
  sleep 1
done
if [[ ! -e $WORK/migrated.sqlite3.done ]]; then
  cat "$WORK/demo-smoke.log"
  echo "test: migrating the SQLite database failed" >&2
  exit 1
fi
pg_migrate_rc=0
wait "$PG_MIGRATE_PID" || pg_migrate_rc=$?
PG_MIGRATE_PID=
if ((pg_migrate_rc != 0)); then
  cat "$WORK/pg-migrate.log"
  echo "test: migrating the PostgreSQL database $PG_MIGRATED failed (exit $pg_migrate_rc)" >&2
  exit "$pg_migrate_rc"
fi
# The core's tests need no database: they run in the SQLite pass only.
pg_marks="postgres or browser"
[[ ${PG_ALL:-0} == 1 ]] && pg_marks=""
# The PostgreSQL pass in the background, its output to a file printed after the SQLite pass's: each pass
# alone keeps the two cores busy only part of the time (a long test at the end, a build that others wait
# for, the server's and Chromium's waits), and side by side they fill each other's gaps. Its CPU is printed
# by its own shell (`times`), as this shell's `times` counts only children it has waited for.
# shellcheck disable=SC2016  # expanded by the inner shell
setsid bash -c 'started=$SECONDS
  rc=0
  DATABASE_URL=$1 DESIST_TEST_MIGRATED_DATABASE=$2 "$3" -m pytest -q -p no:cacheprovider --durations 40 \
    -m "$4" --ignore=tests/core "${@:5}" </dev/null || rc=$?
  echo "test: the PostgreSQL pass took $((SECONDS - started))s, exit $rc; CPU (user, system) of its shell, then"
  echo "test: of its processes (pytest, its workers and their Chromiums; not PostgreSQL'"'"'s server):"
  times
  exit "$rc"' pg-pass "$PG_URL" "$PG_MIGRATED" "$PY" "$pg_marks" "${xdist_args[@]}" "$@" \
  >"$WORK/pg-pass.log" 2>&1 &
PG_PASS_PID=$!

echo "---- the SQLite pass (not browser tests); the PostgreSQL pass (tests that depend on the database engine,"
echo "---- and the browser tests) runs beside it, its output follows"
sqlite_rc=0
sqlite_started=$SECONDS
DATABASE_URL="sqlite:///$WORK/test.sqlite3" DESIST_TEST_MIGRATED_DATABASE="$WORK/migrated.sqlite3" \
  run_pytest allow-empty -m "not browser" "${xdist_args[@]}" "$@" || sqlite_rc=$?
echo "test: the SQLite pass took $((SECONDS - sqlite_started))s, exit $sqlite_rc"

pg_rc=0
wait "$PG_PASS_PID" || pg_rc=$?
PG_PASS_PID=
echo
echo "---- the PostgreSQL pass"
cat "$WORK/pg-pass.log"
if ((pg_rc == 5)); then
  echo "test: pytest collected no tests on PostgreSQL" >&2
fi
bash scripts/pg-test-cluster.sh stop
PG_STARTED=0
if ((sqlite_rc != 0 || pg_rc != 0)); then
  echo "test: the SQLite pass exited $sqlite_rc, the PostgreSQL pass $pg_rc" >&2
  exit 1
fi

step "SQLite migration and demo build smoke test (DEMO_PEOPLE=${smoke_people:-skipped}, twice; beside steps 1-4)"
smoke_rc=0
wait "$SMOKE_PID" || smoke_rc=$?
SMOKE_PID=
cat "$WORK/demo-smoke.log"
echo "test: the migration and demo build smoke test took $((SECONDS - SMOKE_START))s from their start, beside steps 1-4"
if ((smoke_rc != 0)); then
  echo "test: the SQLite migration or the demo build smoke test failed (exit $smoke_rc)" >&2
  exit "$smoke_rc"
fi
step_done
