// Copyright 2026 The OmenDB Authors.

#include "server/pg_session.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cctype>
#include <chrono>
#include <cstring>
#include <random>

#include "common/strings.h"
#include "server/pg_protocol.h"
#include "sql/parser.h"

namespace omen::server {
namespace {

int32_t BE32(std::string_view s) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(s[static_cast<size_t>(i)]);
  return static_cast<int32_t>(v);
}

int32_t RandomInt32() {
  int32_t v = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&v), sizeof v) != 1) {
    v = static_cast<int32_t>(std::random_device{}());
  }
  return v;
}

Status Violation(const std::string& msg) {
  return Status::InvalidArgument(msg).WithSqlState("08P01");
}

Status AuthFailed(const std::string& user) {
  return Status::InvalidArgument("password authentication failed for user \"" + user + "\"")
      .WithSqlState("28P01");
}

// The format of column (or parameter) i from a format-code list (none: text; one: all).
int16_t FormatOf(const std::vector<int16_t>& formats, size_t i) {
  if (formats.empty()) return 0;
  if (formats.size() == 1) return formats[0];
  return i < formats.size() ? formats[i] : 0;
}

// COPY ... FROM STDIN or TO STDOUT (the copy modes of the protocol).
bool IsClientCopy(const sql::Statement& st) {
  const auto* c = std::get_if<sql::CopyStmt>(&st.node);
  return c != nullptr && c->filename.empty();
}

// The table an INSERT or COPY FROM writes to (empty for other statements).
std::string IngestTable(const sql::Statement& st) {
  if (const auto* i = std::get_if<sql::InsertStmt>(&st.node)) return i->table;
  if (const auto* c = std::get_if<sql::CopyStmt>(&st.node); c != nullptr && c->is_from) {
    return c->table;
  }
  return {};
}

// The row count at the end of a command tag ("INSERT 0 12", "COPY 5").
int64_t TagRows(std::string_view tag) {
  const size_t sp = tag.rfind(' ');
  if (sp == std::string_view::npos) return 0;
  int64_t n = 0;
  for (char c : tag.substr(sp + 1)) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + (c - '0');
  }
  return n;
}

// A result of `columns` columns fits the Int16 column counts of the protocol's messages.
Status CheckWidth(size_t columns) {
  if (columns <= kMaxFields) return Status::OK();
  return Status::InvalidArgument("a result of " + std::to_string(columns) +
                                 " columns does not fit the protocol (at most " +
                                 std::to_string(kMaxFields) + ")")
      .WithSqlState("54011");
}

Result<std::vector<int16_t>> ReadFormats(MessageReader* r) {
  OMEN_ASSIGN_OR_RETURN(int16_t n, r->Int16());
  if (n < 0) return Violation("negative format count");
  std::vector<int16_t> out;
  for (int16_t i = 0; i < n; ++i) {
    OMEN_ASSIGN_OR_RETURN(int16_t f, r->Int16());
    if (f != 0 && f != 1) return Violation("invalid format code " + std::to_string(f));
    out.push_back(f);
  }
  return out;
}

}  // namespace

// ---- CancelRegistry

std::pair<int32_t, int32_t> CancelRegistry::Register(std::shared_ptr<std::atomic<bool>> flag) {
  std::lock_guard<std::mutex> lock(mu_);
  const int32_t pid = next_pid_++;
  const int32_t secret = RandomInt32();
  sessions_[pid] = {secret, std::move(flag)};
  return {pid, secret};
}

void CancelRegistry::Unregister(int32_t pid) {
  std::lock_guard<std::mutex> lock(mu_);
  sessions_.erase(pid);
}

bool CancelRegistry::Cancel(int32_t pid, int32_t secret) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(pid);
  if (it == sessions_.end() || it->second.first != secret) return false;
  it->second.second->store(true);
  return true;
}

// ---- Credentials

Credentials FindCredentials(const AuthConfig& auth, const storage::Database* db,
                            const std::string& user) {
  Credentials c;
  if (user == auth.user) {
    c.exists = true;
    c.plaintext = auth.password;
    c.scram = auth.verifier;
    c.md5 = Md5PasswordHash(auth.password, auth.user);
    return c;
  }
  if (db == nullptr) return c;
  auto u = db->users().Find(user);
  if (!u.has_value() || !u->login) return c;
  c.exists = true;
  if (u->password.rfind("md5", 0) == 0) {
    c.md5 = u->password;
  } else if (auto v = ScramVerifier::Parse(u->password); v.ok()) {
    c.scram = *v;
  }
  return c;
}

bool CheckPassword(const Credentials& c, std::string_view user, std::string_view password) {
  if (!c.exists) return false;
  if (!c.plaintext.empty() || (!c.scram.has_value() && c.md5.empty())) {
    return !c.plaintext.empty() && password.size() == c.plaintext.size() &&
           CRYPTO_memcmp(password.data(), c.plaintext.data(), password.size()) == 0;
  }
  if (c.scram.has_value()) {
    const ScramVerifier v =
        ScramVerifier::FromPasswordAndSalt(password, c.scram->salt, c.scram->iterations);
    return v.stored_key.size() == c.scram->stored_key.size() && !v.stored_key.empty() &&
           CRYPTO_memcmp(v.stored_key.data(), c.scram->stored_key.data(), v.stored_key.size()) == 0;
  }
  const std::string hash = Md5PasswordHash(password, user);
  return hash.size() == c.md5.size() && CRYPTO_memcmp(hash.data(), c.md5.data(), hash.size()) == 0;
}

Status RegisterServerUser(const AuthConfig& auth, storage::Database* db) {
  storage::UserStore& users = db->users();
  for (const auto& u : users.List()) {
    if (u.builtin && u.name != auth.user) OMEN_RETURN_IF_ERROR(users.Drop(u.name));
  }
  storage::UserRecord self;
  self.name = auth.user;
  self.superuser = true;
  self.builtin = true;
  if (auto old = users.Find(auth.user); old.has_value() && old->builtin) {
    Credentials c;
    c.exists = true;
    if (auto stored = ScramVerifier::Parse(old->password); stored.ok()) c.scram = *stored;
    if (CheckPassword(c, auth.user, auth.password)) self.password = old->password;
  }
  if (self.password.empty() && !auth.verifier.stored_key.empty()) {
    self.password = auth.verifier.ToString();
  } else if (self.password.empty()) {
    OMEN_ASSIGN_OR_RETURN(self.password, EncodePassword(auth.user, auth.password));
  }
  return users.Put(std::move(self));
}

Result<std::string> EncodePassword(const std::string& /*user*/, const std::string& password) {
  OMEN_ASSIGN_OR_RETURN(ScramVerifier v, ScramVerifier::FromPassword(password));
  return v.ToString();
}

// ---- PgSession

PgSession::PgSession(const SessionConfig* config)
    : config_(config), cancel_(std::make_shared<std::atomic<bool>>(false)) {
  sql::QueryOptions options = config_->query;
  options.cancel = cancel_.get();
  engine_ = std::make_unique<sql::SqlEngine>(config_->db, options);
  engine_->set_columnar_results(true);
  engine_->set_password_encoder(EncodePassword);
}

PgSession::~PgSession() {
  if (pid_ != 0 && config_->cancels != nullptr) config_->cancels->Unregister(pid_);
}

void PgSession::Feed(std::string_view in, std::string* out) {
  in_.append(in);
  size_t pos = 0;
  while (!closed_) {
    const std::string_view avail = std::string_view(in_).substr(pos);
    if (phase_ == Phase::kStartup) {
      if (avail.size() < 4) break;
      const int32_t len = BE32(avail);
      if (len < 8 || static_cast<size_t>(len) > kMaxStartupBytes) {
        SendError(Violation("invalid length of startup packet"), out, true);
        break;
      }
      if (avail.size() < static_cast<size_t>(len)) break;
      HandleStartup(avail.substr(4, static_cast<size_t>(len) - 4), out);
      pos += static_cast<size_t>(len);
      if (tls_requested_) {
        // Bytes sent in the clear after SSLRequest, before the handshake, could be injected
        // by a man in the middle: refuse them (as PostgreSQL does since CVE-2021-23214).
        if (pos < in_.size()) {
          SendError(Violation("received unencrypted data after SSL request"), out, true);
          tls_requested_ = false;
        }
        break;
      }
      continue;
    }
    if (avail.size() < 5) break;
    const char type = avail[0];
    const int32_t len = BE32(avail.substr(1));
    if (len < 4 || static_cast<size_t>(len) > kMaxMessageBytes) {
      SendError(Violation("invalid message length " + std::to_string(len)), out, true);
      break;
    }
    if (avail.size() < static_cast<size_t>(len) + 1) break;
    const std::string_view body = avail.substr(5, static_cast<size_t>(len) - 4);
    if (phase_ == Phase::kReady) {
      HandleMessage(type, body, out);
    } else {
      HandleAuth(type, body, out);
    }
    pos += static_cast<size_t>(len) + 1;
  }
  in_.erase(0, pos);
  if (closed_) in_.clear();
}

void PgSession::HandleStartup(std::string_view body, std::string* out) {
  MessageReader r(body);
  const int32_t code = r.Int32().value();  // the length check guarantees 4 bytes
  if (code == kSslRequest && config_->tls_available && !tls_) {
    out->push_back('S');  // the server starts TLS once this byte is sent (TakeTlsRequest)
    tls_requested_ = true;
    return;
  }
  if (code == kSslRequest || code == kGssEncRequest) {
    out->push_back('N');  // no TLS (or GSS encryption): the client goes on in the clear
    return;
  }
  if (code == kCancelRequest) {
    auto pid = r.Int32();
    auto secret = r.Int32();
    if (pid.ok() && secret.ok() && config_->cancels != nullptr) {
      config_->cancels->Cancel(*pid, *secret);
    }
    closed_ = true;
    return;
  }
  if ((code >> 16) != 3) {
    SendError(Status::NotSupported("unsupported frontend protocol " + std::to_string(code >> 16) +
                                   "." + std::to_string(code & 0xffff))
                  .WithSqlState("0A000"),
              out, true);
    return;
  }
  std::vector<std::pair<std::string, std::string>> params;
  while (true) {
    auto name = r.CString();
    if (!name.ok()) {
      SendError(name.status(), out, true);
      return;
    }
    if (name->empty()) break;
    auto value = r.CString();
    if (!value.ok()) {
      SendError(value.status(), out, true);
      return;
    }
    params.emplace_back(std::string(*name), std::string(*value));
  }
  for (const auto& [name, value] : params) {
    if (name == "user") {
      user_ = value;
    } else if (name != "database" && name != "options" && name != "replication") {
      Status s = engine_->settings().SetStartup(name, value);
      if (!s.ok()) {
        SendError(s, out, true);
        return;
      }
    }
  }
  if (user_.empty()) {
    SendError(Status::InvalidArgument("no PostgreSQL user name specified in startup packet")
                  .WithSqlState("28000"),
              out, true);
    return;
  }
  (void)engine_->settings().SetStartup("session_authorization", user_);
  const AuthConfig& auth = config_->auth;
  credentials_ = FindCredentials(auth, config_->db, user_);
  MessageWriter w(out);
  auto start_scram = [&] {
    w.Begin('R');
    w.Int32(10);
    w.CString("SCRAM-SHA-256");
    w.Byte(0);
    w.End();
    // Without a verifier the exchange runs against one no proof matches, so that the client
    // cannot tell an unknown user from a wrong password (as PostgreSQL's mock authentication).
    scram_ = std::make_unique<ScramServer>(
        credentials_.scram.has_value()
            ? *credentials_.scram
            : ScramVerifier::FromPasswordAndSalt("", "omendb-mock-salt-" + user_, 4096));
    phase_ = Phase::kScramFirst;
  };
  switch (auth.method) {
    case AuthConfig::Method::kTrust:
      if (!credentials_.exists) {
        SendError(
            Status::InvalidArgument("role \"" + user_ + "\" does not exist").WithSqlState("28000"),
            out, true);
        return;
      }
      FinishStartup(out);
      return;
    case AuthConfig::Method::kScramSha256:
      start_scram();
      return;
    case AuthConfig::Method::kMd5: {
      // A password stored only as a SCRAM verifier cannot answer md5: PostgreSQL then runs SCRAM.
      if (credentials_.md5.empty() && credentials_.scram.has_value()) {
        start_scram();
        return;
      }
      md5_salt_.resize(4);
      const int32_t salt = RandomInt32();
      std::memcpy(md5_salt_.data(), &salt, 4);
      w.Begin('R');
      w.Int32(5);
      w.Bytes(md5_salt_);
      w.End();
      phase_ = Phase::kPassword;
      return;
    }
    case AuthConfig::Method::kPassword:
      w.Begin('R');
      w.Int32(3);
      w.End();
      phase_ = Phase::kPassword;
      return;
  }
}

void PgSession::HandleAuth(char type, std::string_view body, std::string* out) {
  if (type != 'p') {
    SendError(Violation("expected a password message, got '" + std::string(1, type) + "'"), out,
              true);
    return;
  }
  const AuthConfig& auth = config_->auth;
  MessageReader r(body);
  MessageWriter w(out);
  // Every failure looks the same to the client (no hint whether the user exists).
  const bool user_ok = credentials_.exists;
  if (phase_ == Phase::kScramFirst) {
    auto mech = r.CString();
    auto len = r.Int32();
    if (!mech.ok() || !len.ok() || *mech != "SCRAM-SHA-256" || *len < 0 ||
        static_cast<size_t>(*len) != r.remaining()) {
      SendError(Violation("malformed SASLInitialResponse"), out, true);
      return;
    }
    auto first = scram_->ClientFirst(r.Bytes(r.remaining()).value());
    if (!first.ok()) {
      SendError(first.status(), out, true);
      return;
    }
    w.Begin('R');
    w.Int32(11);
    w.Bytes(*first);
    w.End();
    phase_ = Phase::kScramFinal;
    return;
  }
  if (phase_ == Phase::kScramFinal) {
    auto final_msg = scram_->ClientFinal(body);
    if (!final_msg.ok() || !user_ok) {
      SendError(AuthFailed(user_), out, true);
      return;
    }
    w.Begin('R');
    w.Int32(12);
    w.Bytes(*final_msg);
    w.End();
    FinishStartup(out);
    return;
  }
  // Cleartext or md5 password.
  auto password = r.CString();
  if (!password.ok()) {
    SendError(password.status(), out, true);
    return;
  }
  bool ok = false;
  if (auth.method == AuthConfig::Method::kMd5) {
    ok = !credentials_.md5.empty() && CheckMd5Response(credentials_.md5, md5_salt_, *password);
  } else {
    ok = CheckPassword(credentials_, user_, *password);
  }
  if (!ok || !user_ok) {
    SendError(AuthFailed(user_), out, true);
    return;
  }
  FinishStartup(out);
}

void PgSession::FinishStartup(std::string* out) {
  MessageWriter w(out);
  w.Begin('R');
  w.Int32(0);  // AuthenticationOk
  w.End();
  phase_ = Phase::kReady;
  SendParameterStatusChanges(out);
  if (config_->cancels != nullptr) {
    std::tie(pid_, secret_) = config_->cancels->Register(cancel_);
  }
  engine_->options().backend_pid = pid_;  // pg_backend_pid()
  w.Begin('K');
  w.Int32(pid_);
  w.Int32(secret_);
  w.End();
  SendReady(out);
}

void PgSession::SendParameterStatusChanges(std::string* out) {
  MessageWriter w(out);
  for (const std::string& name : sql::SessionSettings::Reported()) {
    auto value = engine_->settings().Get(name);
    if (!value.ok()) continue;
    auto it = reported_.find(name);
    if (it != reported_.end() && it->second == *value) continue;
    reported_[name] = *value;
    w.Begin('S');
    w.CString(name);
    w.CString(*value);
    w.End();
  }
}

void PgSession::SendReady(std::string* out) {
  MessageWriter w(out);
  w.Begin('Z');
  w.Byte(static_cast<uint8_t>(engine_->transaction_status()));
  w.End();
}

void PgSession::SendError(const Status& s, std::string* out, bool fatal) {
  engine_->FailBlock();  // as PostgreSQL: any error inside BEGIN aborts the block
  if (config_->metrics != nullptr) config_->metrics->CountError(s.SqlState());
  MessageWriter w(out);
  w.Begin('E');
  const char* severity = fatal ? "FATAL" : "ERROR";
  w.Byte('S');
  w.CString(severity);
  w.Byte('V');
  w.CString(severity);
  w.Byte('C');
  w.CString(s.SqlState());
  w.Byte('M');
  w.CString(s.message());
  if (s.position() > 0) {
    w.Byte('P');
    w.CString(std::to_string(s.position()));
  }
  w.Byte(0);
  w.End();
  if (fatal) closed_ = true;
}

void PgSession::SendRowDescription(const sql::QueryResult& r, const std::vector<int16_t>& formats,
                                   std::string* out) {
  MessageWriter w(out);
  w.Begin('T');
  w.Int16(static_cast<int16_t>(r.column_names.size()));
  for (size_t c = 0; c < r.column_names.size(); ++c) {
    const PgType t = PgTypeOfName(c < r.column_types.size() ? r.column_types[c] : "text");
    w.CString(r.column_names[c]);
    w.Int32(0);  // table oid
    w.Int16(0);  // column number
    w.Int32(t.oid);
    w.Int16(t.size);
    w.Int32(-1);  // typmod
    w.Int16(FormatOf(formats, c));
  }
  w.End();
}

Status PgSession::SendRows(const sql::QueryResult& r, size_t begin, size_t end,
                           const std::vector<int16_t>& formats, std::string* out) {
  const size_t ncols = r.column_names.size();
  std::vector<int32_t> oids;
  std::vector<bool> binary;
  for (size_t c = 0; c < ncols; ++c) {
    oids.push_back(PgTypeOfName(c < r.column_types.size() ? r.column_types[c] : "text").oid);
    binary.push_back(FormatOf(formats, c) == 1);
  }
  const exec::Chunk* chunk = r.relation != nullptr ? &r.relation->chunk : nullptr;
  const TimeZone* zone = engine_->settings().time_zone().get();
  MessageWriter w(out);
  for (size_t i = begin; i < end; ++i) {
    if ((i - begin) % 1024 == 1023) OMEN_RETURN_IF_ERROR(FlushRows(out));
    w.Begin('D');
    w.Int16(static_cast<int16_t>(ncols));
    for (size_t c = 0; c < ncols; ++c) {
      if (chunk != nullptr) {
        const exec::Vector& v = chunk->cols[c];
        const auto row = static_cast<int64_t>(i);
        if (v.IsNull(row)) {
          w.Int32(-1);
        } else if (binary[c]) {
          OMEN_RETURN_IF_ERROR(AppendBinaryField(v, row, oids[c], out));
        } else {
          const size_t at = out->size();
          w.Int32(0);
          exec::AppendText(v, row, out, zone);
          PatchFieldLength(out, at);
        }
        continue;
      }
      const auto& cell = r.rows[i][c];
      if (!cell.has_value()) {
        w.Int32(-1);
      } else if (binary[c]) {
        OMEN_ASSIGN_OR_RETURN(std::string b, TextToBinary(oids[c], *cell));
        w.Int32(static_cast<int32_t>(b.size()));
        w.Bytes(b);
      } else {
        w.Int32(static_cast<int32_t>(cell->size()));
        w.Bytes(*cell);
      }
    }
    w.End();
  }
  return Status::OK();
}

Status PgSession::FlushRows(std::string* out) {
  if (cancel_->load(std::memory_order_relaxed)) {
    return Status::Aborted("canceling statement due to user request").WithSqlState("57014");
  }
  if (flush_ == nullptr || out->size() < kFlushBytes) return Status::OK();
  if (!flush_(out)) {
    closed_ = true;
    return Status::IOError("could not send data to client").WithSqlState("08006");
  }
  out->clear();
  return Status::OK();
}

void PgSession::HandleMessage(char type, std::string_view body, std::string* out) {
  if (copy_in_ != nullptr) {
    HandleCopyIn(type, body, out);
    return;
  }
  switch (type) {
    case 'Q':
      SimpleQuery(body, out);
      return;
    case 'S':  // Sync
      skip_to_sync_ = false;
      SendReady(out);
      return;
    case 'H':  // Flush: everything is written after each Feed anyway
      return;
    case 'X':  // Terminate
      closed_ = true;
      return;
    case 'd':  // CopyData/CopyDone/CopyFail outside COPY: ignored, as PostgreSQL does
    case 'c':
    case 'f':
      return;
    case 'P':
    case 'B':
    case 'D':
    case 'E':
    case 'C': {
      if (skip_to_sync_) return;
      Status s;
      if (type == 'P') s = Parse(body, out);
      if (type == 'B') s = Bind(body, out);
      if (type == 'D') s = Describe(body, out);
      if (type == 'E') s = Execute(body, out);
      if (type == 'C') s = Close(body, out);
      if (!s.ok()) {
        SendError(s, out);
        skip_to_sync_ = true;
      }
      return;
    }
    case 'F':
      SendError(
          Status::NotSupported("the function call protocol is not supported").WithSqlState("0A000"),
          out);
      SendReady(out);
      return;
    default:
      SendError(
          Violation("invalid frontend message type " + std::to_string(static_cast<uint8_t>(type))),
          out, true);
  }
}

void PgSession::SimpleQuery(std::string_view body, std::string* out) {
  MessageReader r(body);
  auto text = r.CString();
  if (!text.ok()) {
    SendError(text.status(), out, true);
    return;
  }
  auto statements = engine_->parse_cache().Parse(*text);
  MessageWriter w(out);
  if (!statements.ok()) {
    SendError(statements.status(), out);
  } else if ((*statements)->empty()) {
    w.Begin('I');  // EmptyQueryResponse
    w.End();
  } else {
    simple_queue_ = std::move(*statements);
    simple_next_ = 0;
    RunSimpleQueue(out);
    return;
  }
  SendReady(out);
}

void PgSession::Observe(const sql::Statement& st, std::chrono::steady_clock::time_point start,
                        const std::string& tag) {
  if (config_->metrics == nullptr) return;
  config_->metrics->ObserveStatement(
      StatementKind(st),
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  const std::string table = IngestTable(st);
  if (!table.empty()) config_->metrics->AddRowsIngested(table, "pgwire", TagRows(tag));
}

Result<sql::QueryResult> PgSession::RunStatement(const sql::Statement& st) {
  if (const auto* d = std::get_if<sql::DeallocateStmt>(&st.node); d != nullptr) {
    OMEN_RETURN_IF_ERROR(Deallocate(*d));
  }
  const auto start = std::chrono::steady_clock::now();
  auto result = engine_->ExecuteStatement(st);
  Observe(st, start, result.ok() ? result->command_tag : std::string());
  return result;
}

void PgSession::RunSimpleQueue(std::string* out) {
  MessageWriter w(out);
  while (simple_queue_ != nullptr && simple_next_ < simple_queue_->size()) {
    const sql::Statement& st = (*simple_queue_)[simple_next_++];
    cancel_->store(false);
    if (IsClientCopy(st)) {
      Status s = StartCopy(st, out);
      if (!s.ok()) {
        SendError(s, out);
        break;
      }
      if (copy_in_ != nullptr) {
        copy_in_simple_ = true;
        return;  // resumed by EndCopyIn
      }
      continue;
    }
    auto result = RunStatement(st);
    if (!result.ok()) {
      SendError(result.status(), out);
      break;
    }
    if (Status s = CheckWidth(result->column_names.size()); !s.ok()) {
      SendError(s, out);
      break;
    }
    if (!result->column_names.empty()) {
      SendRowDescription(*result, {}, out);
      Status s = SendRows(*result, 0, static_cast<size_t>(result->num_rows()), {}, out);
      if (!s.ok()) {
        SendError(s, out);
        break;
      }
    }
    w.Begin('C');
    w.CString(result->command_tag);
    w.End();
    SendParameterStatusChanges(out);
  }
  simple_queue_.reset();
  simple_next_ = 0;
  SendReady(out);
}

namespace {

// FORMAT binary (also the old COPY ... BINARY form) among a COPY's options; the other options
// PostgreSQL refuses with it are refused here too.
Result<bool> BinaryCopy(const sql::CopyStmt& copy) {
  bool binary = false;
  for (const auto& [k, v] : copy.options) {
    if (AsciiLower(k) == "format" && AsciiLower(v) == "binary") binary = true;
  }
  if (!binary) return false;
  for (const auto& [k, v] : copy.options) {
    const std::string key = AsciiLower(k);
    if (key != "format" && key != "freeze") {
      std::string upper = key;
      for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      return Status::InvalidArgument("cannot specify " + upper + " in BINARY mode")
          .WithSqlState("42601");
    }
  }
  return true;
}

}  // namespace

Status PgSession::StartCopy(const sql::Statement& st, std::string* out) {
  const auto& copy = std::get<sql::CopyStmt>(st.node);
  OMEN_ASSIGN_OR_RETURN(const bool binary, BinaryCopy(copy));
  MessageWriter w(out);
  if (copy.is_from) {
    if (binary) {  // decoded here into CSV for the engine's text path
      sql::Statement csv;
      sql::CopyStmt c = copy;
      c.options = {{"format", "csv"}};
      csv.node = std::move(c);
      OMEN_ASSIGN_OR_RETURN(copy_in_, engine_->CopyFromClient(csv));
      std::vector<int32_t> oids;
      for (int c : copy_in_->columns()) {
        const storage::ColumnDef& col = copy_in_->table().columns[static_cast<size_t>(c)];
        oids.push_back(
            PgTypeOfName(exec::TypeName(exec::TypeOfArrow(storage::ArrowTypeOf(col.type)))).oid);
      }
      copy_binary_ = std::make_unique<BinaryCopyDecoder>(std::move(oids));
    } else {
      OMEN_ASSIGN_OR_RETURN(copy_in_, engine_->CopyFromClient(st));
    }
    if (Status s = CheckWidth(static_cast<size_t>(copy_in_->num_columns())); !s.ok()) {
      (void)engine_->FinishCopyFromClient(copy_in_.get(), s);
      copy_in_.reset();
      copy_binary_.reset();
      return s;
    }
    copy_in_rows_ = 0;
    copy_in_start_ = std::chrono::steady_clock::now();
    copy_in_table_ = std::get<sql::CopyStmt>(st.node).table;
    w.Begin('G');  // CopyInResponse: every column text, or every column binary
    w.Byte(binary ? 1 : 0);
    w.Int16(static_cast<int16_t>(copy_in_->num_columns()));
    for (int i = 0; i < copy_in_->num_columns(); ++i) w.Int16(binary ? 1 : 0);
    w.End();
    return Status::OK();
  }
  const auto start = std::chrono::steady_clock::now();
  if (binary) return CopyOutBinary(st, start, out);
  OMEN_ASSIGN_OR_RETURN(sql::CopyOutData data, engine_->CopyToClient(st));
  Observe(st, start, "");
  OMEN_RETURN_IF_ERROR(CheckWidth(static_cast<size_t>(data.num_columns)));
  w.Begin('H');  // CopyOutResponse
  w.Byte(0);
  w.Int16(static_cast<int16_t>(data.num_columns));
  for (int i = 0; i < data.num_columns; ++i) w.Int16(0);
  w.End();
  // Formatted and sent 1024 rows at a time, one CopyData per row as PostgreSQL sends them.
  std::string text;
  std::vector<size_t> row_ends;
  auto send = [&]() -> Status {
    size_t line = 0;
    for (size_t end : row_ends) {
      w.Begin('d');
      w.Bytes(std::string_view(text).substr(line, end - line));
      w.End();
      line = end;
    }
    text.clear();
    row_ends.clear();
    return FlushRows(out);
  };
  if (data.options.header) {
    sql::AppendDelimitedHeader(data.rows->names(), data.options, &text, &row_ends);
  }
  int64_t rows = 0;
  sql::Relation piece;
  while (true) {
    OMEN_ASSIGN_OR_RETURN(const bool more, data.rows->Next(&piece));
    if (!more) break;
    for (int64_t begin = 0; begin < piece.chunk.size; begin += 1024) {
      sql::AppendDelimited(piece, data.options, begin,
                           std::min<int64_t>(piece.chunk.size, begin + 1024), &text, &row_ends);
      OMEN_RETURN_IF_ERROR(send());
    }
    rows += piece.chunk.size;
  }
  OMEN_RETURN_IF_ERROR(send());
  w.Begin('c');  // CopyDone
  w.End();
  w.Begin('C');
  w.CString("COPY " + std::to_string(rows));
  w.End();
  return Status::OK();
}

Status PgSession::CopyOutBinary(const sql::Statement& st,
                                std::chrono::steady_clock::time_point start, std::string* out) {
  OMEN_ASSIGN_OR_RETURN(std::unique_ptr<sql::CopyRows> rows, engine_->CopyToClientRows(st));
  Observe(st, start, "");
  const size_t ncols = rows->names().size();
  OMEN_RETURN_IF_ERROR(CheckWidth(ncols));
  std::vector<int32_t> oids;
  for (exec::LType t : rows->types()) {
    oids.push_back(
        PgTypeOfName(exec::TypeName(t == exec::LType::kNull ? exec::LType::kText : t)).oid);
  }
  MessageWriter w(out);
  w.Begin('H');
  w.Byte(1);
  w.Int16(static_cast<int16_t>(ncols));
  for (size_t i = 0; i < ncols; ++i) w.Int16(1);
  w.End();
  // One CopyData per row (the header travels with the first), then one with the trailer, as
  // PostgreSQL sends them: psycopg reads a row per message.
  w.Begin('d');
  w.Bytes(BinaryCopyHeader());
  int64_t sent = 0;
  sql::Relation piece;
  while (true) {
    OMEN_ASSIGN_OR_RETURN(const bool more, rows->Next(&piece));
    if (!more) break;
    for (int64_t r = 0; r < piece.chunk.size; ++r, ++sent) {
      if (sent > 0) w.Begin('d');
      w.Int16(static_cast<int16_t>(ncols));
      for (size_t c = 0; c < ncols; ++c) {
        const exec::Vector& v = piece.chunk.cols[c];
        if (v.IsNull(r)) {
          w.Int32(-1);
          continue;
        }
        OMEN_RETURN_IF_ERROR(AppendBinaryField(v, r, oids[c], out));
      }
      w.End();
      if (sent % 1024 == 1023) OMEN_RETURN_IF_ERROR(FlushRows(out));
    }
  }
  if (sent > 0) w.Begin('d');
  w.Int16(-1);  // trailer
  w.End();
  w.Begin('c');
  w.End();
  w.Begin('C');
  w.CString("COPY " + std::to_string(sent));
  w.End();
  return Status::OK();
}

void PgSession::HandleCopyIn(char type, std::string_view body, std::string* out) {
  switch (type) {
    case 'd': {
      Status s;
      if (copy_binary_ != nullptr) {
        std::string csv;
        s = copy_binary_->Feed(body, &csv);
        if (s.ok() && !csv.empty()) s = copy_in_->Write(csv);
      } else {
        s = copy_in_->Write(body);
      }
      if (!s.ok()) EndCopyIn(engine_->FinishCopyFromClient(copy_in_.get(), s).status(), out);
      return;
    }
    case 'c': {
      if (copy_binary_ != nullptr) {
        if (Status s = copy_binary_->Finish(); !s.ok()) {
          EndCopyIn(engine_->FinishCopyFromClient(copy_in_.get(), s).status(), out);
          return;
        }
      }
      auto rows = engine_->FinishCopyFromClient(copy_in_.get(), Status::OK());
      if (rows.ok()) copy_in_rows_ = *rows;
      EndCopyIn(rows.status(), out);
      return;
    }
    case 'f': {
      MessageReader r(body);
      auto msg = r.CString();
      Status s = Status::Aborted("COPY from stdin failed: " +
                                 std::string(msg.ok() ? *msg : std::string_view("(no message)")))
                     .WithSqlState("57014");
      EndCopyIn(engine_->FinishCopyFromClient(copy_in_.get(), s).status(), out);
      return;
    }
    case 'H':  // libpq may send Flush and Sync without noticing the COPY: ignored
    case 'S':
      return;
    default: {
      Status s = Violation(
          "unexpected message type 0x" + std::string(1, "0123456789ABCDEF"[(type >> 4) & 15]) +
          std::string(1, "0123456789ABCDEF"[type & 15]) + " during COPY from stdin");
      EndCopyIn(engine_->FinishCopyFromClient(copy_in_.get(), s).status(), out);
      return;
    }
  }
}

void PgSession::EndCopyIn(const Status& s, std::string* out) {
  copy_in_.reset();
  copy_binary_.reset();
  if (config_->metrics != nullptr) {
    config_->metrics->ObserveStatement(
        "copy",
        std::chrono::duration<double>(std::chrono::steady_clock::now() - copy_in_start_).count());
    if (s.ok()) config_->metrics->AddRowsIngested(copy_in_table_, "pgwire", copy_in_rows_);
  }
  MessageWriter w(out);
  if (s.ok()) {
    w.Begin('C');
    w.CString("COPY " + std::to_string(copy_in_rows_));
    w.End();
  } else {
    SendError(s, out);
  }
  if (copy_in_simple_) {
    copy_in_simple_ = false;
    if (!s.ok()) simple_next_ = simple_queue_->size();  // the rest of the Query is skipped
    RunSimpleQueue(out);
  } else if (!s.ok()) {
    skip_to_sync_ = true;
  }
}

void PgSession::KeepTree(sql::Statement st, Prepared* p) {
  if (IsClientCopy(st) || !(std::holds_alternative<sql::SelectStmt>(st.node) ||
                            std::holds_alternative<sql::InsertStmt>(st.node) ||
                            std::holds_alternative<sql::DeleteStmt>(st.node) ||
                            std::holds_alternative<sql::ExplainStmt>(st.node))) {
    return;
  }
  auto tree = std::make_shared<sql::Statement>(std::move(st));
  std::vector<sql::Expr*> params = sql::CollectParams(tree.get());
  bool usable = params.size() == static_cast<size_t>(CountParamRefs(p->sql));
  for (const sql::Expr* e : params) {
    usable &= e->param_index >= 1 && static_cast<size_t>(e->param_index) <= p->param_oids.size();
  }
  if (usable) {
    p->parsed = std::move(tree);
    p->params = std::move(params);
  }
}

Status PgSession::Parse(std::string_view body, std::string* out) {
  MessageReader r(body);
  OMEN_ASSIGN_OR_RETURN(std::string_view name, r.CString());
  OMEN_ASSIGN_OR_RETURN(std::string_view query, r.CString());
  OMEN_ASSIGN_OR_RETURN(int16_t n, r.Int16());
  if (n < 0) return Violation("negative parameter count");
  Prepared p;
  p.sql = std::string(query);
  for (int16_t i = 0; i < n; ++i) {
    OMEN_ASSIGN_OR_RETURN(int32_t oid, r.Int32());
    p.param_oids.push_back(oid);
  }
  if (!name.empty() && statements_.count(std::string(name)) > 0) {
    return Status::AlreadyExists("prepared statement \"" + std::string(name) + "\" already exists")
        .WithSqlState("42P05");
  }
  const size_t used = static_cast<size_t>(CountParams(p.sql));
  if (used > kMaxFields) {  // neither Bind nor ParameterDescription could carry them
    return Status::InvalidArgument("statement uses parameter $" + std::to_string(used) +
                                   "; at most " + std::to_string(kMaxFields) + " are supported")
        .WithSqlState("54023");
  }
  p.param_oids.resize(std::max(used, p.param_oids.size()), 0);
  // The unnamed statement parsed again with the same text (PQexecParams, pgx and JDBC send
  // Parse before every run): its tree is reused, its placeholders are bound at each run anyway.
  if (auto old = statements_.find(""); name.empty() && old != statements_.end() &&
                                       old->second.parsed != nullptr && old->second.sql == p.sql) {
    p.parsed = old->second.parsed;
    p.params = old->second.params;
  } else {
    OMEN_ASSIGN_OR_RETURN(auto parsed, sql::Parse(p.sql));
    if (parsed.size() > 1) {
      return Status::SyntaxError("cannot insert multiple commands into a prepared statement")
          .WithSqlState("42601");
    }
    if (parsed.size() == 1) KeepTree(std::move(parsed[0]), &p);
  }
  statements_[std::string(name)] = std::move(p);
  MessageWriter w(out);
  w.Begin('1');
  w.End();
  return Status::OK();
}

Status PgSession::Bind(std::string_view body, std::string* out) {
  MessageReader r(body);
  OMEN_ASSIGN_OR_RETURN(std::string_view portal_name, r.CString());
  OMEN_ASSIGN_OR_RETURN(std::string_view stmt_name, r.CString());
  OMEN_ASSIGN_OR_RETURN(std::vector<int16_t> param_formats, ReadFormats(&r));
  OMEN_ASSIGN_OR_RETURN(int16_t n, r.Int16());
  auto it = statements_.find(std::string(stmt_name));
  if (it == statements_.end()) {
    return Status::NotFound("prepared statement \"" + std::string(stmt_name) + "\" does not exist")
        .WithSqlState("26000");
  }
  const Prepared& p = it->second;
  const size_t nparams = p.param_oids.size();
  if (static_cast<size_t>(n) != nparams) {
    return Violation("bind message supplies " + std::to_string(n) +
                     " parameters, but prepared statement \"" + std::string(stmt_name) +
                     "\" requires " + std::to_string(nparams));
  }
  if (param_formats.size() > 1 && param_formats.size() != static_cast<size_t>(n)) {
    return Violation("bind message has " + std::to_string(param_formats.size()) +
                     " parameter formats but " + std::to_string(n) + " parameters");
  }
  std::vector<std::optional<std::string>> values;
  for (int16_t i = 0; i < n; ++i) {
    OMEN_ASSIGN_OR_RETURN(int32_t len, r.Int32());
    if (len == -1) {
      values.emplace_back(std::nullopt);
      continue;
    }
    if (len < 0) return Violation("invalid parameter length " + std::to_string(len));
    OMEN_ASSIGN_OR_RETURN(std::string_view bytes, r.Bytes(static_cast<size_t>(len)));
    if (FormatOf(param_formats, static_cast<size_t>(i)) == 1) {
      const int32_t oid = p.param_oids[static_cast<size_t>(i)];
      if (oid == 0) {
        return Status::InvalidArgument("binary parameter $" + std::to_string(i + 1) +
                                       " needs a declared type")
            .WithSqlState("08P01");
      }
      OMEN_ASSIGN_OR_RETURN(std::string text, BinaryToText(oid, bytes));
      values.emplace_back(std::move(text));
    } else {
      values.emplace_back(std::string(bytes));
    }
  }
  OMEN_ASSIGN_OR_RETURN(std::vector<int16_t> result_formats, ReadFormats(&r));
  Portal portal;
  if (p.parsed != nullptr) {
    for (const auto& v : values) {
      if (v.has_value() && v->find('\0') != std::string::npos) {
        return Status::InvalidArgument("invalid byte sequence for encoding \"UTF8\": 0x00")
            .WithSqlState("22021");
      }
    }
    portal.parsed = p.parsed;
    portal.params = p.params;
    for (int32_t oid : p.param_oids) portal.casts.push_back(ParserTypeOfOid(oid));
    portal.values = std::move(values);
  } else {
    OMEN_ASSIGN_OR_RETURN(portal.sql, SubstituteParams(p.sql, values, p.param_oids));
  }
  portal.result_formats = std::move(result_formats);
  portals_[std::string(portal_name)] = std::move(portal);
  MessageWriter w(out);
  w.Begin('2');
  w.End();
  return Status::OK();
}

Status PgSession::RunPortal(Portal* p) {
  if (p->executed) return p->error;
  std::vector<sql::Statement> parsed;
  const sql::Statement* st = nullptr;
  if (p->parsed != nullptr) {
    for (sql::Expr* e : p->params) {
      const auto k = static_cast<size_t>(e->param_index - 1);
      sql::BindParam(e, p->values[k], p->casts[k]);
    }
    st = p->parsed.get();
  } else {
    OMEN_ASSIGN_OR_RETURN(parsed, sql::Parse(p->sql));
    if (!parsed.empty()) st = &parsed[0];
  }
  p->executed = true;
  if (st == nullptr) return Status::OK();
  if (parsed.size() == 1 && IsClientCopy(parsed[0])) {
    p->copy = std::move(parsed[0]);
    return Status::OK();
  }
  cancel_->store(false);
  auto result = RunStatement(*st);
  if (!result.ok()) {
    p->error = result.status();
    return p->error;
  }
  const size_t columns = result->column_names.size();
  p->error = CheckWidth(columns);
  if (p->error.ok() && p->result_formats.size() > 1 && p->result_formats.size() != columns) {
    p->error = Violation("bind message has " + std::to_string(p->result_formats.size()) +
                         " result formats but query has " + std::to_string(columns) + " columns");
  }
  if (p->error.ok()) p->result = std::move(*result);
  return p->error;
}

Status PgSession::Describe(std::string_view body, std::string* out) {
  MessageReader r(body);
  OMEN_ASSIGN_OR_RETURN(uint8_t kind, r.Byte());
  OMEN_ASSIGN_OR_RETURN(std::string_view name, r.CString());
  MessageWriter w(out);
  if (kind == 'S') {
    auto it = statements_.find(std::string(name));
    if (it == statements_.end()) {
      return Status::NotFound("prepared statement \"" + std::string(name) + "\" does not exist")
          .WithSqlState("26000");
    }
    Prepared& p = it->second;
    // Plan (nothing runs) with the untyped parameters left as $n, so that the planner infers
    // their types from context; should that fail, with NULLs (parameters described as text).
    std::vector<std::optional<std::string>> nulls(p.param_oids.size());
    sql::QueryResult desc;
    Result<sql::QueryResult> described = Status::NotFound("");
    if (auto sql = SubstituteParams(p.sql, nulls, p.param_oids, /*keep_untyped_nulls=*/true);
        sql.ok()) {
      if (auto parsed = sql::Parse(*sql); parsed.ok() && !parsed->empty()) {
        described = engine_->Describe((*parsed)[0]);
      }
    }
    if (described.ok()) {
      desc = std::move(*described);
    } else {
      OMEN_ASSIGN_OR_RETURN(std::string sql, SubstituteParams(p.sql, nulls, p.param_oids));
      OMEN_ASSIGN_OR_RETURN(auto parsed, sql::Parse(sql));
      if (!parsed.empty()) {
        OMEN_ASSIGN_OR_RETURN(desc, engine_->Describe(parsed[0]));
      }
    }
    OMEN_RETURN_IF_ERROR(CheckWidth(desc.column_names.size()));
    w.Begin('t');
    w.Int16(static_cast<int16_t>(p.param_oids.size()));
    for (size_t i = 0; i < p.param_oids.size(); ++i) {
      int32_t oid = p.param_oids[i];
      if (oid == 0 && i < desc.param_types.size() && !desc.param_types[i].empty()) {
        // Later Binds read values of this type (in binary too), as the client now expects.
        oid = PgTypeOfName(desc.param_types[i]).oid;
        p.param_oids[i] = oid;
      }
      // Not inferred: described as text, still substituted as an untyped literal.
      w.Int32(oid == 0 ? kOidText : oid);
    }
    w.End();
    if (desc.column_names.empty()) {
      w.Begin('n');  // NoData
      w.End();
    } else {
      SendRowDescription(desc, {}, out);
    }
    return Status::OK();
  }
  if (kind != 'P') return Violation("invalid DESCRIBE message subtype " + std::to_string(kind));
  auto it = portals_.find(std::string(name));
  if (it == portals_.end()) {
    return Status::NotFound("portal \"" + std::string(name) + "\" does not exist")
        .WithSqlState("34000");
  }
  OMEN_RETURN_IF_ERROR(RunPortal(&it->second));
  if (it->second.result.column_names.empty()) {
    w.Begin('n');
    w.End();
  } else {
    SendRowDescription(it->second.result, it->second.result_formats, out);
  }
  return Status::OK();
}

Status PgSession::Execute(std::string_view body, std::string* out) {
  MessageReader r(body);
  OMEN_ASSIGN_OR_RETURN(std::string_view name, r.CString());
  OMEN_ASSIGN_OR_RETURN(int32_t max_rows, r.Int32());
  auto it = portals_.find(std::string(name));
  if (it == portals_.end()) {
    return Status::NotFound("portal \"" + std::string(name) + "\" does not exist")
        .WithSqlState("34000");
  }
  Portal& p = it->second;
  OMEN_RETURN_IF_ERROR(RunPortal(&p));
  MessageWriter w(out);
  if (p.copy.has_value()) {
    cancel_->store(false);
    sql::Statement st = std::move(*p.copy);
    p.copy.reset();
    p.result.command_tag = "COPY";  // a second Execute completes with no rows
    return StartCopy(st, out);
  }
  if (p.result.command_tag.empty() && p.result.column_names.empty()) {
    w.Begin('I');  // an empty query string
    w.End();
    return Status::OK();
  }
  if (!p.result.column_names.empty()) {
    const auto total = static_cast<size_t>(p.result.num_rows());
    size_t end = total;
    if (max_rows > 0) end = std::min(total, p.next_row + static_cast<size_t>(max_rows));
    OMEN_RETURN_IF_ERROR(SendRows(p.result, p.next_row, end, p.result_formats, out));
    const size_t sent = end - p.next_row;
    p.next_row = end;
    if (end < total) {
      w.Begin('s');  // PortalSuspended
      w.End();
      return Status::OK();
    }
    w.Begin('C');
    w.CString(p.result.command_tag.rfind("SELECT", 0) == 0 ? "SELECT " + std::to_string(sent)
                                                           : p.result.command_tag);
    w.End();
  } else {
    w.Begin('C');
    w.CString(p.result.command_tag);
    w.End();
  }
  SendParameterStatusChanges(out);
  return Status::OK();
}

Status PgSession::Deallocate(const sql::DeallocateStmt& d) {
  if (d.name.empty()) {
    statements_.clear();
    return Status::OK();
  }
  if (statements_.erase(d.name) == 0) {
    return Status::NotFound("prepared statement \"" + d.name + "\" does not exist")
        .WithSqlState("26000");
  }
  return Status::OK();
}

Status PgSession::Close(std::string_view body, std::string* out) {
  MessageReader r(body);
  OMEN_ASSIGN_OR_RETURN(uint8_t kind, r.Byte());
  OMEN_ASSIGN_OR_RETURN(std::string_view name, r.CString());
  if (kind == 'S') {
    statements_.erase(std::string(name));
  } else if (kind == 'P') {
    portals_.erase(std::string(name));
  } else {
    return Violation("invalid CLOSE message subtype " + std::to_string(kind));
  }
  MessageWriter w(out);
  w.Begin('3');
  w.End();
  return Status::OK();
}

}  // namespace omen::server
