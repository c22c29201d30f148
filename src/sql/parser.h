// Copyright 2026 The OmenDB Authors.
//
// Parse: SQL text in PostgreSQL's dialect -> our AST (sql/ast.h), through
// libpg_query (PostgreSQL's own grammar) and its JSON parse tree. A syntax
// error is Status::SyntaxError (SQLSTATE 42601) with PostgreSQL's message and
// 1-based cursor position; valid SQL that OmenDB does not support is
// Status::NotSupported (0A000) naming the construct. Thread-safe.

#ifndef OMENDB_SQL_PARSER_H_
#define OMENDB_SQL_PARSER_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "omendb/status.h"
#include "sql/ast.h"

namespace omen::sql {

// Every statement of `sql` (several may be separated by semicolons; empty input yields none).
Result<std::vector<Statement>> Parse(std::string_view sql);

// Calls on_expr for every expression node and on_table for every FROM item of a SELECT,
// INSERT, DELETE, EXPLAIN, COPY (query) or DECLARE statement, parents before children (a
// subtree shared by two parents is visited once per parent). False, visiting nothing, for
// other statements (their few expressions and locations are not walked).
bool WalkStatement(Statement* st, const std::function<void(Expr*)>& on_expr,
                   const std::function<void(TableRef*)>& on_table);

// Every $n placeholder (ExprKind::kParam) of a parsed statement, each node once, so that a
// statement parsed once can run many times with values written into those nodes (the wire
// protocol's prepared statements). Placeholders outside expressions (none today) are missed:
// compare the count with the $n in the text before relying on it.
std::vector<Expr*> CollectParams(Statement* st);

// Writes a parameter's value into a node CollectParams returned (a kParam node, or one this
// function wrote before): `value` as a string literal (NULL when absent), cast to `cast_type`
// (the parser's name for the type, e.g. "int8"; empty: left an untyped literal, as PostgreSQL
// takes an unknown-typed parameter). The node keeps its param_index.
void BindParam(Expr* node, const std::optional<std::string>& value, const std::string& cast_type);

}  // namespace omen::sql

#endif  // OMENDB_SQL_PARSER_H_
