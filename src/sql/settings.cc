// Copyright 2026 The OmenDB Authors.

#include "sql/settings.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "common/strings.h"
#include "common/timezone.h"

namespace omen::sql {
namespace {

// SET TimeZone's value: a plain number is hours east of UTC ('+02', '-5', '5.5'), as PostgreSQL
// reads it; anything else is a zone name or POSIX rule ('+02:00' and 'UTC+3' count west).
Result<std::shared_ptr<const TimeZone>> LoadSessionZone(const std::string& v) {
  size_t p = v[0] == '+' || v[0] == '-' ? 1 : 0;
  const size_t digits = p;
  while (p < v.size() && std::isdigit(static_cast<unsigned char>(v[p]))) ++p;
  bool number = p > digits;
  if (number && p < v.size() && v[p] == '.') {
    ++p;
    while (p < v.size() && std::isdigit(static_cast<unsigned char>(v[p]))) ++p;
  }
  number = number && p == v.size();
  if (!number) return TimeZone::Load(v);
  const double hours = std::strtod(v.c_str(), nullptr);
  if (!(std::fabs(hours) <= 15)) return TimeZone::Load(v);  // PostgreSQL's range: 15 hours
  const long east = std::lround(hours * 3600);
  const long west = -east, a = west < 0 ? -west : west;
  char rule[48];
  std::snprintf(rule, sizeof rule, "<Z>%s%ld:%02ld:%02ld", west < 0 ? "-" : "", a / 3600,
                a / 60 % 60, a % 60);
  return TimeZone::FromPosixRule(v, rule);
}

struct Known {
  const char* name;  // canonical spelling
  const char* value;
  bool read_only;
};

// Settings OmenDB knows, with PostgreSQL 15's defaults (UTC, UTF8, ISO dates).
const Known kKnown[] = {
    {"application_name", "", false},
    {"block_size", "8192", true},
    {"bytea_output", "hex", false},
    {"client_encoding", "UTF8", false},
    {"client_min_messages", "notice", false},
    {"DateStyle", "ISO, MDY", false},
    {"default_transaction_isolation", "read committed", false},
    {"default_transaction_read_only", "off", false},
    {"extra_float_digits", "1", false},
    {"idle_in_transaction_session_timeout", "0", false},
    {"in_hot_standby", "off", true},
    {"integer_datetimes", "on", true},
    {"IntervalStyle", "postgres", false},
    {"is_superuser", "on", true},
    {"jit", "off", false},
    {"lc_collate", "C", true},
    {"lc_ctype", "C", true},
    {"lc_messages", "C", false},
    {"lc_monetary", "C", false},
    {"lc_numeric", "C", false},
    {"lc_time", "C", false},
    {"lock_timeout", "0", false},
    {"max_function_args", "100", true},
    {"max_identifier_length", "63", true},
    {"max_index_keys", "32", true},
    {"search_path", "\"$user\", public", false},
    {"server_encoding", "UTF8", true},
    {"server_version", kServerVersion, true},
    {"server_version_num", kServerVersionNum, true},
    {"session_authorization", "omendb", false},
    {"standard_conforming_strings", "on", false},
    {"statement_timeout", "0", false},
    {"synchronous_commit", "on", false},
    {"TimeZone", "UTC", false},
    {"transaction_isolation", "read committed", false},
    {"transaction_read_only", "off", false},
    {"work_mem", "4MB", false},
};

const Known* Find(const std::string& key) {
  for (const Known& k : kKnown) {
    if (AsciiLower(k.name) == key) return &k;
  }
  return nullptr;
}

Status BadValue(const std::string& name, std::string_view value) {
  return Status::InvalidArgument("invalid value for parameter \"" + name + "\": \"" +
                                 std::string(value) + "\"")
      .WithSqlState("22023");
}

// A duration in milliseconds: "5000", "5s", "250ms", "2min", "1h", "1d" (default unit ms).
bool ParseMillis(std::string_view v, int64_t* out) {
  std::string s = AsciiLower(v);
  while (!s.empty() && s.back() == ' ') s.pop_back();
  size_t i = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  if (i == 0 || i > 15) return false;
  int64_t n = std::strtoll(s.substr(0, i).c_str(), nullptr, 10);
  std::string unit = s.substr(i);
  while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  int64_t mult = 0;
  if (unit.empty() || unit == "ms") mult = 1;
  if (unit == "s") mult = 1000;
  if (unit == "min") mult = 60000;
  if (unit == "h") mult = 3600000;
  if (unit == "d") mult = 86400000;
  if (mult == 0) return false;
  *out = n * mult;
  return true;
}

}  // namespace

SessionSettings::SessionSettings() {
  for (const Known& k : kKnown) values_[AsciiLower(k.name)] = k.value;
  defaults_ = values_;
}

std::string SessionSettings::Canonical(std::string_view name) {
  const std::string key = AsciiLower(name);
  const Known* k = Find(key);
  return k != nullptr ? k->name : key;
}

const std::vector<std::string>& SessionSettings::Reported() {
  static const std::vector<std::string> kReported = {"application_name",
                                                     "client_encoding",
                                                     "DateStyle",
                                                     "default_transaction_read_only",
                                                     "in_hot_standby",
                                                     "integer_datetimes",
                                                     "IntervalStyle",
                                                     "is_superuser",
                                                     "server_encoding",
                                                     "server_version",
                                                     "session_authorization",
                                                     "standard_conforming_strings",
                                                     "TimeZone"};
  return kReported;
}

Result<std::string> SessionSettings::Get(std::string_view name) const {
  const std::string key = AsciiLower(name);
  auto it = values_.find(key);
  if (it == values_.end()) {
    return Status::NotFound("unrecognized configuration parameter \"" + std::string(name) + "\"")
        .WithSqlState("42704");
  }
  return it->second;
}

Status SessionSettings::Apply(const std::string& key, std::string_view value, bool startup) {
  const Known* k = Find(key);
  if (k == nullptr) {
    if (key.find('.') != std::string::npos || key == "transaction") {
      values_[key] = std::string(value);  // custom option (or SET TRANSACTION): kept as text
      return Status::OK();
    }
    return Status::NotFound("unrecognized configuration parameter \"" + key + "\"")
        .WithSqlState("42704");
  }
  const std::string name = k->name;
  if (k->read_only && !startup) {
    return Status::InvalidArgument("parameter \"" + name + "\" cannot be changed")
        .WithSqlState("55P02");
  }
  std::string v(value);
  const std::string lower = AsciiLower(v);
  if (key == "client_encoding") {
    if (lower != "utf8" && lower != "utf-8" && lower != "unicode") {
      return Status::NotSupported("OmenDB speaks only UTF8, not client_encoding \"" + v + "\"")
          .WithSqlState("22023");
    }
    v = "UTF8";
  } else if (key == "datestyle") {
    // Output is always ISO; the field order only matters for parsing ambiguous input.
    if (lower.find("iso") == std::string::npos) {
      return Status::NotSupported("OmenDB supports only DateStyle ISO, not \"" + v + "\"")
          .WithSqlState("22023");
    }
    v = lower.find("dmy") != std::string::npos   ? "ISO, DMY"
        : lower.find("ymd") != std::string::npos ? "ISO, YMD"
                                                 : "ISO, MDY";
  } else if (key == "intervalstyle") {
    if (lower != "postgres") {
      return Status::NotSupported("OmenDB supports only IntervalStyle postgres")
          .WithSqlState("22023");
    }
    v = lower;
  } else if (key == "standard_conforming_strings") {
    if (lower != "on" && lower != "true" && lower != "1") {
      return Status::NotSupported("standard_conforming_strings must stay on").WithSqlState("22023");
    }
    v = "on";
  } else if (key == "extra_float_digits") {
    char* end = nullptr;
    const long n = std::strtol(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || n < -15 || n > 3) return BadValue(name, value);
    extra_float_digits_ = static_cast<int>(n);
    v = std::to_string(n);
  } else if (key == "statement_timeout") {
    int64_t ms = 0;
    if (!ParseMillis(v, &ms)) return BadValue(name, value);
    statement_timeout_ms_ = ms;
  } else if (key == "timezone") {
    if (v.empty()) return BadValue(name, value);
    auto zone = LoadSessionZone(v);
    if (!zone.ok() && !startup) return zone.status();
    zone_ = zone.ok() ? *zone : TimeZone::Utc();  // a driver's odd zone must not refuse login
  }
  values_[key] = v;
  return Status::OK();
}

Status SessionSettings::Set(std::string_view name, std::string_view value) {
  return Apply(AsciiLower(name), value, false);
}

Status SessionSettings::SetStartup(std::string_view name, std::string_view value) {
  const std::string key = AsciiLower(name);
  if (Find(key) == nullptr && key.find('.') == std::string::npos) return Status::OK();
  OMEN_RETURN_IF_ERROR(Apply(key, value, true));
  defaults_[key] = values_[key];
  return Status::OK();
}

Status SessionSettings::Reset(std::string_view name) {
  const std::string key = AsciiLower(name);
  auto it = defaults_.find(key);
  if (it == defaults_.end()) {
    if (values_.erase(key) > 0) return Status::OK();  // a custom option
    return Status::NotFound("unrecognized configuration parameter \"" + std::string(name) + "\"")
        .WithSqlState("42704");
  }
  const Known* k = Find(key);
  if (k != nullptr && k->read_only) {
    return Status::InvalidArgument("parameter \"" + std::string(k->name) + "\" cannot be changed")
        .WithSqlState("55P02");
  }
  return Apply(key, it->second, true);
}

void SessionSettings::ResetAll() {
  for (const auto& [key, value] : defaults_) (void)Apply(key, value, true);
}

std::vector<std::pair<std::string, std::string>> SessionSettings::All() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [key, value] : values_) out.emplace_back(Canonical(key), value);
  return out;
}

}  // namespace omen::sql
