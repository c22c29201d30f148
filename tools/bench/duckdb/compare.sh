#!/usr/bin/env bash
# OmenDB vs DuckDB on the same TSBS rows and queries, in one run:
#   tools/bench/duckdb/compare.sh [ROWS=10000000] [HOSTS=4000] [REPS=5]
# Needs build/release (omendb-bench) and Node.js; installs @duckdb/node-api here with npm ci.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
rows="${1:-10000000}" hosts="${2:-4000}" reps="${3:-5}"
work="$(mktemp -d /tmp/omendb-duckdb.XXXXXX)"
trap 'rm -rf "$work"' EXIT
(cd "$here" && npm ci --no-audit --no-fund --silent)
"$root/build/release/tools/bench/omendb-bench" query --rows "$rows" --hosts "$hosts" \
  --reps "$reps" --format json --export-csv "$work/rows.csv" > "$work/omendb.jsonl"
cat "$work/omendb.jsonl"
node "$here/compare.mjs" --csv "$work/rows.csv" --omendb "$work/omendb.jsonl" --reps "$reps"
