// Copyright 2026 The OmenDB Authors.
//
// `omendb-bench query`: the TSBS cpu-only queries (the shapes of TSBS's TimescaleDB generator,
// written in PostgreSQL dialect) plus a full-table aggregate, 1-hour buckets over the whole table
// and a point lookup, run through the embedded SqlEngine on TSBS data (bench/tsbs.h). Query
// parameters (hosts, time windows) are drawn from a fixed seed, so a run is reproducible and the
// same SQL can be replayed on another database (--export-queries, with the data as CSV from
// --export-csv; bench/duckdb/ does that with DuckDB). One JSON object per line.

#ifndef OMENDB_BENCH_QUERY_BENCH_H_
#define OMENDB_BENCH_QUERY_BENCH_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace omen::bench {

struct QueryBenchOptions {
  int64_t rows = 10'000'000;
  int hosts = 4000;  // TSBS scale; the time span is rows / hosts readings 10 s apart
  std::string data;  // data directory; empty: a fresh one under /tmp, removed at the end
  bool keep = false;
  std::vector<std::string> queries;  // names to run; empty: all
  int reps = 5;                      // timed runs per query (median and min), after one warm-up
  uint64_t seed = 123;               // query parameters
  std::string export_csv;            // when set, the loaded rows as CSV
  std::string export_queries;        // when set, a JSON array of {name, sql}
  bool json = true;
  // "columnar": a query ends at its typed result columns, the form the PostgreSQL wire server
  // encodes rows from (and what DuckDB's reader holds); "text": every value rendered as a text
  // row as well (the embedded QueryResult::rows).
  std::string results = "columnar";
};
int RunQueryBench(const QueryBenchOptions& options);

struct BenchQuery {
  BenchQuery(std::string n, std::string s) : name(std::move(n)), sql(std::move(s)) {}
  std::string name;
  std::string sql;
  // A prepared statement: sql holds $1, $2, ... of these types (the parser's names), parsed once
  // and run with runs[i % runs.size()] as the values of run i (the warm-up is run 0), as a
  // client's Parse once, Bind and Execute many. Empty: sql runs as text, parse included.
  std::vector<std::string> param_types;
  std::vector<std::vector<std::string>> runs;
};
// Every query, in a fixed order, with parameters drawn from seed for data of `rows` rows over
// `hosts` hosts. The parameters of a query do not depend on which queries are selected.
std::vector<BenchQuery> MakeBenchQueries(int64_t rows, int hosts, uint64_t seed);

}  // namespace omen::bench

#endif  // OMENDB_BENCH_QUERY_BENCH_H_
