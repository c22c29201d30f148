// Tests for MakeBenchQueries (bench/query_bench.h): the TSBS query set is complete, its random
// parameters are reproducible, and windows and host lists fit the data they are drawn for.

#include "bench/query_bench.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace omen::bench {
namespace {

const BenchQuery& Find(const std::vector<BenchQuery>& queries, const std::string& name) {
  for (const BenchQuery& q : queries) {
    if (q.name == name) return q;
  }
  static const BenchQuery kNone("", "");
  ADD_FAILURE() << "no query " << name;
  return kNone;
}

// The distinct 'host_N' literals of sql.
std::set<std::string> Hosts(const std::string& sql) {
  std::set<std::string> out;
  for (size_t at = sql.find("'host_"); at != std::string::npos; at = sql.find("'host_", at + 1)) {
    out.insert(sql.substr(at + 1, sql.find('\'', at + 1) - at - 1));
  }
  return out;
}

TEST(QueryBench, AllQueriesInOrder) {
  std::vector<std::string> names;
  for (const BenchQuery& q : MakeBenchQueries(10'000'000, 4000, 123)) names.push_back(q.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{
                "single-groupby-1-1-1", "single-groupby-5-1-12", "single-groupby-5-8-1",
                "cpu-max-all-8", "double-groupby-1", "double-groupby-all", "high-cpu-1",
                "high-cpu-all", "lastpoint", "groupby-orderby-limit", "full-agg", "time-bucket-1h",
                "point-lookup", "point-lookup-1", "point-lookup-prepared"}));
}

// The prepared lookup: two typed placeholders, and values that name a real host and reading.
TEST(QueryBench, PreparedLookupCarriesItsRuns) {
  const std::vector<BenchQuery> all = MakeBenchQueries(10'000'000, 4000, 123);
  const BenchQuery& q = Find(all, "point-lookup-prepared");
  EXPECT_EQ(q.param_types, (std::vector<std::string>{"text", "timestamptz"}));
  ASSERT_GE(q.runs.size(), 100u);
  for (const auto& run : q.runs) {
    ASSERT_EQ(run.size(), 2u);
    EXPECT_EQ(run[0].rfind("host_", 0), 0u) << run[0];
    EXPECT_EQ(run[1].rfind("2024-01-", 0), 0u) << run[1];
  }
  EXPECT_NE(q.runs[0], q.runs[1]);
}

TEST(QueryBench, ParametersAreReproducible) {
  const int64_t rows = 4000LL * 8640;  // a day: every window is shorter than the data
  const auto a = MakeBenchQueries(rows, 4000, 123);
  const auto b = MakeBenchQueries(rows, 4000, 123);
  const auto c = MakeBenchQueries(rows, 4000, 124);
  ASSERT_EQ(a.size(), b.size());
  int differ = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].sql, b[i].sql) << a[i].name;
    differ += a[i].sql != c[i].sql;
  }
  EXPECT_EQ(differ, 11);  // every query with a random parameter
}

TEST(QueryBench, HostListsAreDistinctAndInRange) {
  const auto q = MakeBenchQueries(10'000'000, 4000, 7);
  EXPECT_EQ(Hosts(Find(q, "single-groupby-1-1-1").sql).size(), 1u);
  EXPECT_EQ(Hosts(Find(q, "single-groupby-5-8-1").sql).size(), 8u);
  EXPECT_EQ(Hosts(Find(q, "cpu-max-all-8").sql).size(), 8u);
  EXPECT_TRUE(Hosts(Find(q, "high-cpu-all").sql).empty());
  // With 3 hosts, 8 random hosts are the 3 there are.
  EXPECT_EQ(Hosts(Find(MakeBenchQueries(3000, 3, 7), "cpu-max-all-8").sql),
            (std::set<std::string>{"host_0", "host_1", "host_2"}));
}

TEST(QueryBench, WindowsFitTheData) {
  // 100 hosts, 2000 readings 10 s apart: 5 h 33 min 20 s, shorter than a 12 h window, which then
  // covers the whole span; 1 h windows lie inside it.
  const auto q = MakeBenchQueries(200'000, 100, 123);
  EXPECT_NE(Find(q, "double-groupby-1")
                .sql.find("time >= '2024-01-01 00:00:00+00' AND time < '2024-01-01 05:33:20+00'"),
            std::string::npos);
  const std::string& one_hour = Find(q, "single-groupby-1-1-1").sql;
  const size_t at = one_hour.find("time >= '2024-01-01 0");
  ASSERT_NE(at, std::string::npos);
  EXPECT_LE(one_hour.substr(at + 20, 8), "04:33:20");  // start <= end of data - 1 h
  EXPECT_NE(Find(q, "point-lookup").sql.find("WHERE time = '2024-01-01 0"), std::string::npos);
}

}  // namespace
}  // namespace omen::bench
