// Copyright 2026 The OmenDB Authors.
//
// The one place that decides whether OmenDB's answer to a query equals PostgreSQL's: rows of text
// values (NULL as nullopt) compared in order or as multisets. Values are equal when their text is
// equal, or when both read as numbers within a relative tolerance of 1e-6 (absolute 1e-9 near
// zero), so that float sums taken in another order and numeric-vs-double renderings ("7.50" vs
// "7.5") still match — except that two whole numbers below 2^53 ("1704067200.000000" and
// "1704067201": epochs, counts, integer sums) must be equal; NULL equals only NULL. Everything else
// — timestamps, booleans (t/f), intervals — must match PostgreSQL's text exactly. Pure functions;
// thread-safe.

#ifndef OMENDB_TEST_ORACLE_COMPARE_H_
#define OMENDB_TEST_ORACLE_COMPARE_H_

#include <cstddef>
#include <optional>
#include <string>

#include "oracle/pg_oracle.h"

namespace omen::test {

using TextValue = std::optional<std::string>;

// True when a and b are the same value under the rules above.
bool ValuesEqual(const TextValue& a, const TextValue& b);

// "" when `ours` and `theirs` hold the same rows (in order when `ordered`, else as multisets),
// otherwise one line saying what differs first (row counts, column counts, a row without a
// partner).
std::string CompareRows(const TextRows& ours, const TextRows& theirs, bool ordered);

// The first `max_rows` rows, one per line, values separated by " | ", NULL as "NULL".
std::string FormatRows(const TextRows& rows, size_t max_rows = 20);

}  // namespace omen::test

#endif  // OMENDB_TEST_ORACLE_COMPARE_H_
