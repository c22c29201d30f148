// Copyright 2026 The OmenDB Authors.
//
// Subqueries in expressions: finding which columns of the enclosing queries a subquery uses
// (a "probe": binding it without running it while the enclosing FROM is an outer scope), and
// correlated ones as an exec::ExternalFn that runs the subquery once per distinct combination
// of those columns' values (cached), on the thread that evaluates the expression. Uncorrelated
// subqueries stay with the binder (query.cc), which runs them once. Not thread-safe: a
// statement with a correlated subquery runs on one thread (QueryRunner::Impl::serial).

#ifndef OMENDB_SQL_SUBQUERY_H_
#define OMENDB_SQL_SUBQUERY_H_

#include <memory>
#include <vector>

#include "exec/expr.h"
#include "sql/query_internal.h"

namespace omen::sql {

// Binds s as a subquery of a query over `outer` without running it: its result's names and
// types (no rows), and in *refs the columns of `outer` it references (empty: uncorrelated).
Result<Relation> ProbeSubquery(QueryRunner::Impl* q, const Source& outer, const SelectStmt& s,
                               std::vector<int>* refs);

enum class SubqueryKind { kScalar, kExists, kIn, kArray };

// A correlated subquery as an expression. args: the values of the outer columns `refs` (in
// that order), then for kIn the left operand (of the subquery's column type). type: the
// scalar's type, boolean, or the array type. Sets q->serial.
exec::ExprPtr MakeCorrelatedSubquery(QueryRunner::Impl* q, const Source& outer,
                                     std::shared_ptr<SelectStmt> s, std::vector<int> refs,
                                     SubqueryKind kind, bool negated, exec::LType type,
                                     std::vector<exec::ExprPtr> args);

// ARRAY(subquery) of an uncorrelated subquery: its single column's values as an array value.
Result<exec::Value> ArrayOfColumn(const Relation& r);

}  // namespace omen::sql

#endif  // OMENDB_SQL_SUBQUERY_H_
