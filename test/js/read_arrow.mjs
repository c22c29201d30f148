// Copyright 2026 The OmenDB Authors.
//
// Reads an Arrow IPC file or stream with the reference JS implementation
// (apache-arrow) and prints every value as JSON, for the C++ cross-check in
// src/arrow/ipc_js_test.cc:
//   node read_arrow.mjs FILE.arrow
//   -> {"schema":[{"name","type","nullable"}], "rows":[[...], ...]}
// Values: bools, numbers (int16/int32/float, date32 as days), strings; int64
// and timestamps (integer microseconds) as decimal strings; nulls as null.

import { readFileSync } from 'node:fs';
import { compressionRegistry, CompressionType, tableFromIPC, Type } from 'apache-arrow';
import lz4 from 'lz4js';
import { decompress as zstdDecompress } from 'fzstd';

// apache-arrow decodes compressed bodies only through registered codecs. It views each
// decoded buffer as a typed array in place, so the codec must return a buffer whose
// byteOffset is aligned: copy into a fresh Uint8Array (fzstd may return a subarray).
compressionRegistry.set(CompressionType.LZ4_FRAME, {
  decode: (bytes) => new Uint8Array(lz4.decompress(bytes)),
});
compressionRegistry.set(CompressionType.ZSTD, {
  decode: (bytes) => new Uint8Array(zstdDecompress(bytes)),
});

// The raw 64-bit integer of row i, read from the column's chunks.
function rawValue(vector, i) {
  for (const data of vector.data) {
    if (i < data.length) {
      return data.values[data.offset + i];
    }
    i -= data.length;
  }
  throw new Error('row out of range');
}

function cell(vector, i) {
  if (!vector.isValid(i)) {
    return null;
  }
  switch (vector.type.typeId) {
    case Type.Timestamp:
      return String(rawValue(vector, i));
    case Type.Date:
      return rawValue(vector, i);
    case Type.Int: {
      const v = vector.get(i);
      return typeof v === 'bigint' ? String(v) : v;
    }
    default:
      return vector.get(i);
  }
}

const table = tableFromIPC(readFileSync(process.argv[2]));
const fields = table.schema.fields;
const columns = fields.map((_, j) => table.getChildAt(j));
const rows = [];
for (let i = 0; i < table.numRows; ++i) {
  rows.push(columns.map((c) => cell(c, i)));
}
const schema = fields.map((f) => ({ name: f.name, type: String(f.type), nullable: f.nullable }));
const metadata = Object.fromEntries(table.schema.metadata);
process.stdout.write(JSON.stringify({ schema, metadata, rows }) + '\n');
