// Copyright 2026 The OmenDB Authors.
//
// PostgreSQL-compatible text forms of dates and timestamps (DateStyle ISO):
// parsing what PostgreSQL accepts for the common ISO 8601 shapes, and printing
// what PostgreSQL prints. Timestamps are int64 microseconds since
// 1970-01-01 00:00:00 UTC; dates are int32 days since 1970-01-01. Pure
// functions; thread-safe.

#ifndef OMENDB_COMMON_DATETIME_H_
#define OMENDB_COMMON_DATETIME_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "omendb/status.h"

namespace omen {

class TimeZone;

// The wall clock: microseconds since the Unix epoch (UTC).
int64_t NowMicros();

// a / b rounded toward negative infinity. REQUIRES: b != 0.
int64_t FloorDiv(int64_t a, int64_t b);
// The time of day of a count of microseconds (from midnight, or a timestamp's from the epoch),
// wrapped into [0, 24h).
inline int64_t TimeOfDay(int64_t micros) {
  constexpr int64_t kDay = int64_t{86400} * 1000000;
  return micros - FloorDiv(micros, kDay) * kDay;
}

// Days since 1970-01-01 of a proleptic Gregorian civil date, and back (H. Hinnant's algorithms).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);
// Days in month m (1..12) of proleptic Gregorian year y (astronomical: 0 is 1 BC).
unsigned DaysInMonth(int64_t y, unsigned m);
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d);

// Parses 'YYYY-MM-DD', 'YYYY-MM-DD HH:MM[:SS[.ffffff]]' (a 'T' may replace the space) with an
// optional zone: 'Z', 'UTC', '+HH', '+HHMM', '+HH:MM' (or '-'), or a zone name
// ('America/New_York', 'EST5EDT'). Without a zone the time is local time in `zone` (null: UTC),
// the session's TimeZone as PostgreSQL uses it. `with_zone` false (TIMESTAMP): a zone is checked
// and ignored, as PostgreSQL does. Also 'epoch'. InvalidArgument (PostgreSQL: 22007
// invalid_datetime_format) for anything else.
Result<int64_t> ParseTimestamp(std::string_view text, bool with_zone = true,
                               const TimeZone* zone = nullptr);
// 'YYYY-MM-DD' (or a timestamp, truncated to its day).
Result<int32_t> ParseDate(std::string_view text);
// TIME input: 'HH:MM[:SS[.ffffff]]' with an optional zone (ignored, as PostgreSQL ignores it),
// a timestamp (its time of day), or 'allballs'. Microseconds since midnight, 0 to 24:00:00.
Result<int64_t> ParseTime(std::string_view text);

// "2024-01-31 13:45:00.25+00" (timestamptz, UTC) or "2024-01-31 13:45:00.25" (timestamp);
// fractional seconds only when non-zero, trailing zeros trimmed; " BC" before year 1.
std::string FormatTimestamp(int64_t micros, bool with_zone);
// FormatTimestamp appended to *out (no allocation of its own: the wire protocol's hot path).
void AppendTimestamp(int64_t micros, bool with_zone, std::string* out);
// A timestamptz as PostgreSQL prints it in a zone `offset_seconds` east of UTC: the local time,
// then "+HH", "+HH:MM" or "+HH:MM:SS" ("2023-12-31 19:00:00-05").
void AppendTimestampAt(int64_t micros, int32_t offset_seconds, std::string* out);
std::string FormatDate(int32_t days);
// "13:45:00" or "13:45:00.25" (fractional seconds only when non-zero, trailing zeros trimmed).
std::string FormatTime(int64_t micros);

}  // namespace omen

#endif  // OMENDB_COMMON_DATETIME_H_
