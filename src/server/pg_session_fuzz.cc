// Copyright 2026 The OmenDB Authors.
//
// libFuzzer target for the PostgreSQL wire protocol decoders of PgSession: startup packets,
// the authentication exchanges (SCRAM-SHA-256, md5), the simple and extended query protocols
// (Parse/Bind/Describe/Execute with text and binary parameters) and COPY FROM STDIN.
//
// One small database (table t, three rows) is opened once in a temporary directory. Each input
// gets a fresh PgSession. An input is [mode][n][n big-endian uint16 cut points][client bytes]:
// the mode byte picks the authentication method (mostly trust, sometimes SCRAM, md5 or a
// cleartext password), whether TLS is available (an SSLRequest is then answered 'S' and the
// handshake taken as done), and whether a valid StartupMessage is fed first (most inputs, so
// that the fuzzer reaches the message decoders) or the client bytes only (the startup
// decoder); the client bytes are cut into n + 1 Feed calls at the cut points (n <= 4). Fails
// on a crash, a sanitizer report, or an answer that is not a sequence of well-formed messages
// (framing, and the field layout of each backend message type). Should an input change the
// database (DDL, INSERT, COPY, DELETE), it is reopened fresh so that every input starts from
// the same state. With SCRAM, the client-final-message gets the server's random nonce (see
// PatchScramNonce) when it comes in a later Feed call. Inputs over 64 KiB are skipped, and so are
// those with a string starting with '/' (COPY to or from an absolute server-side path).
//
// With OMENDB_FUZZ_VERBOSE set in the environment, each backend message is printed (type and
// body) to stderr, e.g. to see what a seed or a crashing input does.
//
// Built when OMENDB_FUZZ=ON with clang (src/server/CMakeLists.txt); seeds in fuzz_corpus/.

#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/env.h"
#include "server/metrics.h"
#include "server/pg_protocol.h"
#include "server/pg_session.h"
#include "server/scram.h"
#include "sql/engine.h"
#include "storage/database.h"

namespace {

using omen::server::AuthConfig;

constexpr size_t kMaxInput = 64 << 10;  // keeps each input cheap
constexpr size_t kMaxCuts = 4;

void Check(bool ok) {
  if (!ok) {
    std::abort();
  }
}

// The shared database and what it looks like when no input has changed it.
struct Fixture {
  std::string dir;
  std::unique_ptr<omen::storage::Database> db;
  std::string fingerprint;
  omen::server::CancelRegistry cancels;
  omen::server::ScramVerifier verifier;
  bool verbose = false;  // OMENDB_FUZZ_VERBOSE set: print what the session answers
};

// What an input could change: the tables, their columns and their rows.
std::string Fingerprint(const omen::storage::Database& db) {
  std::string out = std::to_string(db.stats().rows_inserted);
  for (const auto& t : db.Tables()) {
    out += "|" + t->name + ":" + std::to_string(t->id) + "." + std::to_string(t->schema_version);
  }
  for (const auto& s : db.table_stats()) {
    out +=
        "|" + s.name + ":" + std::to_string(s.segment_rows) + "+" + std::to_string(s.buffered_rows);
  }
  return out;
}

void OpenDatabase(Fixture* f) {
  f->db.reset();
  (void)omen::Env::Default()->RemoveAll(f->dir);
  omen::storage::StorageOptions o;
  o.sync = false;
  o.background = false;
  auto db = omen::storage::Database::Open(f->dir, o);
  Check(db.ok());
  f->db = std::move(db).value();
  omen::sql::SqlEngine engine(f->db.get(), omen::sql::QueryOptions{.threads = 1});
  Check(engine
            .Execute("CREATE TABLE t (time timestamptz NOT NULL, host text, v double precision);"
                     "INSERT INTO t VALUES ('2024-01-01 00:00:00Z', 'a', 1.5), "
                     "('2024-01-01 00:00:01Z', 'b', NULL), ('2024-01-01 00:01:00Z', 'a', -2)")
            .ok());
  f->fingerprint = Fingerprint(*f->db);
}

Fixture* GetFixture();

void RemoveDatabase() {
  Fixture* f = GetFixture();
  f->db.reset();
  (void)omen::Env::Default()->RemoveAll(f->dir);
}

// The fixture, set up on first use; its directory is removed at exit.
Fixture* GetFixture() {
  static Fixture f;
  if (f.dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    f.dir = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
            "/omendb_pg_session_fuzz_" + std::to_string(::getpid());
    f.verifier =
        omen::server::ScramVerifier::FromPasswordAndSalt("pencil", "fuzz-salt-16byte", 4096);
    f.verbose = std::getenv("OMENDB_FUZZ_VERBOSE") != nullptr;
    OpenDatabase(&f);
    std::atexit(RemoveDatabase);
  }
  return &f;
}

// Stands in for a SCRAM client: once out holds the server-first-message (r=client+server
// nonce), the first "r=<client nonce>" in the input not yet fed is followed by as many bytes
// as the full nonce has: they are overwritten with it, so that a client-final-message can
// match the random server nonce (24 characters: 18 bytes in base64, scram.cc) and the
// decoding of the proof after it is fuzzed too. True once done.
bool PatchScramNonce(const std::string& out, size_t fed, std::string* input) {
  static constexpr std::string_view kServerFirst("\0\0\0\x0br=", 6);  // AuthenticationSASLContinue
  constexpr size_t kServerNonceChars = 24;
  const size_t at = out.find(kServerFirst);
  if (at == std::string::npos) {
    return false;
  }
  const size_t begin = at + kServerFirst.size();
  const size_t end = out.find(',', begin);
  if (end == std::string::npos || end - begin <= kServerNonceChars) {
    return true;
  }
  const std::string_view nonce = std::string_view(out).substr(begin, end - begin);
  const std::string client = "r=" + std::string(nonce.substr(0, nonce.size() - kServerNonceChars));
  const size_t pos = input->find(client, fed);
  if (pos != std::string::npos && input->size() - pos - 2 >= nonce.size()) {
    input->replace(pos + 2, nonce.size(), nonce);
  }
  return true;
}

// The session's configuration from the mode byte: bits 0-2 the authentication method (0-4
// trust, 5 SCRAM-SHA-256, 6 md5, 7 cleartext password), bit 6 whether TLS is available.
omen::server::SessionConfig MakeConfig(uint8_t mode, Fixture* f, omen::server::Metrics* metrics) {
  omen::server::SessionConfig config;
  config.db = f->db.get();
  config.cancels = &f->cancels;
  config.metrics = metrics;
  config.query.threads = 1;
  config.query.memory_limit = 64 << 20;
  config.tls_available = (mode & 0x40) != 0;
  config.auth.user = "omendb";
  config.auth.password = "pencil";
  config.auth.verifier = f->verifier;
  switch (mode & 7) {
    case 5:
      config.auth.method = AuthConfig::Method::kScramSha256;
      break;
    case 6:
      config.auth.method = AuthConfig::Method::kMd5;
      break;
    case 7:
      config.auth.method = AuthConfig::Method::kPassword;
      break;
    default:
      config.auth.method = AuthConfig::Method::kTrust;
      break;
  }
  return config;
}

// A StartupMessage for user omendb with a statement timeout (a guard against slow queries).
std::string Startup() {
  std::string body;
  omen::server::MessageWriter w(&body);
  w.Int32(omen::server::kProtocolV3);
  for (const char* s : {"user", "omendb", "database", "omendb", "statement_timeout", "1000"}) {
    w.CString(s);
  }
  w.Byte(0);
  std::string out;
  omen::server::MessageWriter f(&out);
  f.Int32(static_cast<int32_t>(body.size() + 4));
  return out + body;
}

// Reads the body of one backend message field by field; false when it does not fit.
class BodyReader {
 public:
  explicit BodyReader(std::string_view body) : r_(body) {}
  bool Skip(size_t n) { return r_.Bytes(n).ok(); }
  bool CString() { return r_.CString().ok(); }
  // A count field (int16 or int32), false when negative or missing.
  bool Count16(int* n) {
    auto v = r_.Int16();
    *n = v.ok() ? *v : -1;
    return *n >= 0;
  }
  bool Int32(int32_t* v) {
    auto x = r_.Int32();
    *v = x.ok() ? *x : 0;
    return x.ok();
  }
  bool AtEnd() const { return r_.remaining() == 0; }

 private:
  omen::server::MessageReader r_;
};

// The body of a backend message of this type has the layout the protocol gives it.
bool WellFormed(char type, std::string_view body) {
  BodyReader r(body);
  int n = 0;
  int32_t len = 0;
  switch (type) {
    case 'E':  // ErrorResponse: (field type, string)* then a zero byte
      while (!body.empty() && body.front() != '\0') {
        const size_t nul = body.find('\0', 1);
        if (nul == std::string_view::npos) {
          return false;
        }
        body.remove_prefix(nul + 1);
      }
      return body.size() == 1;
    case 'C':  // CommandComplete: one string
      return r.CString() && r.AtEnd();
    case 'S':  // ParameterStatus: name, value
      return r.CString() && r.CString() && r.AtEnd();
    case 'Z':
      return body.size() == 1 && (body[0] == 'I' || body[0] == 'T' || body[0] == 'E');
    case 'K':
      return body.size() == 8;
    case 'R':
      return body.size() >= 4;
    case '1':
    case '2':
    case '3':
    case 'n':
    case 'I':
    case 's':
    case 'c':
      return body.empty();
    case 'd':
      return true;
    case 'G':  // CopyInResponse/CopyOutResponse: format, n, n column formats
    case 'H':
      return r.Skip(1) && r.Count16(&n) && r.Skip(2 * static_cast<size_t>(n)) && r.AtEnd();
    case 't':  // ParameterDescription: n, n oids
      return r.Count16(&n) && r.Skip(4 * static_cast<size_t>(n)) && r.AtEnd();
    case 'T':  // RowDescription: n, n (name, 18 bytes)
      if (!r.Count16(&n)) {
        return false;
      }
      for (int i = 0; i < n; ++i) {
        if (!r.CString() || !r.Skip(18)) {
          return false;
        }
      }
      return r.AtEnd();
    case 'D':  // DataRow: n, n (length or -1, bytes)
      if (!r.Count16(&n)) {
        return false;
      }
      for (int i = 0; i < n; ++i) {
        if (!r.Int32(&len) || len < -1 || (len > 0 && !r.Skip(static_cast<size_t>(len)))) {
          return false;
        }
      }
      return r.AtEnd();
    default:
      return false;  // a message the session never sends
  }
}

// The bytes with non-printable ones as '.', shortened (for OMENDB_FUZZ_VERBOSE).
std::string Printable(std::string_view b) {
  std::string out;
  for (char c : b.substr(0, 200)) {
    out.push_back(c >= 0x20 && c < 0x7f ? c : '.');
  }
  return out;
}

// Every message in out is framed and well formed. Before its first message the session may
// answer SSLRequests and GSSENCRequests with single bytes, 'N' or 'S' (TLS starts).
void CheckOutput(const std::string& out, bool verbose) {
  size_t p = 0;
  while (p < out.size() && (out[p] == 'N' || out[p] == 'S')) {
    ++p;
  }
  while (p < out.size()) {
    Check(p + 5 <= out.size());
    omen::server::MessageReader r(std::string_view(out).substr(p + 1, 4));
    const int32_t len = r.Int32().value();
    Check(len >= 4 && static_cast<size_t>(len) <= out.size() - p - 1);
    const std::string_view body = std::string_view(out).substr(p + 5, static_cast<size_t>(len) - 4);
    if (verbose) {
      std::fprintf(stderr, "%c %s\n", out[p], Printable(body).c_str());
    }
    Check(WellFormed(out[p], body));
    p += 1 + static_cast<size_t>(len);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2 || size > kMaxInput) {
    return 0;
  }
  const uint8_t mode = data[0];
  const size_t ncuts = data[1] % (kMaxCuts + 1);
  const size_t header = 2 + 2 * ncuts;
  if (size < header) {
    return 0;
  }
  // The input is copied so that ASan sees reads past its exact end.
  std::string input(reinterpret_cast<const char*>(data + header), size - header);
  // COPY to and from server-side files is SQL, not protocol: keep the fuzzer from writing or
  // reading absolute paths (run it from a scratch directory for relative ones).
  if (input.find("'/") != std::string::npos || input.find("$/") != std::string::npos) {
    return 0;
  }
  std::vector<size_t> cuts;
  for (size_t i = 0; i < ncuts; ++i) {
    const size_t at = static_cast<size_t>(data[2 + 2 * i]) << 8 | data[3 + 2 * i];
    cuts.push_back(at % (input.size() + 1));
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.push_back(input.size());

  Fixture* f = GetFixture();
  omen::server::Metrics metrics;
  const omen::server::SessionConfig config = MakeConfig(mode, f, &metrics);
  {
    omen::server::PgSession session(&config);
    std::string out;
    if ((mode >> 3) % 8 != 0) {  // else, one input in eight: the raw bytes only
      session.Feed(Startup(), &out);
    }
    size_t begin = 0;
    bool nonce_patched = config.auth.method != AuthConfig::Method::kScramSha256;
    for (size_t end : cuts) {
      if (session.closed()) {
        break;
      }
      session.Feed(std::string_view(input).substr(begin, end - begin), &out);
      if (session.TakeTlsRequest()) {
        session.TlsStarted();  // as if the handshake succeeded
      }
      begin = end;
      if (!nonce_patched) {
        nonce_patched = PatchScramNonce(out, begin, &input);
      }
    }
    CheckOutput(out, f->verbose);
  }

  if (Fingerprint(*f->db) != f->fingerprint) {
    OpenDatabase(f);
  }
  return 0;
}
