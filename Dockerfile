# Sharpflow's container image for Cloud Run (see docs/deploy-gcp.md).
#   docker build -t sharpflow .
# Build stage: the .NET SDK publishes the server (scripts/publish.sh; tests/deploy/cloud_run_smoke.py runs the same
# script and starts the result the way Cloud Run does). `dotnet publish` also builds the web UI, which needs Node 20.19
# or newer: the SDK image's distribution packages an older one, so Node comes from its official image.
FROM node:22-bookworm-slim AS node
FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
# Native AOT links with clang and zlib (the published server is one native executable).
RUN apt-get update && apt-get install -y --no-install-recommends clang zlib1g-dev && rm -rf /var/lib/apt/lists/*
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx
WORKDIR /src
COPY . .
RUN bash scripts/publish.sh /app && mkdir -p /data

# Runtime stage: the native executable needs no .NET runtime, only the C libraries and OpenSSL of Ubuntu "chiseled"
# (no shell, no package manager, non-root user `app`). The build stage is Ubuntu 24.04 too, so glibc matches.
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled
COPY --from=build /app /app
# The working directory holds the default SQLite database and ./mlartifacts when no other store is given.
COPY --from=build --chown=$APP_UID:$APP_UID /data /data
WORKDIR /data
USER $APP_UID
# `mlflow` and `sharpflow` both resolve to the server; PORT is what Cloud Run sets (the server listens there on Cloud Run).
ENV PATH=/app:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    PORT=5000
EXPOSE 5000
CMD ["sharpflow", "server", "--host", "0.0.0.0"]
