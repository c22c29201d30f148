// Copyright 2026 The OmenDB Authors.
//
// Writes an Arrow IPC file with the reference JS writer (apache-arrow), for the
// C++ reader's compatibility check in src/arrow/ipc_js_test.cc:
//   node write_arrow.mjs OUT.arrow [lz4]
// Columns: b bool, i16, i32, i64, f32, f64, s dictionary<int32, utf8>,
// ts timestamp[us] (no tz), tstz timestamp[us, UTC], d date32; row i of every
// column is null when i % 3 == 1; values are functions of i (see the C++ test).

import { writeFileSync } from 'node:fs';
import * as A from 'apache-arrow';
import lz4 from 'lz4js';

const n = 10;
const nullAt = (i) => i % 3 === 1;
const col = (type, f) => A.vectorFromArray(
  Array.from({ length: n }, (_, i) => (nullAt(i) ? null : f(i))), type);
const words = ['red', 'green', 'blue'];

const table = new A.Table({
  b: col(new A.Bool(), (i) => i % 2 === 0),
  i16: col(new A.Int16(), (i) => i * 100 - 300),
  i32: col(new A.Int32(), (i) => i * 100000 - 7),
  i64: col(new A.Int64(), (i) => BigInt(i) * 1000000000000n - 5n),
  f32: col(new A.Float32(), (i) => i + 0.5),
  f64: col(new A.Float64(), (i) => i * 1.25 - 3),
  s: col(new A.Dictionary(new A.Utf8(), new A.Int32()), (i) => words[i % 3]),
  ts: col(new A.TimestampMicrosecond(), (i) => 1700000000000 + i),
  tstz: col(new A.TimestampMicrosecond('UTC'), (i) => 1700000000000 + 2 * i),
  d: col(new A.DateDay(), (i) => new Date(Date.UTC(2024, 0, 1 + i))),
});
if (process.argv[3] === 'lz4') {
  A.compressionRegistry.set(A.CompressionType.LZ4_FRAME, {
    encode: (bytes) => new Uint8Array(lz4.compress(bytes)),
  });
  const writer = A.RecordBatchFileWriter.writeAll(table, {
    compressionType: A.CompressionType.LZ4_FRAME,
  });
  writeFileSync(process.argv[2], writer.toUint8Array(true));
} else {
  writeFileSync(process.argv[2], A.tableToIPC(table, 'file'));
}
