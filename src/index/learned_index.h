// A static learned index over a sorted array of 64-bit keys (duplicates allowed), shaped
// like PGM-index: level 0 is an optimal eps-bounded piecewise-linear model of the keys'
// rank function (index/pla.h); each level above models the first keys of the level
// below with eps_recursive, until the top holds at most kTopMax keys (two cache lines).
//
// Search(key) walks the levels and returns ApproxPos{pos, lo, hi}: lower_bound(key) on the
// indexed array lies in [lo, hi], with hi - lo <= 2 * eps + 2. The index does not keep
// the array; LowerBound/UpperBound/EqualRange/Find take it and finish with a branch-free
// binary search of that window.
//
// Exactness: models are evaluated on (key - segment key) computed in 64-bit integers, so
// large keys (nanosecond timestamps, keys near 2^63 or 2^64) cost no precision; see pla.h.
//
// Thread safety: immutable after construction; any number of threads may search.
// Standard library only; no I/O (storage/ persists ToData() and rebuilds with FromData()).

#ifndef OMENDB_INDEX_LEARNED_INDEX_H_
#define OMENDB_INDEX_LEARNED_INDEX_H_

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "index/pla.h"
#include "index/search.h"

namespace omen::index {

// lower_bound(key) lies in [lo, hi]; pos is the model's guess.
struct ApproxPos {
  size_t pos;
  size_t lo;
  size_t hi;
};

// Everything needed to rebuild an index without its keys: plain data for storage/.
template <typename K>
struct LearnedIndexData {
  uint64_t epsilon = 0;
  uint64_t epsilon_recursive = 0;
  uint64_t n = 0;  // keys indexed
  K first_key{};
  K last_key{};
  std::vector<std::vector<Segment<K>>> levels;  // [0] models the keys; back() is the top
};

// Positions after the guess p = floor(f) that a window needs. pla.h: F <= f + eps + 1, and
// f < p + 1, so in exact arithmetic F <= p + eps + 1; the second position absorbs the
// model's rounding (f a few ulps below its exact value; seen in tests at full-range keys).
inline constexpr size_t kWindowSlackAbove = 2;

template <typename K, size_t kEpsilon = 32, size_t kEpsilonRecursive = 4>
class LearnedIndex {
  static_assert(std::is_integral_v<K> && sizeof(K) == 8, "keys are int64_t or uint64_t");
  static_assert(kEpsilon >= 1 && kEpsilonRecursive >= 1, "epsilon must be at least 1");

 public:
  static constexpr size_t kTopMax = 16;  // keys in the top level: two cache lines
  // Widest windows: in the keys, and (for upper_bound) in a level's segment keys.
  static constexpr size_t kDataWindow = 2 * kEpsilon + kWindowSlackAbove;
  static constexpr size_t kLevelWindow = 2 * kEpsilonRecursive + kWindowSlackAbove + 1;
  static constexpr bool kCountWindow = kDataWindow <= 66;

  LearnedIndex() = default;

  // Builds over keys[0, n). REQUIRES: keys sorted non-decreasing. Keeps no pointer.
  LearnedIndex(const K* keys, size_t n) : n_(n) {
    if (n == 0) {
      return;
    }
    first_key_ = keys[0];
    last_key_ = keys[n - 1];
    levels_.push_back(BuildLevel(keys, n, kEpsilon));
    while (levels_.back().keys.size() > kTopMax) {
      const Level& below = levels_.back();
      levels_.push_back(BuildLevel(below.keys.data(), below.keys.size(), kEpsilonRecursive));
    }
    PadTop();
  }

  // Rebuilds from persisted plain data; nullopt when it is not a well-formed index with
  // this class's epsilons. Checks the structure, not that the models fit the keys.
  static std::optional<LearnedIndex> FromData(const LearnedIndexData<K>& data) {
    if (data.epsilon != kEpsilon || data.epsilon_recursive != kEpsilonRecursive) {
      return std::nullopt;
    }
    LearnedIndex index;
    index.n_ = data.n;
    if (data.n == 0) {
      return data.levels.empty() ? std::optional<LearnedIndex>(std::move(index)) : std::nullopt;
    }
    if (data.levels.empty() || data.first_key > data.last_key ||
        data.levels.back().size() > kTopMax) {
      return std::nullopt;
    }
    for (const auto& segments : data.levels) {
      if (segments.empty() || segments.front().first_key != data.first_key) {
        return std::nullopt;
      }
      Level level;
      for (const Segment<K>& s : segments) {
        const bool finite = std::isfinite(s.slope) && std::isfinite(s.intercept);
        if (!finite || s.slope < 0 || (!level.keys.empty() && s.first_key <= level.keys.back()) ||
            s.first_key > data.last_key) {
          return std::nullopt;
        }
        level.keys.push_back(s.first_key);
        level.models.push_back({s.slope, s.intercept});
      }
      index.levels_.push_back(std::move(level));
    }
    index.first_key_ = data.first_key;
    index.last_key_ = data.last_key;
    index.PadTop();
    return index;
  }

  LearnedIndexData<K> ToData() const {
    LearnedIndexData<K> data{kEpsilon, kEpsilonRecursive, n_, first_key_, last_key_, {}};
    for (const Level& level : levels_) {
      std::vector<Segment<K>>& out = data.levels.emplace_back();
      for (size_t i = 0; i < level.keys.size(); ++i) {
        out.push_back({level.keys[i], level.models[i].slope, level.models[i].intercept});
      }
    }
    return data;
  }

  static constexpr size_t epsilon() { return kEpsilon; }
  static constexpr size_t epsilon_recursive() { return kEpsilonRecursive; }
  size_t size() const { return n_; }
  size_t height() const { return levels_.size(); }
  size_t segments_count() const { return levels_.empty() ? 0 : levels_[0].keys.size(); }

  // Bytes this object and its heap blocks occupy (allocated capacity, not a formula).
  size_t size_in_bytes() const {
    size_t bytes = sizeof(*this) + levels_.capacity() * sizeof(Level);
    for (const Level& level : levels_) {
      bytes += level.keys.capacity() * sizeof(K) + level.models.capacity() * sizeof(LinearModel);
    }
    return bytes;
  }

  ApproxPos Search(K key) const {
    if (n_ == 0 || key <= first_key_) {
      return {0, 0, 0};
    }
    if (key > last_key_) {
      return {n_, n_, n_};
    }
    size_t seg = TopSegment(key);
    for (size_t l = levels_.size() - 1; l > 0; --l) {
      seg = LevelStep(l, seg, key);
    }
    return DataWindow(Predict(levels_[0], seg, key, n_));
  }

  // The exact answers. REQUIRES: keys is the array the index was built on.
  size_t LowerBound(const K* keys, K key) const { return LastMile(keys, Search(key), key); }
  size_t UpperBound(const K* keys, K key) const {
    return key == std::numeric_limits<K>::max() ? n_ : LowerBound(keys, key + 1);
  }
  std::pair<size_t, size_t> EqualRange(const K* keys, K key) const {
    return {LowerBound(keys, key), UpperBound(keys, key)};
  }
  // Position of the first occurrence of key, or size() when absent.
  size_t Find(const K* keys, K key) const {
    const size_t i = LowerBound(keys, key);
    return (i < n_ && keys[i] == key) ? i : n_;
  }

  // out[i] = LowerBound(keys, queries[i]). Works in groups of kBatch queries and walks
  // them level by level, so each level's accesses (and then the windows in the keys, all
  // prefetched before any is searched) are independent and their cache misses overlap.
  void LowerBoundBatch(const K* keys, const K* queries, size_t count, size_t* out) const {
    for (size_t base = 0; base < count; base += kBatch) {
      BatchGroup(keys, queries + base, std::min(kBatch, count - base), out + base);
    }
  }

 private:
  struct Level {
    std::vector<K> keys;  // first key of each segment, strictly increasing
    std::vector<LinearModel> models;
  };

  // lower_bound(key) in the window ap: counted over a fixed-width window (independent
  // loads, vectorized), or binary-searched when the array is narrower than a window.
  // Wider windows (eps > 32) are prefetched whole and binary-searched instead: counting
  // would read all of their lines (measured: slower from eps = 64 on).
  size_t LastMile(const K* keys, const ApproxPos& ap, K key) const {
    if constexpr (kCountWindow) {
      if (n_ >= kDataWindow) {
        return CountingLowerBound<kDataWindow>(keys, n_, ap.lo, key);
      }
    } else {
      PrefetchRange(keys, ap.lo, ap.hi);
    }
    return BranchlessLowerBound(keys, ap.lo, ap.hi, key);
  }

  static constexpr size_t kBatch = 8;

  void BatchGroup(const K* keys, const K* queries, size_t g, size_t* out) const {
    if (n_ == 0) {
      std::fill(out, out + g, 0);
      return;
    }
    K q[kBatch];
    size_t seg[kBatch];
    for (size_t i = 0; i < g; ++i) {
      // Keys outside (first, last] get their answer below; walk a valid key meanwhile.
      q[i] = queries[i] <= first_key_ || queries[i] > last_key_ ? last_key_ : queries[i];
      seg[i] = TopSegment(q[i]);
    }
    for (size_t l = levels_.size() - 1; l > 0; --l) {
      for (size_t i = 0; i < g; ++i) {
        seg[i] = LevelStep(l, seg[i], q[i]);
      }
    }
    ApproxPos ap[kBatch];
    for (size_t i = 0; i < g; ++i) {
      ap[i] = DataWindow(Predict(levels_[0], seg[i], q[i], n_));
      PrefetchRange(keys, ap[i].lo, ap[i].hi);
    }
    for (size_t i = 0; i < g; ++i) {
      const K key = queries[i];
      out[i] = key <= first_key_ ? 0 : key > last_key_ ? n_ : LastMile(keys, ap[i], key);
    }
  }

  // The window of 2 * eps + 2 positions around a level-0 guess p.
  ApproxPos DataWindow(size_t p) const {
    return {p, p > kEpsilon ? p - kEpsilon : 0, std::min(p + kEpsilon + kWindowSlackAbove, n_)};
  }

  // From segment seg of level l to the segment of level l - 1 that holds key.
  size_t LevelStep(size_t l, size_t seg, K key) const {
    const std::vector<K>& below = levels_[l - 1].keys;
    const size_t p = Predict(levels_[l], seg, key, below.size());
    const size_t lo = p > kEpsilonRecursive ? p - kEpsilonRecursive : 0;
    // upper_bound is lower_bound or one past it.
    return (below.size() >= kLevelWindow
                ? CountingUpperBound<kLevelWindow>(below.data(), below.size(), lo, key)
                : BranchlessUpperBound(below.data(), lo, std::min(lo + kLevelWindow, below.size()),
                                       key)) -
           1;
  }

  static Level BuildLevel(const K* keys, size_t n, size_t eps) {
    Level level;
    KeySegmenter<K> segmenter(eps);
    auto emit = [&level](const Segment<K>& s) {
      level.keys.push_back(s.first_key);
      level.models.push_back({s.slope, s.intercept});
    };
    for (size_t i = 0; i < n; ++i) {
      segmenter.Append(keys[i], emit);
    }
    segmenter.Finish(emit);
    level.keys.shrink_to_fit();
    level.models.shrink_to_fit();
    return level;
  }

  // Index of the last top-level segment whose key is <= key: a fixed 16-key vector count
  // over the top keys padded with the largest key (clamped, in case key is that value).
  // REQUIRES: key > first_key_.
  size_t TopSegment(K key) const {
    const size_t count = CountBelow<kTopMax, true>(top_keys_.data(), key);
    return std::min(count, levels_.back().keys.size()) - 1;
  }

  void PadTop() {
    top_keys_.fill(std::numeric_limits<K>::max());
    const std::vector<K>& top = levels_.back().keys;
    std::copy(top.begin(), top.end(), top_keys_.begin());
  }

  // floor of segment seg's prediction for key, clamped to [0, limit].
  // REQUIRES: key inside segment seg (so key - its first key < PlaBuilder::kMaxSpan).
  static size_t Predict(const Level& level, size_t seg, K key, size_t limit) {
    return PredictFloor(level.keys[seg], level.models[seg], key, limit);
  }

  std::vector<Level> levels_;
  std::array<K, kTopMax> top_keys_{};  // levels_.back().keys, padded
  size_t n_ = 0;
  K first_key_{};
  K last_key_{};
};

extern template class LearnedIndex<int64_t, 32, 4>;
extern template class LearnedIndex<uint64_t, 32, 4>;

}  // namespace omen::index

#endif  // OMENDB_INDEX_LEARNED_INDEX_H_
