// Baseline indexes and memory probes for `omendb-bench index`; see baselines.h.

#include "bench/baselines.h"

#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <limits>
#include <new>
#include <random>
#include <utility>

namespace omen::bench {
namespace {

constexpr size_t kNodeKeys = StaticBTree::kNodeKeys;
constexpr size_t kCacheLine = 64;
constexpr int64_t kPad = std::numeric_limits<int64_t>::max();  // never < a query

size_t CeilDiv(size_t a, size_t b) { return a / b + (a % b != 0); }

// Number of keys < key among node[0, kNodeKeys), no branches. The compiler keeps this a
// chain of compare-and-add (setg/add on x86-64).
inline __attribute__((always_inline)) size_t CountLessScalar(const int64_t* node, int64_t key) {
  size_t count = 0;
#pragma GCC unroll 16
  for (size_t i = 0; i < kNodeKeys; ++i) {
    count += node[i] < key;
  }
  return count;
}

// The same count written with GCC vector extensions: inside a function compiled for AVX2
// it is 4 vpcmpgtq and 3 vpaddq; elsewhere the compiler emulates it (slowly), so it is only
// used from StaticBTree::LowerBoundAvx2.
using Int64x4 = int64_t __attribute__((vector_size(32)));
static_assert(kNodeKeys == 16, "CountLessVector compares four vectors of four keys");

inline __attribute__((always_inline)) size_t CountLessVector(const int64_t* node, int64_t key) {
  Int64x4 a, b, c, d;
  std::memcpy(&a, node, sizeof(a));  // unaligned loads: leaf blocks are the caller's array
  std::memcpy(&b, node + 4, sizeof(b));
  std::memcpy(&c, node + 8, sizeof(c));
  std::memcpy(&d, node + 12, sizeof(d));
  const Int64x4 k = Int64x4{} + key;
  const Int64x4 minus = (a < k) + (b < k) + (c < k) + (d < k);  // lanes of -1 per match
  return static_cast<size_t>(-(minus[0] + minus[1] + minus[2] + minus[3]));
}

template <bool kVector>
inline __attribute__((always_inline)) size_t CountLess(const int64_t* node, int64_t key) {
  if constexpr (kVector) {
    return CountLessVector(node, key);
  } else {
    return CountLessScalar(node, key);
  }
}

bool CpuHasAvx2() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2");
#else
  return false;
#endif
}

}  // namespace

// The search loop, shared by both node scans (a friend of StaticBTree).
struct StaticBTreeSearch {
  template <bool kVector>
  static inline __attribute__((always_inline)) size_t Run(const StaticBTree& tree, int64_t key) {
    if (key > tree.last_key_) {
      return tree.n_;  // also keeps every node below from being all < key
    }
    const int64_t* nodes = tree.buffer_.get();
    size_t child = 0;  // index of the node (then leaf block) at the next level down
    for (const size_t offset : tree.level_offset_) {
      child = child * kNodeKeys + CountLess<kVector>(nodes + offset + child * kNodeKeys, key);
    }
    const int64_t* block = child < tree.full_blocks_ ? tree.keys_ + child * kNodeKeys : tree.tail_;
    return child * kNodeKeys + CountLess<kVector>(block, key);
  }
};

StaticBTree::StaticBTree(const int64_t* keys, size_t n)
    : keys_(keys),
      n_(n),
      last_key_(n == 0 ? std::numeric_limits<int64_t>::min() : keys[n - 1]),
      full_blocks_(n / kNodeKeys),
      use_avx2_(CpuHasAvx2()) {
  // entries[i]: separators at internal level i, counted from the bottom (one per leaf
  // block at i = 0, one per node of level i - 1 above that); the top level is one node.
  const size_t blocks = CeilDiv(n, kNodeKeys);
  std::vector<size_t> entries;
  for (size_t c = blocks; c > 1; c = CeilDiv(c, kNodeKeys)) {
    entries.push_back(c);
  }
  // Lay the levels out root first, then the tail block.
  std::vector<size_t> offset(entries.size());
  size_t total = 0;
  for (size_t i = entries.size(); i-- > 0;) {
    offset[i] = total;
    total += CeilDiv(entries[i], kNodeKeys) * kNodeKeys;
  }
  const size_t tail_offset = total;
  total += kNodeKeys;
  buffer_bytes_ = total * sizeof(int64_t);  // whole 128-byte nodes: aligned_alloc needs a
                                            // multiple of the alignment
  buffer_.reset(static_cast<int64_t*>(std::aligned_alloc(kCacheLine, buffer_bytes_)));
  if (buffer_ == nullptr) {
    throw std::bad_alloc();
  }
  int64_t* buf = buffer_.get();
  std::fill(buf, buf + total, kPad);

  // Bottom-up: each separator is the largest key under its child.
  for (size_t i = 0; i < entries.size(); ++i) {
    int64_t* level = buf + offset[i];
    for (size_t j = 0; j < entries[i]; ++j) {
      const size_t last_child_key = j * kNodeKeys + kNodeKeys - 1;
      level[j] = i == 0 ? keys[std::min(last_child_key, n - 1)]
                        : buf[offset[i - 1] + std::min(last_child_key, entries[i - 1] - 1)];
    }
  }
  std::copy(keys + full_blocks_ * kNodeKeys, keys + n, buf + tail_offset);
  tail_ = buf + tail_offset;
  level_offset_.assign(offset.rbegin(), offset.rend());
}

size_t StaticBTree::LowerBoundPortable(int64_t key) const {
  return StaticBTreeSearch::Run<false>(*this, key);
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) size_t StaticBTree::LowerBoundAvx2(int64_t key) const {
  return StaticBTreeSearch::Run<true>(*this, key);
}
#endif

SparseIndex::SparseIndex(const int64_t* keys, size_t n, size_t granule)
    : keys_(keys), n_(n), granule_(std::max<size_t>(granule, 1)) {
  marks_.reserve(CeilDiv(n, granule_));
  for (size_t i = 0; i < n; i += granule_) {
    marks_.push_back(keys[i]);
  }
}

size_t SparseIndex::LowerBound(int64_t key) const {
  const size_t m =
      static_cast<size_t>(std::lower_bound(marks_.begin(), marks_.end(), key) - marks_.begin());
  if (m == 0) {
    return 0;  // keys[0] >= key, or no keys
  }
  // keys[(m - 1) * g] < key, and keys[m * g] >= key when mark m exists.
  const int64_t* lo = keys_ + (m - 1) * granule_ + 1;
  const int64_t* hi = keys_ + std::min(m * granule_, n_);
  return static_cast<size_t>(std::lower_bound(lo, hi, key) - keys_);
}

namespace {

constexpr size_t kHugePageBytes = size_t{2} << 20;

size_t MappedLength(size_t bytes) {
  return CeilDiv(std::max<size_t>(bytes, 1), kHugePageBytes) * kHugePageBytes;
}

// An anonymous mapping of `length` bytes (a multiple of kHugePageBytes) starting on a
// 2 MiB boundary, so that every 2 MiB of it can be a huge page; nullptr on failure.
void* MapAligned(size_t length, bool huge_pages) {
  const size_t span = length + kHugePageBytes;
  void* raw = mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) {
    return nullptr;
  }
  const uintptr_t raw_start = reinterpret_cast<uintptr_t>(raw);
  const uintptr_t start = CeilDiv(raw_start, kHugePageBytes) * kHugePageBytes;
  const size_t head = start - raw_start;
  const size_t tail = span - head - length;
  if (head > 0) {
    munmap(raw, head);
  }
  if (tail > 0) {
    munmap(reinterpret_cast<void*>(start + length), tail);
  }
  void* p = reinterpret_cast<void*>(start);
  if (madvise(p, length, huge_pages ? MADV_HUGEPAGE : MADV_NOHUGEPAGE) != 0) {
    munmap(p, length);
    return nullptr;
  }
  return p;
}

uint64_t UniformBelow(std::mt19937_64& rng, uint64_t bound) {
  return static_cast<uint64_t>((static_cast<unsigned __int128>(rng()) * bound) >> 64);
}

constexpr uint64_t kChaseMaxSteps = 20'000'000;
constexpr uint64_t kChaseBatch = 1 << 20;
constexpr auto kChaseMaxTime = std::chrono::milliseconds(2500);

}  // namespace

int64_t* AllocateKeys(size_t n, bool huge_pages) {
  if (n > (std::numeric_limits<size_t>::max() - 2 * kHugePageBytes) / sizeof(int64_t)) {
    return nullptr;
  }
  return static_cast<int64_t*>(MapAligned(MappedLength(n * sizeof(int64_t)), huge_pages));
}

void FreeKeys(int64_t* keys, size_t n) {
  if (keys != nullptr) {
    munmap(keys, MappedLength(n * sizeof(int64_t)));
  }
}

double DramLatencyNs(size_t bytes, bool huge_pages, uint64_t seed) {
  const size_t lines = std::max<size_t>(bytes / kCacheLine, 2);
  constexpr size_t kWordsPerLine = kCacheLine / sizeof(uint64_t);
  if (lines > std::numeric_limits<size_t>::max() / 2 / kCacheLine) {
    return -1;
  }
  const size_t length = MappedLength(lines * kCacheLine);
  auto* words = static_cast<uint64_t*>(MapAligned(length, huge_pages));
  if (words == nullptr) {
    return -1;
  }
  // Sattolo's algorithm: a uniformly random permutation with a single cycle, so the chase
  // visits every line before it repeats. Line i holds the index of the line after it.
  for (size_t i = 0; i < lines; ++i) {
    words[i * kWordsPerLine] = i;
  }
  std::mt19937_64 rng(seed);
  for (size_t i = lines - 1; i > 0; --i) {
    const size_t j = UniformBelow(rng, i);
    std::swap(words[i * kWordsPerLine], words[j * kWordsPerLine]);
  }

  uint64_t line = 0;
  for (size_t i = 0; i < std::min<size_t>(lines, kChaseBatch); ++i) {  // warm the TLB/caches
    line = words[line * kWordsPerLine];
  }
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = start - start;
  uint64_t steps = 0;
  while (steps < kChaseMaxSteps && elapsed < kChaseMaxTime) {
    for (uint64_t i = 0; i < kChaseBatch; ++i) {
      line = words[line * kWordsPerLine];
    }
    steps += kChaseBatch;
    elapsed = std::chrono::steady_clock::now() - start;
  }
  volatile uint64_t sink = line;  // keeps the chase from being optimized away
  static_cast<void>(sink);
  munmap(words, length);
  return std::chrono::duration<double, std::nano>(elapsed).count() / static_cast<double>(steps);
}

}  // namespace omen::bench
