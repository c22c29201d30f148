// Copyright 2026 The OmenDB Authors.

#include "server/scram.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstddef>
#include <random>
#include <string>
#include <string_view>

namespace omen::server {
namespace {

// RFC 7677 section 3.
constexpr char kPassword[] = "pencil";
constexpr char kClientFirst[] = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
constexpr char kServerNonce[] = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
constexpr char kSaltB64[] = "W22ZaJ0SNY7soEsUEjb6gQ==";
constexpr char kServerFirst[] =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
constexpr char kClientFinal[] =
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
constexpr char kServerFinal[] = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

// Test-side helpers, written independently of scram.cc.
std::string B64Encode(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string B64Decode(std::string_view in) {
  std::string out(in.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  EXPECT_GE(n, 0);
  size_t pad = 0;
  if (!in.empty() && in.back() == '=') ++pad;
  if (in.size() >= 2 && in[in.size() - 2] == '=') ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

std::string Hmac(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len);
  return std::string(reinterpret_cast<const char*>(md), len);
}

std::string Digest(std::string_view data, const EVP_MD* md_type) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, md_type, nullptr);
  return std::string(reinterpret_cast<const char*>(md), len);
}

std::string Hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xF]);
  }
  return out;
}

// The value of attribute `name` in a comma-separated SCRAM message ("" if absent).
std::string Attr(std::string_view message, char name) {
  size_t start = 0;
  while (start <= message.size()) {
    size_t end = message.find(',', start);
    if (end == std::string_view::npos) end = message.size();
    const std::string_view part = message.substr(start, end - start);
    if (part.size() >= 2 && part[0] == name && part[1] == '=') return std::string(part.substr(2));
    start = end + 1;
  }
  return "";
}

// Computed once: PBKDF2 with 4096 iterations is slow enough to matter in loops.
ScramVerifier Rfc7677Verifier() {
  static const ScramVerifier* const verifier =
      new ScramVerifier(ScramVerifier::FromPasswordAndSalt(kPassword, B64Decode(kSaltB64), 4096));
  return *verifier;
}

// A server that has answered the RFC 7677 client-first-message.
ScramServer Rfc7677ServerAfterFirst() {
  ScramServer server(Rfc7677Verifier());
  server.SetServerNonceForTesting(kServerNonce);
  Result<std::string> first = server.ClientFirst(kClientFirst);
  EXPECT_TRUE(first.ok()) << first.status().ToString();
  return server;
}

TEST(ScramTest, Rfc7677TestVector) {
  ScramServer server(Rfc7677Verifier());
  server.SetServerNonceForTesting(kServerNonce);
  Result<std::string> first = server.ClientFirst(kClientFirst);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(*first, kServerFirst);
  Result<std::string> final_message = server.ClientFinal(kClientFinal);
  ASSERT_TRUE(final_message.ok()) << final_message.status().ToString();
  EXPECT_EQ(*final_message, kServerFinal);
  // The exchange is over.
  EXPECT_FALSE(server.ClientFinal(kClientFinal).ok());
  EXPECT_FALSE(server.ClientFirst(kClientFirst).ok());
}

TEST(ScramTest, WrongProofFails) {
  ScramServer server = Rfc7677ServerAfterFirst();
  std::string proof = B64Decode(Attr(kClientFinal, 'p'));
  ASSERT_EQ(proof.size(), 32u);
  proof[5] ^= 0x01;
  const std::string message =
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=" + B64Encode(proof);
  Result<std::string> result = server.ClientFinal(message);
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.status().IsInvalidArgument());
  EXPECT_STREQ(result.status().SqlState(), "28P01");
}

TEST(ScramTest, WrongPasswordFails) {
  ScramServer server(ScramVerifier::FromPasswordAndSalt("not pencil", B64Decode(kSaltB64), 4096));
  server.SetServerNonceForTesting(kServerNonce);
  ASSERT_TRUE(server.ClientFirst(kClientFirst).ok());
  Result<std::string> result = server.ClientFinal(kClientFinal);
  ASSERT_FALSE(result.ok());
  EXPECT_STREQ(result.status().SqlState(), "28P01");
}

TEST(ScramTest, ChangedNonceFails) {
  ScramServer server = Rfc7677ServerAfterFirst();
  std::string message = kClientFinal;
  const size_t pos = message.find("rOpr");
  ASSERT_NE(pos, std::string::npos);
  message[pos] = 'X';
  Result<std::string> result = server.ClientFinal(message);
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.status().IsInvalidArgument());
  EXPECT_STREQ(result.status().SqlState(), "08P01");

  // A different server nonce than the one sent: the client's proof was for another nonce.
  ScramServer other(Rfc7677Verifier());
  other.SetServerNonceForTesting("someOtherServerNonce");
  ASSERT_TRUE(other.ClientFirst(kClientFirst).ok());
  EXPECT_FALSE(other.ClientFinal(kClientFinal).ok());
}

TEST(ScramTest, ChannelBindingAttributeMustMatchGs2Header) {
  ScramServer server = Rfc7677ServerAfterFirst();
  // "eSws" is base64("y,,"), but the client sent "n,,".
  std::string message = kClientFinal;
  message.replace(2, 4, "eSws");
  EXPECT_FALSE(server.ClientFinal(message).ok());
}

TEST(ScramTest, Gs2Headers) {
  const ScramVerifier verifier = Rfc7677Verifier();
  {
    ScramServer server(verifier);
    Result<std::string> result = server.ClientFirst("p=tls-server-end-point,,n=,r=abc");
    ASSERT_FALSE(result.ok());
    EXPECT_TRUE(result.status().IsInvalidArgument());
  }
  {
    ScramServer server(verifier);
    EXPECT_FALSE(server.ClientFirst("n,a=admin,n=,r=abc").ok());
  }
  {
    ScramServer server(verifier);
    EXPECT_FALSE(server.ClientFirst("n,,m=ext,n=,r=abc").ok());
  }
  {
    ScramServer server(verifier);
    EXPECT_FALSE(server.ClientFirst("n,,n=,r=").ok());
  }
  {
    // Empty user name (PostgreSQL clients send "n=") and a trailing extension are fine.
    ScramServer server(verifier);
    server.SetServerNonceForTesting("SN");
    Result<std::string> result = server.ClientFirst("n,,n=,r=abc,x=ext");
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_EQ(*result, "r=abcSN,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
  }
}

TEST(ScramTest, RandomServerNonce) {
  ScramServer a(Rfc7677Verifier());
  ScramServer b(Rfc7677Verifier());
  Result<std::string> first_a = a.ClientFirst("n,,n=,r=abc");
  Result<std::string> first_b = b.ClientFirst("n,,n=,r=abc");
  ASSERT_TRUE(first_a.ok());
  ASSERT_TRUE(first_b.ok());
  const std::string nonce_a = Attr(*first_a, 'r');
  EXPECT_EQ(nonce_a.size(), 3u + 24u);  // client nonce + base64 of 18 random bytes
  EXPECT_EQ(nonce_a.substr(0, 3), "abc");
  EXPECT_NE(nonce_a, Attr(*first_b, 'r'));
}

TEST(ScramTest, ClientFinalBeforeClientFirstFails) {
  ScramServer server(Rfc7677Verifier());
  EXPECT_FALSE(server.ClientFinal(kClientFinal).ok());
}

TEST(ScramTest, VerifierRoundTrip) {
  const ScramVerifier v = Rfc7677Verifier();
  const std::string text = v.ToString();
  EXPECT_EQ(text.rfind("SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$", 0), 0u) << text;
  Result<ScramVerifier> parsed = ScramVerifier::Parse(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->iterations, v.iterations);
  EXPECT_EQ(parsed->salt, v.salt);
  EXPECT_EQ(parsed->stored_key, v.stored_key);
  EXPECT_EQ(parsed->server_key, v.server_key);
  EXPECT_EQ(parsed->ToString(), text);

  Result<ScramVerifier> fresh = ScramVerifier::FromPassword("secret", 1000);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(fresh->salt.size(), 16u);
  Result<ScramVerifier> reparsed = ScramVerifier::Parse(fresh->ToString());
  ASSERT_TRUE(reparsed.ok());
  EXPECT_EQ(reparsed->ToString(), fresh->ToString());
  EXPECT_EQ(reparsed->iterations, 1000);

  EXPECT_FALSE(ScramVerifier::FromPassword("secret", 0).ok());
}

TEST(ScramTest, ParseRejectsMalformed) {
  const std::string good = Rfc7677Verifier().ToString();
  ASSERT_TRUE(ScramVerifier::Parse(good).ok());
  const std::string key = B64Encode(std::string(32, 'k'));
  const std::string short_key = B64Encode(std::string(31, 'k'));
  const std::string bad[] = {
      "",
      "SCRAM-SHA-256",
      "SCRAM-SHA-256$",
      "scram-sha-256$4096:c2FsdA==$" + key + ":" + key,
      "SCRAM-SHA-1$4096:c2FsdA==$" + key + ":" + key,
      "md5a3556571e93b0d20722ba62be61e8c2d",
      "SCRAM-SHA-256$4096:c2FsdA==$" + key,
      "SCRAM-SHA-256$4096:c2FsdA==" + key + ":" + key,
      "SCRAM-SHA-256$4096$" + key + ":" + key,
      "SCRAM-SHA-256$0:c2FsdA==$" + key + ":" + key,
      "SCRAM-SHA-256$-1:c2FsdA==$" + key + ":" + key,
      "SCRAM-SHA-256$+4096:c2FsdA==$" + key + ":" + key,
      "SCRAM-SHA-256$ 4096:c2FsdA==$" + key + ":" + key,
      "SCRAM-SHA-256$99999999999:c2FsdA==$" + key + ":" + key,
      "SCRAM-SHA-256$2147483648:c2FsdA==$" + key + ":" + key,
      "SCRAM-SHA-256$:c2FsdA==$" + key + ":" + key,
      "SCRAM-SHA-256$4096:$" + key + ":" + key,
      "SCRAM-SHA-256$4096:c2FsdA=$" + key + ":" + key,
      "SCRAM-SHA-256$4096:c2F*dA==$" + key + ":" + key,
      "SCRAM-SHA-256$4096:c2FsdB==$" + key + ":" + key,  // non-canonical base64
      "SCRAM-SHA-256$4096:c2FsdA==$" + short_key + ":" + key,
      "SCRAM-SHA-256$4096:c2FsdA==$" + key + ":" + short_key,
      "SCRAM-SHA-256$4096:c2FsdA==$" + key + ":" + key + ":" + key,
      "SCRAM-SHA-256$4096:c2FsdA==$" + key + ":" + key + "$",
      "SCRAM-SHA-256$4096:c2FsdA==$" + key + ":",
      "SCRAM-SHA-256$4096:c2FsdA==$:" + key,
      "SCRAM-SHA-256$4096:c2FsdA==$" + key + ":" + key + " ",
  };
  for (const std::string& text : bad) {
    Result<ScramVerifier> parsed = ScramVerifier::Parse(text);
    EXPECT_FALSE(parsed.ok()) << text;
    if (!parsed.ok()) {
      EXPECT_TRUE(parsed.status().IsInvalidArgument()) << text;
    }
  }
  EXPECT_TRUE(ScramVerifier::Parse("SCRAM-SHA-256$2147483647:c2FsdA==$" + key + ":" + key).ok());
}

// A client written here with OpenSSL, against a verifier with a random salt.
TEST(ScramTest, IndependentClientAgainstRandomSalt) {
  const std::string password = "correct horse battery staple";
  Result<ScramVerifier> verifier = ScramVerifier::FromPassword(password, 4096);
  ASSERT_TRUE(verifier.ok()) << verifier.status().ToString();
  ScramServer server(*verifier);

  const std::string client_first_bare = "n=,r=fyko+d2lbbFgONRv9qkxdawL";
  Result<std::string> server_first = server.ClientFirst("n,," + client_first_bare);
  ASSERT_TRUE(server_first.ok()) << server_first.status().ToString();
  const std::string nonce = Attr(*server_first, 'r');
  const std::string salt = B64Decode(Attr(*server_first, 's'));
  const int iterations = std::stoi(Attr(*server_first, 'i'));
  ASSERT_EQ(nonce.rfind("fyko+d2lbbFgONRv9qkxdawL", 0), 0u);
  EXPECT_EQ(salt, verifier->salt);
  EXPECT_EQ(iterations, 4096);

  std::string salted(32, '\0');
  ASSERT_EQ(PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                              reinterpret_cast<const unsigned char*>(salt.data()),
                              static_cast<int>(salt.size()), iterations, EVP_sha256(), 32,
                              reinterpret_cast<unsigned char*>(salted.data())),
            1);
  const std::string client_key = Hmac(salted, "Client Key");
  const std::string stored_key = Digest(client_key, EVP_sha256());
  const std::string server_key = Hmac(salted, "Server Key");
  EXPECT_EQ(stored_key, verifier->stored_key);
  EXPECT_EQ(server_key, verifier->server_key);

  const std::string without_proof = "c=biws,r=" + nonce;
  const std::string auth_message = client_first_bare + "," + *server_first + "," + without_proof;
  const std::string client_signature = Hmac(stored_key, auth_message);
  std::string proof = client_key;
  for (size_t i = 0; i < proof.size(); ++i) proof[i] ^= client_signature[i];

  Result<std::string> server_final = server.ClientFinal(without_proof + ",p=" + B64Encode(proof));
  ASSERT_TRUE(server_final.ok()) << server_final.status().ToString();
  EXPECT_EQ(*server_final, "v=" + B64Encode(Hmac(server_key, auth_message)));
}

TEST(ScramTest, YFlagUsesMatchingChannelBinding) {
  const std::string password = "pw";
  const ScramVerifier verifier = ScramVerifier::FromPasswordAndSalt(password, "saltsalt", 16);
  ScramServer server(verifier);
  server.SetServerNonceForTesting("S");
  const std::string bare = "n=someone,r=C";
  Result<std::string> server_first = server.ClientFirst("y,," + bare);
  ASSERT_TRUE(server_first.ok()) << server_first.status().ToString();

  std::string salted(32, '\0');
  ASSERT_EQ(PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                              reinterpret_cast<const unsigned char*>("saltsalt"), 8, 16,
                              EVP_sha256(), 32, reinterpret_cast<unsigned char*>(salted.data())),
            1);
  const std::string client_key = Hmac(salted, "Client Key");
  const std::string without_proof = "c=" + B64Encode("y,,") + ",r=CS";
  const std::string auth_message = bare + "," + *server_first + "," + without_proof;
  const std::string signature = Hmac(Digest(client_key, EVP_sha256()), auth_message);
  std::string proof = client_key;
  for (size_t i = 0; i < proof.size(); ++i) proof[i] ^= signature[i];
  EXPECT_TRUE(server.ClientFinal(without_proof + ",p=" + B64Encode(proof)).ok());
}

TEST(ScramTest, TruncatedAndMutatedMessagesFail) {
  const std::string client_first = kClientFirst;
  // Truncated client-first messages: those cut before the nonce's first character fail; longer
  // ones are valid messages with a shorter nonce.
  const size_t nonce_start = client_first.find("r=") + 2;
  for (size_t len = 0; len < client_first.size(); ++len) {
    ScramServer server(Rfc7677Verifier());
    Result<std::string> result = server.ClientFirst(std::string_view(client_first).substr(0, len));
    if (len <= nonce_start) {
      EXPECT_FALSE(result.ok()) << len;
    } else if (result.ok()) {
      EXPECT_EQ(result->rfind("r=", 0), 0u);
    }
  }

  // Every strict prefix of the client-final message fails.
  const std::string client_final = kClientFinal;
  for (size_t len = 0; len < client_final.size(); ++len) {
    ScramServer server = Rfc7677ServerAfterFirst();
    EXPECT_FALSE(server.ClientFinal(std::string_view(client_final).substr(0, len)).ok()) << len;
  }
  // So does every single-byte change, and every message with extra bytes appended.
  for (size_t i = 0; i < client_final.size(); ++i) {
    for (int delta : {1, 0x20, 0x80, 0xFF}) {
      std::string mutated = client_final;
      mutated[i] = static_cast<char>(static_cast<unsigned char>(mutated[i]) + delta);
      ScramServer server = Rfc7677ServerAfterFirst();
      EXPECT_FALSE(server.ClientFinal(mutated).ok()) << i << " " << mutated;
    }
  }
  for (const char* suffix : {",", "=", "A", ",x=y", ",p=", ",p=AAAA"}) {
    ScramServer server = Rfc7677ServerAfterFirst();
    EXPECT_FALSE(server.ClientFinal(client_final + suffix).ok()) << suffix;
  }
  {
    // An embedded NUL byte.
    ScramServer server = Rfc7677ServerAfterFirst();
    EXPECT_FALSE(server.ClientFinal(client_final + std::string(1, '\0')).ok());
  }
  {
    // Extensions before the proof are allowed by the grammar and covered by the signature.
    ScramServer server = Rfc7677ServerAfterFirst();
    std::string with_ext = client_final;
    with_ext.insert(with_ext.find(",p="), ",x=1");
    Result<std::string> result = server.ClientFinal(with_ext);
    ASSERT_FALSE(result.ok());
    EXPECT_STREQ(result.status().SqlState(), "28P01");
  }
  {
    ScramServer server = Rfc7677ServerAfterFirst();
    EXPECT_FALSE(server.ClientFinal(std::string(70000, 'a')).ok());
  }
}

TEST(ScramTest, RandomBytesNeverCrash) {
  std::mt19937 rng(20260101);
  static constexpr char kAlphabet[] = "nyp,=rcsiam biwsAZaz09+/\0\xff";
  const std::string alphabet(kAlphabet, sizeof(kAlphabet) - 1);
  const std::string final_prefix = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,";
  const ScramVerifier verifier = Rfc7677Verifier();
  for (int iter = 0; iter < 3000; ++iter) {
    const size_t len = rng() % 96;
    std::string bytes(len, '\0');
    for (char& c : bytes) {
      c = (iter % 2 == 0) ? static_cast<char>(rng() & 0xFF) : alphabet[rng() % alphabet.size()];
    }

    ScramServer first_server(verifier);
    Result<std::string> first = first_server.ClientFirst(bytes);
    if (first.ok()) {
      // Only messages shaped like "n,,n=...,r=..." can get through.
      EXPECT_TRUE(bytes.rfind("n,,n=", 0) == 0 || bytes.rfind("y,,n=", 0) == 0) << bytes;
    }

    ScramServer server(verifier);
    server.SetServerNonceForTesting(kServerNonce);
    ASSERT_TRUE(server.ClientFirst(kClientFirst).ok());
    EXPECT_FALSE(server.ClientFinal(bytes).ok());

    ScramServer server2(verifier);
    server2.SetServerNonceForTesting(kServerNonce);
    ASSERT_TRUE(server2.ClientFirst(kClientFirst).ok());
    EXPECT_FALSE(server2.ClientFinal(final_prefix + "p=" + bytes).ok());
  }
}

TEST(Md5Test, PasswordHashAndResponse) {
  const std::string expected = "md5" + Hex(Digest("secretomendb", EVP_md5()));
  EXPECT_EQ(expected, "md517fcdf0cde173e3dc6ee03b960901bda");  // printf secretomendb | md5sum
  const std::string stored = Md5PasswordHash("secret", "omendb");
  EXPECT_EQ(stored, expected);
  EXPECT_EQ(stored.size(), 35u);

  const std::string salt("\x01\x02\xfe\x00", 4);
  const std::string response = "md5" + Hex(Digest(stored.substr(3) + salt, EVP_md5()));
  EXPECT_TRUE(CheckMd5Response(stored, salt, response));

  std::string wrong = response;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  EXPECT_FALSE(CheckMd5Response(stored, salt, wrong));
  EXPECT_FALSE(CheckMd5Response(stored, "\x01\x02\xfe\x01", response));
  EXPECT_FALSE(CheckMd5Response(stored, salt, ""));
  EXPECT_FALSE(CheckMd5Response(stored, salt, response.substr(0, 34)));
  EXPECT_FALSE(CheckMd5Response(stored, salt, response + "0"));
  EXPECT_FALSE(CheckMd5Response(stored, salt.substr(0, 3), response));
  EXPECT_FALSE(CheckMd5Response(Md5PasswordHash("other", "omendb"), salt, response));
  EXPECT_FALSE(CheckMd5Response("", salt, response));
  EXPECT_FALSE(CheckMd5Response("md5xyz", salt, response));
}

}  // namespace
}  // namespace omen::server
