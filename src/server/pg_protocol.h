// Copyright 2026 The OmenDB Authors.
//
// PostgreSQL frontend/backend protocol v3 building blocks: a bounds-checked reader of message
// bodies, a writer that frames messages (type byte, big-endian length), the type OIDs OmenDB
// answers with, text <-> binary value conversion, and the substitution of $n parameters into
// statement text. Pure functions and value types; thread-compatible.

#ifndef OMENDB_SERVER_PG_PROTOCOL_H_
#define OMENDB_SERVER_PG_PROTOCOL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "exec/types.h"
#include "omendb/status.h"

namespace omen::server {

// Protocol constants.
inline constexpr int32_t kProtocolV3 = 196608;  // 3.0
inline constexpr int32_t kSslRequest = 80877103;
inline constexpr int32_t kGssEncRequest = 80877104;
inline constexpr int32_t kCancelRequest = 80877102;
inline constexpr size_t kMaxStartupBytes = 10000;  // PostgreSQL's limit
inline constexpr size_t kMaxMessageBytes = 256u << 20;
// Column counts (RowDescription, DataRow, CopyIn/OutResponse) and parameter counts (Parse,
// Bind, ParameterDescription) are Int16 fields.
inline constexpr size_t kMaxFields = 32767;

// Reads fields of one message body; every read is bounds-checked (a short message is a
// protocol violation, 08P01).
class MessageReader {
 public:
  explicit MessageReader(std::string_view body) : data_(body) {}
  Result<uint8_t> Byte();
  Result<int16_t> Int16();
  Result<int32_t> Int32();
  // A NUL-terminated string (without the NUL).
  Result<std::string_view> CString();
  Result<std::string_view> Bytes(size_t n);
  size_t remaining() const { return data_.size() - pos_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

// Appends framed messages to a string.
class MessageWriter {
 public:
  explicit MessageWriter(std::string* out) : out_(out) {}
  void Begin(char type);
  void Byte(uint8_t v) { out_->push_back(static_cast<char>(v)); }
  void Int16(int16_t v);
  void Int32(int32_t v);
  // s and a NUL; NULs inside s (client bytes quoted in an error message) are written as the
  // four characters \x00, so that the field ends where the client expects.
  void CString(std::string_view s);
  void Bytes(std::string_view s) { out_->append(s); }
  void End();  // patches the length of the message begun last

 private:
  std::string* out_;
  size_t start_ = 0;
};

// Type OIDs (pg_type.oid) and sizes.
struct PgType {
  int32_t oid = 25;
  int16_t size = -1;  // typlen
};
inline constexpr int32_t kOidBool = 16, kOidBytea = 17, kOidName = 19, kOidInt8 = 20, kOidInt2 = 21,
                         kOidInt4 = 23, kOidText = 25, kOidOid = 26, kOidFloat4 = 700,
                         kOidFloat8 = 701, kOidUnknown = 705, kOidVarchar = 1043, kOidDate = 1082,
                         kOidTime = 1083, kOidTimestamp = 1114, kOidTimestampTz = 1184,
                         kOidInterval = 1186, kOidNumeric = 1700;
// The wire type of a result column from the engine's PostgreSQL type name.
PgType PgTypeOfName(std::string_view type_name);
// The SQL type name to cast a parameter of type oid to (empty: leave it untyped).
std::string CastNameOfOid(int32_t oid);

// A text value (PostgreSQL output form) in the binary format of oid. NotSupported for types
// without a binary form here (numeric).
Result<std::string> TextToBinary(int32_t oid, std::string_view text);
// Row r of v (not NULL) in the binary format of oid, appended to *out, straight from the
// column; false (nothing appended) where the pair has no direct encoding (go through text).
bool AppendBinary(const exec::Vector& v, int64_t r, int32_t oid, std::string* out);
// Row r of v (not NULL) as a binary field of oid, its Int32 length first (DataRow, binary COPY):
// straight from the column where AppendBinary can, else through the value's text.
Status AppendBinaryField(const exec::Vector& v, int64_t r, int32_t oid, std::string* out);
// Fills the Int32 placeholder at out[at] with the length of what follows it.
void PatchFieldLength(std::string* out, size_t at);
// A binary parameter value of oid as text that the SQL parser reads as that type.
Result<std::string> BinaryToText(int32_t oid, std::string_view bytes);

// COPY ... FROM STDIN (FORMAT binary): PostgreSQL's binary copy stream (the signature, flags
// and header extension, then tuples of length-prefixed fields, then the -1 trailer) decoded into
// CSV lines (',' delimited, NULL as an empty unquoted field) for the text COPY path. Field values
// are read as the binary form of the target column's type. Errors are 22P04 (bad copy file
// format) or 22P03 (a field that is not its type's binary form).
class BinaryCopyDecoder {
 public:
  explicit BinaryCopyDecoder(std::vector<int32_t> oids) : oids_(std::move(oids)) {}
  // Appends the CSV lines of every complete tuple received so far to *csv.
  Status Feed(std::string_view data, std::string* csv);
  // At the end of the data: OK when it stopped at the trailer or between tuples.
  Status Finish() const;

 private:
  std::vector<int32_t> oids_;
  std::string pending_;
  bool header_done_ = false;
  bool ended_ = false;  // the trailer was read
};

// The signature, flags and (empty) header extension that begin a binary COPY stream.
std::string BinaryCopyHeader();

// The statement text with $1..$n replaced by the values as SQL literals: a string literal
// ('...' with quotes doubled), cast to the parameter's type when its oid is known, NULL for
// nullopt. Strings, quoted identifiers, dollar-quoted strings and comments are left alone.
// 08P01 for $n beyond the values given. With keep_untyped_nulls, a NULL value of a parameter
// without a declared type stays `$n` (for Describe, which infers its type).
Result<std::string> SubstituteParams(std::string_view sql,
                                     const std::vector<std::optional<std::string>>& values,
                                     const std::vector<int32_t>& oids,
                                     bool keep_untyped_nulls = false);
// The highest $n in the text (outside strings and comments); 0 when none.
int CountParams(std::string_view sql);
// How many $n the text holds (outside strings and comments), each occurrence counted.
int CountParamRefs(std::string_view sql);
// The SQL parser's name of the type CastNameOfOid casts to ("int8" for bigint, ...); empty
// where CastNameOfOid is.
std::string ParserTypeOfOid(int32_t oid);

}  // namespace omen::server

#endif  // OMENDB_SERVER_PG_PROTOCOL_H_
