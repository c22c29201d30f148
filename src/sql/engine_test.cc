// Copyright 2026 The OmenDB Authors.

#include "sql/engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>

#include "common/env.h"
#include "storage/test_database.h"

namespace omen::sql {
namespace {

class EngineTest : public storage::DatabaseTest {
 protected:
  EngineTest() : DatabaseTest("omen_engine_", Foreground()) {}
  void SetUp() override {
    DatabaseTest::SetUp();
    engine_ = std::make_unique<SqlEngine>(db_.get());
  }
  void TearDown() override {
    engine_.reset();
    DatabaseTest::TearDown();
  }
  Result<std::vector<QueryResult>> Run(const std::string& sql) { return engine_->Execute(sql); }

  std::unique_ptr<SqlEngine> engine_;
};

TEST_F(EngineTest, CreateInsertSelectWithTimeRange) {
  auto r =
      Run("CREATE TABLE cpu (time timestamptz NOT NULL, host text, usage double precision, n int, "
          "ok boolean, d date) WITH (partition_by = 'hour', retention = '30 days');"
          "INSERT INTO cpu VALUES ('2024-01-01 00:00:00Z', 'a', 1.5, 1, true, '2024-01-01'),"
          " ('2024-01-01 01:30:00+01', 'b', NULL, -2, 'f', NULL),"
          " ('2024-01-01 02:00:00.25', NULL, 3, NULL, NULL, '2023-12-31');"
          "SELECT * FROM cpu WHERE time >= '2024-01-01 00:30:00Z' AND time < '2024-01-02'");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].command_tag, "CREATE TABLE");
  EXPECT_EQ((*r)[1].command_tag, "INSERT 0 3");
  const QueryResult& q = (*r)[2];
  EXPECT_EQ(q.column_names, (std::vector<std::string>{"time", "host", "usage", "n", "ok", "d"}));
  EXPECT_EQ(q.column_types[0], "timestamp with time zone");
  ASSERT_EQ(q.rows.size(), 2u);
  std::vector<std::vector<std::optional<std::string>>> want = {
      {"2024-01-01 00:30:00+00", "b", std::nullopt, "-2", "f", std::nullopt},
      {"2024-01-01 02:00:00.25+00", std::nullopt, "3", std::nullopt, std::nullopt, "2023-12-31"}};
  auto rows = q.rows;
  std::sort(rows.begin(), rows.end());
  std::sort(want.begin(), want.end());
  EXPECT_EQ(rows, want);
  EXPECT_EQ(db_->FindTable("cpu")->options.retention_us, 30LL * 86400 * 1000000);
}

TEST_F(EngineTest, AlterDropAndLimit) {
  ASSERT_TRUE(Run("CREATE TABLE t (ts timestamp NOT NULL, v bigint)").ok());
  ASSERT_TRUE(Run("INSERT INTO t (v, ts) VALUES (1, '2024-01-01'), (2, '2024-01-02'), "
                  "(3, '2024-01-03')")
                  .ok());
  ASSERT_TRUE(Run("ALTER TABLE t ADD COLUMN tag varchar(10)").ok());
  auto r = Run("SELECT v, tag AS label FROM t LIMIT 2 OFFSET 1");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)[0].column_names, (std::vector<std::string>{"v", "label"}));
  EXPECT_EQ((*r)[0].rows.size(), 2u);
  EXPECT_EQ((*r)[0].command_tag, "SELECT 2");
  ASSERT_TRUE(Run("DROP TABLE t; DROP TABLE IF EXISTS t").ok());
  EXPECT_EQ(db_->FindTable("t"), nullptr);
}

TEST_F(EngineTest, ErrorsCarrySqlStates) {
  auto state = [&](const std::string& sql) {
    auto r = Run(sql);
    return r.ok() ? std::string("00000") : std::string(r.status().SqlState());
  };
  EXPECT_EQ(state("SELEC 1"), "42601");
  EXPECT_EQ(state("SELECT * FROM nope"), "42P01");
  EXPECT_EQ(state("CREATE TABLE t (ts timestamptz NOT NULL, v int, v int)"), "42P07");
  ASSERT_EQ(state("CREATE TABLE t (ts timestamptz NOT NULL, v int)"), "00000");
  EXPECT_EQ(state("CREATE TABLE t (ts timestamptz NOT NULL)"), "42P07");
  EXPECT_EQ(state("CREATE TABLE IF NOT EXISTS t (ts timestamptz NOT NULL)"), "00000");
  EXPECT_EQ(state("SELECT nope FROM t"), "42703");
  EXPECT_EQ(state("INSERT INTO t (nope) VALUES (1)"), "42703");
  EXPECT_EQ(state("INSERT INTO t VALUES (NULL, 1)"), "23502");  // not_null_violation
  EXPECT_EQ(state("INSERT INTO t VALUES ('not a time', 1)"), "22023");
  EXPECT_EQ(state("INSERT INTO t VALUES ('2024-01-01', 3000000000)"), "22023");
  EXPECT_EQ(state("SELECT count(*) FROM t JOIN u ON true"), "42P01");  // joins work; u is missing
  EXPECT_EQ(state("SELECT count(*) FROM t, LATERAL (SELECT 1) s"), "0A000");
  EXPECT_EQ(state("SELECT 1/0"), "22012");
  EXPECT_EQ(state("SELECT nope(1)"), "42883");
  EXPECT_EQ(state("SELECT v FROM t GROUP BY ts"), "42803");
  EXPECT_EQ(state("CREATE TABLE u (a int)"), "22023");  // no time column
  EXPECT_EQ(state("CREATE TABLE u (ts timestamptz NOT NULL) WITH (bogus = 1)"), "22023");
  EXPECT_EQ(state("CREATE TABLE u (ts timestamptz NOT NULL, x numeric)"), "0A000");
}

TEST_F(EngineTest, SetShowResetAndTransactionBlocks) {
  auto r =
      Run("SET statement_timeout = '5s'; SHOW statement_timeout; SET TIME ZONE 'UTC';"
          "SET application_name TO 'grafana'; SHOW application_name; RESET application_name;"
          "SHOW application_name; SHOW server_version; SET extra_float_digits = 3");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 9u);
  EXPECT_EQ((*r)[0].command_tag, "SET");
  EXPECT_EQ((*r)[1].rows[0][0], "5s");
  EXPECT_EQ((*r)[4].column_names[0], "application_name");
  EXPECT_EQ((*r)[4].rows[0][0], "grafana");
  EXPECT_EQ((*r)[5].command_tag, "RESET");
  EXPECT_EQ((*r)[6].rows[0][0], "");
  EXPECT_EQ((*r)[7].rows[0][0], kServerVersion);
  EXPECT_EQ(engine_->settings().statement_timeout_ms(), 5000);
  EXPECT_EQ(engine_->settings().extra_float_digits(), 3);
  EXPECT_EQ(Run("SHOW no_such_thing").status().SqlState(), std::string("42704"));
  EXPECT_EQ(Run("SET server_version = '9'").status().SqlState(), std::string("55P02"));
  EXPECT_EQ(Run("SET client_encoding = 'LATIN1'").status().SqlState(), std::string("22023"));
  EXPECT_EQ(Run("SET extra_float_digits = 'x'").status().SqlState(), std::string("22023"));
  EXPECT_TRUE(Run("SET my.custom = 'v'").ok());

  // A block: errors put it in the failed state until COMMIT/ROLLBACK, which answers ROLLBACK.
  EXPECT_EQ(engine_->transaction_status(), 'I');
  ASSERT_TRUE(Run("BEGIN").ok());
  EXPECT_EQ(engine_->transaction_status(), 'T');
  EXPECT_FALSE(Run("SELECT 1/0").ok());
  EXPECT_EQ(engine_->transaction_status(), 'E');
  EXPECT_EQ(Run("SELECT 1").status().SqlState(), std::string("25P02"));
  auto c = Run("COMMIT");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((*c)[0].command_tag, "ROLLBACK");
  EXPECT_EQ(engine_->transaction_status(), 'I');
  ASSERT_TRUE(Run("START TRANSACTION; SELECT 1; COMMIT").ok());
  EXPECT_EQ(engine_->transaction_status(), 'I');
}

// Cursors: every FETCH direction over a materialized result, MOVE, CLOSE, and the rules for
// transaction blocks (PostgreSQL's answers, position by position).
TEST_F(EngineTest, CursorsFetchInEveryDirection) {
  // "FETCH n: v1,v2,..." for one statement.
  auto fetch = [&](const std::string& sql) -> std::string {
    auto r = Run(sql);
    if (!r.ok()) return "ERROR " + std::string(r.status().SqlState());
    std::string out = (*r)[0].command_tag + ":";
    for (const auto& row : (*r)[0].rows) out += " " + row[0].value_or("NULL");
    return out;
  };
  EXPECT_EQ(fetch("DECLARE c CURSOR FOR SELECT g FROM generate_series(1, 5) g"), "ERROR 25P01");
  ASSERT_TRUE(Run("BEGIN").ok());
  EXPECT_EQ(fetch("DECLARE c CURSOR FOR SELECT g FROM generate_series(1, 5) g ORDER BY g"),
            "DECLARE CURSOR:");
  EXPECT_EQ(fetch("FETCH 2 FROM c"), "FETCH 2: 1 2");
  EXPECT_EQ(fetch("FETCH NEXT FROM c"), "FETCH 1: 3");
  EXPECT_EQ(fetch("FETCH PRIOR FROM c"), "FETCH 1: 2");
  EXPECT_EQ(fetch("FETCH RELATIVE 0 FROM c"), "FETCH 1: 2");
  EXPECT_EQ(fetch("FETCH BACKWARD 5 FROM c"), "FETCH 1: 1");  // then before the first row
  EXPECT_EQ(fetch("FETCH RELATIVE 0 FROM c"), "FETCH 0:");
  EXPECT_EQ(fetch("FETCH LAST FROM c"), "FETCH 1: 5");
  EXPECT_EQ(fetch("FETCH ABSOLUTE -2 FROM c"), "FETCH 1: 4");
  EXPECT_EQ(fetch("FETCH ABSOLUTE 9 FROM c"), "FETCH 0:");  // after the last row
  EXPECT_EQ(fetch("FETCH BACKWARD 2 FROM c"), "FETCH 2: 5 4");
  EXPECT_EQ(fetch("MOVE FIRST IN c"), "MOVE 1:");
  EXPECT_EQ(fetch("FETCH ALL FROM c"), "FETCH 4: 2 3 4 5");
  EXPECT_EQ(fetch("FETCH ALL FROM c"), "FETCH 0:");
  EXPECT_EQ(fetch("MOVE BACKWARD ALL IN c"), "MOVE 5:");
  EXPECT_EQ(fetch("FETCH FORWARD 2147483647 FROM c"), "FETCH 5: 1 2 3 4 5");
  EXPECT_EQ(fetch("FETCH ABSOLUTE -2147483647 FROM c"), "FETCH 0:");
  EXPECT_EQ(fetch("FETCH 1 FROM nosuch"), "ERROR 34000");
  ASSERT_TRUE(Run("ROLLBACK").ok());  // the block's cursors close with it
  EXPECT_EQ(fetch("FETCH 1 FROM nosuch"), "ERROR 34000");
  EXPECT_EQ(fetch("FETCH 1 FROM c"), "ERROR 34000");
  EXPECT_EQ(fetch("DECLARE h CURSOR WITH HOLD FOR SELECT 'x' AS a"), "DECLARE CURSOR:");
  EXPECT_EQ(fetch("DECLARE h CURSOR WITH HOLD FOR SELECT 1"), "ERROR 42P03");
  EXPECT_EQ(fetch("FETCH 5 FROM h"), "FETCH 1: x");
  EXPECT_EQ(fetch("CLOSE h"), "CLOSE CURSOR:");
  EXPECT_EQ(fetch("CLOSE h"), "ERROR 34000");
  EXPECT_EQ(fetch("DECLARE b BINARY CURSOR WITH HOLD FOR SELECT 1"), "ERROR 0A000");
  ASSERT_TRUE(Run("DECLARE h CURSOR WITH HOLD FOR SELECT 1; CLOSE ALL").ok());
  EXPECT_EQ(fetch("FETCH 1 FROM h"), "ERROR 34000");
}

// timestamptz values print in the session's TimeZone (IANA zones with their DST rules), in
// results, ::text casts and COPY TO; an unknown zone is refused by SET.
TEST_F(EngineTest, TimestamptzPrintsInTheSessionTimeZone) {
  ASSERT_TRUE(Run("CREATE TABLE z (time timestamptz NOT NULL, v int);"
                  "INSERT INTO z VALUES ('2024-01-01 00:00:00+00', 1), ('2024-07-01 12:00:00+00', "
                  "2)")
                  .ok());
  ASSERT_TRUE(Run("SET TimeZone = 'America/New_York'").ok());
  auto r = Run("SELECT time, time::text FROM z ORDER BY time");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)[0].rows[0][0], std::optional<std::string>("2023-12-31 19:00:00-05"));
  EXPECT_EQ((*r)[0].rows[0][1], std::optional<std::string>("2023-12-31 19:00:00-05"));
  EXPECT_EQ((*r)[0].rows[1][0], std::optional<std::string>("2024-07-01 08:00:00-04"));
  const std::string path = dir_ + "/out.csv";
  ASSERT_TRUE(Run("COPY (SELECT time FROM z ORDER BY time) TO '" + path + "' (FORMAT csv)").ok());
  EXPECT_EQ(*Env::Default()->ReadFile(path), "2023-12-31 19:00:00-05\n2024-07-01 08:00:00-04\n");
  EXPECT_EQ(Run("SET TimeZone = 'Nowhere/City'").status().SqlState(), std::string("22023"));
  ASSERT_TRUE(Run("SET TimeZone = 'UTC'").ok());
  r = Run("SELECT time FROM z ORDER BY time LIMIT 1");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].rows[0][0], std::optional<std::string>("2024-01-01 00:00:00+00"));
}

// COPY table TO reads the table from one storage snapshot a batch at a time: it writes what
// COPY (SELECT * FROM table) TO writes, under a memory bound the query exceeds, and stops when
// cancelled.
TEST_F(EngineTest, CopyTableToStreamsUnderTheMemoryBound) {
  ASSERT_TRUE(Run("CREATE TABLE m (time timestamptz NOT NULL, host text, v double precision, n "
                  "bigint) WITH (partition_by = 'hour');"
                  "INSERT INTO m SELECT '2024-01-01 00:00:00+00'::timestamptz + g * interval '100 "
                  "ms', 'host_' || (g % 37), CASE WHEN g % 11 = 0 THEN NULL ELSE g * 0.5 END, g "
                  "FROM generate_series(0, 149999) g")
                  .ok());
  ASSERT_TRUE(db_->Checkpoint().ok());  // these rows in segments, the next in write buffers
  ASSERT_TRUE(Run("INSERT INTO m SELECT '2024-01-01 00:00:00.05+00'::timestamptz + g * interval "
                  "'1 s', NULL, g, NULL FROM generate_series(0, 49999) g")
                  .ok());
  auto lines = [](const std::string& path) {
    std::vector<std::string> out;
    std::string text = *Env::Default()->ReadFile(path);
    size_t at = 0;
    for (size_t nl; (nl = text.find('\n', at)) != std::string::npos; at = nl + 1) {
      out.push_back(text.substr(at, nl - at));
    }
    EXPECT_EQ(at, text.size());
    return out;
  };
  const std::string streamed = dir_ + "/streamed.csv", queried = dir_ + "/queried.csv";
  auto r = Run("COPY m TO '" + streamed + "' (FORMAT csv, HEADER)");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->back().command_tag, "COPY 200000");
  ASSERT_TRUE(Run("COPY (SELECT * FROM m) TO '" + queried + "' (FORMAT csv, HEADER)").ok());
  std::vector<std::string> a = lines(streamed), b = lines(queried);
  ASSERT_EQ(a.size(), 200001u);
  EXPECT_EQ(a.front(), "time,host,v,n");
  std::sort(a.begin() + 1, a.end());
  std::sort(b.begin() + 1, b.end());
  EXPECT_EQ(a, b);

  QueryOptions bounded;
  bounded.memory_limit = 1 << 20;  // the 200k rows take several MiB at once
  SqlEngine small(db_.get(), bounded);
  const std::string text = dir_ + "/bounded.txt";
  r = small.Execute("COPY m (n, host) TO '" + text + "'");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->back().command_tag, "COPY 200000");
  std::vector<std::string> c = lines(text);
  ASSERT_EQ(c.size(), 200000u);
  EXPECT_EQ(std::count(c.begin(), c.end(), "\\N\t\\N"), 50000);
  EXPECT_EQ(small.Execute("COPY (SELECT * FROM m) TO '" + text + "'").status().SqlState(),
            std::string("53200"));
  EXPECT_EQ(small.Execute("COPY m (nope) TO '" + text + "'").status().SqlState(),
            std::string("42703"));
  EXPECT_EQ(small.Execute("COPY nope TO '" + text + "'").status().SqlState(), std::string("42P01"));

  std::atomic<bool> cancel{true};
  QueryOptions cancelled;
  cancelled.cancel = &cancel;
  SqlEngine stopped(db_.get(), cancelled);
  EXPECT_EQ(stopped.Execute("COPY m TO '" + text + "'").status().SqlState(), std::string("57014"));
}

// Text without a zone is read in the session's TimeZone wherever it becomes a timestamptz:
// INSERT ... VALUES, COPY FROM and literals in queries. A bare number in SET TimeZone is hours
// east of UTC, as in PostgreSQL, while '+02:00' is a POSIX rule (two hours west).
TEST_F(EngineTest, ZonelessTimestamptzTextIsReadInTheSessionTimeZone) {
  ASSERT_TRUE(Run("CREATE TABLE z (time timestamptz NOT NULL, v int)").ok());
  ASSERT_TRUE(Run("SET TimeZone = 'America/New_York'").ok());
  ASSERT_TRUE(Run("INSERT INTO z VALUES ('2024-01-01 00:00', 1), ('2024-07-01 00:00', 2)").ok());
  const std::string path = dir_ + "/in.csv";
  ASSERT_TRUE(
      WriteFileAtomic(Env::Default(), path, "2024-01-02 00:00,3\n2024-01-02 00:00+00,4\n").ok());
  ASSERT_TRUE(Run("COPY z FROM '" + path + "' (FORMAT csv)").ok());
  auto r = Run("SELECT count(*) FROM z WHERE time >= '2024-01-01' AND time < '2024-01-02 00:00'");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)[0].rows[0][0], std::optional<std::string>("2"));  // rows 1 and 4
  ASSERT_TRUE(Run("SET TimeZone = 'UTC'").ok());
  r = Run("SELECT time, v FROM z ORDER BY v");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ((*r)[0].rows.size(), 4u);
  EXPECT_EQ((*r)[0].rows[0][0], std::optional<std::string>("2024-01-01 05:00:00+00"));
  EXPECT_EQ((*r)[0].rows[1][0], std::optional<std::string>("2024-07-01 04:00:00+00"));
  EXPECT_EQ((*r)[0].rows[2][0], std::optional<std::string>("2024-01-02 05:00:00+00"));
  EXPECT_EQ((*r)[0].rows[3][0], std::optional<std::string>("2024-01-02 00:00:00+00"));
  for (const auto& [zone, shown] :
       std::vector<std::pair<std::string, std::string>>{{"+02", "2024-01-01 02:00:00+02"},
                                                        {"-5", "2023-12-31 19:00:00-05"},
                                                        {"5.5", "2024-01-01 05:30:00+05:30"},
                                                        {"+02:00", "2023-12-31 22:00:00-02"},
                                                        {"UTC+3", "2023-12-31 21:00:00-03"}}) {
    ASSERT_TRUE(Run("SET TimeZone = '" + zone + "'").ok()) << zone;
    r = Run("SELECT timestamptz '2024-01-01 00:00:00+00'");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ((*r)[0].rows[0][0], std::optional<std::string>(shown)) << zone;
  }
  ASSERT_TRUE(Run("SET TimeZone = 'UTC'").ok());
}

// to_char prints a timestamptz on the session's wall clock; TZ needs a zone abbreviation,
// which OmenDB does not keep, so outside UTC it is refused (0A000) and OF is the way.
TEST_F(EngineTest, ToCharFollowsTheSessionTimeZone) {
  auto one = [&](const std::string& sql) -> std::string {
    auto r = Run(sql);
    if (!r.ok()) return r.status().SqlState();
    return (*r).back().rows[0][0].value_or("NULL");
  };
  const std::string ts = "timestamptz '2024-07-01 12:00:00+00'";
  EXPECT_EQ(one("SELECT to_char(" + ts + ", 'YYYY-MM-DD HH24:MI TZ OF')"),
            "2024-07-01 12:00 UTC +00");
  ASSERT_TRUE(Run("SET TimeZone = 'America/New_York'").ok());
  EXPECT_EQ(one("SELECT to_char(" + ts + ", 'YYYY-MM-DD HH24:MI OF')"), "2024-07-01 08:00 -04");
  EXPECT_EQ(one("SELECT to_char(" + ts + ", 'HH24 TZ')"), "0A000");
  ASSERT_TRUE(Run("SET TimeZone = 'Asia/Kolkata'").ok());
  EXPECT_EQ(one("SELECT to_char(" + ts + ", 'HH24:MI OF')"), "17:30 +05:30");
  ASSERT_TRUE(Run("SET TimeZone = 'UTC'").ok());
  EXPECT_EQ(one("SELECT to_char(42, '999')"), "42883");
}

TEST_F(EngineTest, DeadlineAndCancelStopQueriesWith57014) {
  ASSERT_TRUE(Run("CREATE TABLE t (ts timestamp NOT NULL, v bigint);"
                  "INSERT INTO t VALUES ('2024-01-01', 1), ('2024-01-02', 2)")
                  .ok());
  QueryOptions late;
  late.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  SqlEngine timed_out(db_.get(), late);
  auto r = timed_out.Execute("SELECT count(*) FROM t");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().SqlState(), std::string("57014"));
  EXPECT_NE(r.status().message().find("statement timeout"), std::string::npos);

  std::atomic<bool> cancel{true};
  QueryOptions cancelled;
  cancelled.cancel = &cancel;
  SqlEngine engine(db_.get(), cancelled);
  r = engine.Execute("SELECT sum(v) FROM t");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().SqlState(), std::string("57014"));
  cancel = false;
  EXPECT_TRUE(engine.Execute("SELECT sum(v) FROM t").ok());
}

}  // namespace
}  // namespace omen::sql
