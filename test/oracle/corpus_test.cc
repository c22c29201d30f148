// Copyright 2026 The OmenDB Authors.
//
// The hand-written SQL corpus (test/sql/corpus/*.sql, format in test/sql/README.md) run in
// OmenDB and in PostgreSQL 15 over the tables of corpus_data.h. Every query runs; the test then
// fails listing each one whose answers differ, with both answers, and prints per-file counts.
// Environment: OMENDB_CORPUS_FILTER=<substring> runs only the files whose name contains it;
// OMENDB_ORACLE_SELFCHECK=1 compares PostgreSQL with itself (validates the corpus);
// OMENDB_CORPUS_VERBOSE=1 prints every query's PostgreSQL row count and first rows;
// OMENDB_CORPUS_TRACE=1 prints each query before OmenDB runs it (finds one that crashes). Skipped,
// saying why, when postgresql-15 is missing.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "oracle/compare.h"
#include "oracle/corpus_data.h"
#include "oracle/oracle_harness.h"

#ifndef OMEN_SQL_CORPUS_DIR
#error "OMEN_SQL_CORPUS_DIR (test/sql/corpus) must be defined by the build"
#endif

namespace omen::test {
namespace {

struct CorpusQuery {
  std::string where;         // "file.sql:line"
  std::string sql;           // without the final ';'
  std::string pg_sql;        // the `-- pg:` form, or sql
  std::string expect_error;  // `-- error:` SQLSTATE prefix, or ""
  bool ordered = false;      // `-- ordered`
};

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

std::string StripSemicolon(std::string s) {
  s = Trim(s);
  while (!s.empty() && (s.back() == ';' || s.back() == ' ')) s.pop_back();
  return s;
}

// Directives apply to the next statement; a statement ends at a line ending in ';'.
bool ParseFile(const std::filesystem::path& path, std::vector<CorpusQuery>* out,
               std::string* error) {
  std::ifstream f(path);
  if (!f) {
    *error = "cannot read " + path.string();
    return false;
  }
  std::string name = path.filename().string();
  CorpusQuery q;
  std::string line;
  int lineno = 0;
  bool in_statement = false;
  while (std::getline(f, line)) {
    ++lineno;
    std::string t = Trim(line);
    if (!in_statement) {
      if (t.empty()) continue;
      if (t.rfind("--", 0) == 0) {
        std::string d = Trim(t.substr(2));
        if (d.rfind("pg:", 0) == 0) {
          q.pg_sql = StripSemicolon(d.substr(3));
        } else if (d.rfind("error:", 0) == 0) {
          q.expect_error = Trim(d.substr(6));
        } else if (d == "ordered") {
          q.ordered = true;
        }
        continue;
      }
      in_statement = true;
      q.where = name + ":" + std::to_string(lineno);
    }
    q.sql += (q.sql.empty() ? "" : "\n") + line;
    if (!t.empty() && t.back() == ';') {
      q.sql = StripSemicolon(q.sql);
      if (q.pg_sql.empty()) q.pg_sql = q.sql;
      out->push_back(std::move(q));
      q = CorpusQuery();
      in_statement = false;
    }
  }
  if (in_statement) {
    *error = q.where + ": statement without a final ';'";
    return false;
  }
  return true;
}

// Runs every query in order, `pg_form` choosing the `-- pg:` text: runs of queries expected to
// succeed through `batch`, each query expected to fail alone through `single` (it may not even
// lex, and must not swallow the next one).
template <typename Batch, typename Single>
std::vector<Answer> RunInOrder(const std::vector<CorpusQuery>& queries, bool pg_form, Batch batch,
                               Single single) {
  std::vector<Answer> answers(queries.size());
  for (size_t i = 0; i < queries.size();) {
    if (!queries[i].expect_error.empty()) {
      answers[i] = single(pg_form ? queries[i].pg_sql : queries[i].sql);
      ++i;
      continue;
    }
    size_t j = i;
    std::vector<std::string> run;
    for (; j < queries.size() && queries[j].expect_error.empty(); ++j) {
      run.push_back(pg_form ? queries[j].pg_sql : queries[j].sql);
    }
    std::vector<Answer> got = batch(run);
    std::move(got.begin(), got.end(), answers.begin() + static_cast<ptrdiff_t>(i));
    i = j;
  }
  return answers;
}

bool Flag(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' && std::string(v) != "0";
}

struct Tally {
  int total = 0;
  int matched = 0;
  int failed = 0;
  int not_supported = 0;  // OmenDB's 0A000
};

TEST(Corpus, MatchesPostgres) {
  OracleHarness h;
  Status start = h.Start("corpus");
  if (start.IsNotFound()) GTEST_SKIP() << start.ToString();
  ASSERT_TRUE(start.ok()) << start.ToString();

  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(OMEN_SQL_CORPUS_DIR)) {
    if (e.path().extension() == ".sql") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  const char* filter = std::getenv("OMENDB_CORPUS_FILTER");
  std::vector<CorpusQuery> queries;
  for (const auto& p : files) {
    if (filter != nullptr && p.filename().string().find(filter) == std::string::npos) continue;
    std::string error;
    ASSERT_TRUE(ParseFile(p, &queries, &error)) << error;
  }
  ASSERT_FALSE(queries.empty()) << "no queries under " << OMEN_SQL_CORPUS_DIR;

  LoadScript data = CorpusTables();
  Status load = h.Load(data.omen, data.pg);
  ASSERT_TRUE(load.ok()) << load.ToString();

  // PostgreSQL, then OmenDB (self-check: the second PostgreSQL database, so the `-- pg:` forms).
  std::vector<Answer> pg = RunInOrder(
      queries, true, [&](const auto& sqls) { return h.PgBatch(sqls); },
      [&](const std::string& sql) { return h.Pg(sql); });
  std::vector<Answer> mine;
  if (Flag("OMENDB_CORPUS_TRACE")) {
    for (const CorpusQuery& q : queries) {
      std::printf("%s: %s\n", q.where.c_str(), q.sql.c_str());
      std::fflush(stdout);
      mine.push_back(h.Omen(h.self_check() ? q.pg_sql : q.sql));
    }
  } else {
    mine = RunInOrder(
        queries, h.self_check(), [&](const auto& sqls) { return h.OmenBatch(sqls); },
        [&](const std::string& sql) { return h.Omen(sql); });
  }

  const bool verbose = Flag("OMENDB_CORPUS_VERBOSE");
  std::map<std::string, Tally> per_file;
  Tally all;
  std::string failures;
  std::vector<std::string> failed_where;
  for (size_t i = 0; i < queries.size(); ++i) {
    const CorpusQuery& q = queries[i];
    const Answer& ours = mine[i];
    Verdict v = Judge(ours, pg[i], q.ordered, q.expect_error);
    if (!pg[i].ok && q.expect_error.empty()) {
      v = {Outcome::kPgError, "the query fails in PostgreSQL: " + pg[i].sqlstate};
    }
    if (verbose) {
      std::printf("%s: pg %s, %zu rows%s\n%s", q.where.c_str(), pg[i].sqlstate.c_str(),
                  pg[i].rows.size(), q.ordered ? " (ordered)" : "",
                  FormatRows(pg[i].rows, 3).c_str());
    }
    Tally& t = per_file[q.where.substr(0, q.where.find(':'))];
    ++t.total;
    ++all.total;
    bool ok = v.outcome == Outcome::kMatch;
    if (ok) {
      ++t.matched;
      ++all.matched;
      continue;
    }
    ++t.failed;
    ++all.failed;
    if (!ours.ok && ours.sqlstate == "0A000") {
      ++t.not_supported;
      ++all.not_supported;
    }
    failures += Describe(q.where, q.sql, q.pg_sql, ours, pg[i], v);
    failed_where.push_back(q.where + " " + OutcomeName(v.outcome));
  }

  std::printf("%s", failures.c_str());
  for (const auto& [file, t] : per_file) {
    std::printf("corpus %-28s %3d queries, %3d matched, %3d failed (%d not supported)\n",
                file.c_str(), t.total, t.matched, t.failed, t.not_supported);
  }
  std::printf("corpus%s: %d queries, %d matched, %d mismatched (%d not supported by OmenDB)\n",
              h.self_check() ? " (self-check: PostgreSQL vs PostgreSQL)" : "", all.total,
              all.matched, all.failed, all.not_supported);
  std::string list;
  for (const std::string& w : failed_where) list += "  " + w + "\n";
  EXPECT_EQ(all.failed, 0) << all.failed << " of " << all.total
                           << " corpus queries differ from PostgreSQL:\n"
                           << list;
}

}  // namespace
}  // namespace omen::test
