// Copyright 2026 The OmenDB Authors.
//
// SessionSettings: the run-time parameters of one session (PostgreSQL's GUCs) that clients
// read and write with SET/SHOW/RESET, current_setting() and the startup packet: the ones drivers
// send or ask for (DateStyle, TimeZone, client_encoding, extra_float_digits, search_path,
// statement_timeout, application_name, ...) and the read-only ones (server_version, ...).
// Values are validated where OmenDB acts on them; others are kept as given. Not thread-safe:
// one per session.

#ifndef OMENDB_SQL_SETTINGS_H_
#define OMENDB_SQL_SETTINGS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/timezone.h"
#include "omendb/status.h"

namespace omen::sql {

// The PostgreSQL version OmenDB's wire protocol and catalog behave as.
inline constexpr char kServerVersion[] = "15.0";
inline constexpr char kServerVersionNum[] = "150000";

class SessionSettings {
 public:
  SessionSettings();

  // The current value; 42704 for an unknown name. Names are case-insensitive.
  Result<std::string> Get(std::string_view name) const;
  // SET: 22023 for a bad value, 55P02/42704 for read-only/unknown names. Names with a dot
  // (custom "ext.option" settings) are accepted as PostgreSQL does.
  Status Set(std::string_view name, std::string_view value);
  // Back to the session default (the startup value, else the built-in one).
  Status Reset(std::string_view name);
  void ResetAll();
  // Startup packet parameters: like Set, but they also become the session defaults; unknown
  // names are ignored (PostgreSQL rejects them; drivers send harmless extras such as
  // "replication" checks or "options", which we accept quietly).
  Status SetStartup(std::string_view name, std::string_view value);

  // (name, value) of every setting in name order, names in their canonical spelling.
  std::vector<std::pair<std::string, std::string>> All() const;
  // The settings a server reports with ParameterStatus at startup and when they change.
  static const std::vector<std::string>& Reported();
  // Canonical spelling of a known name ("datestyle" -> "DateStyle"), else the name lower-cased.
  static std::string Canonical(std::string_view name);

  // statement_timeout in milliseconds (0: none).
  int64_t statement_timeout_ms() const { return statement_timeout_ms_; }
  int extra_float_digits() const { return extra_float_digits_; }
  // The TimeZone timestamptz values print in (UTC when the name could not be loaded at
  // startup; SET refuses such names with 22023).
  const std::shared_ptr<const TimeZone>& time_zone() const { return zone_; }

 private:
  Status Apply(const std::string& key, std::string_view value, bool startup);

  std::map<std::string, std::string> values_;    // by lower-case name
  std::map<std::string, std::string> defaults_;  // by lower-case name
  int64_t statement_timeout_ms_ = 0;
  int extra_float_digits_ = 1;
  std::shared_ptr<const TimeZone> zone_ = TimeZone::Utc();
};

}  // namespace omen::sql

#endif  // OMENDB_SQL_SETTINGS_H_
