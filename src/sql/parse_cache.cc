// Copyright 2026 The OmenDB Authors.

#include "sql/parse_cache.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <limits>
#include <utility>

#include "common/strings.h"
#include "sql/parser.h"

namespace omen::sql {
namespace {

bool IsIdentStart(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
bool IsIdentChar(unsigned char c) { return std::isalnum(c) || c == '_' || c == '$' || c >= 0x80; }
bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
bool IsSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

// The value Parse gives the constant t of sql (negated: written after a unary minus, which
// PostgreSQL's grammar folds into the constant).
Literal Decode(std::string_view sql, const ConstantToken& t, bool negate) {
  Literal l;
  const std::string_view text = sql.substr(t.begin, t.end - t.begin);
  if (t.kind == 's') {
    l.kind = Literal::Kind::kString;
    l.text.reserve(text.size() - 2);
    for (size_t i = 1; i + 1 < text.size(); ++i) {
      l.text.push_back(text[i]);
      if (text[i] == '\'') ++i;  // '' is one quote
    }
    return l;
  }
  std::string digits;
  if (negate) digits.push_back('-');
  digits.append(text);
  // An int32 arrives as PostgreSQL's Integer, anything else as Float text; Parse keeps every
  // numeric that reads whole as an int64 an integer.
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(digits.c_str(), &end, 10);
  if (errno == 0 && *end == '\0') {
    l.kind = Literal::Kind::kInt;
    l.i = v;
  } else {
    l.kind = Literal::Kind::kNumeric;
  }
  if (t.kind == 'n') l.text = std::move(digits);  // Parse keeps a Float's text
  return l;
}

bool SameLiteral(const Literal& a, const Literal& b) {
  if (a.kind != b.kind || a.text != b.text) return false;
  switch (a.kind) {
    case Literal::Kind::kNull:
      return true;
    case Literal::Kind::kBool:
      return a.b == b.b;
    case Literal::Kind::kInt:
      return a.i == b.i;
    case Literal::Kind::kNumeric:
    case Literal::Kind::kString:
      return a.text == b.text;
  }
  return false;
}

}  // namespace

bool ScanConstants(std::string_view sql, std::string* key, std::vector<ConstantToken>* constants) {
  key->clear();
  constants->clear();
  if (sql.size() >= std::numeric_limits<uint32_t>::max()) return false;
  const size_t n = sql.size();
  auto at = [&](size_t i) -> unsigned char {
    return i < n ? static_cast<unsigned char>(sql[i]) : 0;
  };
  size_t copied = 0;  // sql[copied, i) is still to be appended to the key verbatim
  auto constant = [&](size_t begin, size_t end, char kind) {
    key->append(sql.data() + copied, begin - copied);
    key->push_back('\x01');  // no verbatim byte is below 0x09 (checked below)
    key->push_back(kind);
    constants->push_back(
        ConstantToken{static_cast<uint32_t>(begin), static_cast<uint32_t>(end), kind});
    copied = end;
  };
  size_t i = 0;
  while (i < n) {
    const unsigned char c = at(i);
    if (c < 0x20 && !IsSpace(c)) return false;  // NUL ends libpg_query's text; marks collide
    if (c == '\'') {
      // E'...', B'...', X'...', N'...', U&'...' and a string glued to a word: not modelled.
      if (i > 0 && (IsIdentChar(at(i - 1)) || at(i - 1) == '&')) return false;
      size_t j = i + 1;
      while (true) {
        if (j >= n) return false;  // unterminated: a syntax error, left to the parser
        const unsigned char d = at(j);
        if (d == '\\' || d == 0) return false;  // standard_conforming_strings: keep it simple
        if (d == '\'') {
          if (at(j + 1) == '\'') {
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      const size_t end = j + 1;
      // 'a' <newline> 'b' is one string in PostgreSQL: not modelled.
      size_t k = end;
      while (k < n && IsSpace(at(k))) ++k;
      if (at(k) == '\'') return false;
      constant(i, end, 's');
      i = end;
    } else if (c == '"') {
      size_t j = i + 1;
      while (true) {
        if (j >= n) return false;
        if (at(j) == 0) return false;
        if (at(j) == '"') {
          if (at(j + 1) == '"') {
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      i = j + 1;
    } else if (c == '-' && at(i + 1) == '-') {
      while (i < n && at(i) != '\n' && at(i) != '\r') {
        if (at(i) < 0x20 && at(i) != '\t' && at(i) != '\f') return false;
        ++i;
      }
    } else if (c == '/' && at(i + 1) == '*') {
      int depth = 0;
      while (true) {
        if (i >= n) return false;
        if (at(i) < 0x20 && !IsSpace(at(i))) return false;
        if (at(i) == '/' && at(i + 1) == '*') {
          ++depth;
          i += 2;
        } else if (at(i) == '*' && at(i + 1) == '/') {
          i += 2;
          if (--depth == 0) break;
        } else {
          ++i;
        }
      }
    } else if (IsDigit(c) || (c == '.' && IsDigit(at(i + 1)))) {
      size_t j = i;
      bool integer = true;
      while (IsDigit(at(j))) ++j;
      if (at(j) == '.') {
        integer = false;
        ++j;
        while (IsDigit(at(j))) ++j;
      }
      if (at(j) == 'e' || at(j) == 'E') {
        integer = false;
        ++j;
        if (at(j) == '+' || at(j) == '-') ++j;
        if (!IsDigit(at(j))) return false;
        while (IsDigit(at(j))) ++j;
      }
      // 123abc, 1.2.3, 1..2: PostgreSQL versions lex these differently; not modelled.
      if (IsIdentChar(at(j)) || at(j) == '.') return false;
      char kind = 'n';
      if (integer) {
        size_t k = i;
        while (k + 1 < j && at(k) == '0') ++k;  // leading zeros
        if (j - k < 10 || (j - k == 10 && sql.substr(k, 10) <= "2147483647")) kind = 'i';
      }
      constant(i, j, kind);
      i = j;
    } else if (IsIdentStart(c)) {
      while (i < n && IsIdentChar(at(i))) ++i;
    } else if (c == '$') {
      if (!IsDigit(at(i + 1))) return false;  // $tag$...$tag$ strings: not modelled
      ++i;
      while (IsDigit(at(i))) ++i;
      if (IsIdentChar(at(i))) return false;
    } else {
      ++i;
    }
  }
  key->append(sql.data() + copied, n - copied);
  return true;
}

struct ParseCache::Entry {
  std::shared_ptr<std::vector<Statement>> statements;
  struct Target {
    Expr* expr;
    bool negate;
  };
  std::vector<std::vector<Target>> targets;  // per constant, the literal nodes it became
  std::vector<uint32_t> begins, ends;        // the constants' spans in the text last parsed
  std::vector<int*> locations;               // every location in the statements
  uint64_t last_use = 0;
};

ParseCache::ParseCache(size_t max_entries, size_t max_text)
    : max_entries_(max_entries), max_text_(max_text) {}
ParseCache::~ParseCache() = default;

Result<std::shared_ptr<const std::vector<Statement>>> ParseCache::Parse(std::string_view sql) {
  auto uncached = [&]() -> Result<std::shared_ptr<const std::vector<Statement>>> {
    ++stats_.uncacheable;
    OMEN_ASSIGN_OR_RETURN(std::vector<Statement> parsed, sql::Parse(sql));
    return std::make_shared<const std::vector<Statement>>(std::move(parsed));
  };
  if (max_entries_ == 0 || sql.size() > max_text_ || !ScanConstants(sql, &key_, &constants_)) {
    return uncached();
  }
  if (auto it = entries_.find(key_); it != entries_.end()) {
    Entry* e = it->second.get();
    // Statements a caller still holds are not rewritten under it.
    if (e->statements.use_count() == 1 && Rewrite(e, sql, constants_)) {
      ++stats_.hits;
      e->last_use = ++clock_;
      return std::shared_ptr<const std::vector<Statement>>(e->statements);
    }
    return uncached();
  }
  return Miss(sql, key_, constants_);
}

Result<std::shared_ptr<const std::vector<Statement>>> ParseCache::Miss(
    std::string_view sql, std::string key, const std::vector<ConstantToken>& constants) {
  OMEN_ASSIGN_OR_RETURN(std::vector<Statement> parsed, sql::Parse(sql));
  auto entry = std::make_unique<Entry>();
  entry->statements = std::make_shared<std::vector<Statement>>(std::move(parsed));
  entry->targets.resize(constants.size());
  bool cacheable = true;
  std::vector<Expr*> literals;
  for (Statement& st : *entry->statements) {
    entry->locations.push_back(&st.location);
    const bool walked = WalkStatement(
        &st,
        [&](Expr* e) {
          entry->locations.push_back(&e->location);
          if (e->kind == ExprKind::kLiteral && e->location >= 0) literals.push_back(e);
        },
        [&](TableRef* t) { entry->locations.push_back(&t->location); });
    // Other statements' locations are not walked: they may not move.
    if (!walked && !constants.empty()) cacheable = false;
  }
  // Shared subtrees are walked once per parent.
  std::sort(literals.begin(), literals.end());
  literals.erase(std::unique(literals.begin(), literals.end()), literals.end());
  std::sort(entry->locations.begin(), entry->locations.end());
  entry->locations.erase(std::unique(entry->locations.begin(), entry->locations.end()),
                         entry->locations.end());
  auto find = [&](size_t begin) -> int {
    auto it = std::lower_bound(constants.begin(), constants.end(), begin,
                               [](const ConstantToken& t, size_t b) { return t.begin < b; });
    return it != constants.end() && it->begin == begin ? static_cast<int>(it - constants.begin())
                                                       : -1;
  };
  for (Expr* e : literals) {
    if (!cacheable) break;
    const size_t at = static_cast<size_t>(e->location);
    int k = find(at);
    bool negate = false;
    if (k < 0 && at < sql.size() && sql[at] == '-') {
      size_t j = at + 1;
      while (j < sql.size() && IsSpace(static_cast<unsigned char>(sql[j]))) ++j;
      k = find(j);
      negate = k >= 0 && constants[k].kind != 's';
      if (!negate) k = -1;
    }
    if (k < 0) continue;  // a literal written by the grammar (extract's field name, ...)
    if (!SameLiteral(Decode(sql, constants[k], negate), e->literal) ||
        (!entry->targets[k].empty() && entry->targets[k].front().negate != negate)) {
      cacheable = false;
      break;
    }
    entry->targets[k].push_back(Entry::Target{e, negate});
  }
  for (const auto& t : entry->targets) {
    if (t.empty()) cacheable = false;  // a constant outside the expressions (SET, typmods, ...)
  }
  std::shared_ptr<const std::vector<Statement>> out = entry->statements;
  if (!cacheable) {
    ++stats_.uncacheable;
    return out;
  }
  for (const ConstantToken& t : constants) {
    entry->begins.push_back(t.begin);
    entry->ends.push_back(t.end);
  }
  if (entries_.size() >= max_entries_) {  // evict the least recently used
    auto oldest = entries_.begin();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->second->last_use < oldest->second->last_use) oldest = it;
    }
    entries_.erase(oldest);
  }
  ++stats_.misses;
  entry->last_use = ++clock_;
  entries_.emplace(std::move(key), std::move(entry));
  return out;
}

bool ParseCache::Rewrite(Entry* e, std::string_view sql,
                         const std::vector<ConstantToken>& constants) {
  if (constants.empty()) return true;
  std::vector<Literal> values(constants.size());
  for (size_t k = 0; k < constants.size(); ++k) {
    const ConstantToken& t = constants[k];
    // Invalid UTF-8 is an error Parse reports; the rest of the text was checked before.
    if (t.kind == 's' && !IsValidUtf8(sql.substr(t.begin, t.end - t.begin))) return false;
    values[k] = Decode(sql, t, e->targets[k].front().negate);
  }
  for (size_t k = 0; k < constants.size(); ++k) {
    for (const Entry::Target& target : e->targets[k]) target.expr->literal = values[k];
  }
  // A location moves by the change in length of the constants before it.
  std::vector<int64_t> shift(constants.size() + 1, 0);
  bool moved = false;
  for (size_t k = 0; k < constants.size(); ++k) {
    const int64_t delta = static_cast<int64_t>(constants[k].end - constants[k].begin) -
                          static_cast<int64_t>(e->ends[k] - e->begins[k]);
    shift[k + 1] = shift[k] + delta;
    moved |= delta != 0;
  }
  if (moved) {
    auto moved_to = [&](int64_t at) -> int64_t {
      const size_t before = static_cast<size_t>(
          std::lower_bound(e->begins.begin(), e->begins.end(), at,
                           [](uint32_t b, int64_t a) { return static_cast<int64_t>(b) < a; }) -
          e->begins.begin());
      return at + shift[before];
    };
    for (Statement& st : *e->statements) {
      if (st.length > 0) {
        st.length = static_cast<int>(moved_to(st.location + st.length) - moved_to(st.location));
      }
    }
    for (int* at : e->locations) {
      if (*at >= 0) *at = static_cast<int>(moved_to(*at));
    }
  }
  for (size_t k = 0; k < constants.size(); ++k) {
    e->begins[k] = constants[k].begin;
    e->ends[k] = constants[k].end;
  }
  return true;
}

}  // namespace omen::sql
