// Copyright 2026 The OmenDB Authors.

#include "sql/parse_cache.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "sql/parser.h"

namespace omen::sql {
namespace {

// Every expression node and FROM item of the statements, in walk order, with the fields a
// parse fills: equal dumps mean the cache rebuilt what Parse builds.
std::string Dump(const std::vector<Statement>& statements) {
  std::string out;
  for (const Statement& const_st : statements) {
    Statement& st = const_cast<Statement&>(const_st);  // the walk takes non-const nodes
    out += "stmt " + std::to_string(st.node.index()) + " @" + std::to_string(st.location) + "+" +
           std::to_string(st.length) + "\n";
    WalkStatement(
        &st,
        [&](Expr* e) {
          out += "  expr " + std::to_string(static_cast<int>(e->kind)) + " @" +
                 std::to_string(e->location) + " " + e->name + " " + e->qualifier + " lit" +
                 std::to_string(static_cast<int>(e->literal.kind)) + ":" +
                 std::to_string(e->literal.i) + ":" + std::to_string(e->literal.b) + ":" +
                 e->literal.text + " p" + std::to_string(e->param_index) + " args" +
                 std::to_string(e->args.size()) + (e->negated ? " not" : "") +
                 (e->has_over ? " over" : "") + "\n";
        },
        [&](TableRef* t) {
          out += "  from " + std::to_string(static_cast<int>(t->kind)) + " @" +
                 std::to_string(t->location) + " " + t->name + " " + t->alias + "\n";
        });
  }
  return out;
}

std::string Key(std::string_view sql, std::vector<ConstantToken>* constants = nullptr) {
  std::string key;
  std::vector<ConstantToken> c;
  if (!ScanConstants(sql, &key, &c)) return "<refused>";
  if (constants != nullptr) *constants = c;
  for (char& ch : key) {
    if (ch == '\x01') ch = '#';
  }
  return key;
}

TEST(ParseCache, ScanFindsConstantsAndTheirKinds) {
  std::vector<ConstantToken> c;
  EXPECT_EQ(Key("SELECT * FROM cpu WHERE host = 'h''1' AND v > -2.5e3 AND n IN (7, 3000000000)"
                " -- 'not a constant'\n",
                &c),
            "SELECT * FROM cpu WHERE host = #s AND v > -#n AND n IN (#i, #n) -- 'not a "
            "constant'\n");
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c[0].begin, 31u);
  EXPECT_EQ(c[0].end, 37u);  // 'h''1'
  EXPECT_EQ(Key("SELECT \"it's\", x1, $1, /* '/* nested */' */ .5, 2147483647, 2147483648"),
            "SELECT \"it's\", x1, $1, /* '/* nested */' */ #n, #i, #n");
  EXPECT_EQ(Key("SELECT 00000000001"), "SELECT #i");
  EXPECT_EQ(Key("select 'ü'"), "select #s");
}

TEST(ParseCache, ScanRefusesWhatItDoesNotModel) {
  for (const char* sql :
       {"SELECT E'a\\nb'", "SELECT 'a\\b'", "SELECT $$x$$", "SELECT $q$x$q$", "SELECT U&'d\\0061t'",
        "SELECT B'101'", "SELECT X'1F'", "SELECT N'x'", "SELECT 'a'\n'b'", "SELECT 'a' 'b'",
        "SELECT 1abc", "SELECT 1.2.3", "SELECT 1e", "SELECT 'open", "SELECT \"open",
        "SELECT /* open", "SELECT 1\x02", "SELECT timestamp'2024-01-01'"}) {
    EXPECT_EQ(Key(std::string_view(sql)), "<refused>") << sql;
  }
  EXPECT_EQ(Key(std::string_view("SELECT '\0'", 11)), "<refused>");
}

// Parses each text through one cache and on its own; the trees must be the same.
void ExpectSameAsParse(ParseCache* cache, const std::string& sql) {
  auto cached = cache->Parse(sql);
  auto fresh = Parse(sql);
  ASSERT_EQ(cached.ok(), fresh.ok()) << sql;
  if (!fresh.ok()) {
    EXPECT_EQ(cached.status().ToString(), fresh.status().ToString()) << sql;
    return;
  }
  EXPECT_EQ(Dump(**cached), Dump(*fresh)) << sql;
}

TEST(ParseCache, ReusedTreesEqualFreshParses) {
  const std::vector<std::string> templates = {
      "SELECT * FROM cpu WHERE hostname = {s} AND time = {s}",
      "SELECT time_bucket({s}, time) AS b, avg(v) FROM cpu WHERE time >= {s} AND time < {s} "
      "GROUP BY 1 ORDER BY b DESC LIMIT {i}",
      "SELECT v * {n} - {i}, -{i}, - {n}, {s} || name FROM t WHERE a IN ({i}, {i}, {s}) OR b "
      "BETWEEN -{n} AND {n}",
      "WITH w AS (SELECT x FROM t WHERE y = {s}) SELECT (SELECT max(x) FROM w WHERE x > {i}), "
      "CASE WHEN {i} > 0 THEN {s} ELSE {s} END FROM w",
      "SELECT lag(v, {i}) OVER (PARTITION BY h ORDER BY time), extract(epoch FROM time) FROM t "
      "WHERE h LIKE {s}",
      "INSERT INTO t (a, b, c) VALUES ({i}, {s}, {n}), (-{i}, {s}, NULL)",
      "DELETE FROM t WHERE time < {s}; SELECT {s}; EXPLAIN SELECT count(*) FROM t WHERE v = {n}",
      "SELECT * FROM t1 JOIN (SELECT a FROM t2 WHERE b = {s}) s ON t1.a = s.a + {i} WHERE "
      "t1.z = {s}",
      "SELECT date_trunc({s}, time AT TIME ZONE {s}), interval {s}, {s}::timestamptz FROM t "
      "WHERE nosuchcolumn = {s}",
  };
  const std::vector<std::string> strings = {
      "'x'", "'2024-01-01 00:00:00+00'", "''", "'it''s'", "'hour'", "'Grüße'", "'1 day'"};
  const std::vector<std::string> ints = {"0", "7", "123456", "2147483647", "00012"};
  const std::vector<std::string> nums = {
      "1.5", ".25", "3e10", "9999999999", "12345678901234567890", "0.000"};
  std::mt19937 rng(7);
  ParseCache cache;
  for (int round = 0; round < 40; ++round) {
    for (const std::string& t : templates) {
      std::string sql;
      for (size_t i = 0; i < t.size(); ++i) {
        if (t[i] == '{' && i + 2 < t.size() && t[i + 2] == '}') {
          const auto& pool = t[i + 1] == 's' ? strings : t[i + 1] == 'i' ? ints : nums;
          sql += pool[rng() % pool.size()];
          i += 2;
        } else {
          sql += t[i];
        }
      }
      ExpectSameAsParse(&cache, sql);
    }
  }
  // Most texts share a key with an earlier one, within the int32/other split of numerics.
  EXPECT_GT(cache.stats().hits, 300);
  EXPECT_EQ(cache.stats().uncacheable, 0);
}

// sql with every constant changed (kinds kept), so that parsing it after sql is a cache hit.
std::string Variant(const std::string& sql, std::mt19937* rng) {
  std::string key;
  std::vector<ConstantToken> constants;
  if (!ScanConstants(sql, &key, &constants)) return sql;
  std::string out;
  size_t copied = 0;
  for (const ConstantToken& c : constants) {
    out.append(sql, copied, c.begin - copied);
    if (c.kind == 's') {
      out += (*rng)() % 2 ? "'v''" + std::to_string((*rng)() % 1000) + "'" : "''";
    } else if (c.kind == 'i') {
      out += std::to_string((*rng)() % 100000);
    } else {
      out += (*rng)() % 2 ? "9.75" : "99999999999";
    }
    copied = c.end;
  }
  out.append(sql, copied, std::string::npos);
  return out;
}

// Texts mangled at random (quotes, escapes, comments, dollar signs, numbers glued to words):
// wherever the scan and PostgreSQL's lexer could disagree, the cache must still give what
// Parse gives, trees and errors alike.
TEST(ParseCache, MangledTextsParseAsParseDoes) {
  const std::vector<std::string> seeds = {
      "SELECT * FROM cpu WHERE hostname = 'host_1' AND time = '2024-01-01 00:00:00+00'",
      "SELECT a, -1.5e3, 'x''y' FROM t WHERE b IN (1, 2, 3) AND c LIKE 'a%' LIMIT 10 OFFSET 2",
      "SELECT time_bucket('5 minutes', time) b, max(v) FROM m WHERE time > now() - interval "
      "'1 hour' GROUP BY b ORDER BY b",
      "INSERT INTO t VALUES (1, 'a', 2.5), (-2, 'b''c', NULL)",
      "SELECT CASE WHEN x > 0.5 THEN 'hi' ELSE 'lo' END, \"Quoted\" FROM t /* c */ -- end",
      "SELECT $1::int + 2, '{1,2}'::int[], 3::numeric(10, 2) FROM t WHERE y = $2",
      "SELECT extract(epoch FROM time), date_trunc('day', time, 'Europe/Berlin') FROM t",
  };
  const std::vector<std::string> inserts = {
      "'",  "''", "\\", "--", "/*", "*/", "e", "E",  "$",    "$$",   "1", ".", "-",
      "\n", " ",  "\"", "x'", "U&", "::", "0", "e5", "'\n'", "B'1'", "N", "&"};
  std::mt19937 rng(11);
  ParseCache cache(16);
  for (int round = 0; round < 3000; ++round) {
    std::string sql = seeds[rng() % seeds.size()];
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < edits; ++k) {
      const size_t at = rng() % (sql.size() + 1);
      if (rng() % 4 == 0 && at < sql.size()) {
        sql.erase(at, 1);
      } else {
        sql.insert(at, inserts[rng() % inserts.size()]);
      }
    }
    ExpectSameAsParse(&cache, sql);
    ExpectSameAsParse(&cache, Variant(sql, &rng));
    if (HasFailure()) {
      ADD_FAILURE() << "round " << round;
      break;
    }
  }
  EXPECT_GT(cache.stats().hits, 500);
}

TEST(ParseCache, ConstantsOutsideExpressionsAreParsedEveryTime) {
  ParseCache cache;
  for (int i = 0; i < 3; ++i) {
    for (const std::string& sql :
         {std::string("CREATE TABLE t (a varchar(") + std::to_string(10 + i) + "))",
          "SET statement_timeout = " + std::to_string(1000 + i),
          "SELECT sum(v) OVER (ORDER BY t ROWS BETWEEN " + std::to_string(i + 1) +
              " PRECEDING AND CURRENT ROW) FROM t",
          "COPY t FROM '/tmp/f" + std::to_string(i) + ".csv'",
          "SELECT 1::numeric(" + std::to_string(5 + i) + ", 2)"}) {
      ExpectSameAsParse(&cache, sql);
    }
  }
  EXPECT_EQ(cache.stats().hits, 0);
  EXPECT_EQ(cache.stats().misses, 0);
  EXPECT_EQ(cache.stats().uncacheable, 15);
  // Statements without constants are cached by their text, whatever their kind.
  ExpectSameAsParse(&cache, "SHOW TimeZone");
  ExpectSameAsParse(&cache, "SHOW TimeZone");
  EXPECT_EQ(cache.stats().hits, 1);
}

TEST(ParseCache, HeldStatementsAreNotRewritten) {
  ParseCache cache;
  auto first = cache.Parse("SELECT 'a' FROM t WHERE x = 1");
  ASSERT_TRUE(first.ok());
  const std::string before = Dump(**first);
  auto second = cache.Parse("SELECT 'bbb' FROM t WHERE x = 22");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(Dump(**first), before);
  EXPECT_EQ(Dump(**second), Dump(*Parse("SELECT 'bbb' FROM t WHERE x = 22")));
  EXPECT_EQ(cache.stats().hits, 0);
  first->reset();
  second->reset();
  auto third = cache.Parse("SELECT 'cc' FROM t WHERE x = 333");
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(Dump(**third), Dump(*Parse("SELECT 'cc' FROM t WHERE x = 333")));
  EXPECT_EQ(cache.stats().hits, 1);
}

TEST(ParseCache, BadConstantsFailAsParseDoes) {
  ParseCache cache;
  ExpectSameAsParse(&cache, "SELECT * FROM t WHERE a = 'ok'");
  ExpectSameAsParse(&cache, "SELECT * FROM t WHERE a = '\xff\xfe'");
  ExpectSameAsParse(&cache, "SELECT * FROM t WHERE a = '\xc3\xa9'");
  ExpectSameAsParse(&cache, "SELECT * FROM t WHERE a = '\xed\xa0\x80'");  // a surrogate
  // A syntax error is never cached: the same shape with good syntax parses afresh.
  ExpectSameAsParse(&cache, "SELECT * FROM WHERE a = 'x'");
  ExpectSameAsParse(&cache, "SELECT * FROM WHERE a = 'y'");
}

TEST(ParseCache, EvictsTheLeastRecentlyUsed) {
  ParseCache cache(/*max_entries=*/2);
  ExpectSameAsParse(&cache, "SELECT 1 FROM a");
  ExpectSameAsParse(&cache, "SELECT 1 FROM b");
  ExpectSameAsParse(&cache, "SELECT 2 FROM a");  // a is now the most recent
  ExpectSameAsParse(&cache, "SELECT 1 FROM c");  // evicts b
  ExpectSameAsParse(&cache, "SELECT 3 FROM a");
  ExpectSameAsParse(&cache, "SELECT 3 FROM b");
  EXPECT_EQ(cache.stats().hits, 2);
  EXPECT_EQ(cache.stats().misses, 4);
}

}  // namespace
}  // namespace omen::sql
