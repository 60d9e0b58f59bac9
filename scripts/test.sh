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

# The container's server as Cloud Run starts it (publish + PostgreSQL socket + GCS emulator), alongside the suites.
python3 tests/deploy/cloud_run_smoke.py >/tmp/cloud_run_smoke.log 2>&1 &
SMOKE_PID=$!

passed=0; failed=0; status=0
for proj in tests/*/*.csproj; do
  name=$(basename "$proj" .csproj)
  trx="$ROOT/TestResults/$name.trx"
  if dotnet test "$proj" -c Release --no-build -nologo --logger "trx;LogFileName=$trx" 2>&1 | tee "/tmp/$name.log" | grep -E "Passed!|Failed!|error|Failed " ; then :; fi
  line=$(grep -E "(Passed|Failed)!" "/tmp/$name.log" | tail -1 || true)
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
if wait "$SMOKE_PID"; then passed=$((passed + 1)); tail -n 1 /tmp/cloud_run_smoke.log
else failed=$((failed + 1)); status=1; tail -n 30 /tmp/cloud_run_smoke.log; fi
echo "$passed passed, $failed failed"
exit $status
