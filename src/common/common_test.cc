// Copyright 2026 The OmenDB Authors.

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <random>
#include <string>
#include <thread>

#include "common/coding.h"
#include "common/crc32c.h"
#include "common/datetime.h"
#include "common/env.h"
#include "common/strings.h"
#include "common/timezone.h"
#include "omendb/status.h"

namespace omen {
namespace {

std::string TempDir(const char* name) {
  std::string dir = ::testing::TempDir() + "omen_common_" + name + "_" + std::to_string(::getpid());
  (void)Env::Default()->RemoveAll(dir);
  EXPECT_TRUE(Env::Default()->CreateDirs(dir).ok());
  return dir;
}

TEST(Status, CodesMessagesAndSqlStates) {
  Status ok;
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.ToString(), "OK");
  EXPECT_STREQ(ok.SqlState(), "00000");
  Status s = Status::DiskFull("wal");
  EXPECT_TRUE(s.IsDiskFull());
  EXPECT_EQ(s.ToString(), "Disk full: wal");
  EXPECT_STREQ(s.SqlState(), "53100");
  Status copy = s;
  EXPECT_EQ(copy.message(), "wal");
  EXPECT_EQ(s.WithContext("insert").message(), "insert: wal");
  EXPECT_STREQ(Status::NotFound("t").SqlState(), "42P01");
}

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::InvalidArgument("odd");
  return x / 2;
}

Status Quarter(int x, int* out) {
  OMEN_ASSIGN_OR_RETURN(int h, Half(x));
  OMEN_ASSIGN_OR_RETURN(*out, Half(h));
  return Status::OK();
}

TEST(Result, ValueOrErrorAndMacros) {
  int q = 0;
  EXPECT_TRUE(Quarter(8, &q).ok());
  EXPECT_EQ(q, 2);
  EXPECT_TRUE(Quarter(6, &q).IsInvalidArgument());
  Result<int> r(Status::OK());
  EXPECT_FALSE(r.ok());  // an OK status carries no value: reported as internal error
}

TEST(Coding, FixedRoundTripAndBoundedReader) {
  std::string s;
  PutFixed32(&s, 0xdeadbeef);
  PutFixed64(&s, 0x0123456789abcdefull);
  PutLengthPrefixed(&s, "abc");
  ByteReader r(s);
  uint32_t a;
  uint64_t b;
  std::string_view c;
  ASSERT_TRUE(r.GetFixed32(&a) && r.GetFixed64(&b) && r.GetLengthPrefixed(&c));
  EXPECT_EQ(a, 0xdeadbeefu);
  EXPECT_EQ(b, 0x0123456789abcdefull);
  EXPECT_EQ(c, "abc");
  EXPECT_FALSE(r.GetFixed32(&a));
  EXPECT_TRUE(r.failed());
  // A length prefix pointing past the end fails instead of reading out of bounds.
  std::string bad;
  PutFixed32(&bad, 1000);
  bad += "xy";
  ByteReader r2(bad);
  EXPECT_FALSE(r2.GetLengthPrefixed(&c));
}

TEST(Crc32c, KnownValuesAndExtend) {
  // RFC 3720 B.4 test vectors.
  std::string zeros(32, '\0');
  EXPECT_EQ(crc32c::Value(zeros.data(), zeros.size()), 0x8a9136aau);
  std::string ones(32, '\xff');
  EXPECT_EQ(crc32c::Value(ones.data(), ones.size()), 0x62a8ab43u);
  std::string inc;
  for (int i = 0; i < 32; ++i) inc += static_cast<char>(i);
  EXPECT_EQ(crc32c::Value(inc.data(), inc.size()), 0x46dd794eu);
  EXPECT_EQ(crc32c::Value("123456789", 9), 0xe3069283u);
  std::string hello = "hello world, this is a longer string";
  uint32_t whole = crc32c::Value(hello.data(), hello.size());
  for (size_t cut = 0; cut <= hello.size(); ++cut) {
    uint32_t part =
        crc32c::Extend(crc32c::Value(hello.data(), cut), hello.data() + cut, hello.size() - cut);
    EXPECT_EQ(part, whole) << cut;
  }
  EXPECT_EQ(crc32c::Unmask(crc32c::Mask(whole)), whole);
  EXPECT_NE(crc32c::Mask(whole), whole);
}

TEST(Env, FilesDirsRenameMapAndLock) {
  Env* env = Env::Default();
  std::string dir = TempDir("files");
  std::string path = dir + "/a/b/f";
  ASSERT_TRUE(env->CreateDirs(DirName(path)).ok());
  {
    auto f = env->NewWritableFile(path, true);
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->Append("hello ").ok());
    ASSERT_TRUE((*f)->Sync().ok());
    ASSERT_TRUE((*f)->Close().ok());
  }
  {
    auto f = env->NewWritableFile(path, false);  // append
    ASSERT_TRUE(f.ok());
    EXPECT_EQ((*f)->Size(), 6u);
    ASSERT_TRUE((*f)->Append("world").ok());
  }
  auto content = env->ReadFile(path);
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(*content, "hello world");
  auto map = env->MapFile(path);
  ASSERT_TRUE(map.ok());
  EXPECT_EQ((*map)->view(), "hello world");
  ASSERT_TRUE(env->Truncate(path, 5).ok());
  EXPECT_EQ(*env->FileSize(path), 5u);
  ASSERT_TRUE(WriteFileAtomic(env, dir + "/atomic", "v1").ok());
  ASSERT_TRUE(WriteFileAtomic(env, dir + "/atomic", "v2").ok());
  EXPECT_EQ(*env->ReadFile(dir + "/atomic"), "v2");
  EXPECT_FALSE(env->FileExists(dir + "/atomic.tmp"));
  auto kids = env->GetChildren(dir);
  ASSERT_TRUE(kids.ok());
  EXPECT_EQ(kids->size(), 2u);
  EXPECT_TRUE(env->ReadFile(dir + "/missing").status().IsNotFound());
  auto lock1 = env->LockFile(dir + "/LOCK");
  ASSERT_TRUE(lock1.ok());
  // flock locks are per open file description: a second open in this process conflicts too.
  auto lock2 = env->LockFile(dir + "/LOCK");
  EXPECT_FALSE(lock2.ok());
  lock1->reset();
  EXPECT_TRUE(env->LockFile(dir + "/LOCK").ok());
  ASSERT_TRUE(env->RemoveAll(dir).ok());
  EXPECT_FALSE(env->FileExists(dir));
}

TEST(FaultInjectionEnv, FullDiskFailsWritesAndRecovers) {
  FaultInjectionEnv env(Env::Default());
  std::string dir = TempDir("fault");
  auto f = env.NewWritableFile(dir + "/f", true);
  ASSERT_TRUE(f.ok());
  env.SetSpaceLeft(10);
  EXPECT_TRUE((*f)->Append("12345").ok());
  Status s = (*f)->Append("123456");
  EXPECT_TRUE(s.IsDiskFull()) << s.ToString();
  EXPECT_TRUE(WriteFileAtomic(&env, dir + "/g", "x").IsDiskFull());
  EXPECT_EQ(*env.ReadFile(dir + "/f"), "12345");  // earlier bytes intact
  env.SetSpaceLeft(-1);
  EXPECT_TRUE((*f)->Append("678").ok());
  env.SetWritesFail(true);
  EXPECT_TRUE((*f)->Sync().IsDiskFull());
  env.SetWritesFail(false);
  EXPECT_TRUE((*f)->Sync().ok());
  EXPECT_EQ(*env.ReadFile(dir + "/f"), "12345678");
  EXPECT_GE(env.injected_failures(), 3u);
  (void)env.RemoveAll(dir);
}

TEST(Datetime, ParsesPostgresIsoForms) {
  EXPECT_EQ(*ParseTimestamp("1970-01-01 00:00:00+00"), 0);
  EXPECT_EQ(*ParseTimestamp("epoch"), 0);
  EXPECT_EQ(*ParseTimestamp("2024-01-01T00:00:00Z"), 1704067200000000LL);
  EXPECT_EQ(*ParseTimestamp(" 2024-01-01 "), 1704067200000000LL);
  EXPECT_EQ(*ParseTimestamp("2024-01-01 00:00"), 1704067200000000LL);
  EXPECT_EQ(*ParseTimestamp("2024-02-29 13:45:00.25+05:30"),
            *ParseTimestamp("2024-02-29 08:15:00.25Z"));
  EXPECT_EQ(*ParseTimestamp("2024-02-29 13:45:00-0130"), *ParseTimestamp("2024-02-29 15:15:00"));
  EXPECT_EQ(*ParseTimestamp("2024-02-29 13:45:00 UTC"), *ParseTimestamp("2024-02-29 13:45:00"));
  EXPECT_EQ(*ParseTimestamp("2024-01-01 24:00:00"), *ParseTimestamp("2024-01-02"));
  EXPECT_EQ(*ParseTimestamp("2024-01-01 00:00:00.1234567"), 1704067200123457LL);  // rounded
  // TIMESTAMP (without time zone) ignores a zone, as PostgreSQL does.
  EXPECT_EQ(*ParseTimestamp("2024-01-01 00:00:00+05", false), 1704067200000000LL);
  EXPECT_EQ(*ParseTimestamp("1969-12-31 23:59:59.999999"), -1);
  EXPECT_EQ(*ParseDate("2024-03-01"), 19783);
  EXPECT_EQ(*ParseDate("1969-12-31"), -1);
  for (const char* bad :
       {"", "2024", "2024-13-01", "2023-02-29", "2024-01-01 25:00", "2024-01-01 10:61",
        "2024-01-01x", "2024-01-01 10:00:00+99", "2024-01-01 10:00:00 Nowhere/City", "yesterday",
        "2024-01-01 10:00:00.", "\xff\xfe"}) {
    auto r = ParseTimestamp(bad);
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_TRUE(r.status().IsInvalidArgument()) << bad;
  }
}

TEST(Datetime, FormatsLikePostgres) {
  EXPECT_EQ(FormatTimestamp(1704067200000000LL, true), "2024-01-01 00:00:00+00");
  EXPECT_EQ(FormatTimestamp(1704067200000000LL, false), "2024-01-01 00:00:00");
  EXPECT_EQ(FormatTimestamp(1704067200250000LL, true), "2024-01-01 00:00:00.25+00");
  EXPECT_EQ(FormatTimestamp(-1, true), "1969-12-31 23:59:59.999999+00");
  EXPECT_EQ(FormatDate(19783), "2024-03-01");
  EXPECT_EQ(FormatDate(-719163), "0001-12-31 BC");  // the day before 0001-01-01
  EXPECT_EQ(FormatDate(-719528), "0001-01-01 BC");  // 1 BC was a leap year
  EXPECT_EQ(FormatDate(-719162), "0001-01-01");
  std::mt19937_64 rng(3);
  for (int i = 0; i < 20000; ++i) {
    int64_t t = static_cast<int64_t>(rng() % (1ull << 58)) - (1ll << 57);
    std::string s = FormatTimestamp(t, true);
    if (s.find("BC") != std::string::npos) continue;
    auto back = ParseTimestamp(s);
    ASSERT_TRUE(back.ok()) << s;
    EXPECT_EQ(*back, t) << s;
  }
}

TEST(TimeZone, IanaZonesAndTheirRulesAfterTheLastTransition) {
  auto at = [](const char* iso) { return ParseTimestamp(iso).value(); };
  auto ny = TimeZone::Load("America/New_York");
  ASSERT_TRUE(ny.ok()) << ny.status().ToString();
  EXPECT_EQ((*ny)->OffsetAt(at("2024-01-01 00:00:00Z")), -5 * 3600);
  EXPECT_EQ((*ny)->OffsetAt(at("2024-07-01 00:00:00Z")), -4 * 3600);
  // The switches, to the second: 2 a.m. local on 2024-03-10 and 2024-11-03.
  EXPECT_EQ((*ny)->OffsetAt(at("2024-03-10 06:59:59.999999Z")), -5 * 3600);
  EXPECT_EQ((*ny)->OffsetAt(at("2024-03-10 07:00:00Z")), -4 * 3600);
  EXPECT_EQ((*ny)->OffsetAt(at("2024-11-03 05:59:59Z")), -4 * 3600);
  EXPECT_EQ((*ny)->OffsetAt(at("2024-11-03 06:00:00Z")), -5 * 3600);
  // Far past the table: the footer's rule.
  EXPECT_EQ((*ny)->OffsetAt(at("2100-07-01 00:00:00Z")), -4 * 3600);
  EXPECT_EQ((*ny)->OffsetAt(at("2100-12-01 00:00:00Z")), -5 * 3600);
  EXPECT_EQ((*ny)->OffsetAt(at("2100-03-14 06:59:59Z")), -5 * 3600);  // 2nd Sunday of March
  EXPECT_EQ((*ny)->OffsetAt(at("2100-03-14 07:00:00Z")), -4 * 3600);
  auto sydney = TimeZone::Load("Australia/Sydney");  // DST across the new year
  ASSERT_TRUE(sydney.ok());
  EXPECT_EQ((*sydney)->OffsetAt(at("2024-01-01 00:00:00Z")), 11 * 3600);
  EXPECT_EQ((*sydney)->OffsetAt(at("2024-07-01 00:00:00Z")), 10 * 3600);
  EXPECT_EQ((*sydney)->OffsetAt(at("2090-01-01 00:00:00Z")), 11 * 3600);
  EXPECT_EQ((*sydney)->OffsetAt(at("2090-07-01 00:00:00Z")), 10 * 3600);
  auto kolkata = TimeZone::Load("Asia/Kolkata");
  ASSERT_TRUE(kolkata.ok());
  EXPECT_EQ((*kolkata)->OffsetAt(at("2024-01-01 00:00:00Z")), 19800);
  EXPECT_TRUE((*TimeZone::Load("Etc/UTC"))->is_utc());
  EXPECT_EQ(TimeZone::Load("America/New_York")->get(), ny->get());  // cached
}

TEST(TimeZone, PosixRulesOffsetsAndBadNames) {
  auto at = [](const char* iso) { return ParseTimestamp(iso).value(); };
  auto est = TimeZone::FromPosixRule("x", "EST5EDT,M3.2.0,M11.1.0");
  ASSERT_TRUE(est.ok());
  EXPECT_EQ((*est)->OffsetAt(at("2030-03-10 06:59:59Z")), -5 * 3600);
  EXPECT_EQ((*est)->OffsetAt(at("2030-03-10 07:00:00Z")), -4 * 3600);
  auto cet = TimeZone::FromPosixRule("x", "CET-1CEST,M3.5.0,M10.5.0/3");
  ASSERT_TRUE(cet.ok());
  EXPECT_EQ((*cet)->OffsetAt(at("2030-03-31 00:59:59Z")), 3600);  // last Sunday of March
  EXPECT_EQ((*cet)->OffsetAt(at("2030-03-31 01:00:00Z")), 7200);
  EXPECT_EQ((*cet)->OffsetAt(at("2030-10-27 00:59:59Z")), 7200);
  EXPECT_EQ((*cet)->OffsetAt(at("2030-10-27 01:00:00Z")), 3600);
  EXPECT_EQ((*TimeZone::FromPosixRule("x", "<+03>-3"))->OffsetAt(0), 3 * 3600);
  EXPECT_EQ((*TimeZone::FromPosixRule("x", "<-0330>3:30"))->OffsetAt(0), -(3 * 3600 + 1800));
  // PostgreSQL reads offsets in TimeZone the POSIX way: positive is west of Greenwich.
  EXPECT_EQ((*TimeZone::Load("UTC+3"))->OffsetAt(0), -3 * 3600);
  EXPECT_EQ((*TimeZone::Load("+02:00"))->OffsetAt(0), -2 * 3600);
  for (const char* bad : {"Nowhere/City", "../../etc/passwd", "", "EST5EDT,M13.1.0,M1.1.0", "<+03",
                          "AB", "/etc/localtime"}) {
    auto z = TimeZone::Load(bad);
    EXPECT_FALSE(z.ok()) << bad;
    if (!z.ok()) {
      EXPECT_STREQ(z.status().SqlState(), "22023") << bad;
    }
  }
  // A damaged zone file is refused, never read out of bounds: every prefix of a real one.
  auto bytes = Env::Default()->ReadFile("/usr/share/zoneinfo/Europe/Berlin");
  ASSERT_TRUE(bytes.ok());
  for (size_t n = 0; n < bytes->size(); n += 7) {
    auto z = TimeZone::FromTzif("Europe/Berlin", std::string_view(*bytes).substr(0, n));
    if (z.ok()) (void)(*z)->OffsetAt(at("2024-06-01 00:00:00Z"));
  }
}

// Local wall-clock times back to instants, with PostgreSQL's rule at the daylight-saving
// changes: a skipped time takes the offset before the change, a repeated one the offset after.
TEST(TimeZone, LocalTimesToInstants) {
  auto at = [](const char* iso) { return ParseTimestamp(iso).value(); };
  auto ny = TimeZone::Load("America/New_York");
  ASSERT_TRUE(ny.ok());
  const TimeZone& z = **ny;
  EXPECT_EQ(z.LocalToUtc(at("2024-01-15 12:00")), at("2024-01-15 17:00Z"));
  EXPECT_EQ(z.LocalToUtc(at("2024-07-15 12:00")), at("2024-07-15 16:00Z"));
  // Spring forward at 02:00: 02:30 does not exist and reads as EST (07:30Z = 03:30 EDT).
  EXPECT_EQ(z.LocalToUtc(at("2024-03-10 01:59:59")), at("2024-03-10 06:59:59Z"));
  EXPECT_EQ(z.LocalToUtc(at("2024-03-10 02:30")), at("2024-03-10 07:30Z"));
  EXPECT_EQ(z.LocalToUtc(at("2024-03-10 03:00")), at("2024-03-10 07:00Z"));
  // Fall back at 02:00: 01:30 happens twice and reads as the second, EST.
  EXPECT_EQ(z.LocalToUtc(at("2024-11-03 00:59:59")), at("2024-11-03 04:59:59Z"));
  EXPECT_EQ(z.LocalToUtc(at("2024-11-03 01:30")), at("2024-11-03 06:30Z"));
  EXPECT_EQ(z.LocalToUtc(at("2024-11-03 02:00")), at("2024-11-03 07:00Z"));
  // Every instant of a year survives the round trip through its local time, except the hour
  // that the fall-back repeats (it comes back an hour later).
  for (int64_t t = at("2024-01-01Z"); t < at("2025-01-01Z"); t += 1800LL * 1000000) {
    const int64_t local = t + int64_t{z.OffsetAt(t)} * 1000000;
    const int64_t back = z.LocalToUtc(local);
    if (t >= at("2024-11-03 05:00Z") && t < at("2024-11-03 06:00Z")) {
      EXPECT_EQ(back, t + 3600LL * 1000000);
    } else {
      EXPECT_EQ(back, t) << t;
    }
  }
  // Sydney is the other way round (DST across the new year); Kolkata has no changes.
  auto sydney = TimeZone::Load("Australia/Sydney");
  ASSERT_TRUE(sydney.ok());
  EXPECT_EQ((*sydney)->LocalToUtc(at("2024-10-06 02:30")), at("2024-10-05 16:30Z"));  // skipped
  EXPECT_EQ((*sydney)->LocalToUtc(at("2024-04-07 02:30")), at("2024-04-06 16:30Z"));  // twice
  EXPECT_EQ((*TimeZone::Load("Asia/Kolkata"))->LocalToUtc(at("2024-01-01 05:30")),
            at("2024-01-01 00:00Z"));
  EXPECT_EQ(TimeZone::Utc()->LocalToUtc(12345), 12345);
  // Names match whatever their case, as in PostgreSQL.
  auto lower = TimeZone::Load("america/new_york");
  ASSERT_TRUE(lower.ok()) << lower.status().ToString();
  EXPECT_EQ((*lower)->OffsetAt(at("2024-01-01Z")), -5 * 3600);
}

// Literals without a zone are read in the zone given (the session's); a zone in the text wins.
// TIME input and output: clock readings, a timestamp's time of day, 24:00:00, zones ignored;
// malformed and out-of-range text refused with PostgreSQL's SQLSTATEs.
TEST(Datetime, TimeOfDay) {
  constexpr int64_t kH = int64_t{3600} * 1000000;
  EXPECT_EQ(*ParseTime("06:30"), 6 * kH + 30 * 60 * 1000000);
  EXPECT_EQ(*ParseTime(" 7:05:09.25 "), 7 * kH + (5 * 60 + 9) * 1000000 + 250000);
  EXPECT_EQ(*ParseTime("24:00:00"), 24 * kH);
  EXPECT_EQ(*ParseTime("allballs"), 0);
  EXPECT_EQ(*ParseTime("12:00+05:30"), 12 * kH);  // the zone is ignored
  EXPECT_EQ(*ParseTime("2024-03-01 23:59:59.999999"), 24 * kH - 1);
  EXPECT_EQ(*ParseTime("00:00:00.0000005"), 1);  // rounded to the microsecond
  EXPECT_EQ(FormatTime(0), "00:00:00");
  EXPECT_EQ(FormatTime(24 * kH), "24:00:00");
  EXPECT_EQ(FormatTime(13 * kH + 250000), "13:00:00.25");
  EXPECT_EQ(FormatTime(1), "00:00:00.000001");
  for (const char* bad : {"", "abc", "12", "12:", "12:3", "12:30:", "12:30:5x", "12:30 junk",
                          "1:2:3:4", "--", "12:30:00.", "\xff:00"}) {
    auto r = ParseTime(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(std::string(r.status().SqlState()), "22007") << bad;
  }
  for (const char* out : {"25:00", "24:00:01", "12:60", "23:59:61"}) {
    auto r = ParseTime(out);
    ASSERT_FALSE(r.ok()) << out;
    EXPECT_EQ(std::string(r.status().SqlState()), "22008") << out;
  }
}

TEST(Datetime, TimestampLiteralsInAZone) {
  auto ny = TimeZone::Load("America/New_York").value();
  auto at = [](const char* iso) { return ParseTimestamp(iso).value(); };
  EXPECT_EQ(*ParseTimestamp("2024-01-01 00:00", true, ny.get()), at("2024-01-01 05:00Z"));
  EXPECT_EQ(*ParseTimestamp("2024-07-01", true, ny.get()), at("2024-07-01 04:00Z"));
  EXPECT_EQ(*ParseTimestamp("2024-01-01 00:00+00", true, ny.get()), at("2024-01-01 00:00Z"));
  EXPECT_EQ(*ParseTimestamp("2024-01-01 00:00 UTC", true, ny.get()), at("2024-01-01 00:00Z"));
  EXPECT_EQ(*ParseTimestamp("2024-06-01 12:00:00 America/New_York"), at("2024-06-01 16:00Z"));
  EXPECT_EQ(*ParseTimestamp("2024-06-01 12:00 Asia/Kolkata", true, ny.get()),
            at("2024-06-01 06:30Z"));
  // TIMESTAMP input checks a zone and ignores it; the session's zone does not apply.
  EXPECT_EQ(*ParseTimestamp("2024-06-01 12:00 Asia/Kolkata", false, ny.get()),
            at("2024-06-01 12:00Z"));
  EXPECT_EQ(*ParseTimestamp("2024-06-01 12:00", false, ny.get()), at("2024-06-01 12:00Z"));
  for (const char* bad : {"2024-06-01 12:00 Nowhere/City", "2024-06-01 12:00 ../../etc/passwd",
                          "2024-06-01 12:00 x", "2024-06-01 12:00 America/New_York junk"}) {
    EXPECT_FALSE(ParseTimestamp(bad, true, ny.get()).ok()) << bad;
    EXPECT_FALSE(ParseTimestamp(bad, false).ok()) << bad;
  }
}

TEST(Datetime, TimestamptzPrintsInAZone) {
  auto text = [](int64_t micros, int32_t offset) {
    std::string s;
    AppendTimestampAt(micros, offset, &s);
    return s;
  };
  EXPECT_EQ(text(1704067200000000LL, -5 * 3600), "2023-12-31 19:00:00-05");
  EXPECT_EQ(text(1704067200500000LL, 19800), "2024-01-01 05:30:00.5+05:30");
  EXPECT_EQ(text(0, 3600 * 5 + 53 * 60 + 28), "1970-01-01 05:53:28+05:53:28");
  EXPECT_EQ(text(1704067200000000LL, 0), "2024-01-01 00:00:00+00");
  EXPECT_EQ(text(-62135596800000000LL - 1, -3600), "0001-12-31 22:59:59.999999-01 BC");
}

TEST(Strings, ParseByteSize) {
  EXPECT_EQ(ParseByteSize("0"), 0);
  EXPECT_EQ(ParseByteSize("1048576"), 1048576);
  EXPECT_EQ(ParseByteSize("512kB"), 512 * 1024);
  EXPECT_EQ(ParseByteSize("64 MB"), 64LL << 20);
  EXPECT_EQ(ParseByteSize("2GiB"), 2LL << 30);
  EXPECT_EQ(ParseByteSize("1tb"), 1LL << 40);
  EXPECT_EQ(ParseByteSize("7b"), 7);
  for (const char* bad :
       {"", "MB", "-1", "1.5GB", "12 parsecs", "1GBx", "99999999999999999999", "17179869184GB"}) {
    EXPECT_FALSE(ParseByteSize(bad).has_value()) << bad;
  }
}

}  // namespace
// A thread's nice value is its own (Linux): raised in one thread, it is not the process's, and
// threads started from it inherit it.
TEST(Env, ThreadNiceIsPerThread) {
  auto nice_of = [] {
    errno = 0;
    return ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()));
  };
  const int before = nice_of();
  int seen = 0, inherited = 0;
  Status set;
  std::thread t([&] {
    set = SetCurrentThreadNice(std::min(before + 5, 19));
    seen = nice_of();
    std::thread child([&] { inherited = nice_of(); });
    child.join();
  });
  t.join();
  ASSERT_TRUE(set.ok()) << set.ToString();
  EXPECT_EQ(seen, std::min(before + 5, 19));
  EXPECT_EQ(inherited, seen);
  EXPECT_EQ(nice_of(), before);
}

}  // namespace omen
