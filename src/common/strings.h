// Copyright 2026 The OmenDB Authors.
//
// Small string helpers shared by the SQL layers. Pure; thread-safe.

#ifndef OMENDB_COMMON_STRINGS_H_
#define OMENDB_COMMON_STRINGS_H_

#include <cctype>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace omen {

// s with ASCII letters lower-cased (SQL keywords, units, options; bytes >= 0x80 unchanged).
inline std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A byte count such as "1048576", "512kB", "64MB", "2GB", "1TB" (PostgreSQL's memory units,
// powers of 1024; "KiB"/"MiB"/"GiB"/"TiB" and a "B" suffix too; case-insensitive, spaces
// allowed before the unit). nullopt for anything else, negative values and overflow.
inline std::optional<int64_t> ParseByteSize(std::string_view s) {
  size_t i = 0;
  uint64_t n = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    if (n > (UINT64_C(1) << 62) / 10) return std::nullopt;
    n = n * 10 + static_cast<uint64_t>(s[i++] - '0');
  }
  if (i == 0) return std::nullopt;
  while (i < s.size() && s[i] == ' ') ++i;
  const std::string unit = AsciiLower(s.substr(i));
  int shift = -1;
  if (unit.empty() || unit == "b") shift = 0;
  if (unit == "k" || unit == "kb" || unit == "kib") shift = 10;
  if (unit == "m" || unit == "mb" || unit == "mib") shift = 20;
  if (unit == "g" || unit == "gb" || unit == "gib") shift = 30;
  if (unit == "t" || unit == "tb" || unit == "tib") shift = 40;
  if (shift < 0 || (shift > 0 && n > (UINT64_C(1) << (62 - shift)))) return std::nullopt;
  return static_cast<int64_t>(n << shift);
}

}  // namespace omen

#endif  // OMENDB_COMMON_STRINGS_H_
