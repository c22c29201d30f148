// Last-mile searches over small windows of a sorted array, branch-free so that the loop
// runs the same number of steps whatever the data (no mispredictions) and independent
// lookups overlap in the CPU.
//
// Thread safety: pure functions. Standard library only.

#ifndef OMENDB_INDEX_SEARCH_H_
#define OMENDB_INDEX_SEARCH_H_

#include <cstddef>
#include <cstdint>

namespace omen::index {

// First i in [lo, hi) with a[i] >= key, or hi. REQUIRES: a[lo, hi) sorted.
template <typename K>
inline size_t BranchlessLowerBound(const K* a, size_t lo, size_t hi, K key) {
  if (lo >= hi) {
    return lo;
  }
  const K* base = a + lo;
  size_t len = hi - lo;
  while (len > 1) {
    const size_t half = len / 2;
    base = (base[half] < key) ? base + half : base;
    len -= half;
  }
  return static_cast<size_t>(base - a) + (*base < key);
}

// First i in [lo, hi) with a[i] > key, or hi. REQUIRES: a[lo, hi) sorted.
template <typename K>
inline size_t BranchlessUpperBound(const K* a, size_t lo, size_t hi, K key) {
  if (lo >= hi) {
    return lo;
  }
  const K* base = a + lo;
  size_t len = hi - lo;
  while (len > 1) {
    const size_t half = len / 2;
    base = (base[half] <= key) ? base + half : base;
    len -= half;
  }
  return static_cast<size_t>(base - a) + (*base <= key);
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
