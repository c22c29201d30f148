// Copyright 2026 The OmenDB Authors.

#include "server/pg_protocol.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <optional>

#include "common/datetime.h"
#include "exec/types.h"
#include "sql/copy.h"

namespace omen::server {
namespace {

// Microseconds and days between the Unix epoch and PostgreSQL's (2000-01-01).
constexpr int64_t kPgEpochDays = 10957;
constexpr int64_t kPgEpochMicros = kPgEpochDays * 86400LL * 1000000LL;

Status Short() {
  return Status::InvalidArgument("message shorter than its fields").WithSqlState("08P01");
}

void PutBE(uint64_t v, int bytes, std::string* out) {
  char b[8];
  for (int i = 0; i < bytes; ++i) b[i] = static_cast<char>((v >> (8 * (bytes - 1 - i))) & 0xff);
  out->append(b, static_cast<size_t>(bytes));
}

uint64_t GetBE(std::string_view b) {
  uint64_t v = 0;
  for (char c : b) v = (v << 8) | static_cast<uint8_t>(c);
  return v;
}

Status BadText(int32_t oid, std::string_view text) {
  return Status::InvalidArgument("cannot encode \"" + std::string(text.substr(0, 64)) +
                                 "\" as binary type " + std::to_string(oid))
      .WithSqlState("22P02");
}

Result<int64_t> ParseInt(std::string_view t, int64_t lo, int64_t hi, int32_t oid) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || p != t.data() + t.size() || v < lo || v > hi) return BadText(oid, t);
  return v;
}

Result<double> ParseFloat(std::string_view t, int32_t oid) {
  if (t == "NaN") return std::nan("");
  if (t == "Infinity") return HUGE_VAL;
  if (t == "-Infinity") return -HUGE_VAL;
  double v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || p != t.data() + t.size()) return BadText(oid, t);
  return v;
}

std::string ShortestDouble(double d, bool single) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  auto r = single ? std::to_chars(buf, buf + sizeof buf, static_cast<float>(d))
                  : std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, r.ptr);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

// ---- MessageReader

Result<uint8_t> MessageReader::Byte() {
  if (remaining() < 1) return Short();
  return static_cast<uint8_t>(data_[pos_++]);
}

Result<int16_t> MessageReader::Int16() {
  if (remaining() < 2) return Short();
  const uint64_t v = GetBE(data_.substr(pos_, 2));
  pos_ += 2;
  return static_cast<int16_t>(static_cast<uint16_t>(v));
}

Result<int32_t> MessageReader::Int32() {
  if (remaining() < 4) return Short();
  const uint64_t v = GetBE(data_.substr(pos_, 4));
  pos_ += 4;
  return static_cast<int32_t>(static_cast<uint32_t>(v));
}

Result<std::string_view> MessageReader::CString() {
  const size_t end = data_.find('\0', pos_);
  if (end == std::string_view::npos) {
    return Status::InvalidArgument("string field without a terminating NUL").WithSqlState("08P01");
  }
  std::string_view s = data_.substr(pos_, end - pos_);
  pos_ = end + 1;
  return s;
}

Result<std::string_view> MessageReader::Bytes(size_t n) {
  if (remaining() < n) return Short();
  std::string_view s = data_.substr(pos_, n);
  pos_ += n;
  return s;
}

// ---- MessageWriter

void MessageWriter::Begin(char type) {
  out_->push_back(type);
  start_ = out_->size();
  out_->append(4, '\0');
}

void MessageWriter::Int16(int16_t v) { PutBE(static_cast<uint16_t>(v), 2, out_); }
void MessageWriter::Int32(int32_t v) { PutBE(static_cast<uint32_t>(v), 4, out_); }

void MessageWriter::CString(std::string_view s) {
  // An embedded NUL would end the field early and shift every later field of the message.
  for (size_t nul = s.find('\0'); nul != std::string_view::npos; nul = s.find('\0')) {
    out_->append(s.substr(0, nul));
    out_->append("\\x00");
    s.remove_prefix(nul + 1);
  }
  out_->append(s);
  out_->push_back('\0');
}

void MessageWriter::End() {
  const uint32_t len = static_cast<uint32_t>(out_->size() - start_);
  for (int i = 0; i < 4; ++i) (*out_)[start_ + i] = static_cast<char>((len >> (24 - 8 * i)) & 0xff);
}

// ---- Types

PgType PgTypeOfName(std::string_view n) {
  if (n == "boolean") return {kOidBool, 1};
  if (n == "smallint") return {kOidInt2, 2};
  if (n == "integer") return {kOidInt4, 4};
  if (n == "bigint") return {kOidInt8, 8};
  if (n == "real") return {kOidFloat4, 4};
  if (n == "double precision") return {kOidFloat8, 8};
  if (n == "numeric") return {kOidNumeric, -1};
  if (n == "timestamp without time zone") return {kOidTimestamp, 8};
  if (n == "timestamp with time zone") return {kOidTimestampTz, 8};
  if (n == "date") return {kOidDate, 4};
  if (n == "time without time zone") return {kOidTime, 8};
  if (n == "interval") return {kOidInterval, 16};
  if (n == "bytea") return {kOidBytea, -1};
  if (n == "name") return {kOidName, 64};
  if (n == "oid") return {kOidOid, 4};
  // One-dimensional arrays (catalog queries return them; text format only).
  if (n == "text[]") return {1009, -1};
  if (n == "smallint[]") return {1005, -1};
  if (n == "integer[]") return {1007, -1};
  if (n == "bigint[]") return {1016, -1};
  if (n == "oid[]") return {1028, -1};
  return {kOidText, -1};
}

std::string CastNameOfOid(int32_t oid) {
  switch (oid) {
    case kOidBool:
      return "boolean";
    case kOidInt2:
      return "smallint";
    case kOidInt4:
      return "integer";
    case kOidInt8:
      return "bigint";
    case kOidFloat4:
      return "real";
    case kOidFloat8:
      return "double precision";
    case kOidNumeric:
      return "numeric";
    case kOidText:
    case kOidVarchar:
    case kOidName:
      return "text";
    case kOidTimestamp:
      return "timestamp";
    case kOidTimestampTz:
      return "timestamptz";
    case kOidDate:
      return "date";
    case kOidTime:
      return "time";
    case kOidInterval:
      return "interval";
    case kOidOid:
      return "oid";
    default:
      return "";
  }
}

bool AppendBinary(const exec::Vector& v, int64_t r, int32_t oid, std::string* out) {
  using exec::LType;
  switch (oid) {
    case kOidBool:
      if (v.type != LType::kBool) return false;
      out->push_back(v.I(r) != 0 ? 1 : 0);
      return true;
    case kOidInt2:
      if (v.type != LType::kInt16) return false;
      PutBE(static_cast<uint64_t>(v.I(r)), 2, out);
      return true;
    case kOidInt4:
    case kOidOid:
      if (v.type != LType::kInt32 && v.type != LType::kOid) return false;
      PutBE(static_cast<uint64_t>(v.I(r)), 4, out);
      return true;
    case kOidInt8:
      if (v.type != LType::kInt64) return false;
      PutBE(static_cast<uint64_t>(v.I(r)), 8, out);
      return true;
    case kOidFloat4: {
      if (v.type != LType::kFloat32) return false;
      const float f = static_cast<float>(v.F(r));
      uint32_t bits;
      std::memcpy(&bits, &f, 4);
      PutBE(bits, 4, out);
      return true;
    }
    case kOidFloat8: {
      if (v.type != LType::kFloat64) return false;
      const double d = v.F(r);
      uint64_t bits;
      std::memcpy(&bits, &d, 8);
      PutBE(bits, 8, out);
      return true;
    }
    case kOidTimestamp:
    case kOidTimestampTz:
      if (v.type != LType::kTimestamp && v.type != LType::kTimestampTz) return false;
      PutBE(static_cast<uint64_t>(v.I(r) - kPgEpochMicros), 8, out);
      return true;
    case kOidDate:
      if (v.type != LType::kDate) return false;
      PutBE(static_cast<uint32_t>(v.I(r) - kPgEpochDays), 4, out);
      return true;
    case kOidTime:  // microseconds since midnight
      if (v.type != LType::kTime) return false;
      PutBE(static_cast<uint64_t>(v.I(r)), 8, out);
      return true;
    case kOidText:
    case kOidVarchar:
    case kOidName:
      if (v.type != LType::kText) return false;
      out->append(v.S(r));
      return true;
    default:
      return false;
  }
}

void PatchFieldLength(std::string* out, size_t at) {
  const auto len = static_cast<uint32_t>(out->size() - at - 4);
  for (int k = 0; k < 4; ++k) {
    (*out)[at + static_cast<size_t>(k)] = static_cast<char>(len >> (8 * (3 - k)));
  }
}

Status AppendBinaryField(const exec::Vector& v, int64_t r, int32_t oid, std::string* out) {
  const size_t at = out->size();
  out->append(4, '\0');
  if (!AppendBinary(v, r, oid, out)) {
    std::string text;
    exec::AppendText(v, r, &text);
    OMEN_ASSIGN_OR_RETURN(std::string b, TextToBinary(oid, text));
    out->append(b);
  }
  PatchFieldLength(out, at);
  return Status::OK();
}

Result<std::string> TextToBinary(int32_t oid, std::string_view t) {
  std::string out;
  switch (oid) {
    case kOidBool:
      if (t != "t" && t != "f") return BadText(oid, t);
      out.push_back(t == "t" ? 1 : 0);
      return out;
    case kOidInt2: {
      OMEN_ASSIGN_OR_RETURN(int64_t v, ParseInt(t, INT16_MIN, INT16_MAX, oid));
      PutBE(static_cast<uint64_t>(v), 2, &out);
      return out;
    }
    case kOidInt4: {
      OMEN_ASSIGN_OR_RETURN(int64_t v, ParseInt(t, INT32_MIN, INT32_MAX, oid));
      PutBE(static_cast<uint64_t>(v), 4, &out);
      return out;
    }
    case kOidOid: {
      OMEN_ASSIGN_OR_RETURN(int64_t v, ParseInt(t, 0, UINT32_MAX, oid));
      PutBE(static_cast<uint64_t>(v), 4, &out);
      return out;
    }
    case kOidInt8: {
      OMEN_ASSIGN_OR_RETURN(int64_t v, ParseInt(t, INT64_MIN, INT64_MAX, oid));
      PutBE(static_cast<uint64_t>(v), 8, &out);
      return out;
    }
    case kOidFloat4: {
      OMEN_ASSIGN_OR_RETURN(double d, ParseFloat(t, oid));
      const float f = static_cast<float>(d);
      uint32_t bits;
      std::memcpy(&bits, &f, 4);
      PutBE(bits, 4, &out);
      return out;
    }
    case kOidFloat8: {
      OMEN_ASSIGN_OR_RETURN(double d, ParseFloat(t, oid));
      uint64_t bits;
      std::memcpy(&bits, &d, 8);
      PutBE(bits, 8, &out);
      return out;
    }
    case kOidTimestamp:
    case kOidTimestampTz: {
      auto v = ParseTimestamp(t, oid == kOidTimestampTz);
      if (!v.ok()) return BadText(oid, t);
      PutBE(static_cast<uint64_t>(*v - kPgEpochMicros), 8, &out);
      return out;
    }
    case kOidDate: {
      auto v = ParseDate(t);
      if (!v.ok()) return BadText(oid, t);
      PutBE(static_cast<uint32_t>(*v - kPgEpochDays), 4, &out);
      return out;
    }
    case kOidTime: {
      auto v = ParseTime(t);
      if (!v.ok()) return BadText(oid, t);
      PutBE(static_cast<uint64_t>(*v), 8, &out);
      return out;
    }
    case kOidInterval: {
      auto v = exec::ParseInterval(t);
      if (!v.ok()) return BadText(oid, t);
      PutBE(static_cast<uint64_t>(v->micros), 8, &out);
      PutBE(static_cast<uint32_t>(v->days), 4, &out);
      PutBE(static_cast<uint32_t>(v->months), 4, &out);
      return out;
    }
    case kOidBytea: {
      if (t.size() < 2 || t[0] != '\\' || t[1] != 'x' || t.size() % 2 != 0) return BadText(oid, t);
      for (size_t i = 2; i < t.size(); i += 2) {
        const int hi = HexValue(t[i]), lo = HexValue(t[i + 1]);
        if (hi < 0 || lo < 0) return BadText(oid, t);
        out.push_back(static_cast<char>(hi * 16 + lo));
      }
      return out;
    }
    case kOidNumeric:
      return Status::NotSupported("numeric values are sent in text format only")
          .WithSqlState("0A000");
    default:
      return std::string(t);  // text, varchar, name, unknown
  }
}

Result<std::string> BinaryToText(int32_t oid, std::string_view b) {
  auto need = [&](size_t n) -> Status {
    if (b.size() != n) {
      return Status::InvalidArgument("binary parameter of type " + std::to_string(oid) + " has " +
                                     std::to_string(b.size()) + " bytes, not " + std::to_string(n))
          .WithSqlState("22P03");
    }
    return Status::OK();
  };
  switch (oid) {
    case kOidBool:
      OMEN_RETURN_IF_ERROR(need(1));
      return std::string(b[0] != 0 ? "true" : "false");
    case kOidInt2:
      OMEN_RETURN_IF_ERROR(need(2));
      return std::to_string(static_cast<int16_t>(static_cast<uint16_t>(GetBE(b))));
    case kOidInt4:
      OMEN_RETURN_IF_ERROR(need(4));
      return std::to_string(static_cast<int32_t>(static_cast<uint32_t>(GetBE(b))));
    case kOidOid:
      OMEN_RETURN_IF_ERROR(need(4));
      return std::to_string(static_cast<uint32_t>(GetBE(b)));
    case kOidInt8:
      OMEN_RETURN_IF_ERROR(need(8));
      return std::to_string(static_cast<int64_t>(GetBE(b)));
    case kOidFloat4: {
      OMEN_RETURN_IF_ERROR(need(4));
      const uint32_t bits = static_cast<uint32_t>(GetBE(b));
      float f;
      std::memcpy(&f, &bits, 4);
      return ShortestDouble(f, true);
    }
    case kOidFloat8: {
      OMEN_RETURN_IF_ERROR(need(8));
      const uint64_t bits = GetBE(b);
      double d;
      std::memcpy(&d, &bits, 8);
      return ShortestDouble(d, false);
    }
    case kOidTimestamp:
    case kOidTimestampTz: {
      OMEN_RETURN_IF_ERROR(need(8));
      const int64_t pg = static_cast<int64_t>(GetBE(b));
      if (pg > INT64_MAX - kPgEpochMicros) {
        return Status::InvalidArgument("timestamp out of range").WithSqlState("22008");
      }
      return FormatTimestamp(pg + kPgEpochMicros, oid == kOidTimestampTz);
    }
    case kOidDate: {
      OMEN_RETURN_IF_ERROR(need(4));
      const int32_t pg = static_cast<int32_t>(static_cast<uint32_t>(GetBE(b)));
      return FormatDate(static_cast<int32_t>(int64_t{pg} + kPgEpochDays));
    }
    case kOidTime: {
      OMEN_RETURN_IF_ERROR(need(8));
      const int64_t micros = static_cast<int64_t>(GetBE(b));
      if (micros < 0 || micros > int64_t{86400} * 1000000) {
        return Status::InvalidArgument("time out of range").WithSqlState("22008");
      }
      return FormatTime(micros);
    }
    case kOidInterval: {
      OMEN_RETURN_IF_ERROR(need(16));
      exec::Interval v;
      v.micros = static_cast<int64_t>(GetBE(b.substr(0, 8)));
      v.days = static_cast<int32_t>(static_cast<uint32_t>(GetBE(b.substr(8, 4))));
      v.months = static_cast<int32_t>(static_cast<uint32_t>(GetBE(b.substr(12, 4))));
      return exec::FormatInterval(v);
    }
    case kOidBytea: {
      static const char kHex[] = "0123456789abcdef";
      std::string out = "\\x";
      for (char c : b) {
        out.push_back(kHex[static_cast<uint8_t>(c) >> 4]);
        out.push_back(kHex[static_cast<uint8_t>(c) & 15]);
      }
      return out;
    }
    case kOidText:
    case kOidVarchar:
    case kOidName:
    case kOidUnknown:
    case 0:
      return std::string(b);
    default:
      return Status::NotSupported("binary format for parameter type " + std::to_string(oid))
          .WithSqlState("0A000");
  }
}

// ---- Binary COPY

namespace {

constexpr char kCopySignature[] = "PGCOPY\n\377\r\n";  // and a NUL: 11 bytes

Status BadCopy(const std::string& what) {
  return Status::InvalidArgument(what).WithSqlState("22P04");
}

}  // namespace

std::string BinaryCopyHeader() {
  std::string h(kCopySignature, 11);
  h.append(8, '\0');  // flags, header extension length
  return h;
}

Status BinaryCopyDecoder::Feed(std::string_view data, std::string* csv) {
  pending_.append(data);
  std::string_view p = pending_;
  size_t used = 0;
  auto take = [&](size_t n) -> std::optional<std::string_view> {
    if (p.size() - used < n) return std::nullopt;
    std::string_view v = p.substr(used, n);
    used += n;
    return v;
  };
  if (!header_done_) {
    if (p.size() < 19) return Status::OK();
    if (p.substr(0, 11) != std::string_view(kCopySignature, 11)) {
      return BadCopy("COPY file signature not recognized");
    }
    const uint64_t flags = GetBE(p.substr(11, 4));
    if ((flags & 0xffff0000u) != 0 || (flags & (1u << 16)) != 0) {
      return BadCopy("unrecognized critical flags in COPY file header");
    }
    const uint64_t ext = GetBE(p.substr(15, 4));
    if (ext > (1u << 30)) return BadCopy("invalid COPY file header (wrong length)");
    if (p.size() < 19 + ext) return Status::OK();
    used = 19 + ext;
    header_done_ = true;
  }
  std::string text;
  while (!ended_) {
    const size_t row_start = used;
    auto count = take(2);
    if (!count) break;
    const auto n = static_cast<int16_t>(GetBE(*count));
    if (n == -1) {
      ended_ = true;
      break;
    }
    if (n != static_cast<int16_t>(oids_.size())) {
      return BadCopy("row field count is " + std::to_string(n) + ", expected " +
                     std::to_string(oids_.size()));
    }
    const size_t csv_start = csv->size();
    bool complete = true;
    for (size_t c = 0; c < oids_.size(); ++c) {
      auto len_bytes = take(4);
      if (!len_bytes) {
        complete = false;
        break;
      }
      const auto len = static_cast<int32_t>(GetBE(*len_bytes));
      if (c > 0) csv->push_back(',');
      if (len == -1) continue;  // NULL: an empty unquoted field
      if (len < 0) return BadCopy("invalid field size");
      auto bytes = take(static_cast<size_t>(len));
      if (!bytes) {
        complete = false;
        break;
      }
      OMEN_ASSIGN_OR_RETURN(text, BinaryToText(oids_[c], *bytes));
      sql::AppendCsvField(csv, text, ',');
    }
    if (!complete) {  // the tuple continues in the next CopyData
      csv->resize(csv_start);
      used = row_start;
      break;
    }
    csv->push_back('\n');
  }
  if (ended_ && used < p.size()) {
    // PostgreSQL ignores nothing after the trailer either.
    return BadCopy("received copy data after EOF marker");
  }
  pending_.erase(0, used);
  return Status::OK();
}

Status BinaryCopyDecoder::Finish() const {
  if (!header_done_ || !pending_.empty()) return BadCopy("unexpected EOF in COPY data");
  return Status::OK();
}

// ---- Parameters

namespace {

// Calls on_param(begin, end, n) for each $n outside strings, identifiers and comments.
template <typename F>
void ScanParams(std::string_view s, F on_param) {
  size_t i = 0;
  const size_t n = s.size();
  auto ident_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
           static_cast<unsigned char>(c) >= 0x80;
  };
  while (i < n) {
    const char c = s[i];
    if (c == '\'') {  // 'string' ('' escapes); E'...' also honours backslashes
      const bool e =
          i > 0 && (s[i - 1] == 'e' || s[i - 1] == 'E') && (i < 2 || !ident_char(s[i - 2]));
      ++i;
      while (i < n) {
        if (e && s[i] == '\\') {
          i += 2;
          continue;
        }
        if (s[i] == '\'') {
          if (i + 1 < n && s[i + 1] == '\'') {
            i += 2;
            continue;
          }
          break;
        }
        ++i;
      }
      ++i;
    } else if (c == '"') {
      ++i;
      while (i < n && s[i] != '"') ++i;
      ++i;
    } else if (c == '-' && i + 1 < n && s[i + 1] == '-') {
      while (i < n && s[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < n && s[i + 1] == '*') {
      int depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (s[i] == '/' && i + 1 < n && s[i + 1] == '*') {
          ++depth;
          i += 2;
        } else if (s[i] == '*' && i + 1 < n && s[i + 1] == '/') {
          --depth;
          i += 2;
        } else {
          ++i;
        }
      }
    } else if (c == '$') {
      size_t j = i + 1;
      while (j < n && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
      if (j > i + 1 && (i == 0 || !ident_char(s[i - 1]))) {
        int num = 0;
        for (size_t k = i + 1; k < j && num < 100000; ++k) num = num * 10 + (s[k] - '0');
        on_param(i, j, num);
        i = j;
        continue;
      }
      // $tag$ ... $tag$ dollar quoting (tag: identifier characters, possibly empty).
      size_t t = i + 1;
      while (t < n && (ident_char(s[t]) && !std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
        ++t;
      }
      if (t < n && s[t] == '$' && (i == 0 || !ident_char(s[i - 1]))) {
        const std::string_view tag = s.substr(i, t - i + 1);
        const size_t close = s.find(tag, t + 1);
        i = close == std::string_view::npos ? n : close + tag.size();
        continue;
      }
      ++i;
    } else {
      ++i;
    }
  }
}

}  // namespace

int CountParams(std::string_view sql) {
  int most = 0;
  ScanParams(sql, [&](size_t, size_t, int num) { most = std::max(most, num); });
  return most;
}

int CountParamRefs(std::string_view sql) {
  int refs = 0;
  ScanParams(sql, [&](size_t, size_t, int) { ++refs; });
  return refs;
}

std::string ParserTypeOfOid(int32_t oid) {
  switch (oid) {
    case kOidBool:
      return "bool";
    case kOidInt2:
      return "int2";
    case kOidInt4:
      return "int4";
    case kOidInt8:
      return "int8";
    case kOidFloat4:
      return "float4";
    case kOidFloat8:
      return "float8";
    default:
      return CastNameOfOid(oid);
  }
}

Result<std::string> SubstituteParams(std::string_view sql,
                                     const std::vector<std::optional<std::string>>& values,
                                     const std::vector<int32_t>& oids, bool keep_untyped_nulls) {
  std::string out;
  size_t last = 0;
  Status bad;
  ScanParams(sql, [&](size_t begin, size_t end, int num) {
    out.append(sql.substr(last, begin - last));
    last = end;
    if (num < 1 || static_cast<size_t>(num) > values.size()) {
      if (bad.ok()) {
        bad = Status::InvalidArgument("there is no parameter $" + std::to_string(num))
                  .WithSqlState("42P02");
      }
      return;
    }
    const auto& v = values[static_cast<size_t>(num - 1)];
    const int32_t oid =
        static_cast<size_t>(num - 1) < oids.size() ? oids[static_cast<size_t>(num - 1)] : 0;
    if (!v && oid == 0 && keep_untyped_nulls) {
      out.append(sql.substr(begin, end - begin));
      return;
    }
    const std::string cast = CastNameOfOid(oid);
    out.push_back('(');
    if (!v) {
      out += "NULL";
    } else {
      if (v->find('\0') != std::string::npos && bad.ok()) {
        bad = Status::InvalidArgument("invalid byte sequence for encoding \"UTF8\": 0x00")
                  .WithSqlState("22021");
      }
      out.push_back('\'');
      for (char c : *v) {
        if (c == '\'') out.push_back('\'');
        out.push_back(c);
      }
      out.push_back('\'');
    }
    if (!cast.empty()) out += "::" + cast;
    out.push_back(')');
  });
  OMEN_RETURN_IF_ERROR(bad);
  out.append(sql.substr(last));
  return out;
}

}  // namespace omen::server
