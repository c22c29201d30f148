// Copyright 2026 The OmenDB Authors.
//
// SqlEngine: runs SQL text against an embedded storage::Database. Today it
// covers DDL (CREATE TABLE with OmenDB's WITH options, DROP TABLE, ALTER TABLE
// ADD COLUMN), INSERT ... VALUES, and the narrow SELECT that `omendb sql`
// needs to show a table's rows: a column list or *, a time-range WHERE on the
// time column (pushed into the storage scan), LIMIT/OFFSET. Everything else is
// Status::NotSupported (SQLSTATE 0A000) until the planner and vectorized
// executor land (issue 4). Results come back as PostgreSQL text values.
// One SqlEngine per session; the Database may be shared.

#ifndef OMENDB_SQL_ENGINE_H_
#define OMENDB_SQL_ENGINE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "omendb/status.h"
#include "sql/query.h"
#include "storage/database.h"

namespace omen::sql {

struct QueryResult {
  std::string command_tag;                // "CREATE TABLE", "INSERT 0 3", "SELECT 2", ...
  std::vector<std::string> column_names;  // empty for commands without rows
  std::vector<std::string> column_types;  // PostgreSQL type names ("bigint", ...)
  std::vector<std::vector<std::optional<std::string>>> rows;  // text values; nullopt = NULL
};

class SqlEngine {
 public:
  explicit SqlEngine(storage::Database* db, QueryOptions options = {})
      : db_(db), options_(options) {}
  // Runs every statement of sql in order; stops at the first error (earlier statements stay
  // applied: each statement is its own transaction).
  Result<std::vector<QueryResult>> Execute(std::string_view sql);

 private:
  storage::Database* db_;
  QueryOptions options_;
};

}  // namespace omen::sql

#endif  // OMENDB_SQL_ENGINE_H_
