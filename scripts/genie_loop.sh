#!/usr/bin/env bash
# The Genie half of the pipeline against the local sandbox: start the sandbox Genie API, run
# `genie-ingest messages` and `genie-ingest spaces`, and stop the API whatever happens.
# Usage: scripts/genie_loop.sh <system-tables.duckdb>   (run from the repo root, venv installed)
set -euo pipefail
db="${1:?usage: genie_loop.sh SYSTEM_TABLES_DUCKDB}"
bin="$(dirname "$0")/../.venv/bin"
urls="$(mktemp -d)/urls.json"

# The sandbox server's service principal; on Databricks these come from the environment or the
# genie-obs secret scope, never from a file.
export DATABRICKS_SP_CLIENT_ID="${DATABRICKS_SP_CLIENT_ID:-sandbox-sp}"
export DATABRICKS_SP_CLIENT_SECRET="${DATABRICKS_SP_CLIENT_SECRET:-sandbox-secret}"

"$bin/genie-sandbox" serve --db "$db" --urls-file "$urls" >/dev/null 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT

for _ in $(seq 1 150); do
    [ -s "$urls" ] && break
    kill -0 "$server" 2>/dev/null || { echo "sandbox API failed to start" >&2; exit 1; }
    sleep 0.2
done
[ -s "$urls" ] || { echo "sandbox API did not start within 30 s" >&2; exit 1; }

"$bin/genie-ingest" messages --no-progress 2> >(grep -v '^WARNING' >&2)
"$bin/genie-ingest" spaces --no-progress 2> >(grep -v '^WARNING' >&2)
