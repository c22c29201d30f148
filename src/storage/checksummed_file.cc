// Copyright 2026 The OmenDB Authors.

#include "storage/checksummed_file.h"

#include <cinttypes>
#include <cstdio>

#include "common/crc32c.h"

namespace omen::storage {

std::string FrameChecksummed(std::string_view magic, std::string_view body) {
  char header[64];
  std::snprintf(header, sizeof(header), "%.*s %zu %08" PRIx32 "\n", static_cast<int>(magic.size()),
                magic.data(), body.size(), crc32c::Value(body.data(), body.size()));
  std::string out = header;
  out += body;
  return out;
}

Result<std::string_view> UnframeChecksummed(std::string_view magic, std::string_view bytes) {
  size_t nl = bytes.find('\n');
  char found[16] = {0};
  size_t len = 0;
  uint32_t crc = 0;
  if (nl == std::string_view::npos || nl > 60 ||
      std::sscanf(std::string(bytes.substr(0, nl)).c_str(), "%8s %zu %" SCNx32, found, &len,
                  &crc) != 3 ||
      std::string_view(found) != magic || bytes.size() - nl - 1 != len) {
    return Status::Corruption("bad header or truncated file");
  }
  std::string_view body = bytes.substr(nl + 1);
  if (crc32c::Value(body.data(), body.size()) != crc) {
    return Status::Corruption("checksum mismatch");
  }
  return body;
}

}  // namespace omen::storage
