// DynamicIndex: a multiset of 64-bit keys taking appends and out-of-order inserts, with
// exact rank queries at every moment. The time-series write path's index.
//
// Layout (chosen by the benchmark, see docs/index.md):
//   main_    an AppendIndex: keys >= the largest so far go here in amortized O(1),
//            extending its last segment; in-order time series never leave this path.
//   buffer_  out-of-order keys, kept sorted by insertion, up to kBufferKeys.
//   runs_    sorted runs in a binary counter (runs_[i] is empty or about
//            kBufferKeys * 2^i keys); a full buffer is merged with runs_[0..i) into the
//            first empty slot i, and a run with at least indexed_run keys gets a static
//            LearnedIndex. When a merge result reaches half the size of main_, everything
//            is merged into main_ instead, so main_ holds most keys and runs stay few.
// Each piece answers lower_bound on its own keys; in a multiset the rank of a key is the
// sum of those, so no lookup ever needs the pieces merged.
//
// Thread safety: none. Const methods may run concurrently only while nothing inserts.

#ifndef OMENDB_INDEX_DYNAMIC_INDEX_H_
#define OMENDB_INDEX_DYNAMIC_INDEX_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "index/append_index.h"
#include "index/learned_index.h"

namespace omen::index {

template <typename K, size_t kEpsilon = 32, size_t kEpsilonRecursive = 4>
class DynamicIndex {
 public:
  static constexpr size_t kBufferKeys = 256;
  static constexpr size_t kDefaultIndexedRun = size_t{1} << 20;

  // Runs of at least indexed_run keys get a learned index; smaller ones are binary
  // searched (they sit in cache, and most are merged away soon after they are made).
  explicit DynamicIndex(size_t indexed_run = kDefaultIndexedRun) : indexed_run_(indexed_run) {
    buffer_.reserve(kBufferKeys);
  }
  DynamicIndex(const DynamicIndex&) = delete;
  DynamicIndex& operator=(const DynamicIndex&) = delete;
  DynamicIndex(DynamicIndex&&) = default;
  DynamicIndex& operator=(DynamicIndex&&) = default;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Keys outside main_ (inserted out of order and not yet merged into it).
  size_t pending() const { return size_ - main_.size(); }
  // Non-empty sorted runs.
  size_t runs() const {
    return std::count_if(runs_.begin(), runs_.end(), [](const Run& r) { return !r.keys.empty(); });
  }

  // Removes every key, keeping the append path's memory for reuse.
  void Clear() {
    main_.Clear();
    buffer_.clear();
    for (Run& run : runs_) {
      run.keys.clear();
      run.index.reset();
    }
    size_ = 0;
  }

  // Makes room for n keys on the append path.
  void Reserve(size_t n) { main_.Reserve(n); }

  // Any key, any order.
  void Insert(K key) {
    ++size_;
    if (main_.empty() || key >= main_.back()) {
      main_.Append(key);
      return;
    }
    buffer_.insert(std::upper_bound(buffer_.begin(), buffer_.end(), key), key);
    if (buffer_.size() == kBufferKeys) {
      Flush();
    }
  }

  // Number of keys < key.
  size_t LowerBound(K key) const {
    size_t rank = main_.LowerBound(key);
    for (const Run& run : runs_) {
      rank += run.LowerBound(key);
    }
    return rank + static_cast<size_t>(std::lower_bound(buffer_.begin(), buffer_.end(), key) -
                                      buffer_.begin());
  }
  // Number of keys <= key.
  size_t UpperBound(K key) const {
    return key == std::numeric_limits<K>::max() ? size_ : LowerBound(key + 1);
  }
  size_t Count(K key) const { return UpperBound(key) - LowerBound(key); }
  bool Contains(K key) const { return Count(key) != 0; }

  // Merges everything into main_ (for example before the keys are written out) and
  // releases the merge buffers.
  void Compact() {
    if (pending() > 0) {
      carry_.assign(buffer_.begin(), buffer_.end());
      buffer_.clear();
      FoldIntoMain(0);
    }
    runs_ = {};
    carry_ = {};
    scratch_ = {};
  }

  // All keys in order. REQUIRES: pending() == 0 (call Compact() first).
  const std::vector<K>& sorted_keys() const { return main_.keys(); }

  size_t size_in_bytes() const {
    size_t bytes = sizeof(*this) + main_.size_in_bytes() - sizeof(main_) +
                   (buffer_.capacity() + carry_.capacity() + scratch_.capacity()) * sizeof(K) +
                   runs_.capacity() * sizeof(Run);
    for (const Run& run : runs_) {
      bytes += run.keys.capacity() * sizeof(K);
      if (run.index) {
        bytes += run.index->size_in_bytes() - sizeof(*run.index);
      }
    }
    return bytes;
  }

 private:
  struct Run {
    std::vector<K> keys;
    std::optional<LearnedIndex<K, kEpsilon, kEpsilonRecursive>> index;

    size_t LowerBound(K key) const {
      if (index) {
        return index->LowerBound(keys.data(), key);
      }
      return static_cast<size_t>(std::lower_bound(keys.begin(), keys.end(), key) - keys.begin());
    }
  };

  // out = a merged with b (a's keys first among equals), reusing out's memory. Branch-free:
  // the loop's only branch is its exit, so random keys cost no mispredictions.
  static void MergeInto(const std::vector<K>& a, const std::vector<K>& b, std::vector<K>& out) {
    out.resize(a.size() + b.size());
    const K* pa = a.data();
    const K* pb = b.data();
    const K* const ea = pa + a.size();
    const K* const eb = pb + b.size();
    K* po = out.data();
    while (pa < ea && pb < eb) {
      const bool take_b = *pb < *pa;
      *po++ = take_b ? *pb : *pa;
      pb += take_b;
      pa += !take_b;
    }
    po = std::copy(pa, ea, po);
    std::copy(pb, eb, po);
  }

  // Merges run i into carry_.
  void MergeRunIntoCarry(size_t i) {
    MergeInto(runs_[i].keys, carry_, scratch_);
    carry_.swap(scratch_);
    runs_[i].keys.clear();  // keeps its memory: page faults cost more than merging here
    runs_[i].index.reset();
  }

  // Merges carry_ and runs_[from..] into main_.
  void FoldIntoMain(size_t from) {
    for (size_t r = from; r < runs_.size(); ++r) {
      if (!runs_[r].keys.empty()) {
        MergeRunIntoCarry(r);
      }
    }
    MergeInto(main_.keys(), carry_, scratch_);
    scratch_ = main_.Assign(std::move(scratch_));
    scratch_.clear();
    carry_.clear();
  }

  void Flush() {
    carry_.assign(buffer_.begin(), buffer_.end());
    buffer_.clear();
    size_t i = 0;
    for (; i < runs_.size() && !runs_[i].keys.empty(); ++i) {
      MergeRunIntoCarry(i);
    }
    if (2 * carry_.size() >= main_.size()) {
      FoldIntoMain(i);
      return;
    }
    if (i == runs_.size()) {
      runs_.emplace_back();
    }
    Run& run = runs_[i];
    run.keys.swap(carry_);  // carry_ takes the run's empty vector and its memory
    if (run.keys.size() >= indexed_run_) {
      run.index.emplace(run.keys.data(), run.keys.size());
    }
  }

  AppendIndex<K, kEpsilon, kEpsilonRecursive> main_;
  std::vector<K> buffer_;  // sorted
  std::vector<Run> runs_;  // empty runs keep their memory for the next merges
  std::vector<K> carry_;   // merge buffers, reused
  std::vector<K> scratch_;
  size_t size_ = 0;
  size_t indexed_run_;
};

}  // namespace omen::index

#endif  // OMENDB_INDEX_DYNAMIC_INDEX_H_
