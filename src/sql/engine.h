// Copyright 2026 The OmenDB Authors.
//
// SqlEngine: runs SQL text against an embedded storage::Database: DDL (CREATE TABLE with
// OmenDB's WITH options, DROP TABLE, ALTER TABLE ADD COLUMN), INSERT ... VALUES/SELECT, DELETE,
// SELECT (QueryRunner), EXPLAIN [ANALYZE], COPY to and from files, and the session statements
// SET/SHOW/RESET and BEGIN/COMMIT/ROLLBACK. Results come back as PostgreSQL text values.
// One SqlEngine per session (it holds the session's settings and transaction-block state); the
// Database may be shared. Not thread-safe.

#ifndef OMENDB_SQL_ENGINE_H_
#define OMENDB_SQL_ENGINE_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "omendb/status.h"
#include "sql/copy.h"
#include "sql/parse_cache.h"
#include "sql/query.h"
#include "sql/settings.h"
#include "storage/database.h"

namespace omen::sql {

struct QueryResult {
  std::string command_tag;                // "CREATE TABLE", "INSERT 0 3", "SELECT 2", ...
  std::vector<std::string> column_names;  // empty for commands without rows
  std::vector<std::string> column_types;  // PostgreSQL type names ("bigint", ...)
  std::vector<std::vector<std::optional<std::string>>> rows;  // text values; nullopt = NULL
  // A SELECT run by an engine with columnar_results(): the rows as columns (rows stays empty),
  // for a caller that encodes them itself (the wire protocol) without a string per value.
  std::shared_ptr<const Relation> relation;
  int64_t num_rows() const {
    return relation != nullptr ? relation->chunk.size : static_cast<int64_t>(rows.size());
  }
  // Describe only: the inferred types of the $n parameters (index n-1), PostgreSQL names.
  std::vector<std::string> param_types;
};

// COPY ... TO STDOUT: the rows (read a piece at a time) and the options to format them with
// (sql::AppendDelimited), so that the caller formats and sends them a slice at a time.
struct CopyOutData {
  std::unique_ptr<CopyRows> rows;
  CopyOptions options;  // text or csv; zone set from the session
  int num_columns = 0;
};

// The stored form of a plaintext password (PostgreSQL's rolpassword, e.g. a SCRAM-SHA-256
// verifier) for CREATE/ALTER USER ... PASSWORD; the server supplies it (cryptography lives there).
using PasswordEncoder =
    std::function<Result<std::string>(const std::string& user, const std::string& password)>;

class SqlEngine {
 public:
  explicit SqlEngine(storage::Database* db, QueryOptions options = {})
      : db_(db), options_(options) {}
  // Runs every statement of sql in order; stops at the first error (earlier statements stay
  // applied: each statement is its own transaction).
  Result<std::vector<QueryResult>> Execute(std::string_view sql);
  // Runs one parsed statement (the server's extended protocol parses once, runs many times).
  Result<QueryResult> ExecuteStatement(const Statement& st);
  // The columns a statement would return (names and types, no rows) without running it;
  // no columns for statements that return no rows. $n parameters may be left in the statement:
  // their inferred types come back in param_types (SELECT, INSERT ... VALUES/SELECT).
  Result<QueryResult> Describe(const Statement& st);

  // COPY to and from the client (the wire protocol's copy-out and copy-in modes): `st` must be a
  // CopyStmt without a file name. Errors follow ExecuteStatement's transaction-block rules.
  Result<CopyOutData> CopyToClient(const Statement& st);
  // COPY ... TO STDOUT as columns (the server encodes FORMAT binary itself); the statement's
  // FORMAT option is not read.
  Result<std::unique_ptr<CopyRows>> CopyToClientRows(const Statement& st);
  Result<std::unique_ptr<CopyInStream>> CopyFromClient(const Statement& st);
  // Ends a CopyFromClient stream: its rows, or its error (which fails a BEGIN block).
  Result<int64_t> FinishCopyFromClient(CopyInStream* stream, const Status& client_status);

  // A SELECT's result as an Arrow IPC stream (the HTTP endpoint's format=arrow).
  Result<std::string> ArrowStream(const Statement& st);

  // The session's parse cache (Execute parses through it; so may a server's simple queries).
  ParseCache& parse_cache() { return parse_cache_; }
  SessionSettings& settings() { return settings_; }
  // The options every statement runs with (the server sets backend_pid once it is known).
  QueryOptions& options() { return options_; }
  const SessionSettings& settings() const { return settings_; }
  // CREATE/ALTER USER ... PASSWORD 'plaintext' needs one (a pre-hashed SCRAM or md5 password,
  // as psql's \password sends, does not). Unset: such statements fail with 0A000.
  void set_password_encoder(PasswordEncoder encoder) { password_encoder_ = std::move(encoder); }
  // SELECT results carry their rows in QueryResult::relation instead of text (default off).
  void set_columnar_results(bool on) { columnar_results_ = on; }
  // PostgreSQL's ReadyForQuery status: 'I' idle, 'T' in a BEGIN block, 'E' in a failed block
  // (statements other than COMMIT/ROLLBACK fail with 25P02 until it ends). Every statement
  // still commits on its own: a block groups nothing and ROLLBACK undoes nothing.
  char transaction_status() const { return txn_status_; }
  // An error outside the engine (a syntax error, a protocol error) fails a BEGIN block too.
  void FailBlock() {
    if (txn_status_ == 'T') txn_status_ = 'E';
  }

 private:
  Result<QueryResult> Dispatch(const Statement& st, const QueryOptions& options);
  // 25P02 inside a failed BEGIN block (for statements other than COMMIT/ROLLBACK).
  Status CheckBlock(const Statement& st) const;
  // CREATE/ALTER/DROP USER|ROLE against the database's UserStore, with PostgreSQL's privilege
  // rules: the session user (session_authorization; none when embedded, which may do anything)
  // needs SUPERUSER, except to change its own password.
  Result<QueryResult> Role(const RoleStmt& s);
  // DECLARE, FETCH/MOVE and CLOSE over the session's cursors (results materialized at DECLARE;
  // every direction works). COMMIT and ROLLBACK close the cursors declared without HOLD.
  Result<QueryResult> Declare(const DeclareCursorStmt& s, const QueryOptions& options);
  Result<QueryResult> Fetch(const FetchStmt& s);
  // A SELECT's result: rel itself with columnar_results(), else its rows as text.
  QueryResult ResultOf(Relation rel) const;
  // ResultOf the relation of rel's columns holding rows[i] of rel, in that order.
  QueryResult RowsOf(const Relation& rel, const std::vector<uint32_t>& rows) const;
  QueryOptions StatementOptions() const;
  // A failed statement fails the BEGIN block it runs in.
  template <typename T>
  Result<T> Track(Result<T> r) {
    if (!r.ok() && txn_status_ == 'T') txn_status_ = 'E';
    return r;
  }

  storage::Database* db_;
  QueryOptions options_;
  SessionSettings settings_;
  char txn_status_ = 'I';
  bool columnar_results_ = false;
  struct Cursor {
    std::shared_ptr<const Relation> rel;
    int64_t pos = 0;  // 0: before the first row; rows + 1: after the last
    bool hold = false;
  };
  std::map<std::string, Cursor> cursors_;
  ParseCache parse_cache_;
  PasswordEncoder password_encoder_;
};

}  // namespace omen::sql

#endif  // OMENDB_SQL_ENGINE_H_
