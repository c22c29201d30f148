// Last-mile searches over small windows of a sorted array, branch-free so that the loop
// runs the same number of steps whatever the data (no mispredictions) and independent
// lookups overlap in the CPU.
//
// Thread safety: pure functions. Standard library only.

#ifndef OMENDB_INDEX_SEARCH_H_
#define OMENDB_INDEX_SEARCH_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace omen::index {

// First i in [lo, hi) with a[i] > key (kOrEqual) or a[i] >= key (otherwise), or hi: a
// binary search whose loop runs the same steps whatever the data (cmov, no branch on keys).
// REQUIRES: a[lo, hi) sorted.
template <bool kOrEqual, typename K>
inline size_t BranchlessBound(const K* a, size_t lo, size_t hi, K key) {
  if (lo >= hi) {
    return lo;
  }
  const K* base = a + lo;
  size_t len = hi - lo;
  while (len > 1) {
    const size_t half = len / 2;
    const bool right = kOrEqual ? base[half] <= key : base[half] < key;
    base = right ? base + half : base;
    len -= half;
  }
  return static_cast<size_t>(base - a) + (kOrEqual ? *base <= key : *base < key);
}

// First i in [lo, hi) with a[i] >= key, or hi. REQUIRES: a[lo, hi) sorted.
template <typename K>
inline size_t BranchlessLowerBound(const K* a, size_t lo, size_t hi, K key) {
  return BranchlessBound<false>(a, lo, hi, key);
}

// First i in [lo, hi) with a[i] > key, or hi. REQUIRES: a[lo, hi) sorted.
template <typename K>
inline size_t BranchlessUpperBound(const K* a, size_t lo, size_t hi, K key) {
  return BranchlessBound<true>(a, lo, hi, key);
}

// How many of the kWidth keys at p are < key (kOrEqual: <= key). Branch-free, in 4-lane
// vectors (GCC vector extensions: AVX2 where the target has it, SSE or scalar otherwise);
// unsigned keys are compared with their sign bit flipped.
template <size_t kWidth, bool kOrEqual, typename K>
inline size_t CountBelow(const K* p, K key) {
  using V = int64_t __attribute__((vector_size(32)));
  constexpr size_t kLanes = 4;
  constexpr uint64_t kFlip = std::is_signed_v<K> ? 0 : uint64_t{1} << 63;
  const auto k = static_cast<int64_t>(static_cast<uint64_t>(key) ^ kFlip);
  const V kv = {k, k, k, k};
  const V flip = {static_cast<int64_t>(kFlip), static_cast<int64_t>(kFlip),
                  static_cast<int64_t>(kFlip), static_cast<int64_t>(kFlip)};
  V acc = {0, 0, 0, 0};
  size_t i = 0;
#pragma GCC unroll 16
  for (; i + kLanes <= kWidth; i += kLanes) {
    V v;
    std::memcpy(&v, p + i, sizeof(v));
    v ^= flip;
    acc += kOrEqual ? (v <= kv) : (v < kv);  // true lanes are -1
  }
  auto count = static_cast<size_t>(-(acc[0] + acc[1] + acc[2] + acc[3]));
  for (; i < kWidth; ++i) {
    count += kOrEqual ? p[i] <= key : p[i] < key;
  }
  return count;
}

// lower_bound by counting: for a window [lo, hi) known to hold lower_bound(key) (it lies in
// [lo, hi]), with hi - lo <= kWidth <= n, scans exactly kWidth keys starting at
// min(lo, n - kWidth) and adds how many are < key. The loads are independent (no chain
// of dependent probes as in a binary search, so a cache miss costs one latency, and
// independent lookups overlap) and the fixed width needs no loop branch per probe.
template <size_t kWidth, typename K>
inline size_t CountingLowerBound(const K* a, size_t n, size_t lo, K key) {
  const size_t start = lo < n - kWidth ? lo : n - kWidth;
  return start + CountBelow<kWidth, false>(a + start, key);
}

// The same for upper_bound (keys <= key).
template <size_t kWidth, typename K>
inline size_t CountingUpperBound(const K* a, size_t n, size_t lo, K key) {
  const size_t start = lo < n - kWidth ? lo : n - kWidth;
  return start + CountBelow<kWidth, true>(a + start, key);
}

// Asks the CPU to start loading every cache line of a[lo, hi).
template <typename K>
inline void PrefetchRange(const K* a, size_t lo, size_t hi) {
  constexpr size_t kPerLine = 64 / sizeof(K);
  for (size_t i = lo & ~(kPerLine - 1); i < hi; i += kPerLine) {
    __builtin_prefetch(a + i);
  }
}

}  // namespace omen::index

#endif  // OMENDB_INDEX_SEARCH_H_
