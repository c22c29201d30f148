// Copyright 2026 The OmenDB Authors.
//
// Segments: immutable, sorted runs of a partition's rows on disk, as an Arrow
// IPC file (<id>.arrow, record batches of TableOptions::batch_rows rows) and an
// index file (<id>.idx: stats, learned index over the sort key, and the CRC32C
// of the .arrow file). WriteSegment creates both (fsynced); Segment::Open
// validates them (checksums, structure, schema) and serves reads: uncompressed
// segments are memory-mapped and read zero-copy.
//
// A Segment is immutable after Open and safe to use from many threads (the
// cache of decompressed key columns is internally locked).

#ifndef OMENDB_STORAGE_SEGMENT_H_
#define OMENDB_STORAGE_SEGMENT_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "arrow/column.h"
#include "arrow/ipc.h"
#include "common/env.h"
#include "index/learned_index.h"
#include "storage/schema.h"
#include "storage/segment_format.h"

namespace omen::storage {

struct SegmentMeta {
  uint64_t id = 0;
  uint64_t rows = 0;
  int64_t min_time = 0;
  int64_t max_time = 0;
  uint64_t bytes = 0;  // .arrow + .idx
};

// Writes `rows` (all table columns, ordered by the table's sort order, string dictionaries
// sorted and holding only used values, as Gather produces) to base + ".arrow" and ".idx", both
// fsynced (the caller fsyncs the directory). REQUIRES: rows.num_rows > 0.
Result<SegmentMeta> WriteSegment(Env* env, const std::string& base, uint64_t id,
                                 const TableDef& def, const arrow::RecordBatch& rows);

class Segment {
 public:
  using Model = index::LearnedIndex<int64_t, 32, 4>;

  // Opens and validates base.arrow / base.idx against the table's current definition (the
  // segment may have fewer columns, written before an ADD COLUMN). Corruption on any mismatch.
  // `verify_checksum` false skips re-reading the .arrow file for its CRC (a file this process
  // just wrote and fsynced).
  static Result<std::shared_ptr<Segment>> Open(Env* env, const std::string& base,
                                               const SegmentMeta& meta, const TableDef& def,
                                               bool verify_checksum = true);

  const SegmentMeta& meta() const { return meta_; }
  const SegmentIndex& index() const { return index_; }
  int64_t rows() const { return static_cast<int64_t>(index_.rows); }
  int num_batches() const { return static_cast<int>(index_.num_batches); }
  int num_columns() const { return static_cast<int>(index_.num_columns); }
  bool compressed() const { return compressed_; }
  const std::string& base() const { return base_; }

  // Rows with time in [lo, hi) are [first, second). REQUIRES: no sort key (time-ordered).
  Result<std::pair<int64_t, int64_t>> TimeRowRange(int64_t lo, int64_t hi) const;
  // With a sort key: rows of series `code` (in the sort column's dictionary) with time in
  // [lo, hi).
  Result<std::pair<int64_t, int64_t>> SeriesRowRange(int32_t code, int64_t lo, int64_t hi) const;
  // With a sort key: where each series starts, for codes -1 (nulls) .. dictionary length - 1,
  // then rows(): series `code` is rows [starts[code + 1], starts[code + 2]). Found once (one
  // learned-index lookup per series) and kept; SeriesRowRange uses it once it exists.
  Result<const std::vector<int64_t>*> SeriesStarts() const;
  // Dictionary code of value in string column col, or nullopt when absent (binary search: the
  // dictionary is sorted).
  std::optional<int32_t> FindCode(int col, std::string_view value) const;
  const std::shared_ptr<const arrow::Dictionary>& dictionary(int col) const {
    return reader_->dictionary(col);
  }

  // Record batch b (zero-copy when uncompressed).
  Result<arrow::RecordBatch> ReadBatch(int b) const;
  // Only columns `columns` (< num_columns()) of batch b, in that order.
  Result<arrow::RecordBatch> ReadBatch(int b, const std::vector<int>& columns) const;

 private:
  Segment() = default;
  // Lowest row whose key is >= key.
  Result<int64_t> LowerBoundKey(int64_t key) const;
  struct KeyColumns {
    const int64_t* time = nullptr;
    const int32_t* codes = nullptr;
    std::shared_ptr<const void> owner;
  };
  // The lowest row >= from whose key is >= key when it is among the few rows from `from` on
  // (the rows before from are below key); -1 when it lies further or a read fails.
  int64_t NearLowerBound(int64_t from, int64_t key) const;
  // The key columns of batch b, read once and kept until the segment closes.
  Result<const KeyColumns*> BatchKeys(int b) const;
  // The key of row `off` of a batch with key columns k: time, or (code + 1, time) composed.
  int64_t KeyAt(const KeyColumns& k, int64_t off) const {
    if (index_.sort_column < 0) return k.time[off];
    return (int64_t{k.codes[off] + 1} << index_.key_shift) + (k.time[off] - index_.min_time);
  }

  Env* env_ = nullptr;
  std::string base_;
  SegmentMeta meta_;
  SegmentIndex index_;
  std::optional<Model> model_;
  std::unique_ptr<arrow::IpcFileReader> reader_;
  int time_column_ = 0;
  bool compressed_ = false;
  mutable std::mutex key_mu_;
  // Per batch, set once (release) and then read without the lock; the pointees live in
  // key_store_.
  mutable std::unique_ptr<std::atomic<const KeyColumns*>[]> keys_;
  mutable std::vector<std::unique_ptr<KeyColumns>> key_store_;  // GUARDED_BY(key_mu_)
  mutable std::atomic<const std::vector<int64_t>*> series_starts_{nullptr};
  mutable std::unique_ptr<std::vector<int64_t>> series_starts_store_;  // GUARDED_BY(key_mu_)
};

}  // namespace omen::storage

#endif  // OMENDB_STORAGE_SEGMENT_H_
