// Copyright 2026 The OmenDB Authors.
//
// `omendb-bench ingest` and `omendb-bench scan`: the storage engine embedded,
// no network, on TSBS cpu-only data (bench/tsbs.h). One JSON object per line.

#ifndef OMENDB_BENCH_STORAGE_BENCH_H_
#define OMENDB_BENCH_STORAGE_BENCH_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "omendb/status.h"
#include "storage/database.h"

namespace omen::bench {

// A fresh database in dir (removed first) holding `rows` TSBS cpu-only rows (TsbsGenerator with
// seed kTsbsLoadSeed) in table `def` (sync off), checkpointed and compacted, with the sum of
// usage_user (to check scans) and the load time.
inline constexpr uint64_t kTsbsLoadSeed = 1;
struct LoadedTsbs {
  std::unique_ptr<storage::Database> db;
  double usage_user_sum = 0;
  double seconds = 0;
};
Result<LoadedTsbs> LoadTsbs(const std::string& dir, const storage::TableDef& def, int64_t rows,
                            int hosts);

struct IngestBenchOptions {
  int64_t rows = 10'000'000;
  int hosts = 4000;
  int64_t batch_rows = 10'000;  // rows per Insert call
  std::vector<int> writers = {1, 2};
  std::vector<std::string> syncs = {"always", "off"};
  std::string compression = "none";
  std::string dir;  // empty: a fresh directory under /tmp
  bool json = true;
};
int RunIngestBench(const IngestBenchOptions& options);

struct ScanBenchOptions {
  int64_t rows = 100'000'000;
  int hosts = 4000;
  std::vector<std::string> compressions = {"none", "lz4", "zstd"};
  int threads = 0;  // 0: all cores
  int reps = 5;
  std::string dir;  // empty: a fresh directory under /tmp
  bool keep = false;
  bool json = true;
};
int RunScanBench(const ScanBenchOptions& options);

// Sort-key layouts compared: single-series queries (one host, a time window) and time-range
// queries over all hosts, on segments ordered by time vs by (hostname, time).
struct LayoutBenchOptions {
  int64_t rows = 10'000'000;
  int hosts = 4000;
  int queries = 200;
  std::string dir;
  bool json = true;
};
int RunLayoutBench(const LayoutBenchOptions& options);

}  // namespace omen::bench

#endif  // OMENDB_BENCH_STORAGE_BENCH_H_
