// Copyright 2026 The OmenDB Authors.
//
// Random differential testing against PostgreSQL 15: from one seed, a few random tables (a
// timestamptz time column plus smallint/integer/bigint/real/double precision/text/boolean/
// timestamptz/date columns, random partition_by, flush_rows and sort_key for OmenDB), random rows
// (NULLs, duplicate and out-of-order timestamps, shuffled INSERT batches) and random well-typed
// queries: projections of expressions (overflow-free arithmetic, comparisons, CASE, COALESCE,
// string functions), WHERE clauses over random time ranges combined with AND/OR/NOT, IN lists
// and IS NULL, aggregates (count, count DISTINCT, sum, avg, min, max, bool_and/or) with GROUP BY
// and HAVING, time_bucket/date_trunc grouping, DISTINCT, ORDER BY with a total order plus
// LIMIT/OFFSET, and a few statements that must fail, under a session TimeZone that changes every
// 200 queries. Both engines run every query; answers are compared with compare.h, errors by
// SQLSTATE class.
//
// Environment: OMENDB_RANDOM_SEED (default 20240101; printed), OMENDB_RANDOM_QUERIES (default
// 1200), OMENDB_RANDOM_VERBOSE=1 (every failure in full, not only the first 30),
// OMENDB_RANDOM_TRACE=1 (print each query before OmenDB runs it: finds the one that crashes),
// OMENDB_ORACLE_SELFCHECK=1 (PostgreSQL against itself: checks that the generator writes valid
// PostgreSQL). Skipped, saying why, when postgresql-15 is missing.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "common/datetime.h"
#include "oracle/oracle_harness.h"

namespace omen::test {
namespace {

constexpr int64_t kSecond = 1000000;
constexpr int64_t kT0 = 1704067200LL * kSecond;  // 2024-01-01 00:00:00+00
constexpr int kFailuresShown = 30;

enum class Ty {
  kSmallint,
  kInteger,
  kBigint,
  kNumeric,
  kReal,
  kDouble,
  kText,
  kBool,
  kTime,
  kDate
};

bool IsInt(Ty t) { return t == Ty::kSmallint || t == Ty::kInteger || t == Ty::kBigint; }
bool IsNumber(Ty t) { return IsInt(t) || t == Ty::kNumeric || t == Ty::kReal || t == Ty::kDouble; }
bool IsFloat(Ty t) { return t == Ty::kReal || t == Ty::kDouble; }

const char* TypeName(Ty t) {
  switch (t) {
    case Ty::kSmallint:
      return "smallint";
    case Ty::kInteger:
      return "integer";
    case Ty::kBigint:
      return "bigint";
    case Ty::kNumeric:
      return "numeric";
    case Ty::kReal:
      return "real";
    case Ty::kDouble:
      return "double precision";
    case Ty::kText:
      return "text";
    case Ty::kBool:
      return "boolean";
    case Ty::kTime:
      return "timestamptz";
    case Ty::kDate:
      return "date";
  }
  return "?";
}

// The largest value an integer type holds (overflow is kept out of generated arithmetic).
double IntLimit(Ty t) {
  return t == Ty::kSmallint ? 32767.0 : t == Ty::kInteger ? 2147483647.0 : 9.2e18;
}

// PostgreSQL's result type of integer arithmetic: the wider operand.
Ty WiderInt(Ty a, Ty b) {
  if (a == Ty::kBigint || b == Ty::kBigint) return Ty::kBigint;
  if (a == Ty::kInteger || b == Ty::kInteger) return Ty::kInteger;
  return Ty::kSmallint;
}

// Result type of + - * on two numbers (only the integer/non-integer split and the integer width
// matter to the generator).
Ty ArithType(Ty a, Ty b) {
  if (IsInt(a) && IsInt(b)) return WiderInt(a, b);
  if (a == Ty::kReal && b == Ty::kReal) return Ty::kReal;
  if (a == Ty::kNumeric && (IsInt(b) || b == Ty::kNumeric)) return Ty::kNumeric;
  if (b == Ty::kNumeric && IsInt(a)) return Ty::kNumeric;
  return Ty::kDouble;
}

// Type of CASE/COALESCE/greatest/least over two numbers (PostgreSQL's select_common_type): real
// absorbs integers and numeric, double precision absorbs everything.
Ty CommonType(Ty a, Ty b) {
  if (a == Ty::kDouble || b == Ty::kDouble) return Ty::kDouble;
  if (a == Ty::kReal || b == Ty::kReal) return Ty::kReal;
  if (a == Ty::kNumeric || b == Ty::kNumeric) return Ty::kNumeric;
  return WiderInt(a, b);
}

struct Column {
  std::string name;
  Ty ty;
  double bound = 0;  // the largest absolute value of a number column
};

struct Table {
  std::string name;
  std::vector<Column> cols;  // cols[0] is "time"
  int64_t t_lo = 0, t_hi = 0;
  std::vector<int64_t> times;  // every time value inserted
};

struct Expr {
  std::string sql;
  Ty ty;
  double bound = 0;  // numbers: largest absolute value
};

struct Query {
  Query(std::string s, bool o = false, std::string e = "")
      : sql(std::move(s)), ordered(o), expect_error(std::move(e)) {}
  std::string sql;
  bool ordered;              // ORDER BY gives a total order: compare in order
  std::string expect_error;  // SQLSTATE class ("42", "22") when the query must fail
};

const char* const kWords[] = {"alpha", "beta", "Gamma",  "delta x", "",      "o'neil",
                              "ALPHA", "b%c",  "zeta_9", "Beta",    "omega", "x"};

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
  return buf;
}

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  // CREATE TABLE (OmenDB, with WITH options, and PostgreSQL) and INSERT statements.
  void MakeTables(int n, std::vector<std::string>* omen, std::vector<std::string>* pg) {
    for (int i = 0; i < n; ++i) {
      Table t;
      t.name = "r" + std::to_string(i);
      t.cols.push_back({"time", Ty::kTime, 0});
      const Ty kinds[] = {Ty::kSmallint, Ty::kInteger, Ty::kBigint, Ty::kReal, Ty::kDouble,
                          Ty::kText,     Ty::kBool,    Ty::kTime,   Ty::kDate};
      int ncols = 3 + Rand(6);
      for (int c = 1; c <= ncols; ++c) {
        Ty ty = kinds[Rand(9)];
        if (c <= 2) ty = c == 1 ? Ty::kText : (Rand(2) ? Ty::kDouble : Ty::kInteger);
        double bound = ty == Ty::kSmallint  ? 1000
                       : ty == Ty::kInteger ? 100000
                       : ty == Ty::kBigint  ? 1e12
                       : IsFloat(ty)        ? 1000
                                            : 0;
        t.cols.push_back({"c" + std::to_string(c), ty, bound});
      }
      const int64_t spans[] = {2 * 3600, 86400, 10 * 86400, 90 * 86400};
      t.t_lo = kT0 + static_cast<int64_t>(Rand(86400)) * kSecond;
      t.t_hi = t.t_lo + spans[Rand(4)] * kSecond;
      std::string cols;
      for (size_t c = 0; c < t.cols.size(); ++c) {
        cols += (c ? ", " : "") + t.cols[c].name + " " + TypeName(t.cols[c].ty) +
                (c == 0 ? " NOT NULL" : "");
      }
      std::string create = "CREATE TABLE " + t.name + " (" + cols + ")";
      const char* parts[] = {"hour", "day", "week", "month", "none"};
      const char* flush[] = {"50", "200", "1000", "100000"};
      std::string with =
          "partition_by = '" + std::string(parts[Rand(5)]) + "', flush_rows = " + flush[Rand(4)];
      if (Rand(3) == 0) with += ", sort_key = 'c1'";
      omen->push_back(create + " WITH (" + with + ")");
      pg->push_back(create);
      Rows(&t, omen, pg);
      tables_.push_back(std::move(t));
    }
  }

  Query Next() {
    t_ = &tables_[Rand(static_cast<int>(tables_.size()))];
    int kind = Rand(100);
    if (kind < 18) return Project();
    if (kind < 33) return ProjectOrderLimit();
    if (kind < 46) return Aggregate();
    if (kind < 70) return GroupBy();
    if (kind < 78) return Distinct();
    if (kind < 92) return TimeGroup();
    if (kind < 97) return Count();
    return Error();
  }

 private:
  int Rand(int n) { return static_cast<int>(rng_() % static_cast<uint64_t>(n)); }
  bool Chance(int percent) { return Rand(100) < percent; }

  // --- data ---

  std::string Value(const Column& c, int64_t t) {
    switch (c.ty) {
      case Ty::kSmallint:
      case Ty::kInteger:
        return std::to_string(Rand(2 * static_cast<int>(c.bound) + 1) - static_cast<int>(c.bound));
      case Ty::kBigint:
        return std::to_string(Chance(50) ? static_cast<int64_t>(rng_() % 2000000000001ULL) -
                                               1000000000000LL
                                         : static_cast<int64_t>(Rand(2001)) - 1000);
      case Ty::kReal:
        return Fixed(static_cast<double>(Rand(200001) - 100000) / 100.0, 2);
      case Ty::kDouble:
        return Chance(20) ? Fixed(static_cast<double>(Rand(20001) - 10000) / 10.0, 1)
                          : Fixed(static_cast<double>(Rand(2000001) - 1000000) / 1000.0, 3);
      case Ty::kText:
        return Quote(kWords[Rand(12)]);
      case Ty::kBool:
        return Chance(60) ? "true" : "false";
      case Ty::kTime:
        return Quote(
            FormatTimestamp(t + (static_cast<int64_t>(Rand(7200)) - 3600) * kSecond, true));
      case Ty::kDate:
        return Quote(FormatDate(static_cast<int32_t>(19700 + Rand(90))));
      default:
        return "NULL";
    }
  }

  void Rows(Table* t, std::vector<std::string>* omen, std::vector<std::string>* pg) {
    int nrows = 300 + Rand(1200);
    std::vector<int> null_pct(t->cols.size());
    for (int& p : null_pct) p = Rand(4) == 0 ? 0 : Rand(25);
    int64_t span = (t->t_hi - t->t_lo) / kSecond;
    std::vector<std::string> rows;
    for (int r = 0; r < nrows; ++r) {
      int64_t tm;
      if (!t->times.empty() && Chance(15)) {
        tm = t->times[Rand(static_cast<int>(t->times.size()))];  // a duplicate
      } else {
        tm = t->t_lo + static_cast<int64_t>(rng_() % static_cast<uint64_t>(span)) * kSecond;
        if (Chance(10)) tm += Rand(1000000);
      }
      t->times.push_back(tm);
      std::string row = "(" + Quote(FormatTimestamp(tm, true));
      for (size_t c = 1; c < t->cols.size(); ++c) {
        row += "," + (Chance(null_pct[c]) ? std::string("NULL") : Value(t->cols[c], tm));
      }
      rows.push_back(row + ")");
    }
    std::shuffle(rows.begin(), rows.end(), rng_);
    for (size_t i = 0; i < rows.size();) {
      size_t n = 1 + static_cast<size_t>(Rand(400));
      std::string sql = "INSERT INTO " + t->name + " VALUES ";
      for (size_t j = i; j < rows.size() && j < i + n; ++j) sql += (j > i ? "," : "") + rows[j];
      omen->push_back(sql);
      pg->push_back(sql);
      i += n;
    }
  }

  // --- columns and literals ---

  const Column* Pick(bool (*want)(Ty)) {
    std::vector<const Column*> ok;
    for (const Column& c : t_->cols) {
      if (want(c.ty)) ok.push_back(&c);
    }
    return ok.empty() ? nullptr : ok[Rand(static_cast<int>(ok.size()))];
  }
  const Column* PickType(Ty ty) {
    std::vector<const Column*> ok;
    for (const Column& c : t_->cols) {
      if (c.ty == ty) ok.push_back(&c);
    }
    return ok.empty() ? nullptr : ok[Rand(static_cast<int>(ok.size()))];
  }
  const Column& Any() { return t_->cols[Rand(static_cast<int>(t_->cols.size()))]; }

  int64_t SomeTime() {
    if (Chance(40)) return t_->times[Rand(static_cast<int>(t_->times.size()))];
    int64_t span = (t_->t_hi - t_->t_lo) / kSecond + 7200;
    return t_->t_lo - 3600 * kSecond +
           static_cast<int64_t>(rng_() % static_cast<uint64_t>(span)) * kSecond;
  }

  // A timestamptz literal in one of the spellings clients send.
  std::string TimeLiteral(int64_t t) {
    switch (Rand(5)) {
      case 4:  // no zone: read in the session's TimeZone
        return Quote(FormatTimestamp(t, false));
      case 0: {
        std::string s = FormatTimestamp(t, false);
        std::replace(s.begin(), s.end(), ' ', 'T');
        return Quote(s + "Z");
      }
      case 1:
        return Quote(FormatTimestamp(t + 2 * 3600 * kSecond, false) + "+02");
      case 2:
        return "timestamptz " + Quote(FormatTimestamp(t, true));
      default:
        return Quote(FormatTimestamp(t, true));
    }
  }

  std::string Literal(Ty ty, double bound) {
    switch (ty) {
      case Ty::kSmallint:
      case Ty::kInteger:
      case Ty::kBigint: {
        int64_t b = std::max<int64_t>(1, static_cast<int64_t>(bound));
        return std::to_string(static_cast<int64_t>(rng_() % static_cast<uint64_t>(2 * b + 1)) - b);
      }
      case Ty::kNumeric:
      case Ty::kReal:
      case Ty::kDouble:
        return Fixed(static_cast<double>(Rand(200001) - 100000) / 100.0 * (bound / 1000.0), 2);
      case Ty::kText:
        return Quote(kWords[Rand(12)]);
      case Ty::kBool:
        return Chance(50) ? "true" : "false";
      case Ty::kTime:
        return TimeLiteral(SomeTime());
      case Ty::kDate:
        return Quote(FormatDate(static_cast<int32_t>(19700 + Rand(90))));
    }
    return "NULL";
  }

  // --- expressions ---

  Expr Col(const Column& c) { return {c.name, c.ty, c.bound}; }

  Expr Number(int depth) {
    const Column* c = Pick(IsNumber);
    if (depth <= 0 || Chance(35)) {
      if (c == nullptr || Chance(10)) return {std::to_string(Rand(100)), Ty::kInteger, 100};
      return Col(*c);
    }
    Expr a = Number(depth - 1);
    switch (Rand(9)) {
      case 0:
      case 1: {
        Expr b =
            Chance(50) ? Number(depth - 1) : Expr{std::to_string(1 + Rand(50)), Ty::kInteger, 50};
        Ty ty = ArithType(a.ty, b.ty);
        if (IsInt(ty) && a.bound + b.bound > IntLimit(ty)) return a;
        return {"(" + a.sql + (Chance(50) ? " + " : " - ") + b.sql + ")", ty, a.bound + b.bound};
      }
      case 2: {
        int k = 2 + Rand(8);
        Ty ty = ArithType(a.ty, Ty::kInteger);
        if (IsInt(ty) && a.bound * k > IntLimit(ty)) return a;
        return {"(" + a.sql + " * " + std::to_string(k) + ")", ty, a.bound * k};
      }
      case 3: {
        int k = 2 + Rand(8);
        return {"(" + a.sql + " / " + std::to_string(k) + ")", ArithType(a.ty, Ty::kInteger),
                a.bound};
      }
      case 4:
        if (IsInt(a.ty)) {
          return {"(" + a.sql + " % " + std::to_string(2 + Rand(9)) + ")",
                  WiderInt(a.ty, Ty::kInteger), a.bound};
        }
        if (IsFloat(a.ty)) {
          if (Chance(25)) return {"abs(" + a.sql + ")", a.ty, a.bound};  // abs(real) is real
          const char* fns[] = {"floor", "ceil", "round"};
          return {std::string(fns[Rand(3)]) + "(" + a.sql + ")", Ty::kDouble, a.bound + 1};
        }
        return {"abs(" + a.sql + ")", a.ty, a.bound};
      case 5:
        return {"(-" + a.sql + ")", a.ty, a.bound};
      case 6: {
        Expr b = Number(depth - 1);
        return {"CASE WHEN " + Bool(depth - 1) + " THEN " + a.sql + " ELSE " + b.sql + " END",
                CommonType(a.ty, b.ty), std::max(a.bound, b.bound)};
      }
      case 7: {
        Ty ty = CommonType(a.ty, Ty::kInteger);
        return {"COALESCE(" + a.sql + ", " + std::to_string(Rand(10)) + ")", ty,
                std::max(a.bound, 10.0)};
      }
      default: {
        Expr b = Number(depth - 1);
        return {std::string(Chance(50) ? "greatest(" : "least(") + a.sql + ", " + b.sql + ")",
                CommonType(a.ty, b.ty), std::max(a.bound, b.bound)};
      }
    }
  }

  Expr Text(int depth) {
    const Column* c = PickType(Ty::kText);
    Expr base = c != nullptr ? Col(*c) : Expr{Quote(kWords[Rand(12)]), Ty::kText};
    if (depth <= 0 || Chance(30)) return base;
    switch (Rand(6)) {
      case 0:
        return {"lower(" + Text(depth - 1).sql + ")", Ty::kText};
      case 1:
        return {"upper(" + Text(depth - 1).sql + ")", Ty::kText};
      case 2:
        return {"(" + Text(depth - 1).sql + " || " + Quote(kWords[Rand(12)]) + ")", Ty::kText};
      case 3:
        return {"COALESCE(" + base.sql + ", " + Quote(kWords[Rand(12)]) + ")", Ty::kText};
      case 4:
        return {"CASE WHEN " + Bool(depth - 1) + " THEN " + base.sql + " ELSE " +
                    Text(depth - 1).sql + " END",
                Ty::kText};
      default:
        return {"NULLIF(" + base.sql + ", " + Quote(kWords[Rand(12)]) + ")", Ty::kText};
    }
  }

  // A number-valued text function (length) folded into the number expressions' callers.
  Expr TextLength() { return {"length(" + Text(1).sql + ")", Ty::kInteger, 100}; }

  const char* Cmp() {
    const char* ops[] = {"=", "<>", "<", "<=", ">", ">="};
    return ops[Rand(6)];
  }

  std::string TimePredicate() {
    int64_t a = SomeTime(), b = SomeTime();
    if (a > b) std::swap(a, b);
    switch (Rand(6)) {
      case 0:
        return "time >= " + TimeLiteral(a) + " AND time < " + TimeLiteral(b);
      case 1:
        return "time BETWEEN " + TimeLiteral(a) + " AND " + TimeLiteral(b);
      case 2:
        return "time = " + TimeLiteral(t_->times[Rand(static_cast<int>(t_->times.size()))]);
      case 3:
        return std::string("time ") + Cmp() + " " + TimeLiteral(a);
      case 4:
        // Typed: 'text' - interval would not resolve to one operator.
        return "time > timestamptz " + Quote(FormatTimestamp(a, true)) + " - interval '" +
               std::to_string(1 + Rand(48)) + " hours'";
      default:
        return "(time < " + TimeLiteral(a) + " OR time >= " + TimeLiteral(b) + ")";
    }
  }

  std::string Bool(int depth) {
    int k = Rand(depth <= 0 ? 7 : 11);
    switch (k) {
      case 0:
        return TimePredicate();
      case 1: {
        Expr a = Number(depth - 1);
        return a.sql + " " + Cmp() + " " +
               Literal(IsInt(a.ty) ? Ty::kInteger : a.ty, std::min(a.bound, 2e9));
      }
      case 2: {
        const Column& c = Any();
        return c.name + (Chance(50) ? " IS NULL" : " IS NOT NULL");
      }
      case 3: {
        const Column* c = PickType(Ty::kBool);
        if (c == nullptr) return "true";
        return Chance(50) ? c->name : "NOT " + c->name;
      }
      case 4: {  // IN list
        const Column& c = Any();
        if (c.ty == Ty::kBool) return c.name + " IN (true)";
        std::string list;
        int n = 1 + Rand(4);
        for (int i = 0; i < n; ++i) {
          list +=
              (i ? ", " : "") +
              (c.ty == Ty::kTime ? TimeLiteral(t_->times[Rand(static_cast<int>(t_->times.size()))])
                                 : Literal(c.ty, std::min(c.bound, 50.0)));
        }
        return c.name + (Chance(25) ? " NOT IN (" : " IN (") + list + ")";
      }
      case 5: {  // BETWEEN
        const Column& c = Any();
        if (c.ty == Ty::kBool) return c.name + " IS TRUE";
        std::string lo = Literal(c.ty, c.bound), hi = Literal(c.ty, c.bound);
        return c.name + (Chance(20) ? " NOT BETWEEN " : " BETWEEN ") + lo + " AND " + hi;
      }
      case 6: {
        const Column& c = Any();
        if (c.ty == Ty::kText) {
          const char* pats[] = {"'a%'", "'%a%'", "'_eta'", "'%x'", "'B%'", "'%\\%%'"};
          return c.name + (Chance(50) ? " LIKE " : " ILIKE ") + pats[Rand(6)];
        }
        if (c.ty == Ty::kDate) return c.name + " " + Cmp() + " " + Literal(Ty::kDate, 0);
        if (c.ty == Ty::kTime) return c.name + " " + Cmp() + " " + TimeLiteral(SomeTime());
        if (c.ty == Ty::kBool) return c.name + " = " + Literal(Ty::kBool, 0);
        return c.name + " " + Cmp() + " " + Literal(IsInt(c.ty) ? Ty::kInteger : c.ty, c.bound);
      }
      case 7:
        return "(" + Bool(depth - 1) + " AND " + Bool(depth - 1) + ")";
      case 8:
        return "(" + Bool(depth - 1) + " OR " + Bool(depth - 1) + ")";
      case 9:
        return "NOT (" + Bool(depth - 1) + ")";
      default: {
        Expr a = Text(depth - 1);
        return a.sql + " " + Cmp() + " " + Quote(kWords[Rand(12)]);
      }
    }
  }

  std::string Where() {
    if (Chance(20)) return "";
    if (Chance(50)) return " WHERE " + TimePredicate() + (Chance(50) ? " AND " + Bool(1) : "");
    return " WHERE " + Bool(2);
  }

  // Any-typed select item.
  Expr Item(int depth) {
    int k = Rand(10);
    if (k < 3) return Col(Any());
    if (k < 6) return Number(depth);
    if (k < 8) return Text(depth);
    if (k < 9) return TextLength();
    return {"(" + Bool(depth) + ")", Ty::kBool};
  }

  // --- query shapes ---

  Query Project() {
    std::string items;
    int n = 1 + Rand(4);
    for (int i = 0; i < n; ++i) items += (i ? ", " : "") + Item(2).sql;
    return {"SELECT " + items + " FROM " + t_->name + Where()};
  }

  // Raw columns first, then expressions; ordering by every output column is a total order on
  // distinguishable rows.
  Query ProjectOrderLimit() {
    std::vector<std::string> items;
    int ncols = 1 + Rand(3);
    for (int i = 0; i < ncols; ++i) items.push_back(Any().name);
    if (Chance(50)) items.push_back(Item(1).sql);
    std::string sel, order;
    for (size_t i = 0; i < items.size(); ++i) {
      sel += (i ? ", " : "") + items[i];
      order += (i ? ", " : "") + std::to_string(i + 1) + (Chance(40) ? " DESC" : "") +
               (Chance(30) ? (Chance(50) ? " NULLS FIRST" : " NULLS LAST") : "");
    }
    std::string sql = "SELECT " + sel + " FROM " + t_->name + Where() + " ORDER BY " + order;
    if (Chance(85)) sql += " LIMIT " + std::to_string(Rand(60));
    if (Chance(40)) sql += " OFFSET " + std::to_string(Rand(100));
    return {sql, true};
  }

  std::string Agg() {
    int k = Rand(12);
    const Column* num = Pick(IsNumber);
    switch (k) {
      case 0:
        return "count(*)";
      case 1:
        return "count(" + Any().name + ")";
      case 2:
        return "count(DISTINCT " + Any().name + ")";
      case 3:
      case 4: {
        // sum(real) accumulates in float4: its rounding depends on the order rows arrive.
        const Column* c = Pick([](Ty t) { return IsNumber(t) && t != Ty::kReal; });
        return c ? "sum(" + c->name + ")" : "count(*)";
      }
      case 5:
        return num ? "avg(" + num->name + ")" : "count(*)";
      case 6:
      case 7: {
        const Column* c = Pick([](Ty t) { return t != Ty::kBool; });
        return std::string(k == 6 ? "min(" : "max(") + c->name + ")";
      }
      case 8: {
        const Column* c = PickType(Ty::kBool);
        return c ? std::string(Chance(50) ? "bool_and(" : "bool_or(") + c->name + ")" : "count(*)";
      }
      case 9: {
        Expr e = Number(1);
        if (e.ty == Ty::kReal) return "count(*)";
        return std::string(Chance(50) ? "sum(" : "max(") + e.sql + ")";
      }
      case 10:
        return "count(*) FILTER (WHERE " + Bool(1) + ")";
      default: {
        const Column* c = PickType(Ty::kText);
        return c ? "max(lower(" + c->name + "))" : "min(time)";
      }
    }
  }

  Query Aggregate() {
    std::string items;
    int n = 1 + Rand(4);
    for (int i = 0; i < n; ++i) items += (i ? ", " : "") + Agg();
    return {"SELECT " + items + " FROM " + t_->name + Where()};
  }

  std::string GroupKey() {
    const Column* c;
    switch (Rand(7)) {
      case 0:
        if ((c = PickType(Ty::kText)) != nullptr)
          return Chance(30) ? "lower(" + c->name + ")" : c->name;
        [[fallthrough]];
      case 1:
        if ((c = PickType(Ty::kBool)) != nullptr) return c->name;
        [[fallthrough]];
      case 2:
        if ((c = Pick(IsInt)) != nullptr)
          return "(" + c->name + " % " + std::to_string(2 + Rand(5)) + ")";
        [[fallthrough]];
      case 3:
        if ((c = PickType(Ty::kDate)) != nullptr) return c->name;
        [[fallthrough]];
      case 4: {
        const char* units[] = {"hour", "day", "week", "month"};
        return "date_trunc('" + std::string(units[Rand(4)]) + "', time)";
      }
      case 5: {
        // A column, never a constant: GROUP BY 42 would mean the 42nd output column.
        c = Pick(IsNumber);
        if (IsFloat(c->ty)) return "(" + c->name + " > " + std::to_string(Rand(200) - 100) + ")";
        return c->name;
      }
      default:
        return "c1";
    }
  }

  Query GroupBy() {
    std::vector<std::string> keys;
    int nk = 1 + Rand(2);
    for (int i = 0; i < nk; ++i) keys.push_back(GroupKey());
    std::string sel, group;
    int style = Rand(3);  // ordinals, expressions, aliases
    for (size_t i = 0; i < keys.size(); ++i) {
      std::string alias = "k" + std::to_string(i);
      sel += (i ? ", " : "") + keys[i] + (style == 2 ? " AS " + alias : "");
      group += (i ? ", " : "") + (style == 0   ? std::to_string(i + 1)
                                  : style == 1 ? keys[i]
                                               : alias);
    }
    int na = 1 + Rand(3);
    for (int i = 0; i < na; ++i) sel += ", " + Agg();
    std::string sql = "SELECT " + sel + " FROM " + t_->name + Where() + " GROUP BY " + group;
    if (Chance(30)) {
      sql += Chance(50) ? " HAVING count(*) > " + std::to_string(Rand(20))
                        : " HAVING " + Agg() + " IS NOT NULL";
    }
    bool ordered = false;
    if (Chance(30)) {
      std::string order;
      for (size_t i = 0; i < keys.size(); ++i) {
        order += (i ? ", " : "") + std::to_string(i + 1) + (Chance(50) ? " DESC" : "");
      }
      sql += " ORDER BY " + order;
      if (Chance(60)) sql += " LIMIT " + std::to_string(1 + Rand(10));
      ordered = true;
    }
    return {sql, ordered};
  }

  Query Distinct() {
    std::string items;
    int n = 1 + Rand(3);
    for (int i = 0; i < n; ++i) {
      const Column& c = Any();
      std::string e = c.name;
      if (c.ty == Ty::kText && Chance(30)) e = "lower(" + c.name + ")";
      if (IsInt(c.ty) && Chance(30)) e = c.name + " / 10";
      if (c.ty == Ty::kTime && Chance(50)) e = "date_trunc('hour', " + c.name + ")";
      items += (i ? ", " : "") + e;
    }
    return {"SELECT DISTINCT " + items + " FROM " + t_->name + Where()};
  }

  Query TimeGroup() {
    const char* buckets[] = {"1 minute", "5 minutes", "15 minutes", "1 hour",    "3 hours",
                             "1 day",    "1 week",    "1 month",    "90 seconds"};
    const char* units[] = {"minute", "hour", "day", "week", "month"};
    std::string b = Chance(65) ? "time_bucket('" + std::string(buckets[Rand(9)]) + "', time)"
                               : "date_trunc('" + std::string(units[Rand(5)]) + "', time)";
    std::string sel = b + " AS b";
    std::string group = "b";
    if (Chance(30)) {
      const Column* c = PickType(Ty::kText);
      if (c != nullptr) {
        sel += ", " + c->name;
        group += ", " + c->name;
      }
    }
    int na = 1 + Rand(3);
    for (int i = 0; i < na; ++i) sel += ", " + Agg();
    std::string where = Chance(70) ? " WHERE " + TimePredicate() : Where();
    std::string sql = "SELECT " + sel + " FROM " + t_->name + where + " GROUP BY " + group;
    if (group == "b" && Chance(50)) {
      sql += std::string(" ORDER BY b") + (Chance(50) ? " DESC" : "");
      if (Chance(50)) sql += " LIMIT " + std::to_string(1 + Rand(20));
      return {sql, true};
    }
    return {sql};
  }

  Query Count() { return {"SELECT count(*) FROM " + t_->name + " WHERE " + Bool(3)}; }

  Query Error() {
    const Column* text = PickType(Ty::kText);
    switch (Rand(6)) {
      case 0:
        return {"SELECT nosuch FROM " + t_->name, false, "42"};
      case 1:
        return {"SELECT * FROM nosuch_" + t_->name, false, "42"};
      case 2:
        return {"SELECT " + (text ? text->name : std::string("time")) + " + 1 FROM " + t_->name,
                false, "42"};
      case 3:
        return {"SELECT c1, count(*) FROM " + t_->name, false, "42"};
      case 4:
        return {"SELECT count(*) FROM " + t_->name + " WHERE 1 / 0 = 1", false, "22"};
      default:
        return {"SELECT * FROM " + t_->name + " WHERE time > 'not a time'", false, "22"};
    }
  }

  std::mt19937_64 rng_;
  std::vector<Table> tables_;
  const Table* t_ = nullptr;
};

uint64_t EnvNumber(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::strtoull(v, nullptr, 10) : fallback;
}

TEST(RandomQueries, MatchPostgres) {
  const uint64_t seed = EnvNumber("OMENDB_RANDOM_SEED", 20240101);
  const int count = static_cast<int>(EnvNumber("OMENDB_RANDOM_QUERIES", 1200));
  const bool verbose = EnvNumber("OMENDB_RANDOM_VERBOSE", 0) != 0;
  const bool trace = EnvNumber("OMENDB_RANDOM_TRACE", 0) != 0;
  std::printf("random: seed %llu (OMENDB_RANDOM_SEED=%llu replays it), %d queries\n",
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seed), count);
  std::fflush(stdout);

  OracleHarness h;
  Status start = h.Start("random");
  if (start.IsNotFound()) GTEST_SKIP() << start.ToString();
  ASSERT_TRUE(start.ok()) << start.ToString();

  Generator gen(seed);
  std::vector<std::string> omen_load, pg_load;
  gen.MakeTables(3, &omen_load, &pg_load);
  Status load = h.Load(omen_load, pg_load);
  ASSERT_TRUE(load.ok()) << load.ToString();

  std::vector<Query> queries;
  std::vector<std::string> sqls;
  // The session's TimeZone changes every 200 queries (both engines run the SET in order):
  // zone-less literals, date_trunc and the printing of timestamptz values follow it.
  const char* const zones[] = {"America/New_York", "Asia/Kolkata", "Australia/Lord_Howe",
                               "+02",              "UTC+3",        "UTC"};
  for (int i = 0; i < count; ++i) {
    if (i % 200 == 100) {
      queries.emplace_back("SET TimeZone = '" + std::string(zones[i / 200 % 6]) + "'");
    } else {
      queries.push_back(gen.Next());
    }
    sqls.push_back(queries.back().sql);
  }
  std::vector<Answer> pg = h.PgBatch(sqls);
  std::vector<Answer> mine;
  if (trace) {
    for (size_t i = 0; i < sqls.size(); ++i) {
      std::printf("random #%zu: %s\n", i, sqls[i].c_str());
      std::fflush(stdout);
      mine.push_back(h.Omen(sqls[i]));
    }
  } else {
    mine = h.OmenBatch(sqls);
  }

  int matched = 0, mismatched = 0, both_error = 0, not_supported = 0, pg_failed = 0, shown = 0;
  std::string report;
  for (size_t i = 0; i < queries.size(); ++i) {
    const Query& q = queries[i];
    const Answer& ours = mine[i];
    Verdict v = Judge(ours, pg[i], q.ordered, q.expect_error);
    if (!pg[i].ok && q.expect_error.empty()) {
      // The generator meant a valid query: PostgreSQL rejecting it is a generator bug.
      ++pg_failed;
      v = {Outcome::kPgError, "the generated query fails in PostgreSQL: " + pg[i].sqlstate};
    }
    if (v.outcome == Outcome::kMatch && !q.expect_error.empty()) {
      ++both_error;
      continue;
    }
    if (v.outcome == Outcome::kMatch) {
      ++matched;
      continue;
    }
    if (v.outcome == Outcome::kBothError) {
      ++both_error;
      continue;
    }
    ++mismatched;
    if (!ours.ok && ours.sqlstate == "0A000") ++not_supported;
    std::string where = "random #" + std::to_string(i);
    if (verbose || shown < kFailuresShown) {
      report += Describe(where, q.sql, q.sql, ours, pg[i], v);
      ++shown;
    } else {
      report +=
          "---- " + where + ": " + OutcomeName(v.outcome) + ": " + q.sql.substr(0, 240) + "\n";
    }
  }
  std::printf("%s", report.c_str());
  std::printf(
      "random%s: %d queries, %d matched, %d mismatched, %d both-error (seed %llu; %d not "
      "supported by OmenDB, %d rejected by PostgreSQL)\n",
      h.self_check() ? " (self-check: PostgreSQL vs PostgreSQL)" : "", count, matched, mismatched,
      both_error, static_cast<unsigned long long>(seed), not_supported, pg_failed);
  EXPECT_EQ(mismatched, 0) << mismatched << " of " << count
                           << " random queries differ from PostgreSQL; replay with "
                              "OMENDB_RANDOM_SEED="
                           << seed;
}

}  // namespace
}  // namespace omen::test
