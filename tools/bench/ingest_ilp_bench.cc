// Copyright 2026 The OmenDB Authors.

#include "bench/ingest_ilp_bench.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

#include "bench/process_stats.h"
#include "common/env.h"
#include "load/ilp_load.h"
#include "server/http_server.h"
#include "server/ilp_server.h"
#include "sql/engine.h"
#include "storage/database.h"

namespace omen::bench {
namespace {

int64_t Count(storage::Database* db, const std::string& table) {
  if (db->FindTable(table) == nullptr) return 0;
  sql::SqlEngine engine(db);
  auto r = engine.Execute("SELECT count(*) FROM " + table);
  if (!r.ok()) return -1;
  return std::stoll(*r->back().rows.at(0).at(0));
}

struct CaseResult {
  double seconds = 0;
  double send_seconds = 0;
  int64_t rows = 0;
  bool complete = false;
};

Result<CaseResult> RunCase(const IngestIlpBenchOptions& o, const std::string& kind,
                           const std::string& dir) {
  (void)Env::Default()->RemoveAll(dir);
  storage::StorageOptions so;
  so.sync = o.sync;
  OMEN_ASSIGN_OR_RETURN(auto db, storage::Database::Open(dir, so));
  server::Metrics metrics;
  std::unique_ptr<server::IlpServer> ilp;
  std::unique_ptr<server::HttpServer> http;
  load::IlpLoadOptions lo;
  lo.hosts = o.hosts;
  lo.rows = o.rows;
  lo.workers = o.workers;
  lo.batch = o.batch;
  if (kind == "http") {
    server::HttpServerOptions ho;
    ho.port = 0;
    ho.db = db.get();
    ho.metrics = &metrics;
    ho.auth.method = server::AuthConfig::Method::kTrust;
    OMEN_ASSIGN_OR_RETURN(http, server::HttpServer::Start(ho));
    lo.http = true;
    lo.port = http->port();
  } else {
    server::IlpServerOptions io;
    io.port = 0;
    io.db = db.get();
    io.metrics = &metrics;
    OMEN_ASSIGN_OR_RETURN(ilp, server::IlpServer::Start(io));
    lo.port = ilp->port();
    if (kind == "tcp-late") lo.out_of_order = o.late;
  }
  const auto start = std::chrono::steady_clock::now();
  OMEN_ASSIGN_OR_RETURN(load::IlpLoadResult sent, load::RunIlpLoad(lo));
  CaseResult r;
  r.send_seconds = sent.seconds;
  // Every row inserted (TCP commits on disconnect and by time after the last send): the
  // database's insert counter is polled (a row is visible once inserted), and a count over
  // SQL confirms it after the clock stops, so that the polling takes no CPU from ingestion.
  for (int i = 0; i < 300000; ++i) {
    if (static_cast<int64_t>(db->stats().rows_inserted) >= o.rows) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.rows = Count(db.get(), lo.measurement);
  r.complete = r.rows == o.rows && sent.http_errors == 0;
  if (ilp != nullptr) ilp->Stop();
  if (http != nullptr) http->Stop();
  OMEN_RETURN_IF_ERROR(db->Close());
  db.reset();
  (void)Env::Default()->RemoveAll(dir);
  return r;
}

}  // namespace

int RunIngestIlpBench(const IngestIlpBenchOptions& o) {
  const std::string dir =
      o.dir.empty() ? "/tmp/omendb_bench_ilp_" + std::to_string(::getpid()) : o.dir;
  std::string json =
      "{\"benchmark\":\"ingest-ilp\",\"rows\":" + std::to_string(o.rows) +
      ",\"hosts\":" + std::to_string(o.hosts) + ",\"workers\":" + std::to_string(o.workers) +
      ",\"batch\":" + std::to_string(o.batch) + ",\"sync\":" + (o.sync ? "true" : "false") +
      ",\"cores\":" + std::to_string(std::thread::hardware_concurrency()) + ",\"cases\":[";
  bool first = true;
  for (const std::string& kind : o.cases) {
    std::vector<double> rates, sends;
    bool complete = true;
    for (int k = 0; k < o.repeats; ++k) {
      auto r = RunCase(o, kind, dir);
      if (!r.ok()) {
        std::fprintf(stderr, "ERROR:  %s: %s\n", kind.c_str(), r.status().ToString().c_str());
        return 1;
      }
      complete = complete && r->complete;
      rates.push_back(static_cast<double>(o.rows) / r->seconds);
      sends.push_back(static_cast<double>(o.rows) / r->send_seconds);
      if (!o.json) {
        std::printf("%-9s run %d: %.0f rows/s (%.0f rows/s sent), %lld rows\n", kind.c_str(), k,
                    rates.back(), sends.back(), static_cast<long long>(r->rows));
      }
    }
    std::sort(rates.begin(), rates.end());
    std::sort(sends.begin(), sends.end());
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "%s{\"case\":\"%s\",\"late_fraction\":%g,\"median_rows_per_second\":%.0f,"
                  "\"min_rows_per_second\":%.0f,\"max_rows_per_second\":%.0f,"
                  "\"median_send_rows_per_second\":%.0f,\"all_rows_arrived\":%s}",
                  first ? "" : ",", kind.c_str(), kind == "tcp-late" ? o.late : 0.0,
                  rates[rates.size() / 2], rates.front(), rates.back(), sends[sends.size() / 2],
                  complete ? "true" : "false");
    json += buf;
    first = false;
  }
  json += "],\"peak_rss_bytes\":" + std::to_string(PeakRss()) + "}";
  if (o.json) std::printf("%s\n", json.c_str());
  return 0;
}

}  // namespace omen::bench
