#!/usr/bin/env bash
# Cloud storage emulators for the artifact store tests: GCS (the firebase-tools shim in
# ../shared/test-infra/gcs-emulator), S3 (moto, in the machine's Python) and Azure Blob (azurite).
#
#   scripts/emulators.sh install              install the npm packages into the cache (idempotent)
#   scripts/emulators.sh start STATE_DIR      start all three on free loopback ports; prints `export VAR=...` lines
#   scripts/emulators.sh stop STATE_DIR       stop what `start` started (by the PIDs it recorded)
#
# The npm packages live outside the repo, in ${SHARPFLOW_CACHE:-~/.cache/sharpflow}: firebase-tools is ~300 MB
# and takes minutes to install, so one install is kept per hash of the shim's package.json (npm's own cache,
# ~/.npm, makes a re-install after a shim change fast). An emulator that cannot start is reported on stderr and
# its variable is left out: the tests then fail under CI=true and skip with a message elsewhere.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARPFLOW_SHARED_DIR:-$(cd "$ROOT/.." && pwd)/shared}
SHIM_SRC="$SHARED/test-infra/gcs-emulator"
CACHE=${SHARPFLOW_CACHE:-$HOME/.cache/sharpflow}
AZURITE_VERSION=3.35.0 # the version ../shared/test-infra/README.md was tried with
# Azurite's well-known development account (public, documented by Microsoft).
AZ_ACCOUNT=devstoreaccount1
AZ_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

log() { echo "emulators: $*" >&2; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Waits until something answers HTTP on the port (any status: the emulators answer 4xx on "/").
wait_http() {
  local port=$1 pid=$2 name=$3 deadline=$((SECONDS + ${4:-60}))
  while [ $SECONDS -lt $deadline ]; do
    if ! kill -0 "$pid" 2>/dev/null; then log "$name exited during start-up"; return 1; fi
    if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/"; then return 0; fi
    sleep 0.2
  done
  log "$name did not answer on port $port in time"; return 1
}

gcs_dir() { echo "$CACHE/gcs-emulator-$(sha256sum "$SHIM_SRC/package.json" | cut -c1-16)"; }
azurite_dir() { echo "$CACHE/azurite-$AZURITE_VERSION"; }

# npm install into a temporary folder renamed into place, under a lock, so a half-done install is never used.
npm_install_into() {
  local dir=$1; shift
  [ -d "$dir/node_modules" ] && return 0
  mkdir -p "$CACHE"
  (
    flock 9
    [ -d "$dir/node_modules" ] && exit 0
    local tmp="$dir.tmp.$$"
    rm -rf "$tmp"; mkdir -p "$tmp"
    "$@" "$tmp"
    (cd "$tmp" && npm install --no-audit --no-fund --loglevel=error >&2)
    rm -rf "$dir"; mv "$tmp" "$dir"
  ) 9>"$dir.lock"
}

install() {
  local started=$SECONDS
  if [ -d "$SHIM_SRC" ]; then
    [ -d "$(gcs_dir)/node_modules" ] || log "installing the GCS shim's packages into $(gcs_dir) (firebase-tools, ~300 MB; minutes the first time)"
    npm_install_into "$(gcs_dir)" cp "$SHIM_SRC/package.json"
  else
    log "no GCS shim at $SHIM_SRC"
  fi
  [ -d "$(azurite_dir)/node_modules" ] || log "installing azurite $AZURITE_VERSION into $(azurite_dir)"
  npm_install_into "$(azurite_dir)" write_azurite_package
  log "packages ready ($((SECONDS - started)) s)"
}

write_azurite_package() {
  printf '{ "name": "sharpflow-azurite", "private": true, "dependencies": { "azurite": "%s" } }\n' "$AZURITE_VERSION" >"$1/package.json"
}

# Starts a command in its own session (so stop can end its whole process group), recording its PID.
spawn() {
  local state=$1 name=$2; shift 2
  setsid "$@" >"$state/$name.log" 2>&1 </dev/null &
  echo $! >"$state/$name.pid"
  echo $!
}

start() {
  local state=$1
  mkdir -p "$state"
  install || log "package install failed; starting what can start"

  # GCS: run a copy of the shim beside a link to the cached node_modules (the shim loads modules from __dirname).
  local dir; dir=$(gcs_dir)
  if [ -d "$dir/node_modules" ]; then
    mkdir -p "$state/gcs"
    cp "$SHIM_SRC/gcs-emu.js" "$state/gcs/"
    ln -sfn "$dir/node_modules" "$state/gcs/node_modules"
    local port pid; port=$(free_port)
    # The Firebase storage emulator keeps blobs under os.tmpdir()/firebase and clears that folder when it starts or
    # stops, so two emulators on one machine (a CI run beside a developer's) would delete each other's objects:
    # each gets its own TMPDIR.
    mkdir -p "$state/gcs/tmp"
    pid=$(cd "$state/gcs" && TMPDIR="$state/gcs/tmp" PORT=$port spawn "$state" gcs node gcs-emu.js)
    if wait_http "$port" "$pid" "GCS emulator" 90; then echo "export STORAGE_EMULATOR_HOST=127.0.0.1:$port"; fi
  fi

  # S3: moto's standalone server.
  if python3 -c 'import moto.server' 2>/dev/null; then
    local port pid; port=$(free_port)
    pid=$(spawn "$state" s3 python3 -m moto.server -H 127.0.0.1 -p "$port")
    if wait_http "$port" "$pid" "moto" 60; then echo "export SHARPFLOW_TEST_S3_ENDPOINT=http://127.0.0.1:$port"; fi
  else
    log "moto is not installed in python3 (pip install 'moto[server]')"
  fi

  # Azure Blob: azurite, in memory.
  local az; az=$(azurite_dir)/node_modules/.bin/azurite-blob
  if [ -x "$az" ]; then
    local port pid; port=$(free_port)
    pid=$(cd "$state" && spawn "$state" azurite "$az" --blobHost 127.0.0.1 --blobPort "$port" --inMemoryPersistence \
      --skipApiVersionCheck --disableTelemetry --silent)
    if wait_http "$port" "$pid" "azurite" 60; then
      echo "export SHARPFLOW_TEST_AZURE_CONNECTION_STRING='DefaultEndpointsProtocol=http;AccountName=$AZ_ACCOUNT;AccountKey=$AZ_KEY;BlobEndpoint=http://127.0.0.1:$port/$AZ_ACCOUNT;'"
    fi
  fi
}

stop() {
  local state=$1
  for f in "$state"/*.pid; do
    [ -e "$f" ] || continue
    local pid; pid=$(cat "$f")
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    rm -f "$f"
  done
}

case "${1:-}" in
  install) install ;;
  start) [ $# -eq 2 ] || { echo "usage: $0 start STATE_DIR" >&2; exit 2; }; start "$2" ;;
  stop) [ $# -eq 2 ] || { echo "usage: $0 stop STATE_DIR" >&2; exit 2; }; stop "$2" ;;
  *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
