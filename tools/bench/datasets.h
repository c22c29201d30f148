// Key sets for `omendb-bench index`: sorted 64-bit keys that look like what a time-series
// database indexes (timestamps from regular collectors and from bursty sources), plus the
// two synthetic distributions that learned-index papers report (SOSD's uniform and
// lognormal), so results can be compared with theirs.
//
// Every dataset is a pure function of (name, n, seed): the same call returns the same keys
// on every run and machine with the same C library (lognormal goes through exp/log/erfc).
// Random numbers come from std::mt19937_64, whose output the standard fixes; the
// transforms to other distributions are written here, not taken from <random>'s
// distributions, whose algorithms differ between standard libraries.
//
// Cost: each generator writes its n keys once into the result vector (reserved up front)
// and keeps at most a few MiB beside it; 100M keys take seconds, not minutes.
//
// Thread safety: pure functions; any number of threads may call them.

#ifndef OMENDB_TOOLS_BENCH_DATASETS_H_
#define OMENDB_TOOLS_BENCH_DATASETS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace omen::bench {

// 2024-01-01T00:00:00Z in microseconds since the Unix epoch: where the timestamp
// datasets start.
inline constexpr int64_t kTimestampEpochUs = 1704067200000000;

// The names MakeDataset knows, in the order reports list them:
//   "ts_regular"  4000 interleaved series, one point each per 10 s, with a fixed phase per
//                 series, +-20 ms jitter per point, ~0.1% of points missing (short gaps per
//                 series), and a 1-30 minute outage of all series every ~5M points.
//   "ts_bursty"   one stream whose rate changes between periods of 10k-1M points: the mean
//                 gap is log-uniform in [10 us, 1000 us] per period, gaps are exponential
//                 around it and rounded to whole microseconds (so fast periods repeat keys).
//   "uniform"     uniform in [0, 2^62).
//   "lognormal"   SOSD's: lognormal(mu = 0, sigma = 2) * 1e9, truncated to an integer and
//                 clamped to [0, 2^62); many duplicates near zero.
const std::vector<std::string>& DatasetNames();

// Returns exactly n keys of dataset `name`, sorted non-decreasing (duplicates possible),
// deterministic for (name, n, seed). Returns an empty vector for an unknown name.
std::vector<int64_t> MakeDataset(std::string_view name, size_t n, uint64_t seed = 42);

}  // namespace omen::bench

#endif  // OMENDB_TOOLS_BENCH_DATASETS_H_
