// Copyright 2026 The OmenDB Authors.
//
// CRC32C (Castagnoli), hardware-accelerated with SSE4.2 when the CPU has it,
// and leveldb-style masking for CRCs stored next to the data they cover.
// Pure functions; thread-safe.

#ifndef OMENDB_COMMON_CRC32C_H_
#define OMENDB_COMMON_CRC32C_H_

#include <cstddef>
#include <cstdint>

namespace omen::crc32c {

// CRC32C of data[0, n) continuing from the CRC `init` of earlier bytes.
uint32_t Extend(uint32_t init, const void* data, size_t n);
inline uint32_t Value(const void* data, size_t n) { return Extend(0, data, n); }

// A CRC stored in data that is itself checksummed is masked so that the CRC of
// a string holding its own CRC is not degenerate.
constexpr uint32_t kMaskDelta = 0xa282ead8u;
inline uint32_t Mask(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kMaskDelta; }
inline uint32_t Unmask(uint32_t masked) {
  uint32_t rot = masked - kMaskDelta;
  return (rot >> 17) | (rot << 15);
}

}  // namespace omen::crc32c

#endif  // OMENDB_COMMON_CRC32C_H_
