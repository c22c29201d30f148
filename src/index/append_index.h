// AppendIndex: a sorted, append-only array of 64-bit keys with a learned index that is
// extended as keys arrive, never rebuilt. It is the time-series write path's shape:
// timestamps come in (mostly) non-decreasing order.
//
// Each level owns a KeySegmenter (pla.h). An appended key is fed to level 0; when a
// segment closes, its first key is fed to level 1, and so on; a new level is added on top
// when the top outgrows kTopMax keys. Every level's open (still growing) segment has a
// snapshot of its model, refreshed every kRefreshKeys keys at level 0 and after every
// point above; the snapshot is valid up to the point it was taken at, and a key beyond it
// is searched in the short tail after that point. So Append is amortized O(1) and every
// lookup is exact at every moment, with windows of 2*eps + 2 like the static index.
//
// Thread safety: none. Const methods may run concurrently only while nothing appends.

#ifndef OMENDB_INDEX_APPEND_INDEX_H_
#define OMENDB_INDEX_APPEND_INDEX_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "index/learned_index.h"
#include "index/pla.h"
#include "index/search.h"

namespace omen::index {

template <typename K, size_t kEpsilon = 32, size_t kEpsilonRecursive = 4>
class AppendIndex {
 public:
  static constexpr size_t kTopMax = LearnedIndex<K, kEpsilon, kEpsilonRecursive>::kTopMax;
  static constexpr uint64_t kRefreshKeys = 256;  // level-0 snapshot period, in keys

  AppendIndex() { Reset(); }
  AppendIndex(const AppendIndex&) = delete;
  AppendIndex& operator=(const AppendIndex&) = delete;
  AppendIndex(AppendIndex&&) = default;
  AppendIndex& operator=(AppendIndex&&) = default;

  size_t size() const { return keys_.size(); }
  bool empty() const { return keys_.empty(); }
  const K* data() const { return keys_.data(); }
  const std::vector<K>& keys() const { return keys_; }
  // REQUIRES: !empty().
  K back() const { return keys_.back(); }
  size_t height() const { return levels_.size(); }

  // REQUIRES: empty() || key >= back().
  void Append(K key) {
    keys_.push_back(key);
    Feed(0, key);
  }

  // Replaces the contents with sorted keys (a merge result), taking their vector, and
  // returns the previous one so its memory can be reused. REQUIRES: keys sorted.
  std::vector<K> Assign(std::vector<K> keys) {
    std::vector<K> old = std::move(keys_);
    Reset();
    keys_ = std::move(keys);
    for (K k : keys_) {
      Feed(0, k);
    }
    return old;
  }

  void Clear() { Reset(); }

  // Makes room for n keys in all, so appends up to there never reallocate.
  void Reserve(size_t n) { keys_.reserve(n); }

  // Number of keys < key.
  size_t LowerBound(K key) const {
    const size_t n = keys_.size();
    if (n == 0 || key <= keys_.front()) {
      return 0;
    }
    if (key > keys_.back()) {
      return n;
    }
    const Window w = ModelWindow(0, key);
    return BranchlessLowerBound(keys_.data(), w.lo, w.hi, key);
  }
  // Number of keys <= key.
  size_t UpperBound(K key) const {
    return key == std::numeric_limits<K>::max() ? keys_.size() : LowerBound(key + 1);
  }

  size_t size_in_bytes() const {
    size_t bytes =
        sizeof(*this) + keys_.capacity() * sizeof(K) + levels_.capacity() * sizeof(Level);
    for (const Level& level : levels_) {
      bytes += level.keys.capacity() * sizeof(K) + level.models.capacity() * sizeof(LinearModel);
    }
    return bytes;
  }

 private:
  struct Window {
    size_t lo;
    size_t hi;
  };

  struct Level {
    explicit Level(uint64_t eps) : segmenter(eps) {}
    std::vector<K> keys;  // first keys of closed segments
    std::vector<LinearModel> models;
    KeySegmenter<K> segmenter;  // the open segment
    // Snapshot of the open segment, valid for keys <= snap_x; taken at its first key.
    bool has_snapshot = false;
    Segment<K> open{};
    K snap_x{};
    int64_t snap_y = 0;
    uint64_t snap_keys = 0;
  };

  static constexpr size_t kMaxLevels = 40;  // reserved so Level references stay valid

  void Reset() {
    keys_.clear();
    levels_.clear();
    levels_.reserve(kMaxLevels);
    levels_.emplace_back(kEpsilon);
  }

  static uint64_t Eps(size_t level) { return level == 0 ? kEpsilon : kEpsilonRecursive; }

  // Size of the array level l models.
  size_t Modelled(size_t l) const { return l == 0 ? keys_.size() : levels_[l - 1].keys.size(); }

  void Feed(size_t l, K key) {
    Level& level = levels_[l];
    bool closed = false;
    level.segmenter.Append(key, [&](const Segment<K>& s) {
      closed = true;
      OnClose(l, s);
    });
    const uint64_t period = l == 0 ? kRefreshKeys : 1;
    if (closed || !level.has_snapshot || level.segmenter.keys() - level.snap_keys >= period) {
      level.has_snapshot = true;
      level.open = level.segmenter.Open();
      level.snap_x = level.segmenter.last_point_x();
      level.snap_y = level.segmenter.last_point_y();
      level.snap_keys = level.segmenter.keys();
    }
  }

  void OnClose(size_t l, const Segment<K>& s) {
    Level& level = levels_[l];
    level.keys.push_back(s.first_key);
    level.models.push_back({s.slope, s.intercept});
    if (l + 1 < levels_.size()) {
      Feed(l + 1, s.first_key);
    } else if (level.keys.size() + 1 > kTopMax && levels_.size() < kMaxLevels) {
      levels_.emplace_back(kEpsilonRecursive);
      for (K k : level.keys) {
        Feed(l + 1, k);
      }
    }
  }

  // Window holding lower_bound(key) in the array level l models.
  // REQUIRES: first modelled key < key <= last modelled key.
  Window ModelWindow(size_t l, K key) const {
    const Level& level = levels_[l];
    const size_t limit = Modelled(l);
    if (level.segmenter.has_open() && key >= level.open.first_key) {
      if (key > level.snap_x) {
        return {static_cast<size_t>(level.snap_y), limit};  // the tail after the snapshot
      }
      return Predict(level.open, key, Eps(l), limit);
    }
    const size_t seg = ClosedSegment(l, key);
    return Predict({level.keys[seg], level.models[seg].slope, level.models[seg].intercept}, key,
                   Eps(l), limit);
  }

  // Last closed segment of level l whose key is <= key.
  // REQUIRES: key below the open segment's key (if any), key > the first modelled key.
  size_t ClosedSegment(size_t l, K key) const {
    const std::vector<K>& keys = levels_[l].keys;
    if (key >= keys.back()) {
      return keys.size() - 1;
    }
    if (l + 1 == levels_.size()) {  // the top: at most kTopMax keys
      return BranchlessUpperBound(keys.data(), 0, keys.size(), key) - 1;
    }
    const Window w = ModelWindow(l + 1, key);
    return BranchlessUpperBound(keys.data(), w.lo, std::min(w.hi + 1, keys.size()), key) - 1;
  }

  static Window Predict(const Segment<K>& s, K key, uint64_t eps, size_t limit) {
    const size_t p = PredictFloor(s.first_key, LinearModel{s.slope, s.intercept}, key, limit);
    return {p > eps ? p - eps : 0, std::min<size_t>(p + eps + kWindowSlackAbove, limit)};
  }

  std::vector<K> keys_;
  std::vector<Level> levels_;
};

}  // namespace omen::index

#endif  // OMENDB_INDEX_APPEND_INDEX_H_
