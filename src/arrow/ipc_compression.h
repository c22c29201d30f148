// Copyright 2026 The OmenDB Authors.
//
// Body-buffer codecs of Arrow IPC (Message.fbs BodyCompression): LZ4 frame
// format (one frame per buffer) and ZSTD. Plain bytes in, bytes out; the
// length prefix is the caller's. Stateless functions; thread-safe.

#ifndef OMENDB_ARROW_IPC_COMPRESSION_H_
#define OMENDB_ARROW_IPC_COMPRESSION_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "arrow/ipc.h"
#include "omendb/status.h"

namespace omen::arrow {

// Appends the compressed form of src to *dst. REQUIRES: codec != kNone.
Status CompressBuffer(Compression codec, int zstd_level, std::string_view src, std::string* dst);

// Decompresses src, which must expand to exactly `uncompressed_size` bytes, into *out. Output
// memory grows with the bytes actually produced, so a lying size cannot force a huge
// allocation. Corruption on malformed input or a size mismatch.
Status DecompressBuffer(Compression codec, std::string_view src, int64_t uncompressed_size,
                        std::vector<uint8_t>* out);

}  // namespace omen::arrow

#endif  // OMENDB_ARROW_IPC_COMPRESSION_H_
