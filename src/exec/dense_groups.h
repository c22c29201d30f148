// Copyright 2026 The OmenDB Authors.
//
// Time-bucket GROUP BY keys without hashing. A BucketFn is a time bucket expression over the
// time column reduced to its bucket number: time_bucket/date_bin with a fixed-width interval,
// date_trunc from 'microseconds' to 'week' (UTC), and the epoch forms Grafana and hand-written
// queries use, floor(extract(epoch from time)/N)*N and (extract(epoch from time)::bigint/N)*N.
// Two timestamps get the same bucket number exactly when the expression gives them the same
// value, and the number never decreases as the timestamp grows, so the expression's value for
// a bucket can be computed from any one timestamp in it (the aggregators keep one).
//
// DenseGroups turns rows of (raw timestamp, optional text tag) into slots of arrays indexed by
// bucket number within a known time range, times a small number of tag groups (dictionary
// codes mapped per Arrow dictionary, other text interned). Not thread-safe; one per aggregator.

#ifndef OMENDB_EXEC_DENSE_GROUPS_H_
#define OMENDB_EXEC_DENSE_GROUPS_H_

#include <absl/container/flat_hash_map.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "exec/aggregate.h"
#include "exec/expr.h"
#include "exec/types.h"

namespace omen::exec {

struct BucketFn {
  enum class Kind : uint8_t {
    kFixed,        // origin + floor((ts - origin) / width) * width
    kEpochFloor,   // floor((ts / 1e6) / step) * step, in doubles
    kEpochIntDiv,  // round(ts / 1e6) / divisor * divisor, in bigints (truncating division)
  };
  Kind kind = Kind::kFixed;
  int64_t origin = 0;   // kFixed
  int64_t width = 1;    // kFixed, microseconds > 0
  double step = 1;      // kEpochFloor, >= 0.01 seconds
  int64_t divisor = 1;  // kEpochIntDiv, > 0 seconds

  // The bucket number of ts (any int64).
  int64_t Ordinal(int64_t ts) const;
  // out[r] = Ordinal(ts[r]) for r < n.
  void Ordinals(const int64_t* ts, int64_t n, int64_t* out) const;
  // out[r] = Ordinal(ts[r]) - first for r < n, in one pass; false when one falls outside
  // [0, count).
  bool Slots(const int64_t* ts, int64_t n, int64_t first, int64_t count, uint32_t* out) const;
  // For EXPLAIN: "width 3600000000 us", "floor(epoch / 300)", ...
  std::string ToString() const;
};

// The bucket function of e when e is a time bucket expression over column time_col (a
// timestamp column) with constant width, origin and unit; nullopt otherwise.
std::optional<BucketFn> MatchTimeBucket(const Expr& e, int time_col, const EvalContext& ctx);

// Whether (and how) a grouping with bucket key `bucket_key` (a BucketFn over raw timestamps in
// [min_time, max_time], inclusive) can run on dense arrays.
struct DensePlan {
  bool ok = false;
  std::string why_not;  // when !ok, for EXPLAIN
  int64_t buckets = 0;
  int tag_key = -1;       // the other key (text), -1 none
  int64_t max_slots = 0;  // buckets x tag groups allowed before falling back to hashing
};
// Keys: the bucket key and at most one text key. Aggregates: all but DISTINCT, percentiles,
// array_agg and string_agg. Buckets: at most about 4 per row estimated (sparse ranges hash)
// and within a per-thread memory cap of dense_bytes.
DensePlan PlanDense(const BucketFn& fn, int64_t min_time, int64_t max_time,
                    const std::vector<LType>& key_types, int bucket_key,
                    const std::vector<AggSpec>& aggs, int64_t rows_estimated,
                    int64_t dense_bytes = int64_t{32} << 20);

class DenseGroups {
 public:
  // REQUIRES: plan.ok, planned by PlanDense with this fn and min_time.
  DenseGroups(const BucketFn& fn, int bucket_key, int64_t min_time, const DensePlan& plan);
  DenseGroups(const DenseGroups&) = delete;
  DenseGroups& operator=(const DenseGroups&) = delete;

  // slot[r] for every row of in (keys in its first columns: raw timestamps in the bucket key,
  // text in the tag key). False, marking no group, when a row does not fit: a NULL or
  // out-of-range timestamp, or a tag group past max_slots.
  bool Assign(const Chunk& in, std::vector<uint32_t>* slot);
  // Slots allocated so far (buckets x tag groups); aggregate state must cover them.
  int64_t slots() const { return static_cast<int64_t>(rep_.size()); }
  // Slots that hold a group.
  int64_t groups() const { return groups_; }
  // The groups, by bucket then tag: their keys (a timestamp of the bucket, the tag) as columns
  // of key_types, and their slots.
  void Export(const std::vector<LType>& key_types, Chunk* keys, std::vector<uint32_t>* slots) const;
  int64_t MemoryBytes() const;

 private:
  // Tag group of row r of v; -1 when there is no room for a new one.
  int32_t TagOf(const Vector& v, int64_t r);
  int32_t NewTag(std::optional<std::string> value);

  BucketFn fn_;
  int bucket_key_;
  int tag_key_;
  int64_t first_;  // bucket number of min_time
  int64_t buckets_;
  int64_t max_slots_;
  int64_t groups_ = 0;
  std::vector<uint8_t> seen_;  // per slot
  std::vector<int64_t> rep_;   // per slot: a timestamp of the bucket (when seen)
  // Tag groups: value (nullopt: NULL) per id; text -> id; per dictionary code -> id.
  std::vector<std::optional<std::string>> tags_;
  absl::flat_hash_map<std::string, int32_t> tag_ids_;
  int32_t null_tag_ = -1;
  absl::flat_hash_map<const arrow::Dictionary*, std::vector<int32_t>> dict_ids_;
  std::vector<std::shared_ptr<const void>> dict_keep_;  // dictionaries cached by address
};

}  // namespace omen::exec

#endif  // OMENDB_EXEC_DENSE_GROUPS_H_
