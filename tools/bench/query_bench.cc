// Copyright 2026 The OmenDB Authors.

#include "bench/query_bench.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <utility>

#include "bench/storage_bench.h"
#include "bench/tsbs.h"
#include "common/datetime.h"
#include "common/env.h"
#include "sql/engine.h"
#include "sql/parser.h"
#include "storage/database.h"

namespace omen::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void Emit(const nlohmann::json& j) {
  std::printf("%s\n", j.dump().c_str());
  std::fflush(stdout);
}

// ---------------------------------------------------------------------------------------------
// Queries

constexpr int64_t kHourUs = 3600LL * 1000000;
const char* const kMetrics[kTsbsMetrics] = {
    "usage_user", "usage_system",  "usage_idle",  "usage_nice",  "usage_iowait",
    "usage_irq",  "usage_softirq", "usage_steal", "usage_guest", "usage_guest_nice"};

// Random query parameters over the data's time span, drawn as TSBS does (uniform window starts,
// distinct random hosts), from one generator consumed in a fixed order. `rng() % n` rather than
// a std distribution, whose results differ between standard libraries.
class QueryParams {
 public:
  QueryParams(int64_t rows, int hosts, uint64_t seed)
      : hosts_(std::max(1, hosts)),
        readings_(std::max<int64_t>(1, (rows + hosts_ - 1) / hosts_)),
        rng_(seed) {}

  // [start, end) of `hours` hours starting at a random whole second such that it lies inside the
  // data; the whole span when the data covers less.
  std::pair<int64_t, int64_t> Window(int hours) {
    const int64_t span = readings_ * kTsbsIntervalUs;
    const int64_t width = hours * kHourUs;
    if (width >= span) return {kTsbsStartUs, kTsbsStartUs + span};
    const uint64_t room_s = static_cast<uint64_t>((span - width) / 1000000);
    const int64_t start = kTsbsStartUs + static_cast<int64_t>(rng_() % (room_s + 1)) * 1000000;
    return {start, start + width};
  }

  // "(hostname = 'host_a' OR hostname = 'host_b' ...)" over n distinct random hosts, as TSBS.
  std::string HostClause(int n) {
    n = std::min(n, hosts_);
    std::vector<int> pool(static_cast<size_t>(hosts_));
    for (int i = 0; i < hosts_; ++i) pool[static_cast<size_t>(i)] = i;
    std::string out = "(";
    for (int i = 0; i < n; ++i) {  // partial Fisher-Yates
      const size_t j = static_cast<size_t>(i) + rng_() % static_cast<uint64_t>(hosts_ - i);
      std::swap(pool[static_cast<size_t>(i)], pool[j]);
      if (i > 0) out += " OR ";
      out += "hostname = 'host_" + std::to_string(pool[static_cast<size_t>(i)]) + "'";
    }
    return out + ")";
  }

  // A random host's name.
  std::string Host() { return "host_" + std::to_string(rng_() % static_cast<uint64_t>(hosts_)); }

  // The timestamp of a random reading.
  int64_t ReadingTime() {
    return kTsbsStartUs +
           static_cast<int64_t>(rng_() % static_cast<uint64_t>(readings_)) * kTsbsIntervalUs;
  }

 private:
  int hosts_;
  int64_t readings_;  // timestamps in the data
  std::mt19937_64 rng_;
};

std::string Literal(int64_t micros) { return "'" + FormatTimestamp(micros, true) + "'"; }

std::string TimeRange(std::pair<int64_t, int64_t> w) {
  return "time >= " + Literal(w.first) + " AND time < " + Literal(w.second);
}

// "agg(m1) AS agg_m1, ..." over the first n metrics (TSBS's alias names).
std::string Aggregates(const std::string& agg, int n, const std::string& alias_prefix) {
  std::string out;
  for (int m = 0; m < n; ++m) {
    if (m > 0) out += ", ";
    out += agg + "(" + kMetrics[m] + ") AS " + alias_prefix + kMetrics[m];
  }
  return out;
}

// TSBS single-groupby-<metrics>-<hosts>-<hours>: max per minute of a few metrics of a few hosts.
BenchQuery SingleGroupby(QueryParams* p, int metrics, int hosts, int hours) {
  const auto window = p->Window(hours);
  const std::string host_clause = p->HostClause(hosts);
  return {"single-groupby-" + std::to_string(metrics) + "-" + std::to_string(hosts) + "-" +
              std::to_string(hours),
          "SELECT date_trunc('minute', time) AS minute, " + Aggregates("max", metrics, "max_") +
              " FROM cpu WHERE " + host_clause + " AND " + TimeRange(window) +
              " GROUP BY minute ORDER BY minute"};
}

// TSBS double-groupby-<1|all>: avg per (hour, host) over 12 hours, every host.
BenchQuery DoubleGroupby(QueryParams* p, int metrics, const std::string& suffix) {
  const auto window = p->Window(12);
  return {"double-groupby-" + suffix, "SELECT date_trunc('hour', time) AS hour, hostname, " +
                                          Aggregates("avg", metrics, "mean_") + " FROM cpu WHERE " +
                                          TimeRange(window) +
                                          " GROUP BY hour, hostname ORDER BY hour, hostname"};
}

// TSBS high-cpu-<1|all>: rows with usage_user > 90 in 12 hours, of one host or all.
BenchQuery HighCpu(QueryParams* p, int hosts, const std::string& suffix) {
  const auto window = p->Window(12);
  std::string sql = "SELECT * FROM cpu WHERE usage_user > 90.0 AND " + TimeRange(window);
  if (hosts > 0) sql += " AND " + p->HostClause(hosts);
  return {"high-cpu-" + suffix, sql};
}

}  // namespace

std::vector<BenchQuery> MakeBenchQueries(int64_t rows, int hosts, uint64_t seed) {
  QueryParams p(rows, hosts, seed);
  std::vector<BenchQuery> q;
  q.push_back(SingleGroupby(&p, 1, 1, 1));
  q.push_back(SingleGroupby(&p, 5, 1, 12));
  q.push_back(SingleGroupby(&p, 5, 8, 1));
  {  // TSBS cpu-max-all-8: max of every metric per hour of 8 hosts over 8 hours
    const auto window = p.Window(8);
    const std::string host_clause = p.HostClause(8);
    q.push_back({"cpu-max-all-8", "SELECT date_trunc('hour', time) AS hour, " +
                                      Aggregates("max", kTsbsMetrics, "max_") + " FROM cpu WHERE " +
                                      host_clause + " AND " + TimeRange(window) +
                                      " GROUP BY hour ORDER BY hour"});
  }
  q.push_back(DoubleGroupby(&p, 1, "1"));
  q.push_back(DoubleGroupby(&p, kTsbsMetrics, "all"));
  q.push_back(HighCpu(&p, 1, "1"));
  q.push_back(HighCpu(&p, 0, "all"));
  q.push_back(
      {"lastpoint", "SELECT DISTINCT ON (hostname) * FROM cpu ORDER BY hostname, time DESC"});
  {  // TSBS groupby-orderby-limit: the last 5 minutes before a random end (of a 1 h window)
    const auto window = p.Window(1);
    q.push_back({"groupby-orderby-limit",
                 "SELECT date_trunc('minute', time) AS minute, max(usage_user) FROM cpu WHERE "
                 "time < " +
                     Literal(window.second) + " GROUP BY minute ORDER BY minute DESC LIMIT 5"});
  }
  q.push_back({"full-agg",
               "SELECT count(*), sum(usage_user), avg(usage_user), min(usage_user), "
               "max(usage_user) FROM cpu"});
  q.push_back({"time-bucket-1h",
               "SELECT time_bucket('1 hour', time) AS bucket, avg(usage_user) AS avg_usage_user "
               "FROM cpu GROUP BY 1 ORDER BY 1"});
  q.push_back({"point-lookup", "SELECT * FROM cpu WHERE time = " + Literal(p.ReadingTime())});
  {  // one reading of one host: a single row
    const std::string host = p.HostClause(1);
    q.push_back({"point-lookup-1",
                 "SELECT * FROM cpu WHERE " + host + " AND time = " + Literal(p.ReadingTime())});
  }
  {  // point-lookup-1 as a prepared statement: a different host and reading every run
    BenchQuery b("point-lookup-prepared", "SELECT * FROM cpu WHERE hostname = $1 AND time = $2");
    b.param_types = {"text", "timestamptz"};
    for (int i = 0; i < 101; ++i) {
      std::string host = p.Host();
      b.runs.push_back({std::move(host), FormatTimestamp(p.ReadingTime(), true)});
    }
    q.push_back(std::move(b));
  }
  return q;
}

namespace {

// ---------------------------------------------------------------------------------------------
// Data

constexpr char kMarkerFile[] = "omendb-bench-query.json";

nlohmann::json Marker(int64_t rows, int hosts) {
  return {{"table", "cpu"}, {"rows", rows}, {"hosts", hosts}, {"seed", kTsbsLoadSeed}};
}

bool DirHasFiles(const std::string& dir) {
  std::error_code ec;
  return std::filesystem::exists(dir, ec) && !std::filesystem::is_empty(dir, ec);
}

// The TSBS data in dir: reopened when an earlier run's marker says it is the same dataset,
// else loaded afresh. A non-empty dir without a marker is refused rather than wiped.
Result<LoadedTsbs> OpenOrLoad(const std::string& dir, int64_t rows, int hosts, bool* reused) {
  Env* env = Env::Default();
  const std::string marker_path = dir + "/" + kMarkerFile;
  *reused = false;
  if (env->FileExists(marker_path)) {
    auto text = env->ReadFile(marker_path);
    if (text.ok() && nlohmann::json::parse(*text, nullptr, false) == Marker(rows, hosts)) {
      storage::StorageOptions so;
      so.sync = false;
      LoadedTsbs out;
      OMEN_ASSIGN_OR_RETURN(out.db, storage::Database::Open(dir, so));
      *reused = true;
      return out;
    }
  } else if (DirHasFiles(dir)) {
    return Status::InvalidArgument("--data " + dir +
                                   " is not empty and holds no omendb-bench query data");
  }
  OMEN_ASSIGN_OR_RETURN(LoadedTsbs out, LoadTsbs(dir, TsbsCpuTable(), rows, hosts));
  OMEN_ASSIGN_OR_RETURN(auto file, env->NewWritableFile(marker_path, true));
  OMEN_RETURN_IF_ERROR(file->Append(Marker(rows, hosts).dump() + "\n"));
  OMEN_RETURN_IF_ERROR(file->Close());
  return out;
}

// RFC 3339 in UTC: 2024-01-01T00:00:10Z (fractional seconds only when non-zero).
void AppendRfc3339(int64_t micros, std::string* out) {
  int64_t days = micros / 86'400'000'000LL;
  int64_t rem = micros % 86'400'000'000LL;
  if (rem < 0) {
    rem += 86'400'000'000LL;
    --days;
  }
  int64_t y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(days, &y, &m, &d);
  const int64_t secs = rem / 1000000, frac = rem % 1000000;
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld",
                        static_cast<long long>(y), m, d, static_cast<long long>(secs / 3600),
                        static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  if (frac != 0)
    n += std::snprintf(buf + n, sizeof buf - n, ".%06lld", static_cast<long long>(frac));
  out->append(buf, static_cast<size_t>(n));
  out->push_back('Z');
}

// A CSV field, quoted when it holds a delimiter, a quote or a line break.
void AppendCsvField(std::string_view v, std::string* out) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(v);
    return;
  }
  out->push_back('"');
  for (char c : v) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

// Appends the rows of b as CSV lines (time, tags, metrics; doubles in shortest round-trip form).
void AppendCsvRows(const arrow::RecordBatch& b, std::string* out) {
  for (int64_t i = 0; i < b.num_rows; ++i) {
    AppendRfc3339(b.columns[0].Value<int64_t>(i), out);
    for (size_t c = 1; c < b.columns.size(); ++c) {
      const arrow::ArrayData& a = b.columns[c];
      out->push_back(',');
      if (!a.IsValid(i)) continue;  // NULL: empty field
      if (a.dictionary) {
        AppendCsvField(a.StringValue(i), out);
      } else {
        char buf[32];
        auto r = std::to_chars(buf, buf + sizeof buf, a.Value<double>(i));
        out->append(buf, r.ptr);
      }
    }
    out->push_back('\n');
  }
}

// Writes the rows LoadTsbs loads (the same generator and seed) to path as CSV with a header.
Status ExportCsv(const std::string& path, int64_t rows, int hosts, double* usage_user_sum) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "wb"), &std::fclose);
  if (!f) return Status::IOError("cannot create " + path);
  std::string chunk;
  for (const storage::ColumnDef& c : TsbsCpuTable().columns) {
    if (!chunk.empty()) chunk += ',';
    chunk += c.name;
  }
  chunk += '\n';
  TsbsGenerator gen(hosts, kTsbsLoadSeed);
  const int metric = 1 + kTsbsTags;  // usage_user
  *usage_user_sum = 0;
  for (int64_t done = 0; done < rows; done += 100'000) {
    arrow::RecordBatch b = gen.Next(std::min<int64_t>(100'000, rows - done));
    const double* v = b.columns[metric].values.As<double>();
    for (int64_t i = 0; i < b.num_rows; ++i) *usage_user_sum += v[i];
    AppendCsvRows(b, &chunk);
    if (std::fwrite(chunk.data(), 1, chunk.size(), f.get()) != chunk.size()) {
      return Status::IOError("write " + path);
    }
    chunk.clear();
  }
  if (std::fclose(f.release()) != 0) return Status::IOError("close " + path);
  return Status::OK();
}

Status ExportQueries(const std::string& path, const std::vector<BenchQuery>& queries) {
  nlohmann::json out = nlohmann::json::array();
  for (const BenchQuery& q : queries) {
    nlohmann::json j = {{"name", q.name}, {"sql", q.sql}};
    if (!q.runs.empty()) {
      j["param_types"] = q.param_types;
      j["runs"] = q.runs;
    }
    out.push_back(std::move(j));
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "wb"), &std::fclose);
  if (!f) return Status::IOError("cannot create " + path);
  const std::string text = out.dump(2) + "\n";
  if (std::fwrite(text.data(), 1, text.size(), f.get()) != text.size()) {
    return Status::IOError("write " + path);
  }
  if (std::fclose(f.release()) != 0) return Status::IOError("close " + path);
  return Status::OK();
}

// ---------------------------------------------------------------------------------------------
// Timing

struct Timing {
  std::string error;  // empty: ran
  std::vector<double> ms;
  size_t result_rows = 0;
};

// One execution of sql; the error text on failure (an exception included: the engine is young).
std::string ExecuteOnce(sql::SqlEngine* engine, const std::string& sql, size_t* result_rows) {
  try {
    auto r = engine->Execute(sql);
    if (!r.ok()) return r.status().ToString();
    *result_rows = r->empty() ? 0 : static_cast<size_t>(r->back().num_rows());
    return "";
  } catch (const std::exception& e) {
    return std::string("exception: ") + e.what();
  }
}

// One warm-up execution, then `reps` timed ones; stops at the first error.
Timing TimeQuery(sql::SqlEngine* engine, const BenchQuery& q, int reps) {
  Timing t;
  if (!q.runs.empty()) {  // prepared: parsed once, untimed; each run binds and executes
    auto parsed = sql::Parse(q.sql);
    if (!parsed.ok() || parsed->size() != 1) {
      t.error = parsed.ok() ? "not one statement" : parsed.status().ToString();
      return t;
    }
    sql::Statement& st = parsed->front();
    const std::vector<sql::Expr*> params = sql::CollectParams(&st);
    for (int r = 0; r <= reps; ++r) {
      const std::vector<std::string>& values = q.runs[static_cast<size_t>(r) % q.runs.size()];
      const auto start = Clock::now();
      for (sql::Expr* p : params) {
        const size_t i = static_cast<size_t>(p->param_index - 1);
        sql::BindParam(p, values.at(i), q.param_types.at(i));
      }
      auto result = engine->ExecuteStatement(st);
      const double ms = Seconds(start, Clock::now()) * 1000;
      if (!result.ok()) {
        t.error = result.status().ToString();
        break;
      }
      t.result_rows = static_cast<size_t>(result->num_rows());
      if (r > 0) t.ms.push_back(ms);
    }
    return t;
  }
  for (int r = 0; r <= reps; ++r) {
    const auto start = Clock::now();
    t.error = ExecuteOnce(engine, q.sql, &t.result_rows);
    const double ms = Seconds(start, Clock::now()) * 1000;
    if (!t.error.empty()) break;
    if (r > 0) t.ms.push_back(ms);
  }
  return t;
}

void Report(const QueryBenchOptions& o, const BenchQuery& q, const Timing& t) {
  nlohmann::json j = {{"bench", "query"}, {"query", q.name}, {"rows", o.rows}, {"hosts", o.hosts}};
  if (t.error.empty()) {
    j["median_ms"] = Median(t.ms);
    j["min_ms"] = *std::min_element(t.ms.begin(), t.ms.end());
    j["result_rows"] = t.result_rows;
    j["reps"] = o.reps;
    j["results"] = o.results;
  } else {
    j["error"] = t.error;
  }
  j["sql"] = q.sql;
  if (!q.runs.empty()) {  // DuckDB's side runs the same values, prepared too
    j["param_types"] = q.param_types;
    j["runs"] = q.runs;
  }
  if (o.json) {
    Emit(j);
  } else if (t.error.empty()) {
    std::printf("%-24s median %10.3f ms  min %10.3f ms  %10zu rows\n", q.name.c_str(), Median(t.ms),
                j["min_ms"].get<double>(), t.result_rows);
  } else {
    std::printf("%-24s error: %s\n", q.name.c_str(), t.error.c_str());
  }
  std::fflush(stdout);
}

// The queries named in o.queries (all when empty), in MakeBenchQueries' order; an unknown name
// is an error.
Result<std::vector<BenchQuery>> SelectQueries(const QueryBenchOptions& o) {
  std::vector<BenchQuery> all = MakeBenchQueries(o.rows, o.hosts, o.seed);
  if (o.queries.empty()) return all;
  std::set<std::string> wanted(o.queries.begin(), o.queries.end());
  std::vector<BenchQuery> out;
  for (BenchQuery& q : all) {
    if (wanted.erase(q.name) > 0) out.push_back(std::move(q));
  }
  if (!wanted.empty()) {
    std::string known;
    for (const BenchQuery& q : MakeBenchQueries(1, 1, 0)) known += " " + q.name;
    return Status::InvalidArgument("unknown query " + *wanted.begin() + "; known:" + known);
  }
  return out;
}

}  // namespace

int RunQueryBench(const QueryBenchOptions& o) {
  if (o.rows <= 0 || o.hosts <= 0 || o.reps <= 0) {
    std::fprintf(stderr, "omendb-bench: --rows, --hosts and --reps must be positive\n");
    return 2;
  }
  auto queries = SelectQueries(o);
  if (!queries.ok()) {
    std::fprintf(stderr, "omendb-bench: %s\n", queries.status().ToString().c_str());
    return 2;
  }
  if (!o.export_queries.empty()) {
    Status s = ExportQueries(o.export_queries, *queries);
    if (!s.ok()) {
      std::fprintf(stderr, "omendb-bench: %s\n", s.ToString().c_str());
      return 1;
    }
  }
  const std::string dir =
      o.data.empty() ? "/tmp/omendb-bench-query-" + std::to_string(::getpid()) : o.data;
  bool reused = false;
  auto loaded = OpenOrLoad(dir, o.rows, o.hosts, &reused);
  if (!loaded.ok()) {
    std::fprintf(stderr, "omendb-bench: load: %s\n", loaded.status().ToString().c_str());
    return 1;
  }
  if (!o.json) {
    std::printf("%lld rows, %d hosts in %s (%s in %.1f s)\n", static_cast<long long>(o.rows),
                o.hosts, dir.c_str(), reused ? "reused" : "loaded", loaded->seconds);
  } else {
    Emit({{"bench", "query_load"},
          {"rows", o.rows},
          {"hosts", o.hosts},
          {"dir", dir},
          {"reused", reused},
          {"load_seconds", loaded->seconds}});
  }
  sql::SqlEngine engine(loaded->db.get());
  engine.set_columnar_results(o.results == "columnar");
  for (const BenchQuery& q : *queries) Report(o, q, TimeQuery(&engine, q, o.reps));
  // After the queries: writing the CSV (about 120 bytes a row) would push the loaded data out of
  // the page cache when both do not fit in memory.
  if (!o.export_csv.empty()) {
    const auto start = Clock::now();
    double sum = 0;
    Status s = ExportCsv(o.export_csv, o.rows, o.hosts, &sum);
    if (!s.ok()) {
      std::fprintf(stderr, "omendb-bench: %s\n", s.ToString().c_str());
      return 1;
    }
    if (!reused && sum != loaded->usage_user_sum) {  // the CSV must be the loaded data
      std::fprintf(stderr, "omendb-bench: exported CSV differs from the loaded rows\n");
      return 1;
    }
    if (o.json) {
      Emit({{"bench", "query_export_csv"},
            {"path", o.export_csv},
            {"rows", o.rows},
            {"seconds", Seconds(start, Clock::now())}});
    }
  }
  Status closed = loaded->db->Close();
  loaded->db.reset();
  if (o.data.empty() && !o.keep) (void)Env::Default()->RemoveAll(dir);
  return closed.ok() ? 0 : 1;
}

}  // namespace omen::bench
