// Copyright 2026 The OmenDB Authors.
//
// Grouped aggregation. A HashAggregator consumes chunks whose first columns
// are the group keys and whose other columns are aggregate inputs, keeps one
// state per group and aggregate, and produces one row per group (keys, then
// results). Keys are normalized to int64 words (text through a per-aggregator
// intern table, cached per Arrow dictionary so a dictionary-encoded tag is
// hashed by code, not by string); a run of rows with the key of the row before
// (the common case on time- or tag-sorted data) skips the hash lookup.
//
// A time-bucket key (SetBucketKey) is fed raw timestamps and grouped by bucket
// number; with SetDense its groups live in arrays indexed by bucket number (x a
// few tag groups) with no hashing at all, until a row does not fit the plan,
// when the aggregator moves its groups into the hash table and goes on there.
// Each worker thread fills its own aggregator; Merge() combines them. Not
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

struct BucketFn;   // exec/dense_groups.h
struct DensePlan;  // exec/dense_groups.h

class HashAggregator {
 public:
  HashAggregator(std::vector<LType> key_types, std::vector<AggSpec> aggs);
  ~HashAggregator();
  HashAggregator(HashAggregator&&) noexcept;

  // Key column `key` holds raw timestamps, grouped by fn's bucket number: Finish() returns one
  // timestamp of each bucket in that column (the caller computes the bucket's value from it).
  // REQUIRES: before the first Consume; key_types[key] is a timestamp type.
  void SetBucketKey(int key, const BucketFn& fn);
  // Groups into dense arrays laid out by plan (PlanDense over the same bucket function, key
  // types and aggregates, from min_time). REQUIRES: SetBucketKey first, plan.ok.
  void SetDense(int64_t min_time, const DensePlan& plan);
  // Whether groups are (still) dense: false after a row that did not fit moved them to hashing.
  bool dense() const;

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
  // Dense groups did not fit a row: moves them into a hash table; hashing from then on.
  void MoveToHashing();

  std::unique_ptr<Impl> impl_;
};

}  // namespace omen::exec

#endif  // OMENDB_EXEC_AGGREGATE_H_
