// Copyright 2026 The OmenDB Authors.
//
// The `.idx` file beside each segment's `.arrow` file: row counts, per-column
// and per-batch statistics (zone maps), and the learned index over the
// segment's sort key (time, or (tag, time) with a sort key). Byte layout in
// docs/format/segment.md:
//
//   magic "OMENIDX1" (8) | version u32 | body_length u64 | body | masked crc32c(body) u32
//
// Encode/Decode are pure; Decode validates every length and the checksum and
// returns Corruption for anything else (never reads out of bounds).

#ifndef OMENDB_STORAGE_SEGMENT_FORMAT_H_
#define OMENDB_STORAGE_SEGMENT_FORMAT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "index/learned_index.h"
#include "omendb/status.h"

namespace omen::storage {

inline constexpr char kSegmentIndexMagic[8] = {'O', 'M', 'E', 'N', 'I', 'D', 'X', '1'};
inline constexpr uint32_t kSegmentIndexVersion = 1;
inline constexpr size_t kSegmentIndexHeader = 8 + 4 + 8;
inline constexpr size_t kSegmentIndexTrailer = 4;
static_assert(kSegmentIndexHeader == 20, "idx header layout");

// Min/max of a column's valid values: int64 for integer-like types (bool 0/1, dictionary
// codes for strings, whose dictionaries are sorted), the bits of a double for floats.
struct ColumnStats {
  bool has_minmax = false;
  int64_t min = 0;
  int64_t max = 0;
  int64_t null_count = 0;
};

struct SegmentIndex {
  uint64_t arrow_bytes = 0;  // size of the .arrow file
  uint32_t arrow_crc = 0;    // crc32c of the whole .arrow file
  uint64_t rows = 0;
  uint32_t batch_rows = 0;  // rows per record batch; the last may be shorter
  uint32_t num_batches = 0;
  uint32_t num_columns = 0;
  int64_t min_time = 0;
  int64_t max_time = 0;
  int32_t sort_column = -1;  // -1: key = time; else key = (code << key_shift) | (time - min_time)
  uint32_t key_shift = 0;
  bool has_model = false;                 // false when the composite key does not fit in 63 bits
  std::vector<ColumnStats> column_stats;  // [column]
  std::vector<std::vector<ColumnStats>> batch_stats;  // [batch][column]
  index::LearnedIndexData<int64_t> model;             // over the key column

  uint64_t BatchRows(uint32_t b) const {
    return b + 1 < num_batches ? batch_rows : rows - uint64_t{batch_rows} * b;
  }
};

std::string EncodeSegmentIndex(const SegmentIndex& idx);
Result<SegmentIndex> DecodeSegmentIndex(std::string_view bytes);

}  // namespace omen::storage

#endif  // OMENDB_STORAGE_SEGMENT_FORMAT_H_
