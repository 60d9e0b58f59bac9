#!/usr/bin/env bash
# Sharpflow speed benchmark: startup time, memory, and the shared mlbench driver.
#
#   bench/run.sh [--pg | --pg-only] [--scale medium|small] [--label NAME] [--no-build | --publish]
#                [--startups N] [--no-keepalive] [--pg-nondurable]
#
# It benchmarks the Release build (src/Sharpflow.Cli/bin/Release/net10.0/sharpflow), or with --publish what a deployment
# runs: `dotnet publish -r linux-x64` (ReadyToRun, see Sharpflow.Cli.csproj) into a temporary folder.
# For each backend (SQLite; PostgreSQL with --pg/--pg-only) it:
#   1. starts Sharpflow N times on a fresh database and once on an existing (migrated, empty) one,
#      timing process start -> first 200 on /health (bench/procstat.py polls every 5 ms);
#   2. measures idle RSS of the last fresh start (after IDLE_SETTLE_S seconds, default 3);
#   3. runs ../shared/bench/mlbench.py --scale medium against it (tracking workloads only, see below);
#   4. measures RSS after the run, stops the server.
# Results: bench/results/<label>-<backend>.{json,txt} (mlbench's own output) and
#          bench/results/<label>-<backend>.stats.json (startup, RSS, machine conditions).
#
# All of mlbench's workloads run by default (search_traces reuses otlp_ingest's data); MLBENCH_ONLY overrides the list.
#
# Env: SHARPFLOW_SHARED_DIR (default: ../shared beside the repo), MLBENCH_ONLY, IDLE_SETTLE_S, BENCH_SOURCE,
#      PG_BIN (passed to scripts/pg-test-cluster.sh).
# The PostgreSQL cluster is a throwaway one from scripts/pg-test-cluster.sh. That script turns fsync,
# synchronous_commit and full_page_writes off; this script turns them back on (PostgreSQL's defaults,
# as in the MLflow baseline) unless --pg-nondurable is given.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SHARED=${SHARPFLOW_SHARED_DIR:-$(cd "$ROOT/.." && pwd)/shared}
MLBENCH="$SHARED/bench/mlbench.py"
ONLY=${MLBENCH_ONLY:-create_runs,log_batch,log_metric,search_runs,metric_history,experiments_search,otlp_ingest,search_traces}
IDLE_SETTLE_S=${IDLE_SETTLE_S:-3}
PROCSTAT="$ROOT/bench/procstat.py"
BIN=${SHARPFLOW_BIN:-"$ROOT/src/Sharpflow.Cli/bin/Release/net10.0/sharpflow"}
OUT="$ROOT/bench/results"

backends=(sqlite); scale=medium; label=$(date +%Y%m%d-%H%M%S); build=1; startups=3; keepalive=(); pg_durable=1
while [ $# -gt 0 ]; do
  case "$1" in
    --pg) backends=(sqlite postgresql) ;;
    --pg-only) backends=(postgresql) ;;
    --scale) scale=$2; shift ;;
    --label) label=$2; shift ;;
    --no-build) build=0 ;;
    --publish) build=publish ;;
    --startups) startups=$2; shift ;;
    --no-keepalive) keepalive=(--no-keepalive) ;;
    --pg-nondurable) pg_durable=0 ;;
    -h|--help) sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
[ -f "$MLBENCH" ] || { echo "run.sh: $MLBENCH not found (set SHARPFLOW_SHARED_DIR)" >&2; exit 2; }
[ "$startups" -ge 1 ] || { echo "run.sh: --startups must be >= 1" >&2; exit 2; }
mkdir -p "$OUT"

log() { echo "[bench] $*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
jget() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

WORK=$(mktemp -d /tmp/sharpflow-bench.XXXXXX)
PG_DIR=""; SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then python3 "$PROCSTAT" stop "$SERVER_PID" || true; fi
  if [ -n "$PG_DIR" ]; then bash "$ROOT/scripts/pg-test-cluster.sh" stop "$PG_DIR" >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ "$build" = 1 ]; then
  log "building Release"
  dotnet build "$ROOT/src/Sharpflow.Cli" -c Release -nologo -clp:ErrorsOnly >&2
elif [ "$build" = publish ]; then
  log "publishing Release for linux-x64 (ReadyToRun)"
  dotnet publish "$ROOT/src/Sharpflow.Cli" -c Release -r linux-x64 --self-contained false -o "$WORK/publish" -nologo -clp:ErrorsOnly >&2
  BIN="$WORK/publish/sharpflow"
fi
[ -x "$BIN" ] || { echo "run.sh: $BIN missing (build failed?)" >&2; exit 1; }
build_kind=$([ "$build" = publish ] && echo "publish -r linux-x64 (ReadyToRun)" || echo "dotnet build -c Release")

PG_ADMIN=""
start_pg() {
  PG_DIR=$(mktemp -d /tmp/sharpflow-bench-pg.XXXXXX)   # not under WORK: user postgres must reach it
  local port; port=$(free_port)
  PG_ADMIN=$(bash "$ROOT/scripts/pg-test-cluster.sh" start "$PG_DIR" "$port")
  if [ "$pg_durable" = 1 ]; then
    psql -X -q "$PG_ADMIN" -c "ALTER SYSTEM SET fsync = on" -c "ALTER SYSTEM SET synchronous_commit = on" \
      -c "ALTER SYSTEM SET full_page_writes = on" -c "SELECT pg_reload_conf()" >/dev/null
  fi
  log "PostgreSQL at $PG_ADMIN (fsync=$(psql -X -At "$PG_ADMIN" -c 'SHOW fsync'), synchronous_commit=$(psql -X -At "$PG_ADMIN" -c 'SHOW synchronous_commit'))"
}

# new_store BACKEND N -> prints a backend store URI for a fresh, empty database
new_store() {
  if [ "$1" = sqlite ]; then
    mkdir -p "$WORK/s$2"; echo "sqlite:///$WORK/s$2/mlflow.db"
  else
    psql -X -q "$PG_ADMIN" -c "CREATE DATABASE bench_$2" >/dev/null
    echo "${PG_ADMIN%/postgres}/bench_$2"
  fi
}

# start_server URI PORT -> sets SERVER_PID and STARTUP_MS (not in a subshell: call it directly)
start_server() {
  local res
  mkdir -p "$WORK/cwd"   # an empty working directory, as a service would have
  res=$(python3 "$PROCSTAT" start --url "http://127.0.0.1:$2" --pidfile "$WORK/pid" --log "$WORK/server.log" --cwd "$WORK/cwd" -- \
    "$BIN" server --backend-store-uri "$1" --artifacts-destination "$WORK/artifacts" --host 127.0.0.1 --port "$2") || {
    echo "$res" >&2; tail -n 20 "$WORK/server.log" >&2; exit 1; }
  SERVER_PID=$(cat "$WORK/pid")
  STARTUP_MS=$(jget "$res" startup_ms)
}

stop_server() { python3 "$PROCSTAT" stop "$SERVER_PID"; SERVER_PID=""; }

machine() {
  python3 - "$@" <<'PY'
import json, os, subprocess, sys
def top():
    out = subprocess.run(["ps", "-eo", "pcpu,rss,comm", "--sort=-pcpu"], capture_output=True, text=True).stdout.splitlines()
    return [" ".join(l.split()) for l in out[1:8]]
mem = {}
for line in open("/proc/meminfo"):
    k, v = line.split(":", 1)
    if k in ("MemTotal", "MemAvailable"):
        mem[k] = round(int(v.split()[0]) / 1048576, 1)
print(json.dumps({"loadavg": open("/proc/loadavg").read().split()[:3], "cpus": os.cpu_count(),
                  "mem_gib": mem, "top_cpu_processes": top()}))
PY
}

for backend in "${backends[@]}"; do
  log "=== $backend ==="
  [ "$backend" = postgresql ] && start_pg
  machine >"$WORK/before.json"
  port=$(free_port)
  fresh=(); existing=""; idle=""
  for i in $(seq 1 "$startups"); do
    uri=$(new_store "$backend" "$i")
    start_server "$uri" "$port"; fresh+=("$STARTUP_MS")
    log "fresh start $i: $STARTUP_MS ms"
    if [ "$i" = 1 ]; then
      stop_server
      start_server "$uri" "$port"; existing=$STARTUP_MS
      log "start on the existing (migrated, empty) database: $existing ms"
    fi
    if [ "$i" -lt "$startups" ]; then stop_server; fi
  done
  # The last fresh start serves the benchmark (on a database of its own).
  if [ "$startups" = 1 ]; then stop_server; uri=$(new_store "$backend" x); start_server "$uri" "$port"; fi
  sleep "$IDLE_SETTLE_S"
  idle=$(python3 "$PROCSTAT" rss "$SERVER_PID")
  log "idle RSS: $idle"

  base="$OUT/$label-$backend"
  log "mlbench --scale $scale --only $ONLY ${keepalive[*]}"
  set +e
  python3 "$MLBENCH" --url "http://127.0.0.1:$port" --scale "$scale" --only "$ONLY" "${keepalive[@]}" \
    --out "$base.json" 2>"$WORK/mlbench.err" | tee "$base.txt"
  mlrc=${PIPESTATUS[0]}
  set -e
  [ "$mlrc" = 0 ] || { log "mlbench exited $mlrc"; tail -n 30 "$WORK/mlbench.err" >&2; }
  after=$(python3 "$PROCSTAT" rss "$SERVER_PID")
  log "RSS after the run: $after"
  machine >"$WORK/after.json"
  stop_server

  python3 - "$base.stats.json" <<PY
import json, os, subprocess, sys, datetime, statistics
fresh = [float(x) for x in "${fresh[*]}".split()]
def run(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, cwd="$ROOT").stdout.strip()
    except Exception as e:
        return str(e)
stats = {
    "backend": "$backend", "label": "$label", "build": "$build_kind", "scale": "$scale", "workloads": "$ONLY",
    "keepalive": "${keepalive[*]}" == "", "mlbench_exit": $mlrc,
    "when": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    # BENCH_SOURCE describes a tree that is not a git checkout (e.g. an exported snapshot plus a patch).
    "source": os.environ.get("BENCH_SOURCE") or (run("git", "rev-parse", "--short", "HEAD") + (" (dirty)" if run("git", "status", "--porcelain", "src") else "")),
    "sharpflow_version": run("$BIN", "--version"),
    "dotnet_runtimes": [l for l in run("dotnet", "--list-runtimes").splitlines() if "NETCore" in l or "AspNetCore" in l],
    "startup_ms": {"fresh_db": fresh, "fresh_db_median": statistics.median(fresh), "existing_db": float("$existing")},
    "rss": {"idle": json.loads('$idle'), "after_run": json.loads('$after'), "idle_settle_s": float("$IDLE_SETTLE_S")},
    "pg_durable": ("$backend" == "postgresql") and $pg_durable == 1,
    "machine_before": json.load(open("$WORK/before.json")), "machine_after": json.load(open("$WORK/after.json")),
}
json.dump(stats, open(sys.argv[1], "w"), indent=2)
print(json.dumps({k: stats[k] for k in ("backend", "startup_ms", "rss", "mlbench_exit")}))
PY
  if [ "$backend" = postgresql ]; then
    bash "$ROOT/scripts/pg-test-cluster.sh" stop "$PG_DIR" >/dev/null 2>&1 || true; PG_DIR=""
  fi
done
log "results in $OUT/$label-*"
