// Copyright 2026 The OmenDB Authors.

#include "oracle/oracle_harness.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/env.h"
#include "oracle/compare.h"
#include "sql/parse_cache.h"

#ifndef OMEN_PG_SHIMS_FILE
#error "OMEN_PG_SHIMS_FILE (test/sql/pg_timescale.sql) must be defined by the build"
#endif

namespace omen::test {
namespace {

constexpr char kPsql[] = "/usr/lib/postgresql/15/bin/psql";
constexpr char kFieldSep = '\x1f';
constexpr char kRecordSep = '\x1e';
constexpr char kNull[] = "\x1d<NULL>\x1d";
constexpr char kBegin[] = "@@omen:begin@@\n";
constexpr char kEnd[] = "@@omen:end@@ ";

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// psql's unaligned output of one statement: records split by kRecordSep, fields by kFieldSep.
TextRows ParseRows(std::string text) {
  TextRows rows;
  if (text.empty()) return rows;
  if (text.back() == '\n') text.pop_back();
  size_t start = 0;
  while (true) {
    size_t end = text.find(kRecordSep, start);
    std::string rec = text.substr(start, end == std::string::npos ? end : end - start);
    std::vector<std::optional<std::string>> row;
    size_t f = 0;
    while (true) {
      size_t sep = rec.find(kFieldSep, f);
      std::string field = rec.substr(f, sep == std::string::npos ? sep : sep - f);
      row.push_back(field == kNull ? std::nullopt : std::optional<std::string>(field));
      if (sep == std::string::npos) break;
      f = sep + 1;
    }
    rows.push_back(std::move(row));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return rows;
}

constexpr char kSelfCheckDb[] = "omen_selfcheck";

// The same INSERT with its VALUES rows in reverse order (other statements unchanged). Rows are
// split at top-level commas, outside quotes.
std::string ReverseValues(const std::string& sql) {
  size_t at = sql.find(" VALUES ");
  if (sql.rfind("INSERT ", 0) != 0 || at == std::string::npos) return sql;
  std::vector<std::string> rows;
  size_t start = at + 8;
  int depth = 0;
  bool quoted = false;
  for (size_t i = start; i < sql.size(); ++i) {
    char c = sql[i];
    if (c == '\'') quoted = !quoted;
    if (quoted) continue;
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (depth == 0 && c == ',') {
      rows.push_back(sql.substr(start, i - start));
      start = i + 1;
    }
  }
  rows.push_back(sql.substr(start));
  std::string out = sql.substr(0, at + 8);
  for (size_t i = rows.size(); i-- > 0;) out += rows[i] + (i > 0 ? "," : "");
  return out;
}

std::string Trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t b = 0;
  while (b < s.size() && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  return s.substr(b);
}

}  // namespace

const char* OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kMatch:
      return "match";
    case Outcome::kMismatch:
      return "MISMATCH";
    case Outcome::kBothError:
      return "both-error";
    case Outcome::kErrorMismatch:
      return "ERROR MISMATCH";
    case Outcome::kOmenError:
      return "OMENDB ERROR";
    case Outcome::kPgError:
      return "POSTGRESQL ERROR";
  }
  return "?";
}

Verdict Judge(const Answer& ours, const Answer& theirs, bool ordered,
              const std::string& expect_error) {
  auto starts = [](const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; };
  if (!expect_error.empty()) {
    if (theirs.ok || !starts(theirs.sqlstate, expect_error)) {
      return {Outcome::kPgError, "expected SQLSTATE " + expect_error + "*, pg gave " +
                                     (theirs.ok ? std::string("rows") : theirs.sqlstate)};
    }
    if (ours.ok) return {Outcome::kMismatch, "expected SQLSTATE " + expect_error + "*, ours ran"};
    if (!starts(ours.sqlstate, expect_error)) {
      return {Outcome::kErrorMismatch,
              "expected SQLSTATE " + expect_error + "*, ours gave " + ours.sqlstate};
    }
    return {Outcome::kMatch, ""};
  }
  if (!theirs.ok && !ours.ok) {
    if (ours.sqlstate.substr(0, 2) == theirs.sqlstate.substr(0, 2)) {
      return {Outcome::kBothError, ""};
    }
    return {Outcome::kErrorMismatch,
            "SQLSTATE class differs: ours " + ours.sqlstate + ", pg " + theirs.sqlstate};
  }
  if (!theirs.ok) return {Outcome::kPgError, "only pg failed: " + theirs.sqlstate};
  if (!ours.ok) return {Outcome::kOmenError, "only ours failed: " + ours.sqlstate};
  std::string diff = CompareRows(ours.rows, theirs.rows, ordered);
  if (diff.empty()) return {Outcome::kMatch, ""};
  return {Outcome::kMismatch, diff};
}

std::string Describe(const std::string& where, const std::string& sql, const std::string& pg_sql,
                     const Answer& ours, const Answer& theirs, const Verdict& v) {
  std::ostringstream out;
  out << "---- " << where << ": " << OutcomeName(v.outcome) << ": " << v.detail << "\n";
  out << "  query: " << sql << "\n";
  if (pg_sql != sql) out << "  pg:    " << pg_sql << "\n";
  auto show = [&](const char* who, const Answer& a) {
    if (a.ok) {
      out << "  " << who << " (" << a.rows.size() << " rows):\n" << FormatRows(a.rows);
    } else {
      out << "  " << who << " error " << a.sqlstate << ": " << a.message << "\n";
    }
  };
  show("ours", ours);
  show("pg", theirs);
  return out.str();
}

bool SelfCheck() {
  const char* v = std::getenv("OMENDB_ORACLE_SELFCHECK");
  return v != nullptr && *v != '\0' && std::string(v) != "0";
}

OracleHarness::~OracleHarness() {
  if (engine_ != nullptr) {
    const auto& c = engine_->parse_cache().stats();
    std::fprintf(stderr, "parse cache: %lld rewritten, %lld parsed and cached, %lld uncacheable\n",
                 static_cast<long long>(c.hits), static_cast<long long>(c.misses),
                 static_cast<long long>(c.uncacheable));
  }
  engine_.reset();
  db_.reset();
  if (!dir_.empty()) (void)Env::Default()->RemoveAll(dir_);
}

Status OracleHarness::Start(const std::string& name) {
  self_check_ = SelfCheck();
  OMEN_RETURN_IF_ERROR(pg_.Start());
  std::ifstream f(OMEN_PG_SHIMS_FILE);
  if (!f) return Status::IOError(std::string("cannot read ") + OMEN_PG_SHIMS_FILE);
  std::stringstream shims;
  shims << f.rdbuf();
  OMEN_RETURN_IF_ERROR(pg_.Query("ALTER DATABASE postgres SET TimeZone = 'UTC';\n"
                                 "ALTER DATABASE postgres SET DateStyle = 'ISO, MDY';\n"
                                 "ALTER DATABASE postgres SET IntervalStyle = 'postgres';\n"
                                 "ALTER DATABASE postgres SET extra_float_digits = 1;\n")
                           .status()
                           .WithContext("session settings"));
  OMEN_RETURN_IF_ERROR(pg_.Query(shims.str()).status().WithContext(OMEN_PG_SHIMS_FILE));
  if (self_check_) {
    // A copy of the set-up database (shims included), for the "ours" side.
    return pg_
        .Query(std::string("CREATE DATABASE ") + kSelfCheckDb +
               " TEMPLATE postgres;\n"
               "ALTER DATABASE " +
               kSelfCheckDb +
               " SET TimeZone = 'UTC';\n"
               "ALTER DATABASE " +
               kSelfCheckDb +
               " SET DateStyle = 'ISO, MDY';\n"
               "ALTER DATABASE " +
               kSelfCheckDb +
               " SET IntervalStyle = 'postgres';\n"
               "ALTER DATABASE " +
               kSelfCheckDb + " SET extra_float_digits = 1;\n")
        .status()
        .WithContext("self-check database");
  }
  dir_ = (std::filesystem::temp_directory_path() /
          ("omen_oracle_" + name + "_" + std::to_string(::getpid())))
             .string();
  (void)Env::Default()->RemoveAll(dir_);
  storage::StorageOptions o;
  o.sync = false;
  o.background = false;
  auto db = storage::Database::Open(dir_, o);
  if (!db.ok()) return db.status().WithContext("open " + dir_);
  db_ = std::move(db).value();
  engine_ = std::make_unique<sql::SqlEngine>(db_.get());
  return Status::OK();
}

namespace {

// sql with every string and numeric constant changed, kinds kept (an int32 stays an int32).
std::string ConstantVariant(const std::string& sql) {
  std::string key;
  std::vector<sql::ConstantToken> constants;
  if (!sql::ScanConstants(sql, &key, &constants)) return sql;
  std::string out;
  size_t copied = 0;
  for (const sql::ConstantToken& c : constants) {
    out.append(sql, copied, c.begin - copied);
    const std::string text = sql.substr(c.begin, c.end - c.begin);
    if (c.kind == 's') {
      out += "'~" + text.substr(1, text.size() - 2) + "~'";
    } else if (c.kind == 'i') {
      const long long v = std::stoll(text);
      out += std::to_string(v == 2147483647 ? v - 1 : v + 1);
    } else {
      out += "12345.678";
    }
    copied = c.end;
  }
  out.append(sql, copied, std::string::npos);
  return out;
}

}  // namespace

Answer OracleHarness::Omen(const std::string& sql) {
  if (self_check_) return PsqlOne(kSelfCheckDb, sql);
  Answer a;
  if (std::getenv("OMENDB_TRACE_SQL")) fprintf(stderr, "SQL: %s\n", sql.c_str());
  // A text of the same shape parsed first (not run) leaves sql to the parse cache, which
  // rewrites that tree for sql's constants: every answer below checks the rewrite too.
  (void)engine_->parse_cache().Parse(ConstantVariant(sql));
  auto r = engine_->Execute(sql);
  if (!r.ok()) {
    a.sqlstate = r.status().SqlState();
    a.message = r.status().ToString();
    return a;
  }
  a.ok = true;
  a.sqlstate = "00000";
  if (!r->empty()) a.rows = std::move(r->back().rows);
  return a;
}

std::vector<Answer> OracleHarness::OmenBatch(const std::vector<std::string>& sqls) {
  if (self_check_) return PsqlBatch(kSelfCheckDb, sqls);
  std::vector<Answer> answers;
  answers.reserve(sqls.size());
  for (const std::string& sql : sqls) answers.push_back(Omen(sql));
  return answers;
}

std::string OracleHarness::PsqlCommand(const std::string& db) const {
  return std::string(kPsql) + " -X -q -h 127.0.0.1 -p " + std::to_string(pg_.port()) +
         " -U postgres -d " + db + " -A -t -F " + ShellQuote(std::string(1, kFieldSep)) + " -R " +
         ShellQuote(std::string(1, kRecordSep)) + " -P null=" + ShellQuote(kNull);
}

Answer OracleHarness::PsqlOne(const std::string& db, const std::string& sql) {
  Answer a;
  a.sqlstate = "?????";
  char path[] = "/tmp/omen_pg_err_XXXXXX";
  int fd = ::mkstemp(path);
  if (fd < 0) return a;
  ::close(fd);
  // -c sends the text as one request, unlexed by psql: it may be any malformed statement.
  std::string cmd = PsqlCommand(db) + " -v VERBOSITY=verbose -c " + ShellQuote(sql) + " 2>" + path;
  std::string out;
  int rc = -1;
  if (FILE* pipe = ::popen(cmd.c_str(), "r")) {
    char buf[1 << 16];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), pipe)) > 0) out.append(buf, n);
    rc = ::pclose(pipe);
  }
  std::ifstream f(path);
  std::stringstream err;
  err << f.rdbuf();
  ::unlink(path);
  if (rc == 0) {
    a.ok = true;
    a.sqlstate = "00000";
    a.rows = ParseRows(out);
    return a;
  }
  a.message = Trim(err.str());
  size_t at = a.message.find("ERROR:  ");
  if (at != std::string::npos && a.message.size() >= at + 13)
    a.sqlstate = a.message.substr(at + 8, 5);
  return a;
}

std::vector<Answer> OracleHarness::PsqlBatch(const std::string& db,
                                             const std::vector<std::string>& sqls) {
  std::vector<Answer> answers(sqls.size());
  for (Answer& a : answers) {
    a.sqlstate = "?????";
    a.message = "no answer from psql";
  }
  if (sqls.empty()) return answers;
  char path[] = "/tmp/omen_pg_batch_XXXXXX";
  int fd = ::mkstemp(path);
  if (fd < 0) return answers;
  ::close(fd);
  {
    std::ofstream f(path);
    f << "SET client_min_messages = warning;\nSET statement_timeout = '60s';\n";
    for (const std::string& sql : sqls) {
      // The terminator goes on its own line: the statement may end in a -- comment.
      f << "\\echo " << std::string(kBegin, sizeof(kBegin) - 2) << "\n"
        << sql << "\n;\n"
        << "\\echo " << kEnd << ":SQLSTATE :LAST_ERROR_MESSAGE\n";
    }
  }
  std::string cmd = PsqlCommand(db) + " -f " + path + " 2>/dev/null";
  std::string out;
  if (FILE* pipe = ::popen(cmd.c_str(), "r")) {
    char buf[1 << 16];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), pipe)) > 0) out.append(buf, n);
    ::pclose(pipe);
  }
  ::unlink(path);
  size_t pos = out.find(kBegin);
  for (size_t i = 0; i < sqls.size() && pos != std::string::npos; ++i) {
    // Rows (if any) end with a newline; a single empty-string value prints as just "\n".
    size_t body = pos + sizeof(kBegin) - 1;
    size_t end = body;  // where kEnd starts
    if (out.compare(body, sizeof(kEnd) - 1, kEnd) != 0) {
      end = out.find(std::string("\n") + kEnd, body);
      if (end == std::string::npos) break;
      ++end;
    }
    size_t next = out.find(kBegin, end);
    std::string tail = out.substr(end + sizeof(kEnd) - 1,
                                  next == std::string::npos ? next : next - end - sizeof(kEnd) + 1);
    Answer& a = answers[i];
    a.sqlstate = tail.substr(0, 5);
    a.ok = a.sqlstate == "00000";
    a.message = a.ok ? "" : Trim(tail.substr(std::min<size_t>(5, tail.size())));
    if (a.ok) a.rows = ParseRows(out.substr(body, end - body));
    pos = next;
  }
  return answers;
}

Answer OracleHarness::Pg(const std::string& sql) {
  Answer a;
  auto r = pg_.Query(sql, &a.sqlstate);
  a.ok = r.ok();
  if (r.ok()) {
    a.rows = std::move(r).value();
  } else {
    a.message = Trim(std::string(r.status().message()));
  }
  return a;
}

Status OracleHarness::Load(const std::vector<std::string>& omen_sqls,
                           const std::vector<std::string>& pg_sqls) {
  std::vector<std::string> ours = omen_sqls;
  if (self_check_) {
    // Same statements; each run of INSERTs, and the rows of each, reversed.
    ours = pg_sqls;
    for (size_t i = 0; i < ours.size();) {
      size_t j = i;
      while (j < ours.size() && ours[j].rfind("INSERT ", 0) == 0) {
        ours[j] = ReverseValues(ours[j]);
        ++j;
      }
      std::reverse(ours.begin() + static_cast<ptrdiff_t>(i),
                   ours.begin() + static_cast<ptrdiff_t>(j));
      i = j == i ? i + 1 : j;
    }
  }
  std::vector<Answer> mine = OmenBatch(ours);
  for (size_t i = 0; i < mine.size(); ++i) {
    if (!mine[i].ok) {
      return Status::Internal(std::string(self_check_ ? "self-check database: " : "OmenDB: ") +
                              mine[i].message + "\n  in: " + ours[i].substr(0, 300));
    }
  }
  std::vector<Answer> answers = PgBatch(pg_sqls);
  for (size_t i = 0; i < answers.size(); ++i) {
    if (!answers[i].ok) {
      return Status::Internal("PostgreSQL: " + answers[i].sqlstate + " " + answers[i].message +
                              "\n  in: " + pg_sqls[i].substr(0, 300));
    }
  }
  return Status::OK();
}

}  // namespace omen::test
