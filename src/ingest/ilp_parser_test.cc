// Copyright 2026 The OmenDB Authors.

#include "ingest/ilp_parser.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace omen::ingest {
namespace {

constexpr std::string_view kTsbsLine =
    "cpu,hostname=host_12,region=eu-west-1,datacenter=eu-west-1b,rack=61,os=Ubuntu16.10,"
    "arch=x86,team=NYC,service=9,service_version=1,service_environment=production "
    "usage_user=58i,usage_system=2i,usage_idle=24i,usage_nice=61i,usage_iowait=22i,"
    "usage_irq=63i,usage_softirq=6i,usage_steal=44i,usage_guest=80i,usage_guest_nice=38i "
    "1451606400000000000";

ParsedBatch Parse(std::string_view text, Precision precision = Precision::kNanoseconds,
                  size_t* consumed = nullptr) {
  ParsedBatch batch;
  const size_t n = ParseLines(text, precision, /*final=*/true, 1, &batch);
  if (consumed != nullptr) {
    *consumed = n;
  }
  return batch;
}

std::string FieldText(const Field& f) {
  char buf[64];
  switch (f.type) {
    case FieldType::kFloat:
      std::snprintf(buf, sizeof(buf), "f:%.17g", f.f);
      return buf;
    case FieldType::kInteger:
      return "i:" + std::to_string(f.i);
    case FieldType::kUnsigned:
      return "u:" + std::to_string(f.u);
    case FieldType::kBoolean:
      return f.b ? "b:true" : "b:false";
    case FieldType::kString:
      return "s:\"" + std::string(f.s) + "\"";
  }
  return "?";
}

// The whole batch as text: "L<line> <measurement>,<tags> <fields> @<time_us>" per point, then
// "E<line> <message>" per error.
std::string Describe(const ParsedBatch& b) {
  std::string out;
  for (const ParsedLine& l : b.lines) {
    out += "L" + std::to_string(l.line_no) + " " + std::string(l.measurement);
    for (uint32_t i = l.tag_begin; i < l.tag_end; ++i) {
      out += "," + std::string(b.tags[i].key) + "=" + std::string(b.tags[i].value);
    }
    out += " ";
    for (uint32_t i = l.field_begin; i < l.field_end; ++i) {
      out += (i == l.field_begin ? "" : ",") + std::string(b.fields[i].key) + "=" +
             FieldText(b.fields[i]);
    }
    if (l.has_time) {
      out += " @" + std::to_string(l.time_us);
    }
    out += "\n";
  }
  for (const LineError& e : b.errors) {
    out += "E" + std::to_string(e.line_no) + " " + e.message + "\n";
  }
  return out;
}

// The one point of `text` (which must parse without errors).
std::string One(std::string_view text, Precision precision = Precision::kNanoseconds) {
  ParsedBatch b = Parse(text, precision);
  EXPECT_EQ(b.lines.size(), 1u) << text;
  EXPECT_TRUE(b.errors.empty()) << (b.errors.empty() ? "" : b.errors[0].message);
  return Describe(b);
}

// The reason of the one error of `text` (the text after "': ").
std::string ErrorOf(std::string_view text, Precision precision = Precision::kNanoseconds) {
  ParsedBatch b = Parse(text, precision);
  EXPECT_TRUE(b.lines.empty()) << Describe(b);
  if (b.errors.size() != 1) {
    ADD_FAILURE() << "expected one error for '" << text << "', got " << b.errors.size();
    return "";
  }
  const std::string& m = b.errors[0].message;
  const size_t at = m.rfind("': ");
  return at == std::string::npos ? m : m.substr(at + 3);
}

// The first field of the one point of `text`, with copies of its strings (the views die
// with the batch).
struct OwnedField {
  std::string key;
  FieldType type = FieldType::kFloat;
  double f = 0;
  int64_t i = 0;
  uint64_t u = 0;
  bool b = false;
  std::string s;
};
OwnedField FirstField(std::string_view text) {
  ParsedBatch b = Parse(text);
  EXPECT_EQ(b.lines.size(), 1u) << text << (b.errors.empty() ? "" : b.errors[0].message);
  EXPECT_FALSE(b.fields.empty());
  if (b.fields.empty()) {
    return OwnedField{};
  }
  const Field& f = b.fields[0];
  return OwnedField{std::string(f.key), f.type, f.f, f.i, f.u, f.b, std::string(f.s)};
}

bool PointsInto(std::string_view view, std::string_view input) {
  return view.data() >= input.data() && view.data() + view.size() <= input.data() + input.size();
}

TEST(IlpPrecision, Spellings) {
  struct Case {
    const char* text;
    Precision want;
  } cases[] = {
      {"", Precision::kNanoseconds},
      {"ns", Precision::kNanoseconds},
      {"n", Precision::kNanoseconds},
      {"us", Precision::kMicroseconds},
      {"u", Precision::kMicroseconds},
      {"\xC2\xB5s", Precision::kMicroseconds},
      {"\xCE\xBCs", Precision::kMicroseconds},
      {"ms", Precision::kMilliseconds},
      {"s", Precision::kSeconds},
      {"m", Precision::kMinutes},
      {"h", Precision::kHours},
  };
  for (const Case& c : cases) {
    Result<Precision> p = ParsePrecision(c.text);
    ASSERT_TRUE(p.ok()) << c.text;
    EXPECT_EQ(*p, c.want) << c.text;
  }
  for (const char* bad : {"NS", "sec", "mn", "x", " s", "d", "1s"}) {
    Result<Precision> p = ParsePrecision(bad);
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_TRUE(p.status().IsInvalidArgument());
    EXPECT_NE(p.status().message().find(std::string("'") + bad + "'"), std::string::npos)
        << p.status().message();
  }
}

TEST(IlpParser, TsbsLine) {
  const std::string input = std::string(kTsbsLine) + "\n";
  ParsedBatch b = Parse(input);
  ASSERT_EQ(b.lines.size(), 1u);
  ASSERT_TRUE(b.errors.empty());
  const ParsedLine& l = b.lines[0];
  EXPECT_EQ(l.measurement, "cpu");
  EXPECT_EQ(l.line_no, 1);
  ASSERT_EQ(l.tag_end - l.tag_begin, 10u);
  EXPECT_EQ(b.tags[0].key, "hostname");
  EXPECT_EQ(b.tags[0].value, "host_12");
  EXPECT_EQ(b.tags[9].key, "service_environment");
  EXPECT_EQ(b.tags[9].value, "production");
  ASSERT_EQ(l.field_end - l.field_begin, 10u);
  EXPECT_EQ(b.fields[0].key, "usage_user");
  EXPECT_EQ(b.fields[0].type, FieldType::kInteger);
  EXPECT_EQ(b.fields[0].i, 58);
  EXPECT_EQ(b.fields[9].key, "usage_guest_nice");
  EXPECT_EQ(b.fields[9].i, 38);
  EXPECT_TRUE(l.has_time);
  EXPECT_EQ(l.time_us, INT64_C(1451606400000000));
  // No escapes: every view points into the input (nothing copied).
  EXPECT_TRUE(PointsInto(l.measurement, input));
  for (const Tag& t : b.tags) {
    EXPECT_TRUE(PointsInto(t.key, input) && PointsInto(t.value, input));
  }
  for (const Field& f : b.fields) {
    EXPECT_TRUE(PointsInto(f.key, input));
  }
}

TEST(IlpParser, SyntaxExamplesFromTheReference) {
  EXPECT_EQ(One("myMeasurement,tag1=value1,tag2=value2 fieldKey=\"fieldValue\" "
                "1556813561098000000"),
            "L1 myMeasurement,tag1=value1,tag2=value2 fieldKey=s:\"fieldValue\" "
            "@1556813561098000\n");
  EXPECT_EQ(One("my\\ Measurement fieldKey=\"string value\""),
            "L1 my Measurement fieldKey=s:\"string value\"\n");
  EXPECT_EQ(One("myMeasurement fieldKey=\"\\\"string\\\" within a string\""),
            "L1 myMeasurement fieldKey=s:\"\"string\" within a string\"\n");
  EXPECT_EQ(One("myMeasurement,tag\\ Key1=tag\\ Value1,tag\\ Key2=tag\\ Value2 fieldKey=100"),
            "L1 myMeasurement,tag Key1=tag Value1,tag Key2=tag Value2 fieldKey=f:100\n");
  EXPECT_EQ(One("myMeasurement,tagKey=\xF0\x9F\x8D\xAD fieldKey=\"Launch \xF0\x9F\x9A\x80\" "
                "1556813561098000000"),
            "L1 myMeasurement,tagKey=\xF0\x9F\x8D\xAD fieldKey=s:\"Launch \xF0\x9F\x9A\x80\" "
            "@1556813561098000\n");
}

TEST(IlpParser, MeasurementEscapes) {
  EXPECT_EQ(One("a\\,b\\ c f=1i"), "L1 a,b c f=i:1\n");
  // '=' needs no escape in a measurement, and "\=" is not an escape there.
  EXPECT_EQ(One("a=b f=1i"), "L1 a=b f=i:1\n");
  EXPECT_EQ(One("a\\=b f=1i"), "L1 a\\=b f=i:1\n");
  // Quotes are literal outside string field values.
  EXPECT_EQ(One("\"q'm\" f=1i"), "L1 \"q'm\" f=i:1\n");
  // A '#' after the first byte is part of the name.
  EXPECT_EQ(One("a#b f=1i"), "L1 a#b f=i:1\n");
}

TEST(IlpParser, BackslashTable) {
  // The reference's table: \ -> \, \\ -> \, \\\ -> \\, \\\\ -> \\, \\\\\ -> \\\, ...
  const char* want[] = {"x\\y", "x\\y", "x\\\\y", "x\\\\y", "x\\\\\\y", "x\\\\\\y"};
  for (int n = 1; n <= 6; ++n) {
    const std::string slashes(n, '\\');
    const std::string name = "x" + slashes + "y";
    for (const std::string& text :
         {name + " f=1i", "m," + name + "=" + name + " f=1i", "m " + name + "=1i"}) {
      ParsedBatch b = Parse(text);
      ASSERT_EQ(b.lines.size(), 1u) << text;
      std::string_view got = b.lines[0].tag_end > b.lines[0].tag_begin ? b.tags[0].key
                             : text[0] == 'm'                          ? b.fields[0].key
                                                                       : b.lines[0].measurement;
      EXPECT_EQ(got, want[n - 1]) << text;
      if (b.lines[0].tag_end > b.lines[0].tag_begin) {
        EXPECT_EQ(b.tags[0].value, want[n - 1]) << text;
      }
    }
  }
  // A trailing backslash before the field set escapes the space: the name takes it.
  EXPECT_EQ(One("m\\  f=1i"), "L1 m  f=i:1\n");
}

TEST(IlpParser, TagAndFieldKeyEscapes) {
  EXPECT_EQ(One("m,k\\,e\\=y\\ 1=v\\,a\\=l\\ ue f\\,i\\=e\\ ld=1i"),
            "L1 m,k,e=y 1=v,a=l ue f,i=e ld=i:1\n");
  // An unescaped '=' in a tag value is literal (InfluxDB 1.x, 2.x and 3 accept it).
  EXPECT_EQ(One("m,url=a=b f=1i"), "L1 m,url=a=b f=i:1\n");
  // Escaped tokens are copied; they stay valid while the batch lives.
  std::string input = "m\\ x,k\\ 1=v\\ 1 f\\ 1=\"a\\\"b\" 1\n";
  ParsedBatch b;
  ParseLines(input, Precision::kNanoseconds, true, 1, &b);
  input.assign(input.size(), '?');
  ASSERT_EQ(b.lines.size(), 1u);
  EXPECT_EQ(b.lines[0].measurement, "m x");
  EXPECT_EQ(b.tags[0].key, "k 1");
  EXPECT_EQ(b.tags[0].value, "v 1");
  EXPECT_EQ(b.fields[0].key, "f 1");
  EXPECT_EQ(b.fields[0].s, "a\"b");
}

TEST(IlpParser, TagsKeepTheirOrder) {
  EXPECT_EQ(One("m,z=1,a=2,m=3 f=1i"), "L1 m,z=1,a=2,m=3 f=i:1\n");
  EXPECT_EQ(One("m f=1i"), "L1 m f=i:1\n");
}

TEST(IlpParser, Floats) {
  struct Case {
    const char* value;
    double want;
  } cases[] = {
      {"1", 1.0},      {"-1.5", -1.5}, {"1e9", 1e9},  {"1E-3", 1e-3},
      {".5", 0.5},     {"5.", 5.0},    {"-.5", -0.5}, {"1.5e+3", 1500.0},
      {"0", 0.0},      {"007", 7.0},   {"1.0", 1.0},  {"-1.234456e+78", -1.234456e+78},
      {"1e-400", 0.0},
  };
  for (const Case& c : cases) {
    const OwnedField f = FirstField(std::string("m v=") + c.value);
    EXPECT_EQ(f.type, FieldType::kFloat) << c.value;
    EXPECT_EQ(f.f, c.want) << c.value;
  }
  const std::string dbl_max = "17976931348623157" + std::string(292, '0');
  EXPECT_EQ(FirstField("m v=" + dbl_max).f, std::numeric_limits<double>::max());
  EXPECT_EQ(ErrorOf("m v=" + dbl_max + "0"), "float value out of range");
  EXPECT_TRUE(std::signbit(FirstField("m v=-0").f));
  for (const char* bad : {"1.2.3", "1e", "1e+", "-", ".", "-.", "1x", "0x10", "--1", "1..", "-inf",
                          "1 .5", "1e5.5", "1_000"}) {
    const std::string text = std::string("m v=") + bad;
    const std::string err = ErrorOf(text);
    EXPECT_TRUE(err == "invalid number" || err == "bad timestamp") << text << ": " << err;
  }
  EXPECT_EQ(ErrorOf("m v=1e400"), "float value out of range");
  EXPECT_EQ(ErrorOf("m v=-1e400"), "float value out of range");
  EXPECT_EQ(ErrorOf("m v=inf"), "invalid field value");
  EXPECT_EQ(ErrorOf("m v=NaN"), "invalid field value");
  EXPECT_EQ(ErrorOf("m v=+1"), "invalid field value");
}

TEST(IlpParser, Integers) {
  EXPECT_EQ(FirstField("m v=12i").i, 12);
  EXPECT_EQ(FirstField("m v=-12i").i, -12);
  EXPECT_EQ(FirstField("m v=0i").i, 0);
  EXPECT_EQ(FirstField("m v=-0i").i, 0);
  EXPECT_EQ(FirstField("m v=9223372036854775807i").i, std::numeric_limits<int64_t>::max());
  EXPECT_EQ(FirstField("m v=-9223372036854775808i").i, std::numeric_limits<int64_t>::min());
  EXPECT_EQ(FirstField("m v=0000000000000000000000000012i").i, 12);
  EXPECT_EQ(FirstField("m v=-0000000000000000000009223372036854775808i").i,
            std::numeric_limits<int64_t>::min());
  EXPECT_EQ(FirstField("m v=12i").type, FieldType::kInteger);
  EXPECT_EQ(ErrorOf("m v=9223372036854775808i"), "integer value out of range");
  EXPECT_EQ(ErrorOf("m v=-9223372036854775809i"), "integer value out of range");
  EXPECT_EQ(ErrorOf("m v=18446744073709551616i"), "integer value out of range");
  EXPECT_EQ(ErrorOf("m v=99999999999999999999999i"), "integer value out of range");
  EXPECT_EQ(ErrorOf("m v=-i"), "invalid number");
  EXPECT_EQ(ErrorOf("m v=1ix"), "invalid number");
  EXPECT_EQ(ErrorOf("m v=1ii"), "invalid integer");
  EXPECT_EQ(ErrorOf("m v=1.0i"), "invalid number");
  EXPECT_EQ(ErrorOf("m v=1e3i"), "invalid number");
  EXPECT_EQ(ErrorOf("m v=i"), "invalid field value");
}

TEST(IlpParser, Unsigned) {
  EXPECT_EQ(FirstField("m v=12u").type, FieldType::kUnsigned);
  EXPECT_EQ(FirstField("m v=12u").u, 12u);
  EXPECT_EQ(FirstField("m v=0u").u, 0u);
  EXPECT_EQ(FirstField("m v=18446744073709551615u").u, std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(FirstField("m v=00018446744073709551615u").u, std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(ErrorOf("m v=18446744073709551616u"), "unsigned integer value out of range");
  EXPECT_EQ(ErrorOf("m v=-1u"), "invalid unsigned integer");
  EXPECT_EQ(ErrorOf("m v=-0u"), "invalid unsigned integer");
  EXPECT_EQ(ErrorOf("m v=1uu"), "invalid unsigned integer");
}

TEST(IlpParser, Booleans) {
  for (const char* t : {"t", "T", "true", "True", "TRUE"}) {
    const OwnedField f = FirstField(std::string("m v=") + t);
    EXPECT_EQ(f.type, FieldType::kBoolean) << t;
    EXPECT_TRUE(f.b) << t;
  }
  for (const char* t : {"f", "F", "false", "False", "FALSE"}) {
    const OwnedField f = FirstField(std::string("m v=") + t + " 5");
    EXPECT_EQ(f.type, FieldType::kBoolean) << t;
    EXPECT_FALSE(f.b) << t;
  }
  for (const char* bad : {"tru", "TRue", "truex", "fa", "FALSe", "t1", "falsey"}) {
    EXPECT_EQ(ErrorOf(std::string("m v=") + bad), "invalid boolean") << bad;
  }
  EXPECT_EQ(ErrorOf("m v=yes"), "invalid field value");
  EXPECT_EQ(ErrorOf("m v=\"true\"x"), "invalid character 'x' after string field value");
  EXPECT_EQ(FirstField("m v=\"true\"").type, FieldType::kString);
}

TEST(IlpParser, Strings) {
  EXPECT_EQ(FirstField("m v=\"hello\"").s, "hello");
  EXPECT_EQ(FirstField("m v=\"\"").s, "");
  EXPECT_EQ(FirstField("m v=\"\"").type, FieldType::kString);
  EXPECT_EQ(FirstField("m v=\"a b,c=d e\"").s, "a b,c=d e");
  EXPECT_EQ(FirstField("m v=\"q\\\"q\"").s, "q\"q");
  EXPECT_EQ(FirstField("m v=\"b\\\\s\"").s, "b\\s");
  EXPECT_EQ(FirstField("m v=\"lit\\eral\\n\"").s, "lit\\eral\\n");  // only \" and \\ escape
  EXPECT_EQ(FirstField("m v=\"\\\\\\\"\"").s, "\\\"");
  EXPECT_EQ(FirstField("m v=\"end\\\\\"").s, "end\\");
  EXPECT_EQ(FirstField("m v=\"# not a comment\"").s, "# not a comment");
  EXPECT_EQ(FirstField("m v=\"tab\there\"").s, "tab\there");
  EXPECT_EQ(One("m a=\"x\",b=1i,c=\"y z\" 7"), "L1 m a=s:\"x\",b=i:1,c=s:\"y z\" @0\n");
  // A string without escapes is a view into the input.
  const std::string input = "m v=\"plain text\"\n";
  ParsedBatch b = Parse(input);
  ASSERT_EQ(b.fields.size(), 1u);
  EXPECT_TRUE(PointsInto(b.fields[0].s, input));
}

TEST(IlpParser, StringsMayHoldNewlines) {
  const std::string input = "m v=\"two\nlines\" 1\nm w=2i 2\n#c\nm x=3i\n";
  ParsedBatch b = Parse(input);
  EXPECT_EQ(Describe(b),
            "L1 m v=s:\"two\nlines\" @0\n"
            "L3 m w=i:2 @0\n"
            "L5 m x=i:3\n");
  // With CRLF line ends the '\r' inside the string stays.
  EXPECT_EQ(FirstField("m v=\"a\r\nb\"\r\n").s, "a\r\nb");
}

TEST(IlpParser, StringLimits) {
  const std::string max(kMaxStringFieldBytes, 'x');
  EXPECT_EQ(FirstField("m v=\"" + max + "\"").s.size(), kMaxStringFieldBytes);
  EXPECT_EQ(ErrorOf("m v=\"" + max + "y\""), "string field value longer than 65536 bytes");
  // The limit applies after unescaping.
  EXPECT_EQ(FirstField("m v=\"" + max.substr(1) + "\\\\\"").s.size(), kMaxStringFieldBytes);
  EXPECT_EQ(ErrorOf("m v=\"unterminated"), "unbalanced quotes");
  EXPECT_EQ(ErrorOf("m v=\"ends in escape\\\""), "unbalanced quotes");
  EXPECT_EQ(ErrorOf("m v=\"ends in backslash\\"), "unbalanced quotes");
  EXPECT_EQ(ErrorOf(std::string("m v=\"nul\0byte\"", 14)),
            "invalid character '\\x00' in string field value");
  EXPECT_EQ(ErrorOf("m v=\"bad \xC3\x28 utf8\""), "invalid UTF-8 in string field value");
}

TEST(IlpParser, Timestamps) {
  EXPECT_EQ(One("m v=1i"), "L1 m v=i:1\n");
  EXPECT_EQ(One("m v=1i "), "L1 m v=i:1\n");
  EXPECT_EQ(One("m v=1i 1000"), "L1 m v=i:1 @1\n");
  EXPECT_EQ(One("m v=1i   1000   "), "L1 m v=i:1 @1\n");
  EXPECT_EQ(One("m v=1i -1000"), "L1 m v=i:1 @-1\n");
  EXPECT_EQ(One("m v=1i 0"), "L1 m v=i:1 @0\n");
  EXPECT_EQ(ErrorOf("m v=1i 1 2"), "unexpected text after timestamp");
  EXPECT_EQ(ErrorOf("m v=1i 1 x"), "unexpected text after timestamp");
  EXPECT_EQ(ErrorOf("m v=1i 12a"), "bad timestamp");
  EXPECT_EQ(ErrorOf("m v=1i 1.5"), "bad timestamp");
  EXPECT_EQ(ErrorOf("m v=1i -"), "bad timestamp");
  EXPECT_EQ(ErrorOf("m v=1i +5"), "bad timestamp");
  EXPECT_EQ(ErrorOf("m v=1i 5,"), "bad timestamp");
  EXPECT_EQ(ErrorOf("m v=1i # comment"), "bad timestamp");
  EXPECT_EQ(ErrorOf("m v=1i 123456789012345678901234567890"), "timestamp out of range");
}

TEST(IlpParser, PrecisionConversionRoundsDown) {
  struct Case {
    Precision precision;
    const char* ts;
    int64_t want_us;
  } cases[] = {
      {Precision::kNanoseconds, "1999", 1},
      {Precision::kNanoseconds, "-1", -1},
      {Precision::kNanoseconds, "-999", -1},
      {Precision::kNanoseconds, "-1000", -1},
      {Precision::kNanoseconds, "-1001", -2},
      {Precision::kNanoseconds, "9223372036854775806", INT64_C(9223372036854775)},
      {Precision::kNanoseconds, "-9223372036854775806", INT64_C(-9223372036854776)},
      {Precision::kMicroseconds, "-7", -7},
      {Precision::kMicroseconds, "9223372036854775806", INT64_C(9223372036854775806)},
      {Precision::kMilliseconds, "-1", -1000},
      {Precision::kMilliseconds, "9223372036854775", INT64_C(9223372036854775000)},
      {Precision::kMilliseconds, "-9223372036854775", INT64_C(-9223372036854775000)},
      {Precision::kSeconds, "1451606400", INT64_C(1451606400000000)},
      {Precision::kSeconds, "-1", -1000000},
      {Precision::kSeconds, "9223372036854", INT64_C(9223372036854000000)},
      {Precision::kSeconds, "-9223372036854", INT64_C(-9223372036854000000)},
      {Precision::kMinutes, "-2", -120000000},
      {Precision::kMinutes, "153722867280", INT64_C(153722867280) * 60000000},
      {Precision::kMinutes, "-153722867280", INT64_C(-153722867280) * 60000000},
      {Precision::kHours, "-3", INT64_C(-3) * 3600000000},
      {Precision::kHours, "2562047788", INT64_C(2562047788) * 3600000000},
      {Precision::kHours, "-2562047788", INT64_C(-2562047788) * 3600000000},
  };
  for (const Case& c : cases) {
    ParsedBatch b = Parse(std::string("m v=1i ") + c.ts, c.precision);
    ASSERT_EQ(b.lines.size(), 1u) << c.ts << " " << static_cast<int>(c.precision)
                                  << (b.errors.empty() ? "" : b.errors[0].message);
    EXPECT_EQ(b.lines[0].time_us, c.want_us) << c.ts << " " << static_cast<int>(c.precision);
  }
}

TEST(IlpParser, TimestampOverflowAtEachPrecision) {
  struct Case {
    Precision precision;
    const char* ts;
  } cases[] = {
      // InfluxDB's range is +-(2^63 - 2) in any precision.
      {Precision::kNanoseconds, "9223372036854775807"},
      {Precision::kNanoseconds, "-9223372036854775807"},
      {Precision::kNanoseconds, "-9223372036854775808"},
      {Precision::kNanoseconds, "9223372036854775808"},
      {Precision::kMicroseconds, "9223372036854775807"},
      {Precision::kMicroseconds, "-9223372036854775808"},
      // And the microseconds must fit in an int64.
      {Precision::kMilliseconds, "9223372036854776"},
      {Precision::kMilliseconds, "-9223372036854776"},
      {Precision::kSeconds, "9223372036855"},
      {Precision::kSeconds, "-9223372036855"},
      {Precision::kMinutes, "153722867281"},
      {Precision::kMinutes, "-153722867281"},
      {Precision::kHours, "2562047789"},
      {Precision::kHours, "-2562047789"},
      {Precision::kHours, "9223372036854775806"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ErrorOf(std::string("m v=1i ") + c.ts, c.precision), "timestamp out of range")
        << c.ts << " " << static_cast<int>(c.precision);
  }
}

TEST(IlpParser, MissingParts) {
  EXPECT_EQ(ErrorOf("cpu"), "missing fields");
  EXPECT_EQ(ErrorOf("cpu "), "missing fields");
  EXPECT_EQ(ErrorOf("cpu,host=a"), "missing fields");
  EXPECT_EQ(ErrorOf("cpu,host=a   "), "missing fields");
  EXPECT_EQ(ErrorOf(",host=a v=1"), "missing measurement");
  EXPECT_EQ(ErrorOf(" ,host=a v=1"), "missing measurement");
  EXPECT_EQ(ErrorOf("cpu,=a v=1"), "missing tag key");
  EXPECT_EQ(ErrorOf("cpu, v=1"), "missing tag key");
  EXPECT_EQ(ErrorOf("cpu,host=a, v=1"), "missing tag key");
  EXPECT_EQ(ErrorOf("cpu,host= v=1"), "missing tag value");
  EXPECT_EQ(ErrorOf("cpu,host=,x=y v=1"), "missing tag value");
  EXPECT_EQ(ErrorOf("cpu,host v=1"), "missing tag value");
  EXPECT_EQ(ErrorOf("cpu,host=a value="), "missing field value");
  EXPECT_EQ(ErrorOf("cpu value=,x=1"), "missing field value");
  EXPECT_EQ(ErrorOf("cpu value= 1"), "missing field value");
  EXPECT_EQ(ErrorOf("cpu =1"), "missing field key");
  EXPECT_EQ(ErrorOf("cpu v=1,"), "missing field key");
  EXPECT_EQ(ErrorOf("cpu v=1,,w=2"), "missing field key");
  EXPECT_EQ(ErrorOf("cpu value"), "invalid field format");
  EXPECT_EQ(ErrorOf("cpu value 1"), "invalid field format");
  EXPECT_EQ(ErrorOf("cpu v=1,w"), "invalid field format");
  // A backslash at the end of the input (or of the line) escapes nothing.
  EXPECT_EQ(ErrorOf("cpu\\"), "missing fields");
  EXPECT_EQ(ErrorOf("cpu,host=a\\"), "missing fields");
  EXPECT_EQ(ErrorOf("cpu,host\\"), "missing tag value");
  EXPECT_EQ(ErrorOf("cpu v\\"), "invalid field format");
  EXPECT_EQ(ErrorOf("cpu v=1i\\"), "invalid number");
  EXPECT_EQ(Describe(Parse("cpu,host=a\\\nm v=1i")),
            "L2 m v=i:1\nE1 unable to parse 'cpu,host=a\\': missing fields\n");
  // The whole message, InfluxDB style.
  ParsedBatch b = Parse("cpu,host=a value=\n");
  ASSERT_EQ(b.errors.size(), 1u);
  EXPECT_EQ(b.errors[0].message, "unable to parse 'cpu,host=a value=': missing field value");
  EXPECT_EQ(b.errors[0].line_no, 1);
}

TEST(IlpParser, DuplicateTagsAreErrors) {
  EXPECT_EQ(ErrorOf("m,a=1,b=2,a=3 v=1"), "duplicate tag key 'a'");
  EXPECT_EQ(ErrorOf("m,a=1,a=1 v=1"), "duplicate tag key 'a'");
  EXPECT_EQ(ErrorOf("m,a\\ b=1,a\\ b=2 v=1"), "duplicate tag key 'a b'");
  // Many tags: the sorted check.
  std::string many = "m";
  for (int i = 0; i < 40; ++i) {
    many += ",k" + std::to_string(i) + "=v";
  }
  EXPECT_EQ(Parse(many + " v=1").lines.size(), 1u);
  EXPECT_EQ(ErrorOf(many + ",k17=w v=1"), "duplicate tag key 'k17'");
}

TEST(IlpParser, DuplicateFieldsLastValueWins) {
  EXPECT_EQ(One("m a=1,b=2i,a=3"), "L1 m b=i:2,a=f:3\n");
  EXPECT_EQ(One("m a=1i,a=2i,a=3i"), "L1 m a=i:3\n");
  EXPECT_EQ(One("m a=\"x\",b=true,a=\"y\",b=F"), "L1 m a=s:\"y\",b=b:false\n");
  EXPECT_EQ(ErrorOf("m a=1,a=1i"), "conflicting types for duplicate field key 'a'");
  EXPECT_EQ(ErrorOf("m a=1u,a=1i"), "conflicting types for duplicate field key 'a'");
  std::string many = "m ";
  for (int i = 0; i < 40; ++i) {
    many += "f" + std::to_string(i) + "=" + std::to_string(i) + "i,";
  }
  const std::string input = many + "f3=100i,f39=7i";
  ParsedBatch b = Parse(input);
  ASSERT_EQ(b.lines.size(), 1u);
  EXPECT_EQ(b.lines[0].field_end - b.lines[0].field_begin, 40u);
  for (const Field& f : b.fields) {
    if (f.key == "f3") {
      EXPECT_EQ(f.i, 100);
    }
    if (f.key == "f39") {
      EXPECT_EQ(f.i, 7);
    }
  }
  EXPECT_EQ(ErrorOf(many + "f3=1"), "conflicting types for duplicate field key 'f3'");
}

// Keys that repeat the previous line's keys skip their scan and the duplicate check; lines
// that only look alike must still be checked.
TEST(IlpParser, RepeatedKeysStillChecked) {
  const std::string input =
      "m,a=1,b=2 v=1i,w=2i\n"
      "m,a=1,b=2 v=1i,w=2i\n"      // the same keys
      "m,a=1,b=2,a=3 v=1i,w=2i\n"  // one more tag, a repeat
      "m,a=1,a=2 v=1i,w=2i\n"      // same count, second differs
      "m,ab=1,b=2 v=1i,w=2i\n"     // a longer first key (prefix of the template)
      "m,a=1,b=2 v=1i,v=2i\n"      // a repeated field
      "m,a=1,b=2 v=1i,w=2i,v=3\n"  // a repeated field of another type
      "m,a=1,b=2 v=1i,w=2i\n"
      "m,a\\ =1,b=2 v\\,=1i,w=2i\n"  // escaped keys (copies) cannot serve as templates
      "m,a\\ =1,b=2 v\\,=1i,w=2i\n"
      "m,a\\ =1,a\\ =2 v=1i\n";
  ParsedBatch b = Parse(input);
  EXPECT_EQ(Describe(b),
            "L1 m,a=1,b=2 v=i:1,w=i:2\n"
            "L2 m,a=1,b=2 v=i:1,w=i:2\n"
            "L5 m,ab=1,b=2 v=i:1,w=i:2\n"
            "L6 m,a=1,b=2 v=i:2\n"
            "L8 m,a=1,b=2 v=i:1,w=i:2\n"
            "L9 m,a =1,b=2 v,=i:1,w=i:2\n"
            "L10 m,a =1,b=2 v,=i:1,w=i:2\n"
            "E3 unable to parse 'm,a=1,b=2,a=3 v=1i,w=2i': duplicate tag key 'a'\n"
            "E4 unable to parse 'm,a=1,a=2 v=1i,w=2i': duplicate tag key 'a'\n"
            "E7 unable to parse 'm,a=1,b=2 v=1i,w=2i,v=3': conflicting types for duplicate "
            "field key 'v'\n"
            "E11 unable to parse 'm,a\\ =1,a\\ =2 v=1i': duplicate tag key 'a '\n");
}

TEST(IlpParser, LineNumbersCommentsAndBlanks) {
  const std::string input =
      "# header comment\n"
      "\n"
      "   \n"
      "\t\n"
      "m v=1i 1000\n"
      "  # indented comment with \"quote\n"
      "   m v=2i 2000\n"
      "bad line here\n"
      "m v=3i\n"
      "\r\n"
      "m v=4i 4000\r\n";
  ParsedBatch b;
  EXPECT_EQ(ParseLines(input, Precision::kNanoseconds, true, 1, &b), input.size());
  EXPECT_EQ(Describe(b),
            "L5 m v=i:1 @1\n"
            "L7 m v=i:2 @2\n"
            "L9 m v=i:3\n"
            "L11 m v=i:4 @4\n"
            "E8 unable to parse 'bad line here': invalid field format\n");
  ParsedBatch c;
  ParseLines(input, Precision::kNanoseconds, true, 100, &c);
  ASSERT_EQ(c.lines.size(), 4u);
  EXPECT_EQ(c.lines[0].line_no, 104);
  EXPECT_EQ(c.errors[0].line_no, 107);
}

TEST(IlpParser, CrLf) {
  ParsedBatch b = Parse("m v=1i\r\nm v=2i 5\r\nm,t=x v=\"s\"\r\n");
  EXPECT_EQ(Describe(b), "L1 m v=i:1\nL2 m v=i:2 @0\nL3 m,t=x v=s:\"s\"\n");
  EXPECT_EQ(One("m v=1i\r"), "L1 m v=i:1\n");  // a final '\r' at the end of input
  EXPECT_EQ(ErrorOf("m v=1i\rx"), "invalid character '\\r'");
  EXPECT_EQ(ErrorOf("m v=1\rx"), "invalid character '\\r'");
  EXPECT_EQ(ErrorOf("m\r v=1i"), "invalid character '\\r' in measurement");
  EXPECT_EQ(ErrorOf("m\r\n"), "missing fields");
  ParsedBatch e = Parse("bad\r\nm v=1i\r\n");
  ASSERT_EQ(e.errors.size(), 1u);
  EXPECT_EQ(e.errors[0].message, "unable to parse 'bad': missing fields");
  EXPECT_EQ(e.lines.size(), 1u);
}

TEST(IlpParser, ControlAndNulBytes) {
  using std::string_literals::operator""s;
  EXPECT_EQ(ErrorOf("m\0x v=1"s), "invalid character '\\x00' in measurement");
  EXPECT_EQ(ErrorOf("m,k\0=v v=1"s), "invalid character '\\x00' in tag key");
  EXPECT_EQ(ErrorOf("m,k=v\0 v=1"s), "invalid character '\\x00' in tag value");
  EXPECT_EQ(ErrorOf("m v\0=1"s), "invalid character '\\x00' in field key");
  EXPECT_EQ(ErrorOf("m v=1\0"s), "invalid number");
  EXPECT_EQ(ErrorOf("m v=1i 5\0"s), "bad timestamp");
  EXPECT_EQ(ErrorOf("\0"s), "invalid character '\\x00' in measurement");
  EXPECT_EQ(ErrorOf("m\tx v=1"s), "invalid character '\\t' in measurement");
  EXPECT_EQ(ErrorOf("m,k=\x7f v=1"s), "invalid character '\\x7f' in tag value");
  // The bad line is reported with its bytes escaped and the next line parses.
  const std::string input = "m\0\x01 v=1\nm v=2i\n"s;
  ParsedBatch b = Parse(input);
  ASSERT_EQ(b.errors.size(), 1u);
  EXPECT_EQ(b.errors[0].message,
            "unable to parse 'm\\x00\\x01 v=1': invalid character '\\x00' in measurement");
  EXPECT_EQ(Describe(b).substr(0, 12), "L2 m v=i:2\nE");
}

TEST(IlpParser, Utf8) {
  EXPECT_EQ(One("caf\xC3\xA9,l\xC3\xA4nd=\xE6\x97\xA5 \xF0\x9F\x98\x80=1i"),
            "L1 caf\xC3\xA9,l\xC3\xA4nd=\xE6\x97\xA5 \xF0\x9F\x98\x80=i:1\n");
  EXPECT_EQ(ErrorOf("m\xFF v=1"), "invalid UTF-8 in measurement");
  EXPECT_EQ(ErrorOf("m,k\xC0\xAF=v v=1"), "invalid UTF-8 in tag key");       // overlong
  EXPECT_EQ(ErrorOf("m,k=\xED\xA0\x80 v=1"), "invalid UTF-8 in tag value");  // surrogate
  EXPECT_EQ(ErrorOf("m \xF4\x90\x80\x80=1"), "invalid UTF-8 in field key");  // > U+10FFFF
  EXPECT_EQ(ErrorOf("m,k=\xE6\x97 v=1"), "invalid UTF-8 in tag value");      // truncated
  // Error messages stay valid UTF-8.
  ParsedBatch b = Parse("m\xFF v=1");
  ASSERT_EQ(b.errors.size(), 1u);
  EXPECT_EQ(b.errors[0].message, "unable to parse 'm\\xff v=1': invalid UTF-8 in measurement");
}

TEST(IlpParser, VeryLongLines) {
  // A 1 MiB measurement, tag value and field key (escaped and not), and 100k fields.
  const std::string big(1 << 20, 'a');
  std::string input = big + "," + big + "=" + big + " " + big + "=1i 5\n";
  input += "m\\ " + big + " v=1i\n";
  std::string fields = "m ";
  for (int i = 0; i < 100000; ++i) {
    fields += (i ? ",f" : "f") + std::to_string(i) + "=" + std::to_string(i) + "i";
  }
  input += fields + "\n";
  ParsedBatch b = Parse(input);
  ASSERT_EQ(b.errors.size(), 0u);
  ASSERT_EQ(b.lines.size(), 3u);
  EXPECT_EQ(b.lines[0].measurement.size(), big.size());
  EXPECT_EQ(b.tags[0].value.size(), big.size());
  EXPECT_EQ(b.fields[0].key.size(), big.size());
  EXPECT_EQ(b.lines[1].measurement.size(), big.size() + 2);
  EXPECT_EQ(b.lines[2].field_end - b.lines[2].field_begin, 100000u);
  EXPECT_EQ(b.fields.back().i, 99999);
  // A long bad line: the message is cut at 256 bytes of the line.
  ParsedBatch e = Parse(big + "\nm v=1i\n");
  ASSERT_EQ(e.errors.size(), 1u);
  EXPECT_EQ(e.errors[0].message, "unable to parse '" + big.substr(0, 256) + "...': missing fields");
  EXPECT_EQ(e.lines.size(), 1u);
  EXPECT_EQ(e.lines[0].line_no, 2);
}

TEST(IlpParser, ErrorLineThenGoodLine) {
  const std::string input =
      "cpu,host=a value=\n"
      "cpu,host=b value=2i 10\n"
      "cpu v=\"open\n"
      "cpu v=3i\n";
  ParsedBatch b = Parse(input);
  // The unbalanced quote runs to the end of the input and takes the last line with it.
  EXPECT_EQ(Describe(b),
            "L2 cpu,host=b value=i:2 @0\n"
            "E1 unable to parse 'cpu,host=a value=': missing field value\n"
            "E3 unable to parse 'cpu v=\"open\\ncpu v=3i\\n': unbalanced quotes\n");
}

TEST(IlpParser, PartialLines) {
  const std::string input = "m v=1i 1\nm v=2i 2\nm v=3i 3";
  ParsedBatch b;
  size_t n = ParseLines(input, Precision::kNanoseconds, false, 1, &b);
  EXPECT_EQ(n, input.rfind('\n') + 1);
  EXPECT_EQ(b.lines.size(), 2u);
  n += ParseLines(std::string_view(input).substr(n), Precision::kNanoseconds, true, 3, &b);
  EXPECT_EQ(n, input.size());
  EXPECT_EQ(Describe(b), "L1 m v=i:1 @0\nL2 m v=i:2 @0\nL3 m v=i:3 @0\n");

  // Nothing complete: nothing consumed, nothing reported.
  for (const char* text : {"", "m v=1i", "m v=\"a\nb", "# comment", "   ", "m v=1i\r", "m,",
                           "bad line", "m v=1i 2 3", "m,t=1 v=1i,w=2", "m,t=1 v=1i,w=\"x\" 5"}) {
    ParsedBatch p;
    EXPECT_EQ(ParseLines(text, Precision::kNanoseconds, false, 1, &p), 0u) << text;
    EXPECT_EQ(Describe(p), "") << text;
    EXPECT_TRUE(p.tags.empty() && p.fields.empty()) << text;
  }
  // final consumes everything.
  for (const char* text : {"# comment", "   ", "\r", "m v=1i\r"}) {
    ParsedBatch p;
    EXPECT_EQ(ParseLines(text, Precision::kNanoseconds, true, 1, &p), std::strlen(text)) << text;
  }
  // A blank or comment line ends at its '\n' even when not final.
  ParsedBatch p;
  EXPECT_EQ(ParseLines("#c\n\n  \nm", Precision::kNanoseconds, false, 1, &p), 7u);
}

// The input cut at every byte offset and parsed in two calls gives what one call gives.
TEST(IlpParser, SplitAtEveryOffsetMatchesOneShot) {
  const std::string input =
      "# TSBS\n" + std::string(kTsbsLine) +
      "\n"
      "weather,city=K\\,\\ ln\\=x temp=-1.5e1,ok=true,txt=\"a \\\"b\\\" \\\\ c\\nd\" -1000\r\n"
      "\n"
      "  cpu,host=a value=\n"
      "str v=\"multi\nline\nvalue\",n=1u 99\n"
      "bad\x01 v=1\n"
      "dup,a=1,a=2 v=1\n"
      "dupf a=1,a=2 7\n"
      "big v=9223372036854775808i\n"
      "ts v=1i 9223372036854775807\n"
      "utf8,t=\xE6\x97\xA5 v=\"\xF0\x9F\x98\x80\"\n"
      "unterminated v=\"abc\n"
      "still in the string\" 5\n"
      "last v=T";
  ParsedBatch whole;
  ASSERT_EQ(ParseLines(input, Precision::kNanoseconds, true, 1, &whole), input.size());
  const std::string want = Describe(whole);
  EXPECT_EQ(whole.lines.size(), 7u) << want;
  EXPECT_EQ(whole.errors.size(), 5u) << want;
  for (size_t cut = 0; cut <= input.size(); ++cut) {
    ParsedBatch b;
    const std::string_view head(input.data(), cut);
    const size_t n = ParseLines(head, Precision::kNanoseconds, false, 1, &b);
    ASSERT_LE(n, cut);
    ASSERT_TRUE(n == 0 || input[n - 1] == '\n') << cut;
    const int64_t next_line = 1 + std::count(input.begin(), input.begin() + n, '\n');
    const size_t m =
        ParseLines(std::string_view(input).substr(n), Precision::kNanoseconds, true, next_line, &b);
    ASSERT_EQ(n + m, input.size());
    ASSERT_EQ(Describe(b), want) << "cut at " << cut;
  }
}

// Random pieces: feeding the input in random-sized chunks, buffering the unconsumed rest.
TEST(IlpParser, StreamedInRandomPieces) {
  std::string input;
  std::mt19937 rng(42);
  for (int i = 0; i < 300; ++i) {
    switch (rng() % 6) {
      case 0:
        input += std::string(kTsbsLine) + "\n";
        break;
      case 1:
        input += "m,t=" + std::to_string(i) + " v=" + std::to_string(i) + ".5 " +
                 std::to_string(i * 1000) + "\r\n";
        break;
      case 2:
        input += "s v=\"x\ny," + std::to_string(i) + "\"\n";
        break;
      case 3:
        input += "# comment " + std::to_string(i) + "\n\n";
        break;
      case 4:
        input += "broken,t= v=" + std::to_string(i) + "\n";
        break;
      default:
        input += "b v=t,w=" + std::to_string(i) + "u\n";
        break;
    }
  }
  ParsedBatch whole;
  ParseLines(input, Precision::kMilliseconds, true, 1, &whole);
  for (int round = 0; round < 20; ++round) {
    ParsedBatch b;
    std::string pending;
    int64_t line_no = 1;
    size_t pos = 0;
    while (pos < input.size()) {
      const size_t take = std::min<size_t>(1 + rng() % 200, input.size() - pos);
      pending.append(input, pos, take);
      pos += take;
      const size_t n = ParseLines(pending, Precision::kMilliseconds, false, line_no, &b);
      line_no += std::count(pending.begin(), pending.begin() + n, '\n');
      // Views into `pending` die with the erase below: check this round's points now.
      for (const ParsedLine& l : b.lines) {
        ASSERT_FALSE(l.measurement.empty());
      }
      b.lines.clear();
      b.tags.clear();
      b.fields.clear();
      pending.erase(0, n);
    }
    ParseLines(pending, Precision::kMilliseconds, true, line_no, &b);
    // Errors (owned strings) must match the one-shot parse exactly.
    ASSERT_EQ(b.errors.size(), whole.errors.size());
    for (size_t i = 0; i < b.errors.size(); ++i) {
      EXPECT_EQ(b.errors[i].line_no, whole.errors[i].line_no);
      EXPECT_EQ(b.errors[i].message, whole.errors[i].message);
    }
  }
}

TEST(IlpParser, ClearKeepsCapacityAndReuses) {
  ParsedBatch b;
  std::string input;
  for (int i = 0; i < 1000; ++i) {
    input += "m\\ x,k=v\\ " + std::to_string(i) + " f=\"s\\\\" + std::to_string(i) + "\"\n";
  }
  ParseLines(input, Precision::kNanoseconds, true, 1, &b);
  ASSERT_EQ(b.lines.size(), 1000u);
  EXPECT_EQ(b.tags[999].value, "v 999");
  EXPECT_EQ(b.fields[999].s, "s\\999");
  const size_t cap = b.fields.capacity();
  b.Clear();
  EXPECT_TRUE(b.lines.empty() && b.tags.empty() && b.fields.empty() && b.errors.empty());
  EXPECT_EQ(b.fields.capacity(), cap);
  ParseLines(input, Precision::kNanoseconds, true, 1, &b);
  ASSERT_EQ(b.lines.size(), 1000u);
  EXPECT_EQ(b.tags[0].value, "v 0");
  EXPECT_EQ(b.fields[500].s, "s\\500");
  // Moving keeps the views valid.
  ParsedBatch moved = std::move(b);
  EXPECT_EQ(moved.lines[999].measurement, "m x");
  EXPECT_EQ(moved.tags[999].value, "v 999");
}

TEST(IlpParser, AppendsToTheBatch) {
  ParsedBatch b;
  ParseLines("a v=1i\n", Precision::kNanoseconds, true, 1, &b);
  ParseLines("b,t=x v=2i\nbad\n", Precision::kNanoseconds, true, 2, &b);
  EXPECT_EQ(Describe(b), "L1 a v=i:1\nL2 b,t=x v=i:2\nE3 unable to parse 'bad': missing fields\n");
  EXPECT_EQ(b.lines[1].tag_begin, 0u);
  EXPECT_EQ(b.lines[1].field_begin, 1u);
}

}  // namespace
}  // namespace omen::ingest
