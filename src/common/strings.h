// Copyright 2026 The OmenDB Authors.
//
// Small string helpers shared by the SQL layers. Pure; thread-safe.

#ifndef OMENDB_COMMON_STRINGS_H_
#define OMENDB_COMMON_STRINGS_H_

#include <cctype>
#include <string>
#include <string_view>

namespace omen {

// s with ASCII letters lower-cased (SQL keywords, units, options; bytes >= 0x80 unchanged).
inline std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace omen

#endif  // OMENDB_COMMON_STRINGS_H_
