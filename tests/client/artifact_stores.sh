#!/usr/bin/env bash
# Runs artifacts_flow.py (the real MLflow 3.11 client) against one Sharpflow server per artifact store:
#   local    --artifacts-destination <folder>
#   s3       --artifacts-destination s3://bucket/artifacts        (moto)
#   gcs      --artifacts-destination gs://bucket/artifacts        (the GCS emulator)
#   azure    --artifacts-destination wasbs://c@devstoreaccount1... (azurite)
#   s3-direct --no-serve-artifacts --default-artifact-root s3://bucket/mlruns: the client writes to S3 itself (boto3)
#
#   bash tests/client/artifact_stores.sh [STORE ...]      (default: all five)
#
# Env: MLFLOW_CLIENT_PYTHON (required, as run.sh); the emulator variables of scripts/emulators.sh
# (STORAGE_EMULATOR_HOST, SHARPFLOW_TEST_S3_ENDPOINT, SHARPFLOW_TEST_AZURE_CONNECTION_STRING): when one is missing
# this script starts the emulators itself. SF_NO_BUILD=1 reuses the Release build; SHARPFLOW_BIN runs another executable
# (the published Native AOT one, say); ARTIFACTS_BIG_MB (default 100).
# Prints one result line per store and exits non-zero if any failed.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PY="${MLFLOW_CLIENT_PYTHON:?set MLFLOW_CLIENT_PYTHON to a Python with the mlflow 3.11 client installed}"
STORES=("$@"); [ ${#STORES[@]} -gt 0 ] || STORES=(local s3 gcs azure s3-direct)

if [ "${SF_NO_BUILD:-0}" != 1 ]; then dotnet build "$ROOT/src/Sharpflow.Cli" -c Release -nologo -v q >&2; fi
BIN="${SHARPFLOW_BIN:-$ROOT/src/Sharpflow.Cli/bin/Release/net10.0/sharpflow}"
WORK="$(mktemp -d /tmp/sf-artstores.XXXXXX)"
EMU=""; SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }
  [ -n "$EMU" ] && bash "$ROOT/scripts/emulators.sh" stop "$EMU" >/dev/null 2>&1 || true
}
trap cleanup EXIT
if [ -z "${STORAGE_EMULATOR_HOST:-}" ] || [ -z "${SHARPFLOW_TEST_S3_ENDPOINT:-}" ] || [ -z "${SHARPFLOW_TEST_AZURE_CONNECTION_STRING:-}" ]; then
  EMU="$WORK/emulators"
  bash "$ROOT/scripts/emulators.sh" start "$EMU" >"$WORK/emulators.env"
  # shellcheck disable=SC1091
  source "$WORK/emulators.env"
fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

run_store() {
  local store=$1 dir="$WORK/$1" bucket="sf-client-$(date +%s)-$RANDOM"
  mkdir -p "$dir"
  local args=(--backend-store-uri "sqlite:///$dir/mlflow.db" --host 127.0.0.1 --port "$PORT")
  local env=() prefix="mlflow-artifacts:/"
  # What MLflow's own S3 repository reads (server, and the client in s3-direct).
  local s3env=(MLFLOW_S3_ENDPOINT_URL="${SHARPFLOW_TEST_S3_ENDPOINT:-}" AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1)
  case $store in
    local) args+=(--artifacts-destination "$dir/art") ;;
    s3) python3 "$HERE/make_bucket.py" s3 "$bucket"; args+=(--artifacts-destination "s3://$bucket/artifacts"); env=("${s3env[@]}") ;;
    gcs) python3 "$HERE/make_bucket.py" gcs "$bucket"; args+=(--artifacts-destination "gs://$bucket/artifacts") ;;
    azure) python3 "$HERE/make_bucket.py" azure "$bucket"
      args+=(--artifacts-destination "wasbs://$bucket@devstoreaccount1.blob.core.windows.net/artifacts")
      env=(AZURE_STORAGE_CONNECTION_STRING="$SHARPFLOW_TEST_AZURE_CONNECTION_STRING") ;;
    s3-direct) python3 "$HERE/make_bucket.py" s3 "$bucket"
      args+=(--no-serve-artifacts --default-artifact-root "s3://$bucket/mlruns"); env=("${s3env[@]}"); prefix="s3://$bucket/mlruns/" ;;
    *) echo "unknown store $store" >&2; return 2 ;;
  esac
  env "${env[@]}" "$BIN" server "${args[@]}" >"$dir/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$dir/server.log" >&2; return 1; }
    sleep 0.2
  done
  local rc=0
  (cd "$dir" && env "${env[@]}" MLFLOW_TRACKING_URI="http://127.0.0.1:$PORT" EXPECT_ARTIFACT_URI_PREFIX="$prefix" \
    "$PY" "$HERE/artifacts_flow.py" >"$dir/client.log" 2>&1) || rc=$?
  kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
  echo "$store: $(grep -E '^client-flow:' "$dir/client.log" || echo 'no result line') ($(grep -c '^-- ' "$dir/client.log") sections; log $dir/client.log)"
  if [ $rc != 0 ]; then grep -E '^FAIL' "$dir/client.log" | head -20 >&2; tail -n 20 "$dir/server.log" >&2; fi
  return $rc
}

status=0
for s in "${STORES[@]}"; do run_store "$s" || status=1; done
exit $status
