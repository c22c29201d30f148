// Copyright 2026 The OmenDB Authors.

#include "exec/expr.h"

#include <locale.h>
#include <wctype.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "common/datetime.h"
#include "common/strings.h"
#include "common/timezone.h"

namespace omen::exec {
namespace {

constexpr int64_t kUsPerSec = 1000000;
constexpr int64_t kUsPerDay = 86400 * kUsPerSec;

// upper()/lower() as PostgreSQL computes them in a UTF-8 database whose LC_CTYPE is C.UTF-8:
// libc's towupper_l/towlower_l per character. Without that locale, ASCII letters only.
void CaseMap(std::string_view in, bool upper, std::string* out) {
  static const locale_t utf8 = ::newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
  out->clear();
  out->reserve(in.size());
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  const auto* end = p + in.size();
  while (p < end) {
    if (*p < 0x80) {
      out->push_back(static_cast<char>(upper ? std::toupper(*p) : std::tolower(*p)));
      ++p;
      continue;
    }
    const size_t n = Utf8SequenceLength(p, end);
    if (n == 0 || utf8 == static_cast<locale_t>(0)) {  // stored text is valid; kept as it is
      out->push_back(static_cast<char>(*p++));
      continue;
    }
    const auto cp = static_cast<wint_t>(DecodeUtf8(p, n));
    const wint_t mapped = upper ? ::towupper_l(cp, utf8) : ::towlower_l(cp, utf8);
    AppendUtf8(static_cast<uint32_t>(mapped), out);
    p += n;
  }
}

Status OutOfRange(LType t) {
  return Status::InvalidArgument(std::string(TypeName(t)) + " out of range").WithSqlState("22003");
}
Status DivByZero() { return Status::InvalidArgument("division by zero").WithSqlState("22012"); }

bool FitsInt(LType t, int64_t v) {
  switch (t) {
    case LType::kInt16:
      return v >= INT16_MIN && v <= INT16_MAX;
    case LType::kInt32:
      return v >= INT32_MIN && v <= INT32_MAX;
    default:
      return true;
  }
}

// An owned output vector of n rows, written by index.
struct Out {
  Out(LType type, int64_t n) : d(std::make_shared<VectorData>()) {
    v.type = type;
    v.size = n;
    switch (PhysOf(type)) {
      case Phys::kInt:
        d->i.resize(static_cast<size_t>(n));
        break;
      case Phys::kFloat:
        d->f.resize(static_cast<size_t>(n));
        break;
      case Phys::kStr:
        d->s.resize(static_cast<size_t>(n));
        break;
      case Phys::kInterval:
        d->iv.resize(static_cast<size_t>(n));
        break;
    }
  }
  void SetNull(int64_t r) {
    if (d->nulls.empty()) d->nulls.assign(static_cast<size_t>(v.size), 0);
    d->nulls[r] = 1;
  }
  // Rows NULL in any of the inputs become NULL here; returns whether any input has NULLs.
  bool PropagateNulls(std::initializer_list<const Vector*> ins) {
    bool any = false;
    for (const Vector* in : ins) {
      if (in->nulls == nullptr) continue;
      if (!any && d->nulls.empty()) d->nulls.assign(static_cast<size_t>(v.size), 0);
      any = true;
      if (in->constant) {
        if (in->nulls[0]) std::fill(d->nulls.begin(), d->nulls.end(), 1);
      } else {
        for (int64_t r = 0; r < v.size; ++r) d->nulls[r] |= in->nulls[r];
      }
    }
    return any || !d->nulls.empty();
  }
  bool Null(int64_t r) const { return !d->nulls.empty() && d->nulls[r]; }
  Vector Finish() {
    v.nulls = d->nulls.empty() ? nullptr : d->nulls.data();
    v.Own(std::move(d));
    return v;
  }
  Vector v;
  std::shared_ptr<VectorData> d;
};

// ----- LIKE -----------------------------------------------------------------------------------

// A LIKE pattern with escape character `esc` (one character, or none when empty) rewritten to
// the backslash escapes LikeMatch reads, as PostgreSQL's like_escape() does.
Result<std::string> LikeEscape(std::string_view p, std::string_view esc) {
  if (esc.size() > 1) {
    return Status::InvalidArgument("invalid escape string").WithSqlState("22025");
  }
  std::string out;
  out.reserve(p.size() + 4);
  for (size_t i = 0; i < p.size(); ++i) {
    if (!esc.empty() && p[i] == esc[0]) {
      if (i + 1 == p.size()) {
        return Status::InvalidArgument("LIKE pattern must not end with escape character")
            .WithSqlState("22025");
      }
      out += '\\';
      out += p[++i];
    } else if (p[i] == '\\') {
      out += "\\\\";  // a literal backslash
    } else {
      out += p[i];
    }
  }
  return out;
}

bool LikeMatch(std::string_view s, std::string_view p) {
  size_t si = 0, pi = 0, star_p = std::string_view::npos, star_s = 0;
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '\\' && pi + 1 < p.size()) {
      if (s[si] == p[pi + 1]) {
        si++;
        pi += 2;
        continue;
      }
    } else if (pi < p.size() && (p[pi] == '_' || (p[pi] != '%' && p[pi] == s[si]))) {
      si++;
      pi++;
      continue;
    } else if (pi < p.size() && p[pi] == '%') {
      star_p = pi++;
      star_s = si;
      continue;
    }
    if (star_p != std::string_view::npos) {
      pi = star_p + 1;
      si = ++star_s;
      continue;
    }
    return false;
  }
  while (pi < p.size() && p[pi] == '%') ++pi;
  return pi == p.size();
}

// ----- time helpers --------------------------------------------------------------------------

void Civil(int64_t ts, int64_t* y, unsigned* m, unsigned* d, int64_t* tod) {
  int64_t day = FloorDiv(ts, kUsPerDay);
  *tod = ts - day * kUsPerDay;
  CivilFromDays(day, y, m, d);
}

// The ISO 8601 year and week of day number `day` (since 1970-01-01): weeks start Monday;
// week 1 holds the year's first Thursday.
void IsoWeek(int64_t day, int64_t* iso_year, int64_t* week) {
  const int64_t monday0 = ((day + 3) % 7 + 7) % 7;  // Monday = 0
  const int64_t thursday = day - monday0 + 3;
  unsigned m, d;
  CivilFromDays(thursday, iso_year, &m, &d);
  *week = (thursday - DaysFromCivil(*iso_year, 1, 1)) / 7 + 1;
}

int64_t MonthsSince(int64_t ts, int64_t origin, int64_t width_months) {
  int64_t y, oy, tod, otod;
  unsigned m, d, om, od;
  Civil(ts, &y, &m, &d, &tod);
  Civil(origin, &oy, &om, &od, &otod);
  int64_t months = (y - oy) * 12 + (static_cast<int64_t>(m) - static_cast<int64_t>(om));
  // Not yet reached the origin's day/time within the month: one less.
  Interval back{months, 0, 0};
  if (AddInterval(origin, back) > ts) --months;
  return FloorDiv(months, width_months) * width_months;
}

}  // namespace

int64_t ToLocal(int64_t utc, const TimeZone* zone) {
  if (zone == nullptr || zone->is_utc()) return utc;
  return utc + int64_t{zone->OffsetAt(utc)} * kUsPerSec;
}

int64_t FromLocal(int64_t local, const TimeZone* zone) {
  if (zone == nullptr || zone->is_utc()) return local;
  return zone->LocalToUtc(local);
}

Result<int64_t> DateTruncIn(std::string_view unit, int64_t ts, const TimeZone* zone) {
  if (zone == nullptr || zone->is_utc()) return DateTrunc(unit, ts);
  const int64_t offset = int64_t{zone->OffsetAt(ts)} * kUsPerSec;
  OMEN_ASSIGN_OR_RETURN(int64_t local, DateTrunc(unit, ts + offset));
  std::string u = AsciiLower(unit);
  const bool sub_day = u.rfind("micro", 0) == 0 || u.rfind("milli", 0) == 0 ||
                       u.rfind("second", 0) == 0 || u.rfind("minute", 0) == 0 ||
                       u.rfind("hour", 0) == 0;
  return sub_day ? local - offset : zone->LocalToUtc(local);
}

Result<std::string> ToChar(std::string_view f, int64_t local, int32_t offset, bool zoned,
                           bool utc) {
  static const char* const kMonths[] = {"January",   "February", "March",    "April",
                                        "May",       "June",     "July",     "August",
                                        "September", "October",  "November", "December"};
  static const char* const kDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                      "Thursday", "Friday", "Saturday"};
  int64_t y, tod;
  unsigned m, d;
  Civil(local, &y, &m, &d, &tod);
  const int64_t day = FloorDiv(local, kUsPerDay);
  const int64_t dow = ((day + 4) % 7 + 7) % 7;  // Sunday = 0
  const int64_t hour = tod / (3600 * kUsPerSec), minute = tod / (60 * kUsPerSec) % 60;
  const int64_t second = tod / kUsPerSec % 60, micros = tod % kUsPerSec;
  const int64_t doy = day - DaysFromCivil(y, 1, 1) + 1;
  const bool bc = y <= 0;
  const int64_t year = bc ? 1 - y : y;
  const int64_t monday0 = ((day + 3) % 7 + 7) % 7;  // Monday = 0 (ID)
  int64_t iso_year, iso_week;
  IsoWeek(day, &iso_year, &iso_week);

  std::string out;
  auto starts = [&](size_t i, std::string_view kw) {
    return f.size() - i >= kw.size() && f.substr(i, kw.size()) == kw;
  };
  auto istarts = [&](size_t i, std::string_view kw) {
    if (f.size() - i < kw.size()) return false;
    for (size_t k = 0; k < kw.size(); ++k) {
      if (std::toupper(static_cast<unsigned char>(f[i + k])) != kw[k]) return false;
    }
    return true;
  };
  auto ordinal = [](int64_t n, bool upper) {
    const int64_t t = n % 100, u = n % 10;
    const char* s = (t >= 11 && t <= 13) ? "th"
                    : u == 1             ? "st"
                    : u == 2             ? "nd"
                    : u == 3             ? "rd"
                                         : "th";
    std::string r(s);
    if (upper) {
      for (char& c : r) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return r;
  };
  // A name in the pattern's case: "Month" capitalized, "MONTH" upper, "month" lower; padded to
  // `width` unless FM.
  auto name = [&](std::string_view pat, const std::string& full, size_t width, bool fm) {
    std::string v = full;
    if (std::isupper(static_cast<unsigned char>(pat[1]))) {
      for (char& c : v) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    } else if (std::islower(static_cast<unsigned char>(pat[0]))) {
      for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (!fm && v.size() < width) v.append(width - v.size(), ' ');
    return v;
  };
  size_t i = 0;
  while (i < f.size()) {
    if (f[i] == '"') {  // quoted literal text; \" inside
      for (++i; i < f.size() && f[i] != '"'; ++i) {
        if (f[i] == '\\' && i + 1 < f.size()) ++i;
        out += f[i];
      }
      ++i;
      continue;
    }
    if (f[i] == '\\' && i + 1 < f.size() && f[i + 1] == '"') {
      out += '"';
      i += 2;
      continue;
    }
    bool fm = false;
    if (istarts(i, "FM")) {
      fm = true;
      i += 2;
    }
    // Numeric patterns: the value and its zero-padded width.
    int64_t num = 0;
    int width = 0;
    size_t len = 0;
    if (istarts(i, "YYYY")) {
      num = year, width = 4, len = 4;
    } else if (istarts(i, "YYY")) {
      num = year % 1000, width = 3, len = 3;
    } else if (istarts(i, "IYYY")) {
      num = iso_year <= 0 ? 1 - iso_year : iso_year, width = 4, len = 4;
    } else if (istarts(i, "YY")) {
      num = year % 100, width = 2, len = 2;
    } else if (istarts(i, "HH24")) {
      num = hour, width = 2, len = 4;
    } else if (istarts(i, "HH12")) {
      num = hour % 12 == 0 ? 12 : hour % 12, width = 2, len = 4;
    } else if (istarts(i, "HH")) {
      num = hour % 12 == 0 ? 12 : hour % 12, width = 2, len = 2;
    } else if (istarts(i, "MI")) {
      num = minute, width = 2, len = 2;
    } else if (istarts(i, "SSSSS")) {
      num = tod / kUsPerSec, width = 1, len = 5;
    } else if (istarts(i, "SSSS")) {
      num = tod / kUsPerSec, width = 1, len = 4;
    } else if (istarts(i, "SS")) {
      num = second, width = 2, len = 2;
    } else if (istarts(i, "MS")) {
      num = micros / 1000, width = 3, len = 2;
    } else if (istarts(i, "US")) {
      num = micros, width = 6, len = 2;
    } else if (istarts(i, "MM")) {
      num = m, width = 2, len = 2;
    } else if (istarts(i, "DDD")) {
      num = doy, width = 3, len = 3;
    } else if (istarts(i, "DD")) {
      num = d, width = 2, len = 2;
    } else if (istarts(i, "ID")) {
      num = monday0 + 1, width = 1, len = 2;
    } else if (istarts(i, "IW")) {
      num = iso_week, width = 2, len = 2;
    } else if (istarts(i, "WW")) {
      num = (doy - 1) / 7 + 1, width = 2, len = 2;
    } else if (istarts(i, "CC")) {
      num = bc ? -((year + 99) / 100) : (year + 99) / 100, width = 2, len = 2;
    } else if (istarts(i, "J")) {
      num = day + 2440588, width = 1, len = 1;
    } else if (istarts(i, "Q")) {
      num = (m - 1) / 3 + 1, width = 1, len = 1;
    } else if (istarts(i, "Y") && !istarts(i, "Y,")) {
      num = year % 10, width = 1, len = 1;
    } else if (istarts(i, "D") && !istarts(i, "DAY") && !istarts(i, "DY")) {
      num = dow + 1, width = 1, len = 1;
    }
    if (len > 0) {
      std::string digits = std::to_string(num < 0 ? -num : num);
      if (!fm && static_cast<int>(digits.size()) < width) {
        digits.insert(0, static_cast<size_t>(width) - digits.size(), '0');
      }
      if (num < 0) digits.insert(0, "-");
      out += digits;
      i += len;
      if (starts(i, "TH") || starts(i, "th")) {
        out += ordinal(num, f[i] == 'T');
        i += 2;
      }
      continue;
    }
    if (istarts(i, "A.M.") || istarts(i, "P.M.")) {
      std::string v = hour < 12 ? "A.M." : "P.M.";
      if (std::islower(static_cast<unsigned char>(f[i]))) v = hour < 12 ? "a.m." : "p.m.";
      out += v;
      i += 4;
    } else if (istarts(i, "AM") || istarts(i, "PM")) {
      std::string v = hour < 12 ? "AM" : "PM";
      if (std::islower(static_cast<unsigned char>(f[i]))) v = hour < 12 ? "am" : "pm";
      out += v;
      i += 2;
    } else if (istarts(i, "B.C.") || istarts(i, "A.D.")) {
      std::string v = bc ? "B.C." : "A.D.";
      if (std::islower(static_cast<unsigned char>(f[i]))) v = bc ? "b.c." : "a.d.";
      out += v;
      i += 4;
    } else if (istarts(i, "BC") || istarts(i, "AD")) {
      std::string v = bc ? "BC" : "AD";
      if (std::islower(static_cast<unsigned char>(f[i]))) v = bc ? "bc" : "ad";
      out += v;
      i += 2;
    } else if (istarts(i, "MONTH")) {
      out += name(f.substr(i, 5), kMonths[m - 1], 9, fm);
      i += 5;
    } else if (istarts(i, "MON")) {
      out += name(f.substr(i, 3), std::string(kMonths[m - 1], 3), 3, fm);
      i += 3;
    } else if (istarts(i, "DAY")) {
      out += name(f.substr(i, 3), kDays[dow], 9, fm);
      i += 3;
    } else if (istarts(i, "DY")) {
      out += name(f.substr(i, 2), std::string(kDays[dow], 3), 3, fm);
      i += 2;
    } else if (istarts(i, "TZ")) {
      if (!zoned) {
        i += 2;  // PostgreSQL prints nothing for a timestamp without time zone
      } else if (!utc) {
        return Status::NotSupported(
            "to_char's TZ pattern outside UTC (zone abbreviations are not kept); use OF");
      } else {
        out += f[i] == 'T' ? "UTC" : "utc";
        i += 2;
      }
    } else if (istarts(i, "OF")) {
      if (!zoned) {
        out += "+00";  // as PostgreSQL prints it for a timestamp without time zone
      } else {
        const int32_t a = offset < 0 ? -offset : offset;
        char buf[16];
        int n = std::snprintf(buf, sizeof buf, "%c%02d", offset < 0 ? '-' : '+', a / 3600);
        if (a % 3600 != 0) {
          n += std::snprintf(buf + n, sizeof buf - static_cast<size_t>(n), ":%02d", a / 60 % 60);
        }
        out.append(buf, static_cast<size_t>(n));
      }
      i += 2;
    } else {
      out += f[i++];
    }
  }
  return out;
}

Result<int64_t> DateTrunc(std::string_view unit_in, int64_t ts) {
  std::string unit = AsciiLower(unit_in);
  if (!unit.empty() && unit.back() == 's' && unit != "microseconds" && unit != "milliseconds") {
    unit.pop_back();
  }
  if (unit == "microsecond" || unit == "microseconds") return ts;
  if (unit == "millisecond" || unit == "milliseconds") return FloorDiv(ts, 1000) * 1000;
  if (unit == "second") return FloorDiv(ts, kUsPerSec) * kUsPerSec;
  if (unit == "minute") return FloorDiv(ts, 60 * kUsPerSec) * 60 * kUsPerSec;
  if (unit == "hour") return FloorDiv(ts, 3600 * kUsPerSec) * 3600 * kUsPerSec;
  if (unit == "day") return FloorDiv(ts, kUsPerDay) * kUsPerDay;
  if (unit == "week") {
    int64_t day = FloorDiv(ts, kUsPerDay);
    int64_t dow = ((day + 3) % 7 + 7) % 7;  // 1970-01-01 was a Thursday; Monday = 0
    return (day - dow) * kUsPerDay;
  }
  int64_t y, tod;
  unsigned m, d;
  Civil(ts, &y, &m, &d, &tod);
  if (unit == "month") return DaysFromCivil(y, m, 1) * kUsPerDay;
  if (unit == "quarter") return DaysFromCivil(y, (m - 1) / 3 * 3 + 1, 1) * kUsPerDay;
  if (unit == "year") return DaysFromCivil(y, 1, 1) * kUsPerDay;
  if (unit == "decade") return DaysFromCivil(FloorDiv(y, 10) * 10, 1, 1) * kUsPerDay;
  if (unit == "century") {
    int64_t c = y > 0 ? (y - 1) / 100 * 100 + 1 : y;
    return DaysFromCivil(c, 1, 1) * kUsPerDay;
  }
  if (unit == "millennium") {
    int64_t c = y > 0 ? (y - 1) / 1000 * 1000 + 1 : y;
    return DaysFromCivil(c, 1, 1) * kUsPerDay;
  }
  return Status::InvalidArgument("unit \"" + std::string(unit_in) +
                                 "\" not recognized for type timestamp");
}

int64_t TimeBucket(const Interval& w, int64_t ts, int64_t origin) {
  if (w.months != 0) {
    int64_t months = MonthsSince(ts, origin, w.months);
    return AddInterval(origin, Interval{months, 0, 0});
  }
  const int64_t width = w.days * kUsPerDay + w.micros;
  return origin + FloorDiv(ts - origin, width) * width;
}

namespace {

// DatePart with the field already in lower case (`field_in` as given, for the error).
Result<double> DatePartLower(const std::string& f, std::string_view field_in, int64_t ts) {
  int64_t y, tod;
  unsigned m, d;
  Civil(ts, &y, &m, &d, &tod);
  int64_t day = FloorDiv(ts, kUsPerDay);
  if (f == "epoch") return static_cast<double>(ts) / 1e6;
  if (f == "year" || f == "years") return static_cast<double>(y);
  if (f == "month" || f == "months") return m;
  if (f == "day" || f == "days") return d;
  if (f == "hour" || f == "hours") return static_cast<double>(tod / (3600 * kUsPerSec));
  if (f == "minute" || f == "minutes") return static_cast<double>(tod / (60 * kUsPerSec) % 60);
  if (f == "second" || f == "seconds") return static_cast<double>(tod % (60 * kUsPerSec)) / 1e6;
  if (f == "milliseconds") return static_cast<double>(tod % (60 * kUsPerSec)) / 1e3;
  if (f == "microseconds") return static_cast<double>(tod % (60 * kUsPerSec));
  if (f == "dow") return static_cast<double>(((day + 4) % 7 + 7) % 7);
  if (f == "isodow") {
    int64_t dow = ((day + 4) % 7 + 7) % 7;
    return static_cast<double>(dow == 0 ? 7 : dow);
  }
  if (f == "doy") return static_cast<double>(day - DaysFromCivil(y, 1, 1) + 1);
  if (f == "quarter") return static_cast<double>((m - 1) / 3 + 1);
  if (f == "decade") return static_cast<double>(FloorDiv(y, 10));
  if (f == "century") return static_cast<double>(y > 0 ? (y + 99) / 100 : -((99 - y) / 100));
  if (f == "millennium") return static_cast<double>(y > 0 ? (y + 999) / 1000 : -((999 - y) / 1000));
  if (f == "week" || f == "isoyear") {
    int64_t iso_year, week;
    IsoWeek(day, &iso_year, &week);
    return static_cast<double>(f == "isoyear" ? iso_year : week);
  }
  if (f == "julian") return static_cast<double>(day + 2440588) + static_cast<double>(tod) / 86400e6;
  return Status::InvalidArgument("unit \"" + std::string(field_in) +
                                 "\" not recognized for type timestamp");
}

}  // namespace

namespace {

// extract(field FROM time): only the fields of a time of day (PostgreSQL: 0A000 for others).
Status TimePartSupported(std::string_view field) {
  const std::string f = AsciiLower(field);
  for (const char* ok : {"microseconds", "milliseconds", "second", "minute", "hour", "epoch"}) {
    if (f == ok) return Status::OK();
  }
  return Status::NotSupported("unit \"" + f + "\" not supported for type time without time zone")
      .WithSqlState("0A000");
}

}  // namespace

Result<double> DatePart(std::string_view field, int64_t ts) {
  return DatePartLower(AsciiLower(field), field, ts);
}

namespace {

// extract(field FROM timestamptz): fields of the wall clock in `zone` (null: UTC); epoch is the
// instant's; timezone, timezone_hour and timezone_minute give the zone's offset.
Result<double> DatePartTz(std::string_view field, int64_t ts, const TimeZone* zone) {
  const int64_t offset = zone == nullptr ? 0 : zone->OffsetAt(ts);
  const std::string f = AsciiLower(field);
  if (f == "epoch") return static_cast<double>(ts) / 1e6;
  if (f == "timezone") return static_cast<double>(offset);
  if (f == "timezone_hour") return static_cast<double>(offset / 3600);
  if (f == "timezone_minute") return static_cast<double>(offset / 60 % 60);
  return DatePartLower(f, field, ts + offset * kUsPerSec);
}

// A text or boolean value as its type's output function prints it (concat, concat_ws): a
// boolean is 't' or 'f' there, where a ::text cast gives 'true' or 'false'.
std::string_view OutputText(const Vector& v, int64_t r) {
  if (v.type == LType::kBool) return v.I(r) ? "t" : "f";
  return v.S(r);
}

// Zones named by AT TIME ZONE and date_trunc's third argument, loaded once per name.
class ZoneCache {
 public:
  Result<const TimeZone*> Get(std::string_view name) {
    if (last_ != nullptr && name == last_name_) return last_.get();
    auto z = TimeZone::Load(name);
    if (!z.ok()) {
      return Status::InvalidArgument("time zone \"" + std::string(name) + "\" not recognized");
    }
    last_name_ = std::string(name);
    last_ = *std::move(z);
    return last_.get();
  }

 private:
  std::string last_name_;
  std::shared_ptr<const TimeZone> last_;
};

Result<double> IntervalPart(std::string_view field_in, const Interval& v) {
  std::string f = AsciiLower(field_in);
  if (f == "epoch") {
    return static_cast<double>(v.months / 12) * 365.25 * 86400 +
           static_cast<double>(v.months % 12) * 30 * 86400 + static_cast<double>(v.days) * 86400 +
           static_cast<double>(v.micros) / 1e6;
  }
  if (f == "year" || f == "years") return static_cast<double>(v.months / 12);
  if (f == "month" || f == "months") return static_cast<double>(v.months % 12);
  if (f == "day" || f == "days") return static_cast<double>(v.days);
  if (f == "hour" || f == "hours") return static_cast<double>(v.micros / (3600 * kUsPerSec));
  if (f == "minute" || f == "minutes") return static_cast<double>(v.micros / (60 * kUsPerSec) % 60);
  if (f == "second" || f == "seconds") {
    return static_cast<double>(v.micros % (60 * kUsPerSec)) / 1e6;
  }
  return Status::InvalidArgument("unit \"" + std::string(field_in) +
                                 "\" not recognized for type interval");
}

Result<bool> ParseBool(std::string_view text) {
  std::string t = AsciiLower(text);
  while (!t.empty() && t.back() == ' ') t.pop_back();
  while (!t.empty() && t.front() == ' ') t.erase(0, 1);
  if (t == "t" || t == "true" || t == "yes" || t == "on" || t == "1" || t == "y") return true;
  if (t == "f" || t == "false" || t == "no" || t == "off" || t == "0" || t == "n") return false;
  return Status::InvalidArgument("invalid input syntax for type boolean: \"" + std::string(text) +
                                 "\"");
}

std::string Trimmed(std::string_view s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return std::string(s.substr(a, b - a));
}

Result<int64_t> ParseInt(std::string_view text, LType to) {
  std::string t = Trimmed(text);
  int64_t v = 0;
  const char* b = t.data();
  if (!t.empty() && t[0] == '+') ++b;
  auto [p, ec] = std::from_chars(b, t.data() + t.size(), v);
  if (ec == std::errc::result_out_of_range) return OutOfRange(to);
  if (ec != std::errc() || p != t.data() + t.size() || t.empty()) {
    return Status::InvalidArgument("invalid input syntax for type " + std::string(TypeName(to)) +
                                   ": \"" + std::string(text) + "\"");
  }
  if (!FitsInt(to, v)) return OutOfRange(to);
  return v;
}

Result<double> ParseFloat(std::string_view text, LType to) {
  std::string t = AsciiLower(Trimmed(text));
  if (t == "nan") return std::numeric_limits<double>::quiet_NaN();
  if (t == "infinity" || t == "inf" || t == "+infinity") return HUGE_VAL;
  if (t == "-infinity" || t == "-inf") return -HUGE_VAL;
  char* end = nullptr;
  double v = std::strtod(t.c_str(), &end);
  if (t.empty() || *end != '\0') {
    return Status::InvalidArgument("invalid input syntax for type " + std::string(TypeName(to)) +
                                   ": \"" + std::string(text) + "\"");
  }
  return v;
}

double RoundHalfAway(double x) { return std::round(x); }

// text or array -> array: parses the elements and casts each to the element type.
Result<Value> CastToArray(const Value& v, LType to) {
  OMEN_ASSIGN_OR_RETURN(auto elements, ParseArrayText(v.s));
  const LType et = ArrayElementType(to);
  for (auto& e : elements) {
    if (!e || et == LType::kText) continue;
    OMEN_ASSIGN_OR_RETURN(Value x, CastValue(Value::Text(*e), et));
    Vector one = ConstantVector(x, 1);
    e = FormatValue(one, 0);
  }
  Value out = Value::Text(FormatArrayText(elements));
  out.type = to;
  return out;
}

double RoundEven(double x) { return std::nearbyint(x); }  // float8 round(): ties to even

}  // namespace

Result<Value> CastValue(const Value& v, LType to, const TimeZone* zone) {
  if (v.null) return Value::Null(to);
  const LType from = v.type;
  if (from == to) return v;
  const Phys pf = PhysOf(from);
  if (IsArray(to) && (from == LType::kText || IsArray(from))) return CastToArray(v, to);
  if (to == LType::kOid || from == LType::kOid) {
    if (to == LType::kText) return Value::Text(std::to_string(v.i));
    int64_t x = 0;
    if (from == LType::kText) {
      OMEN_ASSIGN_OR_RETURN(x, ParseInt(v.s, to == LType::kOid ? to : LType::kInt64));
    } else if (IsInteger(from) || from == LType::kOid) {
      x = v.i;
    } else {
      return Status::DatatypeMismatch(std::string("cannot cast type ") + TypeName(from) + " to " +
                                      TypeName(to));
    }
    if (to == LType::kOid) {
      if (x < 0 || x > UINT32_MAX) return OutOfRange(to);
      return Value::Int(to, x);
    }
    if (IsInteger(to)) {
      if (!FitsInt(to, x)) return OutOfRange(to);
      return Value::Int(to, x);
    }
    if (PhysOf(to) == Phys::kFloat) return Value::Float(to, static_cast<double>(x));
    return Status::DatatypeMismatch(std::string("cannot cast type ") + TypeName(from) + " to " +
                                    TypeName(to));
  }
  if (to == LType::kText) {
    if (from == LType::kBool) return Value::Text(v.i ? "true" : "false");
    Vector one = ConstantVector(v, 1);
    if (from == LType::kTimestampTz) {  // in the session's zone
      std::string text;
      AppendText(one, 0, &text, zone);
      return Value::Text(std::move(text));
    }
    return Value::Text(FormatValue(one, 0).value_or(""));
  }
  if (from == LType::kText) {
    switch (to) {
      case LType::kBool: {
        OMEN_ASSIGN_OR_RETURN(bool b, ParseBool(v.s));
        return Value::Int(to, b ? 1 : 0);
      }
      case LType::kInt16:
      case LType::kInt32:
      case LType::kInt64: {
        OMEN_ASSIGN_OR_RETURN(int64_t x, ParseInt(v.s, to));
        return Value::Int(to, x);
      }
      case LType::kFloat32:
      case LType::kFloat64:
      case LType::kNumeric: {
        OMEN_ASSIGN_OR_RETURN(double x, ParseFloat(v.s, to));
        return Value::Float(to, x);
      }
      case LType::kTimestamp:
      case LType::kTimestampTz: {
        std::string t = AsciiLower(Trimmed(v.s));
        if (t == "now") return Value::Null(to);  // resolved by the binder (needs the clock)
        OMEN_ASSIGN_OR_RETURN(int64_t x,
                              ParseTimestamp(Trimmed(v.s), to == LType::kTimestampTz, zone));
        return Value::Int(to, x);
      }
      case LType::kDate: {
        OMEN_ASSIGN_OR_RETURN(int32_t x, ParseDate(Trimmed(v.s)));
        return Value::Int(to, x);
      }
      case LType::kTime: {
        OMEN_ASSIGN_OR_RETURN(int64_t x, ParseTime(v.s));
        return Value::Int(to, x);
      }
      case LType::kInterval: {
        OMEN_ASSIGN_OR_RETURN(Interval x, ParseInterval(v.s));
        return Value::Ivl(x);
      }
      default:
        break;
    }
  }
  if (IsNumeric(from) || from == LType::kBool) {
    if (IsInteger(to)) {
      int64_t x;
      if (pf == Phys::kFloat) {
        if (std::isnan(v.f) || std::fabs(v.f) >= 9.2233720368547758e18) return OutOfRange(to);
        x = static_cast<int64_t>(from == LType::kNumeric ? RoundHalfAway(v.f) : RoundEven(v.f));
      } else {
        x = v.i;
      }
      if (!FitsInt(to, x)) return OutOfRange(to);
      return Value::Int(to, x);
    }
    if (PhysOf(to) == Phys::kFloat) {
      double x = pf == Phys::kFloat ? v.f : static_cast<double>(v.i);
      if (to == LType::kFloat32) x = static_cast<float>(x);
      return Value::Float(to, x);
    }
    if (to == LType::kBool && IsInteger(from)) return Value::Int(to, v.i != 0);
  }
  // timestamptz is an instant; timestamp and date are wall-clock readings in the session's zone.
  if (from == LType::kTimestampTz && to == LType::kTimestamp) {
    return Value::Int(to, ToLocal(v.i, zone));
  }
  if (from == LType::kTimestamp && to == LType::kTimestampTz) {
    return Value::Int(to, FromLocal(v.i, zone));
  }
  if (IsTimestamp(from) && to == LType::kDate) {
    const int64_t local = from == LType::kTimestampTz ? ToLocal(v.i, zone) : v.i;
    return Value::Int(to, FloorDiv(local, kUsPerDay));
  }
  // time: the wall clock's time of day; interval <-> time through the interval's time part.
  if (IsTimestamp(from) && to == LType::kTime) {
    const int64_t local = from == LType::kTimestampTz ? ToLocal(v.i, zone) : v.i;
    return Value::Int(to, TimeOfDay(local));
  }
  if (from == LType::kInterval && to == LType::kTime) {
    return Value::Int(to, TimeOfDay(v.iv.micros));
  }
  if (from == LType::kTime && to == LType::kInterval) return Value::Ivl(Interval{0, 0, v.i});
  if (from == LType::kDate && to == LType::kTimestamp) return Value::Int(to, v.i * kUsPerDay);
  if (from == LType::kDate && to == LType::kTimestampTz) {
    return Value::Int(to, FromLocal(v.i * kUsPerDay, zone));
  }
  return Status::DatatypeMismatch(std::string("cannot cast type ") + TypeName(from) + " to " +
                                  TypeName(to));
}

// ---------------------------------------------------------------------------------------------

ExprPtr Expr::Clone() const {
  auto e = std::make_unique<Expr>();
  e->kind = kind;
  e->type = type;
  e->column = column;
  e->value = value;
  e->fn = fn;
  e->negated = negated;
  e->case_insensitive = case_insensitive;
  e->has_else = has_else;
  e->external = external;
  for (const auto& a : args) e->args.push_back(a->Clone());
  return e;
}

std::string Expr::ToString() const {
  auto join = [&](const char* sep) {
    std::string s;
    for (size_t k = 0; k < args.size(); ++k) {
      if (k) s += sep;
      s += args[k]->ToString();
    }
    return s;
  };
  switch (kind) {
    case Kind::kColumn:
      return "#" + std::to_string(column);
    case Kind::kConst: {
      if (value.null) return "NULL";
      Vector one = ConstantVector(value, 1);
      std::string t = FormatValue(one, 0).value_or("NULL");
      return value.type == LType::kText || IsTimestamp(value.type) ||
                     value.type == LType::kInterval || value.type == LType::kDate ||
                     value.type == LType::kTime
                 ? "'" + t + "'"
                 : t;
    }
    case Kind::kCall:
      return "f" + std::to_string(static_cast<int>(fn)) + "(" + join(", ") + ")";
    case Kind::kAnd:
      return "(" + join(" AND ") + ")";
    case Kind::kOr:
      return "(" + join(" OR ") + ")";
    case Kind::kNot:
      return "NOT " + args[0]->ToString();
    case Kind::kIsNull:
      return args[0]->ToString() + (negated ? " IS NOT NULL" : " IS NULL");
    case Kind::kExternal:
      return external->name() + "(" + join(", ") + ")";
    default:
      return "expr(" + join(", ") + ")";
  }
}

ExprPtr MakeColumn(int column, LType type) {
  auto e = std::make_unique<Expr>();
  e->kind = Expr::Kind::kColumn;
  e->column = column;
  e->type = type;
  return e;
}

ExprPtr MakeConst(Value v) {
  auto e = std::make_unique<Expr>();
  e->kind = Expr::Kind::kConst;
  e->type = v.type;
  e->value = std::move(v);
  return e;
}

ExprPtr MakeCall(Fn fn, LType type, std::vector<ExprPtr> args) {
  auto e = std::make_unique<Expr>();
  e->kind = Expr::Kind::kCall;
  e->fn = fn;
  e->type = type;
  e->args = std::move(args);
  return e;
}

ExprPtr MakeExternal(std::shared_ptr<const ExternalFn> fn, LType type, std::vector<ExprPtr> args) {
  auto e = std::make_unique<Expr>();
  e->kind = Expr::Kind::kExternal;
  e->external = std::move(fn);
  e->type = type;
  e->args = std::move(args);
  return e;
}

ExprPtr MakeCast(ExprPtr arg, LType to) {
  if (arg->type == to) return arg;
  std::vector<ExprPtr> a;
  a.push_back(std::move(arg));
  return MakeCall(Fn::kCast, to, std::move(a));
}

// ---------------------------------------------------------------------------------------------
// Evaluation

namespace {

using Args = std::vector<Vector>;

bool AllConstant(const Args& a) {
  for (const Vector& v : a) {
    if (!v.constant) return false;
  }
  return true;
}

// Generic row loop: f(r) computes row r into out (row r is not NULL in any input).
template <typename F>
Result<Vector> RowLoop(LType type, int64_t n, const Args& in, bool propagate, F&& f) {
  Out out(type, n);
  if (propagate) {
    std::vector<const Vector*> ptrs;
    for (const Vector& v : in) {
      if (v.nulls != nullptr) {
        if (out.d->nulls.empty()) out.d->nulls.assign(static_cast<size_t>(n), 0);
        for (int64_t r = 0; r < n; ++r) out.d->nulls[r] |= v.nulls[v.At(r)];
      }
    }
  }
  for (int64_t r = 0; r < n; ++r) {
    if (out.Null(r)) continue;
    OMEN_RETURN_IF_ERROR(f(out, r));
  }
  return out.Finish();
}

Result<Vector> CastVector(const Vector& a, LType to, int64_t n, const TimeZone* zone) {
  if (a.type == to) return a;
  const LType from = a.type;
  if (from == LType::kTimestampTz && to == LType::kText) {  // in the session's zone
    std::string text;
    return RowLoop(to, n, {a}, true, [&](Out& o, int64_t r) {
      text.clear();
      AppendText(a, r, &text, zone);
      o.d->s[r] = o.d->arena.Add(text);
      return Status::OK();
    });
  }
  // Fast paths.
  if (PhysOf(from) == Phys::kInt && PhysOf(to) == Phys::kFloat) {
    return RowLoop(to, n, {a}, true, [&](Out& o, int64_t r) {
      double x = static_cast<double>(a.I(r));
      o.d->f[r] = to == LType::kFloat32 ? static_cast<float>(x) : x;
      return Status::OK();
    });
  }
  if (IsInteger(from) && IsInteger(to)) {
    return RowLoop(to, n, {a}, true, [&](Out& o, int64_t r) {
      if (!FitsInt(to, a.I(r))) return OutOfRange(to);
      o.d->i[r] = a.I(r);
      return Status::OK();
    });
  }
  if (IsTimestamp(from) && IsTimestamp(to) && (zone == nullptr || zone->is_utc())) {
    Vector v = a;
    v.type = to;
    return v;
  }
  if (IsTimestamp(from) && IsTimestamp(to)) {
    return RowLoop(to, n, {a}, true, [&](Out& o, int64_t r) {
      o.d->i[r] = to == LType::kTimestamp ? ToLocal(a.I(r), zone) : FromLocal(a.I(r), zone);
      return Status::OK();
    });
  }
  if (PhysOf(from) == Phys::kFloat && PhysOf(to) == Phys::kFloat) {
    return RowLoop(to, n, {a}, true, [&](Out& o, int64_t r) {
      o.d->f[r] = to == LType::kFloat32 ? static_cast<float>(a.F(r)) : a.F(r);
      return Status::OK();
    });
  }
  return RowLoop(to, n, {a}, true, [&](Out& o, int64_t r) -> Status {
    OMEN_ASSIGN_OR_RETURN(Value v, CastValue(a.Get(r), to, zone));
    switch (PhysOf(to)) {
      case Phys::kInt:
        o.d->i[r] = v.i;
        break;
      case Phys::kFloat:
        o.d->f[r] = v.f;
        break;
      case Phys::kStr:
        o.d->s[r] = o.d->arena.Add(v.s);
        break;
      case Phys::kInterval:
        o.d->iv[r] = v.iv;
        break;
    }
    return Status::OK();
  });
}

template <typename Cmp>
Vector CompareLoop(const Vector& a, const Vector& b, int64_t n, Cmp cmp) {
  Out out(LType::kBool, n);
  out.PropagateNulls({&a, &b});
  int64_t* o = out.d->i.data();
  const Phys pa = PhysOf(a.type), pb = PhysOf(b.type);
  if (pa == Phys::kInt && pb == Phys::kInt) {
    if (b.constant && !a.constant) {
      const int64_t y = b.i[0];
      for (int64_t r = 0; r < n; ++r) o[r] = cmp(a.i[r], y);
    } else {
      for (int64_t r = 0; r < n; ++r) o[r] = cmp(a.I(r), b.I(r));
    }
  } else if (pa == Phys::kFloat && pb == Phys::kFloat && b.constant && !a.constant) {
    const double y = b.f[0];
    for (int64_t r = 0; r < n; ++r) {
      double x = a.f[r];
      o[r] = std::isnan(x) || std::isnan(y) ? cmp(CompareRows(a, r, b, 0), 0) : cmp(x, y);
    }
  } else if (pa == Phys::kStr && pb == Phys::kStr && a.codes != nullptr && b.constant) {
    // Dictionary column against a constant: compare each dictionary entry once.
    std::vector<int8_t> verdict(static_cast<size_t>(a.dict->length), -1);
    const std::string_view y = b.S(0);
    for (int64_t r = 0; r < n; ++r) {
      int32_t c = a.codes[r];
      if (a.nulls != nullptr && a.nulls[r]) continue;  // a NULL row's code is undefined
      if (verdict[c] < 0) {
        int x = a.dict->Get(c).compare(y);
        verdict[c] = cmp(x < 0 ? -1 : x > 0 ? 1 : 0, 0) ? 1 : 0;
      }
      o[r] = verdict[c];
    }
  } else {
    for (int64_t r = 0; r < n; ++r) o[r] = cmp(CompareRows(a, r, b, r), 0);
  }
  return out.Finish();
}

Result<Vector> Compare(Fn fn, const Vector& a, const Vector& b, int64_t n) {
  switch (fn) {
    case Fn::kEq:
      return CompareLoop(a, b, n, [](auto x, auto y) { return x == y; });
    case Fn::kNe:
      return CompareLoop(a, b, n, [](auto x, auto y) { return x != y; });
    case Fn::kLt:
      return CompareLoop(a, b, n, [](auto x, auto y) { return x < y; });
    case Fn::kLe:
      return CompareLoop(a, b, n, [](auto x, auto y) { return x <= y; });
    case Fn::kGt:
      return CompareLoop(a, b, n, [](auto x, auto y) { return x > y; });
    case Fn::kGe:
      return CompareLoop(a, b, n, [](auto x, auto y) { return x >= y; });
    default:
      return Status::Internal("not a comparison");
  }
}

Result<Vector> Arith(Fn fn, LType type, const Vector& a, const Vector& b, int64_t n) {
  // Timestamp/date/interval arithmetic.
  if (IsTimestamp(a.type) && b.type == LType::kInterval) {
    const int sign = fn == Fn::kSub ? -1 : 1;
    return RowLoop(type, n, {a, b}, true, [&](Out& o, int64_t r) {
      o.d->i[r] = AddInterval(a.I(r), b.V(r), sign);
      return Status::OK();
    });
  }
  if (a.type == LType::kInterval && IsTimestamp(b.type)) {
    return RowLoop(type, n, {a, b}, true, [&](Out& o, int64_t r) {
      o.d->i[r] = AddInterval(b.I(r), a.V(r), 1);
      return Status::OK();
    });
  }
  if (IsTimestamp(a.type) && IsTimestamp(b.type)) {  // ts - ts
    return RowLoop(type, n, {a, b}, true, [&](Out& o, int64_t r) {
      int64_t d = a.I(r) - b.I(r);
      Interval v;
      v.days = d / kUsPerDay;
      v.micros = d % kUsPerDay;
      o.d->iv[r] = v;
      return Status::OK();
    });
  }
  // time +- interval wraps around midnight (the interval's days and months are ignored, as
  // PostgreSQL's time_pl_interval does); time - time is an interval; date + time a timestamp.
  if ((a.type == LType::kTime && b.type == LType::kInterval) ||
      (a.type == LType::kInterval && b.type == LType::kTime)) {
    const Vector& tm = a.type == LType::kTime ? a : b;
    const Vector& iv = a.type == LType::kTime ? b : a;
    const int sign = fn == Fn::kSub ? -1 : 1;
    return RowLoop(type, n, {a, b}, true, [&](Out& o, int64_t r) {
      const int64_t x = tm.I(r) + sign * (iv.V(r).micros % kUsPerDay);
      o.d->i[r] = TimeOfDay(x);
      return Status::OK();
    });
  }
  if (a.type == LType::kTime && b.type == LType::kTime) {
    return RowLoop(type, n, {a, b}, true, [&](Out& o, int64_t r) {
      o.d->iv[r] = Interval{0, 0, a.I(r) - b.I(r)};
      return Status::OK();
    });
  }
  if ((a.type == LType::kDate && b.type == LType::kTime) ||
      (a.type == LType::kTime && b.type == LType::kDate)) {
    const Vector& day = a.type == LType::kDate ? a : b;
    const Vector& tm = a.type == LType::kDate ? b : a;
    return RowLoop(type, n, {a, b}, true, [&](Out& o, int64_t r) {
      o.d->i[r] = day.I(r) * kUsPerDay + tm.I(r);
      return Status::OK();
    });
  }
  if (a.type == LType::kDate && b.type == LType::kDate) {  // date - date = integer days
    return RowLoop(type, n, {a, b}, true, [&](Out& o, int64_t r) {
      o.d->i[r] = a.I(r) - b.I(r);
      return Status::OK();
    });
  }
  if (a.type == LType::kDate && IsInteger(b.type)) {
    const int sign = fn == Fn::kSub ? -1 : 1;
    return RowLoop(type, n, {a, b}, true, [&](Out& o, int64_t r) {
      o.d->i[r] = a.I(r) + sign * b.I(r);
      return Status::OK();
    });
  }
  if (a.type == LType::kInterval && b.type == LType::kInterval) {
    const int sign = fn == Fn::kSub ? -1 : 1;
    return RowLoop(type, n, {a, b}, true, [&](Out& o, int64_t r) {
      const Interval &x = a.V(r), &y = b.V(r);
      o.d->iv[r] =
          Interval{x.months + sign * y.months, x.days + sign * y.days, x.micros + sign * y.micros};
      return Status::OK();
    });
  }
  if (a.type == LType::kInterval || b.type == LType::kInterval) {  // interval * / number
    const Vector& iv = a.type == LType::kInterval ? a : b;
    const Vector& num = a.type == LType::kInterval ? b : a;
    return RowLoop(type, n, {a, b}, true, [&](Out& o, int64_t r) -> Status {
      double k = num.F(r);
      if (fn == Fn::kDiv) {
        if (k == 0) return DivByZero();
        k = 1 / k;
      }
      const Interval& x = iv.V(r);
      double months = static_cast<double>(x.months) * k;
      double days = static_cast<double>(x.days) * k + (months - std::trunc(months)) * 30;
      double micros = static_cast<double>(x.micros) * k + (days - std::trunc(days)) * 86400e6;
      o.d->iv[r] = Interval{static_cast<int64_t>(months), static_cast<int64_t>(days),
                            static_cast<int64_t>(std::llround(micros))};
      return Status::OK();
    });
  }
  if (PhysOf(type) == Phys::kInt) {
    Out out(type, n);
    out.PropagateNulls({&a, &b});
    int64_t* o = out.d->i.data();
    for (int64_t r = 0; r < n; ++r) {
      if (out.Null(r)) continue;
      int64_t x = a.I(r), y = b.I(r), z = 0;
      bool overflow = false;
      switch (fn) {
        case Fn::kAdd:
          overflow = __builtin_add_overflow(x, y, &z);
          break;
        case Fn::kSub:
          overflow = __builtin_sub_overflow(x, y, &z);
          break;
        case Fn::kMul:
          overflow = __builtin_mul_overflow(x, y, &z);
          break;
        case Fn::kDiv:
          if (y == 0) return DivByZero();
          if (x == INT64_MIN && y == -1) return OutOfRange(type);
          z = x / y;
          break;
        case Fn::kMod:
          if (y == 0) return DivByZero();
          z = y == -1 ? 0 : x % y;
          break;
        default:
          return Status::Internal("bad integer operator");
      }
      if (overflow || !FitsInt(type, z)) return OutOfRange(type);
      o[r] = z;
    }
    return out.Finish();
  }
  Out out(type, n);
  out.PropagateNulls({&a, &b});
  double* o = out.d->f.data();
  const bool single = type == LType::kFloat32;
  for (int64_t r = 0; r < n; ++r) {
    if (out.Null(r)) continue;
    double x = a.F(r), y = b.F(r), z;
    switch (fn) {
      case Fn::kAdd:
        z = x + y;
        break;
      case Fn::kSub:
        z = x - y;
        break;
      case Fn::kMul:
        z = x * y;
        break;
      case Fn::kDiv:
        if (y == 0) return DivByZero();
        z = x / y;
        break;
      case Fn::kMod:
        if (y == 0) return DivByZero();
        z = std::fmod(x, y);
        break;
      default:
        return Status::Internal("bad float operator");
    }
    if (std::isinf(z) && !std::isinf(x) && !std::isinf(y)) return OutOfRange(type);
    o[r] = single ? static_cast<float>(z) : z;
  }
  return out.Finish();
}

Result<Vector> Math1(Fn fn, LType type, const Vector& a, int64_t n) {
  if (PhysOf(type) == Phys::kInt) {  // abs/sign/neg of integers; round etc. of ints are ints
    return RowLoop(type, n, {a}, true, [&](Out& o, int64_t r) -> Status {
      int64_t x = a.I(r);
      switch (fn) {
        case Fn::kAbs:
        case Fn::kNeg:
          if (x == INT64_MIN || !FitsInt(type, -x)) return OutOfRange(type);
          o.d->i[r] = fn == Fn::kNeg ? -x : (x < 0 ? -x : x);
          break;
        case Fn::kSign:
          o.d->i[r] = (x > 0) - (x < 0);
          break;
        default:
          o.d->i[r] = x;
      }
      return Status::OK();
    });
  }
  return RowLoop(type, n, {a}, true, [&](Out& o, int64_t r) -> Status {
    double x = a.F(r), z;
    switch (fn) {
      case Fn::kAbs:
        z = std::fabs(x);
        break;
      case Fn::kNeg:
        z = -x;
        break;
      case Fn::kSign:
        z = (x > 0) - (x < 0);
        break;
      case Fn::kRound:
        z = a.type == LType::kNumeric || IsInteger(a.type) ? RoundHalfAway(x) : RoundEven(x);
        break;
      case Fn::kFloor:
        z = std::floor(x);
        break;
      case Fn::kCeil:
        z = std::ceil(x);
        break;
      case Fn::kTrunc:
        z = std::trunc(x);
        break;
      case Fn::kSqrt:
        if (x < 0)
          return Status::InvalidArgument("cannot take square root of a negative number")
              .WithSqlState("2201F");
        z = std::sqrt(x);
        break;
      case Fn::kCbrt:
        z = std::cbrt(x);
        break;
      case Fn::kLn:
      case Fn::kLog10:
        if (x == 0)
          return Status::InvalidArgument("cannot take logarithm of zero").WithSqlState("2201E");
        if (x < 0)
          return Status::InvalidArgument("cannot take logarithm of a negative number")
              .WithSqlState("2201E");
        z = fn == Fn::kLn ? std::log(x) : std::log10(x);
        break;
      case Fn::kExp:
        z = std::exp(x);
        if (std::isinf(z)) return OutOfRange(type);
        break;
      default:
        return Status::Internal("bad math function");
    }
    o.d->f[r] = type == LType::kFloat32 ? static_cast<float>(z) : z;
    return Status::OK();
  });
}

struct Evaluator {
  const Chunk& in;
  const EvalContext& ctx;
  int64_t n;

  Result<Args> EvalArgs(const Expr& e) {
    Args out;
    out.reserve(e.args.size());
    for (const auto& a : e.args) {
      OMEN_ASSIGN_OR_RETURN(Vector v, Eval(*a));
      out.push_back(std::move(v));
    }
    return out;
  }

  Result<Vector> Eval(const Expr& e) {
    switch (e.kind) {
      case Expr::Kind::kColumn: {
        Vector v = in.cols[static_cast<size_t>(e.column)];
        if (v.type != e.type && PhysOf(v.type) == PhysOf(e.type)) v.type = e.type;
        return v;
      }
      case Expr::Kind::kConst:
        return ConstantVector(e.value, n);
      case Expr::Kind::kCall: {
        OMEN_ASSIGN_OR_RETURN(Args a, EvalArgs(e));
        if (AllConstant(a) && fn_is_pure(e.fn)) {
          // Constant arguments: compute one row (also when the chunk has none).
          const int64_t rows = n;
          n = 1;
          auto v = Call(e, a);
          n = rows;
          if (!v.ok()) return v.status();
          v->constant = true;
          v->size = rows;
          return std::move(*v);
        }
        return Call(e, a);
      }
      case Expr::Kind::kAnd:
      case Expr::Kind::kOr:
        return AndOr(e);
      case Expr::Kind::kNot: {
        OMEN_ASSIGN_OR_RETURN(Vector a, Eval(*e.args[0]));
        return RowLoop(LType::kBool, n, {a}, true, [&](Out& o, int64_t r) {
          o.d->i[r] = !a.I(r);
          return Status::OK();
        });
      }
      case Expr::Kind::kIsNull: {
        OMEN_ASSIGN_OR_RETURN(Vector a, Eval(*e.args[0]));
        Out o(LType::kBool, n);
        for (int64_t r = 0; r < n; ++r) o.d->i[r] = a.IsNull(r) != e.negated;
        return o.Finish();
      }
      case Expr::Kind::kIn:
        return In(e);
      case Expr::Kind::kCase:
        return Case(e);
      case Expr::Kind::kCoalesce: {
        OMEN_ASSIGN_OR_RETURN(Args a, EvalArgs(e));
        Out o(e.type, n);
        for (int64_t r = 0; r < n; ++r) {
          size_t k = 0;
          while (k < a.size() && a[k].IsNull(r)) ++k;
          if (k == a.size()) {
            o.SetNull(r);
          } else {
            Put(o, r, a[k], r);
          }
        }
        return o.Finish();
      }
      case Expr::Kind::kNullIf: {
        OMEN_ASSIGN_OR_RETURN(Args a, EvalArgs(e));
        Out o(e.type, n);
        for (int64_t r = 0; r < n; ++r) {
          if (a[0].IsNull(r) || (!a[1].IsNull(r) && CompareRows(a[0], r, a[1], r) == 0)) {
            o.SetNull(r);
          } else {
            Put(o, r, a[0], r);
          }
        }
        return o.Finish();
      }
      case Expr::Kind::kLike: {
        OMEN_ASSIGN_OR_RETURN(Args a, EvalArgs(e));
        std::string last_pat;
        bool have = false;
        std::string pat_l;
        return RowLoop(LType::kBool, n, a, true, [&](Out& o, int64_t r) {
          std::string_view s = a[0].S(r), p = a[1].S(r);
          bool m;
          if (e.case_insensitive) {
            if (!have || last_pat != p) {
              last_pat = std::string(p);
              pat_l = AsciiLower(p);
              have = true;
            }
            m = LikeMatch(AsciiLower(s), pat_l);
          } else {
            m = LikeMatch(s, p);
          }
          o.d->i[r] = m != e.negated;
          return Status::OK();
        });
      }
      case Expr::Kind::kExternal:
        return External(e);
      case Expr::Kind::kIsDistinct: {
        OMEN_ASSIGN_OR_RETURN(Args a, EvalArgs(e));
        Out o(LType::kBool, n);
        for (int64_t r = 0; r < n; ++r) {
          bool an = a[0].IsNull(r), bn = a[1].IsNull(r);
          bool distinct = an || bn ? an != bn : CompareRows(a[0], r, a[1], r) != 0;
          o.d->i[r] = distinct != e.negated;
        }
        return o.Finish();
      }
    }
    return Status::Internal("unknown expression kind");
  }

  static bool fn_is_pure(Fn fn) { return fn != Fn::kNow; }

  Result<Vector> External(const Expr& e) {
    OMEN_ASSIGN_OR_RETURN(Args a, EvalArgs(e));
    const bool fold = AllConstant(a) && e.external->pure();
    OMEN_ASSIGN_OR_RETURN(Vector v, e.external->Call(a, fold ? 1 : n, ctx));
    if (v.type != e.type || (!v.constant && v.size != (fold ? 1 : n))) {
      return Status::Internal(e.external->name() + " returned a vector of the wrong shape");
    }
    if (fold) {
      v.constant = true;
      v.size = n;
    }
    return v;
  }

  static void Put(Out& o, int64_t r, const Vector& src, int64_t sr) {
    switch (PhysOf(o.v.type)) {
      case Phys::kInt:
        o.d->i[r] = src.I(sr);
        break;
      case Phys::kFloat:
        o.d->f[r] = src.F(sr);
        break;
      case Phys::kStr:
        o.d->s[r] = src.S(sr);
        if (src.data) o.d->keep.push_back(src.data);
        break;
      case Phys::kInterval:
        o.d->iv[r] = src.V(sr);
        break;
    }
  }

  Result<Vector> AndOr(const Expr& e) {
    const bool is_and = e.kind == Expr::Kind::kAnd;
    // Three-valued: state 1 true, 0 false, 2 null.
    std::vector<uint8_t> st(static_cast<size_t>(n), is_and ? 1 : 0);
    for (const auto& arg : e.args) {
      OMEN_ASSIGN_OR_RETURN(Vector a, Eval(*arg));
      for (int64_t r = 0; r < n; ++r) {
        uint8_t x = a.IsNull(r) ? 2 : (a.I(r) ? 1 : 0);
        uint8_t& s = st[r];
        if (is_and) {
          if (s == 0 || x == 0)
            s = 0;
          else if (s == 2 || x == 2)
            s = 2;
        } else {
          if (s == 1 || x == 1)
            s = 1;
          else if (s == 2 || x == 2)
            s = 2;
        }
      }
    }
    Out o(LType::kBool, n);
    for (int64_t r = 0; r < n; ++r) {
      if (st[r] == 2) o.SetNull(r);
      o.d->i[r] = st[r] == 1;
    }
    return o.Finish();
  }

  Result<Vector> In(const Expr& e) {
    OMEN_ASSIGN_OR_RETURN(Args a, EvalArgs(e));
    Out o(LType::kBool, n);
    for (int64_t r = 0; r < n; ++r) {
      if (a[0].IsNull(r)) {
        o.SetNull(r);
        continue;
      }
      bool found = false, saw_null = false;
      for (size_t k = 1; k < a.size() && !found; ++k) {
        if (a[k].IsNull(r)) {
          saw_null = true;
        } else if (CompareRows(a[0], r, a[k], r) == 0) {
          found = true;
        }
      }
      if (!found && saw_null) {
        o.SetNull(r);
      } else {
        o.d->i[r] = found != e.negated;
      }
    }
    return o.Finish();
  }

  Result<Vector> Case(const Expr& e) {
    // Evaluate arms lazily over the rows still undecided, so an arm's error (division by
    // zero) on rows it does not select is not raised.
    Out o(e.type, n);
    std::vector<uint32_t> pending(static_cast<size_t>(n));
    for (int64_t r = 0; r < n; ++r) pending[r] = static_cast<uint32_t>(r);
    const size_t arms = (e.args.size() - (e.has_else ? 1 : 0)) / 2;
    for (size_t k = 0; k < arms && !pending.empty(); ++k) {
      Chunk sub = GatherChunk(in, pending.data(), static_cast<int64_t>(pending.size()));
      Evaluator ev{sub, ctx, sub.size};
      OMEN_ASSIGN_OR_RETURN(Vector cond, ev.Eval(*e.args[2 * k]));
      std::vector<uint32_t> hit, rest;
      for (size_t j = 0; j < pending.size(); ++j) {
        const int64_t jj = static_cast<int64_t>(j);
        if (!cond.IsNull(jj) && cond.I(jj))
          hit.push_back(static_cast<uint32_t>(j));
        else
          rest.push_back(pending[j]);
      }
      if (!hit.empty()) {
        Chunk hs = GatherChunk(sub, hit.data(), static_cast<int64_t>(hit.size()));
        Evaluator hv{hs, ctx, hs.size};
        OMEN_ASSIGN_OR_RETURN(Vector val, hv.Eval(*e.args[2 * k + 1]));
        for (size_t j = 0; j < hit.size(); ++j) {
          const int64_t row = pending[hit[j]];
          if (val.IsNull(static_cast<int64_t>(j)))
            o.SetNull(row);
          else
            Put(o, row, val, static_cast<int64_t>(j));
        }
      }
      pending.swap(rest);
    }
    if (!pending.empty()) {
      if (e.has_else) {
        Chunk sub = GatherChunk(in, pending.data(), static_cast<int64_t>(pending.size()));
        Evaluator ev{sub, ctx, sub.size};
        OMEN_ASSIGN_OR_RETURN(Vector val, ev.Eval(*e.args.back()));
        for (size_t j = 0; j < pending.size(); ++j) {
          if (val.IsNull(static_cast<int64_t>(j)))
            o.SetNull(pending[j]);
          else
            Put(o, pending[j], val, static_cast<int64_t>(j));
        }
      } else {
        for (uint32_t r : pending) o.SetNull(r);
      }
    }
    return o.Finish();
  }

  Result<Vector> Call(const Expr& e, const Args& a) {
    const LType t = e.type;
    switch (e.fn) {
      case Fn::kCast:
        return CastVector(a[0], t, n, ctx.zone);
      case Fn::kAdd:
      case Fn::kSub:
      case Fn::kMul:
      case Fn::kDiv:
      case Fn::kMod:
        return Arith(e.fn, t, a[0], a[1], n);
      case Fn::kNeg:
        if (t == LType::kInterval) {
          return RowLoop(t, n, a, true, [&](Out& o, int64_t r) {
            const Interval& x = a[0].V(r);
            o.d->iv[r] = Interval{-x.months, -x.days, -x.micros};
            return Status::OK();
          });
        }
        return Math1(e.fn, t, a[0], n);
      case Fn::kEq:
      case Fn::kNe:
      case Fn::kLt:
      case Fn::kLe:
      case Fn::kGt:
      case Fn::kGe:
        return Compare(e.fn, a[0], a[1], n);
      case Fn::kConcat:
      case Fn::kConcatFn:
        return RowLoop(t, n, a, e.fn == Fn::kConcat, [&](Out& o, int64_t r) {
          std::string s;
          for (const Vector& v : a) {
            if (!v.IsNull(r)) s += OutputText(v, r);
          }
          o.d->s[r] = o.d->arena.Add(s);
          return Status::OK();
        });
      case Fn::kAbs:
      case Fn::kRound:
      case Fn::kFloor:
      case Fn::kCeil:
      case Fn::kTrunc:
      case Fn::kSqrt:
      case Fn::kCbrt:
      case Fn::kLn:
      case Fn::kLog10:
      case Fn::kExp:
      case Fn::kSign:
        return Math1(e.fn, t, a[0], n);
      case Fn::kTruncTo:
        return RowLoop(t, n, a, true, [&](Out& o, int64_t r) {
          double scale = std::pow(10.0, static_cast<double>(a[1].I(r)));
          o.d->f[r] = std::trunc(a[0].F(r) * scale) / scale;
          return Status::OK();
        });
      case Fn::kDegrees:
      case Fn::kRadians:
        return RowLoop(t, n, a, true, [&](Out& o, int64_t r) {
          o.d->f[r] = e.fn == Fn::kDegrees ? a[0].F(r) * 180.0 / M_PI : a[0].F(r) * M_PI / 180.0;
          return Status::OK();
        });
      case Fn::kSin:
      case Fn::kCos:
      case Fn::kTan:
      case Fn::kCot:
      case Fn::kAsin:
      case Fn::kAcos:
      case Fn::kAtan:
      case Fn::kAtan2:
        return RowLoop(t, n, a, true, [&](Out& o, int64_t r) -> Status {
          const double x = a[0].F(r);
          double z = 0;
          switch (e.fn) {
            case Fn::kSin:
              z = std::sin(x);
              break;
            case Fn::kCos:
              z = std::cos(x);
              break;
            case Fn::kTan:
              z = std::tan(x);
              break;
            case Fn::kCot:
              z = 1.0 / std::tan(x);
              break;
            case Fn::kAsin:
              z = std::asin(x);
              break;
            case Fn::kAcos:
              z = std::acos(x);
              break;
            case Fn::kAtan:
              z = std::atan(x);
              break;
            default:
              z = std::atan2(x, a[1].F(r));
              break;
          }
          // PostgreSQL: an argument outside the function's domain (asin(2), sin(Infinity)).
          if (std::isnan(z) && !std::isnan(x) && (e.fn != Fn::kAtan2 || !std::isnan(a[1].F(r)))) {
            return Status::InvalidArgument("input is out of range").WithSqlState("22003");
          }
          o.d->f[r] = z;
          return Status::OK();
        });
      case Fn::kMakeInterval:
        return RowLoop(t, n, a, true, [&](Out& o, int64_t r) -> Status {
          const __int128 months = static_cast<__int128>(a[0].I(r)) * 12 + a[1].I(r);
          const __int128 days = static_cast<__int128>(a[2].I(r)) * 7 + a[3].I(r);
          const double micros = (static_cast<double>(a[4].I(r)) * 3600 +
                                 static_cast<double>(a[5].I(r)) * 60 + a[6].F(r)) *
                                1e6;
          if (months > INT32_MAX || months < INT32_MIN || days > INT32_MAX || days < INT32_MIN ||
              !(std::fabs(micros) < 9.2e18)) {
            return Status::InvalidArgument("interval out of range").WithSqlState("22008");
          }
          o.d->iv[r] = Interval{static_cast<int64_t>(months), static_cast<int64_t>(days),
                                static_cast<int64_t>(std::nearbyint(micros))};
          return Status::OK();
        });
      case Fn::kMakeTimestamp: {
        ZoneCache zones;
        return RowLoop(t, n, a, true, [&](Out& o, int64_t r) -> Status {
          const int64_t y = a[0].I(r), m = a[1].I(r), d = a[2].I(r);
          auto text = [&] {
            return std::to_string(y) + "-" + std::to_string(m) + "-" + std::to_string(d);
          };
          // Years before 1 are BC: -44 is 44 BC (year -43 counted astronomically).
          const int64_t year = y < 0 ? y + 1 : y;
          if (y == 0 || y < -4713 || y > 294276 || m < 1 || m > 12 || d < 1 ||
              d > DaysInMonth(year, static_cast<unsigned>(m))) {
            return Status::InvalidArgument("date field value out of range: " + text())
                .WithSqlState("22008");
          }
          const int64_t days =
              DaysFromCivil(year, static_cast<unsigned>(m), static_cast<unsigned>(d));
          if (t == LType::kDate) {
            o.d->i[r] = days;
            return Status::OK();
          }
          const int64_t h = a[3].I(r), mi = a[4].I(r);
          const double sec = a[5].F(r);
          if (h < 0 || h > 24 || mi < 0 || mi > 59 || !(sec >= 0 && sec <= 60) ||
              (h == 24 && (mi > 0 || sec > 0))) {
            return Status::InvalidArgument("time field value out of range: " + std::to_string(h) +
                                           ":" + std::to_string(mi) + ":" +
                                           FormatDouble(sec, false))
                .WithSqlState("22008");
          }
          const int64_t local = days * kUsPerDay + (h * 3600 + mi * 60) * kUsPerSec +
                                static_cast<int64_t>(std::nearbyint(sec * 1e6));
          if (t == LType::kTimestamp) {
            o.d->i[r] = local;
            return Status::OK();
          }
          const TimeZone* z = ctx.zone;
          if (a.size() > 6) {
            OMEN_ASSIGN_OR_RETURN(z, zones.Get(a[6].S(r)));
          }
          o.d->i[r] = FromLocal(local, z);
          return Status::OK();
        });
      }
      case Fn::kToChar: {
        const bool zoned = a[0].type == LType::kTimestampTz;
        const bool utc = ctx.zone == nullptr || ctx.zone->is_utc();
        return RowLoop(t, n, a, true, [&](Out& o, int64_t r) -> Status {
          const int64_t ts = a[0].type == LType::kDate ? a[0].I(r) * kUsPerDay : a[0].I(r);
          const int32_t offset = zoned && !utc ? ctx.zone->OffsetAt(ts) : 0;
          OMEN_ASSIGN_OR_RETURN(std::string v, ToChar(a[1].S(r), ts + int64_t{offset} * kUsPerSec,
                                                      offset, zoned, utc));
          o.d->s[r] = o.d->arena.Add(v);
          return Status::OK();
        });
      }
      case Fn::kLikeEscape:
        return RowLoop(t, n, a, true, [&](Out& o, int64_t r) -> Status {
          OMEN_ASSIGN_OR_RETURN(std::string p, LikeEscape(a[0].S(r), a[1].S(r)));
          o.d->s[r] = o.d->arena.Add(p);
          return Status::OK();
        });
      case Fn::kOctetLength:
        return RowLoop(t, n, a, true, [&](Out& o, int64_t r) {
          o.d->i[r] = static_cast<int64_t>(a[0].S(r).size());
          return Status::OK();
        });
      case Fn::kSplitPart:
        return RowLoop(t, n, a, true, [&](Out& o, int64_t r) -> Status {
          std::string_view s = a[0].S(r), d = a[1].S(r);
          int64_t k = a[2].I(r);
          if (k == 0)
            return Status::InvalidArgument("field position must not be zero").WithSqlState("22023");
          std::vector<std::string_view> parts;
          if (d.empty()) {
            parts.push_back(s);
          } else {
            size_t p = 0, q;
            while ((q = s.find(d, p)) != std::string_view::npos) {
              parts.push_back(s.substr(p, q - p));
              p = q + d.size();
            }
            parts.push_back(s.substr(p));
          }
          int64_t idx = k > 0 ? k - 1 : static_cast<int64_t>(parts.size()) + k;
          o.d->s[r] = idx >= 0 && idx < static_cast<int64_t>(parts.size())
                          ? o.d->arena.Add(parts[static_cast<size_t>(idx)])
                          : std::string_view();
          return Status::OK();
        });
      case Fn::kConcatWs:
        return RowLoop(t, n, {a[0]}, true, [&](Out& o, int64_t r) {
          std::string s;
          bool first = true;
          for (size_t k = 1; k < a.size(); ++k) {
            if (a[k].IsNull(r)) continue;
            if (!first) s += a[0].S(r);
            s += OutputText(a[k], r);
            first = false;
          }
          o.d->s[r] = o.d->arena.Add(s);
          return Status::OK();
        });
      case Fn::kAtTimeZone: {
        // timestamptz -> the zone's wall clock (timestamp); timestamp -> the instant at which
        // the zone's wall clock reads it (timestamptz).
        ZoneCache zones;
        return RowLoop(t, n, a, true, [&](Out& o, int64_t r) -> Status {
          OMEN_ASSIGN_OR_RETURN(const TimeZone* z, zones.Get(a[0].S(r)));
          o.d->i[r] = t == LType::kTimestamp ? ToLocal(a[1].I(r), z) : FromLocal(a[1].I(r), z);
          return Status::OK();
        });
      }
      case Fn::kIntBucket:
        return RowLoop(t, n, a, true, [&](Out& o, int64_t r) -> Status {
          int64_t w = a[0].I(r);
          if (w <= 0) return Status::InvalidArgument("bucket width must be positive");
          o.d->i[r] = FloorDiv(a[1].I(r), w) * w;
          return Status::OK();
        });
      case Fn::kRoundTo:
        return RowLoop(t, n, a, true, [&](Out& o, int64_t r) {
          double scale = std::pow(10.0, static_cast<double>(a[1].I(r)));
          double x = a[0].F(r) * scale;
          o.d->f[r] = RoundHalfAway(x) / scale;
          return Status::OK();
        });
      case Fn::kPower:
        return RowLoop(t, n, a, true, [&](Out& o, int64_t r) -> Status {
          double x = a[0].F(r), y = a[1].F(r);
          if (x == 0 && y < 0)
            return Status::InvalidArgument("zero raised to a negative power is undefined");
          if (x < 0 && y != std::floor(y)) {
            return Status::InvalidArgument(
                "a negative number raised to a non-integer power yields a complex result");
          }
          o.d->f[r] = std::pow(x, y);
          return Status::OK();
        });
      case Fn::kLogBase:
        return RowLoop(t, n, a, true, [&](Out& o, int64_t r) -> Status {
          double b = a[0].F(r), x = a[1].F(r);
          if (b <= 0 || x <= 0)
            return Status::InvalidArgument("cannot take logarithm of a negative number");
          if (b == 1) return DivByZero();
          o.d->f[r] = std::log(x) / std::log(b);
          return Status::OK();
        });
      case Fn::kPi:
        return ConstantVector(Value::Float(LType::kFloat64, M_PI), n);
      case Fn::kGreatest:
      case Fn::kLeast: {
        Out o(t, n);
        for (int64_t r = 0; r < n; ++r) {
          int best = -1;
          for (size_t k = 0; k < a.size(); ++k) {
            if (a[k].IsNull(r)) continue;
            if (best < 0) {
              best = static_cast<int>(k);
              continue;
            }
            int c = CompareRows(a[k], r, a[best], r);
            if ((e.fn == Fn::kGreatest && c > 0) || (e.fn == Fn::kLeast && c < 0)) {
              best = static_cast<int>(k);
            }
          }
          if (best < 0)
            o.SetNull(r);
          else
            Put(o, r, a[best], r);
        }
        return o.Finish();
      }
      case Fn::kLower:
      case Fn::kUpper: {
        std::string s;
        return RowLoop(t, n, a, true, [&](Out& o, int64_t r) {
          CaseMap(a[0].S(r), e.fn == Fn::kUpper, &s);
          o.d->s[r] = o.d->arena.Add(s);
          return Status::OK();
        });
      }
      case Fn::kLength:
        return RowLoop(t, n, a, true, [&](Out& o, int64_t r) {
          int64_t chars = 0;
          for (char c : a[0].S(r)) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
          o.d->i[r] = chars;
          return Status::OK();
        });
      case Fn::kReverse:
        return RowLoop(t, n, a, true, [&](Out& o, int64_t r) {
          // By characters: the bytes of each UTF-8 sequence keep their order.
          std::string s(a[0].S(r));
          std::reverse(s.begin(), s.end());
          for (size_t i = 0; i < s.size();) {
            size_t j = i;
            while (j < s.size() && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80) ++j;
            if (j < s.size() && j > i)
              std::reverse(s.begin() + static_cast<ptrdiff_t>(i),
                           s.begin() + static_cast<ptrdiff_t>(j) + 1);
            i = j + 1;
          }
          o.d->s[r] = o.d->arena.Add(s);
          return Status::OK();
        });
      case Fn::kSubstr:
        return RowLoop(t, n, a, true, [&](Out& o, int64_t r) -> Status {
          std::string_view s = a[0].S(r);
          int64_t start = a[1].I(r);
          int64_t end = static_cast<int64_t>(s.size()) + 1;
          if (a.size() > 2) {
            if (a[2].I(r) < 0)
              return Status::InvalidArgument("negative substring length not allowed");
            end = start + a[2].I(r);
          }
          int64_t b = std::max<int64_t>(start, 1),
                  f = std::min<int64_t>(end, static_cast<int64_t>(s.size()) + 1);
          o.d->s[r] =
              b < f
                  ? o.d->arena.Add(s.substr(static_cast<size_t>(b - 1), static_cast<size_t>(f - b)))
                  : std::string_view();
          return Status::OK();
        });
      case Fn::kLeft:
      case Fn::kRight:
        return RowLoop(t, n, a, true, [&](Out& o, int64_t r) {
          std::string_view s = a[0].S(r);
          int64_t k = a[1].I(r), len = static_cast<int64_t>(s.size());
          int64_t take = k >= 0 ? std::min(k, len) : std::max<int64_t>(0, len + k);
          o.d->s[r] = o.d->arena.Add(e.fn == Fn::kLeft ? s.substr(0, static_cast<size_t>(take))
                                                       : s.substr(static_cast<size_t>(len - take)));
          return Status::OK();
        });
      case Fn::kReplace:
        return RowLoop(t, n, a, true, [&](Out& o, int64_t r) {
          std::string s(a[0].S(r));
          std::string_view from = a[1].S(r), to = a[2].S(r);
          if (!from.empty()) {
            std::string out;
            size_t p = 0, q;
            while ((q = s.find(from, p)) != std::string::npos) {
              out.append(s, p, q - p);
              out += to;
              p = q + from.size();
            }
            out.append(s, p, std::string::npos);
            s.swap(out);
          }
          o.d->s[r] = o.d->arena.Add(s);
          return Status::OK();
        });
      case Fn::kBtrim:
      case Fn::kLtrim:
      case Fn::kRtrim:
        return RowLoop(t, n, a, true, [&](Out& o, int64_t r) {
          std::string_view s = a[0].S(r);
          std::string_view chars = a.size() > 1 ? a[1].S(r) : std::string_view(" ");
          size_t b = 0, f = s.size();
          if (e.fn != Fn::kRtrim) {
            while (b < f && chars.find(s[b]) != std::string_view::npos) ++b;
          }
          if (e.fn != Fn::kLtrim) {
            while (f > b && chars.find(s[f - 1]) != std::string_view::npos) --f;
          }
          o.d->s[r] = o.d->arena.Add(s.substr(b, f - b));
          return Status::OK();
        });
      case Fn::kStrpos:
        return RowLoop(t, n, a, true, [&](Out& o, int64_t r) {
          size_t p = a[0].S(r).find(a[1].S(r));
          o.d->i[r] = p == std::string_view::npos ? 0 : static_cast<int64_t>(p) + 1;
          return Status::OK();
        });
      case Fn::kStartsWith:
        return RowLoop(t, n, a, true, [&](Out& o, int64_t r) {
          o.d->i[r] = a[0].S(r).substr(0, a[1].S(r).size()) == a[1].S(r);
          return Status::OK();
        });
      case Fn::kRepeat:
        return RowLoop(t, n, a, true, [&](Out& o, int64_t r) {
          std::string s;
          for (int64_t k = 0; k < a[1].I(r) && s.size() < (1u << 20); ++k) s += a[0].S(r);
          o.d->s[r] = o.d->arena.Add(s);
          return Status::OK();
        });
      case Fn::kLpad:
      case Fn::kRpad:
        return RowLoop(t, n, a, true, [&](Out& o, int64_t r) {
          std::string s(a[0].S(r));
          int64_t len = std::min<int64_t>(a[1].I(r), 1 << 20);
          std::string_view fill = a.size() > 2 ? a[2].S(r) : std::string_view(" ");
          if (len < 0) len = 0;
          if (static_cast<int64_t>(s.size()) >= len) {
            s.resize(static_cast<size_t>(len));
          } else if (!fill.empty()) {
            std::string pad;
            while (static_cast<int64_t>(pad.size() + s.size()) < len) pad += fill;
            pad.resize(static_cast<size_t>(len) - s.size());
            s = e.fn == Fn::kLpad ? pad + s : s + pad;
          }
          o.d->s[r] = o.d->arena.Add(s);
          return Status::OK();
        });
      case Fn::kDateTrunc: {
        // date_trunc(unit, ts [, zone]): a timestamptz on the wall clock of the zone given or
        // of the session; a timestamp as it reads.
        std::string unit;
        if (a[0].constant && !a[0].IsNull(0)) unit = std::string(a[0].S(0));
        const TimeZone* session = t == LType::kTimestampTz ? ctx.zone : nullptr;
        ZoneCache zones;
        return RowLoop(t, n, a, true, [&](Out& o, int64_t r) -> Status {
          std::string_view u = unit.empty() ? a[0].S(r) : std::string_view(unit);
          if (a[1].type == LType::kInterval) {
            return Status::NotSupported("date_trunc on intervals is not supported");
          }
          const TimeZone* z = session;
          if (a.size() > 2) {
            OMEN_ASSIGN_OR_RETURN(z, zones.Get(a[2].S(r)));
          }
          const int64_t ts =
              a[1].type == LType::kDate ? FromLocal(a[1].I(r) * kUsPerDay, z) : a[1].I(r);
          OMEN_ASSIGN_OR_RETURN(o.d->i[r], DateTruncIn(u, ts, z));
          return Status::OK();
        });
      }
      case Fn::kDatePart:
        return RowLoop(t, n, a, true, [&](Out& o, int64_t r) -> Status {
          double v;
          if (a[1].type == LType::kInterval) {
            OMEN_ASSIGN_OR_RETURN(v, IntervalPart(a[0].S(r), a[1].V(r)));
          } else if (a[1].type == LType::kTimestampTz) {
            OMEN_ASSIGN_OR_RETURN(v, DatePartTz(a[0].S(r), a[1].I(r), ctx.zone));
          } else {
            const int64_t ts = a[1].type == LType::kDate ? a[1].I(r) * kUsPerDay : a[1].I(r);
            if (a[1].type == LType::kTime) OMEN_RETURN_IF_ERROR(TimePartSupported(a[0].S(r)));
            OMEN_ASSIGN_OR_RETURN(v, DatePart(a[0].S(r), ts));
          }
          o.d->f[r] = v;
          return Status::OK();
        });
      case Fn::kTimeBucket:
      case Fn::kDateBin:
        return RowLoop(t, n, a, true, [&](Out& o, int64_t r) -> Status {
          // time_bucket(width, ts [, origin]); date_bin(width, ts, origin)
          const Interval& w = a[0].V(r);
          if (w.months != 0 && (w.days != 0 || w.micros != 0)) {
            return Status::InvalidArgument(
                "interval must not have month and day components at the same time");
          }
          if (w.months < 0 || (w.months == 0 && w.days * kUsPerDay + w.micros <= 0)) {
            return Status::InvalidArgument("stride must be greater than zero");
          }
          const bool is_date = a[1].type == LType::kDate;
          int64_t ts = is_date ? a[1].I(r) * kUsPerDay : a[1].I(r);
          int64_t origin = w.months != 0 ? kMonthOrigin : kBucketOrigin;
          if (a.size() > 2) {
            origin = a[2].type == LType::kDate ? a[2].I(r) * kUsPerDay : a[2].I(r);
          }
          int64_t b = TimeBucket(w, ts, origin);
          o.d->i[r] = is_date && t == LType::kDate ? FloorDiv(b, kUsPerDay) : b;
          return Status::OK();
        });
      case Fn::kToTimestamp:
        return RowLoop(t, n, a, true, [&](Out& o, int64_t r) -> Status {
          double s = a[0].F(r);
          if (std::isnan(s) || std::fabs(s) > 9.2e12)
            return Status::InvalidArgument("timestamp out of range");
          o.d->i[r] = static_cast<int64_t>(std::llround(s * 1e6));
          return Status::OK();
        });
      case Fn::kNow:
        return ConstantVector(Value::Int(LType::kTimestampTz, ctx.now), n);
      case Fn::kAge:
        return RowLoop(t, n, a, true, [&](Out& o, int64_t r) {
          int64_t d = a[0].I(r) - a[1].I(r);
          o.d->iv[r] = Interval{0, d / kUsPerDay, d % kUsPerDay};
          return Status::OK();
        });
    }
    return Status::Internal("unknown function");
  }
};

}  // namespace

Result<Vector> RowFunction::Call(const std::vector<Vector>& args, int64_t n,
                                 const EvalContext& /*ctx*/) const {
  VectorBuilder b(type_, n);
  std::vector<Value> row(args.size());
  for (int64_t r = 0; r < n; ++r) {
    bool any_null = false;
    for (size_t k = 0; k < args.size(); ++k) {
      row[k] = args[k].Get(r);
      any_null |= row[k].null;
    }
    if (strict_ && any_null) {
      b.AppendNull();
      continue;
    }
    OMEN_ASSIGN_OR_RETURN(Value v, fn_(row));
    if (v.null) {
      b.AppendNull();
      continue;
    }
    if (v.type != type_) {
      OMEN_ASSIGN_OR_RETURN(v, CastValue(v, type_));
    }
    b.Append(v);
  }
  return b.Finish();
}

Result<Vector> Evaluate(const Expr& e, const Chunk& in, const EvalContext& ctx) {
  Evaluator ev{in, ctx, in.size};
  return ev.Eval(e);
}

Result<std::vector<uint32_t>> EvaluateFilter(const Expr& e, const Chunk& in,
                                             const EvalContext& ctx) {
  std::vector<uint32_t> sel;
  // AND of conjuncts: narrow the selection conjunct by conjunct.
  if (e.kind == Expr::Kind::kAnd) {
    sel.resize(static_cast<size_t>(in.size));
    for (int64_t r = 0; r < in.size; ++r) sel[r] = static_cast<uint32_t>(r);
    Chunk cur = in;
    bool first = true;
    for (const auto& c : e.args) {
      if (sel.empty()) break;
      if (!first) cur = GatherChunk(in, sel.data(), static_cast<int64_t>(sel.size()));
      first = false;
      OMEN_ASSIGN_OR_RETURN(std::vector<uint32_t> sub, EvaluateFilter(*c, cur, ctx));
      for (uint32_t& k : sub) k = sel[k];
      sel.swap(sub);
    }
    return sel;
  }
  OMEN_ASSIGN_OR_RETURN(Vector v, Evaluate(e, in, ctx));
  sel.reserve(static_cast<size_t>(in.size));
  if (v.constant) {
    if (!v.IsNull(0) && v.I(0)) {
      for (int64_t r = 0; r < in.size; ++r) sel.push_back(static_cast<uint32_t>(r));
    }
    return sel;
  }
  for (int64_t r = 0; r < in.size; ++r) {
    if ((v.nulls == nullptr || !v.nulls[r]) && v.i[r]) sel.push_back(static_cast<uint32_t>(r));
  }
  return sel;
}

Result<Value> EvaluateConstant(const Expr& e, const EvalContext& ctx) {
  Chunk one;
  one.size = 1;
  OMEN_ASSIGN_OR_RETURN(Vector v, Evaluate(e, one, ctx));
  return v.Get(0);
}

}  // namespace omen::exec
