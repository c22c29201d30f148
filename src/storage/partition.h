// Copyright 2026 The OmenDB Authors.
//
// Time partitions: which [start, end) range of microseconds a timestamp falls
// in for each PartitionBy, and the partition's directory name. Pure functions.

#ifndef OMENDB_STORAGE_PARTITION_H_
#define OMENDB_STORAGE_PARTITION_H_

#include <cstdint>
#include <string>

#include "storage/schema.h"

namespace omen::storage {

struct PartitionRange {
  int64_t start = 0;  // inclusive
  int64_t end = 0;    // exclusive
};

// The partition holding time t (µs since the epoch, UTC). kNone: the whole int64 range.
PartitionRange PartitionFor(PartitionBy by, int64_t t);
// Directory name: "2024-01-31" (day, week: its Monday), "2024-01-31T13" (hour), "2024-01"
// (month), "all" (none). Times far outside years 0..9999 use "p<start>".
std::string PartitionName(PartitionBy by, int64_t start);

}  // namespace omen::storage

#endif  // OMENDB_STORAGE_PARTITION_H_
