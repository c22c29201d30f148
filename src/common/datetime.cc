// Copyright 2026 The OmenDB Authors.

#include "common/datetime.h"

#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>

#include "common/timezone.h"

namespace omen {

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
namespace {
bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
}  // namespace

unsigned DaysInMonth(int64_t y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;

// A cursor over the text with digit readers.
struct Cursor {
  std::string_view s;
  size_t p = 0;
  bool Done() const { return p >= s.size(); }
  char Peek() const { return Done() ? '\0' : s[p]; }
  bool Eat(char c) {
    if (Peek() != c) return false;
    ++p;
    return true;
  }
  // Exactly min..max digits.
  bool Digits(size_t min, size_t max, int64_t* v, size_t* count = nullptr) {
    size_t n = 0;
    int64_t x = 0;
    while (n < max && !Done() && std::isdigit(static_cast<unsigned char>(s[p]))) {
      x = x * 10 + (s[p] - '0');
      ++p;
      ++n;
    }
    if (count != nullptr) *count = n;
    *v = x;
    return n >= min;
  }
  void SkipSpaces() {
    while (!Done() && std::isspace(static_cast<unsigned char>(s[p]))) ++p;
  }
};

Status Bad(std::string_view text, const char* type) {
  return Status::InvalidArgument("invalid input syntax for type " + std::string(type) + ": \"" +
                                 std::string(text) + "\"");
}

// PostgreSQL's 22008 datetime_field_overflow: well-formed, but no such date or time.
Status FieldOutOfRange(std::string_view text) {
  return Status::InvalidArgument("date/time field value out of range: \"" + std::string(text) +
                                 "\"")
      .WithSqlState("22008");
}

std::string_view Trim(std::string_view t) {
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front()))) t.remove_prefix(1);
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.remove_suffix(1);
  return t;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

Result<int64_t> ParseTimestamp(std::string_view text, bool with_zone, const TimeZone* zone) {
  const char* type = with_zone ? "timestamp with time zone" : "timestamp without time zone";
  std::string_view t = Trim(text);
  if (EqualsIgnoreCase(t, "epoch")) return int64_t{0};
  Cursor c{t};
  int64_t y, mo, d, h = 0, mi = 0, sec = 0, frac = 0;
  if (!c.Digits(4, 6, &y) || !c.Eat('-') || !c.Digits(1, 2, &mo) || !c.Eat('-') ||
      !c.Digits(1, 2, &d)) {
    return Bad(text, type);
  }
  if (mo < 1 || mo > 12 || d < 1 || d > DaysInMonth(y, static_cast<unsigned>(mo))) {
    return FieldOutOfRange(text);
  }
  if (c.Peek() == 'T' || c.Peek() == 't' || c.Peek() == ' ') {
    ++c.p;
    c.SkipSpaces();
    if (!c.Digits(1, 2, &h) || !c.Eat(':') || !c.Digits(2, 2, &mi)) return Bad(text, type);
    if (c.Eat(':')) {
      if (!c.Digits(2, 2, &sec)) return Bad(text, type);
      if (c.Eat('.')) {
        size_t n = 0;
        int64_t digits;
        if (!c.Digits(1, 6, &digits, &n)) return Bad(text, type);
        frac = digits;
        for (size_t k = n; k < 6; ++k) frac *= 10;
        // PostgreSQL rounds beyond microseconds; digits past the 6th round half up.
        int64_t extra;
        size_t m = 0;
        if (c.Digits(1, 32, &extra, &m) && m > 0) {
          const char first = c.s[c.p - m];
          if (first >= '5') ++frac;
        }
      }
    }
    if (h > 24 || mi > 59 || sec > 60 || (h == 24 && (mi > 0 || sec > 0 || frac > 0))) {
      return FieldOutOfRange(text);
    }
  }
  int64_t offset = 0;                     // seconds east of UTC
  std::shared_ptr<const TimeZone> named;  // a zone name in the text
  bool zoned = false;                     // the text gives its zone
  c.SkipSpaces();
  if (!c.Done()) {
    zoned = true;
    std::string_view rest = t.substr(c.p);
    if (EqualsIgnoreCase(rest, "z") || EqualsIgnoreCase(rest, "utc") ||
        EqualsIgnoreCase(rest, "gmt")) {
      c.p = t.size();
    } else if (std::isalpha(static_cast<unsigned char>(c.Peek()))) {
      auto z = TimeZone::Load(rest);
      if (!z.ok()) {
        return Status::InvalidArgument("time zone \"" + std::string(rest) + "\" not recognized");
      }
      named = *z;
      c.p = t.size();
    } else if (c.Peek() == '+' || c.Peek() == '-') {
      const int64_t sign = c.Peek() == '-' ? -1 : 1;
      ++c.p;
      int64_t oh, om = 0;
      size_t n = 0;
      if (!c.Digits(1, 4, &oh, &n)) return Bad(text, type);
      if (n > 2) {  // +HHMM
        om = oh % 100;
        oh /= 100;
      } else if (c.Eat(':') && !c.Digits(2, 2, &om)) {
        return Bad(text, type);
      }
      if (oh > 15 || om > 59) return Status::InvalidArgument("time zone displacement out of range");
      offset = sign * (oh * 3600 + om * 60);
    } else {
      return Bad(text, type);
    }
  }
  if (!c.Done()) return Bad(text, type);
  const int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  const int64_t local = days * kMicrosPerDay + ((h * 60 + mi) * 60 + sec) * kMicrosPerSecond + frac;
  if (!with_zone) return local;  // TIMESTAMP input ignores a zone, as PostgreSQL does
  if (named != nullptr) return named->LocalToUtc(local);
  if (!zoned && zone != nullptr) return zone->LocalToUtc(local);
  return local - offset * kMicrosPerSecond;
}

Result<int32_t> ParseDate(std::string_view text) {
  std::string_view t = Trim(text);
  auto ts = ParseTimestamp(t, false);
  if (!ts.ok()) {
    return std::string(ts.status().SqlState()) == "22008" ? ts.status() : Bad(text, "date");
  }
  return static_cast<int32_t>(FloorDiv(*ts, kMicrosPerDay));
}

Result<int64_t> ParseTime(std::string_view text) {
  const std::string_view t = Trim(text);
  if (EqualsIgnoreCase(t, "allballs")) return int64_t{0};
  // A date first: its time of day. Otherwise the clock reading on a fixed day.
  const bool dated = t.size() > 4 && std::isdigit(static_cast<unsigned char>(t[0])) &&
                     t.find('-') != std::string_view::npos && t.find('-') < t.find(':');
  constexpr std::string_view kDay = "2000-01-01 ";
  auto ts =
      !dated && t.find(':') == std::string_view::npos
          ? Result<int64_t>(Bad(text, "time"))
          : ParseTimestamp(dated ? std::string(t) : std::string(kDay) + std::string(t), false);
  if (!ts.ok()) {
    if (std::string(ts.status().SqlState()) == "22008") return FieldOutOfRange(text);
    return Status::InvalidArgument("invalid input syntax for type time: \"" + std::string(text) +
                                   "\"")
        .WithSqlState("22007");
  }
  if (dated) return TimeOfDay(*ts);
  return *ts - DaysFromCivil(2000, 1, 1) * kMicrosPerDay;  // 24:00:00 stays 24:00:00
}

std::string FormatTime(int64_t micros) {
  const int64_t secs = micros / kMicrosPerSecond, frac = micros % kMicrosPerSecond;
  char buf[32];
  int n =
      std::snprintf(buf, sizeof(buf), "%02lld:%02lld:%02lld", static_cast<long long>(secs / 3600),
                    static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  if (frac != 0) {
    char f[8];
    std::snprintf(f, sizeof(f), "%06lld", static_cast<long long>(frac));
    int len = 6;
    while (len > 0 && f[len - 1] == '0') --len;
    buf[n++] = '.';
    std::memcpy(buf + n, f, static_cast<size_t>(len));
    n += len;
  }
  return std::string(buf, static_cast<size_t>(n));
}

std::string FormatDate(int32_t days) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[40];
  if (y <= 0) {
    std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02u BC", static_cast<long long>(1 - y), m, d);
  } else {
    std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  }
  return buf;
}

namespace {

// n as exactly `width` digits (0 <= n < 10^width).
char* PutDigits(char* p, int64_t n, int width) {
  for (int k = width - 1; k >= 0; --k) {
    p[k] = static_cast<char>('0' + n % 10);
    n /= 10;
  }
  return p + width;
}

}  // namespace

namespace {

// The local wall time `local_micros`, then the zone suffix when `zone` (seconds east of UTC:
// "+HH", "+HH:MM" or "+HH:MM:SS"), then " BC" before year 1.
void AppendWallTime(int64_t local_micros, std::optional<int32_t> zone, std::string* out) {
  const int64_t days = FloorDiv(local_micros, kMicrosPerDay);
  const int64_t rem = local_micros - days * kMicrosPerDay;
  int64_t frac = rem % kMicrosPerSecond;
  const int64_t secs = rem / kMicrosPerSecond;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  const bool bc = y <= 0;
  const int64_t year = bc ? 1 - y : y;
  char buf[64];
  char* p = buf;
  if (year < 10000) {
    p = PutDigits(p, year, 4);
  } else {
    p = std::to_chars(p, buf + 24, year).ptr;
  }
  *p++ = '-';
  p = PutDigits(p, m, 2);
  *p++ = '-';
  p = PutDigits(p, d, 2);
  *p++ = ' ';
  p = PutDigits(p, secs / 3600, 2);
  *p++ = ':';
  p = PutDigits(p, secs / 60 % 60, 2);
  *p++ = ':';
  p = PutDigits(p, secs % 60, 2);
  if (frac != 0) {  // trailing zeros trimmed
    int width = 6;
    while (frac % 10 == 0) {
      frac /= 10;
      --width;
    }
    *p++ = '.';
    p = PutDigits(p, frac, width);
  }
  if (zone.has_value()) {
    *p++ = *zone < 0 ? '-' : '+';
    const int32_t a = *zone < 0 ? -*zone : *zone;
    p = PutDigits(p, a / 3600, 2);
    if (a % 3600 != 0) {
      *p++ = ':';
      p = PutDigits(p, a / 60 % 60, 2);
      if (a % 60 != 0) {
        *p++ = ':';
        p = PutDigits(p, a % 60, 2);
      }
    }
  }
  out->append(buf, static_cast<size_t>(p - buf));
  if (bc) out->append(" BC");
}

}  // namespace

void AppendTimestamp(int64_t micros, bool with_zone, std::string* out) {
  AppendWallTime(micros, with_zone ? std::optional<int32_t>(0) : std::nullopt, out);
}

void AppendTimestampAt(int64_t micros, int32_t offset_seconds, std::string* out) {
  AppendWallTime(micros + int64_t{offset_seconds} * kMicrosPerSecond, offset_seconds, out);
}

std::string FormatTimestamp(int64_t micros, bool with_zone) {
  std::string out;
  AppendTimestamp(micros, with_zone, &out);
  return out;
}

}  // namespace omen
