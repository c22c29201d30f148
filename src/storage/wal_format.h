// Copyright 2026 The OmenDB Authors.
//
// The write-ahead log's on-disk format: constants, file naming and the two
// encoders shared by WalWriter and WalReader. The byte-level spec is
// docs/format/wal.md; keep the two in step. Pure constants and functions;
// thread-safe.
//
// A WAL file is a 16-byte file header followed by records, never split:
//
//   file header:  magic "OMENWAL1" (8) | version (4) | masked crc32c of the first 12 bytes (4)
//   record:       masked crc32c (4) | length (4) | sequence (8) | type (1) | payload (length)
//
// All integers are little endian. A record's CRC covers length, sequence, type
// and payload. Files are named <first sequence, 20 zero-padded digits>.wal.

#ifndef OMENDB_STORAGE_WAL_FORMAT_H_
#define OMENDB_STORAGE_WAL_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "common/coding.h"
#include "common/crc32c.h"

namespace omen::storage::wal {

// What a record's payload holds. The WAL stores payloads opaquely; the type only
// tells replay which decoder to use. Values are persisted: never renumber.
enum class RecordType : uint8_t {
  kBatch = 1,    // a write batch of rows
  kTableOp = 2,  // a catalog-independent table operation (e.g. delete-range)
};
constexpr uint8_t kMinRecordType = 1;
constexpr uint8_t kMaxRecordType = 2;

inline bool IsKnownRecordType(uint8_t type) {
  return type >= kMinRecordType && type <= kMaxRecordType;
}

// Record header layout.
constexpr size_t kCrcOffset = 0;
constexpr size_t kLengthOffset = 4;
constexpr size_t kSequenceOffset = 8;
constexpr size_t kTypeOffset = 16;
constexpr size_t kHeaderSize = 4 + 4 + 8 + 1;
static_assert(kHeaderSize == 17, "record header is crc, length, sequence, type");
static_assert(kTypeOffset + 1 == kHeaderSize, "type is the header's last byte");

// The largest payload a record may carry. A longer length field is corruption.
constexpr uint32_t kMaxRecordSize = 256u << 20;

// File header layout.
constexpr std::string_view kFileMagic = "OMENWAL1";
constexpr uint32_t kFileVersion = 1;
constexpr size_t kFileVersionOffset = 8;
constexpr size_t kFileCrcOffset = 12;
constexpr size_t kFileHeaderSize = 16;
static_assert(kFileMagic.size() == 8, "magic is 8 bytes");
static_assert(kFileCrcOffset + 4 == kFileHeaderSize, "file header is magic, version, crc");

// File naming.
constexpr std::string_view kFileSuffix = ".wal";
constexpr size_t kFileNameDigits = 20;  // enough for any uint64_t

// "<first_sequence as 20 zero-padded digits>.wal".
inline std::string FileName(uint64_t first_sequence) {
  char buf[kFileNameDigits + 1];
  std::snprintf(buf, sizeof(buf), "%020llu", static_cast<unsigned long long>(first_sequence));
  return std::string(buf) + std::string(kFileSuffix);
}

// A WAL file kept for reuse once obsolete: "<FileName(first_sequence)>.free". Replay and
// truncation ignore such names; the writer renames one back to a new FileName and
// overwrites it, and replay stops at a record whose sequence is below its file's name
// (a stale record of the file's earlier life).
constexpr std::string_view kFreeSuffix = ".free";
inline std::string FreeFileName(uint64_t first_sequence) {
  return FileName(first_sequence) + std::string(kFreeSuffix);
}

// Parses a name made by FileName(); false for any other name.
inline bool ParseFileName(std::string_view name, uint64_t* first_sequence) {
  if (name.size() != kFileNameDigits + kFileSuffix.size() ||
      name.substr(kFileNameDigits) != kFileSuffix) {
    return false;
  }
  uint64_t v = 0;
  for (size_t i = 0; i < kFileNameDigits; i++) {
    char c = name[i];
    if (c < '0' || c > '9') {
      return false;
    }
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - digit) / 10) {
      return false;  // 20 digits can exceed uint64_t
    }
    v = v * 10 + digit;
  }
  *first_sequence = v;
  return true;
}

// Parses a name made by FreeFileName(); false for any other name.
inline bool ParseFreeFileName(std::string_view name, uint64_t* first_sequence) {
  return name.size() > kFreeSuffix.size() &&
         name.substr(name.size() - kFreeSuffix.size()) == kFreeSuffix &&
         ParseFileName(name.substr(0, name.size() - kFreeSuffix.size()), first_sequence);
}

// Writes the 16-byte file header to dst.
inline void EncodeFileHeader(char* dst) {
  kFileMagic.copy(dst, kFileMagic.size());
  EncodeFixed32(dst + kFileVersionOffset, kFileVersion);
  EncodeFixed32(dst + kFileCrcOffset, crc32c::Mask(crc32c::Value(dst, kFileCrcOffset)));
}

// The record CRC (unmasked) of a header's length/sequence/type bytes and the payload.
inline uint32_t RecordCrc(const char* header, std::string_view payload) {
  uint32_t crc = crc32c::Value(header + kLengthOffset, kHeaderSize - kLengthOffset);
  return crc32c::Extend(crc, payload.data(), payload.size());
}

// Writes the kHeaderSize-byte record header for payload to dst.
// REQUIRES: payload.size() <= kMaxRecordSize.
inline void EncodeRecordHeader(char* dst, uint64_t sequence, RecordType type,
                               std::string_view payload) {
  EncodeFixed32(dst + kLengthOffset, static_cast<uint32_t>(payload.size()));
  EncodeFixed64(dst + kSequenceOffset, sequence);
  dst[kTypeOffset] = static_cast<char>(type);
  EncodeFixed32(dst + kCrcOffset, crc32c::Mask(RecordCrc(dst, payload)));
}

}  // namespace omen::storage::wal

#endif  // OMENDB_STORAGE_WAL_FORMAT_H_
