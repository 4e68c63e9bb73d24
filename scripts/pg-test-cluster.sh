#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the test suite.
#
#   bash scripts/pg-test-cluster.sh start    # prints one line: DATABASE_URL=postgres://desist:desist@127.0.0.1:PORT/desist
#   bash scripts/pg-test-cluster.sh status   # prints the same line if the cluster is running, else exits 1
#   bash scripts/pg-test-cluster.sh stop     # stops the server and deletes its data directory
#
# Typical use:   export "$(bash scripts/pg-test-cluster.sh start)"
#                trap 'bash scripts/pg-test-cluster.sh stop' EXIT
#
# The cluster lives in a fresh /tmp/desist-pg-XXXXXX directory (data, unix socket, log),
# listens on 127.0.0.1 only, on port 54329 or the next free one (PG_TEST_PORT overrides
# the starting port), and trades durability for speed (fsync, synchronous_commit and
# full_page_writes off). Role and database `desist` (password `desist`) are created; the
# role is a superuser so pytest-django can create and drop its test databases.
# State (DATABASE_URL, data directory, ...) goes to var/pg-test-cluster.env, and `start`
# reuses the cluster it points to if that is still running.
#
# Works as root (server commands run as the `postgres` user via runuser) or as an
# ordinary user (they run as that user). If no PostgreSQL server binaries are found,
# installs Debian's `postgresql` package (needs root).
# Only the DATABASE_URL line goes to stdout; everything else goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
STATE_FILE=${PG_TEST_STATE_FILE:-$ROOT/var/pg-test-cluster.env}
START_PORT=${PG_TEST_PORT:-54329}

log() { echo "pg-test-cluster: $*" >&2; }
die() { echo "pg-test-cluster: ERROR: $*" >&2; exit 1; }

find_bindir() {
  local initdb
  initdb=$(printf '%s\n' /usr/lib/postgresql/*/bin/initdb | grep -v '\*' | sort -V | tail -n 1 || true)
  if [[ -n $initdb ]]; then
    dirname "$initdb"
  elif command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
  fi
}

ensure_server_binaries() {
  BINDIR=$(find_bindir)
  if [[ -z $BINDIR ]]; then
    [[ $(id -u) -eq 0 ]] || die "no PostgreSQL server binaries found; install them (apt-get install -y postgresql)"
    log "installing PostgreSQL server binaries (apt-get install -y postgresql)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends postgresql >&2
    BINDIR=$(find_bindir)
    [[ -n $BINDIR ]] || die "PostgreSQL installed but no initdb found under /usr/lib/postgresql/*/bin"
  fi
}

# Server-side commands cannot run as root: run them as `postgres` when we are root.
as_pg() {
  if [[ $(id -u) -eq 0 ]]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

ensure_postgres_user() {
  if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
    log "creating system user postgres"
    useradd --system --home-dir /var/lib/postgresql --shell /bin/bash --user-group postgres
  fi
}

port_in_use() {
  # Something accepting TCP connections on the port, or a stale socket lock?
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
  return 1
}

load_state() {
  # shellcheck disable=SC2034  # PG_SOCKDIR is for callers that source the state file
  DATABASE_URL='' PG_DATADIR='' PG_BASEDIR='' PG_PORT='' PG_BINDIR='' PG_SOCKDIR=''
  [[ -f $STATE_FILE ]] || return 1
  # shellcheck disable=SC1090
  source "$STATE_FILE"
  [[ -n $PG_DATADIR && -n $PG_BINDIR ]]
}

is_running() {
  [[ -n ${PG_DATADIR:-} && -d $PG_DATADIR && -x ${PG_BINDIR:-}/pg_ctl ]] || return 1
  as_pg "$PG_BINDIR/pg_ctl" status -D "$PG_DATADIR" >/dev/null 2>&1 || return 1
  "$PG_BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -d desist -U desist >/dev/null 2>&1
}

cleanup_dir() {
  local dir=$1
  # Only ever delete our own throwaway directories.
  case $dir in
    /tmp/desist-pg-* | "${TMPDIR:-/tmp}"/desist-pg-*) rm -rf -- "$dir" ;;
    *) log "not deleting unexpected directory $dir" ;;
  esac
}

cmd_start() {
  if load_state && is_running; then
    log "reusing running cluster in $PG_BASEDIR (port $PG_PORT)"
    echo "DATABASE_URL=$DATABASE_URL"
    return 0
  fi
  if [[ -n ${PG_BASEDIR:-} && -d ${PG_BASEDIR:-} ]]; then
    log "removing stale cluster directory $PG_BASEDIR"
    as_pg "$PG_BINDIR/pg_ctl" stop -D "$PG_DATADIR" -m immediate >/dev/null 2>&1 || true
    cleanup_dir "$PG_BASEDIR"
  fi
  rm -f "$STATE_FILE"

  ensure_server_binaries
  ensure_postgres_user

  local base data sock logfile
  base=$(mktemp -d "${TMPDIR:-/tmp}/desist-pg-XXXXXX")
  data=$base/data
  sock=$base/sock
  logfile=$base/server.log
  mkdir -p "$sock"
  if [[ $(id -u) -eq 0 ]]; then
    chown -R postgres: "$base"
  fi
  chmod 0700 "$base"

  log "initdb ($BINDIR) in $data"
  if ! as_pg "$BINDIR/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$base/initdb.log" 2>&1; then
    cat "$base/initdb.log" >&2
    cleanup_dir "$base"
    die "initdb failed"
  fi
  cat >>"$data/postgresql.conf" <<EOF

# --- desist throwaway test cluster: speed over durability ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$sock'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
shared_buffers = 64MB
log_min_messages = warning
log_min_error_statement = panic
EOF

  local port=$START_PORT started=0 attempt
  for attempt in $(seq 1 40); do
    if port_in_use "$port" || [[ -e /tmp/.s.PGSQL.$port.lock ]]; then
      port=$((port + 1))
      continue
    fi
    if as_pg "$BINDIR/pg_ctl" start -D "$data" -l "$logfile" -w -t 60 -o "-p $port" >/dev/null 2>&1; then
      started=1
      break
    fi
    log "could not start on port $port (attempt $attempt); trying the next port"
    port=$((port + 1))
  done
  if [[ $started != 1 ]]; then
    tail -n 30 "$logfile" >&2 2>/dev/null || true
    cleanup_dir "$base"
    die "PostgreSQL did not start"
  fi

  if ! as_pg "$BINDIR/psql" -X -q -h "$sock" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE desist LOGIN SUPERUSER PASSWORD 'desist'" \
    -c "CREATE DATABASE desist OWNER desist" >&2; then
    as_pg "$BINDIR/pg_ctl" stop -D "$data" -m immediate >/dev/null 2>&1 || true
    cleanup_dir "$base"
    die "could not create role/database desist"
  fi

  local url="postgres://desist:desist@127.0.0.1:$port/desist"
  mkdir -p "$(dirname "$STATE_FILE")"
  cat >"$STATE_FILE" <<EOF
DATABASE_URL=$url
PG_BASEDIR=$base
PG_DATADIR=$data
PG_SOCKDIR=$sock
PG_PORT=$port
PG_BINDIR=$BINDIR
EOF
  log "PostgreSQL $("$BINDIR/postgres" --version | awk '{print $3}') running on 127.0.0.1:$port (data: $data)"
  echo "DATABASE_URL=$url"
}

cmd_stop() {
  if ! load_state; then
    log "no cluster recorded in $STATE_FILE; nothing to stop"
    rm -f "$STATE_FILE"
    return 0
  fi
  if [[ -d $PG_DATADIR ]]; then
    as_pg "$PG_BINDIR/pg_ctl" stop -D "$PG_DATADIR" -m fast -w -t 30 >/dev/null 2>&1 ||
      as_pg "$PG_BINDIR/pg_ctl" stop -D "$PG_DATADIR" -m immediate >/dev/null 2>&1 || true
  fi
  [[ -n $PG_BASEDIR ]] && cleanup_dir "$PG_BASEDIR"
  rm -f "$STATE_FILE"
  log "stopped and removed $PG_BASEDIR"
}

cmd_status() {
  if load_state && is_running; then
    echo "DATABASE_URL=$DATABASE_URL"
  else
    log "not running"
    return 1
  fi
}

case ${1:-} in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
