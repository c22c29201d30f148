// Copyright 2026 The OmenDB Authors.

#include "exec/types.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>

#include "common/datetime.h"
#include "common/strings.h"
#include "common/timezone.h"

namespace omen::exec {

const char* TypeName(LType t) {
  switch (t) {
    case LType::kNull:
      return "unknown";
    case LType::kBool:
      return "boolean";
    case LType::kInt16:
      return "smallint";
    case LType::kInt32:
      return "integer";
    case LType::kInt64:
      return "bigint";
    case LType::kFloat32:
      return "real";
    case LType::kFloat64:
      return "double precision";
    case LType::kNumeric:
      return "numeric";
    case LType::kText:
      return "text";
    case LType::kTimestamp:
      return "timestamp without time zone";
    case LType::kTimestampTz:
      return "timestamp with time zone";
    case LType::kDate:
      return "date";
    case LType::kInterval:
      return "interval";
    case LType::kOid:
      return "oid";
    case LType::kTextArray:
      return "text[]";
    case LType::kInt16Array:
      return "smallint[]";
    case LType::kInt32Array:
      return "integer[]";
    case LType::kInt64Array:
      return "bigint[]";
    case LType::kOidArray:
      return "oid[]";
    case LType::kTime:
      return "time without time zone";
  }
  return "unknown";
}

LType ArrayElementType(LType t) {
  switch (t) {
    case LType::kTextArray:
      return LType::kText;
    case LType::kInt16Array:
      return LType::kInt16;
    case LType::kInt32Array:
      return LType::kInt32;
    case LType::kInt64Array:
      return LType::kInt64;
    case LType::kOidArray:
      return LType::kOid;
    default:
      return LType::kNull;
  }
}

std::optional<LType> ArrayTypeOf(LType element) {
  switch (element) {
    case LType::kText:
    case LType::kNull:
      return LType::kTextArray;
    case LType::kInt16:
      return LType::kInt16Array;
    case LType::kInt32:
      return LType::kInt32Array;
    case LType::kInt64:
      return LType::kInt64Array;
    case LType::kOid:
      return LType::kOidArray;
    default:
      return std::nullopt;
  }
}

Result<std::vector<std::optional<std::string>>> ParseArrayText(std::string_view text) {
  auto bad = [&]() {
    return Status::InvalidArgument("malformed array literal: \"" + std::string(text) + "\"")
        .WithSqlState("22P02");
  };
  std::vector<std::optional<std::string>> out;
  size_t p = 0;
  auto skip_space = [&]() {
    while (p < text.size() && std::isspace(static_cast<unsigned char>(text[p]))) ++p;
  };
  skip_space();
  if (p >= text.size() || text[p] != '{') return bad();
  ++p;
  skip_space();
  if (p < text.size() && text[p] == '}') {
    ++p;
    skip_space();
    if (p != text.size()) return bad();
    return out;
  }
  while (true) {
    skip_space();
    if (p >= text.size()) return bad();
    std::string elem;
    bool quoted = false;
    if (text[p] == '"') {
      quoted = true;
      ++p;
      while (p < text.size() && text[p] != '"') {
        if (text[p] == '\\' && p + 1 < text.size()) ++p;
        elem += text[p++];
      }
      if (p >= text.size()) return bad();
      ++p;
    } else {
      while (p < text.size() && text[p] != ',' && text[p] != '}') {
        if (text[p] == '{' || text[p] == '"') return bad();
        if (text[p] == '\\' && p + 1 < text.size()) ++p;
        elem += text[p++];
      }
      while (!elem.empty() && std::isspace(static_cast<unsigned char>(elem.back()))) {
        elem.pop_back();
      }
      if (elem.empty()) return bad();
    }
    if (!quoted && AsciiLower(elem) == "null") {
      out.emplace_back(std::nullopt);
    } else {
      out.emplace_back(std::move(elem));
    }
    skip_space();
    if (p >= text.size()) return bad();
    if (text[p] == ',') {
      ++p;
      continue;
    }
    if (text[p] != '}') return bad();
    ++p;
    skip_space();
    if (p != text.size()) return bad();
    return out;
  }
}

std::string FormatArrayText(const std::vector<std::optional<std::string>>& elements) {
  std::string out = "{";
  for (size_t k = 0; k < elements.size(); ++k) {
    if (k > 0) out += ',';
    if (!elements[k]) {
      out += "NULL";
      continue;
    }
    const std::string& e = *elements[k];
    bool quote = e.empty() || AsciiLower(e) == "null";
    for (char c : e) {
      if (c == ',' || c == '{' || c == '}' || c == '"' || c == '\\' ||
          std::isspace(static_cast<unsigned char>(c))) {
        quote = true;
      }
    }
    if (!quote) {
      out += e;
      continue;
    }
    out += '"';
    for (char c : e) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

std::optional<LType> TypeFromName(std::string_view n) {
  if (n == "bool" || n == "boolean") return LType::kBool;
  if (n == "int2" || n == "smallint") return LType::kInt16;
  if (n == "int4" || n == "integer" || n == "int") return LType::kInt32;
  if (n == "int8" || n == "bigint") return LType::kInt64;
  if (n == "float4" || n == "real") return LType::kFloat32;
  if (n == "float8" || n == "double precision" || n == "float") return LType::kFloat64;
  if (n == "numeric" || n == "decimal") return LType::kNumeric;
  if (n == "text" || n == "varchar" || n == "bpchar" || n == "char" || n == "name") {
    return LType::kText;
  }
  if (n == "oid" || n == "xid" || n == "cid" || n == "regclass" || n == "regtype" ||
      n == "regnamespace" || n == "regrole") {
    return LType::kOid;
  }
  if (n == "text[]" || n == "_text" || n == "name[]" || n == "_name" || n == "char[]" ||
      n == "_char" || n == "varchar[]" || n == "_varchar" || n == "aclitem[]" || n == "_aclitem") {
    return LType::kTextArray;
  }
  if (n == "int2[]" || n == "_int2" || n == "int2vector") return LType::kInt16Array;
  if (n == "int4[]" || n == "_int4") return LType::kInt32Array;
  if (n == "int8[]" || n == "_int8") return LType::kInt64Array;
  if (n == "oid[]" || n == "_oid" || n == "oidvector") return LType::kOidArray;
  if (n == "timestamp") return LType::kTimestamp;
  if (n == "timestamptz") return LType::kTimestampTz;
  if (n == "date") return LType::kDate;
  if (n == "time") return LType::kTime;
  if (n == "interval") return LType::kInterval;
  return std::nullopt;
}

LType TypeOfArrow(const arrow::DataType& t) {
  switch (t.id) {
    case arrow::TypeId::kBool:
      return LType::kBool;
    case arrow::TypeId::kInt16:
      return LType::kInt16;
    case arrow::TypeId::kInt32:
      return LType::kInt32;
    case arrow::TypeId::kInt64:
      return LType::kInt64;
    case arrow::TypeId::kFloat32:
      return LType::kFloat32;
    case arrow::TypeId::kFloat64:
      return LType::kFloat64;
    case arrow::TypeId::kString:
      return LType::kText;
    case arrow::TypeId::kTimestamp:
      return t.utc ? LType::kTimestampTz : LType::kTimestamp;
    case arrow::TypeId::kDate32:
      return LType::kDate;
  }
  return LType::kNull;
}

// ---------------------------------------------------------------------------------------------
// Intervals

namespace {

constexpr int64_t kUsPerSec = 1000000;
constexpr int64_t kUsPerDay = 86400 * kUsPerSec;

}  // namespace

Result<Interval> ParseInterval(std::string_view text) {
  Interval out;
  std::string t = AsciiLower(text);
  size_t p = 0;
  auto bad = [&] {
    return Status::InvalidArgument("invalid input syntax for type interval: \"" +
                                   std::string(text) + "\"");
  };
  auto skip = [&] {
    while (p < t.size() && (t[p] == ' ' || t[p] == '\t' || t[p] == ',')) ++p;
  };
  bool any = false;
  bool ago = false;
  skip();
  if (p < t.size() && t[p] == 'p') {  // ISO 8601: P1Y2M3DT4H5M6S
    ++p;
    bool in_time = false;
    while (p < t.size()) {
      if (t[p] == 't') {
        in_time = true;
        ++p;
        continue;
      }
      size_t start = p;
      while (p < t.size() &&
             (std::isdigit(static_cast<unsigned char>(t[p])) || t[p] == '.' || t[p] == '-')) {
        ++p;
      }
      if (start == p || p >= t.size()) return bad();
      double n = std::strtod(t.substr(start, p - start).c_str(), nullptr);
      char u = t[p++];
      if (!in_time && u == 'y')
        out.months += static_cast<int64_t>(n * 12);
      else if (!in_time && u == 'm')
        out.months += static_cast<int64_t>(n);
      else if (!in_time && u == 'w')
        out.days += static_cast<int64_t>(n * 7);
      else if (!in_time && u == 'd')
        out.days += static_cast<int64_t>(n);
      else if (in_time && u == 'h')
        out.micros += static_cast<int64_t>(std::llround(n * 3600e6));
      else if (in_time && u == 'm')
        out.micros += static_cast<int64_t>(std::llround(n * 60e6));
      else if (in_time && u == 's')
        out.micros += static_cast<int64_t>(std::llround(n * 1e6));
      else
        return bad();
      any = true;
    }
    if (!any) return bad();
    return out;
  }
  while (p < t.size()) {
    skip();
    if (p >= t.size()) break;
    if (t.compare(p, 3, "ago") == 0) {
      ago = true;
      p += 3;
      continue;
    }
    size_t start = p;
    if (t[p] == '-' || t[p] == '+') ++p;
    while (p < t.size() && (std::isdigit(static_cast<unsigned char>(t[p])) || t[p] == '.')) ++p;
    if (p == start || (p == start + 1 && (t[start] == '-' || t[start] == '+'))) return bad();
    std::string num = t.substr(start, p - start);
    if (p < t.size() && t[p] == ':') {
      // [-]HH:MM[:SS[.ffffff]]
      const bool neg = num[0] == '-';
      std::string rest = t.substr(start + (neg || num[0] == '+' ? 1 : 0));
      size_t end = 0;
      while (end < rest.size() && (std::isdigit(static_cast<unsigned char>(rest[end])) ||
                                   rest[end] == ':' || rest[end] == '.')) {
        ++end;
      }
      std::string clock = rest.substr(0, end);
      p = start + (neg || num[0] == '+' ? 1 : 0) + end;
      int64_t h = 0, m = 0;
      double s = 0;
      int parts = std::sscanf(clock.c_str(), "%ld:%ld:%lf", &h, &m, &s);
      if (parts < 2 || m >= 60 || s >= 60) return bad();
      int64_t us = h * 3600 * kUsPerSec + m * 60 * kUsPerSec + std::llround(s * 1e6);
      out.micros += neg ? -us : us;
      any = true;
      continue;
    }
    char* endp = nullptr;
    double n = std::strtod(num.c_str(), &endp);
    skip();
    size_t ustart = p;
    while (p < t.size() && std::isalpha(static_cast<unsigned char>(t[p]))) ++p;
    std::string unit = t.substr(ustart, p - ustart);
    if (unit.empty()) {
      out.micros += std::llround(n * 1e6);  // bare number: seconds
      any = true;
      continue;
    }
    auto is = [&](std::initializer_list<const char*> names) {
      for (const char* nm : names) {
        if (unit == nm) return true;
      }
      return false;
    };
    if (is({"microsecond", "microseconds", "us", "usec", "usecs"})) {
      out.micros += std::llround(n);
    } else if (is({"millisecond", "milliseconds", "ms", "msec", "msecs"})) {
      out.micros += std::llround(n * 1e3);
    } else if (is({"second", "seconds", "s", "sec", "secs"})) {
      out.micros += std::llround(n * 1e6);
    } else if (is({"minute", "minutes", "m", "min", "mins"})) {
      out.micros += std::llround(n * 60e6);
    } else if (is({"hour", "hours", "h", "hr", "hrs"})) {
      out.micros += std::llround(n * 3600e6);
    } else if (is({"day", "days", "d"})) {
      out.days += static_cast<int64_t>(n);
      double frac = n - std::trunc(n);
      out.micros += std::llround(frac * 86400e6);
    } else if (is({"week", "weeks", "w"})) {
      double d = n * 7;
      out.days += static_cast<int64_t>(d);
      out.micros += std::llround((d - std::trunc(d)) * 86400e6);
    } else if (is({"month", "months", "mon", "mons"})) {
      out.months += static_cast<int64_t>(n);
      double frac = n - std::trunc(n);
      out.days += static_cast<int64_t>(frac * 30);
    } else if (is({"year", "years", "y", "yr", "yrs"})) {
      out.months += static_cast<int64_t>(std::llround(n * 12));
    } else if (is({"decade", "decades"})) {
      out.months += static_cast<int64_t>(std::llround(n * 120));
    } else if (is({"century", "centuries"})) {
      out.months += static_cast<int64_t>(std::llround(n * 1200));
    } else {
      return bad();
    }
    any = true;
  }
  if (!any) return bad();
  if (ago) {
    out.months = -out.months;
    out.days = -out.days;
    out.micros = -out.micros;
  }
  return out;
}

std::string FormatInterval(const Interval& v) {
  std::string out;
  auto part = [&](int64_t n, const char* one, const char* many) {
    if (n == 0) return;
    if (!out.empty()) out += ' ';
    out += std::to_string(n) + " " + (n == 1 ? one : many);
  };
  part(v.months / 12, "year", "years");
  part(v.months % 12, "mon", "mons");
  part(v.days, "day", "days");
  if (v.micros != 0 || out.empty()) {
    if (!out.empty()) out += ' ';
    uint64_t us =
        v.micros < 0 ? static_cast<uint64_t>(-(v.micros + 1)) + 1 : static_cast<uint64_t>(v.micros);
    if (v.micros < 0) out += '-';
    uint64_t secs = us / kUsPerSec;
    uint64_t frac = us % kUsPerSec;
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%02llu:%02llu:%02llu",
                  static_cast<unsigned long long>(secs / 3600),
                  static_cast<unsigned long long>((secs / 60) % 60),
                  static_cast<unsigned long long>(secs % 60));
    out += buf;
    if (frac != 0) {
      std::snprintf(buf, sizeof(buf), ".%06llu", static_cast<unsigned long long>(frac));
      std::string f(buf);
      while (f.back() == '0') f.pop_back();
      out += f;
    }
  }
  return out;
}

int64_t AddInterval(int64_t ts, const Interval& v, int sign) {
  if (v.months != 0) {
    int64_t day = FloorDiv(ts, kUsPerDay);
    int64_t tod = ts - day * kUsPerDay;
    int64_t y;
    unsigned m, d;
    CivilFromDays(day, &y, &m, &d);
    int64_t total = y * 12 + (m - 1) + sign * v.months;
    int64_t ny = FloorDiv(total, 12);
    unsigned nm = static_cast<unsigned>(total - ny * 12) + 1;
    static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    unsigned dim = kDays[nm - 1];
    if (nm == 2 && ((ny % 4 == 0 && ny % 100 != 0) || ny % 400 == 0)) dim = 29;
    ts = DaysFromCivil(ny, nm, std::min(d, dim)) * kUsPerDay + tod;
  }
  return ts + sign * (v.days * kUsPerDay + v.micros);
}

// ---------------------------------------------------------------------------------------------
// Storage

std::string_view Arena::Add(std::string_view s) {
  if (s.empty()) return std::string_view();
  constexpr size_t kBlock = 64 * 1024;
  if (blocks_.empty() || used_ + s.size() > capacity_) {
    capacity_ = std::max(kBlock, s.size());
    blocks_.push_back(std::make_unique_for_overwrite<char[]>(capacity_));
    used_ = 0;
  }
  char* dst = blocks_.back().get() + used_;
  std::memcpy(dst, s.data(), s.size());
  used_ += s.size();
  bytes_ += s.size();
  return std::string_view(dst, s.size());
}

void Vector::Own(std::shared_ptr<VectorData> d) {
  i = d->i.data();
  f = d->f.data();
  s = d->s.data();
  iv = d->iv.data();
  data = std::move(d);
}

Value Vector::Get(int64_t r) const {
  if (IsNull(r)) return Value::Null(type);
  switch (PhysOf(type)) {
    case Phys::kInt:
      return Value::Int(type, I(r));
    case Phys::kFloat:
      return Value::Float(type, F(r));
    case Phys::kStr: {
      Value x = Value::Text(std::string(S(r)));
      x.type = type;  // text or an array type
      return x;
    }
    case Phys::kInterval:
      return Value::Ivl(V(r));
  }
  return Value::Null(type);
}

VectorBuilder::VectorBuilder(LType type, int64_t reserve)
    : type_(type), d_(std::make_shared<VectorData>()) {
  if (reserve > 0) {
    switch (PhysOf(type)) {
      case Phys::kInt:
        d_->i.reserve(static_cast<size_t>(reserve));
        break;
      case Phys::kFloat:
        d_->f.reserve(static_cast<size_t>(reserve));
        break;
      case Phys::kStr:
        d_->s.reserve(static_cast<size_t>(reserve));
        break;
      case Phys::kInterval:
        d_->iv.reserve(static_cast<size_t>(reserve));
        break;
    }
  }
}

void VectorBuilder::AppendNull() {
  if (!any_null_) {
    d_->nulls.assign(static_cast<size_t>(size_), 0);
    any_null_ = true;
  }
  d_->nulls.push_back(1);
  switch (PhysOf(type_)) {
    case Phys::kInt:
      d_->i.push_back(0);
      break;
    case Phys::kFloat:
      d_->f.push_back(0);
      break;
    case Phys::kStr:
      d_->s.emplace_back();
      break;
    case Phys::kInterval:
      d_->iv.emplace_back();
      break;
  }
  ++size_;
}

#define OMEN_MARK_VALID() \
  if (any_null_) d_->nulls.push_back(0);

void VectorBuilder::AppendInt(int64_t v) {
  OMEN_MARK_VALID();
  d_->i.push_back(v);
  ++size_;
}
void VectorBuilder::AppendFloat(double v) {
  OMEN_MARK_VALID();
  d_->f.push_back(v);
  ++size_;
}
void VectorBuilder::AppendStr(std::string_view v) {
  OMEN_MARK_VALID();
  d_->s.push_back(d_->arena.Add(v));
  ++size_;
}
void VectorBuilder::AppendInterval(const Interval& v) {
  OMEN_MARK_VALID();
  d_->iv.push_back(v);
  ++size_;
}
#undef OMEN_MARK_VALID

void VectorBuilder::Append(const Value& v) {
  if (v.null) return AppendNull();
  switch (PhysOf(type_)) {
    case Phys::kInt:
      return AppendInt(PhysOf(v.type) == Phys::kFloat ? static_cast<int64_t>(v.f) : v.i);
    case Phys::kFloat:
      return AppendFloat(PhysOf(v.type) == Phys::kFloat ? v.f : static_cast<double>(v.i));
    case Phys::kStr:
      return AppendStr(v.s);
    case Phys::kInterval:
      return AppendInterval(v.iv);
  }
}

void VectorBuilder::AppendFrom(const Vector& src, int64_t r) {
  if (src.IsNull(r)) return AppendNull();
  switch (PhysOf(type_)) {
    case Phys::kInt:
      return AppendInt(src.I(r));
    case Phys::kFloat:
      return AppendFloat(src.F(r));
    case Phys::kStr:
      return AppendStr(src.S(r));
    case Phys::kInterval:
      return AppendInterval(src.V(r));
  }
}

Vector VectorBuilder::Finish() {
  Vector v;
  v.type = type_;
  v.size = size_;
  v.nulls = any_null_ ? d_->nulls.data() : nullptr;
  v.Own(std::move(d_));
  d_ = std::make_shared<VectorData>();
  size_ = 0;
  any_null_ = false;
  return v;
}

Vector ConstantVector(const Value& val, int64_t size) {
  VectorBuilder b(val.type, 1);
  b.Append(val);
  Vector v = b.Finish();
  v.size = size;
  v.constant = true;
  return v;
}

Vector Gather(const Vector& v, const uint32_t* sel, int64_t n) {
  const bool placeholder =
      v.i == nullptr && v.f == nullptr && v.s == nullptr && v.iv == nullptr && v.codes == nullptr;
  if (v.constant || placeholder) {  // placeholders stand for columns a query does not read
    Vector out = v;
    out.size = n;
    return out;
  }
  auto d = std::make_shared<VectorData>();
  Vector out;
  out.type = v.type;
  out.size = n;
  if (v.nulls != nullptr) {
    d->nulls.resize(static_cast<size_t>(n));
    for (int64_t k = 0; k < n; ++k) d->nulls[k] = v.nulls[sel[k]];
    out.nulls = d->nulls.data();
  }
  if (v.codes != nullptr) {
    // Text from a dictionary: keep it a dictionary vector (codes stay valid in dict).
    auto codes = std::make_shared<std::vector<int32_t>>(static_cast<size_t>(n));
    for (int64_t k = 0; k < n; ++k) (*codes)[k] = v.codes[sel[k]];
    out.codes = codes->data();
    out.dict = v.dict;
    d->keep.push_back(codes);
    if (v.data) d->keep.push_back(v.data);
    out.data = std::move(d);
    return out;
  }
  switch (PhysOf(v.type)) {
    case Phys::kInt:
      d->i.resize(static_cast<size_t>(n));
      for (int64_t k = 0; k < n; ++k) d->i[k] = v.i[sel[k]];
      break;
    case Phys::kFloat:
      d->f.resize(static_cast<size_t>(n));
      for (int64_t k = 0; k < n; ++k) d->f[k] = v.f[sel[k]];
      break;
    case Phys::kStr:
      d->s.resize(static_cast<size_t>(n));
      for (int64_t k = 0; k < n; ++k) d->s[k] = v.s[sel[k]];
      if (v.data) d->keep.push_back(v.data);
      break;
    case Phys::kInterval:
      d->iv.resize(static_cast<size_t>(n));
      for (int64_t k = 0; k < n; ++k) d->iv[k] = v.iv[sel[k]];
      break;
  }
  out.Own(std::move(d));
  return out;
}

Vector FromArrow(const arrow::ArrayData& a) {
  Vector v;
  v.type = TypeOfArrow(a.type);
  v.size = a.length;
  auto d = std::make_shared<VectorData>();
  if (a.null_count > 0 && a.validity.data != nullptr) {
    d->nulls.resize(static_cast<size_t>(a.length));
    for (int64_t r = 0; r < a.length; ++r) d->nulls[r] = arrow::GetBit(a.validity.data, r) ? 0 : 1;
    v.nulls = d->nulls.data();
  }
  switch (a.type.id) {
    case arrow::TypeId::kInt64:
    case arrow::TypeId::kTimestamp:
      v.i = a.values.As<int64_t>();
      if (a.values.owner) d->keep.push_back(a.values.owner);
      break;
    case arrow::TypeId::kFloat64:
      v.f = a.values.As<double>();
      if (a.values.owner) d->keep.push_back(a.values.owner);
      break;
    case arrow::TypeId::kString:
      v.codes = a.values.As<int32_t>();
      v.dict = a.dictionary.get();
      if (a.values.owner) d->keep.push_back(a.values.owner);
      d->keep.push_back(a.dictionary);
      break;
    case arrow::TypeId::kBool:
      d->i.resize(static_cast<size_t>(a.length));
      for (int64_t r = 0; r < a.length; ++r) d->i[r] = a.BoolValue(r) ? 1 : 0;
      v.i = d->i.data();
      break;
    case arrow::TypeId::kInt16: {
      d->i.resize(static_cast<size_t>(a.length));
      const int16_t* src = a.values.As<int16_t>();
      for (int64_t r = 0; r < a.length; ++r) d->i[r] = src[r];
      v.i = d->i.data();
      break;
    }
    case arrow::TypeId::kInt32:
    case arrow::TypeId::kDate32: {
      d->i.resize(static_cast<size_t>(a.length));
      const int32_t* src = a.values.As<int32_t>();
      for (int64_t r = 0; r < a.length; ++r) d->i[r] = src[r];
      v.i = d->i.data();
      break;
    }
    case arrow::TypeId::kFloat32: {
      d->f.resize(static_cast<size_t>(a.length));
      const float* src = a.values.As<float>();
      for (int64_t r = 0; r < a.length; ++r) d->f[r] = src[r];
      v.f = d->f.data();
      break;
    }
  }
  v.data = std::move(d);
  return v;
}

namespace {

// Concat for parts that are all plain vectors of type's physical kind: values copied a part at
// a time; text keeps pointing into the parts (whose owners the result keeps), and text of one
// shared dictionary stays dictionary codes. False (nothing written) for any other mix.
bool ConcatBulk(const std::vector<Vector>& all_parts, LType type, int64_t total, Vector* out) {
  std::vector<const Vector*> nonempty;
  for (const Vector& p : all_parts) {
    if (p.size > 0) nonempty.push_back(&p);
  }
  if (nonempty.empty()) return false;
  const Phys phys = PhysOf(type);
  bool any_null = false;
  bool one_dict = phys == Phys::kStr;
  for (const Vector* pp : nonempty) {
    if (pp->constant || PhysOf(pp->type) != phys || pp->data == nullptr) return false;
    const bool present = pp->codes != nullptr || (phys == Phys::kInt     ? pp->i != nullptr
                                                  : phys == Phys::kFloat ? pp->f != nullptr
                                                  : phys == Phys::kStr   ? pp->s != nullptr
                                                                         : pp->iv != nullptr);
    if (!present) return false;
    any_null |= pp->nulls != nullptr;
    one_dict &= pp->codes != nullptr && pp->dict == nonempty[0]->dict;
  }
  auto d = std::make_shared<VectorData>();
  Vector v;
  v.type = type;
  v.size = total;
  if (any_null) {
    d->nulls.resize(static_cast<size_t>(total));
    uint8_t* n = d->nulls.data();
    for (const Vector* pp : nonempty) {
      if (pp->nulls != nullptr) {
        std::memcpy(n, pp->nulls, static_cast<size_t>(pp->size));
      } else {
        std::memset(n, 0, static_cast<size_t>(pp->size));
      }
      n += pp->size;
    }
    v.nulls = d->nulls.data();
  }
  auto copy = [&](auto* dst, auto member) {
    for (const Vector* pp : nonempty) {
      std::memcpy(dst, pp->*member, static_cast<size_t>(pp->size) * sizeof(*dst));
      dst += pp->size;
    }
  };
  if (one_dict) {
    auto codes = std::make_shared<std::vector<int32_t>>(static_cast<size_t>(total));
    copy(codes->data(), &Vector::codes);
    v.codes = codes->data();
    v.dict = nonempty[0]->dict;
    d->keep.push_back(std::move(codes));
    d->keep.push_back(nonempty[0]->data);  // owns the dictionary
  } else {
    switch (phys) {
      case Phys::kInt:
        d->i.resize(static_cast<size_t>(total));
        copy(d->i.data(), &Vector::i);
        break;
      case Phys::kFloat:
        d->f.resize(static_cast<size_t>(total));
        copy(d->f.data(), &Vector::f);
        break;
      case Phys::kStr: {
        d->s.resize(static_cast<size_t>(total));
        std::string_view* dst = d->s.data();
        for (const Vector* pp : nonempty) {
          if (pp->codes != nullptr) {
            for (int64_t r = 0; r < pp->size; ++r)
              dst[r] = pp->IsNull(r) ? std::string_view() : pp->S(r);
          } else {
            std::memcpy(dst, pp->s, static_cast<size_t>(pp->size) * sizeof(*dst));
          }
          dst += pp->size;
          d->keep.push_back(pp->data);  // owns the bytes the views point at
        }
        break;
      }
      case Phys::kInterval:
        d->iv.resize(static_cast<size_t>(total));
        copy(d->iv.data(), &Vector::iv);
        break;
    }
  }
  v.Own(std::move(d));
  *out = std::move(v);
  return true;
}

}  // namespace

Vector Concat(const std::vector<Vector>& parts, LType type) {
  int64_t total = 0;
  for (const Vector& p : parts) total += p.size;
  Vector out;
  if (ConcatBulk(parts, type, total, &out)) return out;
  VectorBuilder b(type, total);
  for (const Vector& p : parts) {
    for (int64_t r = 0; r < p.size; ++r) b.AppendFrom(p, r);
  }
  return b.Finish();
}

Chunk GatherChunk(const Chunk& c, const uint32_t* sel, int64_t n) {
  Chunk out;
  out.size = n;
  out.cols.reserve(c.cols.size());
  for (const Vector& v : c.cols) out.cols.push_back(Gather(v, sel, n));
  return out;
}

Chunk ConcatChunks(const std::vector<Chunk>& parts, const std::vector<LType>& types) {
  Chunk out;
  if (parts.size() == 1) return parts[0];
  for (const Chunk& p : parts) out.size += p.size;
  for (size_t c = 0; c < types.size(); ++c) {
    std::vector<Vector> cols;
    cols.reserve(parts.size());
    for (const Chunk& p : parts) cols.push_back(p.cols[c]);
    out.cols.push_back(Concat(cols, types[c]));
  }
  return out;
}

std::string FormatDouble(double d, bool single) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0) return std::signbit(d) ? "-0" : "0";
  char buf[64];
  auto [p, ec] = single ? std::to_chars(buf, buf + sizeof(buf), static_cast<float>(d))
                        : std::to_chars(buf, buf + sizeof(buf), d);
  return std::string(buf, p);
}

std::optional<std::string> FormatValue(const Vector& v, int64_t r) {
  if (v.IsNull(r)) return std::nullopt;
  switch (v.type) {
    case LType::kNull:
      return std::nullopt;
    case LType::kBool:
      return std::string(v.I(r) ? "t" : "f");
    case LType::kInt16:
    case LType::kInt32:
    case LType::kInt64:
      return std::to_string(v.I(r));
    case LType::kFloat32:
      return FormatDouble(v.F(r), true);
    case LType::kFloat64:
    case LType::kNumeric:
      return FormatDouble(v.F(r), false);
    case LType::kText:
      return std::string(v.S(r));
    case LType::kTimestamp:
      return FormatTimestamp(v.I(r), false);
    case LType::kTimestampTz:
      return FormatTimestamp(v.I(r), true);
    case LType::kDate:
      return FormatDate(static_cast<int32_t>(v.I(r)));
    case LType::kTime:
      return FormatTime(v.I(r));
    case LType::kInterval:
      return FormatInterval(v.V(r));
    case LType::kOid:
      return std::to_string(v.I(r));
    case LType::kTextArray:
    case LType::kInt16Array:
    case LType::kInt32Array:
    case LType::kInt64Array:
    case LType::kOidArray:
      return std::string(v.S(r));
  }
  return std::nullopt;
}

bool AppendText(const Vector& v, int64_t r, std::string* out, const TimeZone* zone) {
  if (v.IsNull(r)) return false;
  char buf[32];
  switch (v.type) {
    case LType::kNull:
      return false;
    case LType::kBool:
      out->push_back(v.I(r) ? 't' : 'f');
      return true;
    case LType::kInt16:
    case LType::kInt32:
    case LType::kInt64:
    case LType::kOid: {
      char* end = std::to_chars(buf, buf + sizeof(buf), v.I(r)).ptr;
      out->append(buf, static_cast<size_t>(end - buf));
      return true;
    }
    case LType::kFloat32:
    case LType::kFloat64:
    case LType::kNumeric: {
      const double d = v.F(r);
      if (!std::isfinite(d) || d == 0) {
        out->append(FormatDouble(d, v.type == LType::kFloat32));
        return true;
      }
      char* end = v.type == LType::kFloat32
                      ? std::to_chars(buf, buf + sizeof(buf), static_cast<float>(d)).ptr
                      : std::to_chars(buf, buf + sizeof(buf), d).ptr;
      out->append(buf, static_cast<size_t>(end - buf));
      return true;
    }
    case LType::kTimestamp:
      AppendTimestamp(v.I(r), false, out);
      return true;
    case LType::kTimestampTz:
      if (zone != nullptr && !zone->is_utc()) {
        AppendTimestampAt(v.I(r), zone->OffsetAt(v.I(r)), out);
      } else {
        AppendTimestamp(v.I(r), true, out);
      }
      return true;
    case LType::kText:
    case LType::kTextArray:
    case LType::kInt16Array:
    case LType::kInt32Array:
    case LType::kInt64Array:
    case LType::kOidArray:
      out->append(v.S(r));
      return true;
    case LType::kDate:
    case LType::kTime:
    case LType::kInterval: {
      std::optional<std::string> s = FormatValue(v, r);
      if (!s) return false;
      out->append(*s);
      return true;
    }
  }
  return false;
}

int CompareRows(const Vector& a, int64_t ra, const Vector& b, int64_t rb) {
  const Phys pa = PhysOf(a.type), pb = PhysOf(b.type);
  if (pa == Phys::kInt && pb == Phys::kInt) {
    int64_t x = a.I(ra), y = b.I(rb);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if ((pa == Phys::kFloat || pa == Phys::kInt) && (pb == Phys::kFloat || pb == Phys::kInt)) {
    return CompareFloats(a.F(ra), b.F(rb));
  }
  if (pa == Phys::kStr && pb == Phys::kStr) {
    int c = a.S(ra).compare(b.S(rb));
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  if (pa == Phys::kInterval && pb == Phys::kInterval) {
    __int128 x = a.V(ra).Span(), y = b.V(rb).Span();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return 0;
}

}  // namespace omen::exec
