// Copyright 2026 The OmenDB Authors.
//
// node-postgres (pg) and pg-copy-streams against `omendb serve`, run by harness.py (PGHOST,
// PGPORT, PGUSER, PGPASSWORD and PGDATABASE from the environment): COPY FROM STDIN / TO STDOUT,
// parameterized time-range and time_bucket queries (untyped text parameters, as pg sends them)
// with text and binary results and the JavaScript types pg maps them to, named prepared
// statements, an error then a good query (autocommit and in a transaction) and 100,000 rows.

import { pipeline } from 'node:stream/promises';
import { Readable, Writable } from 'node:stream';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';

const BASE = Date.UTC(2024, 0, 1);
const BIG_ROWS = 100000;
const CPU_DDL = (t) =>
  `CREATE TABLE ${t} (time TIMESTAMPTZ NOT NULL, host TEXT, usage DOUBLE PRECISION, n BIGINT, ` +
  'ok BOOLEAN)';
const RANGE_SQL =
  'SELECT time, host, usage, n, ok FROM cpu WHERE time >= $1 AND time < $2 ORDER BY time';
const BUCKET_SQL =
  "SELECT time_bucket('1 hour', time) AS b, host, avg(usage) AS a, count(*) AS c FROM cpu " +
  'WHERE time >= $1 AND time < $2 GROUP BY 1,2 ORDER BY 1,2';

let client;
let passed = 0;
let failed = 0;

async function run(name, fn) {
  const start = process.hrtime.bigint();
  try {
    await fn();
    passed++;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    console.log(`PASS node_pg.${name} (${seconds.toFixed(2)} s)`);
  } catch (e) {
    failed++;
    const state = e && e.code ? ` (SQLSTATE ${e.code})` : '';
    console.log(`FAIL node_pg.${name}: ${e && e.message}${state}`);
    const frames = String(e && e.stack).split('\n').filter((l) => l.includes('pg_test.mjs'));
    for (const f of frames.slice(0, 3)) console.log(`     ${f.trim()}`);
  }
}

function expect(cond, what) {
  if (!cond) throw new Error(what);
}

function expectEq(got, want, what) {
  const g = JSON.stringify(got);
  const w = JSON.stringify(want);
  if (g !== w) throw new Error(`${what}: got ${g} (${typeof got}), expected ${w}`);
}

// ---- The data set (the same as test/clients/clientlib.py)

function cpuRow(i) {
  return {
    time: new Date(BASE + i * 15 * 60000),
    host: `h${i % 2}`,
    usage: i === 11 ? null : i * 1.5,
    n: String(i * 1e12), // pg returns int8 as a string (it does not fit a JS number in general)
    ok: i === 11 ? null : i % 3 === 0,
  };
}

const pgTime = (d) => d.toISOString().replace('T', ' ').replace('.000Z', '+00');
function csvValue(v) {
  if (v === null) return '';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  return v instanceof Date ? pgTime(v) : String(v);
}

function cpuCsv() {
  let s = '';
  for (let i = 0; i < 12; i++) {
    const r = cpuRow(i);
    s += [r.time, r.host, r.usage, r.n, r.ok].map(csvValue).join(',') + '\n';
  }
  return s;
}

function* bigCsvChunks() {
  for (let start = 0; start < BIG_ROWS; start += 10000) {
    let s = '';
    for (let i = start; i < start + 10000; i++) {
      s += `${pgTime(new Date(BASE + i * 1000))},${i},${i * 0.25}\n`;
    }
    yield s;
  }
}

async function count(table) {
  const r = await client.query(`SELECT count(*) AS c FROM ${table}`);
  return r.rows[0].c;
}

function checkCpuRow(row, i, what) {
  const r = cpuRow(i);
  expect(row.time instanceof Date, `${what}: time is ${typeof row.time}, expected a Date`);
  expectEq(row.time.getTime(), r.time.getTime(), `${what} time`);
  expectEq(row.host, r.host, `${what} host`);
  expect(typeof row.usage === 'number', `${what}: usage is ${typeof row.usage}`);
  expectEq(row.usage, r.usage, `${what} usage`);
  expectEq(row.n, r.n, `${what} n`);
  expect(typeof row.ok === 'boolean', `${what}: ok is ${typeof row.ok}`);
  expectEq(row.ok, r.ok, `${what} ok`);
}

function checkBig(rows) {
  expectEq(rows.length, BIG_ROWS, 'rows');
  let sumV = 0n;
  let sumX = 0;
  for (let i = 0; i < rows.length; i++) {
    const [t, v, x] = rows[i];
    const tOk = t instanceof Date && t.getTime() === BASE + i * 1000;
    if (!tOk || v !== String(i) || x !== i * 0.25) {
      throw new Error(`row ${i} is ${JSON.stringify(rows[i])}`);
    }
    sumV += BigInt(v);
    sumX += x;
  }
  expectEq(sumV.toString(), '4999950000', 'sum(v)');
  expectEq(sumX, 1249987500, 'sum(x)');
}

// ---- Checks

async function connect() {
  client = new pg.Client(); // PG* environment variables
  await client.connect();
  const r = await client.query('SHOW server_version');
  expect(r.rows[0].server_version.startsWith('15'), `server_version ${r.rows[0].server_version}`);
}

async function createTables() {
  await client.query(CPU_DDL('cpu'));
  await client.query(CPU_DDL('cpu_ins'));
  await client.query('CREATE TABLE big (time TIMESTAMPTZ NOT NULL, v BIGINT, x DOUBLE PRECISION)');
}

async function copyIn() {
  const stream = client.query(copyStreams.from('COPY cpu FROM STDIN WITH (FORMAT csv)'));
  await pipeline(Readable.from([cpuCsv()]), stream);
  expectEq(stream.rowCount, 12, 'rows copied');
  expectEq(await count('cpu'), '12', 'count(*)');
}

async function insertRows(table) {
  for (let i = 0; i < 12; i++) {
    const r = cpuRow(i);
    const res = await client.query(`INSERT INTO ${table} VALUES ($1, $2, $3, $4, $5)`,
      [r.time, r.host, r.usage, r.n, r.ok]);
    expectEq(res.rowCount, 1, 'rowCount');
  }
}

async function loadCpu() {
  if ((await count('cpu')) === '12') return;
  await client.query("DELETE FROM cpu WHERE time >= '2000-01-01'");
  await insertRows('cpu');
  console.log('note: loaded cpu with parameterized INSERTs (COPY did not)');
  expectEq(await count('cpu'), '12', 'count(*)');
}

async function parameterizedInsert() {
  await insertRows('cpu_ins');
  const r = await client.query('SELECT * FROM cpu_ins ORDER BY time');
  expectEq(r.rows.length, 12, 'rows');
  for (let i = 0; i < 12; i++) {
    if (i === 11) continue; // null usage and ok: checked below
    checkCpuRow(r.rows[i], i, `row ${i}`);
  }
  expectEq([r.rows[11].usage, r.rows[11].ok], [null, null], 'row 11 nulls');
}

async function rangeQuery() {
  // Text results only: pg-protocol decodes every DataRow field as a UTF-8 string ("binary mode
  // not supported yet" in pg/lib/connection.js), so pg's `binary: true` garbles binary values.
  const lo = new Date(BASE + 30 * 60000);
  const hi = new Date(BASE + 90 * 60000);
  const r = await client.query(RANGE_SQL, [lo, hi]);
  expectEq(r.fields.map((f) => f.dataTypeID), [1184, 25, 701, 20, 16], 'type oids');
  expectEq(r.rows.length, 4, 'rows');
  r.rows.forEach((row, k) => checkCpuRow(row, k + 2, `row ${k}`));
}

async function bucketQuery() {
  const r = await client.query(BUCKET_SQL, ['2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z']);
  const avgs = [1.5, 3, 7.5, 9, 13.5, 13.5];
  expectEq(r.rows.length, 6, 'rows');
  r.rows.forEach((row, k) => {
    expect(row.b instanceof Date, `row ${k}: b is not a Date`);
    expectEq(row.b.getTime(), BASE + Math.floor(k / 2) * 3600000, `row ${k} bucket`);
    expectEq(row.host, `h${k % 2}`, `row ${k} host`);
    expectEq(row.a, avgs[k], `row ${k} avg`);
    expectEq(row.c, '2', `row ${k} count (int8 is a string in pg)`);
  });
}

async function namedPrepared() {
  for (let h = 0; h < 3; h++) {
    const lo = new Date(BASE + h * 3600000);
    const hi = new Date(BASE + (h + 1) * 3600000);
    const r = await client.query({
      name: 'hour_buckets', text: BUCKET_SQL, values: [lo, hi], rowMode: 'array',
    });
    expectEq(r.rows.length, 2, `hour ${h} rows`);
    expectEq(r.rows[0][0].getTime(), lo.getTime(), `hour ${h} bucket`);
  }
}

async function errorThenQuery() {
  try {
    await client.query('SELECT * FROM missing_table WHERE time >= $1', [new Date(BASE)]);
    throw new Error('no error for a missing table');
  } catch (e) {
    expectEq(e.code, '42P01', `SQLSTATE (${e.message})`);
  }
  const r = await client.query('SELECT host FROM cpu WHERE time = $1', [new Date(BASE)]);
  expectEq(r.rows, [{ host: 'h0' }], 'query after the error');
}

async function errorInTransaction() {
  await client.query('BEGIN');
  try {
    await client.query('SELECT * FROM missing_table');
    throw new Error('no error for a missing table');
  } catch (e) {
    expectEq(e.code, '42P01', `SQLSTATE (${e.message})`);
  }
  try {
    await client.query('SELECT 1');
    throw new Error('a query in a failed transaction succeeded');
  } catch (e) {
    expectEq(e.code, '25P02', `SQLSTATE in the failed transaction (${e.message})`);
  }
  await client.query('ROLLBACK');
  expectEq(await count('cpu'), '12', 'count(*) after ROLLBACK');
}

async function copyToString(sql) {
  const chunks = [];
  await pipeline(client.query(copyStreams.to(sql)), new Writable({
    write(chunk, _enc, cb) {
      chunks.push(chunk);
      cb();
    },
  }));
  return Buffer.concat(chunks).toString();
}

async function copyOut() {
  const got = await copyToString(
    'COPY (SELECT * FROM cpu ORDER BY time) TO STDOUT WITH (FORMAT csv)');
  expectEq(got, cpuCsv(), 'COPY TO STDOUT output');
}

async function bigCopyIn() {
  const stream = client.query(copyStreams.from('COPY big FROM STDIN WITH (FORMAT csv)'));
  await pipeline(Readable.from(bigCsvChunks()), stream);
  expectEq(stream.rowCount, BIG_ROWS, 'rows copied');
}

async function loadBig() {
  if ((await count('big')) === String(BIG_ROWS)) return;
  await client.query("DELETE FROM big WHERE time >= '2000-01-01'");
  for (let start = 0; start < BIG_ROWS; start += 5000) {
    const values = [];
    for (let i = start; i < start + 5000; i++) {
      values.push(`('${pgTime(new Date(BASE + i * 1000))}', ${i}, ${i * 0.25})`);
    }
    await client.query(`INSERT INTO big VALUES ${values.join(',')}`);
  }
  console.log('note: loaded big with multi-row INSERTs (COPY did not)');
  expectEq(await count('big'), String(BIG_ROWS), 'count(*)');
}

async function selectBig() {
  const r = await client.query({ text: 'SELECT time, v, x FROM big WHERE time >= $1 ORDER BY time',
    values: [new Date(BASE)], rowMode: 'array' });
  checkBig(r.rows);
}

async function bigCopyOut() {
  const got = await copyToString(
    'COPY (SELECT time, v, x FROM big ORDER BY time) TO STDOUT (FORMAT csv)');
  expectEq(got === [...bigCsvChunks()].join(''), true, 'COPY TO STDOUT of 100k rows matches');
}

await run('connect_scram', connect);
if (!client || !client._connected) {
  console.log('node_pg: cannot connect, no further checks');
  process.exit(1);
}
// An error a test does not await (a broken COPY stream) must not end the process silently.
client.on('error', (e) => console.log(`client error event: ${e.message}`));
await run('create_tables', createTables);
await run('copy_from_stdin', copyIn);
await run('load_cpu', loadCpu);
await run('parameterized_insert', parameterizedInsert);
await run('time_range_query', rangeQuery);
await run('time_bucket_query', bucketQuery);
await run('named_prepared_statement', namedPrepared);
await run('error_then_good_query', errorThenQuery);
await run('error_then_rollback_then_query', errorInTransaction);
await run('copy_to_stdout', copyOut);
await run('copy_100k_from_stdin', bigCopyIn);
await run('load_big', loadBig);
await run('select_100k', selectBig);
await run('copy_100k_to_stdout', bigCopyOut);
await client.end();
console.log(`node_pg: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
