// Copyright 2026 The OmenDB Authors.

#include "storage/partition.h"

#include <cstdio>
#include <limits>

#include "common/datetime.h"

namespace omen::storage {
namespace {

constexpr int64_t kMicrosPerHour = 3600LL * 1000000;
constexpr int64_t kMicrosPerDay = 24 * kMicrosPerHour;

// start + len without overflow (saturating at the int64 maximum).
int64_t SaturatingAdd(int64_t start, int64_t len) {
  return start > std::numeric_limits<int64_t>::max() - len ? std::numeric_limits<int64_t>::max()
                                                           : start + len;
}

}  // namespace

PartitionRange PartitionFor(PartitionBy by, int64_t t) {
  switch (by) {
    case PartitionBy::kHour: {
      int64_t s = FloorDiv(t, kMicrosPerHour) * kMicrosPerHour;
      return {s, SaturatingAdd(s, kMicrosPerHour)};
    }
    case PartitionBy::kDay: {
      int64_t s = FloorDiv(t, kMicrosPerDay) * kMicrosPerDay;
      return {s, SaturatingAdd(s, kMicrosPerDay)};
    }
    case PartitionBy::kWeek: {
      // 1970-01-05 was a Monday: weeks start 4 days after the epoch, modulo 7.
      const int64_t week = 7 * kMicrosPerDay;
      const int64_t monday = 4 * kMicrosPerDay;
      int64_t s = FloorDiv(t - monday, week) * week + monday;
      return {s, SaturatingAdd(s, week)};
    }
    case PartitionBy::kMonth: {
      int64_t y;
      unsigned m, d;
      CivilFromDays(FloorDiv(t, kMicrosPerDay), &y, &m, &d);
      int64_t s = DaysFromCivil(y, m, 1) * kMicrosPerDay;
      int64_t e =
          (m == 12 ? DaysFromCivil(y + 1, 1, 1) : DaysFromCivil(y, m + 1, 1)) * kMicrosPerDay;
      return {s, e};
    }
    case PartitionBy::kNone:
      break;
  }
  return {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()};
}

std::string PartitionName(PartitionBy by, int64_t start) {
  if (by == PartitionBy::kNone) return "all";
  int64_t days = FloorDiv(start, kMicrosPerDay);
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[48];
  if (y < 0 || y > 9999) {
    std::snprintf(buf, sizeof(buf), "p%lld", static_cast<long long>(start));
    return buf;
  }
  const int yy = static_cast<int>(y);
  if (by == PartitionBy::kMonth) {
    std::snprintf(buf, sizeof(buf), "%04d-%02u", yy, m);
  } else if (by == PartitionBy::kHour) {
    int hour = static_cast<int>((start - days * kMicrosPerDay) / kMicrosPerHour);
    std::snprintf(buf, sizeof(buf), "%04d-%02u-%02uT%02d", yy, m, d, hour);
  } else {
    std::snprintf(buf, sizeof(buf), "%04d-%02u-%02u", yy, m, d);
  }
  return buf;
}

}  // namespace omen::storage
