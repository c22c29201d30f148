// Runs the queries of `omendb-bench query` on the same data in DuckDB (in memory, all cores) and
// prints OmenDB's and DuckDB's median times side by side.
//
//   node compare.mjs --csv cpu.csv --queries queries.json --omendb omendb.json
//                    [--format table|json] [--reps 5] [--threads N] [--order-by "hostname, time"]
//
// cpu.csv and queries.json come from `omendb-bench query --export-csv ... --export-queries ...`,
// omendb.json is that run's stdout (--format json). Each query runs once to warm up, then --reps
// times; the median is reported. DuckDB's time is the query run to a fully materialized result
// (runAndReadAll), without converting the rows to JavaScript values. The session time zone is UTC,
// so date_trunc and time_bucket on TIMESTAMPTZ bucket in UTC as OmenDB does.

import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync, openSync, readSync, closeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';

const USAGE = 'usage: node compare.mjs --csv FILE --queries FILE --omendb FILE ' +
  '[--format table|json] [--reps N] [--threads N] [--order-by COLUMNS]';

function parseArgs(argv) {
  const opts = { format: 'table', reps: 5, threads: availableParallelism(), orderBy: '' };
  const names = { '--csv': 'csv', '--queries': 'queries', '--omendb': 'omendb',
    '--format': 'format', '--reps': 'reps', '--threads': 'threads', '--order-by': 'orderBy' };
  for (let i = 0; i < argv.length; i += 2) {
    const key = names[argv[i]];
    if (!key || i + 1 >= argv.length) throw new Error(`bad argument ${argv[i]}\n${USAGE}`);
    opts[key] = argv[i + 1];
  }
  for (const k of ['csv', 'queries', 'omendb']) {
    if (!opts[k]) throw new Error(`--${k} is required\n${USAGE}`);
  }
  if (!['table', 'json'].includes(opts.format)) throw new Error(`--format: table or json`);
  opts.reps = Number(opts.reps);
  opts.threads = Number(opts.threads);
  if (!(opts.reps > 0) || !(opts.threads > 0)) throw new Error('--reps, --threads: positive');
  return opts;
}

// The CSV's header line (the column names), read without loading the whole file.
function csvHeader(path) {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const line = buf.subarray(0, n).toString('utf8').split('\n')[0];
    return line.replace(/\r$/, '').split(',');
  } finally {
    closeSync(fd);
  }
}

// TSBS cpu-only column types: time TIMESTAMPTZ, metrics (usage_*) DOUBLE, tags VARCHAR.
function columnType(name) {
  if (name === 'time') return 'TIMESTAMPTZ';
  return name.startsWith('usage_') ? 'DOUBLE' : 'VARCHAR';
}

const quote = (s) => `'${String(s).replaceAll("'", "''")}'`;

// PostgreSQL/TimescaleDB SQL -> DuckDB. time_bucket, date_trunc and DISTINCT ON exist in both;
// TimescaleDB's first(value, time) / last(value, time) are DuckDB's arg_min / arg_max.
export function translate(sql) {
  return sql.replace(/\bfirst\s*\(/gi, 'arg_min(').replace(/\blast\s*\(/gi, 'arg_max(');
}

function median(v) {
  const s = [...v].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

async function load(conn, opts) {
  const header = csvHeader(opts.csv);
  const columns = header.map((c) => `${quote(c)}: ${quote(columnType(c))}`).join(', ');
  const order = opts.orderBy ? ` ORDER BY ${opts.orderBy}` : '';
  const start = performance.now();
  await conn.run(`CREATE TABLE cpu AS SELECT * FROM read_csv(${quote(opts.csv)}, header = true, ` +
    `delim = ',', columns = {${columns}})${order}`);
  const seconds = (performance.now() - start) / 1000;
  const rows = (await conn.runAndReadAll('SELECT count(*) FROM cpu')).getRowsJS()[0][0];
  return { rows: Number(rows), seconds };
}

async function timeQuery(conn, sql, reps) {
  const ms = [];
  let resultRows = 0;
  try {
    for (let r = 0; r <= reps; r++) {
      const start = performance.now();
      const reader = await conn.runAndReadAll(sql);
      const elapsed = performance.now() - start;
      resultRows = reader.currentRowCount;
      if (r > 0) ms.push(elapsed);
    }
  } catch (e) {
    return { error: String(e.message ?? e) };
  }
  return { median_ms: median(ms), min_ms: Math.min(...ms), result_rows: resultRows };
}

// omendb-bench's JSON lines, by query name ({"bench":"query",...} lines only).
function readOmenDb(path) {
  const byName = new Map();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim().startsWith('{')) continue;
    const j = JSON.parse(line);
    if (j.bench === 'query') byName.set(j.query, j);
  }
  return byName;
}

function fmt(x, digits = 3) {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : '-';
}

function printTable(rows, info) {
  console.log(`DuckDB ${info.version}, ${info.threads} threads, ${info.rows} rows loaded in ` +
    `${info.load_seconds.toFixed(1)} s; median of ${info.reps} runs after a warm-up`);
  const head = ['query', 'omendb ms', 'duckdb ms', 'ratio', 'rows omendb', 'rows duckdb'];
  const body = rows.map((r) => [r.query, r.omendb_error ? 'error' : fmt(r.omendb_median_ms),
    r.duckdb_error ? 'error' : fmt(r.duckdb_median_ms), fmt(r.ratio, 2),
    r.omendb_result_rows ?? '-', r.duckdb_result_rows ?? '-'].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i])
    : c.padStart(widths[i]))).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) console.log(line(b));
  for (const r of rows) {
    if (r.omendb_error) console.log(`${r.query}: omendb error: ${r.omendb_error}`);
    if (r.duckdb_error) console.log(`${r.query}: duckdb error: ${r.duckdb_error}`);
    if (r.rows_match === false) console.log(`${r.query}: result row counts differ`);
  }
  if (info.geomean_ratio !== null) {
    console.log(`geometric mean ratio (duckdb/omendb, >1: OmenDB faster) over ` +
      `${info.compared} queries: ${info.geomean_ratio.toFixed(2)}`);
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const queries = JSON.parse(readFileSync(opts.queries, 'utf8'));
  const omendb = readOmenDb(opts.omendb);

  const instance = await DuckDBInstance.create(':memory:', { threads: String(opts.threads) });
  const conn = await instance.connect();
  await conn.run("SET TimeZone = 'UTC'");
  const version = (await conn.runAndReadAll('SELECT version()')).getRowsJS()[0][0];
  const loaded = await load(conn, opts);

  const rows = [];
  for (const q of queries) {
    const d = await timeQuery(conn, translate(q.sql), opts.reps);
    const o = omendb.get(q.name) ?? { error: 'not in the omendb results' };
    const row = {
      bench: 'duckdb_compare', query: q.name, rows: loaded.rows,
      omendb_median_ms: o.median_ms ?? null, duckdb_median_ms: d.median_ms ?? null,
      duckdb_min_ms: d.min_ms ?? null,
      ratio: o.median_ms && d.median_ms ? d.median_ms / o.median_ms : null,
      omendb_result_rows: o.result_rows ?? null, duckdb_result_rows: d.result_rows ?? null,
      rows_match: o.result_rows != null && d.result_rows != null
        ? o.result_rows === d.result_rows : null,
    };
    if (o.error) row.omendb_error = o.error;
    if (d.error) row.duckdb_error = d.error;
    row.sql = q.sql;
    rows.push(row);
    if (opts.format === 'json') console.log(JSON.stringify(row));
  }
  const ratios = rows.map((r) => r.ratio).filter((r) => r !== null);
  const info = {
    bench: 'duckdb_summary', version, threads: opts.threads, rows: loaded.rows,
    load_seconds: loaded.seconds, reps: opts.reps, compared: ratios.length,
    geomean_ratio: ratios.length
      ? Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length) : null,
  };
  if (opts.format === 'json') console.log(JSON.stringify(info));
  else printTable(rows, info);
  conn.closeSync();
  instance.closeSync();
}

main().catch((e) => {
  console.error(`compare.mjs: ${e.message ?? e}`);
  process.exit(1);
});
