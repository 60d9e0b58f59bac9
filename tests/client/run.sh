#!/usr/bin/env bash
# Build Sharpflow, start it on a throwaway SQLite store, and run the real MLflow client scenario
# (every *_flow.py: tracking, registry) against it. Exit code is non-zero if any scenario fails.
#
#   bash tests/client/run.sh [extra scenario args, e.g. --skip artifacts]
#
# Env: MLFLOW_CLIENT_PYTHON (required): a Python interpreter where `import mlflow` (3.11) works,
#      e.g. a venv with `pip install mlflow-skinny==3.11.*`; SF_PORT (default 5055);
#      SF_NO_BUILD=1 to reuse an existing Release build.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PORT="${SF_PORT:-5055}"
PY="${MLFLOW_CLIENT_PYTHON:?set MLFLOW_CLIENT_PYTHON to a Python with the mlflow 3.11 client installed}"

if [ "${SF_NO_BUILD:-0}" != 1 ]; then
  dotnet build "$ROOT/src/Sharpflow.Cli" -c Release -nologo -v q >&2
fi
BIN="$ROOT/src/Sharpflow.Cli/bin/Release/net10.0/sharpflow"

WORK="$(mktemp -d /tmp/sf-client.XXXXXX)"
"$BIN" server --backend-store-uri "sqlite:///$WORK/mlflow.db" --artifacts-destination "$WORK/art" \
  --host 127.0.0.1 --port "$PORT" > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true' EXIT

for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.2
done

rc=0
for scenario in "$HERE"/*_flow.py; do
  (cd "$WORK" && MLFLOW_TRACKING_URI="http://127.0.0.1:$PORT" "$PY" "$scenario" "$@") || rc=$?
done
if [ "$rc" != 0 ]; then
  echo "--- server log ($WORK/server.log), last 40 lines" >&2
  tail -n 40 "$WORK/server.log" >&2
fi
exit "$rc"
