// Copyright 2026 The OmenDB Authors.
//
// What the corpus and random differential tests share: an OmenDB database with its SqlEngine in
// a scratch directory, a PostgreSQL 15 oracle set up like a TimescaleDB session (TimeZone UTC,
// DateStyle ISO, the shims of test/sql/pg_timescale.sql), one Answer shape for both engines,
// many statements sent to PostgreSQL through one psql run (PgBatch: a psql start per query
// would dominate the run time), and the verdict on a pair of answers. One thread at a time.
//
// OMENDB_ORACLE_SELFCHECK=1 makes the tests compare PostgreSQL with itself (OmenDB is never
// opened): "ours" becomes a second PostgreSQL database holding the same rows inserted in the
// reverse order. That checks that every query is valid PostgreSQL, that expected errors happen
// there, and that answers do not depend on the order rows are stored in (a LIMIT without a total
// order, a `-- ordered` query whose ORDER BY leaves ties, a float4 sum).

#ifndef OMENDB_TEST_ORACLE_ORACLE_HARNESS_H_
#define OMENDB_TEST_ORACLE_ORACLE_HARNESS_H_

#include <memory>
#include <string>
#include <vector>

#include "omendb/status.h"
#include "oracle/pg_oracle.h"
#include "sql/engine.h"
#include "storage/database.h"

namespace omen::test {

// One engine's answer to one statement.
struct Answer {
  bool ok = false;
  std::string sqlstate;  // "00000" when ok
  std::string message;   // the error, when not ok
  TextRows rows;         // the last statement's rows, when ok
};

enum class Outcome {
  kMatch,          // same rows, or the expected error in both
  kMismatch,       // both answered, differently
  kBothError,      // no error expected, both failed in the same SQLSTATE class
  kErrorMismatch,  // both failed, in different classes (or not in the expected one)
  kOmenError,      // only OmenDB failed (0A000 while the engine is incomplete)
  kPgError,        // only PostgreSQL failed, or not with the expected error: a test bug
};
const char* OutcomeName(Outcome o);

struct Verdict {
  Outcome outcome = Outcome::kMatch;
  std::string detail;  // what differs, for reports
};

// `expect_error` non-empty: both must fail with a SQLSTATE starting with it. Otherwise both must
// succeed with equal rows (CompareRows), or fail in the same SQLSTATE class (kBothError).
Verdict Judge(const Answer& ours, const Answer& theirs, bool ordered,
              const std::string& expect_error);

// A multi-line report of one failed comparison: the query (and its PostgreSQL form when it
// differs), the verdict and up to 20 rows of each answer.
std::string Describe(const std::string& where, const std::string& sql, const std::string& pg_sql,
                     const Answer& ours, const Answer& theirs, const Verdict& v);

bool SelfCheck();  // OMENDB_ORACLE_SELFCHECK set to a non-empty value other than "0"

class OracleHarness {
 public:
  OracleHarness() = default;
  ~OracleHarness();
  OracleHarness(const OracleHarness&) = delete;
  OracleHarness& operator=(const OracleHarness&) = delete;

  // Starts and sets up PostgreSQL (NotFound when postgresql-15 is missing: skip), and unless
  // self-checking opens a fresh OmenDB database in a directory named after `name`.
  Status Start(const std::string& name);

  // Runs `sql` in OmenDB (self-check: in the second PostgreSQL database, one psql for it).
  Answer Omen(const std::string& sql);
  // Runs every statement in OmenDB, in order (self-check: in one psql session, as PgBatch).
  std::vector<Answer> OmenBatch(const std::vector<std::string>& sqls);
  // Runs every statement in one psql session, in order; one Answer each.
  std::vector<Answer> PgBatch(const std::vector<std::string>& sqls) {
    return PsqlBatch("postgres", sqls);
  }
  // Runs one statement through its own psql (for statements that may not even lex).
  Answer Pg(const std::string& sql);

  // Runs each statement in both engines; the first failure, with the statement, as a Status.
  // Self-check: "ours" gets `pg_sqls` with the INSERTs and their rows in reverse order.
  Status Load(const std::vector<std::string>& omen_sqls, const std::vector<std::string>& pg_sqls);

  bool self_check() const { return self_check_; }

 private:
  std::string PsqlCommand(const std::string& db) const;
  std::vector<Answer> PsqlBatch(const std::string& db, const std::vector<std::string>& sqls);
  Answer PsqlOne(const std::string& db, const std::string& sql);

  PgOracle pg_;
  bool self_check_ = false;
  std::string dir_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<sql::SqlEngine> engine_;
};

}  // namespace omen::test

#endif  // OMENDB_TEST_ORACLE_ORACLE_HARNESS_H_
