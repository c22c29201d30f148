// Copyright 2026 The OmenDB Authors.

#include "omendb/status.h"

namespace omen {
namespace {

struct CodeInfo {
  const char* name;
  const char* sqlstate;
};

// One table from code to name and PostgreSQL SQLSTATE.
CodeInfo Info(Status::Code code) {
  switch (code) {
    case Status::Code::kOk:
      return {"OK", "00000"};
    case Status::Code::kNotFound:
      return {"Not found", "42P01"};
    case Status::Code::kAlreadyExists:
      return {"Already exists", "42P07"};
    case Status::Code::kInvalidArgument:
      return {"Invalid argument", "22023"};
    case Status::Code::kCorruption:
      return {"Corruption", "XX001"};
    case Status::Code::kIOError:
      return {"IO error", "58030"};
    case Status::Code::kDiskFull:
      return {"Disk full", "53100"};
    case Status::Code::kNotSupported:
      return {"Not supported", "0A000"};
    case Status::Code::kResourceExhausted:
      return {"Resource exhausted", "53200"};
    case Status::Code::kAborted:
      return {"Aborted", "57014"};
    case Status::Code::kInternal:
      return {"Internal error", "XX000"};
    case Status::Code::kSyntaxError:
      return {"Syntax error", "42601"};
    case Status::Code::kUndefinedColumn:
      return {"Undefined column", "42703"};
    case Status::Code::kDatatypeMismatch:
      return {"Datatype mismatch", "42804"};
  }
  return {"Unknown", "XX000"};
}

}  // namespace

std::string Status::ToString() const {
  if (ok()) {
    return "OK";
  }
  std::string out = Info(state_->code).name;
  out += ": ";
  out += state_->message;
  return out;
}

const char* Status::SqlState() const {
  if (state_ != nullptr && state_->sqlstate.size() == 5) return state_->sqlstate.c_str();
  return Info(code()).sqlstate;
}

Status Status::WithSqlState(std::string_view sqlstate) const {
  Status s = *this;
  if (s.state_ != nullptr) s.state_->sqlstate = std::string(sqlstate);
  return s;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) {
    return Status();
  }
  std::string msg(context);
  msg += ": ";
  msg += state_->message;
  Status s(state_->code, msg);
  s.state_->position = state_->position;
  return s;
}

}  // namespace omen
