// Property tests for the streaming piecewise-linear approximation (index/pla.h).
//
// KeySegmenter: for random and adversarial key sequences and every epsilon we use, the
// emitted segments tile [first key, last key] and each one predicts the lower_bound rank
// F(x) of every sampled integer x it covers within the bound pla.h documents. PlaBuilder:
// Add() accepts a point exactly when some line fits every point of the segment within eps
// (checked against a brute-force feasibility test), and Current() is such a line.

#include "index/pla.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "index/test_util.h"

namespace omen::index {
namespace {

constexpr uint64_t kEpsilons[] = {1, 2, 4, 8, 16, 32, 64, 128};
constexpr double kRounding = 1e-6;  // slack for the final rounding of slope/intercept to double
constexpr double kWindowSlack = 2;  // positions a search window extends past floor(f) + eps

template <typename K>
std::vector<Segment<K>> Segmentize(const std::vector<K>& keys, uint64_t eps) {
  KeySegmenter<K> segmenter(eps);
  std::vector<Segment<K>> segments;
  auto emit = [&segments](const Segment<K>& s) { segments.push_back(s); };
  for (K k : keys) {
    segmenter.Append(k, emit);
  }
  segmenter.Finish(emit);
  return segments;
}

using test_util::RandomBetween;

// Every key, key - 1, key + 1, random values inside gaps, and values outside the keys.
template <typename K>
std::vector<K> SampleQueries(const std::vector<K>& keys, std::mt19937_64& rng) {
  constexpr K kMin = std::numeric_limits<K>::min();
  constexpr K kMax = std::numeric_limits<K>::max();
  std::vector<K> q = {kMin, kMax, K{0}};
  for (size_t i = 0; i < keys.size(); ++i) {
    const K k = keys[i];
    q.push_back(k);
    if (k > kMin) {
      q.push_back(k - 1);
    }
    if (k < kMax) {
      q.push_back(k + 1);
    }
    if (i + 1 < keys.size() && pla_internal::KeyDistance(k, keys[i + 1]) > 2) {
      q.push_back(RandomBetween<K>(rng, k + 1, keys[i + 1] - 1));
    }
  }
  if (!keys.empty()) {
    if (keys.front() > kMin) {
      q.push_back(RandomBetween<K>(rng, kMin, keys.front() - 1));
    }
    if (keys.back() < kMax) {
      q.push_back(RandomBetween<K>(rng, keys.back() + 1, kMax));
    }
  }
  return q;
}

template <typename K>
std::string Describe(const Segment<K>& s) {
  std::ostringstream out;
  out.precision(17);
  out << "{first_key=" << s.first_key << " slope=" << s.slope << " intercept=" << s.intercept
      << "}";
  return out.str();
}

// Structure: first key matches, keys strictly increase, slopes finite and >= 0.
template <typename K>
::testing::AssertionResult WellFormed(const std::vector<K>& keys,
                                      const std::vector<Segment<K>>& segs) {
  if (keys.empty()) {
    return segs.empty() ? ::testing::AssertionSuccess()
                        : ::testing::AssertionFailure() << segs.size() << " segments for no keys";
  }
  if (segs.empty() || segs.front().first_key != keys.front()) {
    return ::testing::AssertionFailure() << "first segment does not start at " << keys.front();
  }
  for (size_t i = 0; i < segs.size(); ++i) {
    const Segment<K>& s = segs[i];
    if (!std::isfinite(s.slope) || !std::isfinite(s.intercept) || s.slope < 0) {
      return ::testing::AssertionFailure() << "segment " << i << " " << Describe(s);
    }
    if (i > 0 && s.first_key <= segs[i - 1].first_key) {
      return ::testing::AssertionFailure() << "segment keys not increasing at " << i;
    }
    if (s.first_key > keys.back()) {
      return ::testing::AssertionFailure() << "segment " << i << " starts past the last key";
    }
  }
  return ::testing::AssertionSuccess();
}

// How the model of the segment covering x relates to F(x) = lower_bound rank.
template <typename K>
struct Prediction {
  const Segment<K>* segment;
  double f;     // the model's value at x
  double rank;  // F(x)
};

template <typename K>
Prediction<K> Predict(const std::vector<K>& keys, const std::vector<Segment<K>>& segs, K x) {
  const auto it = std::upper_bound(segs.begin(), segs.end(), x,
                                   [](K v, const Segment<K>& s) { return v < s.first_key; });
  const Segment<K>& s = *(it - 1);
  const double dx =
      static_cast<double>(static_cast<uint64_t>(x) - static_cast<uint64_t>(s.first_key));
  const auto rank = std::lower_bound(keys.begin(), keys.end(), x) - keys.begin();
  return {&s, s.intercept + s.slope * dx, static_cast<double>(rank)};
}

// Asserts F(x) - below <= f(x) <= F(x) + above (up to rounding) for every query x in
// [first key, last key], f being the model of the segment covering x.
template <typename K>
::testing::AssertionResult WithinBound(const std::vector<K>& keys,
                                       const std::vector<Segment<K>>& segs, uint64_t eps,
                                       const std::vector<K>& queries, double below, double above) {
  for (K x : queries) {
    if (keys.empty() || x < keys.front() || x > keys.back()) {
      continue;
    }
    const Prediction<K> p = Predict(keys, segs, x);
    if (p.f < p.rank - below - kRounding || p.f > p.rank + above + kRounding) {
      return ::testing::AssertionFailure()
             << "eps=" << eps << " x=" << x << " F(x)=" << p.rank << " f(x)=" << p.f
             << " f-F=" << p.f - p.rank << " allowed [-" << below << ", +" << above << "], segment "
             << Describe(*p.segment) << " of " << segs.size() << " over " << keys.size() << " keys";
    }
  }
  return ::testing::AssertionSuccess();
}

// The bound documented at the top of pla.h: points are fitted within eps, and between two
// points F jumps up right after the left one, so the line may lag F by eps + 1 but never
// lead it by more than eps: F(x) - eps - 1 <= f(x) <= F(x) + eps.
template <typename K>
::testing::AssertionResult WithinDocumentedBound(const std::vector<K>& keys,
                                                 const std::vector<Segment<K>>& segs, uint64_t eps,
                                                 const std::vector<K>& queries) {
  const auto e = static_cast<double>(eps);
  return WithinBound(keys, segs, eps, queries, e + 1, e);
}

// What callers rely on (pla.h): searching positions [floor(f) - eps, floor(f) + eps + 2)
// finds F(x), i.e. floor(f) - eps <= F(x) <= floor(f) + eps + 2 (a search of [lo, hi)
// answers hi when every key in it is smaller). Evaluated in double, as indexes do.
template <typename K>
::testing::AssertionResult WithinSearchWindow(const std::vector<K>& keys,
                                              const std::vector<Segment<K>>& segs, uint64_t eps,
                                              const std::vector<K>& queries) {
  const auto e = static_cast<double>(eps);
  for (K x : queries) {
    if (keys.empty() || x < keys.front() || x > keys.back()) {
      continue;
    }
    const Prediction<K> p = Predict(keys, segs, x);
    const double floor_f = std::floor(p.f);
    if (p.rank < floor_f - e || p.rank > floor_f + e + kWindowSlack) {
      return ::testing::AssertionFailure()
             << "eps=" << eps << " x=" << x << " F(x)=" << p.rank << " f(x)=" << p.f << " segment "
             << Describe(*p.segment);
    }
  }
  return ::testing::AssertionSuccess();
}

// ---- Key sets; each returns sorted keys (duplicates allowed). ----

template <typename K>
std::vector<K> Sorted(std::vector<K> keys) {
  std::sort(keys.begin(), keys.end());
  return keys;
}

template <typename K>
std::vector<K> UniformKeys(std::mt19937_64& rng, size_t n, K lo, K hi) {
  std::vector<K> keys(n);
  for (K& k : keys) {
    k = RandomBetween<K>(rng, lo, hi);
  }
  return Sorted(std::move(keys));
}

template <typename K>
std::vector<K> DuplicateRuns(std::mt19937_64& rng, size_t n) {
  std::vector<K> keys;
  K k = static_cast<K>(1000);
  while (keys.size() < n) {
    const size_t run = 1 + rng() % 300;
    keys.insert(keys.end(), std::min(run, n - keys.size()), k);
    k += static_cast<K>(1 + rng() % 50);
  }
  return keys;
}

// Clusters of consecutive integers separated by jumps of 2^40..2^58.
template <typename K>
std::vector<K> StepKeys(std::mt19937_64& rng, size_t clusters) {
  std::vector<K> keys;
  uint64_t k = static_cast<uint64_t>(std::numeric_limits<K>::min()) + 17;
  for (size_t c = 0; c < clusters; ++c) {
    const size_t len = 20 + rng() % 400;
    for (size_t i = 0; i < len; ++i) {
      keys.push_back(static_cast<K>(k + i));
    }
    k += len + (uint64_t{1} << (40 + rng() % 19));
  }
  return keys;
}

// Gaps alternating between 1 and huge, and between dense and sparse regions.
template <typename K>
std::vector<K> ZigZagKeys(std::mt19937_64& rng, size_t n) {
  std::vector<K> keys;
  uint64_t k = 5;
  for (size_t i = 0; i < n; ++i) {
    keys.push_back(static_cast<K>(k));
    const uint64_t phase = (i / 37) % 3;
    k += phase == 0 ? 1 : (phase == 1 ? 1 + rng() % 3 : 1000 + rng() % 100000);
  }
  return keys;
}

// 2^i + j for every i that fits a non-negative K, j small.
template <typename K>
std::vector<K> ExponentialKeys() {
  std::vector<K> keys;
  const int max_shift = std::numeric_limits<K>::digits - 1;  // 62 for int64, 63 for uint64
  for (int i = 0; i <= max_shift; ++i) {
    for (uint64_t j = 0; j < 8; ++j) {
      keys.push_back(static_cast<K>((uint64_t{1} << i) + j));
    }
  }
  return Sorted(std::move(keys));
}

// Nanosecond timestamps near 2^62: base + i * 1e3 with jitter.
template <typename K>
std::vector<K> NanosecondKeys(std::mt19937_64& rng, size_t n) {
  const uint64_t base = (uint64_t{1} << 62) - 1'000'000'000'000'000ULL;
  std::vector<K> keys(n);
  for (size_t i = 0; i < n; ++i) {
    keys[i] = static_cast<K>(base + i * 1000 + rng() % 1000);
  }
  return Sorted(std::move(keys));
}

template <typename K>
std::vector<K> ExtremeKeys() {
  constexpr K kMin = std::numeric_limits<K>::min();
  constexpr K kMax = std::numeric_limits<K>::max();
  return Sorted(std::vector<K>{kMin, kMin, kMin + 1, static_cast<K>(-1), K{0}, K{1}, K{2},
                               static_cast<K>(kMax / 2), static_cast<K>(kMax / 2 + 1), kMax - 1,
                               kMax, kMax});
}

template <typename K>
std::vector<std::vector<K>> AllKeySets(std::mt19937_64& rng) {
  constexpr K kMin = std::numeric_limits<K>::min();
  constexpr K kMax = std::numeric_limits<K>::max();
  std::vector<std::vector<K>> sets;
  sets.push_back({});
  sets.push_back({K{7}});
  sets.push_back({K{7}, K{7}});
  sets.push_back({kMin, kMax});
  sets.push_back(std::vector<K>(3000, K{99}));
  sets.push_back(UniformKeys<K>(rng, 4000, K{0}, K{100000}));
  sets.push_back(UniformKeys<K>(rng, 4000, K{0}, K{3000}));  // many duplicates
  sets.push_back(UniformKeys<K>(rng, 2000, kMin, kMax));     // huge gaps
  sets.push_back(DuplicateRuns<K>(rng, 6000));
  sets.push_back(StepKeys<K>(rng, 12));
  sets.push_back(ZigZagKeys<K>(rng, 4000));
  sets.push_back(ExponentialKeys<K>());
  sets.push_back(NanosecondKeys<K>(rng, 4000));
  sets.push_back(ExtremeKeys<K>());
  std::vector<K> top(2000);
  for (size_t i = 0; i < top.size(); ++i) {
    top[i] = kMax - static_cast<K>(3 * (top.size() - i));
  }
  top.push_back(kMax);
  sets.push_back(std::move(top));
  return sets;
}

// Segments every key set with every epsilon and checks structure, the search window, and
// the documented bound on f - F.
template <typename K>
void CheckAllKeySets(uint64_t seed) {
  std::mt19937_64 rng(seed);
  const std::vector<std::vector<K>> sets = AllKeySets<K>(rng);
  for (size_t s = 0; s < sets.size(); ++s) {
    const std::vector<K>& keys = sets[s];
    const std::vector<K> queries = SampleQueries(keys, rng);
    for (uint64_t eps : kEpsilons) {
      SCOPED_TRACE(::testing::Message()
                   << "key set " << s << " (" << keys.size() << " keys), eps " << eps);
      const std::vector<Segment<K>> segs = Segmentize(keys, eps);
      ASSERT_TRUE(WellFormed(keys, segs));
      ASSERT_TRUE(WithinSearchWindow(keys, segs, eps, queries));
      ASSERT_TRUE(WithinDocumentedBound(keys, segs, eps, queries));
    }
  }
}

TEST(KeySegmenterTest, SegmentsWellFormedAndWithinSearchWindowInt64) {
  CheckAllKeySets<int64_t>(0x5eed0001);
}

TEST(KeySegmenterTest, SegmentsWellFormedAndWithinSearchWindowUint64) {
  CheckAllKeySets<uint64_t>(0x5eed0002);
}

// pla.h states F(x) - eps - 1 <= f(x) <= F(x) + eps; the +1 once sat on the wrong side of
// that comment. Minimal case: eps = 1, keys {0, 1, 5} make one segment
// f(x) = 0.125 + 0.375 x, and at x = 2 (F = 2) f = 0.875: below F - eps = 1, inside the
// documented F - eps - 1 = 0.
TEST(KeySegmenterTest, PredictionWithinDocumentedBound) {
  const std::vector<int64_t> keys = {0, 1, 5};
  const std::vector<Segment<int64_t>> segs = Segmentize(keys, 1);
  ASSERT_TRUE(WellFormed(keys, segs));
  const std::vector<int64_t> queries = {0, 1, 2, 3, 4, 5};
  EXPECT_TRUE(WithinDocumentedBound(keys, segs, 1, queries));
  EXPECT_TRUE(WithinSearchWindow(keys, segs, 1, queries));
}

TEST(KeySegmenterTest, LinearKeysMakeOneSegment) {
  struct Line {
    int64_t a;
    int64_t b;
  };
  const Line lines[] = {{0, 1},
                        {-5000, 1},
                        {-1'000'000, 7},
                        {123, 1000},
                        {(int64_t{1} << 62) - 1'000'000'000'000'000, 1'000'000'000}};
  for (const Line& line : lines) {
    std::vector<int64_t> keys(10000);
    for (size_t i = 0; i < keys.size(); ++i) {
      keys[i] = line.a + line.b * static_cast<int64_t>(i);
    }
    for (uint64_t eps : kEpsilons) {
      const std::vector<Segment<int64_t>> segs = Segmentize(keys, eps);
      EXPECT_EQ(segs.size(), 1u) << "a=" << line.a << " b=" << line.b << " eps=" << eps;
      ASSERT_TRUE(WellFormed(keys, segs));
      std::mt19937_64 rng(0x11ea4);
      EXPECT_TRUE(WithinSearchWindow(keys, segs, eps, SampleQueries(keys, rng)));
    }
  }
  std::vector<uint64_t> high(5000);
  for (size_t i = 0; i < high.size(); ++i) {
    high[i] = (uint64_t{1} << 63) + 3 * i;  // crosses the signed/unsigned midpoint
  }
  for (uint64_t eps : kEpsilons) {
    EXPECT_EQ(Segmentize(high, eps).size(), 1u) << "eps=" << eps;
  }
}

TEST(KeySegmenterTest, RandomKeysMakeFewSegments) {
  std::mt19937_64 rng(0xfe75e6);
  const size_t n = 20000;
  const std::vector<int64_t> keys = UniformKeys<int64_t>(rng, n, 0, int64_t{1} << 40);
  size_t previous = n;
  for (uint64_t eps : kEpsilons) {
    const size_t count = Segmentize(keys, eps).size();
    if (eps >= 4) {
      EXPECT_LE(count, n / 2) << "eps=" << eps;
    }
    EXPECT_LE(count, previous) << "a larger eps never needs more segments, eps=" << eps;
    previous = count;
  }
  EXPECT_LE(Segmentize(keys, 128).size(), n / 100);
}

TEST(KeySegmenterTest, Accessors) {
  KeySegmenter<uint64_t> segmenter(8);
  EXPECT_FALSE(segmenter.has_open());
  EXPECT_EQ(segmenter.keys(), 0u);
  size_t emitted = 0;
  auto emit = [&emitted](const Segment<uint64_t>&) { ++emitted; };
  for (uint64_t k : {10u, 10u, 10u, 11u, 500u}) {
    segmenter.Append(k, emit);
    EXPECT_TRUE(segmenter.has_open());
    EXPECT_EQ(segmenter.last_key(), k);
    EXPECT_EQ(segmenter.Open().first_key, 10u);
  }
  EXPECT_EQ(segmenter.keys(), 5u);
  EXPECT_EQ(segmenter.last_point_x(), 500u);
  EXPECT_EQ(segmenter.last_point_y(), 4);
  segmenter.Finish(emit);
  EXPECT_EQ(emitted, 1u);
  EXPECT_FALSE(segmenter.has_open());
  segmenter.Finish(emit);
  EXPECT_EQ(emitted, 1u) << "Finish with nothing open emits nothing";
}

// ---- PlaBuilder ----

struct Pt {
  int64_t x;
  int64_t y;
};

using i128 = __int128;

// The slopes b of lines within eps of every point of a segment, kept exactly. For i < j a
// line of slope b fits both points iff (yj - yi - 2eps) / (xj - xi) <= b <=
// (yj - yi + 2eps) / (xj - xi); those pairwise constraints are all there is, so the points
// fit iff the largest lower bound is at most the smallest upper bound. Fractions have
// positive denominators and compare by cross-multiplication.
struct SlopeRange {
  bool bounded = false;
  i128 lo_num = 0;
  i128 lo_den = 1;
  i128 hi_num = 0;
  i128 hi_den = 1;

  bool empty() const { return bounded && lo_num * hi_den > hi_num * lo_den; }

  // The range once p joins the points pts.
  SlopeRange With(const std::vector<Pt>& pts, Pt p, int64_t eps) const {
    SlopeRange r = *this;
    for (const Pt& q : pts) {
      const i128 dx = static_cast<i128>(p.x) - q.x;
      const i128 dy = static_cast<i128>(p.y) - q.y;
      if (!r.bounded || (dy - 2 * eps) * r.lo_den > r.lo_num * dx) {
        r.lo_num = dy - 2 * eps;
        r.lo_den = dx;
      }
      if (!r.bounded || (dy + 2 * eps) * r.hi_den < r.hi_num * dx) {
        r.hi_num = dy + 2 * eps;
        r.hi_den = dx;
      }
      r.bounded = true;
    }
    return r;
  }
};

template <typename K>
::testing::AssertionResult Fits(const Segment<K>& s, const std::vector<Pt>& pts, int64_t eps,
                                K first) {
  if (s.first_key != first || !std::isfinite(s.slope) || !std::isfinite(s.intercept) ||
      s.slope < 0) {
    return ::testing::AssertionFailure() << "bad segment " << Describe(s);
  }
  for (const Pt& p : pts) {
    const double f = s.intercept + s.slope * static_cast<double>(p.x);
    const double err = std::fabs(f - static_cast<double>(p.y));
    // Rounding of slope and intercept to double: absolute, plus relative for huge positions.
    const double rounding = kRounding + std::ldexp(std::fabs(static_cast<double>(p.y)), -50);
    if (err > static_cast<double>(eps) + rounding) {
      return ::testing::AssertionFailure() << "point (" << p.x << ", " << p.y << ") is " << err
                                           << " from " << Describe(s) << ", eps " << eps;
    }
  }
  return ::testing::AssertionSuccess();
}

TEST(PlaBuilderTest, TwoPointsAlwaysFit) {
  std::mt19937_64 rng(0x2b0);
  for (uint64_t eps : kEpsilons) {
    for (int trial = 0; trial < 500; ++trial) {
      PlaBuilder<int64_t> builder(eps);
      const auto x0 = static_cast<int64_t>(rng()) >> 2;
      const auto dx = static_cast<int64_t>(1 + rng() % (PlaBuilder<int64_t>::kMaxSpan - 1));
      const auto x1 = static_cast<int64_t>(static_cast<uint64_t>(x0) + static_cast<uint64_t>(dx));
      const auto y0 = static_cast<int64_t>(rng() % 1'000'000'000);
      const int64_t y1 = y0 + static_cast<int64_t>(trial % 3 == 0 ? 0 : rng() % 1'000'000'000);
      ASSERT_TRUE(builder.Add(x0, y0));
      ASSERT_TRUE(builder.Add(x1, y1)) << "x0=" << x0 << " x1=" << x1 << " eps=" << eps;
      const Segment<int64_t> s = builder.Current();
      EXPECT_EQ(s.first_key, x0);
      // Relative coordinates, as the segment is evaluated.
      const std::vector<Pt> pts = {{0, y0}, {dx, y1}};
      EXPECT_TRUE(Fits(s, pts, static_cast<int64_t>(eps), x0));
    }
  }
}

TEST(PlaBuilderTest, RejectsImpossiblePointAndChangesNothing) {
  PlaBuilder<int64_t> builder(1);
  EXPECT_TRUE(builder.empty());
  ASSERT_TRUE(builder.Add(0, 0));
  EXPECT_FALSE(builder.empty());
  ASSERT_TRUE(builder.Add(1, 0));
  const Segment<int64_t> before = builder.Current();
  EXPECT_FALSE(builder.Add(2, 100));
  const Segment<int64_t> after = builder.Current();
  EXPECT_EQ(after.first_key, before.first_key);
  EXPECT_EQ(after.slope, before.slope);
  EXPECT_EQ(after.intercept, before.intercept);
  EXPECT_TRUE(builder.Add(2, 2)) << "a point that fits is still accepted after a rejection";
  builder.Reset();
  EXPECT_TRUE(builder.empty());
  EXPECT_TRUE(builder.Add(2, 100));
  EXPECT_EQ(builder.first_key(), 2);
}

TEST(PlaBuilderTest, RejectsSpanOfMaxSpanOrMore) {
  constexpr uint64_t kSpan = PlaBuilder<uint64_t>::kMaxSpan;
  PlaBuilder<uint64_t> builder(4);
  ASSERT_TRUE(builder.Add(10, 0));
  EXPECT_FALSE(builder.Add(10 + kSpan, 1));
  EXPECT_TRUE(builder.Add(10 + kSpan - 1, 1));
  PlaBuilder<int64_t> signed_builder(4);
  ASSERT_TRUE(signed_builder.Add(std::numeric_limits<int64_t>::min(), 0));
  EXPECT_FALSE(signed_builder.Add(std::numeric_limits<int64_t>::max(), 1));
}

// Random point streams: every Add() answer equals the brute-force feasibility of the
// segment's points plus the new one, and Current() fits every point of the segment.
TEST(PlaBuilderTest, AcceptsExactlyTheFeasiblePoints) {
  std::mt19937_64 rng(0xb417e);
  for (uint64_t eps : kEpsilons) {
    const auto e = static_cast<int64_t>(eps);
    for (int stream = 0; stream < 5; ++stream) {
      SCOPED_TRACE(::testing::Message() << "eps " << eps << " stream " << stream);
      PlaBuilder<int64_t> builder(eps);
      std::vector<Pt> seg;  // points of the open segment, relative to its first x
      SlopeRange range;     // slopes that fit seg
      int64_t first = 0;
      int64_t x = static_cast<int64_t>(rng() % 1000) - 500;
      int64_t y = 0;
      size_t segments = 0;
      for (int i = 0; i < 1500; ++i) {
        switch (stream) {
          case 0:  // small steps
            x += 1 + static_cast<int64_t>(rng() % 10);
            y += static_cast<int64_t>(rng() % (2 * eps + 2));
            break;
          case 1:  // huge x gaps
            x += 1 + static_cast<int64_t>(rng() % (uint64_t{1} << 44));
            y += static_cast<int64_t>(rng() % 3);
            break;
          case 2:  // mostly flat with rare big jumps in y
            x += 1 + static_cast<int64_t>(rng() % 100);
            y += rng() % 20 == 0 ? static_cast<int64_t>(rng() % (8 * eps)) : 0;
            break;
          case 3:  // a straight line with noise of about eps
            x += 7;
            y = 3 * i + static_cast<int64_t>(rng() % (eps + 1));
            y = std::max<int64_t>(y, seg.empty() ? 0 : seg.back().y);
            break;
          default:  // the same with huge coordinates: x steps ~2^40, positions ~2^40
            x += (int64_t{1} << 40) + static_cast<int64_t>(rng() % (1 << 14));
            y = (int64_t{1} << 40) + (int64_t{i} << 20) + static_cast<int64_t>(rng() % (eps + 1));
            break;
        }
        const bool fresh = builder.empty();
        const Pt p{fresh ? 0 : x - first, y};
        const SlopeRange with = range.With(seg, p, e);
        const bool accepted = builder.Add(x, y);
        ASSERT_EQ(accepted, !with.empty())
            << "point " << i << " (" << x << ", " << y << ") after " << seg.size() << " points";
        if (accepted) {
          if (fresh) {
            first = x;
          }
          seg.push_back(p);
          range = with;
          if (rng() % 16 == 0) {
            ASSERT_TRUE(Fits(builder.Current(), seg, e, first));
          }
          continue;
        }
        ASSERT_TRUE(Fits(builder.Current(), seg, e, first));
        ++segments;
        builder.Reset();
        ASSERT_TRUE(builder.Add(x, y));
        first = x;
        seg = {{0, y}};
        range = SlopeRange{};
      }
      ASSERT_TRUE(Fits(builder.Current(), seg, e, first));
      if (stream >= 3) {
        EXPECT_EQ(segments, 0u) << "a noisy line within eps is one segment";
      }
    }
  }
}

}  // namespace
}  // namespace omen::index
