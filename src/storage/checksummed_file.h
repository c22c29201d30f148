// Copyright 2026 The OmenDB Authors.
//
// The framing of OmenDB's small JSON metadata files (CATALOG, MANIFEST; see
// docs/format/segment.md): one header line "<MAGIC> <body length, decimal>
// <crc32c of body, 8 hex digits>\n", then the body. Pure functions;
// thread-safe.

#ifndef OMENDB_STORAGE_CHECKSUMMED_FILE_H_
#define OMENDB_STORAGE_CHECKSUMMED_FILE_H_

#include <string>
#include <string_view>

#include "omendb/status.h"

namespace omen::storage {

// The framed file content for body. REQUIRES: magic is 8 characters without spaces.
std::string FrameChecksummed(std::string_view magic, std::string_view body);
// The body of framed bytes, a view into them; Corruption for a wrong magic, a length that does
// not match the bytes, or a checksum mismatch.
Result<std::string_view> UnframeChecksummed(std::string_view magic, std::string_view bytes);

}  // namespace omen::storage

#endif  // OMENDB_STORAGE_CHECKSUMMED_FILE_H_
