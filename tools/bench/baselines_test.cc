// Tests for bench/baselines.h and bench/datasets.h: both baseline indexes must return
// exactly std::lower_bound's position on every shape of input, and the datasets must be
// sorted, of the asked size and deterministic.

#include "bench/baselines.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "bench/datasets.h"

namespace omen::bench {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

// Every key, its neighbours, the extremes and `random` uniform 64-bit queries.
std::vector<int64_t> Queries(const std::vector<int64_t>& keys, size_t random, uint64_t seed) {
  std::vector<int64_t> q = {kMin, kMin + 1, kMax - 1, kMax, 0, -1, 1};
  for (const int64_t k : keys) {
    q.push_back(k);
    if (k != kMin) {
      q.push_back(k - 1);
    }
    if (k != kMax) {
      q.push_back(k + 1);
    }
  }
  std::mt19937_64 rng(seed);
  for (size_t i = 0; i < random; ++i) {
    q.push_back(static_cast<int64_t>(rng()));
  }
  if (!keys.empty()) {  // and random queries inside the keys' range
    std::uniform_int_distribution<int64_t> in_range(keys.front(), keys.back());
    for (size_t i = 0; i < random; ++i) {
      q.push_back(in_range(rng));
    }
  }
  return q;
}

size_t Expected(const std::vector<int64_t>& keys, int64_t q) {
  return static_cast<size_t>(std::lower_bound(keys.begin(), keys.end(), q) - keys.begin());
}

// Checks StaticBTree (both node scans) and SparseIndex (default and small granules).
void CheckAll(const std::vector<int64_t>& keys, size_t random_queries = 1000) {
  ASSERT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  const StaticBTree tree(keys.data(), keys.size());
  const SparseIndex sparse(keys.data(), keys.size());
  const SparseIndex sparse7(keys.data(), keys.size(), 7);
  const SparseIndex sparse64(keys.data(), keys.size(), 64);
  for (const int64_t q : Queries(keys, random_queries, keys.size())) {
    const size_t want = Expected(keys, q);
    ASSERT_EQ(tree.LowerBound(q), want) << "n=" << keys.size() << " q=" << q;
    ASSERT_EQ(tree.LowerBoundPortable(q), want) << "n=" << keys.size() << " q=" << q;
    ASSERT_EQ(sparse.LowerBound(q), want) << "n=" << keys.size() << " q=" << q;
    ASSERT_EQ(sparse7.LowerBound(q), want) << "n=" << keys.size() << " q=" << q;
    ASSERT_EQ(sparse64.LowerBound(q), want) << "n=" << keys.size() << " q=" << q;
  }
}

std::vector<int64_t> SortedRandom(size_t n, uint64_t seed, int64_t lo, int64_t hi) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int64_t> dist(lo, hi);
  std::vector<int64_t> keys(n);
  for (int64_t& k : keys) {
    k = dist(rng);
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

TEST(BaselinesTest, Empty) {
  CheckAll({});
  const StaticBTree tree(nullptr, 0);
  EXPECT_EQ(tree.LowerBound(kMin), 0u);
  EXPECT_EQ(tree.LowerBound(kMax), 0u);
  const SparseIndex sparse(nullptr, 0);
  EXPECT_EQ(sparse.LowerBound(kMin), 0u);
  EXPECT_EQ(sparse.LowerBound(kMax), 0u);
}

TEST(BaselinesTest, OneKey) {
  CheckAll({5});
  CheckAll({kMin});
  CheckAll({kMax});
}

TEST(BaselinesTest, SmallSizesAroundBlockBoundaries) {
  for (const size_t n : {2, 15, 16, 17, 31, 32, 33, 255, 256, 257, 4095, 4096, 4097}) {
    CheckAll(SortedRandom(n, n, -1000, 1000));     // dense: many duplicates
    CheckAll(SortedRandom(n, n + 1, kMin, kMax));  // sparse, touching the extremes
  }
}

TEST(BaselinesTest, AllEqual) {
  CheckAll(std::vector<int64_t>(20000, 7));
  CheckAll(std::vector<int64_t>(20000, kMin));
  CheckAll(std::vector<int64_t>(20000, kMax));
  CheckAll(std::vector<int64_t>(16 * 16 * 16, 3));  // exactly full levels
}

TEST(BaselinesTest, DuplicateRunsCrossBoundaries) {
  // Runs of lengths that straddle leaf blocks (16), nodes (256) and granules (7, 64, 8192).
  std::vector<int64_t> keys;
  std::mt19937_64 rng(3);
  int64_t value = -50;
  for (const size_t run : {1, 15, 17, 250, 3, 8191, 8193, 20000, 1, 16, 256, 12000, 5}) {
    keys.insert(keys.end(), run, value);
    value += 1 + static_cast<int64_t>(rng() % 3);
  }
  CheckAll(keys);
  // And a long random mix of short and long runs.
  keys.clear();
  for (int i = 0; i < 300; ++i) {
    const size_t run = (rng() % 4 == 0) ? 1 + rng() % 10000 : 1 + rng() % 20;
    keys.insert(keys.end(), run, value);
    value += 1 + static_cast<int64_t>(rng() % 2);
  }
  CheckAll(keys, 200);
}

TEST(BaselinesTest, SizeInBytes) {
  const std::vector<int64_t> keys = SortedRandom(100000, 9, 0, 1 << 30);
  const StaticBTree tree(keys.data(), keys.size());
  // ~n/15 separators plus one padded block; nodes are whole 128-byte nodes.
  EXPECT_GT(tree.size_in_bytes(), keys.size() * sizeof(int64_t) / 16);
  EXPECT_LT(tree.size_in_bytes(), keys.size() * sizeof(int64_t) / 14);
  EXPECT_EQ(tree.size_in_bytes() % 128, 0u);
  EXPECT_EQ(tree.height(), 4u);  // 6250 blocks -> 391 -> 25 -> 2 -> root
  const SparseIndex sparse(keys.data(), keys.size());
  EXPECT_EQ(sparse.size_in_bytes(), 13 * sizeof(int64_t));  // ceil(100000 / 8192)
}

TEST(BaselinesTest, MovedTreeStillSearches) {
  const std::vector<int64_t> keys = SortedRandom(1000, 10, 0, 5000);
  StaticBTree a(keys.data(), keys.size());
  StaticBTree b = std::move(a);
  for (const int64_t q : Queries(keys, 100, 1)) {
    ASSERT_EQ(b.LowerBound(q), Expected(keys, q));
  }
}

TEST(BaselinesTest, Datasets) {
  constexpr size_t kN = 200000;
  ASSERT_EQ(DatasetNames().size(), 4u);
  for (const std::string& name : DatasetNames()) {
    SCOPED_TRACE(name);
    const std::vector<int64_t> keys = MakeDataset(name, kN);
    ASSERT_EQ(keys.size(), kN);
    EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
    EXPECT_LT(keys.front(), keys.back());
    EXPECT_EQ(keys, MakeDataset(name, kN)) << "not deterministic";
    EXPECT_NE(keys, MakeDataset(name, kN, 43)) << "seed ignored";
    CheckAll(keys, 100);
  }
}

TEST(BaselinesTest, DatasetShapes) {
  EXPECT_TRUE(MakeDataset("no_such_dataset", 100).empty());
  EXPECT_TRUE(MakeDataset("", 100).empty());
  for (const std::string& name : DatasetNames()) {
    EXPECT_TRUE(MakeDataset(name, 0).empty()) << name;
    EXPECT_EQ(MakeDataset(name, 1).size(), 1u) << name;
    EXPECT_EQ(MakeDataset(name, 4001).size(), 4001u) << name;
  }
  // Timestamps start at 2024-01-01 and grow at their nominal rates.
  const std::vector<int64_t> regular = MakeDataset("ts_regular", 400000);
  EXPECT_GE(regular.front(), kTimestampEpochUs - 20000);
  EXPECT_LT(regular.front(), kTimestampEpochUs + 1000000);
  // ~100 ticks of 10 s, and no outage yet before 2.5M points.
  EXPECT_NEAR(static_cast<double>(regular.back() - regular.front()), 100 * 10e6, 2 * 10e6);
  const std::vector<int64_t> bursty = MakeDataset("ts_bursty", 100000);
  EXPECT_GT(bursty.front(), kTimestampEpochUs);
  const double mean_gap =
      static_cast<double>(bursty.back() - bursty.front()) / static_cast<double>(bursty.size());
  EXPECT_GE(mean_gap, 9.0);
  EXPECT_LE(mean_gap, 1001.0);
  for (const char* name : {"uniform", "lognormal"}) {
    const std::vector<int64_t> keys = MakeDataset(name, 100000);
    EXPECT_GE(keys.front(), 0) << name;
    EXPECT_LT(keys.back(), int64_t{1} << 62) << name;
  }
  // lognormal(0, 2) * 1e9 has median 1e9.
  const std::vector<int64_t> lognormal = MakeDataset("lognormal", 100000);
  EXPECT_NEAR(static_cast<double>(lognormal[50000]), 1e9, 0.05e9);
  // uniform in [0, 2^62) has median 2^61.
  const std::vector<int64_t> uniform = MakeDataset("uniform", 100000);
  EXPECT_NEAR(static_cast<double>(uniform[50000]) / 0x1p62, 0.5, 0.01);
}

TEST(BaselinesTest, AllocateKeys) {
  for (const bool huge : {false, true}) {
    int64_t* keys = AllocateKeys(1000000, huge);
    ASSERT_NE(keys, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(keys) % (2 << 20), 0u);
    for (size_t i = 0; i < 1000000; ++i) {
      keys[i] = static_cast<int64_t>(i);
    }
    EXPECT_EQ(keys[999999], 999999);
    FreeKeys(keys, 1000000);
  }
  FreeKeys(nullptr, 10);  // no-op
}

TEST(BaselinesTest, DramLatencyIsPositive) {
  const double ns = DramLatencyNs(64 * 1024, false, 1);  // L2-sized: a few ns per step
  EXPECT_GT(ns, 0.0);
  EXPECT_LT(ns, 1000.0);
}

}  // namespace
}  // namespace omen::bench
