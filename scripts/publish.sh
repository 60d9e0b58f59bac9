#!/usr/bin/env bash
# Publishes the server exactly as the container image does (the Dockerfile runs this script):
# framework-dependent linux-x64 with ReadyToRun (see src/Sharpflow.Cli/Sharpflow.Cli.csproj), no debug symbols, and an
# `mlflow` link to the same executable so that Cloud Run settings written for MLflow's image (command `mlflow`) work.
#
#   scripts/publish.sh OUT_DIR
set -euo pipefail
OUT=${1:?usage: scripts/publish.sh OUT_DIR}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
dotnet publish "$ROOT/src/Sharpflow.Cli" -c Release -r linux-x64 --self-contained false -nologo -clp:ErrorsOnly \
  -p:DebugType=none -p:DebugSymbols=false -o "$OUT"
ln -sfn sharpflow "$OUT/mlflow"
