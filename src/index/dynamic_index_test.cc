// Property tests for the indexes that grow: AppendIndex (index/append_index.h), checked
// against std::lower_bound over the prefix appended so far, after every append while small
// and at intervals up to ~300k keys; and DynamicIndex (index/dynamic_index.h), checked
// against a sorted-multiset oracle under appends, random inserts, late keys, reverse
// order, equal keys and enough keys to run many buffer flushes and folds into the main
// index, before and after Compact().

#include "index/dynamic_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "index/append_index.h"
#include "index/test_util.h"

namespace omen::index {
namespace {

using test_util::Bits;
using test_util::FromBits;
using test_util::RandomBetween;

template <typename K, size_t E, size_t ER>
struct Config {
  using Key = K;
  static constexpr size_t kEps = E;
  static constexpr size_t kEpsRecursive = ER;
};

class ConfigNames {
 public:
  template <typename C>
  static std::string GetName(int) {
    return std::string(std::is_signed_v<typename C::Key> ? "Int64" : "Uint64") + "Eps" +
           std::to_string(C::kEps) + "_" + std::to_string(C::kEpsRecursive);
  }
};

using Configs =
    ::testing::Types<Config<int64_t, 32, 4>, Config<int64_t, 1, 1>, Config<uint64_t, 8, 2>>;

// Answers of a rank structure against the sorted keys, for a list of queries.
template <typename K, typename Index>
::testing::AssertionResult RanksMatch(const Index& index, const std::vector<K>& sorted,
                                      const std::vector<K>& queries) {
  for (K q : queries) {
    const auto lb =
        static_cast<size_t>(std::lower_bound(sorted.begin(), sorted.end(), q) - sorted.begin());
    const auto ub =
        static_cast<size_t>(std::upper_bound(sorted.begin(), sorted.end(), q) - sorted.begin());
    const size_t got_lb = index.LowerBound(q);
    const size_t got_ub = index.UpperBound(q);
    if (got_lb != lb || got_ub != ub) {
      return ::testing::AssertionFailure()
             << "query " << q << ": LowerBound " << got_lb << " (want " << lb << "), UpperBound "
             << got_ub << " (want " << ub << ") over " << sorted.size() << " keys";
    }
  }
  return ::testing::AssertionSuccess();
}

// Queries around the newest key, a random earlier key, the ends and the extremes of K.
template <typename K>
std::vector<K> ProbeQueries(const std::vector<K>& sorted, K latest, std::mt19937_64& rng) {
  constexpr K kMin = std::numeric_limits<K>::min();
  constexpr K kMax = std::numeric_limits<K>::max();
  std::vector<K> q = {kMin, kMax};
  if (sorted.empty()) {
    return q;
  }
  const K earlier = sorted[rng() % sorted.size()];
  for (K k : {latest, earlier, sorted.front(), sorted.back()}) {
    q.push_back(k);
    if (k > kMin) {
      q.push_back(k - 1);
    }
    if (k < kMax) {
      q.push_back(k + 1);
    }
  }
  q.push_back(RandomBetween<K>(rng, sorted.front(), sorted.back()));
  return q;
}

// Many random queries over the whole range, for occasional deeper checks.
template <typename K>
std::vector<K> SweepQueries(const std::vector<K>& sorted, std::mt19937_64& rng, size_t count) {
  std::vector<K> q;
  for (size_t i = 0; i < count && !sorted.empty(); ++i) {
    const K k = sorted[rng() % sorted.size()];
    q.push_back(k);
    q.push_back(RandomBetween<K>(rng, sorted.front(), sorted.back()));
    if (k < std::numeric_limits<K>::max()) {
      q.push_back(k + 1);
    }
  }
  return q;
}

// ---------------------------------------------------------------------------------------
// Regression: a level's snapshot of its open segment (Level::open, snap_x, snap_y) was once
// refreshed only when a segment closed or every kRefreshKeys appends, so until then level
// 0's snapshot was value-initialized (open.first_key = 0). LowerBound(x) with
// front() < x <= back() < 0 took x < open.first_key to mean a closed segment and called
// ClosedSegment(0, x) on an empty level: keys.back() of an empty vector, a segfault in
// Release. Only keys below zero were affected (for keys >= 0 the stale snapshot sent x to
// the tail window, which is correct), also after Assign()/Clear() and, through its main
// index, in DynamicIndex.

TEST(AppendIndexRegressionTest, NegativeKeysBeforeFirstSnapshot) {
  AppendIndex<int64_t> index;
  index.Append(-10);
  index.Append(-5);
  EXPECT_EQ(index.LowerBound(-5), 1u);
  EXPECT_EQ(index.UpperBound(-10), 1u);
}

TEST(AppendIndexRegressionTest, NegativeKeysAfterAssignAndClear) {
  AppendIndex<int64_t> index;
  index.Assign({-3, -2, -1});
  EXPECT_EQ(index.LowerBound(-2), 1u);
  index.Clear();
  index.Append(-10);
  index.Append(-5);
  EXPECT_EQ(index.LowerBound(-5), 1u);
}

TEST(DynamicIndexRegressionTest, NegativeKeys) {
  DynamicIndex<int64_t> index;
  index.Insert(-10);
  index.Insert(-5);
  EXPECT_EQ(index.LowerBound(-5), 1u);
  EXPECT_EQ(index.Count(-5), 1u);
}

// ---------------------------------------------------------------------------------------
// AppendIndex

template <typename C>
class AppendIndexTest : public ::testing::Test {
 protected:
  using K = typename C::Key;
  using Index = AppendIndex<K, C::kEps, C::kEpsRecursive>;
  static constexpr K kMin = std::numeric_limits<K>::min();
  static constexpr K kMax = std::numeric_limits<K>::max();
  static constexpr bool kSigned = std::is_signed_v<K>;
  static constexpr size_t kEveryAppendUpTo = 3000;

  // Appends keys (non-decreasing) one by one; checks after every append up to
  // kEveryAppendUpTo keys, then every `interval` appends, with a wide sweep at powers of 4.
  void AppendAndCheck(const std::vector<K>& keys, size_t interval) {
    ASSERT_TRUE(std::is_sorted(keys.begin(), keys.end()));
    Index index;
    EXPECT_TRUE(index.empty());
    EXPECT_EQ(index.LowerBound(K{0}), 0u);
    EXPECT_EQ(index.UpperBound(kMax), 0u);
    std::vector<K> prefix;
    prefix.reserve(keys.size());
    size_t next_sweep = 1024;
    for (size_t i = 0; i < keys.size(); ++i) {
      index.Append(keys[i]);
      prefix.push_back(keys[i]);
      const size_t n = i + 1;
      const bool last = n == keys.size();
      if (n <= kEveryAppendUpTo || n % interval == 0 || last) {
        ASSERT_EQ(index.size(), n);
        ASSERT_EQ(index.back(), keys[i]);
        ASSERT_GE(index.height(), 1u);
        ASSERT_TRUE(RanksMatch(index, prefix, ProbeQueries(prefix, keys[i], rng_)))
            << "after " << n << " appends";
      }
      if (n == next_sweep || last) {
        next_sweep *= 4;
        ASSERT_TRUE(RanksMatch(index, prefix, SweepQueries(prefix, rng_, 3000)))
            << "sweep after " << n << " appends";
        ASSERT_TRUE(std::equal(prefix.begin(), prefix.end(), index.data()));
        ASSERT_EQ(index.keys(), prefix);
      }
    }
  }

  std::mt19937_64 rng_{0xa99e9d};
};

TYPED_TEST_SUITE(AppendIndexTest, Configs, ConfigNames);

TYPED_TEST(AppendIndexTest, SortedDistinctKeys) {
  using K = typename TestFixture::K;
  std::vector<K> keys(300000);
  uint64_t k = TestFixture::kSigned ? ~uint64_t{1000000} : 17;  // crosses 0 when signed
  for (K& key : keys) {
    key = FromBits<K>(k);
    k += 1 + this->rng_() % (this->rng_() % 4 == 0 ? 1000 : 10);
  }
  this->AppendAndCheck(keys, 997);
}

TYPED_TEST(AppendIndexTest, DuplicateRuns) {
  using K = typename TestFixture::K;
  std::vector<K> keys;
  uint64_t k = 5;
  while (keys.size() < 150000) {
    const size_t run = this->rng_() % 4 == 0 ? 1 + this->rng_() % 1000 : 1 + this->rng_() % 3;
    keys.insert(keys.end(), run, FromBits<K>(k));
    k += 1 + this->rng_() % 50;
  }
  this->AppendAndCheck(keys, 499);
}

TYPED_TEST(AppendIndexTest, HugeGaps) {
  using K = typename TestFixture::K;
  std::vector<K> keys = {TestFixture::kMin, TestFixture::kMin};
  const uint64_t max_step = uint64_t{1} << 52;
  while (Bits(TestFixture::kMax) - Bits(keys.back()) > max_step) {
    const uint64_t step = this->rng_() % 8 == 0 ? 1 : 1 + this->rng_() % max_step;
    keys.push_back(FromBits<K>(Bits(keys.back()) + step));
  }
  keys.push_back(TestFixture::kMax);
  keys.push_back(TestFixture::kMax);
  this->AppendAndCheck(keys, 97);
}

// Clusters of consecutive integers separated by jumps of 2^36 to 2^50.
TYPED_TEST(AppendIndexTest, StepFunction) {
  using K = typename TestFixture::K;
  std::vector<K> keys;
  uint64_t k = 1;
  while (keys.size() < 100000) {
    const size_t len = 1 + this->rng_() % 700;
    for (size_t i = 0; i < len; ++i) {
      keys.push_back(FromBits<K>(k + i));
    }
    k += len + (uint64_t{1} << (36 + this->rng_() % 15));
  }
  this->AppendAndCheck(keys, 499);
}

// Nanosecond timestamps just below 2^62, about 1 us apart, some equal.
TYPED_TEST(AppendIndexTest, NanosecondTimestamps) {
  using K = typename TestFixture::K;
  std::vector<K> keys(200000);
  uint64_t t = 4611686018427387904ULL - 1'000'000'000'000'000ULL;
  for (K& key : keys) {
    key = FromBits<K>(t);
    t += this->rng_() % 16 == 0 ? 0 : this->rng_() % 2000;
  }
  this->AppendAndCheck(keys, 997);
}

TYPED_TEST(AppendIndexTest, ReserveKeepsTheArrayInPlace) {
  using K = typename TestFixture::K;
  typename TestFixture::Index index;
  index.Reserve(5000);
  index.Append(K{1});
  const K* data = index.data();
  std::vector<K> keys = {K{1}};
  for (int i = 1; i < 5000; ++i) {
    keys.push_back(FromBits<K>(Bits(keys.back()) + this->rng_() % 100));
    index.Append(keys.back());
  }
  EXPECT_EQ(index.data(), data) << "appends within the reservation never reallocate";
  ASSERT_TRUE(RanksMatch(index, keys, SweepQueries(keys, this->rng_, 2000)));
}

TYPED_TEST(AppendIndexTest, AllKeysEqual) {
  using K = typename TestFixture::K;
  this->AppendAndCheck(std::vector<K>(20000, K{77}), 97);
  this->AppendAndCheck(std::vector<K>(5000, TestFixture::kMax), 97);
}

TYPED_TEST(AppendIndexTest, AssignThenQueryAndAppend) {
  using K = typename TestFixture::K;
  using Index = typename TestFixture::Index;
  std::mt19937_64& rng = this->rng_;
  Index index;
  for (int i = 0; i < 1000; ++i) {
    index.Append(K{3});
  }
  std::vector<K> keys(50000);
  for (K& k : keys) {
    k = FromBits<K>(rng() % 200000);
  }
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(index.Assign(keys), std::vector<K>(1000, K{3})) << "Assign returns the old keys";
  ASSERT_EQ(index.size(), keys.size());
  ASSERT_EQ(index.keys(), keys);
  ASSERT_TRUE(RanksMatch(index, keys, SweepQueries(keys, rng, 5000)));
  ASSERT_TRUE(RanksMatch(index, keys, ProbeQueries(keys, keys.back(), rng)));
  // Appending after Assign extends the same structure.
  for (int i = 0; i < 20000; ++i) {
    const K k = FromBits<K>(Bits(keys.back()) + rng() % 3);
    index.Append(k);
    keys.push_back(k);
    if (i % 101 == 0) {
      ASSERT_TRUE(RanksMatch(index, keys, ProbeQueries(keys, k, rng))) << "append " << i;
    }
  }
  ASSERT_TRUE(RanksMatch(index, keys, SweepQueries(keys, rng, 5000)));
  const size_t bytes = index.size_in_bytes();
  EXPECT_GE(bytes, keys.size() * sizeof(K));

  Index moved = std::move(index);
  ASSERT_TRUE(RanksMatch(moved, keys, SweepQueries(keys, rng, 1000)));

  moved.Assign({});
  EXPECT_TRUE(moved.empty());
  EXPECT_EQ(moved.LowerBound(TestFixture::kMax), 0u);
  EXPECT_EQ(moved.UpperBound(TestFixture::kMax), 0u);
  EXPECT_LT(moved.size_in_bytes(), bytes);
  moved.Append(K{9});
  EXPECT_EQ(moved.LowerBound(K{9}), 0u);
  EXPECT_EQ(moved.UpperBound(K{9}), 1u);
  moved.Clear();
  EXPECT_EQ(moved.size(), 0u);
  EXPECT_EQ(moved.UpperBound(K{9}), 0u);
}

// ---------------------------------------------------------------------------------------
// DynamicIndex

// A multiset as a sorted vector, merged lazily so that large runs stay cheap.
template <typename K>
class Oracle {
 public:
  void Insert(K key) { pending_.push_back(key); }
  size_t size() const { return sorted_.size() + pending_.size(); }
  const std::vector<K>& Sorted() {
    if (!pending_.empty()) {
      std::sort(pending_.begin(), pending_.end());
      const size_t middle = sorted_.size();
      sorted_.insert(sorted_.end(), pending_.begin(), pending_.end());
      std::inplace_merge(sorted_.begin(), sorted_.begin() + static_cast<ptrdiff_t>(middle),
                         sorted_.end());
      pending_.clear();
    }
    return sorted_;
  }

 private:
  std::vector<K> sorted_;
  std::vector<K> pending_;
};

template <typename C>
class DynamicIndexTest : public ::testing::Test {
 protected:
  using K = typename C::Key;
  using Index = DynamicIndex<K, C::kEps, C::kEpsRecursive>;
  static constexpr K kMin = std::numeric_limits<K>::min();
  static constexpr K kMax = std::numeric_limits<K>::max();
  static constexpr bool kSigned = std::is_signed_v<K>;
  static constexpr size_t kEveryInsertUpTo = 3000;

  // What a run of inserts went through, for tests to assert the paths they meant to hit.
  struct Stats {
    size_t max_pending = 0;
    size_t max_runs = 0;
    size_t folds = 0;  // times pending() fell, i.e. keys were merged into the main index
  };

  // Count/Contains/LowerBound/UpperBound/size() against the oracle.
  ::testing::AssertionResult Matches(const Index& index, Oracle<K>& oracle,
                                     const std::vector<K>& queries) {
    const std::vector<K>& sorted = oracle.Sorted();
    if (index.size() != sorted.size() || index.empty() != sorted.empty() ||
        index.pending() > index.size()) {
      return ::testing::AssertionFailure() << "size " << index.size() << " pending "
                                           << index.pending() << ", want " << sorted.size();
    }
    ::testing::AssertionResult ranks = RanksMatch(index, sorted, queries);
    if (!ranks) {
      return ranks;
    }
    for (K q : queries) {
      const auto [lo, hi] = std::equal_range(sorted.begin(), sorted.end(), q);
      const auto count = static_cast<size_t>(hi - lo);
      if (index.Count(q) != count || index.Contains(q) != (count > 0)) {
        return ::testing::AssertionFailure()
               << "query " << q << ": Count " << index.Count(q) << " Contains " << index.Contains(q)
               << ", want " << count;
      }
    }
    return ::testing::AssertionSuccess();
  }

  // Inserts keys in order; checks after every insert while the index holds at most
  // kEveryInsertUpTo keys, then every `interval` inserts, with a sweep at powers of 4 and
  // at the end.
  Stats InsertAndCheck(Index& index, Oracle<K>& oracle, const std::vector<K>& keys,
                       size_t interval) {
    Stats stats;
    size_t next_sweep = 1024;
    size_t previous_pending = index.pending();
    for (size_t i = 0; i < keys.size(); ++i) {
      index.Insert(keys[i]);
      oracle.Insert(keys[i]);
      const size_t n = i + 1;
      stats.max_pending = std::max(stats.max_pending, index.pending());
      stats.max_runs = std::max(stats.max_runs, index.runs());
      stats.folds += index.pending() < previous_pending;
      previous_pending = index.pending();
      if (oracle.size() <= kEveryInsertUpTo || n % interval == 0 || n == keys.size()) {
        const std::vector<K> queries = ProbeQueries(oracle.Sorted(), keys[i], rng_);
        EXPECT_TRUE(Matches(index, oracle, queries)) << "after insert " << n;
        if (HasFailure()) {
          return stats;
        }
      }
      if (n == next_sweep || n == keys.size()) {
        next_sweep *= 4;
        EXPECT_TRUE(Matches(index, oracle, SweepQueries(oracle.Sorted(), rng_, 1000)))
            << "sweep after insert " << n;
        if (HasFailure()) {
          return stats;
        }
      }
    }
    return stats;
  }

  // Compact() leaves everything in the main index, in order, with the same answers.
  void CompactAndCheck(Index& index, Oracle<K>& oracle) {
    const size_t size = index.size();
    index.Compact();
    EXPECT_EQ(index.size(), size);
    EXPECT_EQ(index.pending(), 0u);
    EXPECT_EQ(index.runs(), 0u);
    ASSERT_EQ(index.sorted_keys(), oracle.Sorted());
    EXPECT_TRUE(Matches(index, oracle, SweepQueries(oracle.Sorted(), rng_, 2000)));
    index.Compact();  // nothing pending: a no-op
    EXPECT_EQ(index.pending(), 0u);
    ASSERT_EQ(index.sorted_keys(), oracle.Sorted());
  }

  // Inserts keys, compacts, inserts a second batch of random keys, compacts again.
  Stats Run(const std::vector<K>& keys, size_t interval,
            size_t indexed_run = Index::kDefaultIndexedRun) {
    Index index(indexed_run);
    Oracle<K> oracle;
    EXPECT_TRUE(index.empty());
    EXPECT_EQ(index.LowerBound(kMax), 0u);
    EXPECT_EQ(index.UpperBound(kMax), 0u);
    EXPECT_FALSE(index.Contains(K{0}));
    index.Compact();
    EXPECT_EQ(index.sorted_keys().size(), 0u);
    const Stats stats = InsertAndCheck(index, oracle, keys, interval);
    if (HasFailure()) {
      return stats;
    }
    EXPECT_GT(index.size_in_bytes(), keys.size() * sizeof(K) / 2);
    CompactAndCheck(index, oracle);
    if (keys.empty() || HasFailure()) {
      return stats;
    }
    const std::vector<K>& sorted = oracle.Sorted();
    const K lo = sorted.front();
    const K hi = sorted.back();
    std::vector<K> more(5000);
    for (K& k : more) {
      k = rng_() % 2 == 0 ? sorted[rng_() % sorted.size()] : RandomBetween<K>(rng_, lo, hi);
    }
    InsertAndCheck(index, oracle, more, 97);
    if (!HasFailure()) {
      CompactAndCheck(index, oracle);
    }
    return stats;
  }

  K Uniform(uint64_t span) { return FromBits<K>(rng_() % span); }

  std::mt19937_64 rng_{0xd1a41c};
};

TYPED_TEST_SUITE(DynamicIndexTest, Configs, ConfigNames);

TYPED_TEST(DynamicIndexTest, PureAppends) {
  using K = typename TestFixture::K;
  std::vector<K> keys;
  uint64_t k = 1000;
  while (keys.size() < 60000) {
    keys.insert(keys.end(), 1 + this->rng_() % 5, FromBits<K>(k));
    k += this->rng_() % 1000;
  }
  const auto stats = this->Run(keys, 499);
  EXPECT_EQ(stats.max_pending, 0u) << "in-order keys never leave the main index";
  EXPECT_EQ(stats.max_runs, 0u);
}

TYPED_TEST(DynamicIndexTest, RandomInserts) {
  using K = typename TestFixture::K;
  std::vector<K> keys(200000);
  for (K& k : keys) {
    k = this->Uniform(uint64_t{1} << 20);  // some duplicates
  }
  const auto stats = this->Run(keys, 997);
  EXPECT_GE(stats.folds, 5u);
  EXPECT_GE(stats.max_runs, 2u);
}

TYPED_TEST(DynamicIndexTest, RandomInsertsOverWholeRange) {
  using K = typename TestFixture::K;
  std::vector<K> keys(30000);
  for (K& k : keys) {
    k = RandomBetween<K>(this->rng_, TestFixture::kMin, TestFixture::kMax);
  }
  keys[100] = TestFixture::kMax;
  keys[200] = TestFixture::kMin;
  keys[5000] = TestFixture::kMax;
  keys[6000] = TestFixture::kMin;
  this->Run(keys, 97);
}

// Timestamps in order, except 10% that arrive up to 1 s (1e6 us) late.
TYPED_TEST(DynamicIndexTest, AppendsWithTenPercentLateKeys) {
  using K = typename TestFixture::K;
  std::vector<K> keys(150000);
  const uint64_t start = 1'700'000'000'000'000ULL;
  for (size_t i = 0; i < keys.size(); ++i) {
    uint64_t t = start + i * 1000 + this->rng_() % 10;
    if (this->rng_() % 10 == 0) {
      t -= this->rng_() % 1'000'000;
    }
    keys[i] = FromBits<K>(t);
  }
  const auto stats = this->Run(keys, 997);
  EXPECT_GT(stats.max_pending, 0u);
}

TYPED_TEST(DynamicIndexTest, ReverseOrder) {
  using K = typename TestFixture::K;
  std::vector<K> keys(60000);
  for (size_t i = 0; i < keys.size(); ++i) {
    keys[i] = FromBits<K>(Bits(TestFixture::kMax) - 3 * i);
  }
  const auto stats = this->Run(keys, 499);
  EXPECT_GE(stats.folds, 5u);
}

TYPED_TEST(DynamicIndexTest, AllKeysEqual) {
  using K = typename TestFixture::K;
  std::vector<K> keys(20000, K{5});
  keys.insert(keys.end(), 3000, K{4});  // below the max: all out of order, all equal
  keys.insert(keys.end(), 3000, K{5});
  this->Run(keys, 97);
  this->Run(std::vector<K>(5000, TestFixture::kMax), 97);
  this->Run(std::vector<K>(5000, TestFixture::kMin), 97);
}

// Clear() keeps memory for reuse; afterwards the index must behave as a new one. Runs of
// 2^12 keys or more get a learned index here, so cleared runs had indexes too.
TYPED_TEST(DynamicIndexTest, ClearThenReuse) {
  using K = typename TestFixture::K;
  typename TestFixture::Index index(size_t{1} << 12);
  index.Reserve(1000);
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE(::testing::Message() << "round " << round);
    Oracle<K> oracle;
    std::vector<K> keys(40000);
    for (size_t i = 0; i < keys.size(); ++i) {
      // Mostly ascending with 30% late keys, so runs, folds and the main index all fill.
      keys[i] = this->rng_() % 10 < 3 ? this->Uniform(8 * i + 1) : FromBits<K>(8 * i);
    }
    const auto stats = this->InsertAndCheck(index, oracle, keys, 997);
    ASSERT_FALSE(this->HasFailure());
    EXPECT_GE(stats.max_pending, size_t{1} << 12) << "runs big enough to be indexed";
    index.Clear();
    EXPECT_TRUE(index.empty());
    EXPECT_EQ(index.size(), 0u);
    EXPECT_EQ(index.pending(), 0u);
    EXPECT_EQ(index.runs(), 0u);
    EXPECT_EQ(index.LowerBound(TestFixture::kMax), 0u);
    EXPECT_EQ(index.UpperBound(TestFixture::kMax), 0u);
    EXPECT_FALSE(index.Contains(keys[0]));
  }
  index.Compact();
  EXPECT_TRUE(index.sorted_keys().empty());
}

// Half the keys equal the current maximum, the rest fall below it.
TYPED_TEST(DynamicIndexTest, KeysEqualToCurrentMax) {
  using K = typename TestFixture::K;
  std::vector<K> keys;
  uint64_t max = 1u << 20;
  keys.push_back(FromBits<K>(max));
  while (keys.size() < 80000) {
    const uint64_t r = this->rng_() % 10;
    if (r < 5) {
      keys.push_back(FromBits<K>(max));
    } else if (r < 9) {
      keys.push_back(FromBits<K>(this->rng_() % max));
    } else {
      max += this->rng_() % 100;
      keys.push_back(FromBits<K>(max));
    }
  }
  this->Run(keys, 499);
}

// The maximum key of K first: every later key is out of order, including kMin.
TYPED_TEST(DynamicIndexTest, MaxKeyFirst) {
  using K = typename TestFixture::K;
  std::vector<K> keys = {TestFixture::kMax};
  for (int i = 0; i < 20000; ++i) {
    const uint64_t r = this->rng_() % 20;
    keys.push_back(r == 0   ? TestFixture::kMax
                   : r == 1 ? TestFixture::kMin
                            : RandomBetween<K>(this->rng_, TestFixture::kMin, TestFixture::kMax));
  }
  this->Run(keys, 97);
}

// Alternating blocks of 1000 ascending keys from a high range and a low range.
TYPED_TEST(DynamicIndexTest, AlternatingBlocks) {
  using K = typename TestFixture::K;
  std::vector<K> keys;
  uint64_t low = 0;
  uint64_t high = uint64_t{1} << 40;
  for (int block = 0; keys.size() < 100000; ++block) {
    uint64_t& k = block % 2 == 0 ? high : low;
    for (int i = 0; i < 1000; ++i) {
      keys.push_back(FromBits<K>(k));
      k += this->rng_() % 100;
    }
  }
  const auto stats = this->Run(keys, 499);
  EXPECT_GT(stats.max_pending, 0u);
}

// A large main index, then enough late keys to build runs of kIndexedRun keys and more
// (runs with their own learned index: the threshold is lowered to 2^15 so a test-sized
// stream reaches it) and fold them back into the main index.
TYPED_TEST(DynamicIndexTest, ManyFlushAndFoldCycles) {
  using K = typename TestFixture::K;
  std::vector<K> keys;
  for (uint64_t i = 0; i < 120000; ++i) {
    keys.push_back(FromBits<K>(1000 + 8 * i));
  }
  for (int i = 0; i < 120000; ++i) {
    keys.push_back(this->Uniform(8 * 120000 + 2000));
  }
  constexpr size_t kIndexedRun = size_t{1} << 15;
  const auto stats = this->Run(keys, 997, kIndexedRun);
  EXPECT_GE(stats.max_pending, kIndexedRun) << "an indexed run was built";
  EXPECT_GE(stats.folds, 1u);
  EXPECT_GE(stats.max_runs, 3u);
}

}  // namespace
}  // namespace omen::index
