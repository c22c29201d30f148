// Copyright 2026 The OmenDB Authors.
//
// Row-level operations on Arrow-layout batches used by flush, compaction and
// delete: gather rows (Take) from one or several batches into one owned batch
// with a single merged dictionary per string column, order rows by
// (sort key string, time), and slice at byte-aligned row offsets. Pure
// functions over immutable inputs; thread-safe.

#ifndef OMENDB_STORAGE_ROWS_H_
#define OMENDB_STORAGE_ROWS_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "arrow/column.h"

namespace omen::storage {

struct RowRef {
  uint32_t source;  // index into the sources
  uint32_t row;
};

// The rows refs[...] of sources (all with the same columns, in order) as one batch. String
// columns get one dictionary holding exactly the used strings, sorted (so code order is
// string order).
arrow::RecordBatch Gather(const std::vector<const arrow::RecordBatch*>& sources,
                          const std::vector<RowRef>& refs);

// Every row of sources, ordered by (sort column's string, time) when sort_column >= 0 or by
// time alone; stable (source order, then row order, for ties).
std::vector<RowRef> SortedRefs(const std::vector<const arrow::RecordBatch*>& sources,
                               int time_column, int sort_column);

// Rows [offset, offset + length) of a column: values zero-copy, bitmaps shared when offset is a
// multiple of 8 and copied otherwise.
arrow::ArrayData SliceColumn(const arrow::ArrayData& a, int64_t offset, int64_t length);
// Every column of batch sliced so.
arrow::RecordBatch Slice(const arrow::RecordBatch& batch, int64_t offset, int64_t length);
// Rows `rows` (ascending or not) of a column, copied; the dictionary is shared.
arrow::ArrayData TakeColumn(const arrow::ArrayData& a, const std::vector<uint32_t>& rows);

}  // namespace omen::storage

#endif  // OMENDB_STORAGE_ROWS_H_
