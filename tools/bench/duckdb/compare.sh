#!/usr/bin/env bash
# OmenDB vs DuckDB on the same TSBS rows and queries, in one run:
#   tools/bench/duckdb/compare.sh [ROWS=10000000] [HOSTS=4000] [REPS=5] [DUCKDB=memory|file]
# Needs build/release (omendb-bench) and Node.js; installs @duckdb/node-api here with npm ci.
# DUCKDB: DuckDB's table in memory, or in a database file (compressed; the default above 20M
# rows, whose uncompressed rows outgrow memory). OMENDB_DATA=DIR keeps and reuses OmenDB's
# loaded data there (omendb-bench query --data). The CSV of the rows goes to a temporary
# directory under TMPDIR (about 200 bytes a row).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
rows="${1:-10000000}" hosts="${2:-4000}" reps="${3:-5}"
duck="${4:-$([ "$rows" -gt 20000000 ] && echo file || echo memory)}"
work="$(mktemp -d "${TMPDIR:-/tmp}/omendb-duckdb.XXXXXX")"
trap 'rm -rf "$work"' EXIT
(cd "$here" && npm ci --no-audit --no-fund --silent)
data=()
if [ -n "${OMENDB_DATA:-}" ]; then data=(--data "$OMENDB_DATA"); fi
"$root/build/release/tools/bench/omendb-bench" query --rows "$rows" --hosts "$hosts" \
  --reps "$reps" --format json --export-csv "$work/rows.csv" "${data[@]}" > "$work/omendb.jsonl"
cat "$work/omendb.jsonl"
db=()
if [ "$duck" = file ]; then db=(--db "$work/duck.db"); fi
node "$here/compare.mjs" --csv "$work/rows.csv" --omendb "$work/omendb.jsonl" --reps "$reps" \
  "${db[@]}"
