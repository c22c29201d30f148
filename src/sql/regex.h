// Copyright 2026 The OmenDB Authors.
//
// Regular expressions for the ~ ~* !~ !~* operators, in the syntax of PostgreSQL's advanced
// regular expressions that catalog queries and users write: literals, ., bracket expressions
// with ranges and [:class:] names, \d \w \s and their negations, escapes (\t \n \. ...), ^ $ \A
// \Z, word boundaries \m \M \y, groups ( ) and (?: ), alternation |, quantifiers * + ? {m}
// {m,} {m,n} (the non-greedy forms match the same strings). Matching searches the whole
// subject (a match anywhere unless anchored) by simulating the compiled automaton over the
// subject's code points: time linear in the subject, no backtracking and no recursion, so no
// input can exhaust the stack. Back-references and embedded options are not supported
// (2201B). A compiled Regex is immutable; thread-safe.

#ifndef OMENDB_SQL_REGEX_H_
#define OMENDB_SQL_REGEX_H_

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "omendb/status.h"

namespace omen::sql {

class Regex {
 public:
  // 2201B for a pattern that is malformed or uses what is not supported.
  static Result<Regex> Compile(std::string_view pattern, bool case_insensitive);
  // Whether the pattern matches anywhere in subject (UTF-8).
  bool Search(std::string_view subject) const;

  struct Class {
    std::vector<std::pair<uint32_t, uint32_t>> ranges;  // inclusive code point ranges
    bool negated = false;
    bool Matches(uint32_t c, bool case_insensitive) const;
  };
  struct Inst {
    enum class Op : uint8_t {
      kChar,       // code point c
      kAny,        // any code point
      kClass,      // classes[cls]
      kSplit,      // continue at x and y
      kJmp,        // continue at x
      kMatch,      // the pattern matched
      kBegin,      // ^ \A: at the subject's start
      kEnd,        // $ \Z: at the subject's end
      kWord,       // \y: at a word boundary
      kWordStart,  // \m
      kWordEnd,    // \M
    };
    Op op = Op::kMatch;
    uint32_t c = 0;
    int cls = -1;
    int x = 0, y = 0;
  };

 private:
  std::vector<Inst> program_;
  std::vector<Class> classes_;
  bool case_insensitive_ = false;
};

}  // namespace omen::sql

#endif  // OMENDB_SQL_REGEX_H_
