// Copyright 2026 The OmenDB Authors.
//
// Constants of the Arrow IPC framing (docs/format/arrow.md) shared by the
// writer, the reader and the tests. Constants only; thread-safe.

#ifndef OMENDB_ARROW_IPC_FORMAT_H_
#define OMENDB_ARROW_IPC_FORMAT_H_

#include <cstdint>
#include <string_view>

namespace omen::arrow::ipc_format {

// "ARROW1" opens (padded to 8 bytes) and closes an IPC file.
inline constexpr std::string_view kMagic = "ARROW1";
inline constexpr int kMagicPadded = 8;
// The footer is followed by its int32 length and the magic.
inline constexpr int kTrailerSize = 4 + 6;
// Encapsulated messages start with this marker, then the int32 metadata size.
inline constexpr uint32_t kContinuation = 0xFFFFFFFFu;
inline constexpr int kMessagePrefixSize = 8;
// Metadata and every body buffer start at a multiple of this (Arrow requires 8).
inline constexpr int kAlignment = 8;
// Compressed body buffers start with the int64 uncompressed length, or this when the bytes
// that follow are stored uncompressed.
inline constexpr int kCompressedLengthPrefix = 8;
inline constexpr int64_t kUncompressedMarker = -1;

static_assert(kMagic.size() == 6 && kMagicPadded % kAlignment == 0, "padded magic keeps alignment");
static_assert(kMessagePrefixSize % kAlignment == 0, "prefix keeps the flatbuffer aligned");
static_assert(kCompressedLengthPrefix == 8, "Arrow BodyCompression BUFFER prefix is an int64");

inline constexpr int64_t PadToAlignment(int64_t n) {
  return (n + kAlignment - 1) / kAlignment * kAlignment;
}

}  // namespace omen::arrow::ipc_format

#endif  // OMENDB_ARROW_IPC_FORMAT_H_
