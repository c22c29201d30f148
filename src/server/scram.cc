// Copyright 2026 The OmenDB Authors.

#include "server/scram.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <climits>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace omen::server {
namespace {

constexpr std::string_view kScramPrefix = "SCRAM-SHA-256";
constexpr size_t kKeyLen = 32;          // SHA-256 output
constexpr size_t kSaltLen = 16;         // PostgreSQL's SCRAM_DEFAULT_SALT_LEN
constexpr size_t kRawNonceLen = 18;     // PostgreSQL's SCRAM_RAW_NONCE_LEN
constexpr size_t kMaxMessage = 65535;   // PostgreSQL's PG_MAX_AUTH_TOKEN_LENGTH
constexpr size_t kMaxBase64 = 1 << 20;  // bound on base64 text handled, well within int

// Wipes a secret held in a std::string before it is freed.
class SecretString {
 public:
  SecretString() = default;
  SecretString(const SecretString&) = delete;
  SecretString& operator=(const SecretString&) = delete;
  ~SecretString() {
    if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
  }
  std::string s;
};

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

Status ProtocolViolation(std::string_view detail) {
  std::string msg = "malformed SCRAM message: ";
  msg += detail;
  return Status::InvalidArgument(msg).WithSqlState("08P01");
}

Status AuthFailed() {
  return Status::InvalidArgument("SCRAM authentication failed: wrong password")
      .WithSqlState("28P01");
}

bool SecureEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string Base64Encode(std::string_view in) {
  if (in.empty() || in.size() > kMaxBase64) return std::string();
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), Bytes(in),
                                static_cast<int>(in.size()));
  out.resize(n < 0 ? 0 : static_cast<size_t>(n));
  return out;
}

bool IsBase64Char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

// Strict canonical base64 with padding; nullopt for anything else (whitespace included).
std::optional<std::string> Base64Decode(std::string_view in) {
  if (in.empty()) return std::string();
  if (in.size() % 4 != 0 || in.size() > kMaxBase64) return std::nullopt;
  size_t pad = 0;
  if (in.back() == '=') ++pad;
  if (in.size() >= 2 && in[in.size() - 2] == '=') ++pad;
  if (pad == 1 && in[in.size() - 1] != '=') return std::nullopt;
  for (size_t i = 0; i < in.size() - pad; ++i) {
    if (!IsBase64Char(in[i])) return std::nullopt;
  }
  std::string out(in.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), Bytes(in),
                                static_cast<int>(in.size()));
  if (n < 0 || static_cast<size_t>(n) != out.size()) return std::nullopt;
  out.resize(out.size() - pad);  // EVP_DecodeBlock counts the padding as zero bytes
  // Canonical form only: no set bits hidden in the last character before the padding.
  if (Base64Encode(out) != in) return std::nullopt;
  return out;
}

std::optional<std::string> Sha256(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1 ||
      len != kKeyLen) {
    return std::nullopt;
  }
  return std::string(reinterpret_cast<const char*>(md), len);
}

std::optional<std::string> HmacSha256(std::string_view key, std::string_view data) {
  if (key.size() > INT_MAX) return std::nullopt;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), Bytes(data), data.size(), md,
           &len) == nullptr ||
      len != kKeyLen) {
    return std::nullopt;
  }
  return std::string(reinterpret_cast<const char*>(md), len);
}

// SaltedPassword := Hi(password, salt, i), i.e. PBKDF2-HMAC-SHA-256.
bool SaltedPassword(std::string_view password, std::string_view salt, int iterations,
                    std::string* out) {
  if (password.size() > INT_MAX || salt.size() > INT_MAX || iterations < 1) return false;
  out->assign(kKeyLen, '\0');
  return PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), Bytes(salt),
                           static_cast<int>(salt.size()), iterations, EVP_sha256(),
                           static_cast<int>(kKeyLen),
                           reinterpret_cast<unsigned char*>(out->data())) == 1;
}

// Fills in stored_key and server_key; false (keys empty) when OpenSSL fails.
bool DeriveKeys(std::string_view password, ScramVerifier* v) {
  v->stored_key.clear();
  v->server_key.clear();
  SecretString salted;
  if (!SaltedPassword(password, v->salt, v->iterations, &salted.s)) return false;
  std::optional<std::string> client_key = HmacSha256(salted.s, "Client Key");
  std::optional<std::string> server_key = HmacSha256(salted.s, "Server Key");
  if (!client_key.has_value() || !server_key.has_value()) return false;
  std::optional<std::string> stored_key = Sha256(*client_key);
  OPENSSL_cleanse(client_key->data(), client_key->size());
  if (!stored_key.has_value()) return false;
  v->stored_key = std::move(*stored_key);
  v->server_key = std::move(*server_key);
  return true;
}

// Splits on ',' (SCRAM attribute values never contain one).
std::vector<std::string_view> SplitAttributes(std::string_view s) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t comma = s.find(',', start);
    if (comma == std::string_view::npos) {
      parts.push_back(s.substr(start));
      return parts;
    }
    parts.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
}

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// "x=value" for an ASCII letter x.
bool IsAttribute(std::string_view part) {
  return part.size() >= 2 && IsAsciiLetter(part[0]) && part[1] == '=';
}

bool HasAttribute(std::string_view part, char name) { return IsAttribute(part) && part[0] == name; }

// A nonce: one or more printable ASCII characters other than ','.
bool IsValidNonce(std::string_view nonce) {
  if (nonce.empty()) return false;
  for (char c : nonce) {
    if (c < 0x21 || c > 0x7E || c == ',') return false;
  }
  return true;
}

Status CheckMessageBytes(std::string_view message) {
  if (message.empty()) return ProtocolViolation("empty message");
  if (message.size() > kMaxMessage) return ProtocolViolation("message too long");
  if (message.find('\0') != std::string_view::npos) {
    return ProtocolViolation("NUL byte in message");
  }
  return Status::OK();
}

// Parses a positive decimal int with no sign, spaces or overflow.
std::optional<int> ParsePositiveInt(std::string_view s) {
  if (s.empty() || s.size() > 10) return std::nullopt;
  int64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  if (n < 1 || n > INT_MAX) return std::nullopt;
  return static_cast<int>(n);
}

std::string Md5Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_md5(), nullptr) != 1 || len != 16) {
    return std::string();
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * len);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 0xF]);
  }
  return out;
}

// "md5" followed by 32 lowercase hex digits.
bool IsMd5Hash(std::string_view s) {
  if (s.size() != 35 || s.substr(0, 3) != "md5") return false;
  for (char c : s.substr(3)) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// ScramVerifier

std::string ScramVerifier::ToString() const {
  std::string out(kScramPrefix);
  out += '$';
  out += std::to_string(iterations);
  out += ':';
  out += Base64Encode(salt);
  out += '$';
  out += Base64Encode(stored_key);
  out += ':';
  out += Base64Encode(server_key);
  return out;
}

Result<ScramVerifier> ScramVerifier::Parse(std::string_view text) {
  const auto bad = [](std::string_view why) {
    std::string msg = "invalid SCRAM-SHA-256 verifier: ";
    msg += why;
    return Status::InvalidArgument(msg);
  };
  if (text.size() <= kScramPrefix.size() || text.substr(0, kScramPrefix.size()) != kScramPrefix ||
      text[kScramPrefix.size()] != '$') {
    return bad("expected prefix \"SCRAM-SHA-256$\"");
  }
  const std::string_view rest = text.substr(kScramPrefix.size() + 1);
  const size_t dollar = rest.find('$');
  if (dollar == std::string_view::npos) return bad("missing '$' before the keys");
  const std::string_view params = rest.substr(0, dollar);
  const std::string_view keys = rest.substr(dollar + 1);
  const size_t colon1 = params.find(':');
  const size_t colon2 = keys.find(':');
  if (colon1 == std::string_view::npos || colon2 == std::string_view::npos) {
    return bad("expected \"<iterations>:<salt>$<StoredKey>:<ServerKey>\"");
  }
  std::optional<int> iterations = ParsePositiveInt(params.substr(0, colon1));
  if (!iterations.has_value()) return bad("iteration count is not a positive integer");
  std::optional<std::string> salt = Base64Decode(params.substr(colon1 + 1));
  if (!salt.has_value() || salt->empty()) return bad("salt is not non-empty base64");
  std::optional<std::string> stored_key = Base64Decode(keys.substr(0, colon2));
  std::optional<std::string> server_key = Base64Decode(keys.substr(colon2 + 1));
  if (!stored_key.has_value() || stored_key->size() != kKeyLen || !server_key.has_value() ||
      server_key->size() != kKeyLen) {
    return bad("keys are not base64 of 32 bytes");
  }
  ScramVerifier v;
  v.iterations = *iterations;
  v.salt = std::move(*salt);
  v.stored_key = std::move(*stored_key);
  v.server_key = std::move(*server_key);
  return v;
}

Result<ScramVerifier> ScramVerifier::FromPassword(std::string_view password, int iterations) {
  if (iterations < 1) return Status::InvalidArgument("SCRAM iteration count must be positive");
  std::string salt(kSaltLen, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), static_cast<int>(salt.size())) !=
      1) {
    return Status::Internal("could not generate a random SCRAM salt");
  }
  ScramVerifier v;
  v.iterations = iterations;
  v.salt = std::move(salt);
  if (!DeriveKeys(password, &v)) return Status::Internal("could not compute the SCRAM keys");
  return v;
}

ScramVerifier ScramVerifier::FromPasswordAndSalt(std::string_view password, std::string_view salt,
                                                 int iterations) {
  ScramVerifier v;
  v.iterations = iterations < 1 ? 1 : iterations;
  v.salt = std::string(salt);
  DeriveKeys(password, &v);  // on failure the keys stay empty and no proof matches
  return v;
}

// ---------------------------------------------------------------------------------------------
// ScramServer

ScramServer::ScramServer(ScramVerifier verifier) : verifier_(std::move(verifier)) {}

void ScramServer::SetServerNonceForTesting(std::string nonce) {
  server_nonce_for_testing_ = std::move(nonce);
}

Result<std::string> ScramServer::ClientFirst(std::string_view message) {
  if (state_ != State::kInitial) {
    state_ = State::kFailed;
    return ProtocolViolation("unexpected client-first-message");
  }
  state_ = State::kFailed;  // until this message is accepted
  OMEN_RETURN_IF_ERROR(CheckMessageBytes(message));

  // gs2-header: gs2-cbind-flag "," [authzid] ","
  if (message[0] == 'p') {
    return ProtocolViolation("channel binding (SCRAM-SHA-256-PLUS) is not supported");
  }
  if (message[0] != 'n' && message[0] != 'y') {
    return ProtocolViolation("unexpected channel-binding flag");
  }
  if (message.size() < 2 || message[1] != ',') {
    return ProtocolViolation("comma expected after the channel-binding flag");
  }
  if (message.size() < 3 || message[2] != ',') {
    return ProtocolViolation("authorization identities (a=) are not supported");
  }
  const std::string_view header = message.substr(0, 3);
  const std::string_view bare = message.substr(3);

  // client-first-message-bare: [reserved-mext ","] username "," nonce ["," extensions]
  const std::vector<std::string_view> attrs = SplitAttributes(bare);
  if (!attrs.empty() && HasAttribute(attrs[0], 'm')) {
    return ProtocolViolation("mandatory SCRAM extensions are not supported");
  }
  if (attrs.size() < 2 || !HasAttribute(attrs[0], 'n')) {
    return ProtocolViolation("user name attribute (n=) expected");
  }
  if (!HasAttribute(attrs[1], 'r')) return ProtocolViolation("nonce attribute (r=) expected");
  const std::string_view client_nonce = attrs[1].substr(2);
  if (!IsValidNonce(client_nonce)) return ProtocolViolation("invalid client nonce");
  for (size_t i = 2; i < attrs.size(); ++i) {
    if (!IsAttribute(attrs[i])) return ProtocolViolation("invalid extension attribute");
  }

  std::string server_nonce = server_nonce_for_testing_;
  if (server_nonce.empty()) {
    unsigned char raw[kRawNonceLen];
    if (RAND_bytes(raw, static_cast<int>(sizeof(raw))) != 1) {
      return Status::Internal("could not generate a random SCRAM nonce");
    }
    server_nonce = Base64Encode(std::string_view(reinterpret_cast<const char*>(raw), sizeof(raw)));
  }
  const std::string salt_b64 = Base64Encode(verifier_.salt);
  if (server_nonce.empty() || salt_b64.empty()) {
    return Status::Internal("SCRAM verifier or nonce is unusable");
  }

  gs2_header_ = std::string(header);
  client_first_bare_ = std::string(bare);
  nonce_ = std::string(client_nonce) + server_nonce;
  server_first_ = "r=" + nonce_ + ",s=" + salt_b64 + ",i=" + std::to_string(verifier_.iterations);
  state_ = State::kFirstDone;
  return server_first_;
}

Result<std::string> ScramServer::ClientFinal(std::string_view message) {
  if (state_ != State::kFirstDone) {
    state_ = State::kFailed;
    return ProtocolViolation("unexpected client-final-message");
  }
  state_ = State::kFailed;  // whatever happens, the exchange ends here
  OMEN_RETURN_IF_ERROR(CheckMessageBytes(message));

  // client-final-message: "c=" cbind "," "r=" nonce ["," extensions] "," "p=" proof
  const std::vector<std::string_view> attrs = SplitAttributes(message);
  if (attrs.size() < 3) return ProtocolViolation("expected c=, r= and p= attributes");
  if (!HasAttribute(attrs[0], 'c')) {
    return ProtocolViolation("channel-binding attribute (c=) expected");
  }
  if (!HasAttribute(attrs[1], 'r')) return ProtocolViolation("nonce attribute (r=) expected");
  for (size_t i = 2; i + 1 < attrs.size(); ++i) {
    if (!IsAttribute(attrs[i]) || attrs[i][0] == 'p') {
      return ProtocolViolation("invalid attribute before the proof");
    }
  }
  const std::string_view last = attrs.back();
  if (!HasAttribute(last, 'p')) return ProtocolViolation("proof attribute (p=) expected last");

  if (attrs[0].substr(2) != Base64Encode(gs2_header_)) {
    return ProtocolViolation("channel-binding data does not match the gs2 header");
  }
  if (attrs[1].substr(2) != nonce_) return ProtocolViolation("nonce does not match");
  std::optional<std::string> proof = Base64Decode(last.substr(2));
  if (!proof.has_value() || proof->size() != kKeyLen) {
    return ProtocolViolation("proof is not base64 of 32 bytes");
  }

  const std::string_view without_proof = message.substr(0, message.size() - last.size() - 1);
  std::string auth_message = client_first_bare_;
  auth_message += ',';
  auth_message += server_first_;
  auth_message += ',';
  auth_message += without_proof;

  // ClientKey := ClientProof XOR HMAC(StoredKey, AuthMessage); valid when H(ClientKey) is
  // StoredKey.
  if (verifier_.stored_key.size() != kKeyLen || verifier_.server_key.size() != kKeyLen) {
    return AuthFailed();
  }
  std::optional<std::string> client_signature = HmacSha256(verifier_.stored_key, auth_message);
  if (!client_signature.has_value()) return Status::Internal("HMAC-SHA-256 failed");
  SecretString client_key;
  client_key.s = std::move(*proof);
  for (size_t i = 0; i < kKeyLen; ++i) client_key.s[i] ^= (*client_signature)[i];
  std::optional<std::string> computed_stored_key = Sha256(client_key.s);
  if (!computed_stored_key.has_value()) return Status::Internal("SHA-256 failed");
  if (!SecureEquals(*computed_stored_key, verifier_.stored_key)) return AuthFailed();

  std::optional<std::string> server_signature = HmacSha256(verifier_.server_key, auth_message);
  if (!server_signature.has_value()) return Status::Internal("HMAC-SHA-256 failed");
  state_ = State::kDone;
  return "v=" + Base64Encode(*server_signature);
}

// ---------------------------------------------------------------------------------------------
// md5

std::string Md5PasswordHash(std::string_view password, std::string_view user) {
  std::string input(password);
  input += user;
  std::string out = "md5" + Md5Hex(input);
  OPENSSL_cleanse(input.data(), input.size());
  return out;
}

bool CheckMd5Response(std::string_view stored_md5_hash, std::string_view salt4,
                      std::string_view response) {
  if (!IsMd5Hash(stored_md5_hash) || salt4.size() != 4) return false;
  std::string input(stored_md5_hash.substr(3));
  input += salt4;
  const std::string expected = "md5" + Md5Hex(input);
  return expected.size() == 35 && SecureEquals(expected, response);
}

}  // namespace omen::server
