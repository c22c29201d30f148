// Copyright 2026 The OmenDB Authors.
//
// WriteBuffer: the in-memory rows of one partition that are in the WAL but not
// yet in a segment (a memtable), column-major in fixed-size chunks whose memory
// never moves. Rows are kept in arrival order; they are sorted by time when
// read (Materialize) or flushed.
//
// Concurrency: exactly one writer at a time (the database's apply lock) calls
// Reserve/Append/Publish; Reserve and Publish must run under the owning
// table's mutex, which is also what readers hold while they take a Snapshot.
// A Snapshot sees the rows published before it and nothing written later;
// its chunks are shared, so it stays valid after the buffer is flushed.

#ifndef OMENDB_STORAGE_WRITE_BUFFER_H_
#define OMENDB_STORAGE_WRITE_BUFFER_H_

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "arrow/column.h"

namespace omen::storage {

class WriteBuffer {
 public:
  static constexpr int64_t kChunkRows = 16384;

  explicit WriteBuffer(std::shared_ptr<const arrow::Schema> schema, int time_column);
  WriteBuffer(const WriteBuffer&) = delete;
  WriteBuffer& operator=(const WriteBuffer&) = delete;

  // Makes room for n more rows (allocating chunks). REQUIRES: table mutex held, single writer.
  void Reserve(int64_t n);
  // Copies rows[0, n) of batch (row indexes into it) after the last row, unpublished.
  // REQUIRES: Reserve(n) first; single writer; batch matches the schema (validated).
  void Append(const arrow::RecordBatch& batch, const uint32_t* rows, int64_t n, uint64_t seq);
  // Makes appended rows visible to snapshots. REQUIRES: table mutex held, single writer.
  void Publish();

  struct Chunk {
    Chunk() = default;
    Chunk(const Chunk&) = delete;
    Chunk& operator=(const Chunk&) = delete;
    ~Chunk();  // hands its arrays to the chunk memory cache (see ChunkMemory in the .cc)

    std::vector<std::unique_ptr<uint8_t[]>> values;  // per column, kChunkRows * width (bool: 1)
    std::vector<std::unique_ptr<uint8_t[]>> valid;   // per column, one byte per row, or null
    std::vector<uint32_t> value_bytes;               // per column, the size of values[c]
  };
  struct Snapshot {
    std::shared_ptr<const arrow::Schema> schema;
    std::vector<std::shared_ptr<const Chunk>> chunks;
    std::vector<std::shared_ptr<const arrow::Dictionary>> dictionaries;  // per string column
    int64_t rows = 0;
    int time_column = 0;
    bool sorted = true;
    int64_t min_time = std::numeric_limits<int64_t>::max();
    int64_t max_time = std::numeric_limits<int64_t>::min();

    int64_t Time(int64_t row) const {
      const auto* t =
          reinterpret_cast<const int64_t*>(chunks[row / kChunkRows]->values[time_column].get());
      return t[row % kChunkRows];
    }
  };
  // REQUIRES: table mutex held (or no concurrent writer).
  Snapshot TakeSnapshot() const;

  int64_t published_rows() const { return published_rows_; }
  int64_t pending_rows() const { return rows_; }
  uint64_t first_sequence() const { return first_seq_; }
  uint64_t last_sequence() const { return last_seq_; }
  size_t memory_bytes() const { return chunks_.size() * chunk_bytes_; }

 private:
  // Calls fn(chunk, off, i, len) for the pieces of n rows appended at rows_: rows i .. i + len
  // of the input go to rows off .. off + len of chunk.
  template <typename Fn>
  void ForChunkPieces(int64_t n, Fn&& fn) {
    for (int64_t i = 0; i < n;) {
      const int64_t dst = rows_ + i;
      const int64_t off = dst % kChunkRows;
      const int64_t len = std::min(n - i, kChunkRows - off);
      fn(*chunks_[dst / kChunkRows], off, i, len);
      i += len;
    }
  }

  std::shared_ptr<const arrow::Schema> schema_;
  int time_column_;
  size_t chunk_bytes_ = 0;
  std::vector<std::shared_ptr<Chunk>> chunks_;
  int64_t rows_ = 0;            // appended (writer side)
  int64_t published_rows_ = 0;  // visible to snapshots
  uint64_t first_seq_ = 0;
  uint64_t last_seq_ = 0;
  bool sorted_ = true;
  int64_t min_time_ = std::numeric_limits<int64_t>::max();
  int64_t max_time_ = std::numeric_limits<int64_t>::min();
  bool published_sorted_ = true;
  int64_t published_min_ = std::numeric_limits<int64_t>::max();
  int64_t published_max_ = std::numeric_limits<int64_t>::min();

  // String pools, one per string column: codes are buffer-local.
  struct Pool {
    std::vector<std::string> strings;
    struct Hash {
      using is_transparent = void;
      size_t operator()(std::string_view v) const { return std::hash<std::string_view>{}(v); }
    };
    std::unordered_map<std::string, int32_t, Hash, std::equal_to<>> codes;
    mutable std::shared_ptr<const arrow::Dictionary> cached;  // of strings[0, cached->length)
  };
  mutable std::mutex pool_mu_;
  std::vector<Pool> pools_;  // indexed by column; empty pools for other types
};

// Rows of a snapshot whose time lies in [lo, hi), sorted by time (stable: arrival order for
// equal times), as one owned batch of the given columns (all when empty). If `order` is
// non-null it is used as the row order instead (a permutation or subset of row ids).
arrow::RecordBatch Materialize(const WriteBuffer::Snapshot& snap, int64_t lo, int64_t hi,
                               const std::vector<int>& columns,
                               const std::vector<uint32_t>* order = nullptr);

// Row ids of the snapshot with time in [lo, hi), in time order (stable).
std::vector<uint32_t> SortedRowIds(const WriteBuffer::Snapshot& snap, int64_t lo, int64_t hi);

// Every row of snap as a segment holds them, gathered straight from the chunks: ordered by
// (sort column's string, nulls first; time) when sort_column >= 0, else by time, stable
// (arrival order for ties); each string column's dictionary reduced to the strings its rows
// use, sorted. The same rows, order and dictionaries as Gather(SortedRefs(...)) over
// Materialize(snap), without that intermediate copy.
arrow::RecordBatch MaterializeForSegment(const WriteBuffer::Snapshot& snap, int sort_column);

}  // namespace omen::storage

#endif  // OMENDB_STORAGE_WRITE_BUFFER_H_
