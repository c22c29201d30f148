// Copyright 2026 The OmenDB Authors.

#include "sql/pg_json.h"

#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "sql/parser.h"

namespace omen::sql {
namespace {

const JsonNode& Root(const std::unique_ptr<JsonDocument>& d) { return d->root(); }

TEST(PgJson, ReadsEveryKindAndFallsBackToDefaults) {
  auto doc = JsonDocument::Parse(
      R"( {"s": "x", "i": -42, "big": 12345678901234, "f": 1.5e2, "t": true, "n": null,
           "a": [1, [], {}, "y"], "o": {"k": {"deep": [false]}}, "e": ""} )");
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  const JsonNode& r = Root(*doc);
  ASSERT_TRUE(r.is_object());
  EXPECT_EQ(r.size(), 9u);
  EXPECT_EQ(r.key(0), "s");
  EXPECT_EQ(r.value("s", std::string()), "x");
  EXPECT_EQ(r.value("i", 0), -42);
  EXPECT_EQ(r.value("big", int64_t{0}), 12345678901234);
  EXPECT_EQ(r.value("big", 7), 7);  // beyond int: the default
  EXPECT_DOUBLE_EQ(r["f"].get_double(), 150.0);
  EXPECT_FALSE(r["f"].is_number_integer());
  EXPECT_TRUE(r.value("t", false));
  EXPECT_TRUE(r["n"].is_null());
  EXPECT_TRUE(r.contains("n"));
  EXPECT_FALSE(r.contains("missing"));
  EXPECT_EQ(r.find("missing"), r.end());
  EXPECT_TRUE(r["missing"].is_null());
  EXPECT_EQ(r.value("e", std::string("d")), "");
  // Absent, null or of another kind: the default.
  EXPECT_EQ(r.value("missing", std::string("d")), "d");
  EXPECT_EQ(r.value("i", std::string("d")), "d");
  EXPECT_EQ(r.value("s", 3), 3);
  EXPECT_TRUE(r.value("n", JsonNode::array()).is_array());
  const JsonNode& a = r.value("a", JsonNode::array());
  ASSERT_EQ(a.size(), 4u);
  EXPECT_TRUE(a[1].is_array() && a[1].empty());
  EXPECT_TRUE(a[2].is_object() && a[2].empty());
  EXPECT_EQ(a.back().get_string(), "y");
  int n = 0;
  for (const JsonNode& x : a) n += x.is_array() ? 10 : 1;
  EXPECT_EQ(n, 13);
  EXPECT_FALSE(r["o"]["k"]["deep"][0].get_bool());
  EXPECT_EQ(r["o"].dump(), R"({"k": {"deep": [false]}})");
  EXPECT_EQ(r["f"].dump(), "1.5e2");
  EXPECT_EQ(JsonNode::object().dump(), "{}");
}

TEST(PgJson, DecodesEscapesToUtf8) {
  auto doc = JsonDocument::Parse(
      R"(["a\"b\\c\/d\b\f\n\r\t", "\u00e9\u4e2d\ud83d\ude00", "caf\u00e9 ok", "plain é"])");
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  const JsonNode& r = Root(*doc);
  EXPECT_EQ(r[0].get_string(), "a\"b\\c/d\b\f\n\r\t");
  EXPECT_EQ(r[1].get_string(), "\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80");
  EXPECT_EQ(r[2].get_string(), "caf\xc3\xa9 ok");
  EXPECT_EQ(r[3].get_string(), "plain \xc3\xa9");
}

TEST(PgJson, RefusesMalformedDocuments) {
  for (const std::string& bad : std::vector<std::string>{"",
                                                         " ",
                                                         "{",
                                                         "}",
                                                         "[1,",
                                                         "[1 2]",
                                                         "[1,]",
                                                         "[,]",
                                                         "{,}",
                                                         R"({"a" 1})",
                                                         "{a:1}",
                                                         R"({"a":1,})",
                                                         R"({"a":})",
                                                         "tru",
                                                         "nul",
                                                         "falsey",
                                                         "01",
                                                         "1.",
                                                         "-",
                                                         "1e",
                                                         "1e+",
                                                         ".5",
                                                         "+1",
                                                         R"("\x")",
                                                         R"("\u12")",
                                                         R"("\u12g4")",
                                                         R"("\ud800")",
                                                         R"("\ud800\u0041")",
                                                         R"("\udc00")",
                                                         "\"abc",
                                                         "\"a\x01"
                                                         "b\"",
                                                         "\"\xff\"",
                                                         "\"\xc0\xaf\"",
                                                         "\"\xed\xa0\x80\"",
                                                         "\"\xf4\x90\x80\x80\"",
                                                         "\"\xe2\x82\"",
                                                         "[1]x",
                                                         "[1]]",
                                                         "{\"a\":1}}",
                                                         "nullnull",
                                                         std::string("[\0]", 3)}) {
    auto doc = JsonDocument::Parse(bad);
    EXPECT_FALSE(doc.ok()) << "accepted: " << bad;
    if (!doc.ok()) {
      EXPECT_TRUE(doc.status().IsInvalidArgument()) << bad;
    }
  }
}

// Nesting costs heap, not stack: a million levels parse (or fail cleanly when unclosed).
TEST(PgJson, DeepNestingIsIterative) {
  const size_t depth = 1000000;
  std::string deep = std::string(depth, '[') + std::string(depth, ']');
  auto doc = JsonDocument::Parse(deep);
  ASSERT_TRUE(doc.ok());
  const JsonNode* n = &(*doc)->root();
  size_t levels = 0;
  while (n->is_array() && !n->empty()) {
    n = n->begin();
    ++levels;
  }
  EXPECT_EQ(levels, depth - 1);
  EXPECT_FALSE(JsonDocument::Parse(std::string(depth, '[')).ok());
  EXPECT_FALSE(JsonDocument::Parse(std::string(depth, '{')).ok());
}

// Random documents written by nlohmann::json read back to the same values.
void ExpectSame(const nlohmann::json& want, const JsonNode& got, const std::string& path) {
  switch (want.type()) {
    case nlohmann::json::value_t::null:
      EXPECT_TRUE(got.is_null()) << path;
      break;
    case nlohmann::json::value_t::boolean:
      EXPECT_TRUE(got.is_boolean() && got.get_bool() == want.get<bool>()) << path;
      break;
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      EXPECT_TRUE(got.is_number_integer()) << path;
      EXPECT_EQ(got.get_int(), want.get<int64_t>()) << path;
      break;
    case nlohmann::json::value_t::number_float:
      EXPECT_DOUBLE_EQ(got.get_double(), want.get<double>()) << path;
      break;
    case nlohmann::json::value_t::string:
      EXPECT_EQ(got.get_string(), want.get<std::string>()) << path;
      break;
    case nlohmann::json::value_t::array:
      ASSERT_TRUE(got.is_array()) << path;
      ASSERT_EQ(got.size(), want.size()) << path;
      for (size_t i = 0; i < want.size(); ++i) {
        ExpectSame(want[i], got[i], path + "[" + std::to_string(i) + "]");
      }
      break;
    case nlohmann::json::value_t::object: {
      ASSERT_TRUE(got.is_object()) << path;
      ASSERT_EQ(got.size(), want.size()) << path;
      for (const auto& [k, v] : want.items()) {
        ASSERT_TRUE(got.contains(k)) << path << "." << k;
        ExpectSame(v, got[k], path + "." + k);
      }
      break;
    }
    default:
      ADD_FAILURE() << path;
  }
}

TEST(PgJson, MatchesNlohmannOnRandomDocuments) {
  std::mt19937_64 rng(7);
  const char* const pieces[] = {
      "a", "\"", "\\", "/",  "\n", "\t", "\x01", "\xc3\xa9", "\xe4\xb8\xad", "\xf0\x9f\x98\x80",
      " ", "}",  "]",  "key"};
  auto text = [&] {
    std::string s;
    for (uint64_t k = rng() % 6; k > 0; --k) s += pieces[rng() % 14];
    return s;
  };
  std::function<nlohmann::json(int)> make = [&](int depth) -> nlohmann::json {
    switch (depth > 4 ? rng() % 5 : rng() % 7) {
      case 0:
        return nullptr;
      case 1:
        return rng() % 2 == 0;
      case 2:
        return static_cast<int64_t>(rng()) >> (rng() % 64);
      case 3:
        return static_cast<double>(static_cast<int64_t>(rng() % 2000000) - 1000000) / 7.0;
      case 4:
        return text();
      case 5: {
        nlohmann::json a = nlohmann::json::array();
        for (uint64_t k = rng() % 5; k > 0; --k) a.push_back(make(depth + 1));
        return a;
      }
      default: {
        nlohmann::json o = nlohmann::json::object();
        for (uint64_t k = rng() % 5; k > 0; --k) o[text() + std::to_string(k)] = make(depth + 1);
        return o;
      }
    }
  };
  for (int i = 0; i < 2000; ++i) {
    const nlohmann::json want = make(0);
    const std::string s = want.dump(rng() % 2 == 0 ? -1 : 1, ' ', rng() % 2 == 0);
    auto doc = JsonDocument::Parse(s);
    ASSERT_TRUE(doc.ok()) << s << ": " << doc.status().ToString();
    ExpectSame(want, (*doc)->root(), "$");
    if (HasFailure()) {
      ADD_FAILURE() << s;
      return;
    }
  }
}

// The SQL front end over it: identifiers and strings that libpg_query copies through unchanged
// must be UTF-8 (the error PostgreSQL gives), every other byte sequence works.
TEST(PgJson, SqlTextWithOddBytes) {
  EXPECT_FALSE(Parse("SELECT 'a\xff'").ok());
  EXPECT_EQ(Parse("SELECT 'a\xff'").status().message(),
            "invalid byte sequence for encoding \"UTF8\"");
  EXPECT_FALSE(Parse("SELECT \"\xc3\" FROM t").ok());
  EXPECT_TRUE(Parse("SELECT 'é\t\"\\', \"中\" FROM t WHERE x = E'\\n'").ok());
}

}  // namespace
}  // namespace omen::sql
