// Copyright 2026 The OmenDB Authors.

#include "sql/pg_json.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <type_traits>

#include "common/strings.h"

namespace omen::sql {

// ---------------------------------------------------------------------------------------------
// JsonNode

const JsonNode* JsonNode::find(std::string_view key) const {
  if (kind_ != Kind::kObject) return end();
  for (uint32_t i = 0; i < n_; ++i) {
    if (keys_[i] == key) return items_ + i;
  }
  return end();
}

const JsonNode& JsonNode::operator[](std::string_view key) const {
  const JsonNode* v = find(key);
  return v == end() ? null() : *v;
}

std::string JsonNode::value(std::string_view key, const std::string& def) const {
  const JsonNode* v = find(key);
  return v != end() && v->is_string() ? std::string(v->get_string()) : def;
}

int64_t JsonNode::value(std::string_view key, int64_t def) const {
  const JsonNode* v = find(key);
  return v != end() && v->is_number_integer() ? v->int_ : def;
}

int JsonNode::value(std::string_view key, int def) const {
  const JsonNode* v = find(key);
  if (v == end() || !v->is_number_integer() || v->int_ < std::numeric_limits<int>::min() ||
      v->int_ > std::numeric_limits<int>::max()) {
    return def;
  }
  return static_cast<int>(v->int_);
}

bool JsonNode::value(std::string_view key, bool def) const {
  const JsonNode* v = find(key);
  return v != end() && v->is_boolean() ? v->get_bool() : def;
}

const JsonNode& JsonNode::value(std::string_view key, const JsonNode& def) const {
  const JsonNode* v = find(key);
  return v != end() && !v->is_null() ? *v : def;
}

double JsonNode::get_double() const {
  if (kind_ == Kind::kInt) return static_cast<double>(int_);
  return kind_ == Kind::kFloat ? float_ : 0.0;
}

const JsonNode& JsonNode::array() {
  static const JsonNode* node = [] {
    auto* n = new JsonNode();
    n->kind_ = Kind::kArray;
    n->src_ = "[]";
    n->src_len_ = 2;
    return n;
  }();
  return *node;
}

const JsonNode& JsonNode::object() {
  static const JsonNode* node = [] {
    auto* n = new JsonNode();
    n->kind_ = Kind::kObject;
    n->src_ = "{}";
    n->src_len_ = 2;
    return n;
  }();
  return *node;
}

const JsonNode& JsonNode::null() {
  static const JsonNode* node = [] {
    auto* n = new JsonNode();
    n->src_ = "null";
    n->src_len_ = 4;
    return n;
  }();
  return *node;
}

// ---------------------------------------------------------------------------------------------
// JsonDocument

template <typename T>
T* JsonDocument::Allocate(size_t n) {
  static_assert(std::is_trivially_destructible_v<T>);
  if (n == 0) return nullptr;
  const size_t bytes = n * sizeof(T);
  const size_t align = alignof(T);
  size_t pad = (align - reinterpret_cast<uintptr_t>(cur_) % align) % align;
  if (cur_ == nullptr || pad + bytes > left_) {
    const size_t size = std::max<size_t>(bytes + align, 16384);
    blocks_.push_back(std::make_unique<std::byte[]>(size));
    cur_ = blocks_.back().get();
    left_ = size;
    pad = (align - reinterpret_cast<uintptr_t>(cur_) % align) % align;
  }
  T* out = reinterpret_cast<T*>(cur_ + pad);
  cur_ += pad + bytes;
  left_ -= pad + bytes;
  for (size_t i = 0; i < n; ++i) new (out + i) T();
  return out;
}

// ---------------------------------------------------------------------------------------------
// Parsing: iterative (an explicit stack of open containers), so that nesting depth costs heap,
// not the thread's stack.

class JsonParser {
 public:
  JsonParser(JsonDocument* doc, std::string_view text)
      : doc_(doc), begin_(text.data()), p_(text.data()), end_(text.data() + text.size()) {}

  Result<const JsonNode*> Run();

 private:
  struct Frame {
    bool object;
    size_t first_value;  // index into values_
    size_t first_key;    // index into keys_
    const char* start;
  };

  Status Error(const char* what) const {
    return Status::InvalidArgument("malformed JSON: " + std::string(what) + " at byte " +
                                   std::to_string(p_ - begin_));
  }
  void SkipSpace() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }
  bool Literal(const char* word) {
    const size_t n = std::strlen(word);
    if (static_cast<size_t>(end_ - p_) < n || std::memcmp(p_, word, n) != 0) return false;
    p_ += n;
    return true;
  }
  Status String(std::string_view* out);
  Status Number(JsonNode* node);
  // Closes the innermost container at p_ (its bracket already consumed) into *node.
  void Close(JsonNode* node);

  JsonDocument* doc_;
  const char* begin_;
  const char* p_;
  const char* end_;
  std::vector<Frame> frames_;
  std::vector<JsonNode> values_;
  std::vector<std::string_view> keys_;
};

namespace {

bool Hex4(const char* p, const char* end, uint32_t* out) {
  if (end - p < 4) return false;
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    const char c = p[i];
    v <<= 4;
    if (c >= '0' && c <= '9') {
      v |= static_cast<uint32_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      v |= static_cast<uint32_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      v |= static_cast<uint32_t>(c - 'A' + 10);
    } else {
      return false;
    }
  }
  *out = v;
  return true;
}

}  // namespace

Status JsonParser::String(std::string_view* out) {
  ++p_;  // the opening quote
  const char* start = p_;
  // Until the first escape the string is a view into the source; from it on, its unescaped
  // bytes are collected here.
  std::string s;
  bool escaped = false;
  while (p_ < end_) {
    const auto c = static_cast<unsigned char>(*p_);
    if (c == '"') {
      ++p_;
      if (!escaped) {
        *out = std::string_view(start, static_cast<size_t>(p_ - 1 - start));
      } else {
        char* copy = doc_->Allocate<char>(s.size() + 1);
        std::memcpy(copy, s.data(), s.size());
        *out = std::string_view(copy, s.size());
      }
      return Status::OK();
    }
    if (c < 0x20) return Error("control character in a string");
    if (c >= 0x80) {
      const size_t n = Utf8SequenceLength(reinterpret_cast<const unsigned char*>(p_),
                                          reinterpret_cast<const unsigned char*>(end_));
      if (n == 0) return Error("invalid UTF-8 in a string");
      if (escaped) s.append(p_, n);
      p_ += n;
      continue;
    }
    if (c != '\\') {
      if (escaped) s.push_back(static_cast<char>(c));
      ++p_;
      continue;
    }
    if (!escaped) {
      s.assign(start, static_cast<size_t>(p_ - start));
      escaped = true;
    }
    if (++p_ >= end_) break;
    switch (*p_++) {
      case '"':
        s.push_back('"');
        break;
      case '\\':
        s.push_back('\\');
        break;
      case '/':
        s.push_back('/');
        break;
      case 'b':
        s.push_back('\b');
        break;
      case 'f':
        s.push_back('\f');
        break;
      case 'n':
        s.push_back('\n');
        break;
      case 'r':
        s.push_back('\r');
        break;
      case 't':
        s.push_back('\t');
        break;
      case 'u': {
        uint32_t cp;
        if (!Hex4(p_, end_, &cp)) return Error("bad \\u escape");
        p_ += 4;
        if (cp >= 0xDC00 && cp <= 0xDFFF) return Error("lone low surrogate");
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          uint32_t lo;
          if (end_ - p_ < 6 || p_[0] != '\\' || p_[1] != 'u' || !Hex4(p_ + 2, end_, &lo) ||
              lo < 0xDC00 || lo > 0xDFFF) {
            return Error("high surrogate without its low half");
          }
          p_ += 6;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        }
        AppendUtf8(cp, &s);
        break;
      }
      default:
        return Error("bad escape");
    }
  }
  return Error("unterminated string");
}

Status JsonParser::Number(JsonNode* node) {
  const char* start = p_;
  if (p_ < end_ && *p_ == '-') ++p_;
  if (p_ >= end_ || !(*p_ >= '0' && *p_ <= '9')) return Error("bad number");
  if (*p_ == '0') {
    ++p_;
  } else {
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
  }
  bool integer = true;
  if (p_ < end_ && *p_ == '.') {
    integer = false;
    ++p_;
    if (p_ >= end_ || !(*p_ >= '0' && *p_ <= '9')) return Error("bad number");
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
  }
  if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
    integer = false;
    ++p_;
    if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
    if (p_ >= end_ || !(*p_ >= '0' && *p_ <= '9')) return Error("bad number");
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
  }
  if (integer) {
    int64_t v;
    auto [ptr, ec] = std::from_chars(start, p_, v);
    if (ec == std::errc() && ptr == p_) {
      node->kind_ = JsonNode::Kind::kInt;
      node->int_ = v;
      return Status::OK();
    }
  }
  // A fraction, an exponent, or an integer beyond int64: a double, as strtod reads it.
  std::string text(start, static_cast<size_t>(p_ - start));
  node->kind_ = JsonNode::Kind::kFloat;
  node->float_ = std::strtod(text.c_str(), nullptr);
  return Status::OK();
}

void JsonParser::Close(JsonNode* node) {
  const Frame f = frames_.back();
  frames_.pop_back();
  const size_t n = values_.size() - f.first_value;
  node->kind_ = f.object ? JsonNode::Kind::kObject : JsonNode::Kind::kArray;
  node->n_ = static_cast<uint32_t>(n);
  JsonNode* items = doc_->Allocate<JsonNode>(n);
  for (size_t i = 0; i < n; ++i) items[i] = values_[f.first_value + i];
  node->items_ = items;
  if (f.object) {
    std::string_view* keys = doc_->Allocate<std::string_view>(n);
    for (size_t i = 0; i < n; ++i) keys[i] = keys_[f.first_key + i];
    node->keys_ = keys;
    keys_.resize(f.first_key);
  }
  values_.resize(f.first_value);
  node->src_ = f.start;
  node->src_len_ = static_cast<uint32_t>(p_ - f.start);
}

Result<const JsonNode*> JsonParser::Run() {
  if (end_ - begin_ > std::numeric_limits<uint32_t>::max()) return Error("document too large");
  for (;;) {
    SkipSpace();
    if (!frames_.empty() && frames_.back().object) {  // a member: "key": value
      if (p_ >= end_ || *p_ != '"') return Error("expected a member name");
      std::string_view key;
      OMEN_RETURN_IF_ERROR(String(&key));
      SkipSpace();
      if (p_ >= end_ || *p_ != ':') return Error("expected ':'");
      ++p_;
      keys_.push_back(key);
      SkipSpace();
    }
    if (p_ >= end_) return Error("unexpected end");
    JsonNode v;
    const char* start = p_;
    bool done = true;  // v is complete (not a container left open)
    switch (*p_) {
      case '{':
      case '[': {
        const bool object = *p_ == '{';
        frames_.push_back({object, values_.size(), keys_.size(), p_});
        ++p_;
        SkipSpace();
        if (p_ < end_ && *p_ == (object ? '}' : ']')) {
          ++p_;
          Close(&v);
        } else {
          done = false;
        }
        break;
      }
      case '"': {
        std::string_view s;
        OMEN_RETURN_IF_ERROR(String(&s));
        v.kind_ = JsonNode::Kind::kString;
        v.str_ = s.data();
        v.n_ = static_cast<uint32_t>(s.size());
        break;
      }
      case 't':
        if (!Literal("true")) return Error("bad literal");
        v.kind_ = JsonNode::Kind::kTrue;
        break;
      case 'f':
        if (!Literal("false")) return Error("bad literal");
        v.kind_ = JsonNode::Kind::kFalse;
        break;
      case 'n':
        if (!Literal("null")) return Error("bad literal");
        break;
      default:
        OMEN_RETURN_IF_ERROR(Number(&v));
        break;
    }
    if (!done) continue;  // the container's first element or member comes next
    if (v.kind_ != JsonNode::Kind::kArray && v.kind_ != JsonNode::Kind::kObject) {
      v.src_ = start;
      v.src_len_ = static_cast<uint32_t>(p_ - start);
    }
    // After a value: a separator, or the end of one or more containers.
    for (;;) {
      if (frames_.empty()) {
        SkipSpace();
        if (p_ != end_) return Error("text after the document");
        JsonNode* root = doc_->Allocate<JsonNode>(1);
        *root = v;
        return root;
      }
      values_.push_back(v);
      SkipSpace();
      if (p_ >= end_) return Error("unexpected end");
      if (*p_ == ',') {
        ++p_;
        break;
      }
      if (*p_ != (frames_.back().object ? '}' : ']')) return Error("expected ',' or a close");
      ++p_;
      v = JsonNode();
      Close(&v);
    }
  }
}

Result<std::unique_ptr<JsonDocument>> JsonDocument::Parse(std::string_view text) {
  std::unique_ptr<JsonDocument> doc(new JsonDocument());
  doc->source_ = std::string(text);
  JsonParser parser(doc.get(), doc->source_);
  OMEN_ASSIGN_OR_RETURN(doc->root_, parser.Run());
  return doc;
}

}  // namespace omen::sql
