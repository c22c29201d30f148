#include "bench/index_bench.h"

#include <absl/container/btree_map.h>
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <utility>

#include "bench/baselines.h"
#include "bench/datasets.h"
#include "index/dynamic_index.h"
#include "index/learned_index.h"

namespace omen::bench {
namespace {

using Clock = std::chrono::steady_clock;

// The figures of one line; a figure a structure does not have stays empty (JSON null).
struct Result {
  std::string structure;
  std::string dataset;
  size_t keys = 0;
  std::optional<size_t> eps;
  bool huge_pages = false;
  std::optional<double> build_s, bytes_per_key, heap_bytes_per_key, lookup_ns, lookup_lat_ns,
      lookup_batch_ns, miss_ns, append_mops, insert_mops;
  std::optional<size_t> segments, height;
};

// The keys (in the page size under test) and the query sets drawn from them.
struct Workload {
  const int64_t* keys;
  size_t n;
  std::vector<int64_t> hits;      // existing keys, uniformly random positions
  std::vector<int64_t> misses;    // absent keys between existing ones
  std::vector<int64_t> shuffled;  // every key, random order (for inserts)
  size_t reps;
  bool dynamic;      // measure appends and inserts (they do not use the key array: done once)
  bool map_inserts;  // includes the maps' random inserts
};

volatile size_t g_sink = 0;  // keeps results observable so no loop is optimized away

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

size_t HeapBytes() {
  const struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

// Median over reps of f(), which returns a duration in seconds; result scaled by `scale`.
template <typename F>
double MedianOf(size_t reps, double scale, F&& f) {
  std::vector<double> t;
  for (size_t r = 0; r < reps; ++r) {
    t.push_back(f() * scale);
  }
  return Median(std::move(t));
}

// Independent lookups: throughput per lookup, as SOSD reports it.
template <typename F>
std::optional<double> LookupNs(const Workload& w, const std::vector<int64_t>& qs, F&& lookup) {
  if (qs.empty()) {
    return std::nullopt;
  }
  return MedianOf(w.reps, 1e9 / qs.size(), [&] {
    const auto a = Clock::now();
    size_t sum = 0;
    for (int64_t q : qs) {
      sum += lookup(q);
    }
    const auto b = Clock::now();
    g_sink = g_sink + sum;
    return Seconds(a, b);
  });
}

// Dependent lookups: the next query is chosen by the key read at the position the
// previous lookup returned, so no two lookups overlap and nothing can be guessed ahead.
template <typename F>
double LatencyNs(const Workload& w, F&& lookup) {
  const std::vector<int64_t>& qs = w.hits;
  return MedianOf(w.reps, 1e9 / qs.size(), [&] {
    const auto a = Clock::now();
    size_t j = 0;
    for (size_t i = 0; i < qs.size(); ++i) {
      const size_t pos = lookup(qs[j]);
      const int64_t k = w.keys[pos < w.n ? pos : w.n - 1];
      j += 1 + (static_cast<uint64_t>(k) & 1);
      if (j >= qs.size()) {
        j -= qs.size();
      }
    }
    const auto b = Clock::now();
    g_sink = g_sink + j;
    return Seconds(a, b);
  });
}

// Builds with make(), recording build time and heap growth, and returns the structure.
template <typename Make>
auto Build(Result& r, size_t n, Make&& make) {
  const size_t heap0 = HeapBytes();
  const auto a = Clock::now();
  auto s = make();
  const auto b = Clock::now();
  r.build_s = Seconds(a, b);
  r.heap_bytes_per_key = static_cast<double>(HeapBytes() - heap0) / static_cast<double>(n);
  return s;
}

template <size_t kEps>
Result RunOmen(const Workload& w, Result r) {
  using Index = index::LearnedIndex<int64_t, kEps, 4>;
  r.eps = kEps;
  const auto idx = Build(r, w.n, [&] { return std::make_unique<Index>(w.keys, w.n); });
  r.bytes_per_key = static_cast<double>(idx->size_in_bytes()) / static_cast<double>(w.n);
  r.segments = idx->segments_count();
  r.height = idx->height();
  auto lookup = [&](int64_t q) { return idx->LowerBound(w.keys, q); };
  r.lookup_ns = LookupNs(w, w.hits, lookup);
  r.lookup_lat_ns = LatencyNs(w, lookup);
  r.miss_ns = LookupNs(w, w.misses, lookup);
  std::vector<size_t> out(w.hits.size());
  r.lookup_batch_ns = MedianOf(w.reps, 1e9 / w.hits.size(), [&] {
    const auto a = Clock::now();
    idx->LowerBoundBatch(w.keys, w.hits.data(), w.hits.size(), out.data());
    const auto b = Clock::now();
    g_sink = g_sink + out[out.size() / 2];
    return Seconds(a, b);
  });
  if (!w.dynamic) {
    return r;
  }
  using Dynamic = index::DynamicIndex<int64_t, kEps, 4>;
  // Appends into memory already mapped, as a write buffer reused across flushes: a first
  // pass faults the pages in (on this VM that alone costs ~15 ns/key), Clear() keeps them.
  Dynamic d;
  d.Reserve(w.n);
  for (size_t i = 0; i < w.n; ++i) {
    d.Insert(w.keys[i]);
  }
  r.append_mops = MedianOf(w.reps, 1, [&] {
    d.Clear();
    const auto a = Clock::now();
    for (size_t i = 0; i < w.n; ++i) {
      d.Insert(w.keys[i]);
    }
    const auto b = Clock::now();
    g_sink = g_sink + d.size();
    return static_cast<double>(w.n) / Seconds(a, b) / 1e6;
  });
  r.insert_mops = MedianOf(1, 1, [&] {  // one pass of n inserts: long enough
    Dynamic d;
    const auto a = Clock::now();
    for (int64_t k : w.shuffled) {
      d.Insert(k);
    }
    const auto b = Clock::now();
    g_sink = g_sink + d.size();
    return static_cast<double>(w.n) / Seconds(a, b) / 1e6;
  });
  return r;
}

Result RunBinarySearch(const Workload& w, Result r) {
  r.build_s = 0;
  r.bytes_per_key = 0;
  auto lookup = [&](int64_t q) {
    return static_cast<size_t>(std::lower_bound(w.keys, w.keys + w.n, q) - w.keys);
  };
  r.lookup_ns = LookupNs(w, w.hits, lookup);
  r.lookup_lat_ns = LatencyNs(w, lookup);
  r.miss_ns = LookupNs(w, w.misses, lookup);
  if (!w.dynamic) {
    return r;
  }
  std::vector<int64_t> v(w.keys, w.keys + w.n);  // pages mapped, as for omen
  r.append_mops = MedianOf(w.reps, 1, [&] {      // a sorted array's append: push_back
    v.clear();
    const auto a = Clock::now();
    for (size_t i = 0; i < w.n; ++i) {
      v.push_back(w.keys[i]);
    }
    const auto b = Clock::now();
    g_sink = g_sink + v.size();
    return static_cast<double>(w.n) / Seconds(a, b) / 1e6;
  });
  return r;
}

template <typename S>
Result RunStatic(const Workload& w, Result r, S* (*make)(const int64_t*, size_t)) {
  const std::unique_ptr<S> s = Build(r, w.n, [&] { return std::unique_ptr<S>(make(w.keys, w.n)); });
  r.bytes_per_key = static_cast<double>(s->size_in_bytes()) / static_cast<double>(w.n);
  auto lookup = [&](int64_t q) { return s->LowerBound(q); };
  r.lookup_ns = LookupNs(w, w.hits, lookup);
  r.lookup_lat_ns = LatencyNs(w, lookup);
  r.miss_ns = LookupNs(w, w.misses, lookup);
  return r;
}

// Ordered maps from key to the position of its first occurrence.
template <typename Map>
Result RunMap(const Workload& w, Result r) {
  auto fill = [&] {
    auto m = std::make_unique<Map>();
    for (size_t i = 0; i < w.n; ++i) {
      if (i == 0 || w.keys[i] != w.keys[i - 1]) {
        m->emplace_hint(m->end(), w.keys[i], i);
      }
    }
    return m;
  };
  const std::unique_ptr<Map> m = Build(r, w.n, fill);
  r.bytes_per_key = r.heap_bytes_per_key;
  auto lookup = [&](int64_t q) {
    const auto it = m->lower_bound(q);
    return it == m->end() ? w.n : static_cast<size_t>(it->second);
  };
  r.lookup_ns = LookupNs(w, w.hits, lookup);
  r.lookup_lat_ns = LatencyNs(w, lookup);
  r.miss_ns = LookupNs(w, w.misses, lookup);
  r.append_mops = MedianOf(w.reps, 1, [&] {
    const auto a = Clock::now();
    const auto filled = fill();
    const auto b = Clock::now();
    g_sink = g_sink + filled->size();
    return static_cast<double>(w.n) / Seconds(a, b) / 1e6;
  });
  if (!w.map_inserts) {
    return r;
  }
  r.insert_mops = MedianOf(1, 1, [&] {
    Map fresh;
    const auto a = Clock::now();
    for (int64_t k : w.shuffled) {
      fresh.emplace(k, 0);
    }
    const auto b = Clock::now();
    g_sink = g_sink + fresh.size();
    return static_cast<double>(w.n) / Seconds(a, b) / 1e6;
  });
  return r;
}

nlohmann::json ToJson(const Result& r) {
  nlohmann::json j;
  auto put = [&j](const char* name, const auto& v) {
    if (v) {
      j[name] = *v;
    } else {
      j[name] = nullptr;
    }
  };
  j["structure"] = r.structure;
  j["dataset"] = r.dataset;
  j["keys"] = r.keys;
  put("eps", r.eps);
  j["huge_pages"] = r.huge_pages;
  put("build_s", r.build_s);
  put("bytes_per_key", r.bytes_per_key);
  put("heap_bytes_per_key", r.heap_bytes_per_key);
  put("lookup_ns", r.lookup_ns);
  put("lookup_lat_ns", r.lookup_lat_ns);
  put("lookup_batch_ns", r.lookup_batch_ns);
  put("miss_ns", r.miss_ns);
  put("append_mops", r.append_mops);
  put("insert_mops", r.insert_mops);
  put("segments", r.segments);
  put("height", r.height);
  return j;
}

void PrintTableHeader() {
  std::printf("%-14s %-11s %4s %4s %9s %8s %9s %9s %9s %9s %9s %9s\n", "structure", "dataset",
              "eps", "huge", "build_s", "B/key", "lookup", "lat", "batch", "miss", "append",
              "insert");
}

void Print(const Result& r, bool json) {
  if (json) {
    std::cout << ToJson(r).dump() << std::endl;
    return;
  }
  auto f = [](const std::optional<double>& v, const char* fmt) {
    static char buf[4][32];
    static int slot = 0;
    char* out = buf[slot++ % 4];
    if (v) {
      std::snprintf(out, 32, fmt, *v);
    } else {
      std::snprintf(out, 32, "-");
    }
    return out;
  };
  std::printf("%-14s %-11s %4s %4s %9s", r.structure.c_str(), r.dataset.c_str(),
              r.eps ? std::to_string(*r.eps).c_str() : "-", r.huge_pages ? "on" : "off",
              f(r.build_s, "%.3f"));
  std::printf(" %8s %9s", f(r.bytes_per_key, "%.4f"), f(r.lookup_ns, "%.1f"));
  std::printf(" %9s %9s", f(r.lookup_lat_ns, "%.1f"), f(r.lookup_batch_ns, "%.1f"));
  std::printf(" %9s %9s", f(r.miss_ns, "%.1f"), f(r.append_mops, "%.1f"));
  std::printf(" %9s\n", f(r.insert_mops, "%.2f"));
  std::fflush(stdout);
}

template <size_t... kEps>
void RunOmenEach(std::index_sequence<kEps...>, const Workload& w, const Result& proto,
                 const std::vector<size_t>& wanted, bool json) {
  auto one = [&](auto eps_constant) {
    constexpr size_t kE = decltype(eps_constant)::value;
    if (wanted.empty() || std::find(wanted.begin(), wanted.end(), kE) != wanted.end()) {
      Print(RunOmen<kE>(w, proto), json);
    }
  };
  (one(std::integral_constant<size_t, kEps>{}), ...);
}

using EpsList = std::index_sequence<4, 8, 16, 32, 64, 128, 256>;

template <size_t... kEps>
std::vector<size_t> EpsVector(std::index_sequence<kEps...>) {
  return {kEps...};
}

bool Wanted(const std::vector<std::string>& list, const std::string& name) {
  return list.empty() || std::find(list.begin(), list.end(), name) != list.end();
}

StaticBTree* MakeBTree(const int64_t* keys, size_t n) { return new StaticBTree(keys, n); }
SparseIndex* MakeSparse(const int64_t* keys, size_t n) { return new SparseIndex(keys, n, 8192); }

void DrawQueries(Workload& w, size_t count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  w.hits.resize(count);
  for (int64_t& q : w.hits) {
    q = w.keys[rng() % w.n];
  }
  w.misses.clear();
  for (size_t tries = 0; w.misses.size() < count && tries < 50 * count && w.n > 1; ++tries) {
    const size_t p = rng() % (w.n - 1);
    const uint64_t gap = static_cast<uint64_t>(w.keys[p + 1]) - static_cast<uint64_t>(w.keys[p]);
    if (gap >= 2) {
      w.misses.push_back(w.keys[p] + 1 + static_cast<int64_t>(rng() % (gap - 1)));
    }
  }
}

void RunDataset(const IndexBenchOptions& o, const std::string& dataset, bool huge, bool first_pass,
                bool json) {
  std::vector<int64_t> data = MakeDataset(dataset, o.keys, o.seed);
  int64_t* keys = AllocateKeys(data.size(), huge);
  if (keys == nullptr) {
    std::fprintf(stderr, "omendb-bench: cannot allocate %zu keys\n", data.size());
    return;
  }
  std::copy(data.begin(), data.end(), keys);
  Workload w{keys, data.size(), {}, {}, {}, o.reps, first_pass, o.map_inserts};
  DrawQueries(w, std::min(o.queries, w.n), o.seed + 1);
  if (first_pass && (Wanted(o.structures, "omen") || Wanted(o.structures, "absl_btree") ||
                     Wanted(o.structures, "std_map"))) {
    w.shuffled = std::move(data);
    std::shuffle(w.shuffled.begin(), w.shuffled.end(), std::mt19937_64(o.seed + 2));
  }
  data = {};
  Result proto;
  proto.dataset = dataset;
  proto.keys = w.n;
  proto.huge_pages = huge;
  auto run = [&](const char* name, auto&& fn) {
    if (Wanted(o.structures, name)) {
      Result r = proto;
      r.structure = name;
      Print(fn(r), json);
    }
  };
  if (Wanted(o.structures, "omen")) {
    Result r = proto;
    r.structure = "omen";
    RunOmenEach(EpsList{}, w, r, o.epsilons, json);
  }
  run("binary_search", [&](Result r) { return RunBinarySearch(w, r); });
  run("static_btree", [&](Result r) { return RunStatic<StaticBTree>(w, r, MakeBTree); });
  run("sparse_8192", [&](Result r) { return RunStatic<SparseIndex>(w, r, MakeSparse); });
  if (first_pass) {  // node-based maps do not use the key array: measured once
    run("absl_btree", [&](Result r) { return RunMap<absl::btree_map<int64_t, uint64_t>>(w, r); });
    run("std_map", [&](Result r) { return RunMap<std::map<int64_t, uint64_t>>(w, r); });
  }
  FreeKeys(keys, w.n);
}

}  // namespace

const std::vector<size_t>& IndexBenchEpsilons() {
  static const std::vector<size_t> eps = EpsVector(EpsList{});
  return eps;
}

const std::vector<std::string>& IndexBenchStructures() {
  static const std::vector<std::string> names = {"omen",        "binary_search", "static_btree",
                                                 "sparse_8192", "absl_btree",    "std_map"};
  return names;
}

int RunIndexBench(const IndexBenchOptions& o) {
  for (size_t e : o.epsilons) {
    if (std::find(IndexBenchEpsilons().begin(), IndexBenchEpsilons().end(), e) ==
        IndexBenchEpsilons().end()) {
      std::fprintf(stderr, "omendb-bench: --eps %zu is not compiled in (4, 8, ..., 256)\n", e);
      return 2;
    }
  }
  for (const std::string& s : o.structures) {
    if (!Wanted(IndexBenchStructures(), s)) {
      std::fprintf(stderr, "omendb-bench: unknown structure '%s'\n", s.c_str());
      return 2;
    }
  }
  const std::vector<std::string> datasets = o.datasets.empty() ? DatasetNames() : o.datasets;
  for (const std::string& d : datasets) {
    if (!Wanted(DatasetNames(), d)) {
      std::fprintf(stderr, "omendb-bench: unknown dataset '%s'\n", d.c_str());
      return 2;
    }
  }
  if (o.keys < 2 || o.queries == 0 || o.reps == 0) {
    std::fprintf(stderr, "omendb-bench: --keys must be >= 2, --queries and --reps >= 1\n");
    return 2;
  }
  if (!o.json) {
    PrintTableHeader();
  }
  for (size_t pass = 0; pass < o.huge_pages.size(); ++pass) {
    const bool huge = o.huge_pages[pass];
    Result floor;
    floor.structure = "dram_latency";
    floor.keys = o.keys;
    floor.huge_pages = huge;
    floor.lookup_lat_ns = DramLatencyNs(o.keys * sizeof(int64_t), huge, o.seed);
    Print(floor, o.json);
    for (const std::string& d : datasets) {
      RunDataset(o, d, huge, pass == 0, o.json);
    }
  }
  return 0;
}

}  // namespace omen::bench
