// Copyright 2026 The OmenDB Authors.

#include "server/pg_protocol.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "common/datetime.h"
#include "exec/types.h"
#include "server/pg_session.h"
#include "sql/parser.h"
#include "storage/test_database.h"

namespace omen::server {
namespace {

TEST(PgProtocol, ReaderIsBoundsChecked) {
  std::string msg;
  MessageWriter w(&msg);
  w.Begin('Q');
  w.Int32(-7);
  w.Int16(513);
  w.CString("hello");
  w.End();
  ASSERT_EQ(msg.size(), 1 + 4 + 4 + 2 + 6u);
  EXPECT_EQ(msg[0], 'Q');
  EXPECT_EQ(msg[4], static_cast<char>(msg.size() - 1));  // length counts itself, not the type
  MessageReader r(std::string_view(msg).substr(5));
  EXPECT_EQ(r.Int32().value(), -7);
  EXPECT_EQ(r.Int16().value(), 513);
  EXPECT_EQ(r.CString().value(), "hello");
  EXPECT_EQ(r.Int32().status().SqlState(), std::string("08P01"));
  MessageReader no_nul("abc");
  EXPECT_FALSE(no_nul.CString().ok());
  MessageReader shorter("ab");
  EXPECT_FALSE(shorter.Bytes(3).ok());
}

TEST(PgProtocol, BinaryRoundTripsThroughText) {
  struct Case {
    int32_t oid;
    const char* text;
    size_t bytes;
  };
  const Case cases[] = {{kOidBool, "t", 1},
                        {kOidInt2, "-32768", 2},
                        {kOidInt4, "2147483647", 4},
                        {kOidInt8, "-9223372036854775808", 8},
                        {kOidFloat8, "0.1", 8},
                        {kOidFloat8, "Infinity", 8},
                        {kOidFloat4, "1.5", 4},
                        {kOidTimestampTz, "2024-01-01 00:00:00.5+00", 8},
                        {kOidTimestamp, "1999-12-31 23:59:59", 8},
                        {kOidDate, "2024-02-29", 4},
                        {kOidTime, "13:45:00.25", 8},
                        {kOidTime, "24:00:00", 8},
                        {kOidInterval, "1 year 2 mons 3 days 04:05:06", 16},
                        {kOidText, "héllo", 6}};
  for (const Case& c : cases) {
    auto b = TextToBinary(c.oid, c.text);
    ASSERT_TRUE(b.ok()) << c.text << ": " << b.status().ToString();
    EXPECT_EQ(b->size(), c.bytes) << c.text;
    auto t = BinaryToText(c.oid, *b);
    ASSERT_TRUE(t.ok()) << c.text;
    if (c.oid == kOidBool) {
      EXPECT_EQ(*t, "true");
    } else {
      EXPECT_EQ(*t, c.text);
    }
  }
  // PostgreSQL's epoch: 2000-01-01 is zero.
  EXPECT_EQ(TextToBinary(kOidTimestampTz, "2000-01-01 00:00:00+00").value(), std::string(8, '\0'));
  EXPECT_EQ(TextToBinary(kOidDate, "2000-01-01").value(), std::string(4, '\0'));
  EXPECT_EQ(TextToBinary(kOidTime, "00:00").value(), std::string(8, '\0'));
  EXPECT_EQ(BinaryToText(kOidTime, std::string(8, '\xff')).status().SqlState(),
            std::string("22008"));  // -1 microseconds
  EXPECT_FALSE(TextToBinary(kOidTime, "25:00").ok());
  // Bad values and sizes are errors.
  EXPECT_FALSE(TextToBinary(kOidInt2, "40000").ok());
  EXPECT_FALSE(TextToBinary(kOidInt4, "12x").ok());
  EXPECT_FALSE(TextToBinary(kOidNumeric, "1.5").ok());
  EXPECT_EQ(BinaryToText(kOidInt8, "abc").status().SqlState(), std::string("22P03"));
  EXPECT_EQ(BinaryToText(kOidBytea, "\x01\xff").value(), "\\x01ff");
}

TEST(PgProtocol, ParametersAreSubstitutedOutsideStringsAndComments) {
  const std::vector<std::optional<std::string>> v = {"it's", std::nullopt, "42"};
  auto s = SubstituteParams(
      "SELECT $1, '$2', \"$3\", $2 -- $1\n/* $1 /* $2 */ */ , E'\\'$1', $$ $1 $$, $tag$ $3 "
      "$tag$, $3",
      v, {0, kOidInt8, kOidInt4});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(*s,
            "SELECT ('it''s'), '$2', \"$3\", (NULL::bigint) -- $1\n/* $1 /* $2 */ */ , E'\\'$1', "
            "$$ $1 $$, $tag$ $3 $tag$, ('42'::integer)");
  EXPECT_EQ(CountParams("SELECT $1 + $12, '$40'"), 12);
  EXPECT_EQ(SubstituteParams("SELECT $4", v, {}).status().SqlState(), std::string("42P02"));
  EXPECT_EQ(SubstituteParams("SELECT $1", {std::string("a\0b", 3)}, {}).status().SqlState(),
            std::string("22021"));
}

// Startup packet for user with params.
std::string Startup(const std::string& user) {
  std::string body;
  MessageWriter w(&body);
  w.Int32(kProtocolV3);
  w.CString("user");
  w.CString(user);
  w.CString("application_name");
  w.CString("test");
  w.Byte(0);
  std::string out;
  MessageWriter f(&out);
  f.Int32(static_cast<int32_t>(body.size() + 4));
  out += body;
  return out;
}

// Result columns are encoded straight from the executor's vectors: every value must read as
// FormatValue's text, and its binary form must be what TextToBinary makes of that text.
TEST(PgProtocol, ColumnsEncodeAsTheirTextWould) {
  using exec::LType;
  struct Case {
    LType type;
    int32_t oid;
    std::vector<exec::Value> values;
  };
  auto ints = [](std::vector<int64_t> v) {
    std::vector<exec::Value> out;
    for (int64_t x : v) out.push_back(exec::Value::Int(LType::kInt64, x));
    return out;
  };
  auto floats = [](std::vector<double> v) {
    std::vector<exec::Value> out;
    for (double x : v) out.push_back(exec::Value::Float(LType::kFloat64, x));
    return out;
  };
  const std::vector<Case> cases = {
      {LType::kBool, kOidBool, ints({0, 1})},
      {LType::kInt16, kOidInt2, ints({0, -32768, 32767})},
      {LType::kInt32, kOidInt4, ints({0, -2147483648LL, 2147483647})},
      {LType::kInt64, kOidInt8, ints({0, INT64_MIN, INT64_MAX, -7})},
      {LType::kFloat32, kOidFloat4, floats({0.0, -0.0, 1.5, 0.1, 3.4e38, -1e-30})},
      {LType::kFloat64, kOidFloat8,
       floats({0.0, -0.0, 0.1, 1e300, -2.5e-300, 1.0 / 0.0, -1.0 / 0.0, 0.0 / 0.0})},
      {LType::kTimestampTz, kOidTimestampTz,
       ints({0, -1, 1704067200250000LL, 253402300800000000LL, -62135596800000000LL})},
      {LType::kTimestamp, kOidTimestamp, ints({0, 1704067200000001LL, -86400000000LL})},
      {LType::kDate, kOidDate, ints({0, 19783, -719162})},
      {LType::kOid, kOidOid, ints({0, 4294967295LL})},
  };
  for (const Case& c : cases) {
    exec::VectorBuilder b(c.type);
    for (const auto& v : c.values) b.Append(v);
    b.AppendNull();
    const exec::Vector v = b.Finish();
    for (int64_t r = 0; r < v.size; ++r) {
      std::string text;
      const bool present = exec::AppendText(v, r, &text);
      const auto want = exec::FormatValue(v, r);
      ASSERT_EQ(present, want.has_value()) << exec::TypeName(c.type) << " row " << r;
      if (!present) continue;
      EXPECT_EQ(text, *want) << exec::TypeName(c.type) << " row " << r;
      std::string bin;
      ASSERT_TRUE(AppendBinary(v, r, c.oid, &bin)) << exec::TypeName(c.type);
      auto via_text = TextToBinary(c.oid, *want);
      ASSERT_TRUE(via_text.ok()) << *want << ": " << via_text.status().ToString();
      if (c.type == LType::kFloat64 && std::isnan(v.F(r))) continue;  // NaN bits may differ
      EXPECT_EQ(bin, *via_text) << exec::TypeName(c.type) << " " << *want;
    }
  }
  // Text: the bytes as they are, in text and binary.
  exec::VectorBuilder t(LType::kText);
  t.AppendStr("h\xc3\xa9llo 'x'");
  t.AppendStr("");
  const exec::Vector tv = t.Finish();
  std::string text, bin;
  EXPECT_TRUE(exec::AppendText(tv, 1, &text));
  EXPECT_EQ(text, "");
  EXPECT_TRUE(AppendBinary(tv, 0, kOidText, &bin));
  EXPECT_EQ(bin, "h\xc3\xa9llo 'x'");
  // A type without a direct encoding, or a column/oid mismatch: the caller goes through text.
  EXPECT_FALSE(AppendBinary(tv, 0, kOidNumeric, &bin));
  EXPECT_FALSE(AppendBinary(tv, 0, kOidInt8, &bin));
}

// Prepared statements bind values into the parsed tree, which must type them exactly as the
// substituted text would be: the cast names have to be the parser's own.
TEST(PgProtocol, ParserTypeOfOidIsTheParsersCastName) {
  for (int32_t oid : {kOidBool, kOidInt2, kOidInt4, kOidInt8, kOidFloat4, kOidFloat8, kOidNumeric,
                      kOidText, kOidVarchar, kOidName, kOidTimestamp, kOidTimestampTz, kOidDate,
                      kOidTime, kOidInterval, kOidOid}) {
    auto parsed = sql::Parse("SELECT ('1'::" + CastNameOfOid(oid) + ")");
    ASSERT_TRUE(parsed.ok()) << oid;
    const auto& item = std::get<sql::SelectStmt>((*parsed)[0].node).items[0];
    ASSERT_EQ(item.expr->kind, sql::ExprKind::kCast);
    EXPECT_EQ(item.expr->name, ParserTypeOfOid(oid)) << oid;
  }
  EXPECT_EQ(ParserTypeOfOid(0), "");
  EXPECT_EQ(CountParamRefs("SELECT $1, '$2', $1 -- $3\n, $10"), 3);
}

// The binary COPY stream arrives cut anywhere; malformed streams are refused with 22P04.
TEST(PgProtocol, BinaryCopyDecodesIntoCsv) {
  std::string stream = BinaryCopyHeader();
  auto field = [&](std::string_view bytes) {
    MessageWriter w(&stream);
    w.Int32(static_cast<int32_t>(bytes.size()));
    w.Bytes(bytes);
  };
  auto row = [&](int64_t t, std::optional<std::string> host, int64_t n) {
    MessageWriter w(&stream);
    w.Int16(3);
    field(*TextToBinary(kOidTimestampTz, FormatTimestamp(t, true)));
    if (host) {
      field(*host);
    } else {
      w.Int32(-1);
    }
    field(*TextToBinary(kOidInt8, std::to_string(n)));
  };
  row(1704067200000000LL, "a,\"b\"", -5);
  row(0, std::nullopt, 7);
  row(-1, "", 0);
  MessageWriter(&stream).Int16(-1);
  const std::string want =
      "2024-01-01 00:00:00+00,\"a,\"\"b\"\"\",-5\n1970-01-01 00:00:00+00,,7\n"
      "1969-12-31 23:59:59.999999+00,\"\",0\n";
  for (size_t cut = 0; cut <= stream.size(); ++cut) {
    BinaryCopyDecoder d({kOidTimestampTz, kOidText, kOidInt8});
    std::string csv;
    ASSERT_TRUE(d.Feed(std::string_view(stream).substr(0, cut), &csv).ok()) << cut;
    ASSERT_TRUE(d.Feed(std::string_view(stream).substr(cut), &csv).ok()) << cut;
    EXPECT_TRUE(d.Finish().ok());
    EXPECT_EQ(csv, want) << cut;
  }
  auto fails = [](std::vector<int32_t> oids, const std::string& bytes) {
    BinaryCopyDecoder d(std::move(oids));
    std::string csv;
    Status s = d.Feed(bytes, &csv);
    if (s.ok()) s = d.Finish();
    return std::string(s.SqlState());
  };
  EXPECT_EQ(fails({kOidInt8}, "PGCOPY\n\377\r\n\0junkjunkjunk"), "22P04");  // no NUL: signature
  EXPECT_EQ(fails({kOidInt8}, "not a copy stream at all"), "22P04");
  EXPECT_EQ(fails({kOidInt8, kOidInt8}, stream), "22P04");  // field count
  EXPECT_EQ(fails({kOidTimestampTz, kOidText, kOidInt8}, stream.substr(0, stream.size() - 5)),
            "22P04");  // cut inside a tuple
  EXPECT_EQ(fails({kOidTimestampTz, kOidText, kOidInt8}, stream + "x"), "22P04");  // after EOF
  EXPECT_EQ(fails({kOidTimestampTz, kOidText, kOidInt4}, stream), "22P03");  // 8 bytes for int4
  EXPECT_EQ(fails({kOidInt8}, BinaryCopyHeader().substr(0, 15)), "22P04");
}

class SessionTest : public storage::DatabaseTest {
 protected:
  SessionTest() : DatabaseTest("omen_session_", Foreground()) {}
  void SetUp() override {
    DatabaseTest::SetUp();
    config_.db = db_.get();
    config_.auth.method = AuthConfig::Method::kTrust;
    config_.cancels = &cancels_;
  }
  // Message types in out, in order.
  static std::string Types(const std::string& out) {
    std::string types;
    size_t p = 0;
    while (p + 5 <= out.size()) {
      types.push_back(out[p]);
      MessageReader r(std::string_view(out).substr(p + 1, 4));
      p += 1 + static_cast<size_t>(r.Int32().value());
    }
    return types;
  }
  static std::string Message(char type, const std::string& body) {
    std::string out;
    MessageWriter w(&out);
    w.Begin(type);
    w.Bytes(body);
    w.End();
    return out;
  }

  // The bodies of the messages of this type in out, in order.
  static std::vector<std::string> Bodies(const std::string& out, char type) {
    std::vector<std::string> bodies;
    size_t p = 0;
    while (p + 5 <= out.size()) {
      MessageReader r(std::string_view(out).substr(p + 1, 4));
      const size_t len = static_cast<size_t>(r.Int32().value());
      if (out[p] == type) bodies.push_back(out.substr(p + 5, len - 4));
      p += 1 + len;
    }
    return bodies;
  }
  // The fields of an ErrorResponse body by code; empty when they do not end exactly at the
  // body's final NUL (a field with a NUL inside ends early and shifts the others).
  static std::map<char, std::string> ErrorFields(const std::string& body) {
    std::map<char, std::string> fields;
    MessageReader r(body);
    while (true) {
      auto code = r.Byte();
      if (!code.ok()) return {};
      if (*code == 0) break;
      auto value = r.CString();
      if (!value.ok() || fields.count(static_cast<char>(*code)) > 0) return {};
      fields[static_cast<char>(*code)] = std::string(*value);
    }
    if (r.remaining() != 0 || fields.count('S') == 0 || fields.count('C') == 0) return {};
    return fields;
  }
  // A session after a trust startup, with table t (time, host, v) created.
  std::unique_ptr<PgSession> ReadySessionWithTable() {
    sql::SqlEngine engine(db_.get());
    EXPECT_TRUE(
        engine.Execute("CREATE TABLE t (time timestamptz NOT NULL, host text, v double precision)")
            .ok());
    auto s = std::make_unique<PgSession>(&config_);
    std::string out;
    s->Feed(Startup("omendb"), &out);
    EXPECT_EQ(Types(out).back(), 'Z');
    return s;
  }

  CancelRegistry cancels_;
  SessionConfig config_;
};

TEST_F(SessionTest, TrustStartupSimpleQueryAndEmptyQuery) {
  PgSession s(&config_);
  std::string out;
  // SSLRequest first: answered 'N', then the real startup, split across two feeds.
  std::string ssl;
  MessageWriter w(&ssl);
  w.Int32(8);
  w.Int32(kSslRequest);
  s.Feed(ssl, &out);
  EXPECT_EQ(out, "N");
  out.clear();
  const std::string startup = Startup("omendb");
  s.Feed(startup.substr(0, 7), &out);
  EXPECT_TRUE(out.empty());
  s.Feed(startup.substr(7), &out);
  const std::string types = Types(out);
  EXPECT_EQ(types.front(), 'R');
  EXPECT_NE(types.find('S'), std::string::npos);
  EXPECT_EQ(types.substr(types.size() - 2), "KZ");
  out.clear();
  s.Feed(Message('Q', std::string("SELECT 1 AS one, 'x' AS two; SELECT 2\0", 39)), &out);
  EXPECT_EQ(Types(out), "TDCTDCZ");
  out.clear();
  s.Feed(Message('Q', std::string("-- ping\0", 8)), &out);
  EXPECT_EQ(Types(out), "IZ");
  out.clear();
  s.Feed(Message('Q', std::string("SELEC 1\0", 8)), &out);
  EXPECT_EQ(Types(out), "EZ");
  EXPECT_NE(out.find("42601"), std::string::npos);
  EXPECT_FALSE(s.closed());
  out.clear();
  s.Feed(Message('X', ""), &out);
  EXPECT_TRUE(s.closed());
}

TEST_F(SessionTest, UnknownUserAndMalformedStartupAreFatal) {
  PgSession s(&config_);
  std::string out;
  s.Feed(Startup("mallory"), &out);
  EXPECT_TRUE(s.closed());
  EXPECT_NE(out.find("28000"), std::string::npos);

  PgSession t(&config_);
  out.clear();
  std::string bad;
  MessageWriter w(&bad);
  w.Int32(3);  // shorter than a length and a code
  t.Feed(bad, &out);
  EXPECT_TRUE(t.closed());
  EXPECT_NE(out.find("08P01"), std::string::npos);
}

// pg_session_fuzz: COPY data with NUL bytes failed with an error quoting the line, and the NULs
// inside the message field ended it early, so the client read the rest of the message as
// further fields (and found no terminator where the message ended).
TEST_F(SessionTest, NulInQuotedClientDataKeepsErrorFieldsIntact) {
  auto s = ReadySessionWithTable();
  std::string out;
  s->Feed(Message('Q', std::string("COPY t FROM STDIN\0", 18)), &out);
  s->Feed(Message('d', std::string("2023-01-02\0\0\0\0\0\0\0\x0f0Z\tc\t3\n", 25)), &out);
  s->Feed(Message('c', ""), &out);
  EXPECT_EQ(Types(out), "GEZ");
  const auto errors = Bodies(out, 'E');
  ASSERT_EQ(errors.size(), 1u);
  const auto fields = ErrorFields(errors[0]);
  ASSERT_FALSE(fields.empty()) << errors[0];
  EXPECT_EQ(fields.at('C'), "22P04");
  EXPECT_NE(fields.at('M').find("2023-01-02\\x00\\x00"), std::string::npos) << fields.at('M');
  EXPECT_FALSE(s->closed());

  std::string written;
  MessageWriter w(&written);
  w.CString(std::string("a\0b", 3));
  EXPECT_EQ(written, std::string("a\\x00b\0", 7));
}

// Found with pg_session_fuzz: a statement using $40000 was described with a ParameterDescription
// whose Int16 count wrapped negative (and could never be bound).
TEST_F(SessionTest, ParametersBeyondTheProtocolsCountAreRefused) {
  auto s = ReadySessionWithTable();
  std::string out;
  const std::string parse = std::string("q") + '\0' + "SELECT $40000" + std::string(3, '\0');
  s->Feed(Message('P', parse) + Message('D', std::string("Sq\0", 3)) + Message('S', ""), &out);
  EXPECT_EQ(Types(out), "EZ");
  const auto errors = Bodies(out, 'E');
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(ErrorFields(errors[0])['C'], "54023");
}

// Found with pg_session_fuzz: SELECT *,*,... with 32769 columns wrapped the Int16 column count of
// RowDescription and DataRow negative. Refused in the simple and the extended protocol and in
// COPY TO STDOUT; a portal that failed so fails again when executed after Sync.
TEST_F(SessionTest, ResultsWiderThanTheProtocolsCountAreRefused) {
  auto s = ReadySessionWithTable();
  std::string select = "SELECT *";
  for (int i = 1; i < 10923; ++i) select += ",*";  // t has 3 columns: 32769 in all
  select += " FROM t";
  std::string out;
  s->Feed(Message('Q', select + '\0'), &out);
  EXPECT_EQ(Types(out), "EZ");
  auto errors = Bodies(out, 'E');
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(ErrorFields(errors[0])['C'], "54011");

  out.clear();
  s->Feed(Message('Q', "COPY (" + select + ") TO STDOUT" + '\0'), &out);
  EXPECT_EQ(Types(out), "EZ");

  out.clear();
  const std::string bind = std::string("p\0\0\0\0\0\0\0\0", 9);  // portal p, no params
  const std::string execute = std::string("p\0\0\0\0\0", 6);
  s->Feed(Message('P', '\0' + select + std::string(3, '\0')) + Message('B', bind) +
              Message('E', execute) + Message('S', "") + Message('E', execute) + Message('S', ""),
          &out);
  EXPECT_EQ(Types(out), "12EZEZ");
  errors = Bodies(out, 'E');
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(ErrorFields(errors[0])['C'], "54011");
  EXPECT_EQ(ErrorFields(errors[1])['C'], "54011");
  EXPECT_FALSE(s->closed());
}

// A portal whose DEALLOCATE failed fails the same way when executed again after Sync (it was
// taken as run, and a second Execute completed with EmptyQueryResponse).
TEST_F(SessionTest, FailedDeallocatePortalRepeatsItsError) {
  auto s = ReadySessionWithTable();
  std::string out;
  const std::string execute = std::string(5, '\0');  // unnamed portal, no row limit
  s->Feed(Message('P', '\0' + std::string("DEALLOCATE nosuch") + std::string(3, '\0')) +
              Message('B', std::string(8, '\0')) + Message('E', execute) + Message('S', "") +
              Message('E', execute) + Message('S', ""),
          &out);
  EXPECT_EQ(Types(out), "12EZEZ");
  const auto errors = Bodies(out, 'E');
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(ErrorFields(errors[0])['C'], "26000");
  EXPECT_EQ(ErrorFields(errors[1])['C'], "26000");
}

// A prepared statement parsed once runs with each Bind's values: in the select list, WHERE,
// a scalar subquery and LIMIT, typed or not, NULL, with quotes, in text and binary.
TEST_F(SessionTest, PreparedStatementsBindNewValuesEachTime) {
  auto s = ReadySessionWithTable();
  std::string out;
  s->Feed(Message('Q', std::string("INSERT INTO t VALUES ('2024-01-01 00:00:00+00', 'a', 1), "
                                   "('2024-01-01 00:00:10+00', 'b', 2), "
                                   "('2024-01-01 00:00:20+00', 'a''x', 3)") +
                           '\0'),
          &out);
  ASSERT_EQ(Types(out), "CZ");
  std::string parse;
  MessageWriter pw(&parse);
  pw.CString("q");
  pw.CString(
      "SELECT host, v + $1, (SELECT $1::int * 2) FROM t WHERE host = $2 OR $2 IS NULL "
      "ORDER BY time LIMIT $3");
  pw.Int16(3);
  pw.Int32(kOidInt4);
  pw.Int32(0);
  pw.Int32(0);
  out.clear();
  s->Feed(Message('P', parse), &out);
  ASSERT_EQ(Types(out), "1");
  auto run = [&](const std::vector<std::optional<std::string>>& values, int16_t result_format) {
    std::string bind;
    MessageWriter w(&bind);
    w.CString("");
    w.CString("q");
    w.Int16(0);
    w.Int16(static_cast<int16_t>(values.size()));
    for (const auto& v : values) {
      if (!v) {
        w.Int32(-1);
        continue;
      }
      w.Int32(static_cast<int32_t>(v->size()));
      w.Bytes(*v);
    }
    w.Int16(1);
    w.Int16(result_format);
    std::string o;
    s->Feed(Message('B', bind) + Message('E', std::string(5, '\0')) + Message('S', ""), &o);
    std::vector<std::string> rows;
    for (const std::string& body : Bodies(o, 'D')) {
      MessageReader r(body);
      const int n = r.Int16().value();
      std::string row;
      for (int c = 0; c < n; ++c) {
        const int32_t len = r.Int32().value();
        if (c > 0) row += "|";
        row += len < 0 ? "NULL" : std::string(r.Bytes(static_cast<size_t>(len)).value());
      }
      rows.push_back(row);
    }
    EXPECT_EQ(Types(o).back(), 'Z') << Types(o);
    for (const std::string& e : Bodies(o, 'E')) ADD_FAILURE() << ErrorFields(e)['M'];
    return rows;
  };
  EXPECT_EQ(run({"10", "a", "5"}, 0), (std::vector<std::string>{"a|11|20"}));
  EXPECT_EQ(run({"-1", "a'x", "5"}, 0), (std::vector<std::string>{"a'x|2|-2"}));
  EXPECT_EQ(run({"0", std::nullopt, "2"}, 0), (std::vector<std::string>{"a|1|0", "b|2|0"}));
  EXPECT_EQ(run({std::nullopt, std::nullopt, "1"}, 0), (std::vector<std::string>{"a|NULL|NULL"}));
  // Binary results: host as its bytes, the double and the int in network order.
  const auto bin = run({"1", "b", "1"}, 1);
  ASSERT_EQ(bin.size(), 1u);
  EXPECT_EQ(bin[0], std::string("b|\x40\x08\0\0\0\0\0\0|\0\0\0\x02", 15));
  // A value with a NUL byte is refused as PostgreSQL does.
  std::string bad;
  MessageWriter w(&bad);
  w.CString("");
  w.CString("q");
  w.Int16(0);
  w.Int16(3);
  w.Int32(1);
  w.Bytes("1");
  w.Int32(3);
  w.Bytes(std::string("a\0b", 3));
  w.Int32(1);
  w.Bytes("1");
  w.Int16(0);
  out.clear();
  s->Feed(Message('B', bad) + Message('S', ""), &out);
  ASSERT_EQ(Types(out), "EZ");
  EXPECT_EQ(ErrorFields(Bodies(out, 'E')[0])['C'], "22021");
}

// A large result leaves through the flush callback while it is encoded, not all at once; a
// flush that fails (the client went away) ends the statement and the session.
TEST_F(SessionTest, LargeResultsAreFlushedWhileEncoded) {
  auto s = ReadySessionWithTable();
  size_t flushes = 0, flushed = 0, largest = 0;
  s->set_flush([&](std::string* out) {
    ++flushes;
    flushed += out->size();
    largest = std::max(largest, out->size());
    return true;
  });
  std::string out;
  s->Feed(
      Message('Q', std::string("SELECT g, 'row ' || g FROM generate_series(1, 200000) g") + '\0'),
      &out);
  EXPECT_GT(flushes, 5u);
  EXPECT_LT(largest, 2 * PgSession::kFlushBytes);
  EXPECT_LT(out.size(), 2 * PgSession::kFlushBytes);
  EXPECT_EQ(Types(out).back(), 'Z');
  EXPECT_NE(out.find("SELECT 200000"), std::string::npos);
  EXPECT_GT(flushed, 200000u * 10);
  // COPY ... TO STDOUT goes out the same way, with a header line and one CopyData per row.
  flushes = 0;
  flushed = 0;
  out.clear();
  s->Feed(Message('Q', std::string("COPY (SELECT g, 'r' || g FROM generate_series(1, 200000) g) "
                                   "TO STDOUT (FORMAT csv, HEADER)") +
                           '\0'),
          &out);
  EXPECT_GT(flushes, 5u);
  EXPECT_LT(out.size(), 2 * PgSession::kFlushBytes);
  EXPECT_NE(out.find("COPY 200000"), std::string::npos);
  EXPECT_NE(out.find("200000,r200000\n"), std::string::npos);  // the last row, in the tail
  s->set_flush([](std::string*) { return false; });
  out.clear();
  s->Feed(Message('Q', std::string("SELECT g FROM generate_series(1, 200000) g") + '\0'), &out);
  EXPECT_TRUE(s->closed());
}

// Simple queries reuse the parse of a text seen before (a bounded cache): the same answers,
// also once more texts than the cache holds have gone through, and errors are not cached.
TEST_F(SessionTest, RepeatedSimpleQueriesAnswerTheSame) {
  auto s = ReadySessionWithTable();
  auto query = [&](const std::string& sql) {
    std::string out;
    s->Feed(Message('Q', sql + '\0'), &out);
    std::string rows;
    for (const std::string& body : Bodies(out, 'D')) {
      MessageReader r(body);
      const int n = r.Int16().value();
      for (int c = 0; c < n; ++c) {
        const int32_t len = r.Int32().value();
        rows += (c > 0 ? "," : "") + std::string(r.Bytes(static_cast<size_t>(len)).value());
      }
      rows += ";";
    }
    return Types(out) + " " + rows;
  };
  const std::string first = query("SELECT 1 AS a, 'x' AS b; SELECT count(*) FROM t");
  EXPECT_EQ(first, "TDCTDCZ 1,x;0;");
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(query("SELECT 1 AS a, 'x' AS b; SELECT count(*) FROM t"), first);
  EXPECT_EQ(query("INSERT INTO t VALUES ('2024-01-01 00:00:00+00', 'h', 1)"), "CZ ");
  EXPECT_EQ(query("SELECT 1 AS a, 'x' AS b; SELECT count(*) FROM t"), "TDCTDCZ 1,x;1;");
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(query("SELECT " + std::to_string(i)), "TDCZ " + std::to_string(i) + ";");
  }
  EXPECT_EQ(query("SELECT 5"), "TDCZ 5;");
  EXPECT_EQ(query("SELEC 1"), "EZ ");
  EXPECT_EQ(query("SELEC 1"), "EZ ");
}

TEST_F(SessionTest, RandomBytesNeverCrashOrHang) {
  std::mt19937_64 rng(7);
  const std::string startup = Startup("omendb");
  for (int round = 0; round < 300; ++round) {
    PgSession s(&config_);
    std::string out;
    if (round % 2 == 0) s.Feed(startup, &out);
    std::string junk;
    const int n = static_cast<int>(rng() % 200);
    for (int i = 0; i < n; ++i) junk.push_back(static_cast<char>(rng()));
    if (round % 3 == 0 && !junk.empty()) junk[0] = "QPBDESCHXdF"[rng() % 11];
    s.Feed(junk, &out);
    // Every message the session wrote is well framed.
    size_t p = 0;
    while (p < out.size()) {
      if (out[p] == 'N') {
        ++p;
        continue;
      }
      ASSERT_LE(p + 5, out.size());
      MessageReader r(std::string_view(out).substr(p + 1, 4));
      p += 1 + static_cast<size_t>(r.Int32().value());
    }
    EXPECT_EQ(p, out.size());
  }
}

}  // namespace
}  // namespace omen::server
