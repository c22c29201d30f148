// Copyright 2026 The OmenDB Authors.
//
// Grouped aggregation. A HashAggregator consumes chunks whose first columns
// are the group keys and whose other columns are aggregate inputs, keeps one
// state per group and aggregate, and produces one row per group (keys, then
// results). Keys are normalized to int64 words (text through a per-aggregator
// intern table, cached per Arrow dictionary so a dictionary-encoded tag is
// hashed by code, not by string); a run of rows with the key of the row before
// (the common case on time- or tag-sorted data) skips the hash lookup. Each
// worker thread fills its own aggregator; Merge() combines them. Not
// thread-safe; one aggregator per thread.

#ifndef OMENDB_EXEC_AGGREGATE_H_
#define OMENDB_EXEC_AGGREGATE_H_

#include <memory>
#include <string>
#include <vector>

#include "exec/types.h"

namespace omen::exec {

enum class AggFn : uint8_t {
  kCountStar,
  kCount,
  kSum,
  kAvg,
  kMin,
  kMax,
  kFirst,  // first(value, time): the value at the smallest time
  kLast,   // last(value, time): the value at the largest time
  kStddevSamp,
  kStddevPop,
  kVarSamp,
  kVarPop,
  kBoolAnd,
  kBoolOr,
  kPercentileCont,
  kPercentileDisc,
  kArrayAgg,   // array_agg(value): the values (NULLs too) in input order
  kStringAgg,  // string_agg(value, delimiter): arg2 is the delimiter column
};

struct AggSpec {
  AggFn fn = AggFn::kCountStar;
  LType type = LType::kInt64;     // result type
  LType arg_type = LType::kNull;  // type of the input column
  int arg = -1;                   // input column (after the keys); -1 for count(*)
  int arg2 = -1;                  // time column of first/last; delimiter of string_agg
  int filter = -1;                // boolean column of FILTER (WHERE ...); -1 none
  bool distinct = false;
  double fraction = 0.5;  // percentile_*
};

// Result type of fn over an argument of type arg (PostgreSQL's rules).
Result<LType> AggResultType(AggFn fn, LType arg);

class HashAggregator {
 public:
  HashAggregator(std::vector<LType> key_types, std::vector<AggSpec> aggs);
  ~HashAggregator();
  HashAggregator(HashAggregator&&) noexcept;

  // in: key columns first (key_types.size()), then the columns AggSpec refers to.
  Status Consume(const Chunk& in);
  // Folds other's groups into this one.
  Status Merge(HashAggregator& other);
  // One row per group: keys, then one column per aggregate. With no keys, exactly one row.
  Result<Chunk> Finish();
  int64_t groups() const;
  // Approximate bytes held (for the query memory limit).
  int64_t MemoryBytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace omen::exec

#endif  // OMENDB_EXEC_AGGREGATE_H_
