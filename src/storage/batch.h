// Copyright 2026 The OmenDB Authors.
//
// Building insert batches and moving them through the WAL.
//
// An insert batch is an arrow::RecordBatch in the table's column order (all
// columns), strings dictionary-encoded against a batch-local dictionary.
// BatchBuilder builds one row by row; EncodeBatchRecord/DecodeBatchRecord turn
// one into a WAL payload and back (byte layout in docs/format/wal.md, "Batch
// payload"). DecodeBatchRecord validates every length against the payload and
// every dictionary code against its dictionary. A builder is used by one thread.

#ifndef OMENDB_STORAGE_BATCH_H_
#define OMENDB_STORAGE_BATCH_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "arrow/column.h"
#include "omendb/status.h"

namespace omen::storage {

class BatchBuilder {
 public:
  explicit BatchBuilder(std::shared_ptr<const arrow::Schema> schema);

  // Each Append* adds one value to column col. REQUIRES: the method fits the column's type
  // (AppendInt: integer, timestamp, date; AppendDouble: float; AppendBool; AppendString).
  void AppendNull(int col);
  void AppendBool(int col, bool v);
  void AppendInt(int col, int64_t v);
  void AppendDouble(int col, double v);
  void AppendString(int col, std::string_view v);
  // The code of v in string column col's batch dictionary (added when new), and appending a
  // value by its code: a writer that sees the same strings again can skip the lookup.
  // REQUIRES: code came from Intern(col, ...) since the last Finish.
  int32_t Intern(int col, std::string_view v);
  void AppendCode(int col, int32_t code);

  int64_t num_rows() const;
  const arrow::Schema& schema() const { return *schema_; }
  // The batch; InvalidArgument if columns differ in length or a NOT NULL column has a null.
  // Resets the builder.
  Result<arrow::RecordBatch> Finish();

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view v) const { return std::hash<std::string_view>{}(v); }
  };
  struct Column {
    std::vector<uint8_t> valid;  // one byte per row
    std::vector<uint8_t> values;
    std::unordered_map<std::string, int32_t, StringHash, std::equal_to<>> codes;
    std::vector<std::string_view> strings;  // views of codes' keys (stable in unordered_map)
    int64_t nulls = 0;
  };
  std::shared_ptr<const arrow::Schema> schema_;
  std::vector<Column> columns_;
};

// The WAL payload of an insert into table_id.
std::string EncodeBatchRecord(uint64_t table_id, const arrow::RecordBatch& batch);

struct DecodedBatch {
  uint64_t table_id = 0;
  arrow::RecordBatch batch;  // owns its buffers
};
// Decodes a payload against the table's current schema. Records written before an
// ALTER TABLE ADD COLUMN have fewer columns: the missing ones come back all-null.
Result<DecodedBatch> DecodeBatchRecord(std::string_view payload,
                                       const std::shared_ptr<const arrow::Schema>& schema);
// Only the table id of a payload (Corruption if too short).
Result<uint64_t> PeekBatchTableId(std::string_view payload);

// Timestamps storage accepts: [-2^62, 2^62) microseconds.
inline constexpr int64_t kMinTimestamp = -(int64_t{1} << 62);
inline constexpr int64_t kMaxTimestamp = (int64_t{1} << 62) - 1;

// Checks a batch against a schema: column count and types, lengths, null counts, NOT NULL
// columns, dictionaries and codes, timestamp range. Everything DecodeBatchRecord checks, so an
// accepted batch always replays.
Status ValidateBatch(const arrow::RecordBatch& batch, const arrow::Schema& schema);
// The same without the timestamp range.
Status ValidateBatchLayout(const arrow::RecordBatch& batch, const arrow::Schema& schema);

// An all-null column of a type, length rows.
arrow::ArrayData MakeNullArray(arrow::DataType type, int64_t length);

}  // namespace omen::storage

#endif  // OMENDB_STORAGE_BATCH_H_
