// Helpers shared by the index tests: keys handled as their 64-bit patterns, so generators
// do wrapping uint64 arithmetic and never overflow a signed key.

#ifndef OMENDB_INDEX_TEST_UTIL_H_
#define OMENDB_INDEX_TEST_UTIL_H_

#include <cstdint>
#include <limits>
#include <random>

namespace omen::index::test_util {

template <typename K>
K FromBits(uint64_t bits) {
  return static_cast<K>(bits);
}

template <typename K>
uint64_t Bits(K key) {
  return static_cast<uint64_t>(key);
}

// A uniformly random K in [lo, hi].
template <typename K>
K RandomBetween(std::mt19937_64& rng, K lo, K hi) {
  const uint64_t span = Bits(hi) - Bits(lo);
  const uint64_t off = span == std::numeric_limits<uint64_t>::max() ? rng() : rng() % (span + 1);
  return FromBits<K>(Bits(lo) + off);
}

}  // namespace omen::index::test_util

#endif  // OMENDB_INDEX_TEST_UTIL_H_
