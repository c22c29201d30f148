// Copyright 2026 The OmenDB Authors.
//
// EXPLAIN names the aggregation a time-bucket GROUP BY gets (DenseBucketAggregate, or
// HashAggregate with the reason it is not dense), and EXPLAIN ANALYZE says when dense groups
// moved to hashing. The answers themselves are checked against PostgreSQL by corpus_test
// (test/sql/corpus/19_dense_buckets.sql).

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "sql/engine.h"
#include "storage/test_database.h"

namespace omen::sql {
namespace {

class DenseExplainTest : public storage::DatabaseTest {
 protected:
  DenseExplainTest() : DatabaseTest("omen_dense_explain_") {}
  void SetUp() override {
    DatabaseTest::SetUp();
    engine_ = std::make_unique<SqlEngine>(db_.get());
    Exec("CREATE TABLE cpu (time timestamptz NOT NULL, hostname text, usage double precision)");
    std::string values;
    for (int i = 0; i < 600; ++i) {  // every 10 s from 00:00 to 01:39:50
      char ts[32];
      std::snprintf(ts, sizeof(ts), "2024-01-01 %02d:%02d:%02d+00", i / 360, i / 6 % 60,
                    i % 6 * 10);
      values += std::string(i ? "," : "") + "('" + ts + "', 'host_" + std::to_string(i % 3) +
                "', " + std::to_string(i % 97) + ")";
    }
    Exec("INSERT INTO cpu VALUES " + values);
  }
  void TearDown() override {
    engine_.reset();
    DatabaseTest::TearDown();
  }
  std::vector<QueryResult> Exec(const std::string& sql) {
    auto r = engine_->Execute(sql);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
    return r.ok() ? *r : std::vector<QueryResult>{};
  }
  // The plan's lines, joined.
  std::string Plan(const std::string& sql) {
    std::string out;
    for (const QueryResult& q : Exec("EXPLAIN " + sql)) {
      for (const auto& row : q.rows) out += (row.empty() || !row[0] ? "" : *row[0]) + "\n";
    }
    return out;
  }

  std::unique_ptr<SqlEngine> engine_;
};

TEST_F(DenseExplainTest, BucketFormsAreDense) {
  for (const char* sql : {
           "SELECT date_trunc('minute', time), max(usage) FROM cpu GROUP BY 1",
           "SELECT time_bucket('5 minutes', time), hostname, avg(usage) FROM cpu "
           "WHERE time >= '2024-01-01 00:10' AND time < '2024-01-01 00:50' GROUP BY 1, 2",
           "SELECT floor(extract(epoch from time)/300)*300 AS t, count(*) FROM cpu GROUP BY 1",
           "SELECT (extract(epoch from time)::bigint / 60) * 60, hostname, sum(usage) FROM cpu "
           "WHERE time < '2024-01-01 00:30' GROUP BY 1, 2 ORDER BY 1, 2 LIMIT 3",
           "SELECT date_bin('15 minutes', time, '2024-01-01'), min(usage) FROM cpu GROUP BY 1",
       }) {
    const std::string plan = Plan(sql);
    EXPECT_NE(plan.find("DenseBucketAggregate"), std::string::npos) << sql << "\n" << plan;
  }
}

TEST_F(DenseExplainTest, OtherShapesHashAndSayWhy) {
  std::string plan = Plan(
      "SELECT date_trunc('hour', time), count(DISTINCT hostname) FROM cpu "
      "GROUP BY 1");
  EXPECT_NE(plan.find("HashAggregate"), std::string::npos) << plan;
  EXPECT_NE(plan.find("not dense: an aggregate without a dense form"), std::string::npos) << plan;
  plan = Plan("SELECT date_trunc('microseconds', time), count(*) FROM cpu GROUP BY 1");
  EXPECT_NE(plan.find("not dense"), std::string::npos) << plan;  // more buckets than rows
  plan = Plan("SELECT date_trunc('month', time), count(*) FROM cpu GROUP BY 1");
  EXPECT_NE(plan.find("HashAggregate (1 keys, 1 aggregates, parallel"), std::string::npos) << plan;
  plan = Plan("SELECT hostname, count(*) FROM cpu GROUP BY 1");
  EXPECT_EQ(plan.find("bucket"), std::string::npos) << plan;
}

TEST_F(DenseExplainTest, AnalyzeAgreesWithPlainAnswer) {
  auto dense = Exec(
      "SELECT date_trunc('minute', time) AS m, hostname, count(*), sum(usage) "
      "FROM cpu GROUP BY 1, 2 ORDER BY 1, 2");
  ASSERT_EQ(dense.size(), 1u);
  EXPECT_EQ(dense[0].rows.size(), 100u * 3);  // 100 minutes x 3 hosts
  auto analyze = Exec(
      "EXPLAIN ANALYZE SELECT date_trunc('minute', time) AS m, hostname, "
      "count(*) FROM cpu GROUP BY 1, 2");
  ASSERT_EQ(analyze.size(), 1u);
  std::string text;
  for (const auto& row : analyze[0].rows) text += *row[0] + "\n";
  EXPECT_NE(text.find("DenseBucketAggregate"), std::string::npos) << text;
  EXPECT_EQ(text.find("moved to hashing"), std::string::npos) << text;
}

// ORDER BY bucket DESC LIMIT k: EXPLAIN ANALYZE runs (and names) the top-buckets window, with
// the plan of the try that answered only; plain EXPLAIN shows the first try's window, the plan
// a run starts with.
TEST_F(DenseExplainTest, AnalyzeShowsTopBucketsWindow) {
  const std::string query =
      "SELECT date_trunc('minute', time) AS m, max(usage) FROM cpu GROUP BY 1 "
      "ORDER BY 1 DESC LIMIT 3";
  auto analyze = Exec("EXPLAIN ANALYZE " + query);
  ASSERT_EQ(analyze.size(), 1u);
  std::string text;
  for (const auto& row : analyze[0].rows) text += *row[0] + "\n";
  EXPECT_NE(text.find("Top buckets: aggregated the 3 buckets nearest the data's end (1 try)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("time range [2024-01-01 01:37:00+00, infinity)"), std::string::npos) << text;
  EXPECT_NE(text.find("3 rows returned"), std::string::npos) << text;
  size_t scans = 0;
  for (size_t at = text.find("Scan cpu"); at != std::string::npos; at = text.find("Scan cpu", at + 1))
    ++scans;
  EXPECT_EQ(scans, 1u) << text;
  // A HAVING that only the earliest minutes pass: windows widen 8x until 3 groups come back.
  auto wide = Exec(
      "EXPLAIN ANALYZE SELECT date_trunc('minute', time) AS m, max(usage) FROM cpu GROUP BY 1 "
      "HAVING min(time) < '2024-01-01 00:03' ORDER BY 1 DESC LIMIT 3");
  ASSERT_EQ(wide.size(), 1u);
  text.clear();
  for (const auto& row : wide[0].rows) text += *row[0] + "\n";
  EXPECT_NE(text.find("tries, widening 8x"), std::string::npos) << text;
  const std::string plan = Plan(query);
  EXPECT_NE(plan.find("Top buckets: the first try aggregates the 3 buckets nearest the data's "
                      "end; while fewer than 3 groups come back, tries 8x wider follow"),
            std::string::npos)
      << plan;
  EXPECT_NE(plan.find("time range [2024-01-01 01:37:00+00, infinity)"), std::string::npos)
      << plan;
}

}  // namespace
}  // namespace omen::sql
