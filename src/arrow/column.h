// Copyright 2026 The OmenDB Authors.
//
// The in-memory column layout, which IS the Arrow columnar layout: a validity
// bitmap (LSB first, 1 = valid), a values buffer (fixed-width little-endian
// values; bit-packed booleans; int32 dictionary codes for strings) and, for
// strings, a dictionary in Arrow utf8 layout (int32 offsets + bytes). Buffers
// are views that keep their memory alive through `owner` (a vector, a file
// mapping), so a batch read from an uncompressed segment points into the mmap.
//
// Everything here is immutable once built and safe to share across threads.

#ifndef OMENDB_ARROW_COLUMN_H_
#define OMENDB_ARROW_COLUMN_H_

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace omen::arrow {

enum class TypeId : uint8_t {
  kBool = 0,   // Arrow Bool (bit-packed)
  kInt16,      // Arrow Int(16, signed)
  kInt32,      // Arrow Int(32, signed)
  kInt64,      // Arrow Int(64, signed)
  kFloat32,    // Arrow FloatingPoint(SINGLE)
  kFloat64,    // Arrow FloatingPoint(DOUBLE)
  kString,     // Arrow Utf8, dictionary-encoded with signed int32 indices
  kTimestamp,  // Arrow Timestamp(MICROSECOND, tz "UTC" when utc, else no tz); int64
  kDate32,     // Arrow Date(DAY); int32 days since the epoch
};

struct DataType {
  TypeId id = TypeId::kInt64;
  bool utc = false;  // kTimestamp only: TIMESTAMPTZ (tz = "UTC") vs TIMESTAMP (no tz)

  bool operator==(const DataType&) const = default;
};

// Bytes per value in the values buffer; 0 for bit-packed booleans.
inline int ValueWidth(TypeId id) {
  switch (id) {
    case TypeId::kBool:
      return 0;
    case TypeId::kInt16:
      return 2;
    case TypeId::kInt32:
    case TypeId::kFloat32:
    case TypeId::kString:
    case TypeId::kDate32:
      return 4;
    case TypeId::kInt64:
    case TypeId::kFloat64:
    case TypeId::kTimestamp:
      return 8;
  }
  return 8;
}

struct Field {
  std::string name;
  DataType type;
  bool nullable = true;
};

struct Schema {
  std::vector<Field> fields;
  // Arrow custom metadata on the schema (key, value), e.g. the table's time column.
  std::vector<std::pair<std::string, std::string>> metadata;

  int FieldIndex(std::string_view name) const {
    for (size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].name == name) return static_cast<int>(i);
    }
    return -1;
  }
};

// A view of bytes kept alive by owner (null owner: static or caller-managed memory).
struct Buffer {
  const uint8_t* data = nullptr;
  size_t size = 0;
  std::shared_ptr<const void> owner;

  // A buffer owning a copy of v's bytes.
  template <typename T>
  static Buffer FromVector(std::vector<T> v) {
    auto holder = std::make_shared<std::vector<T>>(std::move(v));
    Buffer b;
    b.data = reinterpret_cast<const uint8_t*>(holder->data());
    b.size = holder->size() * sizeof(T);
    b.owner = std::move(holder);
    return b;
  }
  template <typename T>
  const T* As() const {
    return reinterpret_cast<const T*>(data);
  }
};

inline bool GetBit(const uint8_t* bits, int64_t i) { return (bits[i >> 3] >> (i & 7)) & 1; }
inline void SetBit(uint8_t* bits, int64_t i) {
  bits[i >> 3] |= static_cast<uint8_t>(1u << (i & 7));
}
inline int64_t BitmapBytes(int64_t n) { return (n + 7) / 8; }

// Bytes a column's values buffer holds for `length` values (a bitmap for booleans).
inline size_t ValuesBytes(TypeId id, int64_t length) {
  if (id == TypeId::kBool) return static_cast<size_t>(BitmapBytes(length));
  return static_cast<size_t>(ValueWidth(id)) * static_cast<size_t>(length);
}

// Strings in Arrow utf8 layout: offsets[length + 1] (int32) and the bytes.
struct Dictionary {
  Buffer offsets;
  Buffer data;
  int64_t length = 0;
  // Values strictly ascending by bytes (found when built or read): code order is value order,
  // so sorting and comparing by code is sorting by value.
  bool sorted = false;

  std::string_view Get(int64_t i) const {
    const int32_t* off = offsets.As<int32_t>();
    return std::string_view(reinterpret_cast<const char*>(data.data) + off[i],
                            static_cast<size_t>(off[i + 1] - off[i]));
  }
  // Builds an owning dictionary from strings.
  static std::shared_ptr<const Dictionary> Make(const std::vector<std::string_view>& values);
  // Whether the values are strictly ascending (the value of `sorted`).
  bool IsSorted() const {
    for (int64_t i = 1; i < length; ++i) {
      if (Get(i - 1) >= Get(i)) return false;
    }
    return true;
  }
};

// One column of a batch.
struct ArrayData {
  DataType type;
  int64_t length = 0;
  int64_t null_count = 0;
  Buffer validity;  // BitmapBytes(length) bytes, or empty when null_count == 0
  Buffer values;    // ValueWidth * length bytes (BitmapBytes(length) for kBool)
  std::shared_ptr<const Dictionary> dictionary;  // kString only

  bool IsValid(int64_t i) const { return null_count == 0 || GetBit(validity.data, i); }
  template <typename T>
  T Value(int64_t i) const {
    T v;
    std::memcpy(&v, values.data + i * static_cast<int64_t>(sizeof(T)), sizeof(T));
    return v;
  }
  bool BoolValue(int64_t i) const { return GetBit(values.data, i); }
  // kString only: the string of row i (REQUIRES IsValid(i)).
  std::string_view StringValue(int64_t i) const { return dictionary->Get(values.As<int32_t>()[i]); }
};

struct RecordBatch {
  std::shared_ptr<const Schema> schema;
  int64_t num_rows = 0;
  std::vector<ArrayData> columns;
};

inline std::shared_ptr<const Dictionary> Dictionary::Make(
    const std::vector<std::string_view>& values) {
  std::vector<int32_t> offsets;
  offsets.reserve(values.size() + 1);
  std::vector<uint8_t> bytes;
  offsets.push_back(0);
  for (std::string_view v : values) {
    bytes.insert(bytes.end(), v.begin(), v.end());
    offsets.push_back(static_cast<int32_t>(bytes.size()));
  }
  auto d = std::make_shared<Dictionary>();
  d->length = static_cast<int64_t>(values.size());
  d->offsets = Buffer::FromVector(std::move(offsets));
  d->data = Buffer::FromVector(std::move(bytes));
  d->sorted = d->IsSorted();
  return d;
}

}  // namespace omen::arrow

#endif  // OMENDB_ARROW_COLUMN_H_
