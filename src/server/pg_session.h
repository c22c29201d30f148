// Copyright 2026 The OmenDB Authors.
//
// PgSession: one PostgreSQL protocol v3 connection as a byte-in, byte-out state machine, with
// no socket of its own (the server feeds it what it reads and writes what it returns, so tests
// and the fuzzer drive it directly). Covers startup (SSLRequest/GSSENCRequest answered 'N',
// CancelRequest), authentication (SCRAM-SHA-256, md5, cleartext password, trust),
// ParameterStatus and BackendKeyData, the simple query protocol (several statements per
// message, EmptyQueryResponse), the extended protocol (Parse/Bind/Describe/Execute/Sync/Flush/
// Close, named and unnamed statements and portals, row limits with PortalSuspended, text and
// binary formats), ErrorResponse with SQLSTATE and position, and Terminate.
//
// A session is used by one thread at a time. The CancelRegistry is shared and thread-safe.

#ifndef OMENDB_SERVER_PG_SESSION_H_
#define OMENDB_SERVER_PG_SESSION_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "omendb/status.h"
#include "server/metrics.h"
#include "server/pg_protocol.h"
#include "server/scram.h"
#include "sql/engine.h"
#include "storage/database.h"

namespace omen::server {

struct AuthConfig {
  enum class Method { kTrust, kScramSha256, kMd5, kPassword };
  Method method = Method::kScramSha256;
  std::string user = "omendb";
  std::string password;    // plaintext (md5 and cleartext checks)
  ScramVerifier verifier;  // SCRAM-SHA-256 (derived from password at start)
};

// What a user authenticates with: the server's own user (AuthConfig) or a role of the
// database's UserStore (CREATE USER). Unknown users and roles without LOGIN are not `exists`.
struct Credentials {
  bool exists = false;
  std::string plaintext;  // the server's own user only
  std::optional<ScramVerifier> scram;
  std::string md5;  // "md5..." stored hash
};
Credentials FindCredentials(const AuthConfig& auth, const storage::Database* db,
                            const std::string& user);
// A plaintext password (cleartext authentication, HTTP Basic) against the user's credentials,
// in constant time per form.
bool CheckPassword(const Credentials& c, std::string_view user, std::string_view password);
// Makes the server's own user (auth.user) a role of db's UserStore: a superuser whose password
// is auth's at every start (the stored verifier is kept while it still matches), so that it
// owns pg_roles' oid 10 and may CREATE USER. A role left by an earlier --user is dropped.
// PgServer and HttpServer call it when they start.
Status RegisterServerUser(const AuthConfig& auth, storage::Database* db);
// The stored form of a new password (a fresh SCRAM-SHA-256 verifier): the SqlEngine's
// PasswordEncoder for CREATE/ALTER USER.
Result<std::string> EncodePassword(const std::string& user, const std::string& password);

// Running queries by (process id, secret key), for CancelRequest from another connection.
class CancelRegistry {
 public:
  // A fresh (pid, secret) for a session whose queries watch *flag.
  std::pair<int32_t, int32_t> Register(std::shared_ptr<std::atomic<bool>> flag);
  void Unregister(int32_t pid);
  // Sets the flag of the session when the secret matches; false otherwise (silently, as
  // PostgreSQL: a wrong key gets no answer).
  bool Cancel(int32_t pid, int32_t secret);

 private:
  std::mutex mu_;
  int32_t next_pid_ = 1000;
  std::map<int32_t, std::pair<int32_t, std::shared_ptr<std::atomic<bool>>>> sessions_;
};

struct SessionConfig {
  storage::Database* db = nullptr;
  AuthConfig auth;
  CancelRegistry* cancels = nullptr;
  sql::QueryOptions query;  // threads and memory bound per query
  std::string database = "omendb";
  Metrics* metrics = nullptr;  // optional
  // The server can start TLS on the connection: SSLRequest is answered 'S' (else 'N').
  bool tls_available = false;
};

class PgSession {
 public:
  explicit PgSession(const SessionConfig* config);
  ~PgSession();
  PgSession(const PgSession&) = delete;
  PgSession& operator=(const PgSession&) = delete;

  // Consumes bytes received from the client and appends the bytes to send to *out. Complete
  // messages are handled as they arrive (queries run inside this call); partial ones wait for
  // more bytes.
  void Feed(std::string_view in, std::string* out);
  // True once the connection should be closed (Terminate, a fatal error, a cancel request)
  // after writing what Feed returned.
  bool closed() const { return closed_; }
  // The client's user name after startup (empty before).
  const std::string& user() const { return user_; }
  int32_t pid() const { return pid_; }
  // True once after the session answered an SSLRequest with 'S': the server must write what
  // Feed returned, run the TLS handshake, then call TlsStarted and feed decrypted bytes.
  bool TakeTlsRequest() { return std::exchange(tls_requested_, false); }
  void TlsStarted() { tls_ = true; }
  // Large results go out while they are encoded: once *out holds kFlushBytes, flush writes it
  // to the client (true) and the session clears it, or fails (false: the client is gone, the
  // statement stops and the session closes). Unset: everything accumulates in *out.
  void set_flush(std::function<bool(std::string*)> flush) { flush_ = std::move(flush); }
  static constexpr size_t kFlushBytes = 256 * 1024;

 private:
  enum class Phase { kStartup, kPassword, kScramFirst, kScramFinal, kReady };
  struct Prepared {
    std::string sql;
    std::vector<int32_t> param_oids;  // one per parameter; 0: not declared
    // Parsed once at Parse when every $n of the text is a placeholder node of the tree:
    // portals write their values into those nodes instead of parsing substituted text.
    std::shared_ptr<sql::Statement> parsed;
    std::vector<sql::Expr*> params;  // the placeholder nodes of *parsed
  };
  struct Portal {
    // The prepared statement's tree with the values to write into its placeholders and their
    // casts (parser type names); when null, sql is parsed instead.
    std::shared_ptr<sql::Statement> parsed;
    std::vector<sql::Expr*> params;
    std::vector<std::optional<std::string>> values;
    std::vector<std::string> casts;
    std::string sql;  // parameters substituted (when parsed is null)
    std::vector<int16_t> result_formats;
    bool executed = false;
    Status error;  // why it failed when executed: later Describes and Executes repeat it
    std::optional<sql::Statement> copy;  // a COPY to or from the client: runs at Execute
    sql::QueryResult result;
    size_t next_row = 0;
  };

  void HandleStartup(std::string_view body, std::string* out);
  void HandleMessage(char type, std::string_view body, std::string* out);
  void HandleAuth(char type, std::string_view body, std::string* out);
  void FinishStartup(std::string* out);
  void SimpleQuery(std::string_view body, std::string* out);
  // Runs simple_queue_ from simple_next_ and sends ReadyForQuery, unless a COPY FROM STDIN
  // suspends it (it then resumes when the copy ends).
  void RunSimpleQueue(std::string* out);
  // Starts a COPY to or from the client. Copy-out is sent whole; copy-in sets copy_in_ and
  // returns with the session in copy-in mode.
  Status StartCopy(const sql::Statement& st, std::string* out);
  // COPY ... TO STDOUT (FORMAT binary): the rows in PostgreSQL's binary copy format.
  Status CopyOutBinary(const sql::Statement& st, std::chrono::steady_clock::time_point start,
                       std::string* out);
  // A message while in copy-in mode (CopyData, CopyDone, CopyFail; Flush and Sync ignored).
  void HandleCopyIn(char type, std::string_view body, std::string* out);
  // Leaves copy-in mode after the copy ended (with `s`: its error or OK) and goes on.
  void EndCopyIn(const Status& s, std::string* out);
  Status Parse(std::string_view body, std::string* out);
  // Keeps st in p for binding values into when every $n of p's text is one of its placeholder
  // nodes (and the statement is one that runs with parameters); otherwise p runs from its text.
  static void KeepTree(sql::Statement st, Prepared* p);
  Status Bind(std::string_view body, std::string* out);
  Status Describe(std::string_view body, std::string* out);
  Status Execute(std::string_view body, std::string* out);
  Status Close(std::string_view body, std::string* out);
  // DEALLOCATE name | ALL (SQL): drops prepared statements (the unnamed one is never named).
  Status Deallocate(const sql::DeallocateStmt& d);
  // Runs the portal's statement once (on first Describe or Execute).
  Status RunPortal(Portal* p);
  void SendError(const Status& s, std::string* out, bool fatal = false);
  void SendReady(std::string* out);
  void SendRowDescription(const sql::QueryResult& r, const std::vector<int16_t>& formats,
                          std::string* out);
  Status SendRows(const sql::QueryResult& r, size_t begin, size_t end,
                  const std::vector<int16_t>& formats, std::string* out);
  // Between rows: fails the statement once it is cancelled, and writes out *out through
  // flush_ once it is large.
  Status FlushRows(std::string* out);
  void SendParameterStatusChanges(std::string* out);
  // Runs one statement that is not a client COPY (DEALLOCATE also drops the prepared
  // statement here), with its metrics.
  Result<sql::QueryResult> RunStatement(const sql::Statement& st);
  // Metrics for one statement that began at start and ended with command tag `tag`.
  void Observe(const sql::Statement& st, std::chrono::steady_clock::time_point start,
               const std::string& tag);

  const SessionConfig* config_;
  std::function<bool(std::string*)> flush_;
  std::unique_ptr<sql::SqlEngine> engine_;
  std::shared_ptr<std::atomic<bool>> cancel_;
  Phase phase_ = Phase::kStartup;
  std::string in_;  // received, not yet handled
  bool closed_ = false;
  bool tls_requested_ = false;
  bool tls_ = false;
  bool skip_to_sync_ = false;  // after an error in the extended protocol
  std::string user_;
  int32_t pid_ = 0, secret_ = 0;
  std::unique_ptr<ScramServer> scram_;
  Credentials credentials_;  // of user_, found at startup
  std::string md5_salt_;
  std::map<std::string, std::string> reported_;  // ParameterStatus values sent
  std::map<std::string, Prepared> statements_;
  std::map<std::string, Portal> portals_;
  // Simple-query statements of the current Query message and the next one to run.
  std::shared_ptr<const std::vector<sql::Statement>> simple_queue_;
  size_t simple_next_ = 0;
  // Copy-in mode: the stream, and whether a simple Query (not Execute) started it.
  std::unique_ptr<sql::CopyInStream> copy_in_;
  bool copy_in_simple_ = false;
  std::unique_ptr<BinaryCopyDecoder> copy_binary_;  // FORMAT binary: decodes into copy_in_
  int64_t copy_in_rows_ = 0;
  std::chrono::steady_clock::time_point copy_in_start_;
  std::string copy_in_table_;
};

}  // namespace omen::server

#endif  // OMENDB_SERVER_PG_SESSION_H_
