#!/usr/bin/env bash
# Runs every Sharpflow test: unit and HTTP suites (SQLite and PostgreSQL) and the MLflow replay corpus.
# Starts a throwaway PostgreSQL when SHARPFLOW_TEST_PG is not set, and the GCS, S3 and Azure storage emulators
# (scripts/emulators.sh) unless STORAGE_EMULATOR_HOST, SHARPFLOW_TEST_S3_ENDPOINT and
# SHARPFLOW_TEST_AZURE_CONNECTION_STRING are all set already.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SHARED=${SHARPFLOW_SHARED_DIR:-$(cd "$ROOT/.." && pwd)/shared}
export SHARPFLOW_SHARED_DIR="$SHARED"

PG_DIR=""; EMU_DIR=""
cleanup() {
  if [ -n "$PG_DIR" ]; then bash "$ROOT/scripts/pg-test-cluster.sh" stop "$PG_DIR" >/dev/null 2>&1 || true; fi
  if [ -n "$EMU_DIR" ]; then bash "$ROOT/scripts/emulators.sh" stop "$EMU_DIR" >/dev/null 2>&1 || true; rm -rf "$EMU_DIR"; fi
  # The test logs stay only when something failed (their folder is printed then).
  if [ -n "${LOG_DIR:-}" ] && [ "${status:-1}" = 0 ]; then rm -rf "$LOG_DIR"; fi
}
trap cleanup EXIT
# The emulators start (and, the first time, install: minutes) while the solution builds.
if [ -z "${STORAGE_EMULATOR_HOST:-}" ] || [ -z "${SHARPFLOW_TEST_S3_ENDPOINT:-}" ] || [ -z "${SHARPFLOW_TEST_AZURE_CONNECTION_STRING:-}" ]; then
  EMU_DIR=$(mktemp -d /tmp/sharpflow-emu.XXXXXX)
  bash "$ROOT/scripts/emulators.sh" start "$EMU_DIR" >"$EMU_DIR/env.sh" &
  EMU_PID=$!
fi
if [ -z "${SHARPFLOW_TEST_PG:-}" ]; then
  PG_DIR=$(mktemp -d /tmp/sharpflow-pg.XXXXXX)
  PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  SHARPFLOW_TEST_PG=$(bash "$ROOT/scripts/pg-test-cluster.sh" start "$PG_DIR" "$PG_PORT")
  export SHARPFLOW_TEST_PG
fi
echo "PostgreSQL for tests: $SHARPFLOW_TEST_PG"

dotnet build Sharpflow.slnx -c Release -nologo -clp:ErrorsOnly
if [ -n "$EMU_DIR" ]; then
  wait "$EMU_PID" || echo "emulators: start failed (the cloud store tests fail under CI=true, skip otherwise)" >&2
  # shellcheck disable=SC1091
  source "$EMU_DIR/env.sh"
fi
echo "Storage emulators: GCS ${STORAGE_EMULATOR_HOST:-missing}, S3 ${SHARPFLOW_TEST_S3_ENDPOINT:-missing}, Azure $([ -n "${SHARPFLOW_TEST_AZURE_CONNECTION_STRING:-}" ] && echo running || echo missing)"

passed=0; failed=0; status=0
# Each run's own log folder: runs in other checkouts (or sessions) on this machine must not read each other's logs.
LOG_DIR=$(mktemp -d /tmp/sharpflow-test-logs.XXXXXX)

# The published server (Native AOT, as the container ships it), alongside the suites: the Cloud Run smoke test
# (PostgreSQL socket + GCS emulator), then the replay corpus on PostgreSQL, so that anything that only breaks without a
# JIT (reflection, dynamic code) fails here and not in production.
PUB_DIR=$(mktemp -d /tmp/sharpflow-publish.XXXXXX)
(
  if ! bash scripts/publish.sh "$PUB_DIR/app" >"$LOG_DIR/publish.log" 2>&1; then echo "publish failed" >"$LOG_DIR/published.status"; exit 1; fi
  python3 tests/deploy/cloud_run_smoke.py --publish-dir "$PUB_DIR/app" >"$LOG_DIR/cloud_run_smoke.log" 2>&1; smoke=$?
  python3 tests/replay/run_replay.py --server "$PUB_DIR/app/sharpflow" --shared "$SHARED" --pg "$SHARPFLOW_TEST_PG" \
    >"$LOG_DIR/replay-published.log" 2>&1; replay=$?
  echo "$smoke $replay" >"$LOG_DIR/published.status"
) &
PUBLISHED_PID=$!
for proj in tests/*/*.csproj; do
  name=$(basename "$proj" .csproj)
  trx="$ROOT/TestResults/$name.trx"
  if dotnet test "$proj" -c Release --no-build -nologo --logger "trx;LogFileName=$trx" 2>&1 | tee "$LOG_DIR/$name.log" | grep -E "Passed!|Failed!|error|Failed " ; then :; fi
  line=$(grep -E "(Passed|Failed)!" "$LOG_DIR/$name.log" | tail -1 || true)
  p=$(echo "$line" | sed -nE 's/.*Passed: *([0-9]+).*/\1/p'); f=$(echo "$line" | sed -nE 's/.*Failed: *([0-9]+),.*/\1/p')
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  if [ -z "$line" ] || [ "${f:-0}" != "0" ]; then status=1; [ -z "$line" ] && failed=$((failed + 1)); fi
done

# The replay corpus, against fresh servers on SQLite and on PostgreSQL.
for backend in sqlite postgresql; do
  extra=(); [ "$backend" = postgresql ] && extra=(--pg "$SHARPFLOW_TEST_PG")
  if python3 tests/replay/run_replay.py --server "$ROOT/src/Sharpflow.Cli/bin/Release/net10.0/sharpflow" --shared "$SHARED" "${extra[@]}"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); status=1
  fi
done
wait "$PUBLISHED_PID" || true
read -r smoke replay < "$LOG_DIR/published.status" 2>/dev/null || { smoke="publish failed"; replay=""; }
if [ "$smoke" = 0 ]; then passed=$((passed + 1)); tail -n 1 "$LOG_DIR/cloud_run_smoke.log"
else
  failed=$((failed + 1)); status=1
  tail -n 30 "$LOG_DIR/publish.log" "$LOG_DIR/cloud_run_smoke.log" 2>/dev/null
fi
if [ "$replay" = 0 ]; then passed=$((passed + 1)); sed 's/^/published (Native AOT) /' "$LOG_DIR/replay-published.log" | tail -n 1
else failed=$((failed + 1)); status=1; sed 's/^/published (Native AOT) /' "$LOG_DIR/replay-published.log" 2>/dev/null | tail -n 30; fi
rm -rf "$PUB_DIR"
# The web UI (ui/, already installed and built by the dotnet build above): type check, Vitest, then Playwright driving
# Debian's Chromium against a fresh Release server. Without Chromium the end-to-end tests fail under CI=true
# (.ci/run installs it) and are skipped otherwise.
if (cd ui && npx --no -- tsc --noEmit -p .); then passed=$((passed + 1)); else echo "ui: type check failed" >&2; failed=$((failed + 1)); status=1; fi
vitest_json=$(mktemp /tmp/sharpflow-vitest.XXXXXX.json)
(cd ui && npx --no -- vitest run --reporter=default --reporter=json --outputFile.json="$vitest_json") || true
read -r p f < <(python3 -c 'import json,sys
try: d=json.load(open(sys.argv[1])); print(d["numPassedTests"], d["numFailedTests"] + (0 if d.get("success") or d["numFailedTests"] else 1))
except Exception: print(0, 1)' "$vitest_json")
passed=$((passed + p)); failed=$((failed + f)); [ "$f" = 0 ] || status=1
rm -f "$vitest_json"
if command -v chromium >/dev/null 2>&1 || [ -n "${CHROMIUM_PATH:-}" ]; then
  e2e_tap=$(mktemp /tmp/sharpflow-e2e.XXXXXX.tap)
  (cd ui && SHARPFLOW_BIN="$ROOT/src/Sharpflow.Cli/bin/Release/net10.0/sharpflow" node --test \
      --test-reporter=spec --test-reporter-destination=stdout --test-reporter=tap --test-reporter-destination="$e2e_tap" \
      e2e/*.e2e.mjs) || true
  p=$(sed -nE 's/^# pass ([0-9]+)$/\1/p' "$e2e_tap" | tail -1); f=$(sed -nE 's/^# fail ([0-9]+)$/\1/p' "$e2e_tap" | tail -1)
  [ -z "$p" ] && f=$(( ${f:-0} + 1 ))  # the run itself broke
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); [ "${f:-0}" = 0 ] || { status=1; echo "ui e2e: screenshots of failures in ui/test-results/" >&2; }
  rm -f "$e2e_tap"
elif [ "${CI:-}" = true ]; then
  echo "ui e2e: chromium is missing" >&2; failed=$((failed + 1)); status=1
else
  echo "ui e2e: skipped (apt-get install -y chromium to run them)" >&2
fi

[ "$status" = 0 ] || echo "test logs: $LOG_DIR" >&2
echo "$passed passed, $failed failed"
exit $status
