// Copyright 2026 The OmenDB Authors.
//
// Binding of the functions, operators and casts clients' catalog queries use, beyond the
// scalar functions the binder knows itself (query.cc): session information (current_setting,
// current_user, current_schemas, pg_backend_pid, version), catalog helpers (format_type,
// pg_get_userbyid, has_*_privilege, pg_table_is_visible, obj_description, pg_get_expr, ...),
// identifiers (quote_ident, parse_ident), arrays (string_to_array, array_to_string,
// array_length/lower/upper, subscripts, ARRAY[...], op ANY/ALL (array), array_agg's result),
// the regular-expression operators ~ ~* !~ !~*, bitwise & | #, the reg* casts (regclass,
// regtype, regnamespace, regproc) and pg_sleep. Set-returning functions (generate_series,
// unnest, generate_subscripts, information_schema._pg_expandarray) are bound apart: FROM
// items and select lists expand their rows (from_clause.cc, query.cc).
//
// Each binder returns an exec expression over already-bound arguments; the functions run as
// exec::ExternalFn calls. Thread-safe once bound.

#ifndef OMENDB_SQL_SYSTEM_FUNCTIONS_H_
#define OMENDB_SQL_SYSTEM_FUNCTIONS_H_

#include <functional>
#include <string>
#include <vector>

#include "exec/expr.h"
#include "sql/query_internal.h"

namespace omen::sql {

// What a binder needs from the query being bound.
struct BindContext {
  QueryRunner::Impl* q = nullptr;
  int location = -1;
  // Whether e is an untyped string literal ('...').
  std::function<bool(const exec::Expr*)> is_unknown;
  // The binder's implicit coercion (untyped literals take the type; numerics widen; ...).
  std::function<Result<exec::ExprPtr>(exec::ExprPtr, exec::LType)> coerce;
};

// name(args): 42883 when no such function exists.
Result<exec::ExprPtr> BindSystemFunction(const BindContext& ctx, const std::string& name,
                                         std::vector<exec::ExprPtr> args);
// a op b for the operators the binder does not know itself (regex, bitwise): 42883 otherwise.
Result<exec::ExprPtr> BindSystemOperator(const BindContext& ctx, const std::string& op,
                                         exec::ExprPtr a, exec::ExprPtr b);
// Casts to regclass, regtype, regnamespace, regproc[edure], regrole: text names become oids
// (42704 when nothing has the name), oids become the names (as text).
bool IsRegType(const std::string& type_name);
Result<exec::ExprPtr> BindRegCast(const BindContext& ctx, const std::string& type_name,
                                  exec::ExprPtr arg);
// array[index]
Result<exec::ExprPtr> BindSubscript(const BindContext& ctx, exec::ExprPtr array,
                                    exec::ExprPtr index);
// (record).field: the x and n fields of information_schema._pg_expandarray's records.
Result<exec::ExprPtr> BindField(const BindContext& ctx, exec::ExprPtr record,
                                const std::string& field);
// ARRAY[elements]
Result<exec::ExprPtr> BindArrayConstructor(const BindContext& ctx,
                                           std::vector<exec::ExprPtr> elements);
// lhs op ANY (array) / lhs op ALL (array)
Result<exec::ExprPtr> BindAnyAll(const BindContext& ctx, const std::string& op, bool all,
                                 exec::ExprPtr lhs, exec::ExprPtr array);

// A set-returning function bound to its argument types: rows() gives the rows of one call
// (one column of `type`); NULL arguments give no rows.
struct SetFunction {
  std::string name;
  exec::LType type = exec::LType::kNull;
  std::function<Result<exec::Vector>(const std::vector<exec::Value>& args)> rows;
};
bool IsSetReturningFunction(const std::string& name);
// Coerces *args in place to the function's parameter types.
Result<SetFunction> BindSetFunction(const BindContext& ctx, const std::string& name,
                                    std::vector<exec::ExprPtr>* args);

// A set-returning function called in FROM, bound with its arguments (query.cc, where the
// binder is): the arguments may use enclosing queries' columns, not other FROM items.
struct BoundSetFunction {
  SetFunction fn;
  std::vector<exec::ExprPtr> args;
};
Result<BoundSetFunction> BindTableFunction(QueryRunner::Impl* q, const Expr& call);

}  // namespace omen::sql

#endif  // OMENDB_SQL_SYSTEM_FUNCTIONS_H_
