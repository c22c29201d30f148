// Copyright 2026 The OmenDB Authors.
//
// PgJson: a read-only JSON document for libpg_query's parse trees, built for the cost of a
// statement's front end. One parse allocates a few arena blocks, not a node per value; keys and
// strings without escapes are views into the source text; a member lookup is a short linear
// scan (parse-tree objects hold a handful of members). The interface is the small part of
// nlohmann::json the SQL transformer uses, with value(key, default) falling back to the default
// for an absent member or one of another kind.
//
// Strings must be valid UTF-8 (as nlohmann requires): libpg_query copies identifier and string
// bytes through unchanged, so invalid input bytes surface here as a parse error.
//
// A JsonNode lives as long as its JsonDocument; neither is thread-safe to build, both are safe
// to read from many threads.

#ifndef OMENDB_SQL_PG_JSON_H_
#define OMENDB_SQL_PG_JSON_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "omendb/status.h"

namespace omen::sql {

class JsonNode {
 public:
  enum class Kind : uint8_t { kNull, kFalse, kTrue, kInt, kFloat, kString, kArray, kObject };

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_boolean() const { return kind_ == Kind::kFalse || kind_ == Kind::kTrue; }
  bool is_number_integer() const { return kind_ == Kind::kInt; }
  bool is_number() const { return kind_ == Kind::kInt || kind_ == Kind::kFloat; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_array() const { return kind_ == Kind::kArray; }
  bool is_object() const { return kind_ == Kind::kObject; }

  // Elements of an array or members of an object (0 for anything else).
  size_t size() const { return is_array() || is_object() ? n_ : 0; }
  bool empty() const { return size() == 0; }
  // Arrays: the elements; objects: the member values, in document order.
  const JsonNode* begin() const { return items_; }
  const JsonNode* end() const { return items_ + size(); }
  // REQUIRES: i < size().
  const JsonNode& operator[](size_t i) const { return items_[i]; }
  const JsonNode& back() const { return items_[size() - 1]; }
  // REQUIRES: is_object() and i < size().
  std::string_view key(size_t i) const { return keys_[i]; }

  // Objects: the value of member `key`, or end() when absent (or not an object).
  const JsonNode* find(std::string_view key) const;
  bool contains(std::string_view key) const { return find(key) != end(); }
  // The member's value, or a null node when absent.
  const JsonNode& operator[](std::string_view key) const;

  // The member's value as the default's type; the default when absent or of another kind.
  std::string value(std::string_view key, const std::string& def) const;
  std::string value(std::string_view key, const char* def) const {
    return value(key, std::string(def));
  }
  int64_t value(std::string_view key, int64_t def) const;
  int value(std::string_view key, int def) const;
  bool value(std::string_view key, bool def) const;
  const JsonNode& value(std::string_view key, const JsonNode& def) const;

  // Scalars: the integer (kInt; 0 otherwise), the number, the boolean, the string.
  int64_t get_int() const { return kind_ == Kind::kInt ? int_ : 0; }
  double get_double() const;
  bool get_bool() const { return kind_ == Kind::kTrue; }
  std::string_view get_string() const {
    return kind_ == Kind::kString ? std::string_view(str_, n_) : std::string_view();
  }
  // The node's text as it stands in the source document.
  std::string dump() const { return std::string(src_, src_len_); }

  // Shared empty containers and null, for defaults.
  static const JsonNode& array();
  static const JsonNode& object();
  static const JsonNode& null();

 private:
  friend class JsonDocument;
  friend class JsonParser;

  Kind kind_ = Kind::kNull;
  uint32_t n_ = 0;                          // elements, members or string bytes
  uint32_t src_len_ = 0;                    // source text of the node (dump)
  const char* src_ = "";                    // source text of the node (dump)
  const JsonNode* items_ = nullptr;         // arrays and objects
  const std::string_view* keys_ = nullptr;  // objects
  union {
    int64_t int_ = 0;
    double float_;
    const char* str_;
  };
};

// A parsed document: owns the nodes and the strings that needed unescaping.
class JsonDocument {
 public:
  // InvalidArgument for text that is not one JSON value (or whose strings are not UTF-8).
  static Result<std::unique_ptr<JsonDocument>> Parse(std::string_view text);

  const JsonNode& root() const { return *root_; }

  // For the parser: memory for n items that lives as long as the document.
  template <typename T>
  T* Allocate(size_t n);

 private:
  JsonDocument() = default;
  std::string source_;  // the text the nodes' views point into
  std::vector<std::unique_ptr<std::byte[]>> blocks_;
  std::byte* cur_ = nullptr;
  size_t left_ = 0;
  const JsonNode* root_ = nullptr;
};

}  // namespace omen::sql

#endif  // OMENDB_SQL_PG_JSON_H_
