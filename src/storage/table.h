// Copyright 2026 The OmenDB Authors.
//
// Table: the live state of one table — its time partitions, each with
// immutable segments, an active write buffer and buffers being flushed — and
// the table's MANIFEST (DATA/tables/<table>/MANIFEST), the durable list of
// segments and, per partition, the last WAL sequence whose rows are in
// segments. Database drives the changes (flush, compaction, delete); Table
// keeps the state consistent for readers.
//
// Locking: mu_ guards the partition map. Readers hold it only to copy
// pointers (TakeScan). The single writer (Database's apply lock) appends to
// buffers outside mu_ and publishes under it, so a scan sees whole batches.
// Manifest changes are serialized by the Database's maintenance lock.

#ifndef OMENDB_STORAGE_TABLE_H_
#define OMENDB_STORAGE_TABLE_H_

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/env.h"
#include "storage/partition.h"
#include "storage/schema.h"
#include "storage/segment.h"
#include "storage/write_buffer.h"

namespace omen::storage {

struct ScanSpec {
  int64_t min_time = std::numeric_limits<int64_t>::min();  // inclusive
  int64_t max_time = std::numeric_limits<int64_t>::max();  // exclusive
  std::vector<int> columns;  // table column indexes, in output order; empty = all
  // Optional tag filter: rows whose string column tag_column equals one of tag_values.
  int tag_column = -1;
  std::vector<std::string> tag_values;
  // Candidate rows for "the latest (earliest) row of each series": in segments ordered by
  // (sort key, time), only the last (first) in-range row of each series is read, and such a
  // segment is skipped when every series it holds has a candidate strictly later (earlier) in
  // a segment already taken; other segments and write buffers are read in full. The caller
  // reduces the candidates per series.
  enum class SeriesEdge { kNone, kLast, kFirst };
  SeriesEdge series_edge = SeriesEdge::kNone;
};

struct ScanStats {
  int partitions_total = 0;
  int partitions_scanned = 0;
  int segments_total = 0;
  int segments_scanned = 0;
  int batches_pruned = 0;
  int buffers_scanned = 0;
  int64_t rows_estimated = 0;  // exact for segments (learned-index ranges); buffer rows in range
  // Bounds on the times of the rows the tasks hold (from segment indexes and buffer snapshots,
  // clipped to the spec's range); min > max when there are none.
  int64_t min_time = std::numeric_limits<int64_t>::max();
  int64_t max_time = std::numeric_limits<int64_t>::min();
};

// A consistent snapshot of a table, cut into independent read tasks. ReadTask is const and
// thread-safe, so tasks can be spread over threads. Holds its segments and buffers alive.
class TableScan {
 public:
  struct Task {
    std::shared_ptr<Segment> segment;  // null for a buffer task
    int batch = 0;
    int64_t begin = 0;  // rows within the batch
    int64_t end = 0;
    std::vector<int32_t> codes;  // tag filter codes in the segment dictionary (empty: none)
    bool time_filter = false;    // rows need a per-row time check (sort-key segments)
    // When non-empty: exactly these rows of the batch (ascending, within [begin, end)), found by
    // per-series learned-index lookups; no time check is needed.
    std::vector<uint32_t> rows;
    int buffer = -1;  // index into buffers_ for a buffer task
  };

  const std::vector<Task>& tasks() const { return tasks_; }
  const ScanStats& stats() const { return stats_; }
  const std::shared_ptr<const arrow::Schema>& schema() const { return schema_; }
  // The rows of task i with the projected columns (zero-copy from uncompressed segments when no
  // row filter applies). May return a batch with zero rows.
  Result<arrow::RecordBatch> ReadTask(size_t i) const;
  // Sequential convenience: the next non-empty batch; false when done.
  Result<bool> Next(arrow::RecordBatch* out);

 private:
  friend class Table;
  std::shared_ptr<const TableDef> def_;
  std::shared_ptr<const arrow::Schema> schema_;  // projected
  ScanSpec spec_;
  std::vector<Task> tasks_;
  std::vector<WriteBuffer::Snapshot> buffers_;
  ScanStats stats_;
  size_t next_ = 0;
};

struct PartitionState {
  PartitionRange range;
  std::string name;
  uint64_t flushed_seq = 0;  // rows from WAL records <= this are in segments
  std::vector<std::shared_ptr<Segment>> segments;
  std::shared_ptr<WriteBuffer> active;
  std::vector<std::shared_ptr<WriteBuffer>> flushing;  // oldest first
};

// What the MANIFEST records.
struct ManifestPartition {
  int64_t start = 0;
  uint64_t flushed_seq = 0;
  std::vector<SegmentMeta> segments;
};
struct Manifest {
  uint64_t table_id = 0;
  uint64_t next_segment_id = 1;
  uint64_t floor_seq = 0;  // rows from WAL records <= this are never replayed (delete, drop)
  std::map<int64_t, ManifestPartition> partitions;
};
std::string EncodeManifest(const Manifest& m);
Result<Manifest> DecodeManifest(std::string_view bytes);

class Table {
 public:
  Table(Env* env, std::string dir, std::shared_ptr<const TableDef> def);

  const std::string& dir() const { return dir_; }
  std::shared_ptr<const TableDef> def() const;
  std::shared_ptr<const arrow::Schema> schema() const;
  void SetDef(std::shared_ptr<const TableDef> def);  // after ALTER; REQUIRES: no buffered rows

  // Loads MANIFEST (absent: empty), opens segments (quarantining corrupt ones into
  // quarantine_dir), removes files the manifest does not list.
  Status Load(const std::string& quarantine_dir);

  // Applies a validated batch from WAL record seq. REQUIRES: the single writer. Rows of
  // partitions whose flushed_seq (or the floor) is >= seq are skipped (replay).
  // Returns the rows applied.
  int64_t Apply(const arrow::RecordBatch& batch, uint64_t seq);

  Result<TableScan> TakeScan(const ScanSpec& spec) const;

  // --- used by Database under its maintenance lock ---
  Manifest manifest() const;
  Status WriteManifest(const Manifest& m);
  std::string PartitionDir(int64_t start) const;
  std::string SegmentBase(int64_t start, uint64_t id) const;
  std::vector<int64_t> PartitionStarts() const;
  // Moves the active buffer of partition `start` to its flushing list (call under apply lock).
  void SealActive(int64_t start);
  // The oldest flushing buffer of a partition, or null.
  std::shared_ptr<WriteBuffer> OldestFlushing(int64_t start) const;
  // Installs a flushed segment: drops the buffer from the flushing list.
  void InstallFlush(int64_t start, const std::shared_ptr<WriteBuffer>& buffer,
                    std::shared_ptr<Segment> segment, uint64_t flushed_seq);
  // Replaces segments (compaction, delete); `added` may be empty. Drops the partition from the
  // map when it ends up with no segments and no buffers and `drop_empty`.
  void ReplaceSegments(int64_t start, const std::vector<uint64_t>& removed,
                       std::vector<std::shared_ptr<Segment>> added, bool drop_empty);
  void SetFloor(uint64_t floor_seq);
  std::vector<std::shared_ptr<Segment>> Segments(int64_t start) const;
  int64_t BufferedRows() const;
  // Partition start and pending rows of the largest active buffer (rows 0 if none).
  std::pair<int64_t, int64_t> LargestActive() const;
  // Smallest first WAL sequence of any buffered row (0 when nothing is buffered).
  uint64_t MinBufferedSequence() const;
  uint64_t AllocateSegmentId();

 private:
  PartitionState& GetPartition(int64_t t);  // REQUIRES: mu_ held

  Env* const env_;
  const std::string dir_;
  mutable std::mutex mu_;
  std::shared_ptr<const TableDef> def_;           // GUARDED_BY(mu_)
  std::shared_ptr<const arrow::Schema> schema_;   // GUARDED_BY(mu_)
  std::map<int64_t, PartitionState> partitions_;  // GUARDED_BY(mu_)
  uint64_t next_segment_id_ = 1;                  // GUARDED_BY(mu_)
  uint64_t floor_seq_ = 0;                        // GUARDED_BY(mu_)
};

// Rows of `batch` (from an older segment with fewer columns) padded with null columns to the
// table's current columns.
arrow::RecordBatch ExtendToTable(arrow::RecordBatch batch, const TableDef& def,
                                 const std::shared_ptr<const arrow::Schema>& schema);

}  // namespace omen::storage

#endif  // OMENDB_STORAGE_TABLE_H_
