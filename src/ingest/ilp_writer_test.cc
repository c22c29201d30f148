// Copyright 2026 The OmenDB Authors.
//
// Line protocol to SQL: every field type round-trips, schema on write (new measurement, new
// tags and fields), rejected lines (type conflicts, reserved and clashing keys, out-of-range
// unsigned values) with the good lines of the same input kept, and concurrent writers adding
// columns to one table.

#include "ingest/ilp_writer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "common/env.h"
#include "sql/engine.h"
#include "storage/test_database.h"

namespace omen::ingest {
namespace {

class IlpWriterTest : public storage::DatabaseTest {
 protected:
  IlpWriterTest() : DatabaseTest("omen_ilpw_") {}
  void TearDown() override { DatabaseTest::TearDown(); }
  // Parses and writes `text`; returns the rejected lines' errors.
  std::vector<LineError> Write(const std::string& text, int64_t now_us = 1000) {
    ParsedBatch batch;
    ParseLines(text, Precision::kNanoseconds, true, 1, &batch);
    std::vector<LineError> errors = std::move(batch.errors);
    IlpWriter w(db_.get());
    auto added = w.Append(batch, now_us, &errors);
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    Status s = w.Flush();
    EXPECT_TRUE(s.ok()) << s.ToString();
    return errors;
  }
  sql::QueryResult Query(const std::string& q) {
    sql::SqlEngine engine(db_.get());
    auto r = engine.Execute(q);
    EXPECT_TRUE(r.ok()) << q << ": " << r.status().ToString();
    return r.ok() ? r->back() : sql::QueryResult{};
  }
  static std::vector<std::string> Row(const sql::QueryResult& r, size_t i) {
    std::vector<std::string> out;
    for (const auto& v : r.rows.at(i)) out.push_back(v ? *v : "NULL");
    return out;
  }
};

TEST_F(IlpWriterTest, EveryFieldTypeRoundTrips) {
  auto errors = Write(
      "weather,station=s1,region=eu temp=21.5,count=7i,big=18446744073709551615u,"
      "ok=true,note=\"a \\\"quoted\\\" note, with comma\" 1700000000123456789\n"
      "weather,station=s2,region=eu temp=-3,count=-2i,big=5u,ok=F,note=\"\" 1700000001000000000\n");
  ASSERT_EQ(errors.size(), 1u);  // big=18446744073709551615u does not fit a bigint
  EXPECT_EQ(errors[0].line_no, 1);
  EXPECT_NE(errors[0].message.find("out of range for bigint"), std::string::npos)
      << errors[0].message;
  Write(
      "weather,station=s1,region=eu temp=21.5,count=7i,big=9223372036854775807u,ok=true,"
      "note=\"a \\\"quoted\\\" note, with comma\" 1700000000123456789\n");
  auto cols = Query(
      "SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE "
      "table_name = 'weather' ORDER BY ordinal_position");
  ASSERT_EQ(cols.rows.size(), 8u);
  EXPECT_EQ(Row(cols, 0), (std::vector<std::string>{"time", "timestamp with time zone", "NO"}));
  EXPECT_EQ(Row(cols, 1), (std::vector<std::string>{"station", "text", "YES"}));
  EXPECT_EQ(Row(cols, 3), (std::vector<std::string>{"temp", "double precision", "YES"}));
  EXPECT_EQ(Row(cols, 4), (std::vector<std::string>{"count", "bigint", "YES"}));
  EXPECT_EQ(Row(cols, 5), (std::vector<std::string>{"big", "bigint", "YES"}));
  EXPECT_EQ(Row(cols, 6), (std::vector<std::string>{"ok", "boolean", "YES"}));
  EXPECT_EQ(Row(cols, 7), (std::vector<std::string>{"note", "text", "YES"}));
  auto r =
      Query("SELECT time, station, region, temp, count, big, ok, note FROM weather ORDER BY time");
  ASSERT_EQ(r.rows.size(), 2u);
  // Nanoseconds are stored at microsecond resolution (rounded toward -infinity).
  EXPECT_EQ(Row(r, 0), (std::vector<std::string>{"2023-11-14 22:13:20.123456+00", "s1", "eu",
                                                 "21.5", "7", "9223372036854775807", "t",
                                                 "a \"quoted\" note, with comma"}));
  EXPECT_EQ(Row(r, 1), (std::vector<std::string>{"2023-11-14 22:13:21+00", "s2", "eu", "-3", "-2",
                                                 "5", "f", ""}));
}

TEST_F(IlpWriterTest, SchemaGrowsWithNewTagsAndFields) {
  Write("cpu,host=a usage=1 1000\n");
  Write("cpu,host=b,rack=r1 usage=2,temp=40i 2000\ncpu,host=c usage=3 3000\n");
  auto r = Query("SELECT host, rack, usage, temp FROM cpu ORDER BY time");
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(Row(r, 0), (std::vector<std::string>{"a", "NULL", "1", "NULL"}));
  EXPECT_EQ(Row(r, 1), (std::vector<std::string>{"b", "r1", "2", "40"}));
  EXPECT_EQ(Row(r, 2), (std::vector<std::string>{"c", "NULL", "3", "NULL"}));
  // A line without a timestamp takes the writer's clock; ILP tables are ordinary SQL tables.
  Write("cpu,host=d usage=4\n", /*now_us=*/5000);
  r = Query("SELECT time, host FROM cpu WHERE host = 'd'");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(Row(r, 0)[0], "1970-01-01 00:00:00.005+00");
  r = Query(
      "INSERT INTO cpu (time, host, usage) VALUES ('2024-01-01', 'sql', 9); "
      "SELECT count(*), sum(usage) FROM cpu");
  EXPECT_EQ(Row(r, 0), (std::vector<std::string>{"5", "19"}));
}

TEST_F(IlpWriterTest, BadLinesAreRejectedAndTheRestKept) {
  Write("m,t=a f=1.5,s=\"x\" 1000\n");
  auto errors = Write(
      "m,t=b f=2.5 2000\n"
      "m,t=c f=\"text\" 3000\n"  // float column, string value
      "m,t=d s=1i 4000\n"        // text column, integer value
      "m,t=e time=1 5000\n"      // reserved key
      "m,t=f t=1 6000\n"         // a tag and a field with one key
      "m,t=g f=3.5 7000\n"
      "m,t=h f=4i 8000\n"  // an integer into a float column is fine
      "not a line\n"       // a parse error
      "m f=5 9000\n");
  std::vector<int64_t> lines;
  for (const auto& e : errors) lines.push_back(e.line_no);
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(lines, (std::vector<int64_t>{2, 3, 4, 5, 8}));
  auto r = Query("SELECT t, f FROM m ORDER BY time");
  ASSERT_EQ(r.rows.size(), 5u);
  EXPECT_EQ(Row(r, 1), (std::vector<std::string>{"b", "2.5"}));
  EXPECT_EQ(Row(r, 2), (std::vector<std::string>{"g", "3.5"}));
  EXPECT_EQ(Row(r, 3), (std::vector<std::string>{"h", "4"}));
  EXPECT_EQ(Row(r, 4), (std::vector<std::string>{"NULL", "5"}));
}

TEST_F(IlpWriterTest, RepeatedKeysReuseTheirResolution) {
  ParsedBatch batch;
  const std::string text =
      "m,t=a v=1i 1000\n"
      "m,t=b v=2.5 2000\n"  // same keys, a float for the bigint column: rejected
      "m,t=c v=3i 3000\n"
      "m,t=x v=1i,v=2.5 3500\n"  // a parse error (one field, two types) between equal keys
      "m,t=d v=4i 4000\n"
      "m,t=e,u=x v=5i 5000\n"  // a new tag: a column is added mid-batch
      "m,t=f,u=y v=6i 6000\n"
      "n,t=g,u=q v=7i 7000\n"  // the same keys in another measurement
      "m,t=h,u=z v=8i 8000\n";
  ParseLines(text, Precision::kNanoseconds, true, 1, &batch);
  ASSERT_EQ(batch.lines.size(), 8u);
  EXPECT_FALSE(batch.lines[0].keys_as_previous);
  EXPECT_TRUE(batch.lines[1].keys_as_previous);
  EXPECT_TRUE(batch.lines[2].keys_as_previous);
  EXPECT_FALSE(batch.lines[3].keys_as_previous);  // after a failed line: no claim
  EXPECT_FALSE(batch.lines[4].keys_as_previous);
  EXPECT_TRUE(batch.lines[5].keys_as_previous);
  EXPECT_TRUE(batch.lines[6].keys_as_previous);  // other measurement, same keys
  std::vector<LineError> errors = std::move(batch.errors);
  IlpWriter w(db_.get());
  ASSERT_TRUE(w.Append(batch, 0, &errors).ok());
  ASSERT_TRUE(w.Flush().ok());
  std::vector<int64_t> lines;
  for (const auto& e : errors) lines.push_back(e.line_no);
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(lines, (std::vector<int64_t>{2, 4}));
  auto r = Query("SELECT t, u, v FROM m ORDER BY time");
  ASSERT_EQ(r.rows.size(), 6u);
  EXPECT_EQ(Row(r, 0), (std::vector<std::string>{"a", "NULL", "1"}));
  EXPECT_EQ(Row(r, 2), (std::vector<std::string>{"d", "NULL", "4"}));
  EXPECT_EQ(Row(r, 3), (std::vector<std::string>{"e", "x", "5"}));
  EXPECT_EQ(Row(r, 5), (std::vector<std::string>{"h", "z", "8"}));
  r = Query("SELECT t, u, v FROM n");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(Row(r, 0), (std::vector<std::string>{"g", "q", "7"}));
}

TEST_F(IlpWriterTest, SqlTablesAndNotNullColumns) {
  Query("CREATE TABLE s (ts TIMESTAMPTZ NOT NULL, dev TEXT NOT NULL, v INTEGER)");
  auto errors = Write(
      "s,dev=a v=1i 1000\n"
      "s v=2i 2000\n"                  // dev is NOT NULL
      "s,dev=b v=99999999999i 3000\n"  // beyond integer
      "s,dev=c v=3i,extra=1 4000\n");
  ASSERT_EQ(errors.size(), 2u);
  auto r = Query("SELECT dev, v, extra FROM s ORDER BY ts");
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(Row(r, 0), (std::vector<std::string>{"a", "1", "NULL"}));
  EXPECT_EQ(Row(r, 1), (std::vector<std::string>{"c", "3", "1"}));
}

TEST_F(IlpWriterTest, ConcurrentWritersAddColumns) {
  constexpr int kThreads = 4, kRounds = 30;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      IlpWriter w(db_.get());
      for (int i = 0; i < kRounds; ++i) {
        const std::string text = "c,w=w" + std::to_string(t) + " f" + std::to_string(t) + "_" +
                                 std::to_string(i % 5) + "=" + std::to_string(i) + "i," + "n=1i " +
                                 std::to_string((t * kRounds + i) * 1000) + "\n";
        ParsedBatch batch;
        ParseLines(text, Precision::kNanoseconds, true, 1, &batch);
        std::vector<LineError> errors;
        auto added = w.Append(batch, 0, &errors);
        EXPECT_TRUE(added.ok()) << added.status().ToString();
        EXPECT_TRUE(errors.empty()) << errors[0].message;
        if (i % 3 == 0) {
          Status s = w.Flush();
          EXPECT_TRUE(s.ok()) << s.ToString();
        }
      }
      Status s = w.Flush();
      EXPECT_TRUE(s.ok()) << s.ToString();
    });
  }
  for (auto& th : threads) th.join();
  auto r = Query("SELECT count(*), sum(n), count(DISTINCT w) FROM c");
  EXPECT_EQ(Row(r, 0), (std::vector<std::string>{std::to_string(kThreads * kRounds),
                                                 std::to_string(kThreads * kRounds),
                                                 std::to_string(kThreads)}));
  auto cols = Query("SELECT count(*) FROM information_schema.columns WHERE table_name = 'c'");
  EXPECT_EQ(Row(cols, 0)[0], std::to_string(3 + kThreads * 5));
}

}  // namespace
// Lines with the keys of the previous one take the planned path; one whose value needs a
// check (another type, an unsigned beyond bigint) still gets it, and the lines around it are
// kept with their own values.
TEST_F(IlpWriterTest, RepeatedKeysStillCheckEachLine) {
  auto errors = Write(
      "m,h=a v=1i,w=1.5 1000000000\n"
      "m,h=b v=2i,w=2.5 2000000000\n"
      "m,h=a v=3.5,w=3.5 3000000000\n"                   // float into a bigint column
      "m,h=c v=9223372036854775808u,w=4.5 4000000000\n"  // beyond bigint
      "m,h=c v=5u,w=5i 5000000000\n"                     // unsigned and integer that fit
      "m,h=a v=6i,w=6.5 6000000000\n");
  ASSERT_EQ(errors.size(), 2u);
  std::sort(errors.begin(), errors.end(),
            [](const LineError& a, const LineError& b) { return a.line_no < b.line_no; });
  EXPECT_EQ(errors[0].line_no, 3);
  EXPECT_NE(errors[0].message.find("is type float"), std::string::npos) << errors[0].message;
  EXPECT_EQ(errors[1].line_no, 4);
  auto r = Query("SELECT h, v, w FROM m ORDER BY time");
  ASSERT_EQ(r.rows.size(), 4u);
  EXPECT_EQ(Row(r, 0), (std::vector<std::string>{"a", "1", "1.5"}));
  EXPECT_EQ(Row(r, 1), (std::vector<std::string>{"b", "2", "2.5"}));
  EXPECT_EQ(Row(r, 2), (std::vector<std::string>{"c", "5", "5"}));
  EXPECT_EQ(Row(r, 3), (std::vector<std::string>{"a", "6", "6.5"}));
}

// One writer over several batches (as a TCP connection or a pooled HTTP writer): tag codes
// cached across batches stay right, lines with fewer keys get NULLs, and a table dropped or
// altered between batches is found again.
TEST_F(IlpWriterTest, WriterReusedAcrossBatchesAndSchemaChanges) {
  IlpWriter w(db_.get());
  auto write = [&](const std::string& text) {
    ParsedBatch batch;
    ParseLines(text, Precision::kNanoseconds, true, 1, &batch);
    std::vector<LineError> errors = std::move(batch.errors);
    auto added = w.Append(batch, 0, &errors);
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    EXPECT_TRUE(errors.empty()) << errors[0].message;
    auto taken = w.TakeBatches();
    EXPECT_TRUE(taken.ok());
    for (PendingBatch& b : *taken) EXPECT_TRUE(InsertBatch(db_.get(), &b).ok());
  };
  std::string text;
  for (int i = 0; i < 50; ++i) {
    text += "cpu,host=h" + std::to_string(i % 7) + ",dc=d" + std::to_string(i % 3) +
            " u=" + std::to_string(i) + "i " + std::to_string(1000000000LL * (i + 1)) + "\n";
  }
  write(text);
  write(text.substr(0, text.find('\n') + 1) + "cpu,host=h9 u=7i 99000000000\n");
  auto r = Query("SELECT count(*), count(dc), count(DISTINCT host) FROM cpu");
  EXPECT_EQ(Row(r, 0), (std::vector<std::string>{"52", "51", "8"}));
  r = Query("SELECT host, dc, u FROM cpu WHERE time = '1970-01-01 00:00:07+00'");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(Row(r, 0), (std::vector<std::string>{"h6", "d0", "6"}));
  r = Query("SELECT host, dc, u FROM cpu WHERE time = '1970-01-01 00:01:39+00'");
  EXPECT_EQ(Row(r, 0), (std::vector<std::string>{"h9", "NULL", "7"}));

  Query("ALTER TABLE cpu ADD COLUMN note TEXT");
  write("cpu,host=h1 u=1i,note=\"x\" 100000000000\n");
  r = Query("SELECT note FROM cpu WHERE note IS NOT NULL");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(Row(r, 0), (std::vector<std::string>{"x"}));

  Query("DROP TABLE cpu");
  write("cpu,host=h1 u=2i 101000000000\n");
  r = Query("SELECT host, u FROM cpu");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(Row(r, 0), (std::vector<std::string>{"h1", "2"}));
}

}  // namespace omen::ingest
