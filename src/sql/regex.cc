// Copyright 2026 The OmenDB Authors.

#include "sql/regex.h"

#include <memory>
#include <string>

namespace omen::sql {
namespace {

using Op = Regex::Inst::Op;

constexpr int kMaxDepth = 200;   // nested groups
constexpr int kMaxRepeat = 255;  // PostgreSQL's bound on {m,n}
constexpr size_t kMaxProgram = 1 << 16;

Status Invalid(const std::string& why) {
  return Status::InvalidArgument("invalid regular expression: " + why).WithSqlState("2201B");
}

// Decodes the UTF-8 code point at s[*p] (a lone byte when malformed) and advances *p.
uint32_t NextCodePoint(std::string_view s, size_t* p) {
  const auto b = static_cast<unsigned char>(s[*p]);
  int len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 1;
  if (*p + static_cast<size_t>(len) > s.size()) len = 1;
  uint32_t c = len == 1 ? b : b & (0xff >> (len + 1));
  for (int k = 1; k < len; ++k) {
    const auto cont = static_cast<unsigned char>(s[*p + static_cast<size_t>(k)]);
    if ((cont & 0xc0) != 0x80) {
      len = 1;
      c = b;
      break;
    }
    c = (c << 6) | (cont & 0x3f);
  }
  *p += static_cast<size_t>(len);
  return c;
}

uint32_t Fold(uint32_t c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsWordChar(uint32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c >= 0x80;
}

struct Node {
  enum class Kind : uint8_t { kEmpty, kChar, kAny, kClass, kCat, kAlt, kRepeat, kAssert };
  Kind kind = Kind::kEmpty;
  uint32_t c = 0;
  int cls = -1;
  Op assertion = Op::kBegin;
  int min = 0, max = 0;  // kRepeat; max -1: unbounded
  std::vector<std::unique_ptr<Node>> kids;
};
using NodePtr = std::unique_ptr<Node>;

NodePtr Make(Node::Kind kind) {
  auto n = std::make_unique<Node>();
  n->kind = kind;
  return n;
}

// Adds the code points of a class escape (\d \w \s, [:name:]) to ranges.
bool NamedClass(std::string_view name, std::vector<std::pair<uint32_t, uint32_t>>* r) {
  auto add = [&](uint32_t a, uint32_t b) { r->emplace_back(a, b); };
  if (name == "digit" || name == "d") {
    add('0', '9');
  } else if (name == "alpha") {
    add('a', 'z');
    add('A', 'Z');
  } else if (name == "alnum") {
    add('a', 'z');
    add('A', 'Z');
    add('0', '9');
  } else if (name == "word" || name == "w") {
    add('a', 'z');
    add('A', 'Z');
    add('0', '9');
    add('_', '_');
  } else if (name == "upper") {
    add('A', 'Z');
  } else if (name == "lower") {
    add('a', 'z');
  } else if (name == "space" || name == "s") {
    add(' ', ' ');
    add('\t', '\r');
  } else if (name == "blank") {
    add(' ', ' ');
    add('\t', '\t');
  } else if (name == "xdigit") {
    add('0', '9');
    add('a', 'f');
    add('A', 'F');
  } else if (name == "punct") {
    add('!', '/');
    add(':', '@');
    add('[', '`');
    add('{', '~');
  } else if (name == "cntrl") {
    add(0, 31);
    add(127, 127);
  } else if (name == "print") {
    add(' ', '~');
  } else if (name == "graph") {
    add('!', '~');
  } else {
    return false;
  }
  return true;
}

class Parser {
 public:
  Parser(std::string_view p, std::vector<Regex::Class>* classes) : p_(p), classes_(classes) {}

  Result<NodePtr> Parse() {
    OMEN_ASSIGN_OR_RETURN(NodePtr n, Alternation(0));
    if (pos_ < p_.size()) return Invalid("parentheses () not balanced");
    return n;
  }

 private:
  bool More() const { return pos_ < p_.size(); }
  char Peek() const { return p_[pos_]; }

  Result<NodePtr> Alternation(int depth) {
    if (depth > kMaxDepth) return Invalid("too many nested parentheses");
    auto alt = Make(Node::Kind::kAlt);
    while (true) {
      OMEN_ASSIGN_OR_RETURN(NodePtr cat, Concatenation(depth));
      alt->kids.push_back(std::move(cat));
      if (!More() || Peek() != '|') break;
      ++pos_;
    }
    if (alt->kids.size() == 1) return std::move(alt->kids[0]);
    return alt;
  }

  Result<NodePtr> Concatenation(int depth) {
    auto cat = Make(Node::Kind::kCat);
    while (More() && Peek() != '|' && Peek() != ')') {
      OMEN_ASSIGN_OR_RETURN(NodePtr atom, Atom(depth));
      OMEN_ASSIGN_OR_RETURN(atom, Quantified(std::move(atom)));
      cat->kids.push_back(std::move(atom));
    }
    return cat;
  }

  // atom followed by any quantifiers.
  Result<NodePtr> Quantified(NodePtr atom) {
    while (More()) {
      int min = 0, max = 0;
      const char q = Peek();
      if (q == '*' || q == '+' || q == '?') {
        ++pos_;
        min = q == '+' ? 1 : 0;
        max = q == '?' ? 1 : -1;
      } else if (q == '{' && pos_ + 1 < p_.size() && IsDigit(p_[pos_ + 1])) {
        ++pos_;
        OMEN_RETURN_IF_ERROR(Bounds(&min, &max));
      } else {
        break;
      }
      if (More() && Peek() == '?') ++pos_;  // non-greedy: matches the same strings
      if (atom->kind == Node::Kind::kAssert) return Invalid("quantifier operand invalid");
      auto rep = Make(Node::Kind::kRepeat);
      rep->min = min;
      rep->max = max;
      rep->kids.push_back(std::move(atom));
      atom = std::move(rep);
    }
    return atom;
  }

  Status Bounds(int* min, int* max) {
    auto number = [&](int* out) -> bool {
      if (!More() || !IsDigit(Peek())) return false;
      int v = 0;
      while (More() && IsDigit(Peek())) {
        v = v * 10 + (Peek() - '0');
        if (v > kMaxRepeat) v = kMaxRepeat + 1;
        ++pos_;
      }
      *out = v;
      return true;
    };
    if (!number(min)) return Invalid("invalid repetition count(s)");
    *max = *min;
    if (More() && Peek() == ',') {
      ++pos_;
      if (!number(max)) *max = -1;
    }
    if (!More() || Peek() != '}') return Invalid("braces {} not balanced");
    ++pos_;
    if (*min > kMaxRepeat || *max > kMaxRepeat || (*max >= 0 && *max < *min)) {
      return Invalid("invalid repetition count(s)");
    }
    return Status::OK();
  }

  Result<NodePtr> Atom(int depth) {
    const char ch = Peek();
    if (ch == '(') {
      ++pos_;
      if (p_.substr(pos_, 2) == "?:") {
        pos_ += 2;
      } else if (More() && Peek() == '?') {
        return Invalid("embedded options and lookaround are not supported");
      }
      OMEN_ASSIGN_OR_RETURN(NodePtr inner, Alternation(depth + 1));
      if (!More() || Peek() != ')') return Invalid("parentheses () not balanced");
      ++pos_;
      return inner;
    }
    if (ch == '*' || ch == '+' || ch == '?' || ch == '{') {
      return Invalid("quantifier operand invalid");
    }
    ++pos_;
    if (ch == '.') return Make(Node::Kind::kAny);
    if (ch == '^' || ch == '$') return Assertion(ch == '^' ? Op::kBegin : Op::kEnd);
    if (ch == '[') return Bracket();
    if (ch == '\\') return Escape();
    --pos_;
    auto n = Make(Node::Kind::kChar);
    n->c = NextCodePoint(p_, &pos_);
    return n;
  }

  static NodePtr Assertion(Op op) {
    auto n = Make(Node::Kind::kAssert);
    n->assertion = op;
    return n;
  }

  NodePtr ClassNode(Regex::Class cls) {
    auto n = Make(Node::Kind::kClass);
    n->cls = static_cast<int>(classes_->size());
    classes_->push_back(std::move(cls));
    return n;
  }

  // The character an escape letter stands for (\t, \n, ...), or the character itself.
  static uint32_t EscapedChar(char e) {
    switch (e) {
      case 'a':
        return 7;
      case 'b':
        return 8;  // in PostgreSQL's AREs \b is a backspace
      case 'e':
        return 27;
      case 'f':
        return 12;
      case 'n':
        return 10;
      case 'r':
        return 13;
      case 't':
        return 9;
      case 'v':
        return 11;
      default:
        return static_cast<unsigned char>(e);
    }
  }

  Result<NodePtr> Escape() {
    if (!More()) return Invalid("invalid escape \\ sequence");
    const char e = p_[pos_++];
    switch (e) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
      case 's':
      case 'S': {
        Regex::Class cls;
        NamedClass(std::string(1, static_cast<char>(e | 0x20)), &cls.ranges);
        cls.negated = e >= 'A' && e <= 'Z';
        return ClassNode(std::move(cls));
      }
      case 'A':
        return Assertion(Op::kBegin);
      case 'Z':
        return Assertion(Op::kEnd);
      case 'y':
        return Assertion(Op::kWord);
      case 'm':
        return Assertion(Op::kWordStart);
      case 'M':
        return Assertion(Op::kWordEnd);
      default:
        if (IsDigit(e) && e != '0') return Invalid("back-references are not supported");
        break;
    }
    auto n = Make(Node::Kind::kChar);
    n->c = EscapedChar(e);
    return n;
  }

  Result<NodePtr> Bracket() {
    Regex::Class cls;
    if (More() && Peek() == '^') {
      cls.negated = true;
      ++pos_;
    }
    bool first = true;
    while (true) {
      if (!More()) return Invalid("brackets [] not balanced");
      if (Peek() == ']' && !first) {
        ++pos_;
        break;
      }
      first = false;
      if (p_.substr(pos_, 2) == "[:") {
        const size_t end = p_.find(":]", pos_ + 2);
        if (end == std::string_view::npos) return Invalid("brackets [] not balanced");
        if (!NamedClass(p_.substr(pos_ + 2, end - pos_ - 2), &cls.ranges)) {
          return Invalid("invalid character class");
        }
        pos_ = end + 2;
        continue;
      }
      uint32_t lo;
      if (Peek() == '\\' && pos_ + 1 < p_.size()) {
        const char e = p_[pos_ + 1];
        pos_ += 2;
        if (NamedClass(std::string(1, e), &cls.ranges)) continue;  // \d \w \s
        lo = EscapedChar(e);
      } else {
        lo = NextCodePoint(p_, &pos_);
      }
      uint32_t hi = lo;
      if (pos_ + 1 < p_.size() && Peek() == '-' && p_[pos_ + 1] != ']') {
        ++pos_;
        hi = NextCodePoint(p_, &pos_);
        if (hi < lo) return Invalid("invalid character range");
      }
      cls.ranges.emplace_back(lo, hi);
    }
    return ClassNode(std::move(cls));
  }

  std::string_view p_;
  size_t pos_ = 0;
  std::vector<Regex::Class>* classes_;
};

// Compiles the tree to a program for the simulation (Thompson's construction).
class Compiler {
 public:
  explicit Compiler(std::vector<Regex::Inst>* program) : prog_(program) {}

  Status Emit(const Node& n) {
    if (prog_->size() > kMaxProgram) return Invalid("regular expression is too complex");
    switch (n.kind) {
      case Node::Kind::kEmpty:
        return Status::OK();
      case Node::Kind::kChar:
        Add(Op::kChar).c = n.c;
        return Status::OK();
      case Node::Kind::kAny:
        Add(Op::kAny);
        return Status::OK();
      case Node::Kind::kClass:
        Add(Op::kClass).cls = n.cls;
        return Status::OK();
      case Node::Kind::kAssert:
        Add(n.assertion);
        return Status::OK();
      case Node::Kind::kCat:
        for (const auto& k : n.kids) OMEN_RETURN_IF_ERROR(Emit(*k));
        return Status::OK();
      case Node::Kind::kAlt:
        return Alternation(n, 0);
      case Node::Kind::kRepeat:
        return Repeat(n);
    }
    return Status::OK();
  }

 private:
  Regex::Inst& Add(Op op) {
    prog_->emplace_back();
    prog_->back().op = op;
    return prog_->back();
  }
  int Here() const { return static_cast<int>(prog_->size()); }

  // kids[k] | kids[k+1] | ...
  Status Alternation(const Node& n, size_t k) {
    if (k + 1 == n.kids.size()) return Emit(*n.kids[k]);
    const int split = Here();
    Add(Op::kSplit).x = split + 1;
    OMEN_RETURN_IF_ERROR(Emit(*n.kids[k]));
    const int jmp = Here();
    Add(Op::kJmp);
    (*prog_)[static_cast<size_t>(split)].y = Here();
    OMEN_RETURN_IF_ERROR(Alternation(n, k + 1));
    (*prog_)[static_cast<size_t>(jmp)].x = Here();
    return Status::OK();
  }

  Status Repeat(const Node& n) {
    const Node& body = *n.kids[0];
    for (int k = 0; k < n.min; ++k) OMEN_RETURN_IF_ERROR(Emit(body));
    if (n.max < 0) {  // body*
      const int split = Here();
      Add(Op::kSplit).x = split + 1;
      OMEN_RETURN_IF_ERROR(Emit(body));
      Add(Op::kJmp).x = split;
      (*prog_)[static_cast<size_t>(split)].y = Here();
      return Status::OK();
    }
    std::vector<int> splits;  // (body (body ...)?)?: every split skips to the end
    for (int k = n.min; k < n.max; ++k) {
      const int split = Here();
      splits.push_back(split);
      Add(Op::kSplit).x = split + 1;
      OMEN_RETURN_IF_ERROR(Emit(body));
      if (prog_->size() > kMaxProgram) return Invalid("regular expression is too complex");
    }
    for (int s : splits) (*prog_)[static_cast<size_t>(s)].y = Here();
    return Status::OK();
  }

  std::vector<Regex::Inst>* prog_;
};

}  // namespace

bool Regex::Class::Matches(uint32_t c, bool case_insensitive) const {
  auto in = [&](uint32_t x) {
    for (const auto& [lo, hi] : ranges) {
      if (x >= lo && x <= hi) return true;
    }
    return false;
  };
  bool hit = in(c);
  if (!hit && case_insensitive) {
    hit = (c >= 'A' && c <= 'Z' && in(c + 32)) || (c >= 'a' && c <= 'z' && in(c - 32));
  }
  return hit != negated;
}

Result<Regex> Regex::Compile(std::string_view pattern, bool case_insensitive) {
  Regex re;
  re.case_insensitive_ = case_insensitive;
  Parser parser(pattern, &re.classes_);
  OMEN_ASSIGN_OR_RETURN(NodePtr tree, parser.Parse());
  Compiler compiler(&re.program_);
  OMEN_RETURN_IF_ERROR(compiler.Emit(*tree));
  re.program_.emplace_back();  // kMatch
  if (case_insensitive) {
    for (Inst& i : re.program_) {
      if (i.op == Inst::Op::kChar) i.c = Fold(i.c);
    }
  }
  return re;
}

bool Regex::Search(std::string_view subject) const {
  std::vector<uint32_t> cps;
  for (size_t p = 0; p < subject.size();) cps.push_back(NextCodePoint(subject, &p));
  const size_t n = cps.size();
  std::vector<uint32_t> mark(program_.size(), 0);
  std::vector<int> clist, nlist, stack;
  uint32_t gen = 1;
  bool matched = false;
  // Adds pc's thread (and those its empty moves reach) at position pos.
  auto add = [&](std::vector<int>* list, int start, size_t pos) {
    stack.push_back(start);
    while (!stack.empty()) {
      const int pc = stack.back();
      stack.pop_back();
      if (mark[static_cast<size_t>(pc)] == gen) continue;
      mark[static_cast<size_t>(pc)] = gen;
      const Inst& in = program_[static_cast<size_t>(pc)];
      const bool before = pos > 0 && IsWordChar(cps[pos - 1]);
      const bool after = pos < n && IsWordChar(cps[pos]);
      switch (in.op) {
        case Inst::Op::kMatch:
          matched = true;
          break;
        case Inst::Op::kJmp:
          stack.push_back(in.x);
          break;
        case Inst::Op::kSplit:
          stack.push_back(in.y);
          stack.push_back(in.x);
          break;
        case Inst::Op::kBegin:
          if (pos == 0) stack.push_back(pc + 1);
          break;
        case Inst::Op::kEnd:
          if (pos == n) stack.push_back(pc + 1);
          break;
        case Inst::Op::kWord:
          if (before != after) stack.push_back(pc + 1);
          break;
        case Inst::Op::kWordStart:
          if (!before && after) stack.push_back(pc + 1);
          break;
        case Inst::Op::kWordEnd:
          if (before && !after) stack.push_back(pc + 1);
          break;
        default:
          list->push_back(pc);
      }
    }
  };
  for (size_t pos = 0;; ++pos) {
    add(&clist, 0, pos);  // a match may start anywhere
    if (matched) return true;
    if (pos == n) return false;
    ++gen;
    nlist.clear();
    const uint32_t c = cps[pos];
    for (int pc : clist) {
      const Inst& in = program_[static_cast<size_t>(pc)];
      bool step = false;
      if (in.op == Inst::Op::kAny) {
        step = true;
      } else if (in.op == Inst::Op::kChar) {
        step = (case_insensitive_ ? Fold(c) : c) == in.c;
      } else if (in.op == Inst::Op::kClass) {
        step = classes_[static_cast<size_t>(in.cls)].Matches(c, case_insensitive_);
      }
      if (step) add(&nlist, pc + 1, pos + 1);
    }
    if (matched) return true;
    clist.swap(nlist);
  }
}

}  // namespace omen::sql
