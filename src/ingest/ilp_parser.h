// Copyright 2026 The OmenDB Authors.
//
// The InfluxDB line protocol (ILP) parser: turns lines such as
//   cpu,host=a,region=eu usage_user=58i,usage_idle=24.5,up=true,msg="ok" 1451606400000000000
// into ParsedLine records (measurement, tags, typed fields, time in microseconds) and
// per-line errors, following the InfluxDB v2 line protocol reference
// (docs.influxdata.com/influxdb/v2/reference/syntax/line-protocol/). The rules, in short:
//
//   - A line ends at the first '\n' outside a quoted string field value; a '\r' before it is
//     dropped. Blank lines and lines whose first non-blank byte is '#' (comments) are skipped
//     but counted. Leading spaces and tabs are skipped.
//   - Measurement: unescapes "\," "\ " and "\\"; tag keys, tag values and field keys
//     unescape "\," "\=" "\ " and "\\". Any other backslash is a literal backslash (so "\"
//     and "\\" both read as one backslash). An unescaped '=' in a measurement or tag value is
//     literal; quotes outside string field values are literal.
//   - At least one tag value byte; tags stay in the order given; a repeated tag key is an
//     error. At least one field.
//   - Field values: float ("1", "-1.5", "1e9", "1.", ".5"; IEEE-754 double, out of range is
//     an error), integer "12i" (int64), unsigned "12u" (uint64), boolean (t T true True TRUE
//     f F false False FALSE), string "..." where "\"" and "\\" are the only escapes. A
//     string may hold any character but NUL, raw newlines included, up to 64 KiB once
//     unescaped.
//   - A repeated field key: the last value wins when the types agree (earlier ones are
//     dropped from the line); differing types make the line an error (InfluxDB's rule).
//   - Timestamp: optional; an integer in [-9223372036854775806, 9223372036854775806] in the
//     given precision, converted to microseconds rounding toward -infinity (an overflow is
//     an error). Anything but spaces after it is an error.
//   - Names, keys and values must be valid UTF-8 without control bytes (0x00-0x1f, 0x7f;
//     string field values may hold any control byte but NUL).
// Not checked here (the consumer's business): InfluxDB's reserved "_" prefix and "time"
// key, and a tag and a field with the same key.
//
// Thread-safety: ParseLines is reentrant; a ParsedBatch is used by one thread at a time.

#ifndef OMENDB_INGEST_ILP_PARSER_H_
#define OMENDB_INGEST_ILP_PARSER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "omendb/status.h"

namespace omen::ingest {

enum class Precision { kNanoseconds, kMicroseconds, kMilliseconds, kSeconds, kMinutes, kHours };

// The precision named by an InfluxDB v1 or v2 `precision` parameter: "ns"/"n", "us"/"u"/"µs",
// "ms", "s", "m" (minutes), "h"; "" is nanoseconds. Anything else: InvalidArgument.
Result<Precision> ParsePrecision(std::string_view s);

// The longest string field value accepted, in bytes after unescaping (InfluxDB's 64 KB).
inline constexpr size_t kMaxStringFieldBytes = 64 * 1024;

enum class FieldType : uint8_t { kFloat, kInteger, kUnsigned, kString, kBoolean };

struct Tag {
  std::string_view key, value;
};

struct Field {
  std::string_view key;
  FieldType type = FieldType::kFloat;
  double f = 0;
  int64_t i = 0;
  uint64_t u = 0;
  bool b = false;      // the one matching type
  std::string_view s;  // kString: the unescaped value
};

struct ParsedLine {
  std::string_view measurement;
  uint32_t tag_begin = 0, tag_end = 0;      // [begin, end) into ParsedBatch::tags
  uint32_t field_begin = 0, field_end = 0;  // into ParsedBatch::fields
  bool has_time = false;
  int64_t time_us = 0;  // converted from the precision to microseconds, rounding toward -inf
  int64_t line_no = 0;  // 1-based: the line the point starts on
  // The measurement and tag set as written, escapes included (a view into the input): points
  // with equal series bytes have the same measurement and tags (a cache key for writers).
  std::string_view series;
  // True when the point's tag and field keys are those of the previous point of the same
  // ParseLines call, in the same order (a writer may reuse what it resolved for that one).
  bool keys_as_previous = false;
};

// message is "unable to parse '<line>': <reason>", the line cut to 256 bytes ("..." added)
// with control bytes and invalid UTF-8 written as \n, \t, \xHH.
struct LineError {
  int64_t line_no;
  std::string message;
};

namespace internal {
class LineParser;
}  // namespace internal

// The output of ParseLines: points, their tags and fields, and the errors of bad lines.
// Reusable: Clear() keeps the vectors' capacity. Move-only; moving keeps every view valid.
class ParsedBatch {
 public:
  ParsedBatch() = default;
  ParsedBatch(const ParsedBatch&) = delete;
  ParsedBatch& operator=(const ParsedBatch&) = delete;
  ParsedBatch(ParsedBatch&&) noexcept = default;
  ParsedBatch& operator=(ParsedBatch&&) noexcept = default;

  std::vector<ParsedLine> lines;
  std::vector<Tag> tags;
  std::vector<Field> fields;
  std::vector<LineError> errors;

  // Empties the batch. Views from earlier ParseLines calls become invalid.
  void Clear();

 private:
  friend class internal::LineParser;
  static constexpr size_t kBlockBytes = 64 * 1024;

  // n bytes that stay put until Clear() (unescaped tokens; tokens without escapes are views
  // into the input and take nothing here).
  char* Allocate(size_t n);

  std::vector<std::unique_ptr<char[]>> blocks_;
  std::vector<size_t> block_sizes_;
  size_t block_ = 0;  // the block being filled
  size_t used_ = 0;   // bytes used in blocks_[block_]
};

// Parses the complete lines of `input` and appends them (and the errors of bad lines) to
// *out. A line ends at '\n' outside a quoted string (a trailing '\r' is dropped). When
// `final` is false, a last line without '\n' is left unparsed; when true, it is parsed too.
// Blank lines, whitespace-only lines and comment lines ('#' first non-blank) are skipped but
// counted for line numbers. Line numbers start at first_line_no. Returns the number of bytes
// consumed (through the last '\n' handled, or all of input when final); the caller resumes
// with the rest and first_line_no plus the number of '\n' bytes in the consumed part. A
// caller that buffers the rest should bound it: an unterminated string field runs to the
// end of the input. Views in *out point into `input` or into out's own storage: `input`
// must outlive their use.
size_t ParseLines(std::string_view input, Precision precision, bool final, int64_t first_line_no,
                  ParsedBatch* out);

}  // namespace omen::ingest

#endif  // OMENDB_INGEST_ILP_PARSER_H_
