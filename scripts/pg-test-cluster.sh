#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for Sharpflow's tests.
#
#   scripts/pg-test-cluster.sh start DIR PORT   # prints postgresql://postgres@127.0.0.1:PORT/postgres
#   scripts/pg-test-cluster.sh stop DIR         # stops it and removes what `start` created
#
# Durability is switched off on purpose: the data is disposable and the tests
# create/drop many databases, which is dominated by fsync otherwise.
# Env: PG_BIN overrides the server binaries (default: PostgreSQL 15's).
set -euo pipefail

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"

die() { echo "pg-test-cluster: $*" >&2; exit 1; }
log() { echo "pg-test-cluster: $*" >&2; }

usage() {
  sed -n '4,5p' "$0" | sed 's/^#   //' >&2
  exit 2
}

# PostgreSQL refuses to run as root, so as root everything runs as `postgres`;
# as an ordinary user (typical CI) it runs as that user.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

is_running() {
  [ -f "$1/data/PG_VERSION" ] && as_owner "$PG_BIN/pg_ctl" -D "$1/data" status >/dev/null 2>&1
}

cmd_start() {
  local dir="$1" port="$2"
  [[ "$port" =~ ^[0-9]+$ ]] || die "PORT must be a number, got '$port'"
  [ -x "$PG_BIN/initdb" ] || die "no PostgreSQL binaries in $PG_BIN (set PG_BIN)"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"

  if is_running "$dir"; then
    local running_port
    running_port="$(cat "$dir/port" 2>/dev/null || echo "$port")"
    [ "$running_port" = "$port" ] || log "already running on port $running_port (not $port)"
    echo "postgresql://postgres@127.0.0.1:$running_port/postgres"
    return 0
  fi

  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$dir"
    # The server must be able to reach DIR; a root-only parent (e.g. /root) would
    # make every later step fail with a less obvious message.
    runuser -u postgres -- test -x "$dir" || die "user postgres cannot access $dir (pick a directory under /tmp)"
  fi

  if [ ! -f "$dir/data/PG_VERSION" ]; then
    rm -rf "$dir/data"
    # --no-sync: initdb's own fsyncs are most of its run time.
    as_owner "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  fi

  as_owner mkdir -p "$dir/socket"
  # postgresql.auto.conf is read last, so this overrides whatever initdb wrote and
  # rewriting it on every start keeps a changed PORT effective.
  as_owner tee "$dir/data/postgresql.auto.conf" >/dev/null <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/socket'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
logging_collector = off
CONF
  # initdb --auth=trust already trusts local and 127.0.0.1; written anyway so the
  # result does not depend on the distribution's initdb defaults. Members of the role
  # sharpflow_password_login (created by tests that need it) must send a real password over TCP,
  # so password handling (e.g. Cloud SQL IAM tokens as passwords) can be tested.
  as_owner tee "$dir/data/pg_hba.conf" >/dev/null <<HBA
local all all trust
host  all +sharpflow_password_login 127.0.0.1/32 scram-sha-256
host  all all 127.0.0.1/32 trust
host  all all ::1/128 trust
HBA
  echo "$port" | as_owner tee "$dir/port" >/dev/null

  if ! as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start >/dev/null; then
    tail -n 20 "$dir/postgres.log" >&2 || true
    die "server did not start (port $port in use?)"
  fi
  # pg_ctl -w waits for the socket; make sure TCP answers as well since that is what tests use.
  for _ in $(seq 1 50); do
    if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres; then
      echo "postgresql://postgres@127.0.0.1:$port/postgres"
      return 0
    fi
    sleep 0.1
  done
  die "server started but 127.0.0.1:$port does not answer"
}

cmd_stop() {
  local dir="$1"
  [ -d "$dir" ] || { log "$dir does not exist; nothing to stop"; return 0; }
  dir="$(cd "$dir" && pwd)"
  if is_running "$dir"; then
    # immediate: no checkpoint, the data is thrown away right after.
    as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
  fi
  # Only remove what `start` created, never DIR's other contents.
  rm -rf "$dir/data" "$dir/socket" "$dir/port" "$dir/postgres.log" "$dir/initdb.log"
  rmdir "$dir" 2>/dev/null || true
}

case "${1:-}" in
  start) [ $# -eq 3 ] || usage; cmd_start "$2" "$3" ;;
  stop)  [ $# -eq 2 ] || usage; cmd_stop "$2" ;;
  *) usage ;;
esac
