#!/usr/bin/env bash
# Publishes the server exactly as the container image does (the Dockerfile runs this script): Native AOT for linux-x64
# (one self-contained executable plus the SQLite native library and the web UI; see src/Sharpflow.Cli/Sharpflow.Cli.csproj
# for why), no debug symbols, and an `mlflow` link to the same executable so that Cloud Run settings written for MLflow's
# image (command `mlflow`) work. Needs clang and zlib's headers (apt-get install clang zlib1g-dev), as every Native AOT
# build on Linux does.
#
#   scripts/publish.sh OUT_DIR
set -euo pipefail
OUT=${1:?usage: scripts/publish.sh OUT_DIR}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v clang >/dev/null 2>&1; then
  echo "publish: Native AOT needs clang and zlib1g-dev (apt-get install -y clang zlib1g-dev)" >&2; exit 1
fi
dotnet publish "$ROOT/src/Sharpflow.Cli" -c Release -r linux-x64 -nologo -clp:ErrorsOnly \
  -p:DebugType=none -p:DebugSymbols=false -o "$OUT"
ln -sfn sharpflow "$OUT/mlflow"
