// Copyright 2026 The OmenDB Authors.

#include "bench/storage_bench.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "bench/tsbs.h"
#include "common/env.h"
#include "storage/database.h"

namespace omen::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// Bytes of every file under dir.
uint64_t DirBytes(const std::string& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (it->is_regular_file(ec)) total += it->file_size(ec);
  }
  return total;
}

std::string BaseDir(const std::string& dir) {
  if (!dir.empty()) return dir;
  return "/tmp/omendb-bench-" + std::to_string(::getpid());
}

void Emit(const nlohmann::json& j, bool json) {
  if (json) {
    std::printf("%s\n", j.dump().c_str());
  } else {
    std::printf("%s\n", j.dump(1).c_str());
  }
  std::fflush(stdout);
}

// Raw width of a cpu row: 8-byte time, 10 tags as 4-byte dictionary codes, 10 doubles.
constexpr int kRawBytesPerRow = 8 + kTsbsTags * 4 + kTsbsMetrics * 8;

// Sum of v[0, n) with four accumulators (the loop both the baseline and the scan use).
double SumDoubles(const double* v, int64_t n) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += v[i];
    s1 += v[i + 1];
    s2 += v[i + 2];
    s3 += v[i + 3];
  }
  for (; i < n; ++i) s0 += v[i];
  return s0 + s1 + s2 + s3;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

int RunIngestBench(const IngestBenchOptions& o) {
  const std::string base = BaseDir(o.dir);
  TsbsGenerator gen(o.hosts, 1);
  std::vector<arrow::RecordBatch> batches;
  for (int64_t done = 0; done < o.rows; done += o.batch_rows) {
    batches.push_back(gen.Next(std::min(o.batch_rows, o.rows - done)));
  }
  auto compression = storage::CompressionFromName(o.compression);
  if (!compression) {
    std::fprintf(stderr, "omendb-bench: unknown compression %s\n", o.compression.c_str());
    return 2;
  }
  int failures = 0;
  for (const std::string& sync : o.syncs) {
    for (int writers : o.writers) {
      const std::string dir = base + "/ingest_" + sync + "_" + std::to_string(writers);
      (void)Env::Default()->RemoveAll(dir);
      storage::StorageOptions so;
      so.sync = sync == "always";
      auto db = storage::Database::Open(dir, so);
      if (!db.ok()) {
        std::fprintf(stderr, "open: %s\n", db.status().ToString().c_str());
        return 1;
      }
      storage::TableDef def = TsbsCpuTable();
      def.options.compression = *compression;
      if (!(*db)->CreateTable(def, "time").ok()) return 1;
      std::atomic<int> errors{0};
      auto start = Clock::now();
      std::vector<std::thread> threads;
      for (int w = 0; w < writers; ++w) {
        threads.emplace_back([&, w] {
          for (size_t i = static_cast<size_t>(w); i < batches.size();
               i += static_cast<size_t>(writers)) {
            Status s = (*db)->Insert("cpu", batches[i]);
            if (!s.ok()) {
              if (errors.fetch_add(1) == 0) {
                std::fprintf(stderr, "insert: %s\n", s.ToString().c_str());
              }
            }
          }
        });
      }
      for (auto& t : threads) t.join();
      auto acked = Clock::now();
      storage::DatabaseStats stats = (*db)->stats();
      Status closed = (*db)->Close();
      auto end = Clock::now();
      if (!closed.ok() || errors.load() > 0) ++failures;
      const double secs = Seconds(start, acked);
      nlohmann::json j = {
          {"bench", "ingest"},
          {"writers", writers},
          {"sync", sync},
          {"rows", o.rows},
          {"rows_per_s", static_cast<double>(o.rows) / secs},
          {"rows_per_s_including_flush", static_cast<double>(o.rows) / Seconds(start, end)},
          {"bytes_per_row",
           static_cast<double>(DirBytes(dir + "/tables")) / static_cast<double>(o.rows)},
          {"raw_bytes_per_row", kRawBytesPerRow},
          {"compression", o.compression},
          {"seconds", secs},
          {"close_seconds", Seconds(acked, end)},
          {"batch_rows", o.batch_rows},
          {"wal_fsyncs", stats.wal_fsyncs},
          {"inserts", batches.size()},
          {"flushes", stats.flushes},
          {"errors", errors.load()}};
      Emit(j, o.json);
      db->reset();
      (void)Env::Default()->RemoveAll(dir);
    }
  }
  if (o.dir.empty()) (void)Env::Default()->RemoveAll(base);
  return failures == 0 ? 0 : 1;
}

namespace {

// Median GB/s of a plain multi-threaded summing loop over `bytes` of doubles.
double MemoryBandwidth(int threads, int reps, size_t bytes, double* sink) {
  const size_t n = bytes / sizeof(double);
  std::vector<double> data(n);
  for (size_t i = 0; i < n; ++i) data[i] = static_cast<double>(i & 1023);
  std::vector<double> gbps;
  for (int r = 0; r < reps; ++r) {
    std::vector<double> partial(static_cast<size_t>(threads));
    auto start = Clock::now();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        const size_t lo = n * t / threads, hi = n * (t + 1) / threads;
        partial[t] = SumDoubles(data.data() + lo, static_cast<int64_t>(hi - lo));
      });
    }
    for (auto& p : pool) p.join();
    const double secs = Seconds(start, Clock::now());
    for (double p : partial) *sink += p;
    gbps.push_back(static_cast<double>(n * sizeof(double)) / secs / 1e9);
  }
  return Median(gbps);
}

// Sums one double column over every task of a scan with `threads` threads.
Result<double> ScanSum(const storage::TableScan& scan, int threads, int64_t* rows) {
  std::atomic<size_t> next{0};
  std::vector<double> partial(static_cast<size_t>(threads));
  std::vector<int64_t> counts(static_cast<size_t>(threads));
  std::atomic<bool> failed{false};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      double sum = 0;
      for (size_t i = next.fetch_add(1); i < scan.tasks().size(); i = next.fetch_add(1)) {
        auto batch = scan.ReadTask(i);
        if (!batch.ok()) {
          failed = true;
          return;
        }
        const arrow::ArrayData& a = batch->columns[0];
        const double* v = a.values.As<double>();
        const int64_t n = a.length;
        counts[t] += n;
        if (a.null_count == 0) {
          sum += SumDoubles(v, n);
        } else {
          for (int64_t k = 0; k < n; ++k) sum += a.IsValid(k) ? v[k] : 0;
        }
      }
      partial[t] = sum;
    });
  }
  for (auto& p : pool) p.join();
  if (failed) return Status::Internal("scan task failed");
  double sum = 0;
  *rows = 0;
  for (int t = 0; t < threads; ++t) {
    sum += partial[t];
    *rows += counts[t];
  }
  return sum;
}

}  // namespace

Result<LoadedTsbs> LoadTsbs(const std::string& dir, const storage::TableDef& def, int64_t rows,
                            int hosts) {
  (void)Env::Default()->RemoveAll(dir);
  storage::StorageOptions so;
  so.sync = false;
  LoadedTsbs out;
  OMEN_ASSIGN_OR_RETURN(out.db, storage::Database::Open(dir, so));
  OMEN_RETURN_IF_ERROR(out.db->CreateTable(def, "time").status());
  TsbsGenerator gen(hosts, kTsbsLoadSeed);
  const int metric = 1 + kTsbsTags;  // usage_user
  auto start = Clock::now();
  for (int64_t done = 0; done < rows; done += 100'000) {
    arrow::RecordBatch b = gen.Next(std::min<int64_t>(100'000, rows - done));
    const double* v = b.columns[metric].values.As<double>();
    for (int64_t i = 0; i < b.num_rows; ++i) out.usage_user_sum += v[i];
    OMEN_RETURN_IF_ERROR(out.db->Insert("cpu", b));
  }
  OMEN_RETURN_IF_ERROR(out.db->Checkpoint());
  OMEN_RETURN_IF_ERROR(out.db->CompactAll());
  out.seconds = Seconds(start, Clock::now());
  return out;
}

int RunScanBench(const ScanBenchOptions& o) {
  const std::string base = BaseDir(o.dir);
  const int threads = o.threads > 0
                          ? o.threads
                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  double sink = 0;
  const double mem = MemoryBandwidth(threads, o.reps, size_t{1} << 30, &sink);
  Emit({{"bench", "memory_bandwidth"}, {"gbps", mem}, {"threads", threads}, {"bytes", 1 << 30}},
       o.json);
  int failures = 0;
  for (const std::string& comp : o.compressions) {
    auto compression = storage::CompressionFromName(comp);
    if (!compression) {
      std::fprintf(stderr, "omendb-bench: unknown compression %s\n", comp.c_str());
      return 2;
    }
    const std::string dir = base + "/scan_" + comp;
    storage::TableDef def = TsbsCpuTable();
    def.options.compression = *compression;
    auto loaded = LoadTsbs(dir, def, o.rows, o.hosts);
    if (!loaded.ok()) {
      std::fprintf(stderr, "load: %s\n", loaded.status().ToString().c_str());
      return 1;
    }
    auto& db = loaded->db;
    const int metric = 1 + kTsbsTags;  // usage_user
    const double expected = loaded->usage_user_sum;
    const double load_secs = loaded->seconds;
    const double bytes_per_row =
        static_cast<double>(DirBytes(dir + "/tables")) / static_cast<double>(o.rows);
    Emit({{"bench", "disk"},
          {"compression", comp},
          {"rows", o.rows},
          {"bytes_per_row", bytes_per_row},
          {"raw_bytes_per_row", kRawBytesPerRow},
          {"load_seconds", load_secs}},
         o.json);
    storage::ScanSpec spec;
    spec.columns = {metric};
    std::vector<double> secs;
    double got = 0;
    int64_t rows = 0;
    for (int r = 0; r < o.reps + 1; ++r) {  // the first run warms the page cache: not counted
      auto start = Clock::now();
      auto scan = db->Scan("cpu", spec);
      if (!scan.ok()) return 1;
      auto sum = ScanSum(*scan, threads, &rows);
      if (!sum.ok()) return 1;
      if (r > 0) secs.push_back(Seconds(start, Clock::now()));
      got = *sum;
    }
    const double median = Median(secs);
    const bool correct = rows == o.rows && got == expected;
    if (!correct) ++failures;
    Emit({{"bench", "scan"},
          {"rows", o.rows},
          {"compression", comp},
          {"seconds", median},
          {"gbps", static_cast<double>(o.rows) * 8 / median / 1e9},
          {"memory_bandwidth_gbps", mem},
          {"ratio_to_memory_bandwidth", static_cast<double>(o.rows) * 8 / median / 1e9 / mem},
          {"threads", threads},
          {"sum_correct", correct}},
         o.json);
    (void)db->Close();
    db.reset();
    if (!o.keep) (void)Env::Default()->RemoveAll(dir);
  }
  if (sink == 42.0) std::printf("\n");  // keep the bandwidth loop's result alive
  if (o.dir.empty() && !o.keep) (void)Env::Default()->RemoveAll(base);
  return failures == 0 ? 0 : 1;
}

namespace {

// Latency of one query: scan usage_user with the spec, summing it on this thread.
double QueryMicros(const storage::Database& db, const storage::ScanSpec& spec, int64_t* rows) {
  auto start = Clock::now();
  auto scan = db.Scan("cpu", spec);
  double sum = 0;
  *rows = 0;
  if (scan.ok()) {
    arrow::RecordBatch b;
    while (true) {
      auto more = scan->Next(&b);
      if (!more.ok() || !*more) break;
      const double* v = b.columns[0].values.As<double>();
      for (int64_t i = 0; i < b.num_rows; ++i) sum += v[i];
      *rows += b.num_rows;
    }
  }
  volatile double keep = sum;
  (void)keep;
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

}  // namespace

int RunLayoutBench(const LayoutBenchOptions& o) {
  const std::string base = BaseDir(o.dir);
  const int metric = 1 + kTsbsTags;
  const int64_t span = o.rows / o.hosts * kTsbsIntervalUs;
  std::map<std::string, double> medians;
  for (const std::string layout : {"time", "hostname"}) {
    const std::string dir = base + "/layout_" + layout;
    storage::TableDef def = TsbsCpuTable();
    def.options.sort_key = std::string(layout) == "hostname" ? "hostname" : "none";
    auto loaded = LoadTsbs(dir, def, o.rows, o.hosts);
    if (!loaded.ok()) {
      std::fprintf(stderr, "load: %s\n", loaded.status().ToString().c_str());
      return 1;
    }
    auto& db = loaded->db;
    const double load_secs = loaded->seconds;
    std::mt19937_64 rng(7);
    struct Kind {
      const char* name;
      int64_t window;
      bool one_host;
    };
    // TSBS single-groupby-1-1-12 (one host, 12 h) and a 1 h window over every host.
    for (Kind kind : {Kind{"single_series_12h", 12 * 3600 * int64_t{1000000}, true},
                      Kind{"all_hosts_1h", 3600 * int64_t{1000000}, false}}) {
      std::vector<double> micros;
      int64_t rows_total = 0;
      for (int q = 0; q < o.queries; ++q) {
        storage::ScanSpec spec;
        spec.columns = {metric};
        const int64_t room = std::max<int64_t>(1, span - kind.window);
        spec.min_time = kTsbsStartUs + static_cast<int64_t>(rng() % static_cast<uint64_t>(room));
        spec.max_time = spec.min_time + kind.window;
        if (kind.one_host) {
          spec.tag_column = 1;
          spec.tag_values = {"host_" + std::to_string(rng() % static_cast<uint64_t>(o.hosts))};
        }
        int64_t rows = 0;
        micros.push_back(QueryMicros(*db, spec, &rows));
        rows_total += rows;
      }
      const double median = Median(micros);
      medians[std::string(layout) + "/" + kind.name] = median;
      Emit({{"bench", "layout_query"},
            {"sort_key", std::string(layout) == "time" ? "none" : "hostname"},
            {"query", kind.name},
            {"rows", o.rows},
            {"queries", o.queries},
            {"median_us", median},
            {"mean_rows_per_query", static_cast<double>(rows_total) / o.queries},
            {"load_seconds", load_secs}},
           o.json);
    }
    (void)db->Close();
    db.reset();
    (void)Env::Default()->RemoveAll(dir);
  }
  Emit({{"bench", "layout_summary"},
        {"single_series_speedup_with_sort_key",
         medians["time/single_series_12h"] / medians["hostname/single_series_12h"]},
        {"all_hosts_slowdown_with_sort_key",
         medians["hostname/all_hosts_1h"] / medians["time/all_hosts_1h"]}},
       o.json);
  if (o.dir.empty()) (void)Env::Default()->RemoveAll(base);
  return 0;
}

}  // namespace omen::bench
