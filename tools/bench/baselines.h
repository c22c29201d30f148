// The classic structures the learned index is measured against in `omendb-bench index`,
// and the memory floor under all of them:
//
//   StaticBTree   the strongest classic read-only index over a sorted array: a static,
//                 pointer-free B+tree of 16-key (128-byte) nodes whose leaf level is the
//                 array itself, searched branch-free (AVX2 when the CPU has it).
//   SparseIndex   ClickHouse's primary index: every granule-th key ("marks"), a binary
//                 search of the marks, then std::lower_bound inside one granule.
//   DramLatencyNs the latency of one dependent random DRAM access (pointer chasing): the
//                 cost of one cold cache miss, which a cold lookup cannot beat.
//   AllocateKeys  page-controlled buffers (4 KiB vs 2 MiB transparent huge pages) for the
//                 keys, so runs can show what TLB misses add.
//
// Both indexes borrow the caller's sorted array (it must outlive them and not change) and
// return exactly std::lower_bound's position; duplicates are allowed anywhere.
//
// Thread safety: the indexes are immutable after construction, so any number of threads
// may search one. The free functions are thread-safe.

#ifndef OMENDB_TOOLS_BENCH_BASELINES_H_
#define OMENDB_TOOLS_BENCH_BASELINES_H_

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

namespace omen::bench {

// Static B+tree over a sorted array. The array is cut into leaf blocks of kNodeKeys keys;
// each internal level holds, for every node of the level below (a leaf block at the
// bottom), the largest key under it, packed kNodeKeys to a 64-byte-aligned node and padded
// with INT64_MAX. The children of entry i of node j are node j * kNodeKeys + i of the level
// below: no pointers. The largest key under a child is a correct separator with
// duplicates: lower_bound(q) lies under the first child whose largest key is >= q.
//
// Search: after checking q against the largest key, each level counts the node's keys
// < q (kNodeKeys compares, no branches; 4 AVX2 compares when the CPU has AVX2, chosen at
// construction with __builtin_cpu_supports), which is the child to descend into; the
// leaf block is counted the same way. A last partial leaf block is copied, padded, into
// the tree's own memory so that every block read is kNodeKeys keys.
//
// Space: about n / 15 keys, i.e. ~0.53 bytes per indexed key, plus one 128-byte block.
class StaticBTree {
 public:
  static constexpr size_t kNodeKeys = 16;

  // Indexes keys[0, n). REQUIRES: keys sorted non-decreasing, live and unchanged for the
  // tree's lifetime (keys may be null when n == 0). Throws std::bad_alloc when the nodes
  // cannot be allocated. A moved-from tree may only be destroyed or assigned to.
  StaticBTree(const int64_t* keys, size_t n);

  StaticBTree(const StaticBTree&) = delete;
  StaticBTree& operator=(const StaticBTree&) = delete;
  StaticBTree(StaticBTree&&) = default;
  StaticBTree& operator=(StaticBTree&&) = default;

  // First i in [0, n) with keys[i] >= key, or n.
  size_t LowerBound(int64_t key) const {
    return use_avx2_ ? LowerBoundAvx2(key) : LowerBoundPortable(key);
  }

  // The same search with the plain-C++ node scan, whatever the CPU; for tests and for
  // comparing the two scans.
  size_t LowerBoundPortable(int64_t key) const;

  // True when LowerBound uses the AVX2 node scan.
  bool uses_avx2() const { return use_avx2_; }

  // Bytes of the tree's own allocation (internal nodes and the padded last block), not
  // counting the borrowed keys.
  size_t size_in_bytes() const { return buffer_bytes_; }

  // Number of internal levels above the leaf blocks (0 when n <= kNodeKeys).
  size_t height() const { return level_offset_.size(); }

 private:
  struct FreeDeleter {
    void operator()(int64_t* p) const { std::free(p); }
  };

  // The search with the AVX2 node scan. REQUIRES: the CPU has AVX2 (use_avx2_).
#if defined(__x86_64__)
  __attribute__((target("avx2"))) size_t LowerBoundAvx2(int64_t key) const;
#else
  size_t LowerBoundAvx2(int64_t key) const { return LowerBoundPortable(key); }
#endif

  friend struct StaticBTreeSearch;  // the search loop, defined in baselines.cc

  const int64_t* keys_;
  size_t n_;
  int64_t last_key_;    // keys_[n_ - 1], or INT64_MIN when n_ == 0
  size_t full_blocks_;  // n_ / kNodeKeys; block full_blocks_ is read from tail_
  bool use_avx2_;
  std::unique_ptr<int64_t, FreeDeleter> buffer_;  // the levels, then the tail block
  size_t buffer_bytes_ = 0;
  std::vector<size_t> level_offset_;  // in keys into buffer_; [0] is the root
  const int64_t* tail_;               // inside buffer_: last block padded with INT64_MAX
};

// ClickHouse-style sparse index: marks are keys[0], keys[g], keys[2g], ... for granule g.
// LowerBound finds the number m of marks < q by binary search; lower_bound(q) is then in
// (keys position of mark m-1, keys position of mark m], searched with std::lower_bound
// over at most g keys. Correct however duplicates span granules.
class SparseIndex {
 public:
  static constexpr size_t kDefaultGranule = 8192;

  // Indexes keys[0, n). REQUIRES: keys sorted non-decreasing, live and unchanged for the
  // index's lifetime. A granule of 0 is taken as 1.
  SparseIndex(const int64_t* keys, size_t n, size_t granule = kDefaultGranule);

  // First i in [0, n) with keys[i] >= key, or n.
  size_t LowerBound(int64_t key) const;

  size_t granule() const { return granule_; }

  // Bytes of the marks, not counting the borrowed keys.
  size_t size_in_bytes() const { return marks_.capacity() * sizeof(int64_t); }

 private:
  const int64_t* keys_;
  size_t n_;
  size_t granule_;
  std::vector<int64_t> marks_;
};

// Average nanoseconds of one step of a chase through a random cyclic permutation of the
// 64-byte lines of a fresh `bytes`-byte buffer (Sattolo's algorithm, seeded), each line
// holding the index of the next: one dependent cache miss per step once the buffer
// exceeds the caches, with a TLB miss too when pages are 4 KiB and the buffer exceeds
// the TLB's reach. Runs ~20M steps or ~2.5 s, whichever ends first (plus the set-up,
// which writes every line once). huge_pages asks for 2 MiB transparent huge pages (see
// AllocateKeys). Returns a negative value if the buffer cannot be mapped.
double DramLatencyNs(size_t bytes, bool huge_pages, uint64_t seed);

// Anonymous private mapping for n keys, 2 MiB-aligned, its length rounded up to a whole
// 2 MiB (at least one), with madvise(MADV_HUGEPAGE) when huge_pages and
// madvise(MADV_NOHUGEPAGE) otherwise. Pages are not touched: whether huge pages are used
// is decided when the caller first writes them (and by the system's THP settings).
// Returns nullptr on failure. Release with FreeKeys(p, n) with the same n.
int64_t* AllocateKeys(size_t n, bool huge_pages);
void FreeKeys(int64_t* keys, size_t n);

}  // namespace omen::bench

#endif  // OMENDB_TOOLS_BENCH_BASELINES_H_
