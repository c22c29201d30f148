// Copyright 2026 The OmenDB Authors.

#include "common/timezone.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <mutex>

#include "common/datetime.h"
#include "common/env.h"

namespace omen {
namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr char kZoneDir[] = "/usr/share/zoneinfo/";

// The TZif file of an IANA name, matched case-insensitively as PostgreSQL matches zone names
// ("america/new_york"); empty when there is none. REQUIRES: name holds no "..".
std::string ZoneFile(const std::string& name) {
  std::string path = kZoneDir + name;
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec)) return path;
  path = kZoneDir;
  size_t start = 0;
  while (start <= name.size()) {
    size_t slash = name.find('/', start);
    if (slash == std::string::npos) slash = name.size();
    const std::string part = name.substr(start, slash - start);
    std::string found;
    for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
      const std::string n = entry.path().filename().string();
      if (n.size() == part.size() &&
          std::equal(n.begin(), n.end(), part.begin(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) ==
                   std::tolower(static_cast<unsigned char>(b));
          })) {
        found = n;
        break;
      }
    }
    if (found.empty()) return std::string();
    path += found;
    if (slash == name.size()) break;
    path += '/';
    start = slash + 1;
  }
  return std::filesystem::is_regular_file(path, ec) ? path : std::string();
}

Status BadZone(std::string_view name, const std::string& why = "") {
  return Status::InvalidArgument("invalid value for parameter \"TimeZone\": \"" +
                                 std::string(name) + "\"" + (why.empty() ? "" : ": " + why))
      .WithSqlState("22023");
}

uint64_t BigEndian(std::string_view b, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i)
    v = (v << 8) | static_cast<uint8_t>(b[at + static_cast<size_t>(i)]);
  return v;
}

// POSIX TZ rule text, read left to right.
class RuleParser {
 public:
  explicit RuleParser(std::string_view s) : s_(s) {}

  bool Parse(TimeZone::Rule* r) {
    if (!Name()) return false;
    int32_t west;
    if (!Offset(&west, 24 * 3600)) return false;
    r->std_offset = -west;
    if (done()) return true;
    if (!Name()) return false;
    r->has_dst = true;
    r->dst_offset = r->std_offset + 3600;
    if (!done() && s_[p_] != ',') {
      if (!Offset(&west, 24 * 3600)) return false;
      r->dst_offset = -west;
    }
    if (done()) {  // POSIX leaves the default rule to the implementation: the US one
      r->start = {3, 2, 0, -1, false, 7200};
      r->end = {11, 1, 0, -1, false, 7200};
      return true;
    }
    return Eat(',') && When(&r->start) && Eat(',') && When(&r->end) && done();
  }

 private:
  bool done() const { return p_ >= s_.size(); }
  bool Eat(char c) {
    if (done() || s_[p_] != c) return false;
    ++p_;
    return true;
  }
  bool Name() {
    if (Eat('<')) {
      const size_t close = s_.find('>', p_);
      if (close == std::string_view::npos || close == p_) return false;
      p_ = close + 1;
      return true;
    }
    const size_t start = p_;
    while (!done() && std::isalpha(static_cast<unsigned char>(s_[p_]))) ++p_;
    return p_ - start >= 3;
  }
  bool Number(int* out, int max) {
    const size_t start = p_;
    int v = 0;
    while (!done() && std::isdigit(static_cast<unsigned char>(s_[p_])) && p_ - start < 4) {
      v = v * 10 + (s_[p_] - '0');
      ++p_;
    }
    if (p_ == start || v > max) return false;
    *out = v;
    return true;
  }
  // [+-]hh[:mm[:ss]] as seconds (POSIX: positive west of Greenwich).
  bool Offset(int32_t* out, int max_hours) {
    int sign = 1;
    if (Eat('-')) {
      sign = -1;
    } else {
      Eat('+');
    }
    int h = 0, m = 0, sec = 0;
    if (!Number(&h, max_hours)) return false;
    if (Eat(':')) {
      if (!Number(&m, 59)) return false;
      if (Eat(':') && !Number(&sec, 59)) return false;
    }
    *out = sign * (h * 3600 + m * 60 + sec);
    return true;
  }
  bool When(TimeZone::Rule::When* w) {
    if (Eat('M')) {
      if (!Number(&w->month, 12) || w->month < 1 || !Eat('.') || !Number(&w->week, 5) ||
          w->week < 1 || !Eat('.') || !Number(&w->weekday, 6)) {
        return false;
      }
    } else if (Eat('J')) {
      if (!Number(&w->julian, 365) || w->julian < 1) return false;
    } else {
      if (!Number(&w->julian, 365)) return false;
      w->zero_based = true;
    }
    w->time = 7200;
    if (Eat('/')) return Offset(&w->time, 167);
    return true;
  }

  std::string_view s_;
  size_t p_ = 0;
};

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// The local time (seconds since the epoch, as if UTC) a rule's date and time name in year y.
int64_t LocalTransition(int64_t y, const TimeZone::Rule::When& w) {
  int64_t day;
  if (w.julian >= 0) {
    day = DaysFromCivil(y, 1, 1) + w.julian;
    if (!w.zero_based) day += (IsLeap(y) && w.julian >= 60) ? 0 : -1;
  } else {
    const int64_t first = DaysFromCivil(y, static_cast<unsigned>(w.month), 1);
    const int64_t next = w.month == 12 ? DaysFromCivil(y + 1, 1, 1)
                                       : DaysFromCivil(y, static_cast<unsigned>(w.month) + 1, 1);
    const int64_t first_weekday = ((first + 4) % 7 + 7) % 7;  // 1970-01-01 was a Thursday
    day = first + (w.weekday - first_weekday + 7) % 7 + 7 * (w.week - 1);
    while (day >= next) day -= 7;  // week 5: the last such weekday
  }
  return day * 86400 + w.time;
}

}  // namespace

std::shared_ptr<const TimeZone> TimeZone::Utc() {
  static const std::shared_ptr<const TimeZone> utc = [] {
    std::shared_ptr<TimeZone> z(new TimeZone());
    z->name_ = "UTC";
    z->utc_ = true;
    return z;
  }();
  return utc;
}

Result<std::shared_ptr<const TimeZone>> TimeZone::FromPosixRule(std::string name,
                                                                std::string_view rule) {
  Rule r;
  if (!RuleParser(rule).Parse(&r)) return BadZone(name, "not a POSIX time zone rule");
  std::shared_ptr<TimeZone> z(new TimeZone());
  z->name_ = std::move(name);
  z->has_rule_ = true;
  z->rule_ = r;
  z->first_offset_ = r.std_offset;
  z->utc_ = !r.has_dst && r.std_offset == 0;
  return std::shared_ptr<const TimeZone>(std::move(z));
}

Result<std::shared_ptr<const TimeZone>> TimeZone::FromTzif(std::string name, std::string_view b) {
  auto bad = [&](const char* why) { return BadZone(name, why); };
  if (b.size() < 44 || b.substr(0, 4) != "TZif") return bad("not a TZif file");
  auto counts = [&](size_t at, uint64_t c[6]) {
    for (int i = 0; i < 6; ++i) c[i] = BigEndian(b, at + 20 + 4 * static_cast<size_t>(i), 4);
  };
  uint64_t c[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  counts(0, c);
  size_t at = 44;
  int time_bytes = 4;
  if (b[4] >= '2') {  // skip the 32-bit block to the 64-bit one
    const uint64_t v1 = c[3] * 5 + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
    if (v1 > b.size() || at + v1 + 44 > b.size()) return bad("truncated");
    at += v1;
    if (b.substr(at, 4) != "TZif") return bad("no second header");
    counts(at, c);
    at += 44;
    time_bytes = 8;
  }
  const uint64_t timecnt = c[3], typecnt = c[4];
  const uint64_t need = timecnt * static_cast<uint64_t>(time_bytes + 1) + typecnt * 6 + c[5] +
                        c[2] * static_cast<uint64_t>(time_bytes + 4) + c[1] + c[0];
  if (typecnt == 0 || timecnt > (1u << 20) || typecnt > 256 || need > b.size() - at) {
    return bad("bad counts");
  }
  std::shared_ptr<TimeZone> z(new TimeZone());
  z->name_ = std::move(name);
  const size_t times_at = at, idx_at = at + timecnt * static_cast<size_t>(time_bytes);
  const size_t types_at = idx_at + timecnt;
  std::vector<int32_t> type_offsets;
  for (uint64_t t = 0; t < typecnt; ++t) {
    type_offsets.push_back(
        static_cast<int32_t>(static_cast<uint32_t>(BigEndian(b, types_at + 6 * t, 4))));
  }
  for (uint64_t i = 0; i < timecnt; ++i) {
    uint64_t raw = BigEndian(b, times_at + i * static_cast<size_t>(time_bytes), time_bytes);
    const int64_t t = time_bytes == 8 ? static_cast<int64_t>(raw)
                                      : static_cast<int32_t>(static_cast<uint32_t>(raw));
    const auto type = static_cast<uint8_t>(b[idx_at + i]);
    if (type >= typecnt) return bad("bad type index");
    if (!z->transitions_.empty() && t <= z->transitions_.back()) return bad("unsorted");
    z->transitions_.push_back(t);
    z->offsets_.push_back(type_offsets[type]);
  }
  z->first_offset_ = type_offsets[0];
  const size_t footer_at = at + need;
  if (time_bytes == 8 && footer_at < b.size() && b[footer_at] == '\n') {
    const size_t end = b.find('\n', footer_at + 1);
    if (end != std::string_view::npos && end > footer_at + 1) {
      Rule r;
      if (RuleParser(b.substr(footer_at + 1, end - footer_at - 1)).Parse(&r)) {
        z->has_rule_ = true;
        z->rule_ = r;
      }
    }
  }
  return std::shared_ptr<const TimeZone>(std::move(z));
}

Result<std::shared_ptr<const TimeZone>> TimeZone::Load(std::string_view name) {
  std::string lower(name);
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (lower == "utc" || lower == "gmt" || lower == "z" || lower == "zulu" || lower == "etc/utc" ||
      lower == "etc/gmt" || lower == "universal" || lower == "etc/universal" || lower == "utc0" ||
      lower == "gmt0" || lower == "uct" || lower == "etc/uct") {
    return Utc();
  }
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const TimeZone>>* cache =
      new std::map<std::string, std::shared_ptr<const TimeZone>>();
  const std::string key(name);
  {
    std::lock_guard<std::mutex> lock(mu);
    if (auto it = cache->find(key); it != cache->end()) return it->second;
  }
  std::shared_ptr<const TimeZone> zone;
  const bool path_like = key.find("..") == std::string::npos && !key.empty() && key[0] != '/' &&
                         std::all_of(key.begin(), key.end(), [](char ch) {
                           return std::isalnum(static_cast<unsigned char>(ch)) || ch == '/' ||
                                  ch == '_' || ch == '-' || ch == '+';
                         });
  std::string file = path_like ? ZoneFile(key) : std::string();
  if (!file.empty()) {
    OMEN_ASSIGN_OR_RETURN(std::string bytes, Env::Default()->ReadFile(file));
    OMEN_ASSIGN_OR_RETURN(zone, FromTzif(key, bytes));
  } else {
    // A POSIX rule ("EST5EDT", "<+03>-3", "UTC+3": positive west, as PostgreSQL reads them);
    // a bare offset ("+02:00", "-5") gets a placeholder name first.
    std::string rule = key;
    if (!key.empty() &&
        (key[0] == '+' || key[0] == '-' || std::isdigit(static_cast<unsigned char>(key[0])))) {
      rule = "<Z>" + key;
    }
    auto z = FromPosixRule(key, rule);
    if (!z.ok()) return BadZone(name, "time zone not recognized");
    zone = *z;
  }
  std::lock_guard<std::mutex> lock(mu);
  if (cache->size() < 4096) (*cache)[key] = zone;  // POSIX rule texts are unbounded: cap it
  return zone;
}

int32_t TimeZone::RuleOffset(int64_t t) const {
  if (!rule_.has_dst) return rule_.std_offset;
  int64_t y;
  unsigned m, d;
  CivilFromDays(FloorDiv(t + rule_.std_offset, 86400), &y, &m, &d);
  const int64_t start = LocalTransition(y, rule_.start) - rule_.std_offset;
  const int64_t end = LocalTransition(y, rule_.end) - rule_.dst_offset;
  const bool dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
  return dst ? rule_.dst_offset : rule_.std_offset;
}

int32_t TimeZone::OffsetAt(int64_t micros) const {
  if (utc_) return 0;
  const int64_t t = FloorDiv(micros, kMicrosPerSecond);
  if (transitions_.empty() || t < transitions_.front()) {
    return transitions_.empty() && has_rule_ ? RuleOffset(t) : first_offset_;
  }
  const size_t i = static_cast<size_t>(
      std::upper_bound(transitions_.begin(), transitions_.end(), t) - transitions_.begin() - 1);
  if (i + 1 == transitions_.size() && has_rule_) return RuleOffset(t);
  return offsets_[i];
}

int64_t TimeZone::LocalToUtc(int64_t local_micros) const {
  if (utc_) return local_micros;
  // Offsets differ from UTC by less than a day and transitions are more than two days apart
  // (tzdata holds to both), so the offsets a day either side are the ones before and after any
  // transition that could touch this local time.
  constexpr int64_t kDay = 86400 * kMicrosPerSecond;
  const int64_t before = OffsetAt(local_micros - kDay) * kMicrosPerSecond;
  const int64_t after = OffsetAt(local_micros + kDay) * kMicrosPerSecond;
  const int64_t by_before = local_micros - before, by_after = local_micros - after;
  const bool before_holds = OffsetAt(by_before) * kMicrosPerSecond == before;
  const bool after_holds = OffsetAt(by_after) * kMicrosPerSecond == after;
  if (before_holds && after_holds) return by_after;  // twice (or no transition at all)
  if (before_holds) return by_before;
  if (after_holds) return by_after;
  return by_before;  // skipped: the offset before the transition
}

}  // namespace omen
