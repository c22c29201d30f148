// Copyright 2026 The OmenDB Authors.
//
// Parse: SQL text in PostgreSQL's dialect -> our AST (sql/ast.h), through
// libpg_query (PostgreSQL's own grammar) and its JSON parse tree. A syntax
// error is Status::SyntaxError (SQLSTATE 42601) with PostgreSQL's message and
// 1-based cursor position; valid SQL that OmenDB does not support is
// Status::NotSupported (0A000) naming the construct. Thread-safe.

#ifndef OMENDB_SQL_PARSER_H_
#define OMENDB_SQL_PARSER_H_

#include <string_view>
#include <vector>

#include "omendb/status.h"
#include "sql/ast.h"

namespace omen::sql {

// Every statement of `sql` (several may be separated by semicolons; empty input yields none).
Result<std::vector<Statement>> Parse(std::string_view sql);

}  // namespace omen::sql

#endif  // OMENDB_SQL_PARSER_H_
