// Copyright 2026 The OmenDB Authors.
//
// Status and Result<T>: how every fallible OmenDB operation reports failure.
// A Status is either OK (no allocation) or carries a Code and a message. Codes
// map to PostgreSQL SQLSTATEs in one table (Status::SqlState). Result<T> holds
// a T or a non-OK Status. Both are cheap to move and safe to copy; neither is
// thread-safe for concurrent mutation of one object.

#ifndef OMENDB_STATUS_H_
#define OMENDB_STATUS_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace omen {

class [[nodiscard]] Status {
 public:
  enum class Code : unsigned char {
    kOk = 0,
    kNotFound,
    kAlreadyExists,
    kInvalidArgument,
    kCorruption,
    kIOError,
    kDiskFull,
    kNotSupported,
    kResourceExhausted,
    kAborted,
    kInternal,
    kSyntaxError,
    kUndefinedColumn,
    kDatatypeMismatch,
  };

  Status() noexcept = default;
  Status(const Status& other) { *this = other; }
  Status& operator=(const Status& other) {
    if (this != &other) {
      state_ = other.state_ == nullptr ? nullptr : std::make_unique<State>(*other.state_);
    }
    return *this;
  }
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  static Status OK() { return Status(); }
  static Status NotFound(std::string_view msg) { return Status(Code::kNotFound, msg); }
  static Status AlreadyExists(std::string_view msg) { return Status(Code::kAlreadyExists, msg); }
  static Status InvalidArgument(std::string_view msg) {
    return Status(Code::kInvalidArgument, msg);
  }
  static Status Corruption(std::string_view msg) { return Status(Code::kCorruption, msg); }
  static Status IOError(std::string_view msg) { return Status(Code::kIOError, msg); }
  static Status DiskFull(std::string_view msg) { return Status(Code::kDiskFull, msg); }
  static Status NotSupported(std::string_view msg) { return Status(Code::kNotSupported, msg); }
  static Status ResourceExhausted(std::string_view msg) {
    return Status(Code::kResourceExhausted, msg);
  }
  static Status Aborted(std::string_view msg) { return Status(Code::kAborted, msg); }
  static Status Internal(std::string_view msg) { return Status(Code::kInternal, msg); }
  // SQL errors; `position` is the 1-based character offset in the statement text (0: none).
  static Status SyntaxError(std::string_view msg, int position = 0) {
    Status s(Code::kSyntaxError, msg);
    s.state_->position = position;
    return s;
  }
  static Status UndefinedColumn(std::string_view msg, int position = 0) {
    Status s(Code::kUndefinedColumn, msg);
    s.state_->position = position;
    return s;
  }
  static Status DatatypeMismatch(std::string_view msg, int position = 0) {
    Status s(Code::kDatatypeMismatch, msg);
    s.state_->position = position;
    return s;
  }

  bool ok() const { return state_ == nullptr; }
  Code code() const { return state_ == nullptr ? Code::kOk : state_->code; }
  bool IsNotFound() const { return code() == Code::kNotFound; }
  bool IsCorruption() const { return code() == Code::kCorruption; }
  bool IsDiskFull() const { return code() == Code::kDiskFull; }
  bool IsInvalidArgument() const { return code() == Code::kInvalidArgument; }
  bool IsAlreadyExists() const { return code() == Code::kAlreadyExists; }
  bool IsSyntaxError() const { return code() == Code::kSyntaxError; }
  bool IsNotSupported() const { return code() == Code::kNotSupported; }
  // 1-based character position in the SQL text the error refers to (0: none).
  int position() const { return state_ == nullptr ? 0 : state_->position; }

  // The message without the code name ("" when OK).
  std::string_view message() const {
    return state_ == nullptr ? std::string_view() : std::string_view(state_->message);
  }
  // "OK" or "<Code name>: <message>".
  std::string ToString() const;
  // The five-character PostgreSQL SQLSTATE for this code ("00000" when OK).
  const char* SqlState() const;
  // Returns a copy with "context: " prepended to the message (OK stays OK).
  Status WithContext(std::string_view context) const;
  // Returns a copy whose SqlState() is `sqlstate` (five characters; a finer PostgreSQL code
  // than the Code's own, e.g. 22012 division_by_zero for kInvalidArgument).
  Status WithSqlState(std::string_view sqlstate) const;

 private:
  struct State {
    Code code;
    std::string message;
    int position = 0;
    std::string sqlstate;  // overrides the code's SQLSTATE when not empty
  };
  Status(Code code, std::string_view msg)
      : state_(std::make_unique<State>(State{code, std::string(msg), 0, {}})) {}

  std::unique_ptr<State> state_;
};

// A value or an error. REQUIRES for value access: ok().
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    if (status_.ok()) {
      status_ = Status::Internal("Result constructed from an OK status without a value");
    }
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace omen

#define OMEN_CONCAT_INNER_(a, b) a##b
#define OMEN_CONCAT_(a, b) OMEN_CONCAT_INNER_(a, b)

// Returns from the enclosing function when `expr` (a Status) is not OK.
#define OMEN_RETURN_IF_ERROR(expr)        \
  do {                                    \
    ::omen::Status omen_status_ = (expr); \
    if (!omen_status_.ok()) {             \
      return omen_status_;                \
    }                                     \
  } while (0)

// `OMEN_ASSIGN_OR_RETURN(auto x, Fn())`: declares x from a Result or returns its error.
#define OMEN_ASSIGN_OR_RETURN(lhs, expr) \
  OMEN_ASSIGN_OR_RETURN_IMPL_(OMEN_CONCAT_(omen_result_, __LINE__), lhs, expr)
#define OMEN_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) {                                  \
    return tmp.status();                            \
  }                                                 \
  lhs = std::move(tmp).value()

#endif  // OMENDB_STATUS_H_
