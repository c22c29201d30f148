// Copyright 2026 The OmenDB Authors.
//
// The process the crash test kills. Two modes:
//
//   crash_writer write DIR CYCLE   opens DIR (sync=always, aggressive background flush and
//       compaction), runs 2 writer threads inserting 100-row batches (rows spread over many
//       hourly partitions, out of order) plus a checkpoint thread, and prints "ACK <batch>"
//       on stdout after each insert returns OK (i.e. is durable). Runs until killed.
//   crash_writer verify DIR        opens DIR (recovery), scans every row and prints one line per
//       batch present: "<batch> <rows> <distinct rows>"; then exits without a clean close so
//       that the next cycle recovers from the same on-disk state.

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "storage/batch.h"
#include "storage/database.h"

namespace {

using omen::storage::BatchBuilder;
using omen::storage::Database;

constexpr int kRowsPerBatch = 100;
constexpr int64_t kHour = 3600LL * 1000000;
constexpr int64_t kT0 = 1700000000LL * 1000000;

omen::storage::TableDef CrashTable() {
  using omen::storage::SqlType;
  omen::storage::TableDef def;
  def.name = "crash";
  def.columns = {{"time", SqlType::kTimestamptz, false},
                 {"batch", SqlType::kBigint, false},
                 {"row", SqlType::kInteger, false},
                 {"host", SqlType::kText, true},
                 {"value", SqlType::kDouble, true}};
  def.options.partition_by = omen::storage::PartitionBy::kHour;
  def.options.flush_rows = 1500;
  def.options.batch_rows = 512;
  def.options.compact_target_rows = 20000;
  return def;
}

void WriteLine(const std::string& line) {
  // One write(2) per line: a line the parent reads whole was acknowledged whole.
  ssize_t rc = ::write(STDOUT_FILENO, line.data(), line.size());
  if (rc != static_cast<ssize_t>(line.size())) std::_Exit(3);
}

int Write(const std::string& dir, int64_t cycle) {
  omen::storage::StorageOptions options;
  options.sync = true;
  options.background = true;
  options.background_interval_ms = 3;
  options.compaction_trigger = 3;
  options.wal_file_bytes = 256 << 10;
  auto db = Database::Open(dir, options);
  if (!db.ok()) {
    std::fprintf(stderr, "open: %s\n", db.status().ToString().c_str());
    return 2;
  }
  auto created = (*db)->CreateTable(CrashTable(), "", /*if_not_exists=*/true);
  if (!created.ok()) {
    std::fprintf(stderr, "create: %s\n", created.status().ToString().c_str());
    return 2;
  }
  if (cycle % 2 == 1) {
    // In odd cycles a checkpoint of the recovered rows first frees the old WAL files, which
    // this short-lived writer's rotations then reuse, so that kills land in reused files.
    omen::Status s = (*db)->Checkpoint();
    if (!s.ok()) std::fprintf(stderr, "checkpoint: %s\n", s.ToString().c_str());
  }
  WriteLine("READY\n");
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int w = 0; w < 2; ++w) {
    threads.emplace_back([&, w] {
      std::mt19937_64 rng(static_cast<uint64_t>(cycle * 10 + w));
      auto schema = (*created)->ArrowSchema();
      for (int64_t b = 0; !stop.load(); ++b) {
        const int64_t batch_id = cycle * 10000000 + w * 1000000 + b;
        BatchBuilder builder(schema);
        // Mostly recent rows, some far back (late data into old partitions).
        const int64_t base = kT0 + (cycle * 7 + b) % 48 * kHour;
        for (int r = 0; r < kRowsPerBatch; ++r) {
          int64_t t = base + static_cast<int64_t>(rng() % static_cast<uint64_t>(2 * kHour));
          if (rng() % 10 == 0) t -= static_cast<int64_t>(rng() % (24 * kHour));
          builder.AppendInt(0, t);
          builder.AppendInt(1, batch_id);
          builder.AppendInt(2, r);
          if (r % 13 == 0) {
            builder.AppendNull(3);
          } else {
            builder.AppendString(3, "host_" + std::to_string(rng() % 50));
          }
          builder.AppendDouble(4, static_cast<double>(rng() % 1000) / 10.0);
        }
        auto batch = builder.Finish();
        if (!batch.ok()) std::_Exit(4);
        omen::Status s = (*db)->Insert("crash", *batch);
        if (s.ok()) {
          WriteLine("ACK " + std::to_string(batch_id) + "\n");
          if (w == 0 && b % 16 == 0) {
            WriteLine("WAL_REUSED " + std::to_string((*db)->stats().wal_reused_files) + "\n");
          }
        } else {
          std::fprintf(stderr, "insert: %s\n", s.ToString().c_str());
        }
      }
    });
  }
  std::thread checkpointer([&] {
    std::mt19937 rng(static_cast<unsigned>(cycle));
    while (!stop.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5 + rng() % 40));
      omen::Status s = (rng() % 3 == 0) ? (*db)->CompactAll() : (*db)->Checkpoint();
      if (!s.ok()) std::fprintf(stderr, "checkpoint: %s\n", s.ToString().c_str());
    }
  });
  for (auto& t : threads) t.join();  // until killed
  checkpointer.join();
  return 0;
}

int Verify(const std::string& dir) {
  omen::storage::StorageOptions options;
  options.sync = true;
  options.background = false;
  auto db = Database::Open(dir, options);
  if (!db.ok()) {
    std::printf("ERROR open: %s\n", db.status().ToString().c_str());
    std::fflush(stdout);
    std::_Exit(2);
  }
  std::map<int64_t, std::pair<int64_t, std::set<int32_t>>> batches;
  if ((*db)->FindTable("crash") != nullptr) {
    auto scan = (*db)->Scan("crash", omen::storage::ScanSpec());
    if (!scan.ok()) {
      std::printf("ERROR scan: %s\n", scan.status().ToString().c_str());
      std::fflush(stdout);
      std::_Exit(2);
    }
    omen::arrow::RecordBatch batch;
    while (true) {
      auto more = scan->Next(&batch);
      if (!more.ok()) {
        std::printf("ERROR read: %s\n", more.status().ToString().c_str());
        std::fflush(stdout);
        std::_Exit(2);
      }
      if (!*more) break;
      for (int64_t i = 0; i < batch.num_rows; ++i) {
        auto& entry = batches[batch.columns[1].Value<int64_t>(i)];
        entry.first++;
        entry.second.insert(batch.columns[2].Value<int32_t>(i));
      }
    }
  }
  for (const auto& [id, entry] : batches) {
    std::printf("%lld %lld %zu\n", static_cast<long long>(id), static_cast<long long>(entry.first),
                entry.second.size());
  }
  std::printf("END\n");
  std::fflush(stdout);
  std::_Exit(0);  // no clean close: the next cycle recovers from this exact state
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 4 && std::string(argv[1]) == "write") return Write(argv[2], std::atoll(argv[3]));
  if (argc >= 3 && std::string(argv[1]) == "verify") return Verify(argv[2]);
  std::fprintf(stderr, "usage: crash_writer write DIR CYCLE | verify DIR\n");
  return 1;
}
