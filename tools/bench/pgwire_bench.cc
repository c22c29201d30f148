// Copyright 2026 The OmenDB Authors.

#include "bench/pgwire_bench.h"

#include <libpq-fe.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "bench/process_stats.h"
#include "server/pg_server.h"
#include "storage/database.h"

namespace omen::bench {
namespace {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::ordered_json;

constexpr char kCreateTable[] =
    "CREATE TABLE t (time TIMESTAMPTZ NOT NULL, hostname TEXT, usage_user DOUBLE PRECISION, "
    "usage_system DOUBLE PRECISION, usage_idle DOUBLE PRECISION)";
constexpr char kCopySql[] = "COPY t FROM STDIN WITH (FORMAT csv)";
constexpr char kStreamSql[] = "SELECT * FROM t";
constexpr char kStatementName[] = "bench_select1";
constexpr size_t kCopyChunkBytes = 1 << 20;
constexpr int kRoundTripWarmup = 200;
constexpr int64_t kCopyWarmupRows = 100'000;
constexpr int64_t kStartSeconds = 1704067200;  // 2024-01-01T00:00:00Z
constexpr int64_t kIntervalSeconds = 10;

struct ConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultClearer {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgConn = std::unique_ptr<PGconn, ConnCloser>;
using PgResult = std::unique_ptr<PGresult, ResultClearer>;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// ---- Data

struct Csv {
  std::string data;
  size_t warmup_bytes = 0;  // the first warmup_rows lines
  int64_t warmup_rows = 0;
};

void AppendInt(std::string* out, int64_t v) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, end);
}

// "YYYY-MM-DD HH:MM:SS+00", as PostgreSQL prints a timestamptz in UTC.
std::string FormatTime(int64_t unix_seconds) {
  const time_t t = static_cast<time_t>(unix_seconds);
  tm parts{};
  gmtime_r(&t, &parts);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S+00", &parts);
  return buf;
}

// `rows` lines "time,hostname,usage_user,usage_system,usage_idle": host i % hosts at
// 2024-01-01 + (i / hosts) * 10 s, the usages integer-valued and random-walking in 0..100 per
// host, as TSBS cpu-only's. Deterministic.
Csv MakeCsv(int64_t rows, int hosts) {
  Csv csv;
  csv.warmup_rows = std::min(rows, kCopyWarmupRows);
  csv.data.reserve(static_cast<size_t>(rows) * 40);
  std::mt19937_64 rng(42);
  std::vector<std::array<int, 3>> walk(static_cast<size_t>(hosts));
  for (auto& usages : walk) {
    for (int& v : usages) v = static_cast<int>(rng() % 101);
  }
  std::string time;
  for (int64_t i = 0; i < rows; ++i) {
    const int64_t h = i % hosts;
    if (h == 0) time = FormatTime(kStartSeconds + i / hosts * kIntervalSeconds);
    csv.data += time;
    csv.data += ",host_";
    AppendInt(&csv.data, h);
    uint64_t r = rng();
    for (int& v : walk[static_cast<size_t>(h)]) {
      v = std::clamp(v + static_cast<int>(r % 11) - 5, 0, 100);
      r >>= 8;
      csv.data += ',';
      AppendInt(&csv.data, v);
    }
    csv.data += '\n';
    if (i + 1 == csv.warmup_rows) csv.warmup_bytes = csv.data.size();
  }
  return csv;
}

// ---- libpq

Result<PgConn> Connect(int port, const std::string& user, const std::string& dbname) {
  const std::string info = "host=127.0.0.1 port=" + std::to_string(port) + " user=" + user +
                           " dbname=" + dbname +
                           " sslmode=disable gssencmode=disable connect_timeout=30";
  PgConn c(PQconnectdb(info.c_str()));
  if (c == nullptr) return Status::ResourceExhausted("libpq: out of memory");
  if (PQstatus(c.get()) != CONNECTION_OK) {
    return Status::IOError("connecting to 127.0.0.1:" + std::to_string(port) + ": " +
                           PQerrorMessage(c.get()));
  }
  // Drop NOTICEs ("table t does not exist, skipping"): they would interleave with the output.
  PQsetNoticeProcessor(
      c.get(), [](void*, const char*) {}, nullptr);
  return c;
}

// OK when r has status `want`; otherwise the server's (or libpq's) error, prefixed by `what`.
Status Check(PGconn* c, const PgResult& r, ExecStatusType want, const std::string& what) {
  if (r != nullptr && PQresultStatus(r.get()) == want) return Status::OK();
  std::string msg = r != nullptr ? PQresultErrorMessage(r.get()) : PQerrorMessage(c);
  if (msg.empty() && r != nullptr) msg = PQresStatus(PQresultStatus(r.get()));
  while (!msg.empty() && msg.back() == '\n') msg.pop_back();
  return Status::IOError(what + ": " + msg);
}

Status Exec(PGconn* c, const std::string& sql) {
  PgResult r(PQexec(c, sql.c_str()));
  if (r != nullptr && PQresultStatus(r.get()) == PGRES_TUPLES_OK) return Status::OK();
  return Check(c, r, PGRES_COMMAND_OK, sql);
}

// The single value a query returns ("" on error: for reporting settings only).
std::string QueryValue(PGconn* c, const std::string& sql) {
  PgResult r(PQexec(c, sql.c_str()));
  if (r == nullptr || PQresultStatus(r.get()) != PGRES_TUPLES_OK || PQntuples(r.get()) != 1) {
    return "";
  }
  return PQgetvalue(r.get(), 0, 0);
}

// Drains the results after the last one of a command (libpq requires it before the next).
void DrainResults(PGconn* c) {
  while (PGresult* r = PQgetResult(c)) PQclear(r);
}

// ---- Measurements

enum class Protocol { kSimple, kExtendedParams, kExtendedPrepared };
constexpr std::array<std::pair<Protocol, const char*>, 3> kProtocols = {{
    {Protocol::kSimple, "simple"},
    {Protocol::kExtendedParams, "extended_params"},
    {Protocol::kExtendedPrepared, "extended_prepared"},
}};

PGresult* SelectOne(PGconn* c, Protocol p) {
  switch (p) {
    case Protocol::kSimple:
      return PQexec(c, "SELECT 1");
    case Protocol::kExtendedParams:
      return PQexecParams(c, "SELECT 1", 0, nullptr, nullptr, nullptr, nullptr, 0);
    case Protocol::kExtendedPrepared:
      return PQexecPrepared(c, kStatementName, 0, nullptr, nullptr, nullptr, 0);
  }
  return nullptr;
}

// n round trips of SELECT 1; their latencies in microseconds appended to *us (if not null).
Status RoundTrips(PGconn* c, Protocol p, int n, std::vector<double>* us) {
  for (int i = 0; i < n; ++i) {
    const auto start = Clock::now();
    PgResult r(SelectOne(c, p));
    const auto end = Clock::now();
    OMEN_RETURN_IF_ERROR(Check(c, r, PGRES_TUPLES_OK, "SELECT 1"));
    if (PQntuples(r.get()) != 1 || std::string_view(PQgetvalue(r.get(), 0, 0)) != "1") {
      return Status::Internal("SELECT 1 did not return one row holding 1");
    }
    if (us != nullptr) us->push_back(Seconds(end - start) * 1e6);
  }
  return Status::OK();
}

// COPY t FROM STDIN of `data` (CSV) in 1 MiB CopyData messages, checking the row count the
// server reports; seconds from sending the COPY statement to its CommandComplete.
Result<double> CopyIn(PGconn* c, std::string_view data, int64_t rows) {
  const auto start = Clock::now();
  PgResult r(PQexec(c, kCopySql));
  OMEN_RETURN_IF_ERROR(Check(c, r, PGRES_COPY_IN, kCopySql));
  for (size_t at = 0; at < data.size(); at += kCopyChunkBytes) {
    const size_t n = std::min(kCopyChunkBytes, data.size() - at);
    if (PQputCopyData(c, data.data() + at, static_cast<int>(n)) != 1) {
      return Status::IOError(std::string("PQputCopyData: ") + PQerrorMessage(c));
    }
  }
  if (PQputCopyEnd(c, nullptr) != 1) {
    return Status::IOError(std::string("PQputCopyEnd: ") + PQerrorMessage(c));
  }
  r.reset(PQgetResult(c));
  const double seconds = Seconds(Clock::now() - start);
  DrainResults(c);
  OMEN_RETURN_IF_ERROR(Check(c, r, PGRES_COMMAND_OK, "end of COPY"));
  if (std::string_view(PQcmdTuples(r.get())) != std::to_string(rows)) {
    return Status::Internal("COPY reported " + std::string(PQcmdTuples(r.get())) +
                            " rows, expected " + std::to_string(rows));
  }
  return seconds;
}

struct StreamRun {
  double seconds = 0;
  double first_row_seconds = 0;
  int64_t rows = 0;
  int64_t value_bytes = 0;  // text of every value received
};

// SELECT * FROM t in single-row mode, touching every value's length.
Result<StreamRun> Stream(PGconn* c, int64_t want_rows) {
  StreamRun run;
  const auto start = Clock::now();
  if (PQsendQuery(c, kStreamSql) != 1) {
    return Status::IOError(std::string("PQsendQuery: ") + PQerrorMessage(c));
  }
  if (PQsetSingleRowMode(c) != 1) return Status::Internal("PQsetSingleRowMode refused");
  Status error;
  while (PGresult* raw = PQgetResult(c)) {
    PgResult r(raw);
    if (PQresultStatus(raw) == PGRES_SINGLE_TUPLE) {
      if (run.rows++ == 0) run.first_row_seconds = Seconds(Clock::now() - start);
      for (int f = 0; f < PQnfields(raw); ++f) run.value_bytes += PQgetlength(raw, 0, f);
    } else if (error.ok()) {
      error = Check(c, r, PGRES_TUPLES_OK, kStreamSql);
    }
  }
  run.seconds = Seconds(Clock::now() - start);
  OMEN_RETURN_IF_ERROR(error);
  if (run.rows != want_rows) {
    return Status::Internal(std::string(kStreamSql) + " returned " + std::to_string(run.rows) +
                            " rows, expected " + std::to_string(want_rows));
  }
  return run;
}

// ---- The two servers

// OmenDB in this process: a fresh Database and a PgServer on a free loopback port.
class OmenServer {
 public:
  static Result<std::unique_ptr<OmenServer>> Start(const std::string& dir, bool sync) {
    auto s = std::unique_ptr<OmenServer>(new OmenServer());
    storage::StorageOptions so;
    so.sync = sync;
    OMEN_ASSIGN_OR_RETURN(s->db_, storage::Database::Open(dir, so));
    server::PgServerOptions po;
    po.listen = "127.0.0.1";
    po.port = 0;
    po.session.db = s->db_.get();
    po.session.auth.method = server::AuthConfig::Method::kTrust;
    OMEN_ASSIGN_OR_RETURN(s->pg_, server::PgServer::Start(po));
    return s;
  }
  ~OmenServer() { (void)Stop(); }
  OmenServer(const OmenServer&) = delete;
  OmenServer& operator=(const OmenServer&) = delete;

  int port() const { return pg_->port(); }
  storage::Database* db() const { return db_.get(); }
  Status Stop() {
    if (pg_ != nullptr) pg_->Stop();
    pg_.reset();
    Status s = db_ != nullptr ? db_->Close() : Status::OK();
    db_.reset();
    return s;
  }

 private:
  OmenServer() = default;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<server::PgServer> pg_;
};

// One server as the client sees it, with the samples measured on it.
struct Side {
  const char* name = "";  // "omendb" | "postgres"
  PgConn conn;
  // Lets the server finish background work the last step left (OmenDB: flush buffers to
  // segments; PostgreSQL: CHECKPOINT), untimed, so that it does not land in the next one.
  std::function<Status()> settle;
  std::array<std::vector<double>, kProtocols.size()> round_trip_us;
  std::vector<double> copy_rows_per_second;
  std::vector<double> stream_rows_per_second;
  std::vector<double> first_row_ms;
  int64_t stream_value_bytes = 0;
};

// The sides in the order of repeat k: alternating, so neither server always goes first.
std::vector<Side*> Order(std::vector<Side>* sides, int k) {
  std::vector<Side*> order;
  for (Side& s : *sides) order.push_back(&s);
  if (k % 2 == 1) std::reverse(order.begin(), order.end());
  return order;
}

void Progress(const Side& s, const char* what, int k, double value, const char* unit) {
  std::fprintf(stderr, "pgwire: %-8s %-18s run %d: %.1f %s\n", s.name, what, k, value, unit);
}

Status MeasureRoundTrips(const PgwireBenchOptions& o, std::vector<Side>* sides) {
  for (Side& s : *sides) {
    PgResult r(PQprepare(s.conn.get(), kStatementName, "SELECT 1", 0, nullptr));
    OMEN_RETURN_IF_ERROR(Check(s.conn.get(), r, PGRES_COMMAND_OK, "PQprepare SELECT 1"));
    for (const auto& [protocol, name] : kProtocols) {
      OMEN_RETURN_IF_ERROR(RoundTrips(s.conn.get(), protocol, kRoundTripWarmup, nullptr));
    }
  }
  for (int k = 0; k < o.repeats; ++k) {
    for (Side* s : Order(sides, k)) {
      for (size_t p = 0; p < kProtocols.size(); ++p) {
        std::vector<double>& us = s->round_trip_us[p];
        const size_t before = us.size();
        OMEN_RETURN_IF_ERROR(RoundTrips(s->conn.get(), kProtocols[p].first, o.round_trips, &us));
        std::vector<double> run(us.begin() + static_cast<ptrdiff_t>(before), us.end());
        std::nth_element(run.begin(), run.begin() + run.size() / 2, run.end());
        Progress(*s, kProtocols[p].second, k, run[run.size() / 2], "us median");
      }
    }
  }
  return Status::OK();
}

// A fresh, empty t, with the server settled.
Status FreshTable(Side* s) {
  OMEN_RETURN_IF_ERROR(Exec(s->conn.get(), "DROP TABLE IF EXISTS t"));
  OMEN_RETURN_IF_ERROR(Exec(s->conn.get(), kCreateTable));
  return s->settle();
}

// Leaves t holding every row in both servers (the last timed COPY).
Status MeasureCopy(const PgwireBenchOptions& o, const Csv& csv, std::vector<Side>* sides) {
  for (Side& s : *sides) {
    OMEN_RETURN_IF_ERROR(FreshTable(&s));
    const std::string_view warm(csv.data.data(), csv.warmup_bytes);
    OMEN_RETURN_IF_ERROR(CopyIn(s.conn.get(), warm, csv.warmup_rows).status());
  }
  for (int k = 0; k < o.repeats; ++k) {
    for (Side* s : Order(sides, k)) {
      OMEN_RETURN_IF_ERROR(FreshTable(s));
      OMEN_ASSIGN_OR_RETURN(const double seconds, CopyIn(s->conn.get(), csv.data, o.rows));
      s->copy_rows_per_second.push_back(static_cast<double>(o.rows) / seconds);
      Progress(*s, "copy", k, s->copy_rows_per_second.back(), "rows/s");
    }
  }
  return Status::OK();
}

Status MeasureStream(const PgwireBenchOptions& o, std::vector<Side>* sides) {
  for (Side& s : *sides) {
    OMEN_RETURN_IF_ERROR(s.settle());
    for (int w = 0; w < o.warmup; ++w) {
      OMEN_RETURN_IF_ERROR(Stream(s.conn.get(), o.rows).status());
    }
  }
  for (int k = 0; k < o.repeats; ++k) {
    for (Side* s : Order(sides, k)) {
      OMEN_ASSIGN_OR_RETURN(const StreamRun run, Stream(s->conn.get(), o.rows));
      s->stream_rows_per_second.push_back(static_cast<double>(run.rows) / run.seconds);
      s->first_row_ms.push_back(run.first_row_seconds * 1e3);
      s->stream_value_bytes = run.value_bytes;
      Progress(*s, "stream", k, s->stream_rows_per_second.back(), "rows/s");
    }
  }
  return Status::OK();
}

// ---- Report

// Median, p99 (nearest rank), mean, min and max of samples.
Json Summary(std::vector<double> v, bool with_p99) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  double sum = 0;
  for (double x : v) sum += x;
  Json j;
  j["median"] = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  if (with_p99) {
    j["p99"] = v[static_cast<size_t>(std::ceil(0.99 * static_cast<double>(n))) - 1];
    j["mean"] = sum / static_cast<double>(n);
  }
  j["min"] = v.front();
  j["max"] = v.back();
  j["runs"] = n;
  return j;
}

// One figure for both servers and their ratio (OmenDB / PostgreSQL) for each statistic.
Json Compare(const std::string& unit, const std::string& better, const std::vector<double>& omen,
             const std::vector<double>& pg, bool with_p99) {
  Json j;
  j["unit"] = unit;
  j["better"] = better;
  j["omendb"] = Summary(omen, with_p99);
  j["postgres"] = Summary(pg, with_p99);
  for (const char* stat : {"median", "p99", "mean"}) {
    if (!j["omendb"].contains(stat)) continue;
    const double p = j["postgres"][stat].get<double>();
    j[std::string("ratio_") + stat] = p > 0 ? j["omendb"][stat].get<double>() / p : 0.0;
  }
  return j;
}

Json Report(const PgwireBenchOptions& o, const Csv& csv, const std::vector<Side>& sides,
            const Json& postgres) {
  const Side& omen = sides[0];
  const Side& pg = sides[1];
  Json j;
  j["benchmark"] = "pgwire";
  j["rows"] = o.rows;
  j["hosts"] = o.hosts;
  j["repeats"] = o.repeats;
  j["round_trips"] = o.round_trips;
  j["stream_warmup_reads"] = o.warmup;
  j["cores"] = std::thread::hardware_concurrency();
  j["omendb"] = {{"sync", o.sync ? "always" : "off"},
                 {"auth", "trust"},
                 {"process", "in-process storage::Database + server::PgServer"}};
  j["postgres"] = postgres;
  j["client"] = {{"library", "libpq"},
                 {"libpq_version", PQlibVersion()},
                 {"connections_per_server", 1},
                 {"transport", "TCP 127.0.0.1"},
                 {"stream_mode", "single-row (PQsendQuery + PQsetSingleRowMode)"},
                 {"copy_chunk_bytes", kCopyChunkBytes},
                 {"csv_bytes", csv.data.size()}};
  Json rt;
  for (size_t p = 0; p < kProtocols.size(); ++p) {
    rt[kProtocols[p].second] =
        Compare("us", "lower", omen.round_trip_us[p], pg.round_trip_us[p], true);
  }
  j["select1_round_trip"] = rt;
  j["stream"] =
      Compare("rows/s", "higher", omen.stream_rows_per_second, pg.stream_rows_per_second, false);
  j["stream_first_row"] = Compare("ms", "lower", omen.first_row_ms, pg.first_row_ms, false);
  j["stream_value_bytes_per_row"] = static_cast<double>(omen.stream_value_bytes) /
                                    static_cast<double>(std::max<int64_t>(o.rows, 1));
  j["copy_from_stdin"] =
      Compare("rows/s", "higher", omen.copy_rows_per_second, pg.copy_rows_per_second, false);
  bool rt_ok = true;
  for (const auto& [name, fig] : rt.items()) rt_ok = rt_ok && fig["ratio_median"] <= 1.0;
  j["targets"] = {
      {"copy_at_least_1m_rows_per_second", j["copy_from_stdin"]["omendb"]["median"] >= 1e6},
      {"stream_not_slower_than_postgres", j["stream"]["ratio_median"] >= 1.0},
      {"round_trips_not_slower_than_postgres", rt_ok}};
  j["peak_rss_bytes"] = PeakRss();  // this process: OmenDB's server, the client, the CSV
  return j;
}

void PrintRow(const char* what, const char* stat, const Json& fig) {
  const std::string unit = fig["unit"];
  std::printf("%-26s %-7s %-7s %13.1f %13.1f %10.2f\n", what, stat, unit.c_str(),
              fig["omendb"][stat].get<double>(), fig["postgres"][stat].get<double>(),
              fig[std::string("ratio_") + stat].get<double>());
}

void PrintTable(const Json& j) {
  std::printf(
      "pgwire: %lld rows (%d hosts), %d repeats, %d round trips each; OmenDB sync=%s; "
      "PostgreSQL %s fsync=%s; libpq, one TCP loopback connection per server, trust auth\n",
      static_cast<long long>(j["rows"].get<int64_t>()), j["hosts"].get<int>(),
      j["repeats"].get<int>(), j["round_trips"].get<int>(),
      j["omendb"]["sync"].get<std::string>().c_str(),
      j["postgres"]["version"].get<std::string>().c_str(),
      j["postgres"]["fsync"].get<std::string>().c_str());
  std::printf("%-26s %-7s %-7s %13s %13s %10s\n", "figure", "stat", "unit", "OmenDB", "PostgreSQL",
              "OmenDB/PG");
  for (const auto& [name, fig] : j["select1_round_trip"].items()) {
    const std::string what = "SELECT 1 " + name;
    PrintRow(what.c_str(), "median", fig);
    PrintRow(what.c_str(), "p99", fig);
  }
  PrintRow("stream SELECT * FROM t", "median", j["stream"]);
  PrintRow("stream first row", "median", j["stream_first_row"]);
  PrintRow("COPY FROM STDIN csv", "median", j["copy_from_stdin"]);
  const Json& t = j["targets"];
  std::printf("targets: COPY >= 1M rows/s: %s; stream not slower: %s; round trips not slower: %s\n",
              t["copy_at_least_1m_rows_per_second"].get<bool>() ? "met" : "NOT met",
              t["stream_not_slower_than_postgres"].get<bool>() ? "met" : "NOT met",
              t["round_trips_not_slower_than_postgres"].get<bool>() ? "met" : "NOT met");
}

Result<Json> Measure(const PgwireBenchOptions& o) {
  OMEN_RETURN_IF_ERROR(PostgresServer::CheckBinaries(o.postgres_bin));
  // Declared first, destroyed last: whatever happens below, the directory goes away.
  OMEN_ASSIGN_OR_RETURN(auto scratch, ScratchDir::Create(o.dir, o.postgres_bin));
  OMEN_ASSIGN_OR_RETURN(auto postgres, PostgresServer::Start(o.postgres_bin, scratch->PostgresDir(),
                                                             {"TimeZone=UTC"}));
  OMEN_ASSIGN_OR_RETURN(auto omen, OmenServer::Start(scratch->path() + "/omendb", o.sync));
  std::vector<Side> sides(2);
  sides[0].name = "omendb";
  OMEN_ASSIGN_OR_RETURN(sides[0].conn, Connect(omen->port(), "omendb", "omendb"));
  sides[0].settle = [db = omen->db()] { return db->Checkpoint(); };
  sides[1].name = "postgres";
  OMEN_ASSIGN_OR_RETURN(sides[1].conn, Connect(postgres->port(), "postgres", "postgres"));
  PGconn* pg_conn = sides[1].conn.get();
  sides[1].settle = [pg_conn] { return Exec(pg_conn, "CHECKPOINT"); };
  Json pg_settings = {{"version", QueryValue(pg_conn, "SHOW server_version")},
                      {"fsync", QueryValue(pg_conn, "SHOW fsync")},
                      {"synchronous_commit", QueryValue(pg_conn, "SHOW synchronous_commit")},
                      {"shared_buffers", QueryValue(pg_conn, "SHOW shared_buffers")},
                      {"auth", "trust"},
                      {"table", "plain heap, no indexes; VACUUM ANALYZE before the streams"}};

  std::fprintf(stderr, "pgwire: generating %lld CSV rows\n", static_cast<long long>(o.rows));
  const Csv csv = MakeCsv(o.rows, o.hosts);
  OMEN_RETURN_IF_ERROR(MeasureRoundTrips(o, &sides));
  OMEN_RETURN_IF_ERROR(MeasureCopy(o, csv, &sides));
  OMEN_RETURN_IF_ERROR(Exec(pg_conn, "VACUUM ANALYZE t"));
  OMEN_RETURN_IF_ERROR(MeasureStream(o, &sides));
  Json report = Report(o, csv, sides, pg_settings);

  for (Side& s : sides) s.conn.reset();
  OMEN_RETURN_IF_ERROR(omen->Stop().WithContext("stopping OmenDB"));
  OMEN_RETURN_IF_ERROR(postgres->Stop());
  return report;
}

}  // namespace

int RunPgwireBench(const PgwireBenchOptions& o) {
  if (o.rows < 1 || o.hosts < 1 || o.round_trips < 1 || o.repeats < 1 || o.warmup < 0) {
    std::fprintf(stderr,
                 "ERROR:  pgwire: --rows, --hosts, --round-trips and --repeats must be "
                 "positive, --warmup not negative\n");
    return 2;
  }
  auto report = Measure(o);
  if (!report.ok()) {
    std::fprintf(stderr, "ERROR:  pgwire: %s\n", report.status().ToString().c_str());
    return 1;
  }
  if (o.json) {
    std::printf("%s\n", report->dump().c_str());
  } else {
    PrintTable(*report);
  }
  return 0;
}

}  // namespace omen::bench
