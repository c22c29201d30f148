// Copyright 2026 The OmenDB Authors.
//
// TimeZone: a zone of the IANA database, read from the system's TZif files
// (/usr/share/zoneinfo, RFC 8536: the 64-bit transition table, then the POSIX
// TZ rule of its footer for the instants after the last transition), or a
// fixed offset ("UTC", "+02:00", "UTC-3"). It answers one question: the UTC
// offset in force at an instant, which is what printing a timestamptz in the
// session's TimeZone needs. Loaded zones are cached for the process and
// immutable; thread-safe.

#ifndef OMENDB_COMMON_TIMEZONE_H_
#define OMENDB_COMMON_TIMEZONE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "omendb/status.h"

namespace omen {

class TimeZone {
 public:
  // A zone by name: an IANA name ("America/New_York", "Europe/Berlin", "UTC"), or a fixed
  // offset as PostgreSQL's TimeZone accepts it ("+02:00", "-0530", "UTC+3" in ISO sense).
  // InvalidArgument (22023) for a name that is neither. Cached: later loads are cheap.
  static Result<std::shared_ptr<const TimeZone>> Load(std::string_view name);
  // UTC itself (offset 0 at every instant).
  static std::shared_ptr<const TimeZone> Utc();
  // Parses TZif bytes (for tests and Load).
  static Result<std::shared_ptr<const TimeZone>> FromTzif(std::string name, std::string_view bytes);
  // A POSIX TZ rule such as "EST5EDT,M3.2.0,M11.1.0" (for tests and TZif footers).
  static Result<std::shared_ptr<const TimeZone>> FromPosixRule(std::string name,
                                                               std::string_view rule);

  // Seconds east of UTC in force at the instant `micros` (since the Unix epoch, UTC).
  int32_t OffsetAt(int64_t micros) const;
  // The instant (microseconds since the epoch, UTC) at which the wall clock of this zone reads
  // `local_micros` (a local date and time counted as if it were UTC). A local time that a
  // transition skips (spring forward) takes the offset in force before the transition; one that
  // occurs twice (fall back) takes the offset after it: PostgreSQL's rule, so that
  // '2024-03-10 02:30' in America/New_York is 03:30 EDT and '2024-11-03 01:30' is 01:30 EST.
  int64_t LocalToUtc(int64_t local_micros) const;
  bool is_utc() const { return utc_; }
  const std::string& name() const { return name_; }

  // A POSIX rule: standard offset, and optionally a DST offset with the local times it starts
  // and ends ("Mm.w.d/time"). Public for the parser; treat as internal.
  struct Rule {
    int32_t std_offset = 0;  // seconds east of UTC
    bool has_dst = false;
    int32_t dst_offset = 0;
    struct When {
      int month = 0, week = 0, weekday = 0;  // Mm.w.d
      int julian = -1;                       // Jn (1..365, no Feb 29) or n (0..365); -1: M form
      bool zero_based = false;               // the n form
      int32_t time = 7200;                   // seconds after local midnight (may be < 0 or > 24 h)
    } start, end;
  };

 private:
  TimeZone() = default;
  int32_t RuleOffset(int64_t seconds) const;

  std::string name_;
  bool utc_ = false;
  std::vector<int64_t> transitions_;  // seconds, ascending
  std::vector<int32_t> offsets_;      // offset from transitions_[i] on
  int32_t first_offset_ = 0;          // before the first transition
  bool has_rule_ = false;             // after the last transition: rule_
  Rule rule_;
};

}  // namespace omen

#endif  // OMENDB_COMMON_TIMEZONE_H_
