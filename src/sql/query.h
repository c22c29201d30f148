// Copyright 2026 The OmenDB Authors.
//
// SELECT: binding (names and types against the catalog, PostgreSQL's typing
// rules, implicit casts), planning (time-range and tag pushdown into the
// storage scan, aggregate/window/sort/limit stages, EXPLAIN text) and
// execution (morsel-parallel scan -> filter -> project or aggregate over
// the scan's tasks on every core, then window, having, distinct, sort/top-k,
// limit over the materialized result). Subqueries in FROM, CTEs, UNION [ALL],
// functions in FROM, the pg_catalog/information_schema relations and joins
// (from_clause.cc) are materialized first; uncorrelated scalar/IN/EXISTS/ARRAY
// subqueries run once, correlated ones per distinct outer values (subquery.h).
// One QueryRunner per statement; it may use many threads internally.

#ifndef OMENDB_SQL_QUERY_H_
#define OMENDB_SQL_QUERY_H_

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "exec/types.h"
#include "omendb/status.h"
#include "sql/ast.h"
#include "sql/settings.h"
#include "storage/database.h"

namespace omen::sql {

// A materialized query result.
struct Relation {
  std::vector<std::string> names;
  std::vector<exec::LType> types;
  exec::Chunk chunk;
};

struct QueryOptions {
  int threads = 0;                            // 0: all cores
  int64_t memory_limit = 0;                   // bytes; 0: unlimited
  const std::atomic<bool>* cancel = nullptr;  // set to cancel the running query
  // When set (not the epoch): the query fails with 57014 once this time has passed
  // (statement_timeout).
  std::chrono::steady_clock::time_point deadline{};
  // The session's settings, read by current_setting(), pg_settings, current_user and
  // current_schemas() (null: the built-in defaults). Must outlive the query.
  const SessionSettings* settings = nullptr;
  // pg_backend_pid(): the server fills in the session's process id (0 when embedded).
  int32_t backend_pid = 0;

  // 57014 once the query is cancelled or past its deadline.
  Status CheckCancel() const;
};

class QueryRunner {
 public:
  QueryRunner(storage::Database* db, QueryOptions options);
  ~QueryRunner();

  Result<Relation> Run(const SelectStmt& s);
  // EXPLAIN [ANALYZE]: the plan as text lines (ANALYZE runs the query and adds actual rows and
  // times per stage).
  Result<std::vector<std::string>> Explain(const SelectStmt& s, bool analyze);
  // The result's column names and types without running the query (no rows). With params,
  // the PostgreSQL type names of the $n parameters the statement uses (index n-1), inferred
  // from their context (text where nothing constrains them).
  Result<Relation> Describe(const SelectStmt& s, std::vector<std::string>* params = nullptr);

  // Binds a WHERE clause over a table (for DELETE): the filter and the pushed time range.
  struct TableFilter {
    int64_t min_time;
    int64_t max_time;
    bool exact = false;  // the WHERE is exactly the time range
  };
  Result<TableFilter> AnalyzeDelete(const storage::TableDef& def, const Expr* where);
  // The rows of table [lo, hi) where `where` is NOT true (for DELETE's rewrite), with all
  // columns in table order.
  Result<Relation> RowsToKeep(const storage::TableDef& def, const Expr* where, int64_t lo,
                              int64_t hi, int64_t* deleted);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace omen::sql

#endif  // OMENDB_SQL_QUERY_H_
