// Property tests for the static learned index (index/learned_index.h) against the
// std::lower_bound/upper_bound oracle, for int64 and uint64 keys and epsilons 1 to 256,
// over adversarial key sets: duplicates, extremes of the key range, huge gaps, clusters,
// exponential spacing, nanosecond timestamps near 2^62 and interleaved time series. Also
// the batch lookup, size accounting, and ToData()/FromData(), including malformed data.

#include "index/learned_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "index/test_util.h"

namespace omen::index {
namespace {

template <typename K, size_t E>
struct Config {
  using Key = K;
  static constexpr size_t kEps = E;
};

using Configs = ::testing::Types<Config<int64_t, 1>, Config<int64_t, 4>, Config<int64_t, 16>,
                                 Config<int64_t, 64>, Config<int64_t, 256>, Config<uint64_t, 1>,
                                 Config<uint64_t, 4>, Config<uint64_t, 16>, Config<uint64_t, 64>,
                                 Config<uint64_t, 256>>;

class ConfigNames {
 public:
  template <typename C>
  static std::string GetName(int) {
    return std::string(std::is_signed_v<typename C::Key> ? "Int64" : "Uint64") + "Eps" +
           std::to_string(C::kEps);
  }
};

// Keys are generated in uint64 arithmetic (wrapping) and converted, so no signed overflow.
using test_util::Bits;
using test_util::FromBits;
using test_util::RandomBetween;

template <typename K>
std::vector<K> Sorted(std::vector<K> keys) {
  std::sort(keys.begin(), keys.end());
  return keys;
}

template <typename C>
class LearnedIndexTest : public ::testing::Test {
 protected:
  using K = typename C::Key;
  static constexpr size_t kEps = C::kEps;
  using Index = LearnedIndex<K, kEps, 4>;
  static constexpr K kMin = std::numeric_limits<K>::min();
  static constexpr K kMax = std::numeric_limits<K>::max();
  static constexpr bool kSigned = std::is_signed_v<K>;
  // Keys checked one by one (with their neighbours); larger sets are sampled.
  static constexpr size_t kMaxCheckedKeys = 6000;

  // Every checked key, key - 1, key + 1, random values in and around the key range, and
  // the extremes of K.
  std::vector<K> Queries(const std::vector<K>& keys) {
    std::vector<K> q = {kMin, kMin + 1, kMax - 1, kMax, K{0}, K{1}, FromBits<K>(~uint64_t{0})};
    const size_t n = keys.size();
    for (size_t c = 0; c < std::min(n, kMaxCheckedKeys); ++c) {
      const K k = n <= kMaxCheckedKeys ? keys[c] : keys[rng_() % n];
      q.push_back(k);
      if (k > kMin) {
        q.push_back(k - 1);
      }
      if (k < kMax) {
        q.push_back(k + 1);
      }
    }
    for (int i = 0; i < 300; ++i) {
      q.push_back(RandomBetween<K>(rng_, kMin, kMax));
      if (n > 0) {
        q.push_back(RandomBetween<K>(rng_, keys.front(), keys.back()));
      }
    }
    return q;
  }

  // The first key of segments on every level, and its neighbours: where a lookup moves
  // from one model to the next. At most ~2000 segments a level, evenly spread.
  static void AddSegmentBoundaries(const LearnedIndexData<K>& data, std::vector<K>* q) {
    for (const std::vector<Segment<K>>& level : data.levels) {
      const size_t step = level.size() / 2000 + 1;
      for (size_t i = 0; i < level.size(); i += step) {
        const K k = level[i].first_key;
        q->push_back(k);
        if (k > kMin) {
          q->push_back(k - 1);
        }
        if (k < kMax) {
          q->push_back(k + 1);
        }
      }
    }
  }

  // Every answer of index over keys equals the std:: answer for every query.
  ::testing::AssertionResult AgreesWithStd(const Index& index, const std::vector<K>& keys,
                                           const std::vector<K>& queries) {
    const size_t n = keys.size();
    const K* data = keys.data();
    for (K q : queries) {
      const auto lb =
          static_cast<size_t>(std::lower_bound(keys.begin(), keys.end(), q) - keys.begin());
      const auto ub =
          static_cast<size_t>(std::upper_bound(keys.begin(), keys.end(), q) - keys.begin());
      const size_t find = lb < n && keys[lb] == q ? lb : n;
      const ApproxPos ap = index.Search(q);
      if (!(ap.lo <= lb && lb <= ap.hi && ap.hi - ap.lo <= 2 * kEps + 2 && ap.hi <= n &&
            ap.lo <= ap.pos && ap.pos <= ap.hi)) {
        return ::testing::AssertionFailure()
               << "Search(" << q << ") = {pos " << ap.pos << ", lo " << ap.lo << ", hi " << ap.hi
               << "}, lower_bound " << lb << ", n " << n;
      }
      const size_t got_lb = index.LowerBound(data, q);
      const size_t got_ub = index.UpperBound(data, q);
      const std::pair<size_t, size_t> range = index.EqualRange(data, q);
      const size_t got_find = index.Find(data, q);
      if (got_lb != lb || got_ub != ub || range.first != lb || range.second != ub ||
          got_find != find) {
        return ::testing::AssertionFailure()
               << "query " << q << ": LowerBound " << got_lb << " (want " << lb << "), UpperBound "
               << got_ub << " (want " << ub << "), EqualRange {" << range.first << ", "
               << range.second << "}, Find " << got_find << " (want " << find << "), n " << n;
      }
    }
    return ::testing::AssertionSuccess();
  }

  // Builds over keys and checks the structure, every query, the batch lookup and a round
  // trip through ToData()/FromData().
  void CheckKeys(const std::vector<K>& keys) {
    ASSERT_TRUE(std::is_sorted(keys.begin(), keys.end()));
    const size_t n = keys.size();
    const Index index(keys.data(), n);
    ASSERT_EQ(index.size(), n);
    if (n == 0) {
      EXPECT_EQ(index.height(), 0u);
      EXPECT_EQ(index.segments_count(), 0u);
    } else {
      EXPECT_GE(index.height(), 1u);
      EXPECT_GE(index.segments_count(), 1u);
    }
    EXPECT_GE(index.size_in_bytes(),
              sizeof(Index) + index.segments_count() * (sizeof(K) + sizeof(LinearModel)));

    std::vector<K> queries = Queries(keys);
    AddSegmentBoundaries(index.ToData(), &queries);
    ASSERT_TRUE(AgreesWithStd(index, keys, queries));

    std::vector<size_t> batch(queries.size());
    index.LowerBoundBatch(keys.data(), queries.data(), queries.size(), batch.data());
    for (size_t i = 0; i < queries.size(); ++i) {
      ASSERT_EQ(batch[i], index.LowerBound(keys.data(), queries[i])) << "query " << queries[i];
    }

    const LearnedIndexData<K> data = index.ToData();
    EXPECT_EQ(data.epsilon, kEps);
    EXPECT_EQ(data.epsilon_recursive, 4u);
    EXPECT_EQ(data.n, n);
    ASSERT_EQ(data.levels.size(), index.height());
    if (n > 0) {
      EXPECT_EQ(data.first_key, keys.front());
      EXPECT_EQ(data.last_key, keys.back());
      EXPECT_EQ(data.levels[0].size(), index.segments_count());
      EXPECT_LE(data.levels.back().size(), Index::kTopMax);
      for (size_t l = 0; l + 1 < data.levels.size(); ++l) {
        EXPECT_GT(data.levels[l].size(), Index::kTopMax) << "level " << l << " is not the top";
      }
    }
    const std::optional<Index> copy = Index::FromData(data);
    ASSERT_TRUE(copy.has_value());
    EXPECT_EQ(copy->size(), n);
    EXPECT_EQ(copy->height(), index.height());
    EXPECT_EQ(copy->segments_count(), index.segments_count());
    for (K q : queries) {
      const ApproxPos a = index.Search(q);
      const ApproxPos b = copy->Search(q);
      ASSERT_TRUE(a.pos == b.pos && a.lo == b.lo && a.hi == b.hi) << "query " << q;
    }
    ASSERT_TRUE(AgreesWithStd(*copy, keys, queries));
  }

  // A well-formed multi-level index's data (over *keys), for the FromData tests.
  LearnedIndexData<K> MultiLevelData(std::vector<K>* keys) {
    uint64_t k = Bits(kMin) + 5;
    for (int c = 0; c < 400; ++c) {
      for (int i = 0; i < 100; ++i) {
        keys->push_back(FromBits<K>(k + static_cast<uint64_t>(i)));
      }
      k += 100 + (uint64_t{1} << (30 + rng_() % 20));
    }
    const Index index(keys->data(), keys->size());
    return index.ToData();
  }

  // Keys 2^40 wide, spread over [-2^40, 2^40] when signed.
  K Uniform() {
    const K lo = kSigned ? FromBits<K>(-(uint64_t{1} << 40)) : K{0};
    return RandomBetween<K>(rng_, lo, FromBits<K>(uint64_t{1} << 40));
  }

  std::mt19937_64 rng_{0x1ea4ed};
};

TYPED_TEST_SUITE(LearnedIndexTest, Configs, ConfigNames);

TYPED_TEST(LearnedIndexTest, Empty) {
  using K = typename TestFixture::K;
  this->CheckKeys({});
  const typename TestFixture::Index index;
  EXPECT_EQ(index.size(), 0u);
  EXPECT_EQ(index.LowerBound(nullptr, K{5}), 0u);
  EXPECT_EQ(index.UpperBound(nullptr, TestFixture::kMax), 0u);
  EXPECT_EQ(index.Find(nullptr, TestFixture::kMin), 0u);
}

TYPED_TEST(LearnedIndexTest, OneKey) {
  using K = typename TestFixture::K;
  for (K v : {K{0}, K{1}, K{42}, FromBits<K>(~uint64_t{6}), TestFixture::kMin, TestFixture::kMax}) {
    SCOPED_TRACE(::testing::Message() << "key " << v);
    this->CheckKeys({v});
  }
}

TYPED_TEST(LearnedIndexTest, TwoKeys) {
  using K = typename TestFixture::K;
  constexpr K kMin = TestFixture::kMin;
  constexpr K kMax = TestFixture::kMax;
  const std::vector<std::vector<K>> sets = {{kMin, kMax},       {K{5}, K{6}},     {K{7}, K{7}},
                                            {K{0}, K{1} << 40}, {kMax - 1, kMax}, {kMin, kMin + 1},
                                            {kMax, kMax},       {kMin, kMin}};
  for (const std::vector<K>& keys : sets) {
    SCOPED_TRACE(::testing::Message() << "keys " << keys[0] << ", " << keys[1]);
    this->CheckKeys(keys);
  }
}

TYPED_TEST(LearnedIndexTest, AllKeysEqual) {
  using K = typename TestFixture::K;
  for (K v : {K{123456789}, TestFixture::kMin, TestFixture::kMax}) {
    SCOPED_TRACE(::testing::Message() << "key " << v);
    this->CheckKeys(std::vector<K>(10000, v));
  }
}

TYPED_TEST(LearnedIndexTest, LongRunsOfDuplicates) {
  using K = typename TestFixture::K;
  std::vector<K> keys;
  uint64_t k = TestFixture::kSigned ? ~uint64_t{5000000} : 3;
  while (keys.size() < 60000) {
    keys.insert(keys.end(), 1 + this->rng_() % 1000, FromBits<K>(k));
    k += 1 + this->rng_() % (this->rng_() % 2 == 0 ? 3 : 100000);
  }
  this->CheckKeys(keys);
}

TYPED_TEST(LearnedIndexTest, ZeroAndMaxPresent) {
  using K = typename TestFixture::K;
  std::vector<K> keys = {K{0}, K{0}, TestFixture::kMax, TestFixture::kMax, TestFixture::kMax};
  for (int i = 0; i < 3000; ++i) {
    keys.push_back(RandomBetween<K>(this->rng_, K{0}, TestFixture::kMax));
  }
  this->CheckKeys(Sorted(std::move(keys)));
}

TYPED_TEST(LearnedIndexTest, HugeGaps) {
  using K = typename TestFixture::K;
  std::vector<K> keys;
  for (int i = 0; i < 5000; ++i) {
    keys.push_back(RandomBetween<K>(this->rng_, TestFixture::kMin, TestFixture::kMax));
  }
  this->CheckKeys(Sorted(std::move(keys)));
}

// Clusters of consecutive integers separated by jumps of 2^40 to 2^58.
TYPED_TEST(LearnedIndexTest, StepFunction) {
  using K = typename TestFixture::K;
  std::vector<K> keys;
  uint64_t k = Bits(TestFixture::kMin) + 1000;
  for (int c = 0; c < 40; ++c) {
    const size_t len = 50 + this->rng_() % 2000;
    for (size_t i = 0; i < len; ++i) {
      keys.push_back(FromBits<K>(k + i));
    }
    k += len + (uint64_t{1} << (40 + this->rng_() % 19));
  }
  this->CheckKeys(keys);
}

// 2^i + j for every power of two a non-negative K holds (and the negated values if signed).
TYPED_TEST(LearnedIndexTest, ExponentiallySpaced) {
  using K = typename TestFixture::K;
  std::vector<K> keys;
  const int max_shift = std::numeric_limits<K>::digits - 1;  // 62 for int64, 63 for uint64
  for (int i = 0; i <= max_shift; ++i) {
    for (uint64_t j = 0; j < 16; ++j) {
      const uint64_t v = (uint64_t{1} << i) + j;
      keys.push_back(FromBits<K>(v));
      if (TestFixture::kSigned) {
        keys.push_back(FromBits<K>(~v + 1));  // -v
      }
    }
  }
  keys.push_back(TestFixture::kMax);
  this->CheckKeys(Sorted(std::move(keys)));
}

// Nanosecond timestamps just below 2^62: 2^62 - 1e15 + i * 1e3 with jitter.
TYPED_TEST(LearnedIndexTest, NanosecondTimestampsNear2To62) {
  using K = typename TestFixture::K;
  const uint64_t base = 4611686018427387904ULL - 1'000'000'000'000'000ULL;
  std::vector<K> keys(30000);
  for (size_t i = 0; i < keys.size(); ++i) {
    keys[i] = FromBits<K>(base + i * 1000 + this->rng_() % 1000 - 500);
  }
  this->CheckKeys(Sorted(std::move(keys)));
}

// Signed keys crossing zero; for uint64 the same shape crosses 2^63, where the signed
// reading of the bits changes sign.
TYPED_TEST(LearnedIndexTest, CrossingZeroOrSignBit) {
  using K = typename TestFixture::K;
  const uint64_t center = TestFixture::kSigned ? 0 : uint64_t{1} << 63;
  std::vector<K> keys;
  for (int i = 0; i < 20000; ++i) {
    keys.push_back(FromBits<K>(center + this->rng_() % 10'000'000 - 5'000'000));
  }
  for (int i = -100; i <= 100; ++i) {
    keys.push_back(FromBits<K>(center + static_cast<uint64_t>(i)));
  }
  this->CheckKeys(Sorted(std::move(keys)));
}

TYPED_TEST(LearnedIndexTest, MinAndMaxTogether) {
  using K = typename TestFixture::K;
  constexpr K kMin = TestFixture::kMin;
  constexpr K kMax = TestFixture::kMax;
  this->CheckKeys({kMin, kMax});
  std::vector<K> keys = {kMin,     kMin, kMin + 1, FromBits<K>(~uint64_t{0}), K{0}, K{1},
                         kMax - 1, kMax, kMax};
  for (int i = 0; i < 1000; ++i) {
    keys.push_back(RandomBetween<K>(this->rng_, kMin, kMax));
  }
  this->CheckKeys(Sorted(std::move(keys)));
}

TYPED_TEST(LearnedIndexTest, UniformRandom) {
  using K = typename TestFixture::K;
  std::vector<K> keys(50000);
  for (K& k : keys) {
    k = this->Uniform();
  }
  keys = Sorted(std::move(keys));
  this->CheckKeys(keys);
  if (TestFixture::kEps == 1) {
    const typename TestFixture::Index index(keys.data(), keys.size());
    EXPECT_GE(index.height(), 3u) << index.segments_count() << " segments";
  }
}

TYPED_TEST(LearnedIndexTest, LognormalRandom) {
  using K = typename TestFixture::K;
  std::lognormal_distribution<double> dist(0.0, 2.0);
  std::vector<K> keys(50000);
  for (K& k : keys) {
    k = static_cast<K>(std::min(dist(this->rng_) * 1e6, 4e18));
  }
  this->CheckKeys(Sorted(std::move(keys)));
}

// 4000 series reporting every 10 s, timestamps in microseconds with jitter.
TYPED_TEST(LearnedIndexTest, InterleavedTimeSeries) {
  using K = typename TestFixture::K;
  constexpr uint64_t kStartUs = 1'700'000'000'000'000ULL;
  constexpr uint64_t kCadenceUs = 10'000'000;
  std::vector<uint64_t> phase(4000);
  for (uint64_t& p : phase) {
    p = this->rng_() % kCadenceUs;
  }
  std::vector<K> keys;
  for (uint64_t round = 0; round < 8; ++round) {
    for (uint64_t p : phase) {
      keys.push_back(FromBits<K>(kStartUs + round * kCadenceUs + p + this->rng_() % 2000));
    }
  }
  this->CheckKeys(Sorted(std::move(keys)));
}

// Many small sets, where the edges of the rounding error and of each model are met often:
// full-range uniform keys (huge, uneven gaps), narrow ranges with duplicates, clusters.
TYPED_TEST(LearnedIndexTest, ManySmallRandomSets) {
  using K = typename TestFixture::K;
  using Index = typename TestFixture::Index;
  std::mt19937_64& rng = this->rng_;
  for (int trial = 0; trial < 300; ++trial) {
    const size_t n = 1 + rng() % 200;
    std::vector<K> keys(n);
    for (size_t i = 0; i < n; ++i) {
      switch (trial % 3) {
        case 0:
          keys[i] = FromBits<K>(rng());
          break;
        case 1:
          keys[i] = FromBits<K>(rng() % (n + 5));
          break;
        default:
          keys[i] = FromBits<K>(((rng() % 8) << 50) + rng() % 64);
          break;
      }
    }
    keys = Sorted(std::move(keys));
    const Index index(keys.data(), n);
    std::vector<K> queries = this->Queries(keys);
    this->AddSegmentBoundaries(index.ToData(), &queries);
    ASSERT_TRUE(this->AgreesWithStd(index, keys, queries)) << "trial " << trial;
  }
}

// Every size around the search window's width (2 * eps + 2), where the last mile changes
// between searching a window and scanning a fixed-width one.
TYPED_TEST(LearnedIndexTest, SizesAroundTheWindowWidth) {
  using K = typename TestFixture::K;
  using Index = typename TestFixture::Index;
  constexpr size_t kWidth = 2 * TestFixture::kEps + 2;
  std::vector<size_t> sizes;
  for (size_t n = 1; n <= std::min<size_t>(kWidth + 4, 40); ++n) {
    sizes.push_back(n);
  }
  for (size_t n = kWidth - 2; n <= kWidth + 2; ++n) {
    sizes.push_back(n);
  }
  for (size_t n : sizes) {
    for (int variant = 0; variant < 3; ++variant) {
      std::vector<K> keys(n);
      for (size_t i = 0; i < n; ++i) {
        keys[i] = variant == 0   ? FromBits<K>(this->rng_())      // full range, sign bit both ways
                  : variant == 1 ? FromBits<K>(this->rng_() % 4)  // duplicates
                                 : FromBits<K>(Bits(TestFixture::kMax) - 2 * (n - i));  // top
      }
      keys = Sorted(std::move(keys));
      const Index index(keys.data(), n);
      std::vector<K> queries = this->Queries(keys);
      this->AddSegmentBoundaries(index.ToData(), &queries);
      ASSERT_TRUE(this->AgreesWithStd(index, keys, queries)) << "n " << n << " variant " << variant;
    }
  }
}

TYPED_TEST(LearnedIndexTest, LowerBoundBatchMatchesLowerBound) {
  using K = typename TestFixture::K;
  std::vector<K> keys(20000);
  for (K& k : keys) {
    k = this->Uniform();
  }
  keys = Sorted(std::move(keys));
  const typename TestFixture::Index index(keys.data(), keys.size());
  std::vector<K> queries(5000);
  for (size_t i = 0; i < queries.size(); ++i) {
    queries[i] = i % 3 == 0 ? keys[this->rng_() % keys.size()] : this->Uniform();
  }
  queries[7] = TestFixture::kMin;
  queries[8] = TestFixture::kMax;
  for (size_t count : {0, 1, 15, 16, 17, 31, 33, 1000, 4099, 5000}) {
    std::vector<size_t> out(count + 1, 12345);
    index.LowerBoundBatch(keys.data(), queries.data(), count, out.data());
    for (size_t i = 0; i < count; ++i) {
      ASSERT_EQ(out[i], index.LowerBound(keys.data(), queries[i])) << "count " << count;
      ASSERT_EQ(out[i], static_cast<size_t>(std::lower_bound(keys.begin(), keys.end(), queries[i]) -
                                            keys.begin()));
    }
    EXPECT_EQ(out[count], 12345u) << "wrote past count " << count;
  }
}

TYPED_TEST(LearnedIndexTest, SizeGrowsWithSegments) {
  using K = typename TestFixture::K;
  auto steps = [this](int clusters) {
    std::vector<K> keys;
    uint64_t k = 1;
    for (int c = 0; c < clusters; ++c) {
      for (int i = 0; i < 300; ++i) {
        keys.push_back(FromBits<K>(k + static_cast<uint64_t>(i)));
      }
      k += 300 + (uint64_t{1} << (30 + this->rng_() % 20));
    }
    return keys;
  };
  const std::vector<K> few = steps(4);
  const std::vector<K> many = steps(300);
  const typename TestFixture::Index small(few.data(), few.size());
  const typename TestFixture::Index large(many.data(), many.size());
  EXPECT_GT(small.size_in_bytes(), 0u);
  ASSERT_GT(large.segments_count(), small.segments_count());
  EXPECT_GT(large.size_in_bytes(), small.size_in_bytes());
  EXPECT_GE(large.size_in_bytes(), large.segments_count() * (sizeof(K) + sizeof(LinearModel)));
  EXPECT_GE(large.height(), 2u);
}

TYPED_TEST(LearnedIndexTest, FromDataRejectsMalformed) {
  using K = typename TestFixture::K;
  using Index = typename TestFixture::Index;
  using Data = LearnedIndexData<K>;
  std::vector<K> keys;
  const Data good = this->MultiLevelData(&keys);
  ASSERT_GE(good.levels.size(), 2u);
  ASSERT_GE(good.levels[0].size(), 3u);
  ASSERT_TRUE(Index::FromData(good).has_value());
  const double kNaN = std::numeric_limits<double>::quiet_NaN();
  const double kInf = std::numeric_limits<double>::infinity();

  struct Case {
    const char* what;
    void (*mutate)(Data&, double, double);
  };
  const Case cases[] = {
      {"wrong epsilon", [](Data& d, double, double) { d.epsilon += 1; }},
      {"epsilon 0", [](Data& d, double, double) { d.epsilon = 0; }},
      {"wrong epsilon_recursive", [](Data& d, double, double) { d.epsilon_recursive = 5; }},
      {"NaN slope", [](Data& d, double nan, double) { d.levels[0][1].slope = nan; }},
      {"inf slope", [](Data& d, double, double inf) { d.levels[0][1].slope = inf; }},
      {"-inf slope", [](Data& d, double, double inf) { d.levels[1][0].slope = -inf; }},
      {"negative slope", [](Data& d, double, double) { d.levels[0][2].slope = -1e-9; }},
      {"NaN intercept", [](Data& d, double nan, double) { d.levels[0][0].intercept = nan; }},
      {"inf intercept", [](Data& d, double, double inf) { d.levels.back()[0].intercept = inf; }},
      {"unsorted segment keys",
       [](Data& d, double, double) {
         std::swap(d.levels[0][1].first_key, d.levels[0][2].first_key);
       }},
      {"duplicate segment keys",
       [](Data& d, double, double) { d.levels[0][2].first_key = d.levels[0][1].first_key; }},
      {"first segment key above first_key",
       [](Data& d, double, double) { d.levels[0][0].first_key += 1; }},
      {"top level's first key differs",
       [](Data& d, double, double) { d.levels.back()[0].first_key += 1; }},
      {"first_key changed", [](Data& d, double, double) { d.first_key -= 1; }},
      {"first_key above last_key", [](Data& d, double, double) { d.last_key = d.first_key - 1; }},
      {"segment key above last_key",
       [](Data& d, double, double) { d.last_key = d.levels[0].back().first_key - 1; }},
      {"top level too big", [](Data& d, double, double) { d.levels.pop_back(); }},
      {"only level 0 kept", [](Data& d, double, double) { d.levels.resize(1); }},
      {"no levels", [](Data& d, double, double) { d.levels.clear(); }},
      {"empty top level", [](Data& d, double, double) { d.levels.emplace_back(); }},
      {"empty level 0", [](Data& d, double, double) { d.levels[0].clear(); }},
      {"levels with n = 0", [](Data& d, double, double) { d.n = 0; }},
  };
  for (const Case& c : cases) {
    Data bad = good;
    c.mutate(bad, kNaN, kInf);
    EXPECT_FALSE(Index::FromData(bad).has_value()) << c.what;
  }

  Data empty;
  empty.epsilon = TestFixture::kEps;
  empty.epsilon_recursive = 4;
  EXPECT_TRUE(Index::FromData(empty).has_value());
  empty.epsilon_recursive = 3;
  EXPECT_FALSE(Index::FromData(empty).has_value());
  Data one = empty;
  one.epsilon_recursive = 4;
  one.n = 1;
  EXPECT_FALSE(Index::FromData(one).has_value()) << "n = 1 with no levels";
  one.levels = {{}};
  EXPECT_FALSE(Index::FromData(one).has_value()) << "n = 1 with an empty level";
}

// FromData checks structure, not fit: whatever it accepts must still answer every Search
// with a window inside [0, n], and never crash. Random single-field mutations.
TYPED_TEST(LearnedIndexTest, FromDataNeverCrashesOnMutations) {
  using K = typename TestFixture::K;
  using Index = typename TestFixture::Index;
  std::vector<K> keys;
  const LearnedIndexData<K> good = this->MultiLevelData(&keys);
  std::mt19937_64& rng = this->rng_;
  size_t accepted = 0;
  for (int trial = 0; trial < 1500; ++trial) {
    LearnedIndexData<K> bad = good;
    const int mutations = 1 + static_cast<int>(rng() % 3);
    for (int m = 0; m < mutations; ++m) {
      std::vector<Segment<K>>& level = bad.levels[rng() % bad.levels.size()];
      if (level.empty()) {
        continue;
      }
      Segment<K>& s = level[rng() % level.size()];
      switch (rng() % 7) {
        case 0:
          s.first_key = FromBits<K>(Bits(s.first_key) + rng() % 1000);
          break;
        case 1:
          s.slope = static_cast<double>(rng() % 1000) / 7.0;
          break;
        case 2:
          s.intercept = static_cast<double>(static_cast<int64_t>(rng() % 2000000) - 1000000);
          break;
        case 3:
          s.slope = s.slope * 1e300;
          break;
        case 4:
          bad.n = rng() % (2 * good.n + 1);
          break;
        case 5:
          level.erase(level.begin() + static_cast<ptrdiff_t>(rng() % level.size()));
          break;
        default:
          s.intercept = -1e300;
          break;
      }
    }
    const std::optional<Index> index = Index::FromData(bad);
    if (!index) {
      continue;
    }
    ++accepted;
    for (int i = 0; i < 50; ++i) {
      const K q = i % 2 == 0 ? keys[rng() % keys.size()]
                             : RandomBetween<K>(rng, TestFixture::kMin, TestFixture::kMax);
      const ApproxPos ap = index->Search(q);
      ASSERT_LE(ap.lo, ap.hi) << "trial " << trial;
      ASSERT_LE(ap.hi, bad.n) << "trial " << trial;
      ASSERT_LE(ap.hi - ap.lo, 2 * TestFixture::kEps + 2) << "trial " << trial;
    }
  }
  EXPECT_GT(accepted, 0u) << "some mutations keep the structure valid";
}

}  // namespace
}  // namespace omen::index
