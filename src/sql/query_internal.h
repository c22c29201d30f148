// Copyright 2026 The OmenDB Authors.
//
// What the files of one SELECT's execution share (query.cc binds and runs a SELECT,
// from_clause.cc resolves FROM items and joins, catalog_tables.cc builds the pg_catalog and
// information_schema relations, system_functions.cc binds catalog and system functions,
// subquery.cc runs correlated subqueries): the binding scope of a FROM clause (Source) and the
// per-statement runner state (QueryRunner::Impl). Internal to sql/; not thread-safe (one Impl
// per statement; its worker threads only read it).

#ifndef OMENDB_SQL_QUERY_INTERNAL_H_
#define OMENDB_SQL_QUERY_INTERNAL_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "exec/expr.h"
#include "exec/types.h"
#include "omendb/status.h"
#include "sql/ast.h"
#include "sql/query.h"
#include "sql/settings.h"
#include "storage/database.h"

namespace omen::sql {

// The columns a FROM clause makes visible: one storage table (scanned with pushdown) or a
// materialized relation (subqueries, CTEs, catalog tables, joins).
struct Source {
  std::shared_ptr<const storage::TableDef> table;  // null: rel
  std::shared_ptr<Relation> rel;
  std::vector<std::string> names;
  std::vector<std::string> quals;  // table name / alias per column ("" for USING's merged ones)
  std::vector<exec::LType> types;
  // 1: hidden from unqualified references and from an unqualified * (the inputs' own copies of
  // the columns JOIN ... USING merges). Empty: none hidden.
  std::vector<uint8_t> hidden;
  std::string plan;       // EXPLAIN's line for a FROM clause materialized here (joins)
  bool filtered = false;  // rel already satisfies the WHERE clause (the join planner applied it)

  bool Hidden(size_t c) const { return c < hidden.size() && hidden[c] != 0; }
};

// An enclosing query's columns, visible to the subqueries inside it (correlated references).
// While a subquery is bound to find what it references, `refs` collects the outer columns it
// uses; while it runs for one outer row, `values` holds their values.
struct OuterScope {
  const Source* src = nullptr;
  std::vector<int>* refs = nullptr;                    // binding: columns of src referenced
  const std::map<int, exec::Value>* values = nullptr;  // running: value of each referenced column
};

struct QueryRunner::Impl {
  storage::Database* db;
  QueryOptions options;
  exec::EvalContext eval;
  std::map<std::string, std::shared_ptr<Relation>> ctes;
  std::atomic<int64_t> memory{0};
  std::vector<std::string>* explain = nullptr;  // plan lines when explaining
  bool analyze = false;
  bool execute = true;
  int depth = 0;
  // The next RunSelect is a UNION branch: a NULL in its select list stays untyped (kNull), for
  // the union to resolve against the other branch, as PostgreSQL resolves unknown columns.
  bool union_branch = false;
  // The next RunSelect scans only this [min, max) of its table's time range: a try at the
  // latest (earliest) buckets of ORDER BY bucket [DESC] LIMIT k (RunSelect's source scan).
  std::optional<std::pair<int64_t, int64_t>> bucket_window;
  // Describe: the types inferred for $n parameters (index n-1; kNull: not inferred yet).
  std::vector<exec::LType> param_types;
  // Enclosing queries of the subquery being bound or run, innermost last.
  std::vector<OuterScope> outer;
  // Set once a correlated subquery is bound: from then on this statement runs on one thread
  // (the subquery re-enters this Impl from expression evaluation).
  bool serial = false;
  // pg_catalog / information_schema relations built for this statement, by "schema.name".
  std::map<std::string, std::shared_ptr<Relation>> catalog;

  Status Charge(int64_t bytes) {
    int64_t now = memory.fetch_add(bytes) + bytes;
    if (options.memory_limit > 0 && now > options.memory_limit) {
      return Status::ResourceExhausted("query exceeds the memory limit of " +
                                       std::to_string(options.memory_limit >> 20) +
                                       " MiB (--query-memory)");
    }
    return Status::OK();
  }
  Status CheckCancel() const { return options.CheckCancel(); }
  void Plan(const std::string& line) {
    if (explain != nullptr)
      explain->push_back(std::string(static_cast<size_t>(depth) * 2, ' ') + line);
  }
  // The session's settings (built-in defaults when the caller gave none).
  const SessionSettings& settings() const;

  // query.cc
  Result<Relation> Run(const SelectStmt& s);
  Result<Relation> RunSelect(const SelectStmt& s);
  Result<Relation> RunUnion(const SelectStmt& s);
  // from_clause.cc: the FROM clause of s (joins materialized).
  Result<Source> ResolveFrom(const SelectStmt& s);
  // catalog_tables.cc: a pg_catalog or information_schema relation (42P01 when unknown).
  Result<std::shared_ptr<Relation>> CatalogRelation(const std::string& schema,
                                                    const std::string& name);
};

// query.cc: binds a row-level expression over src (outer scopes apply); untyped literals
// become `want` (text when want is kNull), and so does the whole expression when want is set.
// `clause` names the clause in errors ("WHERE", "JOIN/ON", "FROM").
Result<exec::ExprPtr> BindScalar(QueryRunner::Impl* q, const Source& src, const Expr& e,
                                 exec::LType want = exec::LType::kNull,
                                 const char* clause = "FROM");

// 42883, as the binder reports unknown functions and operators.
Status UndefinedFunction(const std::string& msg, int loc);

}  // namespace omen::sql

#endif  // OMENDB_SQL_QUERY_INTERNAL_H_
