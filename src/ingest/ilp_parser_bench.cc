// Copyright 2026 The OmenDB Authors.
//
// Line protocol parser throughput (Google Benchmark): TSBS cpu-only lines (the shape of
// `tsbs_generate_data --use-case=cpu-only --format=influx`: 10 tags, 10 integer fields, a
// nanosecond timestamp) and a mixed-type variant, parsed 64 KiB at a time into one reused
// ParsedBatch. Reports lines/s (items_per_second) and bytes/s. Run with
// --benchmark_repetitions=5 --benchmark_report_aggregates_only=true for the median;
// --benchmark_format=json for JSON.

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "common/env.h"
#include "ingest/ilp_parser.h"
#include "ingest/ilp_writer.h"
#include "storage/database.h"

namespace {

constexpr const char* kRegions[] = {"us-east-1",      "us-west-1",      "us-west-2",
                                    "eu-west-1",      "eu-central-1",   "ap-southeast-1",
                                    "ap-southeast-2", "ap-northeast-1", "sa-east-1"};
constexpr const char* kFields[] = {
    "usage_user", "usage_system",  "usage_idle",  "usage_nice",  "usage_iowait",
    "usage_irq",  "usage_softirq", "usage_steal", "usage_guest", "usage_guest_nice"};

// `lines` TSBS cpu lines for 4000 hosts, 10 s apart per host. With host_tags, each host keeps
// its tag values (as TSBS and omendb-load generate them: 4000 series); without, rack, service
// and service_version are drawn per line.
std::string TsbsInput(int lines, bool mixed_types, bool host_tags = false) {
  std::mt19937_64 rng(1);
  std::string out;
  out.reserve(static_cast<size_t>(lines) * 440);
  const int64_t t0 = INT64_C(1451606400000000000);
  for (int i = 0; i < lines; ++i) {
    const int host = i % 4000;
    const char* region = kRegions[host % 9];
    out += "cpu,hostname=host_" + std::to_string(host) + ",region=" + region +
           ",datacenter=" + region + static_cast<char>('a' + host % 3) +
           ",rack=" + std::to_string(host_tags ? host % 100 : rng() % 100) + ",os=Ubuntu" +
           (host % 3 == 0   ? "16.10"
            : host % 3 == 1 ? "16.04LTS"
                            : "15.10") +
           ",arch=" + (host % 2 ? "x64" : "x86") + ",team=" +
           (host % 4 == 0   ? "SF"
            : host % 4 == 1 ? "NYC"
            : host % 4 == 2 ? "LON"
                            : "CHI") +
           ",service=" + std::to_string(host_tags ? host % 20 : rng() % 20) +
           ",service_version=" + std::to_string(host_tags ? host % 2 : rng() % 2) +
           ",service_environment=" +
           (host % 3 == 0   ? "production"
            : host % 3 == 1 ? "staging"
                            : "test") +
           " ";
    for (int f = 0; f < 10; ++f) {
      out += (f ? "," : "") + std::string(kFields[f]) + "=";
      if (mixed_types && f % 3 == 1) {
        out += std::to_string(rng() % 100) + "." + std::to_string(rng() % 1000);
      } else if (mixed_types && f % 3 == 2) {
        out += "\"v" + std::to_string(rng() % 1000) + "\"";
      } else {
        out += std::to_string(rng() % 100) + "i";
      }
    }
    out += " " + std::to_string(t0 + (i / 4000) * INT64_C(10000000000)) + "\n";
  }
  return out;
}

// Parses input in chunks of `chunk` bytes (lines cut across them, as reads cut them), calling
// on_batch(batch) after each; false from it stops. Returns the lines parsed, or -1 when stopped.
template <typename Fn>
int64_t ParseInChunks(const std::string& input, size_t chunk, omen::ingest::ParsedBatch* batch,
                      Fn&& on_batch) {
  int64_t lines = 0;
  size_t pos = 0;
  while (pos < input.size()) {
    const size_t len = std::min(chunk, input.size() - pos);
    batch->Clear();
    const bool final = pos + len == input.size();
    pos += omen::ingest::ParseLines(std::string_view(input).substr(pos, len),
                                    omen::ingest::Precision::kNanoseconds, final, 1, batch);
    lines += static_cast<int64_t>(batch->lines.size());
    if (!on_batch(*batch)) return -1;
  }
  return lines;
}

void Run(benchmark::State& state, const std::string& input) {
  omen::ingest::ParsedBatch batch;
  int64_t lines = 0;
  for (auto _ : state) {
    lines += ParseInChunks(input, 64 * 1024, &batch, [](const omen::ingest::ParsedBatch& b) {
      benchmark::DoNotOptimize(b.fields.data());
      return true;
    });
  }
  state.SetItemsProcessed(lines);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(input.size()));
}

void BM_IlpParseTsbsCpu(benchmark::State& state) {
  static const std::string input = TsbsInput(100000, false);
  Run(state, input);
}
BENCHMARK(BM_IlpParseTsbsCpu)->Unit(benchmark::kMillisecond);

void BM_IlpParseMixedTypes(benchmark::State& state) {
  static const std::string input = TsbsInput(100000, true);
  Run(state, input);
}
BENCHMARK(BM_IlpParseMixedTypes)->Unit(benchmark::kMillisecond);

// Parsing and schema on write (IlpWriter::Append into columnar batches, taken every 100,000
// rows as the TCP server commits), without the insert: the per-row work of a connection's
// reader thread.
void BM_IlpParseAndAppendTsbsCpu(benchmark::State& state) {
  static const std::string input = TsbsInput(100000, false, /*host_tags=*/true);
  const std::string dir = "/tmp/omendb_ilp_writer_bench_" + std::to_string(::getpid());
  (void)omen::Env::Default()->RemoveAll(dir);
  omen::storage::StorageOptions so;
  so.sync = false;
  so.background = false;
  auto db = omen::storage::Database::Open(dir, so);
  if (!db.ok()) {
    state.SkipWithError(db.status().ToString().c_str());
    return;
  }
  {
    omen::ingest::IlpWriter writer(db->get());
    omen::ingest::ParsedBatch batch;
    std::vector<omen::ingest::LineError> errors;
    int64_t lines = 0;
    for (auto _ : state) {
      const int64_t parsed =
          ParseInChunks(input, 256 * 1024, &batch, [&](const omen::ingest::ParsedBatch& b) {
            errors.clear();
            auto added = writer.Append(b, 0, &errors);
            return added.ok() && errors.empty();
          });
      if (parsed < 0) {
        state.SkipWithError("append failed");
        return;
      }
      lines += parsed;
      auto taken = writer.TakeBatches();
      benchmark::DoNotOptimize(taken);
    }
    state.SetItemsProcessed(lines);
  }
  (void)(*db)->Close();
  db->reset();
  (void)omen::Env::Default()->RemoveAll(dir);
}
BENCHMARK(BM_IlpParseAndAppendTsbsCpu)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
