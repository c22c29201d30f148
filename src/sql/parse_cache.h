// Copyright 2026 The OmenDB Authors.
//
// ParseCache: Parse (sql/parser.h) for a session that sends the same statements again and again
// with different constants, as clients without prepared statements do (psql, Grafana, a
// driver's client-side interpolation). The text is scanned once, cheaply, into a key (the text
// with each string and numeric constant replaced by a mark of its kind) and the constants. A
// key seen before reuses its parsed statements: the new constants are written into the literal
// nodes they became, and every location moves by the change in length of the constants before
// it, so that the result equals what Parse would have built. libpg_query is not called.
//
// A key is reused only when its first parse proved the mapping: every constant of the text
// became literal nodes holding exactly its value, in statements whose locations are all known
// (SELECT, INSERT, DELETE, EXPLAIN, COPY (query), DECLARE). Anything else is parsed every time
// (DDL with constants, SET, typmods, window frame offsets, escape and dollar-quoted strings,
// strings with backslashes, control characters). PostgreSQL's grammar decides a parse from the
// kinds of its tokens, never from a constant's value, which is what makes the reuse sound.
//
// Not thread-safe: one per session.

#ifndef OMENDB_SQL_PARSE_CACHE_H_
#define OMENDB_SQL_PARSE_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "omendb/status.h"
#include "sql/ast.h"

namespace omen::sql {

// A string or numeric constant of SQL text: bytes [begin, end) (quotes included).
struct ConstantToken {
  uint32_t begin = 0;
  uint32_t end = 0;
  // 's' string, 'i' integer that fits int32 (PostgreSQL's Integer), 'n' other numeric.
  char kind = 's';
};

// Splits sql into its key and constants; false when the text holds something the scan does not
// model (see above), which is then never cached.
bool ScanConstants(std::string_view sql, std::string* key, std::vector<ConstantToken>* constants);

class ParseCache {
 public:
  explicit ParseCache(size_t max_entries = 64, size_t max_text = 64 * 1024);
  ~ParseCache();
  ParseCache(const ParseCache&) = delete;
  ParseCache& operator=(const ParseCache&) = delete;

  // Parse(sql), from the cache when its shape was parsed before. The statements stay valid for
  // as long as the caller holds them; a later call never changes statements still held.
  Result<std::shared_ptr<const std::vector<Statement>>> Parse(std::string_view sql);

  struct Stats {
    int64_t hits = 0;         // parses served from the cache
    int64_t misses = 0;       // parsed by libpg_query and cached
    int64_t uncacheable = 0;  // parsed by libpg_query, not cacheable
  };
  const Stats& stats() const { return stats_; }

 private:
  struct Entry;
  // Parses sql and caches it under key when the constants map onto literal nodes.
  Result<std::shared_ptr<const std::vector<Statement>>> Miss(
      std::string_view sql, std::string key, const std::vector<ConstantToken>& constants);
  // Rewrites e's statements for sql's constants; false (e unchanged) when one does not decode.
  bool Rewrite(Entry* e, std::string_view sql, const std::vector<ConstantToken>& constants);

  const size_t max_entries_;
  const size_t max_text_;
  std::unordered_map<std::string, std::unique_ptr<Entry>> entries_;
  uint64_t clock_ = 0;
  Stats stats_;
  // Scratch, reused between calls.
  std::string key_;
  std::vector<ConstantToken> constants_;
};

}  // namespace omen::sql

#endif  // OMENDB_SQL_PARSE_CACHE_H_
