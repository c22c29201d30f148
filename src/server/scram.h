// Copyright 2026 The OmenDB Authors.
//
// Server-side password authentication as PostgreSQL does it: SCRAM-SHA-256 (RFC 5802 with
// SHA-256 per RFC 7677, without channel binding) and the legacy md5 challenge. ScramVerifier is
// the stored secret in PostgreSQL's text form; ScramServer runs one SCRAM exchange against it.
// All cryptography is OpenSSL's libcrypto. Passwords are used as given (no SASLprep), which
// matches PostgreSQL for ASCII passwords. Errors: a wrong proof is kInvalidArgument with SQLSTATE
// 28P01 (invalid_password); a malformed or out-of-order message, a nonce or channel-binding
// mismatch is kInvalidArgument with SQLSTATE 08P01 (protocol_violation), as PostgreSQL reports
// them. ScramVerifier and the md5 functions are thread-safe; a ScramServer is not (one per
// authentication attempt).

#ifndef OMENDB_SERVER_SCRAM_H_
#define OMENDB_SERVER_SCRAM_H_

#include <string>
#include <string_view>

#include "omendb/status.h"

namespace omen::server {

// A stored SCRAM-SHA-256 verifier, PostgreSQL's text form:
// "SCRAM-SHA-256$<iterations>:<base64 salt>$<base64 StoredKey>:<base64 ServerKey>".
struct ScramVerifier {
  int iterations = 4096;
  std::string salt;        // raw bytes
  std::string stored_key;  // raw 32 bytes
  std::string server_key;  // raw 32 bytes

  std::string ToString() const;
  // Status::InvalidArgument on malformed text (bad prefix or base64, iterations not in
  // [1, INT_MAX], empty salt, keys not 32 bytes).
  static Result<ScramVerifier> Parse(std::string_view text);
  // From a plaintext password with a fresh random 16-byte salt (iterations as given, >= 1).
  static Result<ScramVerifier> FromPassword(std::string_view password, int iterations = 4096);
  // Deterministic variant for tests. REQUIRES: iterations >= 1 (smaller values are taken as 1).
  // Should OpenSSL fail, the keys are left empty, a verifier no proof matches.
  static ScramVerifier FromPasswordAndSalt(std::string_view password, std::string_view salt,
                                           int iterations);
};

// One server-side SCRAM-SHA-256 exchange (no channel binding: the client's gs2 header must be
// "n,," or "y,,"; "p=..." is refused). Any failure ends the exchange: later calls fail too.
// Not thread-safe; one per authentication attempt.
class ScramServer {
 public:
  explicit ScramServer(ScramVerifier verifier);

  // For tests: use this server nonce instead of 18 random bytes base64-encoded.
  void SetServerNonceForTesting(std::string nonce);

  // client-first-message (e.g. "n,,n=,r=rOprNGfwEbeRWgbNEkqO") -> server-first-message
  // ("r=<client nonce><server nonce>,s=<salt b64>,i=<iterations>"). The n= user name is ignored
  // (the startup packet names the user), as PostgreSQL does; extensions after r= are ignored.
  Result<std::string> ClientFirst(std::string_view message);

  // client-final-message ("c=biws,r=...,p=<proof b64>") -> server-final-message
  // ("v=<server signature b64>"). Fails when the proof is wrong (SQLSTATE 28P01), the nonce
  // differs, c= is not the base64 of the gs2 header or the message is malformed (08P01).
  Result<std::string> ClientFinal(std::string_view message);

 private:
  enum class State { kInitial, kFirstDone, kDone, kFailed };

  ScramVerifier verifier_;
  State state_ = State::kInitial;
  std::string server_nonce_for_testing_;
  std::string gs2_header_;         // "n,," or "y,,"
  std::string client_first_bare_;  // client-first-message without the gs2 header
  std::string nonce_;              // client nonce + server nonce
  std::string server_first_;       // the server-first-message sent
};

// PostgreSQL's md5 password check: stored = "md5" + md5hex(password + user); the client sends
// "md5" + md5hex(md5hex(password + user) + salt4).
// "md5" followed by 32 lowercase hex digits (35 characters).
std::string Md5PasswordHash(std::string_view password, std::string_view user);
// True when `response` is the right answer to the 4-byte `salt4` challenge for the stored hash
// (constant-time comparison). False for a malformed stored hash, salt or response.
bool CheckMd5Response(std::string_view stored_md5_hash, std::string_view salt4,
                      std::string_view response);

}  // namespace omen::server

#endif  // OMENDB_SERVER_SCRAM_H_
