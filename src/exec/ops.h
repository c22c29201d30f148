// Copyright 2026 The OmenDB Authors.
//
// Whole-chunk operators that run after the parallel scan/aggregate stage:
// sorting (full, or top-k with a bounded heap), DISTINCT and DISTINCT ON,
// window functions over partitions ordered by time, and gap filling for
// time_bucket_gapfill with locf/interpolate. Each takes a materialized Chunk
// and returns row indexes or new columns. Pure; thread-safe for distinct
// inputs.

#ifndef OMENDB_EXEC_OPS_H_
#define OMENDB_EXEC_OPS_H_

#include <functional>
#include <vector>

#include "exec/types.h"

namespace omen::exec {

struct SortKey {
  int col = 0;
  bool desc = false;
  bool nulls_first = false;  // PostgreSQL's default: NULLS LAST for ASC, FIRST for DESC
};

// Row order of `in` by keys (stable). limit >= 0: only the first `limit` rows are needed
// (top-k: partial sort).
std::vector<uint32_t> SortIndices(const Chunk& in, const std::vector<SortKey>& keys,
                                  int64_t limit = -1);
// Indexes of the first row of each distinct combination of cols, in input order.
std::vector<uint32_t> DistinctRows(const Chunk& in, const std::vector<int>& cols);
// For each distinct combination of group_cols, the row that sorts first by `order` (the rows
// DISTINCT ON keeps), in no particular order. Hashes instead of sorting everything.
std::vector<uint32_t> FirstPerGroup(const Chunk& in, const std::vector<int>& group_cols,
                                    const std::vector<SortKey>& order);
// Rows equal on cols (NULLs equal) — for DISTINCT ON over sorted input.
bool RowsEqual(const Chunk& in, const std::vector<int>& cols, int64_t a, int64_t b);

enum class WinFn : uint8_t {
  kRowNumber,
  kRank,
  kDenseRank,
  kLag,
  kLead,
  kFirstValue,
  kLastValue,
  kSum,
  kAvg,
  kMin,
  kMax,
  kCount,
  kCountStar,
};

struct WindowSpec {
  WinFn fn = WinFn::kRowNumber;
  LType type = LType::kInt64;  // result
  int arg = -1;                // input column
  int64_t offset = 1;          // lag/lead
  int default_col = -1;        // lag/lead default
  std::vector<int> partition;
  std::vector<SortKey> order;
  // Frame: ROWS BETWEEN preceding PRECEDING AND following FOLLOWING; -1 = UNBOUNDED.
  bool rows_frame = false;
  int64_t preceding = -1;
  int64_t following = 0;
  // Called now and then (every few thousand rows of work); an error stops the computation
  // with it (query cancellation and statement_timeout). Optional.
  std::function<Status()> check;
};

Result<Vector> ComputeWindow(const Chunk& in, const WindowSpec& w);

struct GapFillSpec {
  int bucket_col = 0;
  Interval width;
  int64_t origin = 0;
  int64_t start = 0;  // first bucket covers start
  int64_t end = 0;    // exclusive
  std::vector<int> group_cols;
  std::vector<int> locf_cols;
  std::vector<int> interpolate_cols;
};
// Adds a row for every bucket in [start, end) missing in each group (other columns NULL),
// then fills locf/interpolate columns. Output sorted by (groups, bucket).
Result<Chunk> GapFill(const Chunk& in, const std::vector<LType>& types, const GapFillSpec& g);

}  // namespace omen::exec

#endif  // OMENDB_EXEC_OPS_H_
