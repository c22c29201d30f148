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

#include <cstring>
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
  ~BatchBuilder();
  BatchBuilder(const BatchBuilder&) = delete;
  BatchBuilder& operator=(const BatchBuilder&) = delete;

  // Each Append* adds one value to column col. REQUIRES: the method fits the column's type
  // (AppendInt: integer, timestamp, date; AppendDouble: float; AppendBool; AppendString).
  void AppendNull(int col);
  // The fixed-width appends are inline: a writer's inner loop makes one per value.
  [[gnu::always_inline]] void AppendBool(int col, bool v) {
    const uint8_t b = v ? 1 : 0;
    Put(&columns_[col], &b, 1);
  }
  [[gnu::always_inline]] void AppendInt(int col, int64_t v) {
    Column& c = columns_[col];
    if (c.width == 8) {
      Put(&c, &v, 8);
    } else if (c.width == 4) {
      const int32_t x = static_cast<int32_t>(v);
      Put(&c, &x, 4);
    } else {
      const int16_t x = static_cast<int16_t>(v);
      Put(&c, &x, 2);
    }
  }
  [[gnu::always_inline]] void AppendDouble(int col, double v) {
    Column& c = columns_[col];
    if (c.width == 4) {
      const float f = static_cast<float>(v);
      Put(&c, &f, 4);
    } else {
      Put(&c, &v, 8);
    }
  }
  void AppendString(int col, std::string_view v) { AppendCode(col, Intern(col, v)); }
  // The code of v in string column col's batch dictionary (added when new), and appending a
  // value by its code: a writer that sees the same strings again can skip the lookup.
  // REQUIRES: code came from Intern(col, ...) since the last Finish.
  int32_t Intern(int col, std::string_view v);
  [[gnu::always_inline]] void AppendCode(int col, int32_t code) { Put(&columns_[col], &code, 4); }
  // Room for n more rows in every column (a hint: appends grow the columns anyway).
  void Reserve(int64_t n);

  int64_t num_rows() const;
  const arrow::Schema& schema() const { return *schema_; }
  // The batch; InvalidArgument if columns differ in length or a NOT NULL column has a null.
  // Resets the builder: its rows, and its string dictionaries unless they are kept.
  Result<arrow::RecordBatch> Finish();

  // Keep the string dictionaries across Finish, so that codes from Intern stay valid for the
  // next batches (a writer caching codes saves the lookups). Each batch then carries every
  // string interned so far; a dictionary larger than its batch's rows (or than 2^16 strings)
  // is dropped at Finish all the same, which bumps dictionary_generation().
  void set_keep_dictionaries(bool keep) { keep_dictionaries_ = keep; }
  // Changes whenever codes from Intern become invalid (dictionaries dropped).
  uint64_t dictionary_generation() const { return dictionary_generation_; }

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view v) const { return std::hash<std::string_view>{}(v); }
  };
  struct Column {
    // Values, width bytes per row (booleans: one byte), in a malloc'ed buffer that Finish hands
    // to the batch without a copy.
    uint8_t* data = nullptr;
    size_t size = 0;
    size_t capacity = 0;
    int width = 1;
    // One byte per row, kept only once the column has a null (until then every row is valid).
    std::vector<uint8_t> valid;
    int64_t nulls = 0;
    std::unordered_map<std::string, int32_t, StringHash, std::equal_to<>> codes;
    std::vector<std::string_view> strings;  // views of codes' keys (stable in unordered_map)
  };
  // Appends n value bytes and marks the row valid.
  [[gnu::always_inline]] static void Put(Column* c, const void* v, size_t n) {
    if (c->size + n > c->capacity) Grow(c, n);
    std::memcpy(c->data + c->size, v, n);
    c->size += n;
    if (c->nulls > 0) c->valid.push_back(1);
  }
  static void Grow(Column* c, size_t n);
  void ResetColumns();

  std::shared_ptr<const arrow::Schema> schema_;
  std::vector<Column> columns_;
  bool keep_dictionaries_ = false;
  uint64_t dictionary_generation_ = 0;
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
