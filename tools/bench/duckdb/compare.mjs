// Runs the queries of an `omendb-bench query --format json` run in DuckDB (npm @duckdb/node-api)
// over the same rows (its --export-csv file) and prints, per query, both medians and
// DuckDB/OmenDB: the target is >= 2 on every query. One JSON object per line, then a
// table on stderr.
//
//   node compare.mjs --csv rows.csv --omendb omendb.jsonl [--reps 5] [--threads N] [--db PATH]
//
// --db: a DuckDB database file to load into (its compressed on-disk storage, needed when the
// rows do not fit in memory uncompressed); the default is an in-memory database.
//
// DuckDB gets the rows as TIMESTAMP (UTC wall time) and the SQL with its "+00" offsets removed,
// so that no time zone extension is involved; every result is read whole, as OmenDB's are.
import { DuckDBInstance } from '@duckdb/node-api';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import os from 'node:os';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) {
    if (fallback === undefined) throw new Error(`missing --${name}`);
    return fallback;
  }
  return process.argv[i + 1];
}

const csv = arg('csv');
const reps = Number(arg('reps', '5'));
const threads = Number(arg('threads', String(os.cpus().length)));
const omendb = readFileSync(arg('omendb'), 'utf8')
  .split('\n')
  .filter((l) => l.trim().startsWith('{'))
  .map((l) => JSON.parse(l))
  .filter((r) => r.bench === 'query');
if (omendb.length === 0) throw new Error('no "bench":"query" lines in the OmenDB results');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
// OmenDB's (PostgreSQL) SQL in DuckDB's dialect.
const toDuck = (sql) =>
  sql.replace(/([0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?)\+00'/g, "$1'")
    .replace(/time_bucket\('([^']*)'/g, "time_bucket(INTERVAL '$1'");

const dbPath = arg('db', ':memory:');
const instance = await DuckDBInstance.create(dbPath, { threads: String(threads) });
const conn = await instance.connect();
const head = Buffer.alloc(4096);
const fd = openSync(csv, 'r');
const got = readSync(fd, head, 0, head.length, 0);
closeSync(fd);
const header = head.subarray(0, got).toString('utf8').split('\n')[0].split(',');
const types = header.map((c) =>
  c === 'time' ? `'TIMESTAMP'` : /^usage_/.test(c) ? `'DOUBLE'` : `'VARCHAR'`);
const columns = header.map((c, i) => `'${c}': ${types[i]}`).join(', ');
let t0 = performance.now();
await conn.run(
  `CREATE TABLE cpu AS SELECT * FROM read_csv('${csv}', header = true, columns = {${columns}}, ` +
  `timestampformat = '%Y-%m-%dT%H:%M:%SZ')`);
const count = (await conn.runAndReadAll('SELECT count(*) FROM cpu')).getRows()[0][0];
console.log(JSON.stringify({
  bench: 'duckdb_load', rows: Number(count), seconds: (performance.now() - t0) / 1000, threads,
  db: dbPath,
}));

const table = [];
for (const q of omendb) {
  const sql = toDuck(q.sql);
  let rows = 0;
  const times = [];
  // A prepared query (OmenDB's param_types and runs): prepared once here too, each run binds
  // the same values as OmenDB's run of that number (timestamps without their +00).
  const prepared = q.runs ? await conn.prepare(
    sql.replace(/\$([0-9]+)/g, (m, n) =>
      q.param_types[Number(n) - 1] === 'timestamptz' ? `CAST(${m} AS TIMESTAMP)` : m)) : null;
  for (let i = 0; i <= reps; ++i) {  // one untimed warm-up
    t0 = performance.now();
    let reader;
    if (prepared) {
      const values = q.runs[i % q.runs.length];
      values.forEach((v, k) => prepared.bindVarchar(k + 1, v.replace(/\+00$/, '')));
      reader = await prepared.runAndReadAll();
    } else {
      reader = await conn.runAndReadAll(sql);
    }
    rows = reader.getRows().length;
    if (i > 0) times.push(performance.now() - t0);
  }
  const duck = median(times);
  const out = {
    bench: 'query_vs_duckdb',
    query: q.query,
    rows: q.rows,
    omendb_median_ms: q.median_ms,
    duckdb_median_ms: duck,
    duckdb_over_omendb: duck / q.median_ms,
    meets_2x: duck / q.median_ms >= 2,
    omendb_result_rows: q.result_rows,
    duckdb_result_rows: rows,
  };
  console.log(JSON.stringify(out));
  table.push(out);
}
const pad = (s, n) => String(s).padEnd(n);
console.error(`${pad('query', 24)}${pad('OmenDB ms', 12)}${pad('DuckDB ms', 12)}DuckDB/OmenDB`);
for (const r of table) {
  console.error(`${pad(r.query, 24)}${pad(r.omendb_median_ms.toFixed(3), 12)}` +
    `${pad(r.duckdb_median_ms.toFixed(3), 12)}${r.duckdb_over_omendb.toFixed(2)}` +
    `${r.omendb_result_rows === r.duckdb_result_rows ? '' : '  (result rows differ!)'}`);
}
