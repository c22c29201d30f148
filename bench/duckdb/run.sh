#!/usr/bin/env bash
# Runs `omendb-bench query` on ROWS TSBS cpu-only rows, then the very same queries on the very
# same rows in DuckDB (compare.mjs), and prints both medians side by side. Builds nothing: it
# expects build/release/tools/bench/omendb-bench (`make build`), or OMENDB_BENCH=path.
#
#   bench/duckdb/run.sh ROWS
#
# Environment: HOSTS (default 4000), QUERIES (comma list, default all), FORMAT (table|json,
# default table), REPS (default 5), WORK_DIR (where cpu.csv, queries.json and omendb.json go;
# default a temporary directory, removed at the end unless KEEP=1).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "${here}/../.." && pwd)
rows=${1:?usage: bench/duckdb/run.sh ROWS}
hosts=${HOSTS:-4000}
queries=${QUERIES:-all}
format=${FORMAT:-table}
reps=${REPS:-5}
bench=${OMENDB_BENCH:-${root}/build/release/tools/bench/omendb-bench}
export TZ=UTC  # both sides print and bucket timestamps in UTC

if [[ ! -x "${bench}" ]]; then
  echo "run.sh: ${bench} not found; build it first (make build)" >&2
  exit 1
fi
if [[ -n "${WORK_DIR:-}" ]]; then
  work=${WORK_DIR}
  mkdir -p "${work}"
else
  work=$(mktemp -d /tmp/omendb-duckdb.XXXXXX)
  [[ "${KEEP:-0}" == 1 ]] || trap 'rm -rf "${work}"' EXIT
fi

"${bench}" query --rows "${rows}" --hosts "${hosts}" --queries "${queries}" --reps "${reps}" \
  --export-csv "${work}/cpu.csv" --export-queries "${work}/queries.json" --format json \
  > "${work}/omendb.json"

if [[ ! -d "${here}/node_modules/@duckdb/node-api" ]]; then
  (cd "${here}" && npm ci --no-audit --no-fund --loglevel=error) >&2  # stdout stays the results
fi
node "${here}/compare.mjs" --csv "${work}/cpu.csv" --queries "${work}/queries.json" \
  --omendb "${work}/omendb.json" --format "${format}" --reps "${reps}"
