// Copyright 2026 The OmenDB Authors.
//
// Differential tests: the same SQL runs in OmenDB (sql::SqlEngine, embedded) and in PostgreSQL
// 15 (PgOracle, started on a loopback port) over the same randomly generated data — NULLs,
// duplicate and out-of-order timestamps — and the answers must match as text, row for row
// (as multisets where the query has no ORDER BY). Errors must match in SQLSTATE class.
// Skipped, saying why, when postgresql-15 is missing.

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

#include "common/datetime.h"
#include "oracle/pg_oracle.h"
#include "sql/engine.h"
#include "storage/test_database.h"

namespace omen::test {
namespace {

class Differential : public storage::DatabaseTest {
 protected:
  Differential() : DatabaseTest("omen_diff_", Foreground()) {}
  static void SetUpTestSuite() {
    pg_ = new PgOracle();
    start_ = pg_->Start();
  }
  static void TearDownTestSuite() {
    delete pg_;
    pg_ = nullptr;
  }
  void SetUp() override {
    if (!start_.ok()) GTEST_SKIP() << start_.ToString();
    DatabaseTest::SetUp();
    engine_ = std::make_unique<sql::SqlEngine>(db_.get());
  }
  void TearDown() override {
    engine_.reset();
    if (!dir_.empty()) DatabaseTest::TearDown();  // empty when skipped
  }

  // Runs sql in both; expects both to succeed and returns (omen rows, pg rows).
  void Both(const std::string& sql) {
    auto ours = engine_->Execute(sql);
    ASSERT_TRUE(ours.ok()) << sql << "\n" << ours.status().ToString();
    auto theirs = pg_->Query(sql);
    ASSERT_TRUE(theirs.ok()) << sql << "\n" << theirs.status().ToString();
  }

  // Compares the rows of one SELECT as multisets.
  void Compare(const std::string& sql) {
    auto ours = engine_->Execute(sql);
    ASSERT_TRUE(ours.ok()) << sql << "\n" << ours.status().ToString();
    ASSERT_EQ(ours->size(), 1u);
    auto theirs = pg_->Query(sql);
    ASSERT_TRUE(theirs.ok()) << sql << "\n" << theirs.status().ToString();
    TextRows a = (*ours)[0].rows, b = *theirs;
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    ASSERT_EQ(a.size(), b.size()) << sql;
    for (size_t i = 0; i < a.size(); ++i) {
      ASSERT_EQ(a[i], b[i]) << sql << "\nrow " << i;
    }
    ++compared_;
    last_rows_ = a.size();
  }

  // Both must fail with the same SQLSTATE class (first two characters).
  void CompareError(const std::string& sql) {
    auto ours = engine_->Execute(sql);
    std::string state;
    auto theirs = pg_->Query(sql, &state);
    ASSERT_FALSE(ours.ok()) << sql;
    ASSERT_FALSE(theirs.ok()) << sql;
    EXPECT_EQ(std::string(ours.status().SqlState()).substr(0, 2), state.substr(0, 2))
        << sql << "\nours: " << ours.status().ToString() << "\npg: " << theirs.status().message();
  }

  static PgOracle* pg_;
  static Status start_;
  static int compared_;
  size_t last_rows_ = 0;
  std::unique_ptr<sql::SqlEngine> engine_;
};

PgOracle* Differential::pg_ = nullptr;
Status Differential::start_;
int Differential::compared_ = 0;

TEST_F(Differential, RandomRowsAndTimeRanges) {
  Both("DROP TABLE IF EXISTS m");
  Both(
      "CREATE TABLE m (time timestamptz NOT NULL, host text, v double precision, n bigint, "
      "ok boolean, d date, s smallint, local timestamp)");
  std::mt19937_64 rng(20261124);
  const int64_t t0 = 1704067200000000LL;  // 2024-01-01
  std::vector<int64_t> times;
  for (int batch = 0; batch < 8; ++batch) {
    std::string sql = "INSERT INTO m VALUES ";
    for (int r = 0; r < 60; ++r) {
      int64_t t = t0 + static_cast<int64_t>(rng() % (3 * 86400)) * 1000000;
      if (rng() % 5 == 0 && !times.empty()) t = times[rng() % times.size()];  // duplicates
      if (rng() % 7 == 0) t += static_cast<int64_t>(rng() % 1000000);         // fractions
      times.push_back(t);
      auto maybe = [&](const std::string& v) { return rng() % 6 == 0 ? "NULL" : v; };
      sql += std::string(r ? "," : "") + "('" + FormatTimestamp(t, true) + "'," +
             maybe("'host_" + std::to_string(rng() % 9) + "'") + "," +
             maybe(std::to_string(static_cast<int>(rng() % 20000) - 10000) + "." +
                   std::to_string(rng() % 100)) +
             "," + maybe(std::to_string(static_cast<int64_t>(rng()) >> 20)) + "," +
             maybe(rng() % 2 ? "true" : "false") + "," +
             maybe("'" + FormatDate(static_cast<int32_t>(19700 + rng() % 100)) + "'") + "," +
             maybe(std::to_string(static_cast<int>(rng() % 60000) - 30000)) + "," +
             maybe("'" + FormatTimestamp(t - 3600000000LL, false) + "'") + ")";
    }
    Both(sql);
  }
  Compare("SELECT * FROM m");
  EXPECT_EQ(last_rows_, 480u);
  Compare("SELECT host, v, time FROM m");
  for (int q = 0; q < 40; ++q) {
    int64_t lo = t0 + static_cast<int64_t>(rng() % (3 * 86400)) * 1000000 - 3600000000LL;
    int64_t hi = lo + static_cast<int64_t>(rng() % (86400)) * 1000000;
    const char* ops[][2] = {{">=", "<"}, {">", "<="}, {">=", "<="}};
    auto& op = ops[q % 3];
    Compare("SELECT time, host, n, ok FROM m WHERE time " + std::string(op[0]) + " '" +
            FormatTimestamp(lo, true) + "' AND time " + op[1] + " '" + FormatTimestamp(hi, true) +
            "'");
  }
  // An exact timestamp that occurs several times.
  Compare("SELECT * FROM m WHERE time = '" + FormatTimestamp(times[3], true) + "'");
  EXPECT_GE(last_rows_, 1u);
  std::printf("differential: %d queries compared with PostgreSQL 15\n", compared_);
}

TEST_F(Differential, ErrorsMatchInSqlStateClass) {
  Both("DROP TABLE IF EXISTS e");
  Both("CREATE TABLE e (time timestamptz NOT NULL, v int)");
  CompareError("SELEC 1");
  CompareError("SELECT * FROM no_such_table");
  CompareError("SELECT nope FROM e");
  CompareError("INSERT INTO e (nope) VALUES (1)");
  CompareError("INSERT INTO e VALUES ('2024-01-01', 3000000000)");
  CompareError("INSERT INTO e VALUES ('not a time', 1)");
  CompareError("CREATE TABLE e (time timestamptz NOT NULL)");
}

}  // namespace
}  // namespace omen::test
