// Copyright 2026 The OmenDB Authors.
//
// omendb-load ilp: sends TSBS cpu-only rows to a running `omendb serve` over the line protocol
// (TCP, or HTTP with --http) and prints rows/s as JSON; then counts the rows over the PG wire
// (libpq) until every row has arrived (TCP commits are asynchronous) or --verify-timeout passes.
// Exit status 1 when the count falls short.

#include <libpq-fe.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "load/ilp_load.h"

namespace {

// SELECT count(*) over the PG wire; -1 on error (message in *err).
int64_t Count(PGconn* c, const std::string& table, std::string* err) {
  PGresult* r = PQexec(c, ("SELECT count(*) FROM " + table).c_str());
  int64_t n = -1;
  if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
    n = std::stoll(PQgetvalue(r, 0, 0));
  } else {
    *err = PQresultErrorMessage(r);
  }
  PQclear(r);
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"omendb-load: load generators for OmenDB"};
  app.require_subcommand(1);
  omen::load::IlpLoadOptions o;
  int pg_port = 5433, http_port = 8080, ilp_port = 9009;
  double verify_timeout = 120;
  std::string user = "omendb";
  bool no_verify = false;
  CLI::App* ilp = app.add_subcommand("ilp", "TSBS cpu-only rows over the InfluxDB line protocol");
  ilp->add_option("--hosts", o.hosts, "hosts (series)")->capture_default_str();
  ilp->add_option("--rows", o.rows, "rows to send")->capture_default_str();
  ilp->add_option("--workers", o.workers, "sending threads (one connection each)")
      ->capture_default_str();
  ilp->add_option("--batch", o.batch, "lines per send / per HTTP request")->capture_default_str();
  ilp->add_option("--host", o.host, "server address")->capture_default_str();
  ilp->add_option("--port", ilp_port, "ILP TCP port")->capture_default_str();
  ilp->add_flag("--http", o.http, "send over HTTP (/api/v2/write) instead of TCP");
  ilp->add_option("--http-port", http_port, "HTTP port")->capture_default_str();
  ilp->add_option("--pg-port", pg_port, "PG port for the final count")->capture_default_str();
  ilp->add_option("--user", user, "user for HTTP and the PG count")->capture_default_str();
  ilp->add_option("--password", o.password, "password (default: env OMENDB_PASSWORD or omendb)");
  ilp->add_option("--measurement", o.measurement, "measurement (table)")->capture_default_str();
  ilp->add_option("--out-of-order", o.out_of_order, "fraction of rows sent 1 h to 3 days late")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  ilp->add_option("--verify-timeout", verify_timeout, "seconds to wait for the count")
      ->capture_default_str();
  ilp->add_flag("--no-verify", no_verify, "skip the count over the PG wire");
  CLI11_PARSE(app, argc, argv);
  if (o.password.empty()) {
    const char* env = std::getenv("OMENDB_PASSWORD");
    o.password = env != nullptr && *env != '\0' ? env : "omendb";
  }
  o.port = o.http ? http_port : ilp_port;

  PGconn* pg = nullptr;
  int64_t before = 0;
  std::string err;
  if (!no_verify) {
    const std::string info = "host=" + o.host + " port=" + std::to_string(pg_port) +
                             " user=" + user + " password=" + o.password + " dbname=omendb";
    pg = PQconnectdb(info.c_str());
    if (PQstatus(pg) != CONNECTION_OK) {
      std::fprintf(stderr, "ERROR:  cannot connect over the PG wire: %s", PQerrorMessage(pg));
      return 1;
    }
    before = std::max<int64_t>(0, Count(pg, o.measurement, &err));  // absent table: 0
  }
  const auto start = std::chrono::steady_clock::now();
  auto r = omen::load::RunIlpLoad(o);
  if (!r.ok()) {
    std::fprintf(stderr, "ERROR:  %s\n", r.status().ToString().c_str());
    return 1;
  }
  int64_t counted = -1;
  double visible_s = 0;
  if (pg != nullptr) {
    const int64_t want = before + o.rows;
    while (true) {
      counted = Count(pg, o.measurement, &err) - before;
      visible_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (counted >= o.rows || visible_s > verify_timeout + r->seconds) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    (void)want;
    PQfinish(pg);
  }
  std::printf(
      "{\"protocol\":\"%s\",\"rows\":%lld,\"hosts\":%d,\"workers\":%d,\"batch\":%d,"
      "\"out_of_order\":%g,\"bytes\":%lld,\"send_seconds\":%.3f,\"send_rows_per_second\":%.0f,"
      "\"http_errors\":%lld,\"verified_rows\":%lld,\"visible_seconds\":%.3f,"
      "\"rows_per_second\":%.0f,\"verified\":%s}\n",
      o.http ? "http" : "tcp", static_cast<long long>(o.rows), o.hosts, o.workers, o.batch,
      o.out_of_order, static_cast<long long>(r->bytes_sent), r->seconds, r->rows_per_second(),
      static_cast<long long>(r->http_errors), static_cast<long long>(counted), visible_s,
      visible_s > 0 ? static_cast<double>(o.rows) / visible_s : 0.0,
      no_verify ? "null" : (counted == o.rows ? "true" : "false"));
  return no_verify || counted == o.rows ? 0 : 1;
}
