// `omendb-bench index`: the learned index against the structures a database would use
// otherwise, all measured in one run over the same key array. One JSON object per line
// (or an aligned table); see RunIndexBench for the fields.

#ifndef OMENDB_TOOLS_BENCH_INDEX_BENCH_H_
#define OMENDB_TOOLS_BENCH_INDEX_BENCH_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace omen::bench {

struct IndexBenchOptions {
  size_t keys = 10'000'000;
  std::vector<std::string> datasets;    // empty: all
  std::vector<size_t> epsilons;         // empty: all compiled in
  std::vector<std::string> structures;  // empty: all
  size_t queries = 2'000'000;           // lookups per measurement
  size_t reps = 3;                      // measurements per figure; the median is reported
  std::vector<bool> huge_pages{false, true};
  uint64_t seed = 42;
  bool json = true;
  bool map_inserts = true;  // absl_btree/std_map random inserts (minutes at 100M keys)
};

// The epsilons `omen` is compiled for.
const std::vector<size_t>& IndexBenchEpsilons();
const std::vector<std::string>& IndexBenchStructures();

// Runs the benchmark, printing to stdout. Returns a process exit code; on bad options
// prints the reason to stderr and returns 2.
int RunIndexBench(const IndexBenchOptions& options);

}  // namespace omen::bench

#endif  // OMENDB_TOOLS_BENCH_INDEX_BENCH_H_
