// Copyright 2026 The OmenDB Authors.
//
// The executor's value model. LType is the SQL type of a value as the binder
// sees it (PostgreSQL's types that OmenDB supports); every type has one
// physical form: int64 (booleans, integers, timestamps in microseconds, dates
// in days), double (real, double precision and numeric), string_view (text)
// or Interval. A Vector is one column of a batch in that form — either
// borrowed zero-copy from an Arrow column (int64/timestamp/float64 buffers,
// dictionary codes for text) or owned by a shared VectorData. A Chunk is a
// batch of equal-length Vectors. Vectors are cheap to copy (shared storage)
// and immutable once built; safe to read from many threads.

#ifndef OMENDB_EXEC_TYPES_H_
#define OMENDB_EXEC_TYPES_H_

#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "arrow/column.h"
#include "omendb/status.h"

namespace omen {
class TimeZone;
}  // namespace omen

namespace omen::exec {

enum class LType : uint8_t {
  kNull,  // the type of a bare NULL literal
  kBool,
  kInt16,
  kInt32,
  kInt64,
  kFloat32,
  kFloat64,
  kNumeric,  // PostgreSQL numeric, computed as double
  kText,
  kTimestamp,
  kTimestampTz,
  kDate,
  kInterval,
  kOid,  // PostgreSQL's oid: an unsigned 32-bit object identifier (catalog tables)
  // One-dimensional arrays, held in PostgreSQL's text form ('{a,"b c",NULL}'): the catalog's
  // name[]/"char"[]/aclitem[] columns, int2vector/oidvector, string_to_array(), array_agg().
  kTextArray,
  kInt16Array,
  kInt32Array,
  kInt64Array,
  kOidArray,
  kTime,  // time without time zone: microseconds since midnight, 0 to 24:00:00 inclusive
};

enum class Phys : uint8_t { kInt, kFloat, kStr, kInterval };

inline Phys PhysOf(LType t) {
  switch (t) {
    case LType::kFloat32:
    case LType::kFloat64:
    case LType::kNumeric:
      return Phys::kFloat;
    case LType::kText:
    case LType::kTextArray:
    case LType::kInt16Array:
    case LType::kInt32Array:
    case LType::kInt64Array:
    case LType::kOidArray:
      return Phys::kStr;
    case LType::kInterval:
      return Phys::kInterval;
    default:
      return Phys::kInt;
  }
}
inline bool IsInteger(LType t) {
  return t == LType::kInt16 || t == LType::kInt32 || t == LType::kInt64;
}
inline bool IsNumeric(LType t) {
  return IsInteger(t) || t == LType::kFloat32 || t == LType::kFloat64 || t == LType::kNumeric;
}
inline bool IsTimestamp(LType t) { return t == LType::kTimestamp || t == LType::kTimestampTz; }
inline bool IsArray(LType t) {
  return t == LType::kTextArray || t == LType::kInt16Array || t == LType::kInt32Array ||
         t == LType::kInt64Array || t == LType::kOidArray;
}
// The element type of an array type (kNull for other types).
LType ArrayElementType(LType t);
// The array type with elements of t: text-like elements make text[]; nullopt where OmenDB has
// no array of t.
std::optional<LType> ArrayTypeOf(LType element);

// PostgreSQL's array text form: elements of '{a,"b c",NULL}' (nullopt for NULL), and back.
// 22P02 for malformed text.
Result<std::vector<std::optional<std::string>>> ParseArrayText(std::string_view text);
std::string FormatArrayText(const std::vector<std::optional<std::string>>& elements);

// PostgreSQL's name of the type ("bigint", "timestamp with time zone", ...).
const char* TypeName(LType t);
// A type from a name as libpg_query spells it in casts ("int4", "float8", "timestamptz", ...).
std::optional<LType> TypeFromName(std::string_view name);
LType TypeOfArrow(const arrow::DataType& t);

// PostgreSQL interval: months, days and microseconds kept apart.
struct Interval {
  int64_t months = 0;
  int64_t days = 0;
  int64_t micros = 0;
  bool operator==(const Interval&) const = default;
  // Ordering as PostgreSQL does: a month counts 30 days, a day 24 hours.
  __int128 Span() const {
    return static_cast<__int128>(micros) +
           (static_cast<__int128>(days) + static_cast<__int128>(months) * 30) * 86400000000LL;
  }
};
// '1 hour', '5 minutes', '1 day 02:00:00', '3 mons', 'P1D', '-1 week', '00:05:00', ...
Result<Interval> ParseInterval(std::string_view text);
std::string FormatInterval(const Interval& v);
// Adds an interval to a timestamp (months calendar-correct, days as 24 hours in UTC).
int64_t AddInterval(int64_t ts, const Interval& v, int sign = 1);

// One scalar value.
struct Value {
  LType type = LType::kNull;
  bool null = true;
  int64_t i = 0;
  double f = 0;
  std::string s;
  Interval iv;

  static Value Null(LType t = LType::kNull) {
    Value v;
    v.type = t;
    return v;
  }
  static Value Int(LType t, int64_t x) {
    Value v;
    v.type = t;
    v.null = false;
    v.i = x;
    return v;
  }
  static Value Float(LType t, double x) {
    Value v;
    v.type = t;
    v.null = false;
    v.f = x;
    return v;
  }
  static Value Text(std::string x) {
    Value v;
    v.type = LType::kText;
    v.null = false;
    v.s = std::move(x);
    return v;
  }
  static Value Ivl(Interval x) {
    Value v;
    v.type = LType::kInterval;
    v.null = false;
    v.iv = x;
    return v;
  }
};

// Stable storage for strings built during a query. Allocates nothing until the first Add (a
// VectorData holds one, and most never store text).
class Arena {
 public:
  std::string_view Add(std::string_view s);
  size_t bytes() const { return bytes_; }

 private:
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t used_ = 0;      // in blocks_.back()
  size_t capacity_ = 0;  // of blocks_.back()
  size_t bytes_ = 0;
};

struct VectorData {
  std::vector<uint8_t> nulls;
  std::vector<int64_t> i;
  std::vector<double> f;
  std::vector<std::string_view> s;
  std::vector<Interval> iv;
  Arena arena;
  std::vector<std::shared_ptr<const void>> keep;  // borrowed Arrow buffers, other arenas
};

struct Vector {
  LType type = LType::kNull;
  int64_t size = 0;
  bool constant = false;           // every row is row 0
  const uint8_t* nulls = nullptr;  // 1 = NULL, one byte per row; nullptr: no NULLs
  const int64_t* i = nullptr;      // Phys::kInt (or dictionary codes widened: see codes)
  const double* f = nullptr;       // Phys::kFloat
  const std::string_view* s = nullptr;
  const Interval* iv = nullptr;
  const int32_t* codes = nullptr;  // text from a dictionary column: codes into dict
  const arrow::Dictionary* dict = nullptr;
  std::shared_ptr<VectorData> data;  // owner of owned parts (may also keep borrowed buffers)

  int64_t At(int64_t r) const { return constant ? 0 : r; }
  bool IsNull(int64_t r) const { return nulls != nullptr && nulls[At(r)] != 0; }
  int64_t I(int64_t r) const { return i[At(r)]; }
  double F(int64_t r) const {
    return PhysOf(type) == Phys::kFloat ? f[At(r)] : static_cast<double>(i[At(r)]);
  }
  std::string_view S(int64_t r) const {
    if (codes == nullptr) return s[At(r)];
    const int32_t c = codes[At(r)];
    // A NULL row's code is undefined in Arrow: never index with it.
    return static_cast<uint64_t>(c) < static_cast<uint64_t>(dict->length) ? dict->Get(c)
                                                                          : std::string_view();
  }
  const Interval& V(int64_t r) const { return iv[At(r)]; }
  Value Get(int64_t r) const;
  // Points i, f, s and iv at d's own values and makes d the owner (nulls and codes untouched).
  void Own(std::shared_ptr<VectorData> d);
};

// Builds an owned vector of one type row by row.
class VectorBuilder {
 public:
  explicit VectorBuilder(LType type, int64_t reserve = 0);
  void AppendNull();
  void AppendInt(int64_t v);
  void AppendFloat(double v);
  void AppendStr(std::string_view v);  // copied into the vector's arena
  void AppendInterval(const Interval& v);
  void Append(const Value& v);
  void AppendFrom(const Vector& src, int64_t r);
  int64_t size() const { return size_; }
  Vector Finish();
  VectorData* data() { return d_.get(); }

 private:
  LType type_;
  int64_t size_ = 0;
  bool any_null_ = false;
  std::shared_ptr<VectorData> d_;
};

Vector ConstantVector(const Value& v, int64_t size);
// Rows sel[0..n) of v as a new owned vector (text copied by view; storage kept alive).
Vector Gather(const Vector& v, const uint32_t* sel, int64_t n);
// The rows of an Arrow column as a Vector (zero-copy where the layouts agree).
Vector FromArrow(const arrow::ArrayData& a);
// Concatenation of vectors of one type.
Vector Concat(const std::vector<Vector>& parts, LType type);

struct Chunk {
  std::vector<Vector> cols;
  int64_t size = 0;
};
Chunk GatherChunk(const Chunk& c, const uint32_t* sel, int64_t n);
Chunk ConcatChunks(const std::vector<Chunk>& parts, const std::vector<LType>& types);

// PostgreSQL's text output of row r (nullopt for NULL).
std::optional<std::string> FormatValue(const Vector& v, int64_t r);
// FormatValue appended to *out without a string of its own; false (nothing appended) for NULL.
// timestamptz prints in `zone` when one is given (null: UTC, "+00").
bool AppendText(const Vector& v, int64_t r, std::string* out, const TimeZone* zone = nullptr);
std::string FormatDouble(double d, bool single);

// Floats in PostgreSQL's order: NaN above every other value and equal to itself. <0, 0, >0.
inline int CompareFloats(double x, double y) {
  const bool xn = std::isnan(x), yn = std::isnan(y);
  if (xn || yn) return xn && yn ? 0 : xn ? 1 : -1;
  return x < y ? -1 : x > y ? 1 : 0;
}

// Total order used by ORDER BY / DISTINCT / grouping of equal values (NULLs handled by callers).
int CompareRows(const Vector& a, int64_t ra, const Vector& b, int64_t rb);

}  // namespace omen::exec

#endif  // OMENDB_EXEC_TYPES_H_
