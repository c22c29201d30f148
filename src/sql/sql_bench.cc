// Copyright 2026 The OmenDB Authors.
//
// The SQL front end's fixed cost per statement (Google Benchmark): Parse (libpg_query, its JSON
// tree, our AST) and Execute of a point lookup through the whole engine on a small table.
// `build/<dir>/src/sql/sql_bench`.

#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "sql/engine.h"
#include "sql/parser.h"
#include "storage/database.h"

namespace omen::sql {
namespace {

const char kPointLookup[] =
    "SELECT * FROM cpu WHERE hostname = 'host_1234' AND time = '2024-01-01 05:10:20+00'";
const char kDoubleGroupby[] =
    "SELECT date_trunc('hour', time) AS hour, hostname, avg(usage_user), avg(usage_system), "
    "avg(usage_idle), avg(usage_nice), avg(usage_iowait) FROM cpu WHERE time >= "
    "'2024-01-01 03:00:00+00' AND time < '2024-01-01 15:00:00+00' GROUP BY hour, hostname "
    "ORDER BY hour, hostname";

void BM_ParsePointLookup(benchmark::State& state) {
  for (auto _ : state) {
    auto r = Parse(kPointLookup);
    if (!r.ok()) state.SkipWithError(r.status().ToString().c_str());
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_ParsePointLookup);

void BM_ParseDoubleGroupby(benchmark::State& state) {
  for (auto _ : state) {
    auto r = Parse(kDoubleGroupby);
    if (!r.ok()) state.SkipWithError(r.status().ToString().c_str());
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_ParseDoubleGroupby);

// A table of 100k rows (4000 hosts, 25 readings each, 10 s apart), made once per process.
struct PointTable {
  std::string dir;
  std::unique_ptr<storage::Database> db;
  std::unique_ptr<SqlEngine> engine;
  Status status;

  PointTable() {
    char dir_template[] = "/tmp/omendb_sql_bench_XXXXXX";
    dir = ::mkdtemp(dir_template);
    storage::StorageOptions o;
    o.sync = false;
    auto opened = storage::Database::Open(dir, o);
    if (!opened.ok()) {
      status = opened.status();
      return;
    }
    db = std::move(opened).value();
    engine = std::make_unique<SqlEngine>(db.get());
    status = engine
                 ->Execute(
                     "CREATE TABLE cpu (time timestamptz NOT NULL, hostname text, usage_user "
                     "double precision);"
                     "INSERT INTO cpu SELECT '2024-01-01 00:00:00+00'::timestamptz + (g / 4000) * "
                     "interval '10 seconds', 'host_' || (g % 4000), g FROM generate_series(0, "
                     "99999) g")
                 .status();
    if (status.ok()) status = db->Checkpoint();
  }
  ~PointTable() {
    engine.reset();
    db.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  static PointTable& Get() {
    static PointTable t;  // closed and removed at exit
    return t;
  }
};

// The k-th lookup's host and time: every iteration asks for a different row.
std::string HostOf(int64_t k) { return "host_" + std::to_string(k * 7919 % 4000); }
std::string TimeOf(int64_t k) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "2024-01-01 00:%02lld:%02lld+00",
                static_cast<long long>(k % 25 * 10 / 60), static_cast<long long>(k % 25 * 10 % 60));
  return buf;
}

// SQL text in, one row out: parse, bind, plan and run, as an embedded caller pays. `cached`:
// through the engine's parse cache (after the first text, the constants are written into the
// cached tree); else every text parsed by libpg_query, the baseline.
void RunPointLookups(benchmark::State& state, bool cached) {
  PointTable& t = PointTable::Get();
  if (!t.status.ok()) {
    state.SkipWithError(t.status.ToString().c_str());
    return;
  }
  int64_t k = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string sql =
        "SELECT * FROM cpu WHERE hostname = '" + HostOf(k) + "' AND time = '" + TimeOf(k) + "'";
    ++k;
    state.ResumeTiming();
    Result<QueryResult> r = Status::Internal("parse failed");
    if (cached) {
      auto all = t.engine->Execute(sql);
      r = all.ok() ? Result<QueryResult>(std::move(all->back())) : all.status();
    } else if (auto parsed = Parse(sql); parsed.ok() && parsed->size() == 1) {
      r = t.engine->ExecuteStatement(parsed->front());
    }
    if (!r.ok() || r->rows.size() != 1) {
      state.SkipWithError(r.ok() ? "not one row" : r.status().ToString().c_str());
      break;
    }
  }
}
void BM_ExecutePointLookup(benchmark::State& state) { RunPointLookups(state, true); }
BENCHMARK(BM_ExecutePointLookup);
void BM_ExecutePointLookupUncached(benchmark::State& state) { RunPointLookups(state, false); }
BENCHMARK(BM_ExecutePointLookupUncached);

// The same lookup as a prepared statement (the wire protocol's Parse once, Bind and Execute
// many): parameters written into the parsed tree, then bind, plan and run.
void BM_ExecutePreparedPointLookup(benchmark::State& state) {
  PointTable& t = PointTable::Get();
  if (!t.status.ok()) {
    state.SkipWithError(t.status.ToString().c_str());
    return;
  }
  auto parsed = Parse("SELECT * FROM cpu WHERE hostname = $1 AND time = $2");
  if (!parsed.ok() || parsed->size() != 1) {
    state.SkipWithError("parse failed");
    return;
  }
  Statement& st = parsed->front();
  std::vector<Expr*> params = CollectParams(&st);
  int64_t k = 0;
  for (auto _ : state) {
    for (Expr* p : params) {
      BindParam(p, p->param_index == 1 ? HostOf(k) : TimeOf(k),
                p->param_index == 1 ? "text" : "timestamptz");
    }
    ++k;
    auto r = t.engine->ExecuteStatement(st);
    if (!r.ok() || r->rows.size() != 1) {
      state.SkipWithError(r.ok() ? "not one row" : r.status().ToString().c_str());
      break;
    }
  }
}
BENCHMARK(BM_ExecutePreparedPointLookup);

}  // namespace
}  // namespace omen::sql

BENCHMARK_MAIN();
