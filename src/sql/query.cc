// Copyright 2026 The OmenDB Authors.

#include "sql/query.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <limits>
#include <mutex>
#include <set>
#include <thread>

#include "common/datetime.h"
#include "common/strings.h"
#include "exec/aggregate.h"
#include "exec/dense_groups.h"
#include "exec/expr.h"
#include "exec/ops.h"
#include "sql/query_internal.h"
#include "sql/subquery.h"
#include "sql/system_functions.h"

namespace omen::sql {

Status UndefinedFunction(const std::string& msg, int loc) {
  return Status::DatatypeMismatch(msg, loc + 1).WithSqlState("42883");
}

namespace {

using exec::AggFn;
using exec::Chunk;
using exec::ExprPtr;
using exec::Fn;
using exec::LType;
using exec::Phys;
using exec::Value;
using exec::Vector;
using EK = exec::Expr::Kind;

constexpr int64_t kMinTime = std::numeric_limits<int64_t>::min();
constexpr int64_t kMaxTime = std::numeric_limits<int64_t>::max();

Status GroupingError(const std::string& msg, int loc) {
  return Status::SyntaxError(msg, loc + 1).WithSqlState("42803");
}
// The column of src that [qualifier.]name names: -1 when none, -2 when ambiguous. Unqualified
// names skip hidden columns (the inputs' copies of USING columns).
int FindColumn(const Source& src, const std::string& qualifier, const std::string& name) {
  int found = -1;
  for (size_t c = 0; c < src.names.size(); ++c) {
    if (src.names[c] != name) continue;
    if (qualifier.empty() ? src.Hidden(c) : src.quals[c] != qualifier) continue;
    if (found >= 0) return -2;
    found = static_cast<int>(c);
  }
  return found;
}

// A canonical text of an AST expression, for matching GROUP BY expressions. With src, column
// references resolve to the column they name (t.x and x match when they are the same column).
std::string Fingerprint(const Expr& e, const Source* src = nullptr) {
  if (e.kind == ExprKind::kColumn && src != nullptr) {
    const int c = FindColumn(*src, e.qualifier, e.name);
    if (c >= 0) return "#" + std::to_string(c);
  }
  std::string s =
      std::to_string(static_cast<int>(e.kind)) + ":" + AsciiLower(e.name) + "." + e.qualifier + "(";
  if (e.kind == ExprKind::kLiteral) {
    s += std::to_string(static_cast<int>(e.literal.kind)) + e.literal.text +
         std::to_string(e.literal.i) + (e.literal.b ? "t" : "f");
  }
  if (e.negated) s += "!";
  if (e.all) s += "A";
  if (e.distinct) s += "D";
  if (e.agg_star) s += "*";
  for (const auto& a : e.args) s += Fingerprint(*a, src) + ",";
  if (e.case_arg) s += "C" + Fingerprint(*e.case_arg, src);
  if (e.else_expr) s += "E" + Fingerprint(*e.else_expr, src);
  if (e.filter) s += "F" + Fingerprint(*e.filter, src);
  for (int64_t m : e.typmods) s += std::to_string(m);
  for (const auto& o : e.within_group) s += "W" + Fingerprint(*o.expr, src);
  if (e.has_over) {
    s += "O";
    for (const auto& p : e.partition_by) s += Fingerprint(*p, src);
    for (const auto& o : e.window_order)
      s += Fingerprint(*o.expr, src) + (o.descending ? "d" : "a");
    s += std::to_string(e.frame_preceding) + "/" + std::to_string(e.frame_following);
  }
  return s + ")";
}

bool IsAggregateName(const std::string& n) {
  static const std::set<std::string> kAggs = {"count",
                                              "sum",
                                              "avg",
                                              "min",
                                              "max",
                                              "first",
                                              "last",
                                              "stddev",
                                              "stddev_samp",
                                              "stddev_pop",
                                              "variance",
                                              "var_samp",
                                              "var_pop",
                                              "bool_and",
                                              "bool_or",
                                              "every",
                                              "percentile_cont",
                                              "percentile_disc",
                                              "array_agg",
                                              "string_agg"};
  return kAggs.count(n) > 0;
}
bool IsWindowOnlyName(const std::string& n) {
  return n == "row_number" || n == "rank" || n == "dense_rank" || n == "lag" || n == "lead" ||
         n == "first_value" || n == "last_value";
}

bool ContainsAggregate(const Expr& e) {
  if (e.kind == ExprKind::kFunc && !e.has_over &&
      (IsAggregateName(AsciiLower(e.name)) || AsciiLower(e.name) == "locf" ||
       AsciiLower(e.name) == "interpolate")) {
    return true;
  }
  if (e.kind == ExprKind::kSubquery || e.kind == ExprKind::kExists ||
      e.kind == ExprKind::kInSubquery) {
    if (e.kind == ExprKind::kInSubquery && ContainsAggregate(*e.args[0])) return true;
    return false;
  }
  for (const auto& a : e.args) {
    if (a && ContainsAggregate(*a)) return true;
  }
  if (e.case_arg && ContainsAggregate(*e.case_arg)) return true;
  if (e.else_expr && ContainsAggregate(*e.else_expr)) return true;
  return false;
}

bool HasColumnRef(const exec::Expr& e) {
  if (e.kind == EK::kColumn) return true;
  if (e.kind == EK::kCall && e.fn == Fn::kNow) return false;
  for (const auto& a : e.args) {
    if (HasColumnRef(*a)) return true;
  }
  return false;
}

// Numeric type both operands promote to (PostgreSQL's rules, numeric as double).
LType NumericCommon(LType a, LType b) {
  if (a == LType::kFloat64 || b == LType::kFloat64) return LType::kFloat64;
  if (a == LType::kFloat32 || b == LType::kFloat32) {
    return a == b ? LType::kFloat32
                  : (a == LType::kNumeric || b == LType::kNumeric || IsInteger(a) || IsInteger(b)
                         ? LType::kFloat64
                         : LType::kFloat32);
  }
  if (a == LType::kNumeric || b == LType::kNumeric) return LType::kNumeric;
  if (a == LType::kInt64 || b == LType::kInt64) return LType::kInt64;
  if (a == LType::kInt32 || b == LType::kInt32) return LType::kInt32;
  return LType::kInt16;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

const SessionSettings& QueryRunner::Impl::settings() const {
  static const SessionSettings* const kDefaults = new SessionSettings();
  return options.settings != nullptr ? *options.settings : *kDefaults;
}

static int64_t ChunkBytes(const Chunk& c) {
  int64_t b = 0;
  for (const Vector& v : c.cols) {
    b += v.size * 8;
    if (v.data) b += static_cast<int64_t>(v.data->arena.bytes());
  }
  return b;
}

// ---------------------------------------------------------------------------------------------
// Binder

namespace {

struct AggCall {
  std::string fp;
  exec::AggSpec spec;
  ExprPtr arg, arg2, filter;
  enum Fill { kNone, kLocf, kInterpolate } fill = kNone;
};

struct WinCall {
  std::string fp;
  exec::WindowSpec spec;
  ExprPtr arg, dflt;
  std::vector<ExprPtr> partition;
  std::vector<ExprPtr> order;
  std::vector<exec::SortKey> order_dirs;
};

// A set-returning function call of the select list and its bound arguments.
struct SrfCall {
  SetFunction fn;
  std::vector<ExprPtr> args;
};

struct GapfillInfo {
  bool present = false;
  int key = -1;
  exec::Interval width;
  int64_t start = 0, end = 0, origin = exec::kBucketOrigin;
  bool have_range = false;
};

class Binder {
 public:
  enum class Mode { kRow, kAgg };
  Binder(QueryRunner::Impl* q, const Source* src) : q_(q), src_(src) {}

  Mode mode = Mode::kRow;
  bool allow_agg = false;
  bool allow_window = false;
  const char* clause = "WHERE";
  // Aggregation.
  std::vector<std::string> key_fps;
  std::vector<ExprPtr> keys;                               // bound in row mode
  std::vector<std::pair<std::string, int>> extra_key_fps;  // more spellings of a key
  std::vector<AggCall> aggs;
  std::vector<WinCall> windows;
  int window_base = 0;
  std::set<int> used;  // source columns referenced
  GapfillInfo gapfill;
  AggCall::Fill fill_mode = AggCall::kNone;
  std::set<const exec::Expr*> unknown;      // untyped string literals
  std::map<const exec::Expr*, int> params;  // $n placeholders (Describe): unknown literals
  // Set-returning functions in the select list: their rows are columns srf_base + k.
  bool allow_srf = false;
  int srf_base = 0;
  std::vector<SrfCall> srfs;
  // An untyped string literal (the pointer check alone could match a later allocation).
  bool IsUnknown(const exec::Expr* e) const {
    return e->kind == EK::kConst && e->type == LType::kText && !e->value.null &&
           unknown.count(e) > 0;
  }
  // The binding context of the system functions (system_functions.h).
  BindContext Context(int loc) {
    BindContext c;
    c.q = q_;
    c.location = loc;
    c.is_unknown = [this](const exec::Expr* e) { return IsUnknown(e); };
    c.coerce = [this, loc](ExprPtr e, LType t) { return Coerce(std::move(e), t, loc); };
    return c;
  }

  Result<ExprPtr> Bind(const Expr& e);
  Result<ExprPtr> Coerce(ExprPtr e, LType to, int loc);
  Result<ExprPtr> BindRowExpr(const Expr& e) {
    Mode saved = mode;
    bool sa = allow_agg, sw = allow_window;
    mode = Mode::kRow;
    allow_agg = false;
    allow_window = false;
    auto r = Bind(e);
    mode = saved;
    allow_agg = sa;
    allow_window = sw;
    return r;
  }
  LType AggBaseType(size_t k) const { return k < keys.size() ? keys[k]->type : LType::kNull; }

 private:
  Result<ExprPtr> BindColumn(const Expr& e);
  Result<ExprPtr> BindOperator(const Expr& e);
  Result<ExprPtr> BindFunc(const Expr& e);
  Result<ExprPtr> BindAggregate(const Expr& e, const std::string& name);
  Result<ExprPtr> BindWindow(const Expr& e, const std::string& name);
  Result<ExprPtr> Compare(Fn fn, ExprPtr a, ExprPtr b, int loc);
  Result<ExprPtr> Arith(const std::string& op, ExprPtr a, ExprPtr b, int loc);
  Result<std::pair<ExprPtr, ExprPtr>> Unify(ExprPtr a, ExprPtr b, int loc, const char* what);
  Result<Value> ConstOf(const Expr& e);
  Result<ExprPtr> SubqueryValue(const Expr& e);
  Result<ExprPtr> BindCast(const Expr& e);
  Result<ExprPtr> BindOuterColumn(const Expr& e);
  Result<ExprPtr> BindSetReturning(const Expr& e, const std::string& name);

  QueryRunner::Impl* q_;
  const Source* src_;
};

Result<ExprPtr> Binder::Coerce(ExprPtr e, LType to, int loc) {
  if (auto p = params.find(e.get()); p != params.end() && IsUnknown(e.get())) {
    LType& t = q_->param_types[static_cast<size_t>(p->second - 1)];
    if (t == LType::kNull) t = to;
    return exec::MakeConst(Value::Null(to));
  }
  if (e->type == to) return e;
  if (e->kind == EK::kConst && (IsUnknown(e.get()) > 0 || e->value.null)) {
    Value v = e->value;
    if (!v.null && to != LType::kText) {
      auto c = exec::CastValue(v, to, q_->eval.zone);
      if (!c.ok()) {
        Status s = c.status();
        const char* state =
            IsTimestamp(to) || to == LType::kDate || to == LType::kInterval ? "22007" : "22P02";
        const std::string own = s.SqlState();
        return Status::InvalidArgument(std::string(s.message()))
            .WithSqlState(own == "22003" || own == "22008" ? own.c_str() : state);
      }
      v = *c;
      if (IsTimestamp(to) && !v.null && v.type == to && AsciiLower(e->value.s) == "now") {
        v = Value::Int(to, q_->eval.now);
      } else if (IsTimestamp(to) && v.null && !e->value.null) {
        v = Value::Int(to, q_->eval.now);  // 'now'
      }
    }
    v.type = to;
    if (v.null) v = Value::Null(to);
    return exec::MakeConst(v);
  }
  const LType from = e->type;
  const bool ok = (IsNumeric(from) && IsNumeric(to)) || (IsTimestamp(from) && IsTimestamp(to)) ||
                  (from == LType::kDate && IsTimestamp(to)) || to == LType::kText ||
                  from == LType::kNull || (IsInteger(from) && to == LType::kOid) ||
                  (from == LType::kOid && (IsInteger(to) || PhysOf(to) == Phys::kFloat)) ||
                  (exec::IsArray(from) && exec::IsArray(to));
  if (!ok) {
    return Status::DatatypeMismatch(
        std::string("cannot use ") + exec::TypeName(from) + " as " + exec::TypeName(to), loc + 1);
  }
  return exec::MakeCast(std::move(e), to);
}

Result<std::pair<ExprPtr, ExprPtr>> Binder::Unify(ExprPtr a, ExprPtr b, int loc, const char* what) {
  const bool au = IsUnknown(a.get()) > 0, bu = IsUnknown(b.get()) > 0;
  if (a->type == b->type) return std::make_pair(std::move(a), std::move(b));
  if (au && !bu) {
    OMEN_ASSIGN_OR_RETURN(a, Coerce(std::move(a), b->type, loc));
    return std::make_pair(std::move(a), std::move(b));
  }
  if (bu && !au) {
    OMEN_ASSIGN_OR_RETURN(b, Coerce(std::move(b), a->type, loc));
    return std::make_pair(std::move(a), std::move(b));
  }
  if (a->type == LType::kNull) {
    OMEN_ASSIGN_OR_RETURN(a, Coerce(std::move(a), b->type, loc));
    return std::make_pair(std::move(a), std::move(b));
  }
  if (b->type == LType::kNull) {
    OMEN_ASSIGN_OR_RETURN(b, Coerce(std::move(b), a->type, loc));
    return std::make_pair(std::move(a), std::move(b));
  }
  if (IsNumeric(a->type) && IsNumeric(b->type)) {
    LType t = NumericCommon(a->type, b->type);
    OMEN_ASSIGN_OR_RETURN(a, Coerce(std::move(a), t, loc));
    OMEN_ASSIGN_OR_RETURN(b, Coerce(std::move(b), t, loc));
    return std::make_pair(std::move(a), std::move(b));
  }
  // oid against an integer: compare as bigint (an oid is an unsigned 32-bit number).
  if ((a->type == LType::kOid && IsInteger(b->type)) ||
      (IsInteger(a->type) && b->type == LType::kOid)) {
    OMEN_ASSIGN_OR_RETURN(a, Coerce(std::move(a), LType::kInt64, loc));
    OMEN_ASSIGN_OR_RETURN(b, Coerce(std::move(b), LType::kInt64, loc));
    return std::make_pair(std::move(a), std::move(b));
  }
  auto timeish = [](LType t) { return IsTimestamp(t) || t == LType::kDate; };
  if (timeish(a->type) && timeish(b->type)) {
    LType t = a->type == LType::kTimestampTz || b->type == LType::kTimestampTz ? LType::kTimestampTz
                                                                               : LType::kTimestamp;
    OMEN_ASSIGN_OR_RETURN(a, Coerce(std::move(a), t, loc));
    OMEN_ASSIGN_OR_RETURN(b, Coerce(std::move(b), t, loc));
    return std::make_pair(std::move(a), std::move(b));
  }
  return UndefinedFunction(std::string(what) + " does not exist: " + exec::TypeName(a->type) +
                               " and " + exec::TypeName(b->type),
                           loc);
}

Result<ExprPtr> Binder::Compare(Fn fn, ExprPtr a, ExprPtr b, int loc) {
  OMEN_ASSIGN_OR_RETURN(auto ab, Unify(std::move(a), std::move(b), loc, "operator"));
  std::vector<ExprPtr> args;
  args.push_back(std::move(ab.first));
  args.push_back(std::move(ab.second));
  return exec::MakeCall(fn, LType::kBool, std::move(args));
}

Result<ExprPtr> Binder::Arith(const std::string& op, ExprPtr a, ExprPtr b, int loc) {
  Fn fn = op == "+"   ? Fn::kAdd
          : op == "-" ? Fn::kSub
          : op == "*" ? Fn::kMul
          : op == "/" ? Fn::kDiv
                      : Fn::kMod;
  // Untyped literals next to timestamps/intervals become intervals or timestamps.
  auto resolve_unknown = [&](ExprPtr& x, const ExprPtr& other) -> Status {
    if (IsUnknown(x.get()) == 0) return Status::OK();
    LType t = other->type;
    if (IsTimestamp(t) || t == LType::kDate || t == LType::kTime) {
      // ts - 'literal' (date, time likewise): the literal is of the other side's type if it
      // parses as a timestamp (a time), else an interval.
      auto parsed =
          exec::CastValue(x->value, t == LType::kDate ? LType::kTimestamp : t, q_->eval.zone);
      OMEN_ASSIGN_OR_RETURN(
          x, Coerce(std::move(x), op == "-" && parsed.ok() ? t : LType::kInterval, loc));
    } else if (t == LType::kInterval) {
      OMEN_ASSIGN_OR_RETURN(x, Coerce(std::move(x), LType::kInterval, loc));
    } else if (IsNumeric(t)) {
      OMEN_ASSIGN_OR_RETURN(x, Coerce(std::move(x), t, loc));
    } else {
      OMEN_ASSIGN_OR_RETURN(x, Coerce(std::move(x), LType::kNumeric, loc));
    }
    return Status::OK();
  };
  OMEN_RETURN_IF_ERROR(resolve_unknown(a, b));
  OMEN_RETURN_IF_ERROR(resolve_unknown(b, a));
  LType ta = a->type, tb = b->type;
  if (ta == LType::kNull || tb == LType::kNull) {
    LType t = ta == LType::kNull ? tb : ta;
    if (t == LType::kNull) t = LType::kInt32;
    OMEN_ASSIGN_OR_RETURN(a, Coerce(std::move(a), t, loc));
    OMEN_ASSIGN_OR_RETURN(b, Coerce(std::move(b), t, loc));
    ta = tb = t;
  }
  LType out;
  auto args = [&]() {
    std::vector<ExprPtr> v;
    v.push_back(std::move(a));
    v.push_back(std::move(b));
    return v;
  };
  if (IsNumeric(ta) && IsNumeric(tb)) {
    out = NumericCommon(ta, tb);
    OMEN_ASSIGN_OR_RETURN(a, Coerce(std::move(a), out, loc));
    OMEN_ASSIGN_OR_RETURN(b, Coerce(std::move(b), out, loc));
    return exec::MakeCall(fn, out, args());
  }
  if (ta == LType::kDate && tb == LType::kInterval && (fn == Fn::kAdd || fn == Fn::kSub)) {
    OMEN_ASSIGN_OR_RETURN(a, Coerce(std::move(a), LType::kTimestamp, loc));
    return exec::MakeCall(fn, LType::kTimestamp, args());
  }
  if (IsTimestamp(ta) && tb == LType::kInterval && (fn == Fn::kAdd || fn == Fn::kSub)) {
    return exec::MakeCall(fn, ta, args());
  }
  if (ta == LType::kInterval && IsTimestamp(tb) && fn == Fn::kAdd) {
    return exec::MakeCall(fn, tb, args());
  }
  if (ta == LType::kInterval && tb == LType::kDate && fn == Fn::kAdd) {
    OMEN_ASSIGN_OR_RETURN(b, Coerce(std::move(b), LType::kTimestamp, loc));
    return exec::MakeCall(fn, LType::kTimestamp, args());
  }
  if ((IsTimestamp(ta) || ta == LType::kDate) && (IsTimestamp(tb) || tb == LType::kDate) &&
      fn == Fn::kSub) {
    if (ta == LType::kDate && tb == LType::kDate) return exec::MakeCall(fn, LType::kInt32, args());
    LType t = ta == LType::kTimestampTz || tb == LType::kTimestampTz ? LType::kTimestampTz
                                                                     : LType::kTimestamp;
    OMEN_ASSIGN_OR_RETURN(a, Coerce(std::move(a), t, loc));
    OMEN_ASSIGN_OR_RETURN(b, Coerce(std::move(b), t, loc));
    return exec::MakeCall(fn, LType::kInterval, args());
  }
  if (ta == LType::kTime && tb == LType::kInterval && (fn == Fn::kAdd || fn == Fn::kSub)) {
    return exec::MakeCall(fn, LType::kTime, args());
  }
  if (ta == LType::kInterval && tb == LType::kTime && fn == Fn::kAdd) {
    return exec::MakeCall(fn, LType::kTime, args());
  }
  if (ta == LType::kTime && tb == LType::kTime && fn == Fn::kSub) {
    return exec::MakeCall(fn, LType::kInterval, args());
  }
  if (((ta == LType::kDate && tb == LType::kTime) || (ta == LType::kTime && tb == LType::kDate)) &&
      fn == Fn::kAdd) {
    return exec::MakeCall(fn, LType::kTimestamp, args());
  }
  if (ta == LType::kDate && IsInteger(tb) && (fn == Fn::kAdd || fn == Fn::kSub)) {
    return exec::MakeCall(fn, LType::kDate, args());
  }
  if (IsInteger(ta) && tb == LType::kDate && fn == Fn::kAdd) {
    std::swap(a, b);
    return exec::MakeCall(fn, LType::kDate, args());
  }
  if (ta == LType::kInterval && tb == LType::kInterval && (fn == Fn::kAdd || fn == Fn::kSub)) {
    return exec::MakeCall(fn, LType::kInterval, args());
  }
  if (((ta == LType::kInterval && IsNumeric(tb)) || (IsNumeric(ta) && tb == LType::kInterval)) &&
      (fn == Fn::kMul || (fn == Fn::kDiv && ta == LType::kInterval))) {
    return exec::MakeCall(fn, LType::kInterval, args());
  }
  return UndefinedFunction("operator does not exist: " + std::string(exec::TypeName(ta)) + " " +
                               op + " " + exec::TypeName(tb),
                           loc);
}

Result<Value> Binder::ConstOf(const Expr& e) {
  OMEN_ASSIGN_OR_RETURN(ExprPtr b, BindRowExpr(e));
  if (HasColumnRef(*b)) return Status::InvalidArgument("argument must be a constant");
  return exec::EvaluateConstant(*b, q_->eval);
}

Result<ExprPtr> Binder::BindColumn(const Expr& e) {
  const int found = FindColumn(*src_, e.qualifier, e.name);
  if (found == -2) {
    return Status::SyntaxError("column reference \"" + e.name + "\" is ambiguous", e.location + 1)
        .WithSqlState("42702");
  }
  if (found < 0) {
    auto outer = BindOuterColumn(e);
    if (outer.ok() || !outer.status().IsNotFound()) return outer;
    if (!e.qualifier.empty()) {
      bool known = false;
      for (const auto& qn : src_->quals) known |= qn == e.qualifier;
      if (!known) {
        return Status::UndefinedColumn(
                   "missing FROM-clause entry for table \"" + e.qualifier + "\"", e.location + 1)
            .WithSqlState("42P01");
      }
      return Status::UndefinedColumn("column " + e.qualifier + "." + e.name + " does not exist",
                                     e.location + 1);
    }
    return Status::UndefinedColumn("column \"" + e.name + "\" does not exist", e.location + 1);
  }
  if (mode == Mode::kAgg) {
    return GroupingError(
        "column \"" + e.name +
            "\" must appear in the GROUP BY clause or be used in an aggregate function",
        e.location);
  }
  used.insert(found);
  return exec::MakeColumn(found, src_->types[static_cast<size_t>(found)]);
}

// A column of an enclosing query (a correlated reference): while the subquery is bound to find
// its references, a typed NULL; while it runs for an outer row, that row's value. NotFound when
// no enclosing query has the column.
Result<ExprPtr> Binder::BindOuterColumn(const Expr& e) {
  for (auto it = q_->outer.rbegin(); it != q_->outer.rend(); ++it) {
    const int c = FindColumn(*it->src, e.qualifier, e.name);
    if (c == -2) {
      return Status::SyntaxError("column reference \"" + e.name + "\" is ambiguous", e.location + 1)
          .WithSqlState("42702");
    }
    if (c < 0) continue;
    const LType type = it->src->types[static_cast<size_t>(c)];
    if (it->values != nullptr) {
      auto v = it->values->find(c);
      if (v == it->values->end()) return Status::Internal("outer column without a value");
      Value x = v->second;
      x.type = type;
      return exec::MakeConst(std::move(x));
    }
    if (std::find(it->refs->begin(), it->refs->end(), c) == it->refs->end()) {
      it->refs->push_back(c);
    }
    return exec::MakeConst(Value::Null(type));
  }
  return Status::NotFound("no outer column");
}

Result<ExprPtr> Binder::SubqueryValue(const Expr& e) {
  QueryRunner::Impl* q = q_;
  // Correlated: bound again and run per distinct combination of the outer columns it uses.
  std::vector<int> refs;
  OMEN_ASSIGN_OR_RETURN(Relation shape, ProbeSubquery(q, *src_, *e.subquery, &refs));
  if (!refs.empty()) {
    if (e.kind != ExprKind::kExists && shape.names.size() != 1) {
      return Status::SyntaxError("subquery must return only one column", e.location + 1);
    }
    std::vector<ExprPtr> args;
    for (int c : refs) {
      Expr ref;
      ref.kind = ExprKind::kColumn;
      ref.location = e.location;
      ref.name = src_->names[static_cast<size_t>(c)];
      ref.qualifier = src_->quals[static_cast<size_t>(c)];
      OMEN_ASSIGN_OR_RETURN(ExprPtr b, Bind(ref));
      args.push_back(std::move(b));
    }
    SubqueryKind kind = SubqueryKind::kScalar;
    LType type = shape.types.empty() ? LType::kBool : shape.types[0];
    if (type == LType::kNull) type = LType::kText;
    if (e.kind == ExprKind::kExists) {
      kind = SubqueryKind::kExists;
      type = LType::kBool;
    } else if (e.kind == ExprKind::kArray) {
      kind = SubqueryKind::kArray;
      auto at = exec::ArrayTypeOf(type);
      if (!at) {
        return Status::NotSupported(std::string("arrays of ") + exec::TypeName(type) +
                                    " are not supported");
      }
      type = *at;
    } else if (e.kind == ExprKind::kInSubquery) {
      kind = SubqueryKind::kIn;
      OMEN_ASSIGN_OR_RETURN(ExprPtr lhs, Bind(*e.args[0]));
      LType t = lhs->type;
      if (IsNumeric(t) && IsNumeric(type)) t = NumericCommon(t, type);
      OMEN_ASSIGN_OR_RETURN(lhs, Coerce(std::move(lhs), t == LType::kNull ? type : t, e.location));
      args.push_back(std::move(lhs));
      type = LType::kBool;
    }
    return MakeCorrelatedSubquery(q, *src_, e.subquery, std::move(refs), kind, e.negated, type,
                                  std::move(args));
  }
  auto saved = q->explain;
  q->explain = nullptr;
  auto rel = q->Run(*e.subquery);
  q->explain = saved;
  if (!rel.ok()) return rel.status();
  const Relation& r = *rel;
  if (e.kind == ExprKind::kExists) {
    return exec::MakeConst(Value::Int(LType::kBool, (r.chunk.size > 0) != e.negated));
  }
  if (r.names.size() != 1) {
    return Status::SyntaxError("subquery must return only one column", e.location + 1);
  }
  if (e.kind == ExprKind::kArray) {
    OMEN_ASSIGN_OR_RETURN(Value v, ArrayOfColumn(r));
    return exec::MakeConst(std::move(v));
  }
  if (e.kind == ExprKind::kSubquery) {
    if (r.chunk.size > 1) {
      return Status::InvalidArgument(
                 "more than one row returned by a subquery used as an expression")
          .WithSqlState("21000");
    }
    if (r.chunk.size == 0) return exec::MakeConst(Value::Null(r.types[0]));
    return exec::MakeConst(r.chunk.cols[0].Get(0));
  }
  // x [NOT] IN (subquery)
  OMEN_ASSIGN_OR_RETURN(ExprPtr lhs, Bind(*e.args[0]));
  auto in = std::make_unique<exec::Expr>();
  in->kind = EK::kIn;
  in->type = LType::kBool;
  in->negated = e.negated;
  LType t = lhs->type;
  if (IsNumeric(t) && IsNumeric(r.types[0])) t = NumericCommon(t, r.types[0]);
  OMEN_ASSIGN_OR_RETURN(lhs,
                        Coerce(std::move(lhs), t == LType::kNull ? r.types[0] : t, e.location));
  in->args.push_back(std::move(lhs));
  for (int64_t k = 0; k < r.chunk.size; ++k) {
    Value v = r.chunk.cols[0].Get(k);
    auto c = exec::CastValue(v, in->args[0]->type, q_->eval.zone);
    if (!c.ok()) return c.status();
    in->args.push_back(exec::MakeConst(*c));
  }
  if (r.chunk.size == 0) return exec::MakeConst(Value::Int(LType::kBool, e.negated ? 1 : 0));
  return ExprPtr(std::move(in));
}

Result<ExprPtr> Binder::Bind(const Expr& e) {
  // In aggregate mode, a whole expression equal to a GROUP BY key is that key.
  if (mode == Mode::kAgg && e.kind != ExprKind::kLiteral) {
    const std::string fp = Fingerprint(e, src_);
    for (size_t k = 0; k < key_fps.size(); ++k) {
      if (key_fps[k] == fp) return exec::MakeColumn(static_cast<int>(k), keys[k]->type);
    }
    for (const auto& [xfp, k] : extra_key_fps) {
      if (xfp == fp) return exec::MakeColumn(k, keys[static_cast<size_t>(k)]->type);
    }
  }
  switch (e.kind) {
    case ExprKind::kColumn:
      return BindColumn(e);
    case ExprKind::kStar:
      return Status::SyntaxError("* is not allowed here", e.location + 1);
    case ExprKind::kParam: {
      // Only Describe sees $n (execution substitutes the values). A parameter is an untyped
      // literal whose type is the one the context coerces it to, as PostgreSQL infers it.
      if (e.param_index < 1 || e.param_index > 65535) {
        return Status::InvalidArgument("there is no parameter $" + std::to_string(e.param_index))
            .WithSqlState("42P02");
      }
      auto& types = q_->param_types;
      if (types.size() < static_cast<size_t>(e.param_index)) {
        types.resize(static_cast<size_t>(e.param_index), LType::kNull);
      }
      ExprPtr out = exec::MakeConst(Value::Text(""));
      unknown.insert(out.get());
      params[out.get()] = e.param_index;
      return out;
    }
    case ExprKind::kLiteral: {
      const Literal& l = e.literal;
      ExprPtr out;
      switch (l.kind) {
        case Literal::Kind::kNull:
          return exec::MakeConst(Value::Null(LType::kNull));
        case Literal::Kind::kBool:
          return exec::MakeConst(Value::Int(LType::kBool, l.b ? 1 : 0));
        case Literal::Kind::kInt:
          return exec::MakeConst(Value::Int(
              l.i >= INT32_MIN && l.i <= INT32_MAX ? LType::kInt32 : LType::kInt64, l.i));
        case Literal::Kind::kNumeric:
          return exec::MakeConst(
              Value::Float(LType::kNumeric, std::strtod(l.text.c_str(), nullptr)));
        case Literal::Kind::kString: {
          out = exec::MakeConst(Value::Text(l.text));
          unknown.insert(out.get());
          return out;
        }
      }
      return Status::Internal("literal");
    }
    case ExprKind::kOperator: {
      if (e.args.size() == 1) {
        OMEN_ASSIGN_OR_RETURN(ExprPtr a, Bind(*e.args[0]));
        if (e.name == "+") return a;
        if (e.name == "|/" || e.name == "||/" || e.name == "@") {
          if (!IsNumeric(a->type) && !IsUnknown(a.get())) {
            return UndefinedFunction(
                "operator does not exist: " + e.name + " " + exec::TypeName(a->type), e.location);
          }
          LType t =
              e.name == "@" ? (IsUnknown(a.get()) ? LType::kNumeric : a->type) : LType::kFloat64;
          OMEN_ASSIGN_OR_RETURN(a, Coerce(std::move(a), t, e.location));
          std::vector<ExprPtr> args;
          args.push_back(std::move(a));
          return exec::MakeCall(e.name == "@"    ? Fn::kAbs
                                : e.name == "|/" ? Fn::kSqrt
                                                 : Fn::kCbrt,
                                t, std::move(args));
        }
        if (e.name != "-") return Status::NotSupported("prefix operator " + e.name);
        if (IsUnknown(a.get())) {
          OMEN_ASSIGN_OR_RETURN(a, Coerce(std::move(a), LType::kNumeric, e.location));
        }
        // Fold negative constants so int ranges work (-2147483648).
        if (a->kind == EK::kConst && !a->value.null && IsInteger(a->type)) {
          return exec::MakeConst(Value::Int(a->type, -a->value.i));
        }
        if (!IsNumeric(a->type) && a->type != LType::kInterval) {
          return UndefinedFunction(
              std::string("operator does not exist: - ") + exec::TypeName(a->type), e.location);
        }
        LType t = a->type;
        std::vector<ExprPtr> args;
        args.push_back(std::move(a));
        return exec::MakeCall(Fn::kNeg, t, std::move(args));
      }
      OMEN_ASSIGN_OR_RETURN(ExprPtr a, Bind(*e.args[0]));
      OMEN_ASSIGN_OR_RETURN(ExprPtr b, Bind(*e.args[1]));
      const std::string& op = e.name;
      if (op == "=" || op == "<>" || op == "!=" || op == "<" || op == "<=" || op == ">" ||
          op == ">=") {
        Fn fn = op == "="    ? Fn::kEq
                : op == "<"  ? Fn::kLt
                : op == "<=" ? Fn::kLe
                : op == ">"  ? Fn::kGt
                : op == ">=" ? Fn::kGe
                             : Fn::kNe;
        return Compare(fn, std::move(a), std::move(b), e.location);
      }
      if (op == "+" || op == "-" || op == "*" || op == "/" || op == "%") {
        return Arith(op, std::move(a), std::move(b), e.location);
      }
      if (op == "||" && (exec::IsArray(a->type) || exec::IsArray(b->type))) {
        return BindSystemOperator(Context(e.location), op, std::move(a), std::move(b));
      }
      if (op == "||") {
        OMEN_ASSIGN_OR_RETURN(a, Coerce(std::move(a), LType::kText, e.location));
        OMEN_ASSIGN_OR_RETURN(b, Coerce(std::move(b), LType::kText, e.location));
        std::vector<ExprPtr> args;
        args.push_back(std::move(a));
        args.push_back(std::move(b));
        return exec::MakeCall(Fn::kConcat, LType::kText, std::move(args));
      }
      if (op == "^") {
        OMEN_ASSIGN_OR_RETURN(a, Coerce(std::move(a), LType::kFloat64, e.location));
        OMEN_ASSIGN_OR_RETURN(b, Coerce(std::move(b), LType::kFloat64, e.location));
        std::vector<ExprPtr> args;
        args.push_back(std::move(a));
        args.push_back(std::move(b));
        return exec::MakeCall(Fn::kPower, LType::kFloat64, std::move(args));
      }
      return BindSystemOperator(Context(e.location), op, std::move(a), std::move(b));
    }
    case ExprKind::kAnd:
    case ExprKind::kOr:
    case ExprKind::kNot: {
      auto out = std::make_unique<exec::Expr>();
      out->kind = e.kind == ExprKind::kAnd  ? EK::kAnd
                  : e.kind == ExprKind::kOr ? EK::kOr
                                            : EK::kNot;
      out->type = LType::kBool;
      for (const auto& a : e.args) {
        OMEN_ASSIGN_OR_RETURN(ExprPtr b, Bind(*a));
        OMEN_ASSIGN_OR_RETURN(b, Coerce(std::move(b), LType::kBool, a->location));
        if (b->type != LType::kBool) {
          return Status::DatatypeMismatch("argument of " +
                                              std::string(e.kind == ExprKind::kNot   ? "NOT"
                                                          : e.kind == ExprKind::kAnd ? "AND"
                                                                                     : "OR") +
                                              " must be type boolean",
                                          a->location + 1);
        }
        // Flatten nested ANDs/ORs.
        if (b->kind == out->kind && out->kind != EK::kNot) {
          for (auto& x : b->args) out->args.push_back(std::move(x));
        } else {
          out->args.push_back(std::move(b));
        }
      }
      return ExprPtr(std::move(out));
    }
    case ExprKind::kIsNull: {
      OMEN_ASSIGN_OR_RETURN(ExprPtr a, Bind(*e.args[0]));
      auto out = std::make_unique<exec::Expr>();
      out->kind = EK::kIsNull;
      out->type = LType::kBool;
      out->negated = e.negated;
      out->args.push_back(std::move(a));
      return ExprPtr(std::move(out));
    }
    case ExprKind::kBoolTest: {
      OMEN_ASSIGN_OR_RETURN(ExprPtr a, Bind(*e.args[0]));
      OMEN_ASSIGN_OR_RETURN(a, Coerce(std::move(a), LType::kBool, e.location));
      auto out = std::make_unique<exec::Expr>();
      if (e.name == "unknown") {
        out->kind = EK::kIsNull;
        out->negated = e.negated;
        out->args.push_back(std::move(a));
      } else {
        // x IS TRUE == x IS NOT DISTINCT FROM true
        out->kind = EK::kIsDistinct;
        out->negated = !e.negated;
        out->args.push_back(std::move(a));
        out->args.push_back(exec::MakeConst(Value::Int(LType::kBool, e.name == "true")));
      }
      out->type = LType::kBool;
      return ExprPtr(std::move(out));
    }
    case ExprKind::kIn: {
      OMEN_ASSIGN_OR_RETURN(ExprPtr lhs, Bind(*e.args[0]));
      std::vector<ExprPtr> items;
      LType t = lhs->type;
      bool lhs_unknown = IsUnknown(lhs.get()) > 0;
      for (size_t k = 1; k < e.args.size(); ++k) {
        OMEN_ASSIGN_OR_RETURN(ExprPtr it, Bind(*e.args[k]));
        if (lhs_unknown && IsUnknown(it.get()) == 0 && it->type != LType::kNull) {
          t = it->type;
          lhs_unknown = false;
        } else if (IsNumeric(t) && IsNumeric(it->type)) {
          t = NumericCommon(t, it->type);
        } else if ((IsTimestamp(t) || t == LType::kDate) &&
                   (IsTimestamp(it->type) || it->type == LType::kDate) && it->type != t) {
          t = LType::kTimestampTz;
        }
        items.push_back(std::move(it));
      }
      auto out = std::make_unique<exec::Expr>();
      out->kind = EK::kIn;
      out->type = LType::kBool;
      out->negated = e.negated;
      OMEN_ASSIGN_OR_RETURN(lhs, Coerce(std::move(lhs), t, e.location));
      out->args.push_back(std::move(lhs));
      for (auto& it : items) {
        if (it->type != t && !(IsUnknown(it.get()) || it->type == LType::kNull) &&
            !(IsNumeric(t) && IsNumeric(it->type)) &&
            !((IsTimestamp(t) || t == LType::kDate) &&
              (IsTimestamp(it->type) || it->type == LType::kDate))) {
          return UndefinedFunction(std::string("operator does not exist: ") + exec::TypeName(t) +
                                       " = " + exec::TypeName(it->type),
                                   e.location);
        }
        OMEN_ASSIGN_OR_RETURN(it, Coerce(std::move(it), t, e.location));
        out->args.push_back(std::move(it));
      }
      return ExprPtr(std::move(out));
    }
    case ExprKind::kBetween: {
      // a BETWEEN x AND y == a >= x AND a <= y; SYMMETRIC: that OR a >= y AND a <= x, as
      // PostgreSQL expands it.
      auto range = [&](const Expr& lo_e, const Expr& hi_e) -> Result<ExprPtr> {
        OMEN_ASSIGN_OR_RETURN(ExprPtr a1, Bind(*e.args[0]));
        OMEN_ASSIGN_OR_RETURN(ExprPtr a2, Bind(*e.args[0]));
        OMEN_ASSIGN_OR_RETURN(ExprPtr lo, Bind(lo_e));
        OMEN_ASSIGN_OR_RETURN(ExprPtr hi, Bind(hi_e));
        OMEN_ASSIGN_OR_RETURN(ExprPtr ge,
                              Compare(Fn::kGe, std::move(a1), std::move(lo), e.location));
        OMEN_ASSIGN_OR_RETURN(ExprPtr le,
                              Compare(Fn::kLe, std::move(a2), std::move(hi), e.location));
        auto both = std::make_unique<exec::Expr>();
        both->kind = EK::kAnd;
        both->type = LType::kBool;
        both->args.push_back(std::move(ge));
        both->args.push_back(std::move(le));
        return ExprPtr(std::move(both));
      };
      OMEN_ASSIGN_OR_RETURN(ExprPtr out, range(*e.args[1], *e.args[2]));
      if (e.all) {
        auto either = std::make_unique<exec::Expr>();
        either->kind = EK::kOr;
        either->type = LType::kBool;
        either->args.push_back(std::move(out));
        OMEN_ASSIGN_OR_RETURN(ExprPtr swapped, range(*e.args[2], *e.args[1]));
        either->args.push_back(std::move(swapped));
        out = std::move(either);
      }
      if (!e.negated) return out;
      auto n = std::make_unique<exec::Expr>();
      n->kind = EK::kNot;
      n->type = LType::kBool;
      n->args.push_back(std::move(out));
      return ExprPtr(std::move(n));
    }
    case ExprKind::kLike: {
      OMEN_ASSIGN_OR_RETURN(ExprPtr a, Bind(*e.args[0]));
      OMEN_ASSIGN_OR_RETURN(ExprPtr b, Bind(*e.args[1]));
      if (a->type != LType::kText && IsUnknown(a.get()) == 0) {
        return UndefinedFunction(
            std::string("operator does not exist: ") + exec::TypeName(a->type) + " ~~ unknown",
            e.location);
      }
      OMEN_ASSIGN_OR_RETURN(a, Coerce(std::move(a), LType::kText, e.location));
      OMEN_ASSIGN_OR_RETURN(b, Coerce(std::move(b), LType::kText, e.location));
      auto out = std::make_unique<exec::Expr>();
      out->kind = EK::kLike;
      out->type = LType::kBool;
      out->negated = e.negated;
      out->case_insensitive = e.case_insensitive;
      out->args.push_back(std::move(a));
      out->args.push_back(std::move(b));
      return ExprPtr(std::move(out));
    }
    case ExprKind::kCase: {
      std::vector<ExprPtr> conds, vals;
      ExprPtr subject;
      for (size_t k = 0; k + 1 < e.args.size(); k += 2) {
        ExprPtr c;
        if (e.case_arg) {
          OMEN_ASSIGN_OR_RETURN(ExprPtr s, Bind(*e.case_arg));
          OMEN_ASSIGN_OR_RETURN(ExprPtr w, Bind(*e.args[k]));
          OMEN_ASSIGN_OR_RETURN(c, Compare(Fn::kEq, std::move(s), std::move(w), e.location));
        } else {
          OMEN_ASSIGN_OR_RETURN(c, Bind(*e.args[k]));
          OMEN_ASSIGN_OR_RETURN(c, Coerce(std::move(c), LType::kBool, e.args[k]->location));
        }
        conds.push_back(std::move(c));
        OMEN_ASSIGN_OR_RETURN(ExprPtr v, Bind(*e.args[k + 1]));
        vals.push_back(std::move(v));
      }
      ExprPtr els;
      if (e.else_expr) {
        OMEN_ASSIGN_OR_RETURN(els, Bind(*e.else_expr));
      }
      // Result type: first typed value; numerics promote.
      LType t = LType::kNull;
      auto consider = [&](const ExprPtr& v) {
        if (IsUnknown(v.get()) || v->type == LType::kNull) return;
        if (t == LType::kNull)
          t = v->type;
        else if (IsNumeric(t) && IsNumeric(v->type))
          t = NumericCommon(t, v->type);
      };
      for (const auto& v : vals) consider(v);
      if (els) consider(els);
      if (t == LType::kNull) t = LType::kText;
      auto out = std::make_unique<exec::Expr>();
      out->kind = EK::kCase;
      out->type = t;
      for (size_t k = 0; k < conds.size(); ++k) {
        out->args.push_back(std::move(conds[k]));
        if (vals[k]->type != t && !IsUnknown(vals[k].get()) && vals[k]->type != LType::kNull &&
            !(IsNumeric(t) && IsNumeric(vals[k]->type)) &&
            !(IsTimestamp(t) && vals[k]->type == LType::kDate)) {
          return Status::DatatypeMismatch(std::string("CASE types ") + exec::TypeName(t) + " and " +
                                              exec::TypeName(vals[k]->type) + " cannot be matched",
                                          e.location + 1);
        }
        OMEN_ASSIGN_OR_RETURN(ExprPtr v, Coerce(std::move(vals[k]), t, e.location));
        out->args.push_back(std::move(v));
      }
      if (els) {
        if (els->type != t && !IsUnknown(els.get()) && els->type != LType::kNull &&
            !(IsNumeric(t) && IsNumeric(els->type))) {
          return Status::DatatypeMismatch(std::string("CASE types ") + exec::TypeName(t) + " and " +
                                              exec::TypeName(els->type) + " cannot be matched",
                                          e.location + 1);
        }
        OMEN_ASSIGN_OR_RETURN(els, Coerce(std::move(els), t, e.location));
        out->args.push_back(std::move(els));
        out->has_else = true;
      }
      return ExprPtr(std::move(out));
    }
    case ExprKind::kCoalesce:
    case ExprKind::kMinMax: {
      std::vector<ExprPtr> args;
      LType t = LType::kNull;
      for (const auto& a : e.args) {
        OMEN_ASSIGN_OR_RETURN(ExprPtr b, Bind(*a));
        if (!IsUnknown(b.get()) && b->type != LType::kNull) {
          if (t == LType::kNull)
            t = b->type;
          else if (IsNumeric(t) && IsNumeric(b->type))
            t = NumericCommon(t, b->type);
          else if (t != b->type && !((IsTimestamp(t) || t == LType::kDate) &&
                                     (IsTimestamp(b->type) || b->type == LType::kDate))) {
            return Status::DatatypeMismatch(
                std::string(e.kind == ExprKind::kCoalesce ? "COALESCE" : "GREATEST/LEAST") +
                    " types " + exec::TypeName(t) + " and " + exec::TypeName(b->type) +
                    " cannot be matched",
                a->location + 1);
          }
        }
        args.push_back(std::move(b));
      }
      if (t == LType::kNull) t = LType::kText;
      auto out = std::make_unique<exec::Expr>();
      out->type = t;
      if (e.kind == ExprKind::kCoalesce) {
        out->kind = EK::kCoalesce;
      } else {
        out->kind = EK::kCall;
        out->fn = e.name == "greatest" ? Fn::kGreatest : Fn::kLeast;
      }
      for (auto& a : args) {
        OMEN_ASSIGN_OR_RETURN(a, Coerce(std::move(a), t, e.location));
        out->args.push_back(std::move(a));
      }
      return ExprPtr(std::move(out));
    }
    case ExprKind::kNullIf: {
      OMEN_ASSIGN_OR_RETURN(ExprPtr a, Bind(*e.args[0]));
      OMEN_ASSIGN_OR_RETURN(ExprPtr b, Bind(*e.args[1]));
      OMEN_ASSIGN_OR_RETURN(auto ab, Unify(std::move(a), std::move(b), e.location, "operator"));
      auto out = std::make_unique<exec::Expr>();
      out->kind = EK::kNullIf;
      out->type = ab.first->type == LType::kNull ? LType::kText : ab.first->type;
      out->args.push_back(std::move(ab.first));
      out->args.push_back(std::move(ab.second));
      return ExprPtr(std::move(out));
    }
    case ExprKind::kIsDistinct: {
      OMEN_ASSIGN_OR_RETURN(ExprPtr a, Bind(*e.args[0]));
      OMEN_ASSIGN_OR_RETURN(ExprPtr b, Bind(*e.args[1]));
      OMEN_ASSIGN_OR_RETURN(auto ab, Unify(std::move(a), std::move(b), e.location, "operator"));
      auto out = std::make_unique<exec::Expr>();
      out->kind = EK::kIsDistinct;
      out->type = LType::kBool;
      out->negated = e.negated;
      out->args.push_back(std::move(ab.first));
      out->args.push_back(std::move(ab.second));
      return ExprPtr(std::move(out));
    }
    case ExprKind::kCast:
      return BindCast(e);
    case ExprKind::kSubscript: {
      OMEN_ASSIGN_OR_RETURN(ExprPtr a, Bind(*e.args[0]));
      OMEN_ASSIGN_OR_RETURN(ExprPtr i, Bind(*e.args[1]));
      return BindSubscript(Context(e.location), std::move(a), std::move(i));
    }
    case ExprKind::kField: {
      OMEN_ASSIGN_OR_RETURN(ExprPtr a, Bind(*e.args[0]));
      return BindField(Context(e.location), std::move(a), e.name);
    }
    case ExprKind::kArray: {
      if (e.subquery) return SubqueryValue(e);
      std::vector<ExprPtr> elements;
      for (const auto& a : e.args) {
        OMEN_ASSIGN_OR_RETURN(ExprPtr b, Bind(*a));
        elements.push_back(std::move(b));
      }
      return BindArrayConstructor(Context(e.location), std::move(elements));
    }
    case ExprKind::kAny: {
      OMEN_ASSIGN_OR_RETURN(ExprPtr a, Bind(*e.args[0]));
      OMEN_ASSIGN_OR_RETURN(ExprPtr b, Bind(*e.args[1]));
      return BindAnyAll(Context(e.location), e.name, e.all, std::move(a), std::move(b));
    }
    case ExprKind::kSubquery:
    case ExprKind::kExists:
    case ExprKind::kInSubquery:
      return SubqueryValue(e);
    case ExprKind::kFunc:
      return BindFunc(e);
  }
  return Status::Internal("unhandled expression");
}

Result<ExprPtr> Binder::BindCast(const Expr& e) {
  if (IsRegType(e.name)) {
    OMEN_ASSIGN_OR_RETURN(ExprPtr a, Bind(*e.args[0]));
    return BindRegCast(Context(e.location), e.name, std::move(a));
  }
  if (!e.typmods.empty() && (e.name == "varchar" || e.name == "bpchar" || e.name == "numeric")) {
    // varchar(n) truncates, numeric(p, s) rounds to s digits: the cast, then that.
    OMEN_ASSIGN_OR_RETURN(ExprPtr inner, Bind(*e.args[0]));
    auto to = exec::TypeFromName(e.name);
    OMEN_ASSIGN_OR_RETURN(inner, IsUnknown(inner.get())
                                     ? Coerce(std::move(inner), *to, e.location)
                                     : Result<ExprPtr>(exec::MakeCast(std::move(inner), *to)));
    std::vector<ExprPtr> args;
    args.push_back(std::move(inner));
    if (e.name == "numeric") {
      if (e.typmods.size() < 2) {
        args.push_back(exec::MakeConst(Value::Int(LType::kInt32, 0)));
      } else {
        args.push_back(exec::MakeConst(Value::Int(LType::kInt32, e.typmods[1])));
      }
      return exec::MakeCall(Fn::kRoundTo, LType::kNumeric, std::move(args));
    }
    args.push_back(exec::MakeConst(Value::Int(LType::kInt64, e.typmods[0])));
    return exec::MakeCall(Fn::kLeft, LType::kText, std::move(args));
  }
  OMEN_ASSIGN_OR_RETURN(ExprPtr a, Bind(*e.args[0]));
  auto to = exec::TypeFromName(e.name);
  if (!to) {
    return Status::NotSupported("type \"" + e.name + "\" is not supported").WithSqlState("42704");
  }
  if (*to == LType::kText && !e.typmods.empty() && e.name == "varchar") {
    // varchar(n): truncation is PostgreSQL's explicit-cast behaviour; we keep the text.
  }
  if (params.count(a.get()) > 0 && IsUnknown(a.get())) {
    return Coerce(std::move(a), *to, e.location);  // Describe: $n::type is of that type
  }
  if (a->kind == EK::kConst) {
    Value v = a->value;
    if (IsUnknown(a.get()) && IsTimestamp(*to) && AsciiLower(v.s) == "now") {
      return exec::MakeConst(Value::Int(*to, q_->eval.now));
    }
    auto c = exec::CastValue(v, *to, q_->eval.zone);
    if (!c.ok()) {
      const char* state =
          IsTimestamp(*to) || *to == LType::kDate || *to == LType::kInterval || *to == LType::kTime
              ? "22007"
              : "22P02";
      Status s = c.status();
      if (std::string(s.SqlState()) == "22003" || std::string(s.SqlState()) == "22008" ||
          s.IsNotSupported()) {
        return s;
      }
      if (s.code() == Status::Code::kDatatypeMismatch)
        return Status::DatatypeMismatch(std::string(s.message()), e.location + 1)
            .WithSqlState("42846");
      return Status::InvalidArgument(std::string(s.message())).WithSqlState(state);
    }
    Value cv = *c;
    cv.type = *to;
    return exec::MakeConst(cv);
  }
  if (a->type == *to) return a;
  // Explicit casts allow more than implicit ones.
  const LType from = a->type;
  const bool ok =
      from == LType::kNull || *to == LType::kText || from == LType::kText ||
      (IsNumeric(from) && IsNumeric(*to)) ||
      ((IsTimestamp(from) || from == LType::kDate) && (IsTimestamp(*to) || *to == LType::kDate)) ||
      ((IsTimestamp(from) || from == LType::kInterval) && *to == LType::kTime) ||
      (from == LType::kTime && *to == LType::kInterval) ||
      (from == LType::kBool && IsInteger(*to)) || (IsInteger(from) && *to == LType::kBool) ||
      ((IsInteger(from) || from == LType::kOid) && (IsInteger(*to) || *to == LType::kOid)) ||
      (exec::IsArray(from) && exec::IsArray(*to));
  if (!ok) {
    return Status::DatatypeMismatch(std::string("cannot cast type ") + exec::TypeName(from) +
                                        " to " + exec::TypeName(*to),
                                    e.location + 1)
        .WithSqlState("42846");
  }
  return exec::MakeCast(std::move(a), *to);
}

Result<ExprPtr> Binder::BindAggregate(const Expr& e, const std::string& name) {
  if (!allow_agg) {
    return GroupingError("aggregate functions are not allowed in " + std::string(clause),
                         e.location);
  }
  // Inputs are bound over source rows; nested aggregates are an error.
  AggCall call;
  call.fp = Fingerprint(e, src_) + (fill_mode == AggCall::kLocf          ? "#locf"
                                    : fill_mode == AggCall::kInterpolate ? "#interp"
                                                                         : "");
  call.fill = fill_mode;
  for (size_t k = 0; k < aggs.size(); ++k) {
    if (aggs[k].fp == call.fp) {
      return exec::MakeColumn(static_cast<int>(keys.size() + k), aggs[k].spec.type);
    }
  }
  Mode saved = mode;
  bool sa = allow_agg, sw = allow_window;
  mode = Mode::kRow;
  allow_agg = false;
  allow_window = false;
  struct Restore {
    Binder* b;
    Mode m;
    bool a, w;
    ~Restore() {
      b->mode = m;
      b->allow_agg = a;
      b->allow_window = w;
    }
  } restore{this, saved, sa, sw};
  AggFn fn;
  if (name == "count")
    fn = e.agg_star ? AggFn::kCountStar : AggFn::kCount;
  else if (name == "sum")
    fn = AggFn::kSum;
  else if (name == "avg")
    fn = AggFn::kAvg;
  else if (name == "min")
    fn = AggFn::kMin;
  else if (name == "max")
    fn = AggFn::kMax;
  else if (name == "first")
    fn = AggFn::kFirst;
  else if (name == "last")
    fn = AggFn::kLast;
  else if (name == "stddev" || name == "stddev_samp")
    fn = AggFn::kStddevSamp;
  else if (name == "stddev_pop")
    fn = AggFn::kStddevPop;
  else if (name == "variance" || name == "var_samp")
    fn = AggFn::kVarSamp;
  else if (name == "var_pop")
    fn = AggFn::kVarPop;
  else if (name == "bool_and" || name == "every")
    fn = AggFn::kBoolAnd;
  else if (name == "bool_or")
    fn = AggFn::kBoolOr;
  else if (name == "percentile_cont")
    fn = AggFn::kPercentileCont;
  else if (name == "array_agg")
    fn = AggFn::kArrayAgg;
  else if (name == "string_agg")
    fn = AggFn::kStringAgg;
  else
    fn = AggFn::kPercentileDisc;
  call.spec.fn = fn;
  call.spec.distinct = e.distinct;
  const size_t want = fn == AggFn::kCountStar                                                  ? 0
                      : (fn == AggFn::kFirst || fn == AggFn::kLast || fn == AggFn::kStringAgg) ? 2
                                                                                               : 1;
  if (fn == AggFn::kPercentileCont || fn == AggFn::kPercentileDisc) {
    if (e.args.size() != 1 || e.within_group.size() != 1) {
      return UndefinedFunction(name + " needs (fraction) WITHIN GROUP (ORDER BY x)", e.location);
    }
    OMEN_ASSIGN_OR_RETURN(Value fr, ConstOf(*e.args[0]));
    auto f = exec::CastValue(fr, LType::kFloat64);
    if (!f.ok() || f->null || f->f < 0 || f->f > 1) {
      return Status::InvalidArgument(
                 "percentile value " +
                 (f.ok() && !f->null ? exec::FormatDouble(f->f, false) : std::string("?")) +
                 " is not between 0 and 1")
          .WithSqlState("22003");
    }
    call.spec.fraction = f->f;
    OMEN_ASSIGN_OR_RETURN(call.arg, Bind(*e.within_group[0].expr));
    if (e.within_group[0].descending) call.spec.fraction = 1 - call.spec.fraction;
  } else {
    if (e.args.size() != want) {
      return UndefinedFunction("function " + name + " with " + std::to_string(e.args.size()) +
                                   " arguments does not exist",
                               e.location);
    }
    if (want >= 1) {
      OMEN_ASSIGN_OR_RETURN(call.arg, Bind(*e.args[0]));
      if (IsUnknown(call.arg.get())) {
        OMEN_ASSIGN_OR_RETURN(call.arg, Coerce(std::move(call.arg), LType::kText, e.location));
      }
    }
    if (fn == AggFn::kStringAgg) {
      OMEN_ASSIGN_OR_RETURN(call.arg, Coerce(std::move(call.arg), LType::kText, e.location));
      OMEN_ASSIGN_OR_RETURN(call.arg2, Bind(*e.args[1]));
      OMEN_ASSIGN_OR_RETURN(call.arg2, Coerce(std::move(call.arg2), LType::kText, e.location));
    } else if (want == 2) {
      OMEN_ASSIGN_OR_RETURN(call.arg2, Bind(*e.args[1]));
      if (!IsTimestamp(call.arg2->type) && call.arg2->type != LType::kDate &&
          !IsNumeric(call.arg2->type)) {
        return UndefinedFunction("function " + name + "(" + exec::TypeName(call.arg->type) + ", " +
                                     exec::TypeName(call.arg2->type) + ") does not exist",
                                 e.location);
      }
    }
  }
  if (call.arg && call.arg->type == LType::kNull) {
    OMEN_ASSIGN_OR_RETURN(call.arg, Coerce(std::move(call.arg), LType::kText, e.location));
  }
  if (e.filter) {
    OMEN_ASSIGN_OR_RETURN(call.filter, Bind(*e.filter));
    OMEN_ASSIGN_OR_RETURN(call.filter, Coerce(std::move(call.filter), LType::kBool, e.location));
  }
  call.spec.arg_type = call.arg ? call.arg->type : LType::kNull;
  if ((fn == AggFn::kSum || fn == AggFn::kAvg || fn == AggFn::kStddevSamp ||
       fn == AggFn::kStddevPop || fn == AggFn::kVarSamp || fn == AggFn::kVarPop) &&
      !IsNumeric(call.spec.arg_type)) {
    return UndefinedFunction(
        "function " + name + "(" + exec::TypeName(call.spec.arg_type) + ") does not exist",
        e.location);
  }
  auto rt = exec::AggResultType(fn, call.spec.arg_type);
  if (!rt.ok()) return UndefinedFunction(std::string(rt.status().message()), e.location);
  call.spec.type = *rt;
  const LType type = call.spec.type;
  aggs.push_back(std::move(call));
  return exec::MakeColumn(static_cast<int>(keys.size() + aggs.size() - 1), type);
}

Result<ExprPtr> Binder::BindWindow(const Expr& e, const std::string& name) {
  if (!allow_window) {
    return GroupingError("window functions are not allowed in " + std::string(clause), e.location);
  }
  WinCall w;
  w.fp = Fingerprint(e, src_);
  for (size_t k = 0; k < windows.size(); ++k) {
    if (windows[k].fp == w.fp) {
      return exec::MakeColumn(window_base + static_cast<int>(k), windows[k].spec.type);
    }
  }
  bool sw = allow_window;
  allow_window = false;
  struct Restore {
    Binder* b;
    bool w;
    ~Restore() { b->allow_window = w; }
  } restore{this, sw};
  using exec::WinFn;
  exec::WindowSpec& s = w.spec;
  auto arg = [&](size_t k) -> Result<ExprPtr> {
    if (e.args.size() <= k)
      return UndefinedFunction("function " + name + " needs more arguments", e.location);
    return Bind(*e.args[k]);
  };
  if (name == "row_number" || name == "rank" || name == "dense_rank") {
    s.fn = name == "row_number" ? WinFn::kRowNumber
           : name == "rank"     ? WinFn::kRank
                                : WinFn::kDenseRank;
    s.type = LType::kInt64;
  } else if (name == "lag" || name == "lead") {
    s.fn = name == "lag" ? WinFn::kLag : WinFn::kLead;
    OMEN_ASSIGN_OR_RETURN(w.arg, arg(0));
    if (e.args.size() > 1) {
      OMEN_ASSIGN_OR_RETURN(Value off, ConstOf(*e.args[1]));
      if (off.null || !IsInteger(off.type))
        return Status::NotSupported("lag/lead offset must be an integer constant");
      s.offset = off.i;
    }
    if (e.args.size() > 2) {
      OMEN_ASSIGN_OR_RETURN(w.dflt, Bind(*e.args[2]));
      OMEN_ASSIGN_OR_RETURN(w.dflt, Coerce(std::move(w.dflt), w.arg->type, e.location));
    }
    s.type = w.arg->type;
  } else if (name == "first_value" || name == "last_value") {
    s.fn = name == "first_value" ? WinFn::kFirstValue : WinFn::kLastValue;
    OMEN_ASSIGN_OR_RETURN(w.arg, arg(0));
    s.type = w.arg->type;
  } else if (name == "count" && e.agg_star) {
    s.fn = WinFn::kCountStar;
    s.type = LType::kInt64;
  } else if (name == "count" || name == "sum" || name == "avg" || name == "min" || name == "max") {
    OMEN_ASSIGN_OR_RETURN(w.arg, arg(0));
    s.fn = name == "count" ? WinFn::kCount
           : name == "sum" ? WinFn::kSum
           : name == "avg" ? WinFn::kAvg
           : name == "min" ? WinFn::kMin
                           : WinFn::kMax;
    if (s.fn == WinFn::kSum || s.fn == WinFn::kAvg) {
      if (!IsNumeric(w.arg->type))
        return UndefinedFunction(
            "function " + name + "(" + exec::TypeName(w.arg->type) + ") does not exist",
            e.location);
      OMEN_ASSIGN_OR_RETURN(
          s.type,
          exec::AggResultType(s.fn == WinFn::kSum ? AggFn::kSum : AggFn::kAvg, w.arg->type));
      if (s.type == LType::kNumeric && s.fn == WinFn::kSum) s.type = LType::kNumeric;
    } else {
      s.type = s.fn == WinFn::kCount ? LType::kInt64 : w.arg->type;
    }
  } else {
    return Status::NotSupported("window function " + name + " is not supported");
  }
  if (e.distinct) return Status::NotSupported("DISTINCT is not implemented for window functions");
  for (const auto& p : e.partition_by) {
    OMEN_ASSIGN_OR_RETURN(ExprPtr b, Bind(*p));
    w.partition.push_back(std::move(b));
  }
  for (const auto& o : e.window_order) {
    OMEN_ASSIGN_OR_RETURN(ExprPtr b, Bind(*o.expr));
    w.order.push_back(std::move(b));
    exec::SortKey k;
    k.desc = o.descending;
    k.nulls_first = o.nulls == OrderItem::Nulls::kFirst ||
                    (o.nulls == OrderItem::Nulls::kDefault && o.descending);
    w.order_dirs.push_back(k);
  }
  s.rows_frame = e.rows_frame;
  s.preceding = e.frame_preceding;
  s.following = e.frame_following;
  if (e.frame_following < -1)
    return Status::NotSupported("window frames ending before the current row");
  const LType type = s.type;
  windows.push_back(std::move(w));
  return exec::MakeColumn(window_base + static_cast<int>(windows.size() - 1), type);
}

Result<ExprPtr> Binder::BindFunc(const Expr& e) {
  const std::string name = AsciiLower(e.name);
  if (e.has_over) return BindWindow(e, name);
  if (IsWindowOnlyName(name)) {
    return Status::SyntaxError("window function " + name + " requires an OVER clause",
                               e.location + 1)
        .WithSqlState("42809");
  }
  if (IsAggregateName(name)) return BindAggregate(e, name);
  if (e.filter) {
    return Status::SyntaxError("FILTER specified, but " + name + " is not an aggregate function",
                               e.location + 1);
  }
  if (name == "locf" || name == "interpolate") {
    if (e.args.size() != 1) return UndefinedFunction(name + " takes one argument", e.location);
    fill_mode = name == "locf" ? AggCall::kLocf : AggCall::kInterpolate;
    auto inner = Bind(*e.args[0]);
    fill_mode = AggCall::kNone;
    if (!inner.ok()) return inner.status();
    if ((*inner)->kind != EK::kColumn || mode != Mode::kAgg ||
        (*inner)->column < static_cast<int>(keys.size())) {
      return Status::NotSupported(name +
                                  "() takes an aggregate, in a query with time_bucket_gapfill");
    }
    return std::move(*inner);
  }
  if (IsSetReturningFunction(name)) return BindSetReturning(e, name);
  std::vector<ExprPtr> args;
  // Functions whose parameters have names (PostgreSQL's proargnames): arguments given as
  // name => value go to their parameter's place; `required` leading parameters must be given.
  struct NamedParams {
    const char* fn;
    std::vector<const char*> params;
    size_t required;
  };
  static const NamedParams kNamedParams[] = {
      {"make_interval", {"years", "months", "weeks", "days", "hours", "mins", "secs"}, 0},
      {"make_date", {"year", "month", "day"}, 3},
      {"make_timestamp", {"year", "month", "mday", "hour", "min", "sec"}, 6},
      {"make_timestamptz", {"year", "month", "mday", "hour", "min", "sec", "timezone"}, 6},
  };
  // e's arguments in parameter order (null: not given; trailing ones dropped).
  std::vector<const Expr*> ordered;
  for (const auto& a : e.args) ordered.push_back(a.get());
  const NamedParams* named = nullptr;
  for (const NamedParams& n : kNamedParams) {
    if (name == n.fn) named = &n;
  }
  if (!e.arg_names.empty()) {
    if (named == nullptr) {
      return UndefinedFunction("function " + name + " does not take named arguments", e.location);
    }
    const size_t np = named->params.size();
    ordered.assign(std::max(np, e.args.size()), nullptr);
    bool seen_named = false;
    for (size_t k = 0; k < e.args.size(); ++k) {
      const std::string arg = k < e.arg_names.size() ? e.arg_names[k] : std::string();
      size_t slot = k;
      if (arg.empty()) {
        if (seen_named) {
          return Status::SyntaxError("positional argument cannot follow named argument",
                                     e.args[k]->location + 1);
        }
      } else {
        seen_named = true;
        slot = static_cast<size_t>(std::find_if(named->params.begin(), named->params.end(),
                                                [&](const char* p) { return arg == p; }) -
                                   named->params.begin());
        if (slot == np) {
          return UndefinedFunction("function " + name + "(" + arg + " => ...) does not exist",
                                   e.location);
        }
      }
      if (ordered[slot] != nullptr) {
        return Status::SyntaxError(
            std::string("argument name \"") + named->params[slot] + "\" used more than once",
            e.location);
      }
      ordered[slot] = e.args[k].get();
    }
    while (!ordered.empty() && ordered.back() == nullptr) ordered.pop_back();
    const bool gap = std::find(ordered.begin(), ordered.end(), nullptr) != ordered.end();
    if ((gap && name != "make_interval") || ordered.size() < named->required) {
      return UndefinedFunction("function " + name + " with the arguments given does not exist",
                               e.location);
    }
  }
  if (name == "make_interval") {
    // make_interval(years, months, weeks, days, hours, mins, secs): any of them, the rest 0.
    const auto& parts = named->params;
    if (ordered.size() > parts.size()) {
      return UndefinedFunction("function make_interval with more than 7 arguments", e.location);
    }
    ordered.resize(parts.size(), nullptr);
    for (size_t k = 0; k < parts.size(); ++k) {
      ExprPtr b;
      if (ordered[k] == nullptr) {
        b = exec::MakeConst(k < 6 ? Value::Int(LType::kInt32, 0)
                                  : Value::Float(LType::kFloat64, 0));
      } else {
        OMEN_ASSIGN_OR_RETURN(b, Bind(*ordered[k]));
      }
      if (!IsNumeric(b->type) && !IsUnknown(b.get()) && b->type != LType::kNull) {
        return UndefinedFunction(std::string("function make_interval(") + parts[k] + " => " +
                                     exec::TypeName(b->type) + ") does not exist",
                                 e.location);
      }
      OMEN_ASSIGN_OR_RETURN(
          b, Coerce(std::move(b), k < 6 ? LType::kInt64 : LType::kFloat64, e.location));
      args.push_back(std::move(b));
    }
    return exec::MakeCall(Fn::kMakeInterval, LType::kInterval, std::move(args));
  }
  for (const Expr* a : ordered) {
    OMEN_ASSIGN_OR_RETURN(ExprPtr b, Bind(*a));
    args.push_back(std::move(b));
  }
  auto nargs = [&](size_t lo, size_t hi) -> Status {
    if (args.size() < lo || args.size() > hi) {
      return UndefinedFunction(
          "function " + name + " with " + std::to_string(args.size()) + " arguments does not exist",
          e.location);
    }
    return Status::OK();
  };
  auto to = [&](size_t k, LType t) -> Status {
    OMEN_ASSIGN_OR_RETURN(args[k], Coerce(std::move(args[k]), t, e.location));
    return Status::OK();
  };
  auto need_numeric = [&](size_t k) -> Status {
    if (IsUnknown(args[k].get())) return to(k, LType::kFloat64);
    if (args[k]->type == LType::kNull) return to(k, LType::kFloat64);
    if (!IsNumeric(args[k]->type)) {
      return UndefinedFunction(
          "function " + name + "(" + exec::TypeName(args[k]->type) + ") does not exist",
          e.location);
    }
    return Status::OK();
  };
  auto need_text = [&](size_t k) -> Status {
    if (args[k]->type != LType::kText && !IsUnknown(args[k].get()) &&
        args[k]->type != LType::kNull) {
      return UndefinedFunction(
          "function " + name + "(" + exec::TypeName(args[k]->type) + ") does not exist",
          e.location);
    }
    return to(k, LType::kText);
  };
  auto need_time = [&](size_t k) -> Status {
    if (IsUnknown(args[k].get())) return to(k, LType::kTimestampTz);
    if (!IsTimestamp(args[k]->type) && args[k]->type != LType::kDate) {
      return UndefinedFunction(
          "function " + name + "(..., " + exec::TypeName(args[k]->type) + ") does not exist",
          e.location);
    }
    return Status::OK();
  };
  auto call = [&](Fn fn, LType t) { return exec::MakeCall(fn, t, std::move(args)); };
  if (name == "abs" || name == "sign" || name == "ceil" || name == "ceiling" || name == "floor" ||
      name == "trunc" || name == "round") {
    OMEN_RETURN_IF_ERROR(nargs(1, 2));
    OMEN_RETURN_IF_ERROR(need_numeric(0));
    LType t = args[0]->type;
    if ((name == "round" || name == "trunc") && args.size() == 2) {
      OMEN_RETURN_IF_ERROR(to(0, LType::kNumeric));
      OMEN_RETURN_IF_ERROR(to(1, LType::kInt32));
      return call(name == "round" ? Fn::kRoundTo : Fn::kTruncTo, LType::kNumeric);
    }
    if (args.size() != 1)
      return UndefinedFunction("function " + name + " does not exist", e.location);
    if (name != "abs" && name != "sign" && IsInteger(t)) {
      // round/floor/ceil/trunc of an integer: PostgreSQL promotes to numeric or double.
      OMEN_RETURN_IF_ERROR(to(0, LType::kNumeric));
      t = LType::kNumeric;
    }
    if (t == LType::kFloat32 && name != "abs") {
      OMEN_RETURN_IF_ERROR(to(0, LType::kFloat64));
      t = LType::kFloat64;
    }
    Fn fn = name == "abs"     ? Fn::kAbs
            : name == "sign"  ? Fn::kSign
            : name == "floor" ? Fn::kFloor
            : name == "trunc" ? Fn::kTrunc
            : name == "round" ? Fn::kRound
                              : Fn::kCeil;
    return call(fn, t);
  }
  if (name == "sqrt" || name == "cbrt" || name == "ln" || name == "exp" || name == "log10" ||
      (name == "log" && args.size() == 1)) {
    OMEN_RETURN_IF_ERROR(nargs(1, 1));
    OMEN_RETURN_IF_ERROR(need_numeric(0));
    LType t = args[0]->type == LType::kNumeric || IsInteger(args[0]->type)
                  ? (IsInteger(args[0]->type) ? LType::kFloat64 : LType::kNumeric)
                  : LType::kFloat64;
    OMEN_RETURN_IF_ERROR(to(0, t));
    Fn fn = name == "sqrt"   ? Fn::kSqrt
            : name == "cbrt" ? Fn::kCbrt
            : name == "ln"   ? Fn::kLn
            : name == "exp"  ? Fn::kExp
                             : Fn::kLog10;
    return call(fn, t);
  }
  if (name == "log") {
    OMEN_RETURN_IF_ERROR(nargs(2, 2));
    OMEN_RETURN_IF_ERROR(need_numeric(0));
    OMEN_RETURN_IF_ERROR(need_numeric(1));
    OMEN_RETURN_IF_ERROR(to(0, LType::kNumeric));
    OMEN_RETURN_IF_ERROR(to(1, LType::kNumeric));
    return call(Fn::kLogBase, LType::kNumeric);
  }
  if (name == "power" || name == "pow") {
    OMEN_RETURN_IF_ERROR(nargs(2, 2));
    OMEN_RETURN_IF_ERROR(need_numeric(0));
    OMEN_RETURN_IF_ERROR(need_numeric(1));
    LType t = args[0]->type == LType::kNumeric || args[1]->type == LType::kNumeric
                  ? LType::kNumeric
                  : LType::kFloat64;
    OMEN_RETURN_IF_ERROR(to(0, t));
    OMEN_RETURN_IF_ERROR(to(1, t));
    return call(Fn::kPower, t);
  }
  if (name == "mod") {
    OMEN_RETURN_IF_ERROR(nargs(2, 2));
    OMEN_RETURN_IF_ERROR(need_numeric(0));
    OMEN_RETURN_IF_ERROR(need_numeric(1));
    ExprPtr a = std::move(args[0]), b = std::move(args[1]);
    return Arith("%", std::move(a), std::move(b), e.location);
  }
  if (name == "pi") {
    OMEN_RETURN_IF_ERROR(nargs(0, 0));
    return call(Fn::kPi, LType::kFloat64);
  }
  if (name == "lower" || name == "upper" || name == "reverse" || name == "btrim" ||
      name == "ltrim" || name == "rtrim" || name == "trim") {
    OMEN_RETURN_IF_ERROR(nargs(1, 2));
    for (size_t k = 0; k < args.size(); ++k) OMEN_RETURN_IF_ERROR(need_text(k));
    Fn fn = name == "lower"     ? Fn::kLower
            : name == "upper"   ? Fn::kUpper
            : name == "reverse" ? Fn::kReverse
            : name == "ltrim"   ? Fn::kLtrim
            : name == "rtrim"   ? Fn::kRtrim
                                : Fn::kBtrim;
    if ((fn == Fn::kLower || fn == Fn::kUpper || fn == Fn::kReverse) && args.size() != 1) {
      return UndefinedFunction("function " + name + " does not exist", e.location);
    }
    return call(fn, LType::kText);
  }
  if (name == "length" || name == "char_length" || name == "character_length") {
    OMEN_RETURN_IF_ERROR(nargs(1, 1));
    OMEN_RETURN_IF_ERROR(need_text(0));
    return call(Fn::kLength, LType::kInt32);
  }
  if (name == "substr" || name == "substring") {
    OMEN_RETURN_IF_ERROR(nargs(2, 3));
    OMEN_RETURN_IF_ERROR(need_text(0));
    for (size_t k = 1; k < args.size(); ++k) OMEN_RETURN_IF_ERROR(to(k, LType::kInt64));
    return call(Fn::kSubstr, LType::kText);
  }
  if (name == "left" || name == "right" || name == "repeat") {
    OMEN_RETURN_IF_ERROR(nargs(2, 2));
    OMEN_RETURN_IF_ERROR(need_text(0));
    OMEN_RETURN_IF_ERROR(to(1, LType::kInt64));
    return call(name == "left"    ? Fn::kLeft
                : name == "right" ? Fn::kRight
                                  : Fn::kRepeat,
                LType::kText);
  }
  if (name == "lpad" || name == "rpad") {
    OMEN_RETURN_IF_ERROR(nargs(2, 3));
    OMEN_RETURN_IF_ERROR(need_text(0));
    OMEN_RETURN_IF_ERROR(to(1, LType::kInt64));
    if (args.size() > 2) OMEN_RETURN_IF_ERROR(need_text(2));
    return call(name == "lpad" ? Fn::kLpad : Fn::kRpad, LType::kText);
  }
  if (name == "replace") {
    OMEN_RETURN_IF_ERROR(nargs(3, 3));
    for (size_t k = 0; k < 3; ++k) OMEN_RETURN_IF_ERROR(need_text(k));
    return call(Fn::kReplace, LType::kText);
  }
  if (name == "strpos" || name == "starts_with") {
    OMEN_RETURN_IF_ERROR(nargs(2, 2));
    OMEN_RETURN_IF_ERROR(need_text(0));
    OMEN_RETURN_IF_ERROR(need_text(1));
    return call(name == "strpos" ? Fn::kStrpos : Fn::kStartsWith,
                name == "strpos" ? LType::kInt32 : LType::kBool);
  }
  // concat and concat_ws print their arguments with the types' output functions: booleans stay
  // booleans (the evaluator prints 't'/'f', where a ::text cast gives 'true'/'false').
  auto output_text = [&](size_t k) -> Status {
    return args[k]->type == LType::kBool ? Status::OK() : to(k, LType::kText);
  };
  if (name == "concat") {
    for (size_t k = 0; k < args.size(); ++k) OMEN_RETURN_IF_ERROR(output_text(k));
    return call(Fn::kConcatFn, LType::kText);
  }
  if (name == "now" || name == "current_timestamp" || name == "transaction_timestamp" ||
      name == "statement_timestamp" || name == "localtimestamp") {
    OMEN_RETURN_IF_ERROR(nargs(0, 0));
    if (name == "localtimestamp") {
      return exec::MakeConst(
          Value::Int(LType::kTimestamp, exec::ToLocal(q_->eval.now, q_->eval.zone)));
    }
    return exec::MakeConst(Value::Int(LType::kTimestampTz, q_->eval.now));
  }
  if (name == "current_date") {
    return exec::MakeConst(Value::Int(
        LType::kDate, FloorDiv(exec::ToLocal(q_->eval.now, q_->eval.zone), 86400000000LL)));
  }
  if (name == "to_timestamp") {
    OMEN_RETURN_IF_ERROR(nargs(1, 1));
    OMEN_RETURN_IF_ERROR(need_numeric(0));
    OMEN_RETURN_IF_ERROR(to(0, LType::kFloat64));
    return call(Fn::kToTimestamp, LType::kTimestampTz);
  }
  if (name == "date_trunc") {
    OMEN_RETURN_IF_ERROR(nargs(2, 3));
    OMEN_RETURN_IF_ERROR(need_text(0));
    OMEN_RETURN_IF_ERROR(need_time(1));
    LType t = args[1]->type == LType::kDate ? LType::kTimestampTz : args[1]->type;
    if (args.size() == 3) {
      OMEN_RETURN_IF_ERROR(need_text(2));
      OMEN_RETURN_IF_ERROR(to(1, LType::kTimestampTz));
      t = LType::kTimestampTz;
    }
    return call(Fn::kDateTrunc, t);
  }
  if (name == "date_part" || name == "extract") {
    OMEN_RETURN_IF_ERROR(nargs(2, 2));
    OMEN_RETURN_IF_ERROR(need_text(0));
    if (args[1]->type != LType::kInterval && args[1]->type != LType::kTime) {
      OMEN_RETURN_IF_ERROR(need_time(1));
    }
    return call(Fn::kDatePart, name == "extract" ? LType::kNumeric : LType::kFloat64);
  }
  if (name == "time_bucket" || name == "date_bin" || name == "time_bucket_gapfill") {
    const bool gap = name == "time_bucket_gapfill";
    if (name == "time_bucket" && args.size() == 2 && IsInteger(args[0]->type) &&
        IsInteger(args[1]->type)) {
      LType t = NumericCommon(args[0]->type, args[1]->type);
      OMEN_RETURN_IF_ERROR(to(0, t));
      OMEN_RETURN_IF_ERROR(to(1, t));
      return call(Fn::kIntBucket, t);
    }
    OMEN_RETURN_IF_ERROR(nargs(name == "date_bin" ? 3 : 2, gap ? 4 : 3));
    OMEN_RETURN_IF_ERROR(to(0, LType::kInterval));
    OMEN_RETURN_IF_ERROR(need_time(1));
    LType t = args[1]->type;
    if (name == "date_bin" && t == LType::kDate) {
      OMEN_RETURN_IF_ERROR(to(1, LType::kTimestamp));
      t = LType::kTimestamp;
    }
    if (gap) {
      // time_bucket_gapfill(width, ts, start, finish): buckets every width over [start, finish).
      gapfill.present = true;
      if (args[0]->kind != EK::kConst || args[0]->value.null) {
        return Status::NotSupported("time_bucket_gapfill width must be a constant");
      }
      gapfill.width = args[0]->value.iv;
      if (args.size() == 4) {
        for (size_t k = 2; k < 4; ++k) {
          OMEN_RETURN_IF_ERROR(to(k, t == LType::kDate ? LType::kDate : t));
          if (args[k]->kind != EK::kConst || args[k]->value.null) {
            return Status::NotSupported("time_bucket_gapfill start and finish must be constants");
          }
        }
        const int64_t mul = t == LType::kDate ? 86400000000LL : 1;
        gapfill.start = args[2]->value.i * mul;
        gapfill.end = args[3]->value.i * mul;
        gapfill.have_range = true;
      }
      gapfill.origin = gapfill.width.months != 0 ? exec::kMonthOrigin : exec::kBucketOrigin;
      args.resize(2);
      return call(Fn::kTimeBucket, t);
    }
    if (args.size() == 3) {
      if (IsUnknown(args[2].get()))
        OMEN_RETURN_IF_ERROR(to(2, t == LType::kDate ? LType::kDate : t));
      if (!IsTimestamp(args[2]->type) && args[2]->type != LType::kDate) {
        return UndefinedFunction("function " + name + " origin must be a timestamp", e.location);
      }
      if (args[2]->type != t && t != LType::kDate) OMEN_RETURN_IF_ERROR(to(2, t));
    }
    return call(name == "date_bin" ? Fn::kDateBin : Fn::kTimeBucket, t);
  }
  if (name == "age") {
    OMEN_RETURN_IF_ERROR(nargs(2, 2));
    OMEN_RETURN_IF_ERROR(to(0, LType::kTimestampTz));
    OMEN_RETURN_IF_ERROR(to(1, LType::kTimestampTz));
    return call(Fn::kAge, LType::kInterval);
  }
  if (name == "octet_length") {
    OMEN_RETURN_IF_ERROR(nargs(1, 1));
    OMEN_RETURN_IF_ERROR(need_text(0));
    return call(Fn::kOctetLength, LType::kInt32);
  }
  if (name == "position") {  // POSITION(a IN b) arrives as position(b, a)
    OMEN_RETURN_IF_ERROR(nargs(2, 2));
    OMEN_RETURN_IF_ERROR(need_text(0));
    OMEN_RETURN_IF_ERROR(need_text(1));
    return call(Fn::kStrpos, LType::kInt32);
  }
  if (name == "make_date" || name == "make_timestamp" || name == "make_timestamptz") {
    // make_date(y, m, d); make_timestamp(y, m, d, h, mi, sec); make_timestamptz(..., [zone]),
    // read in the zone given or the session's.
    const bool date = name == "make_date", tz = name == "make_timestamptz";
    OMEN_RETURN_IF_ERROR(nargs(date ? 3 : 6, date ? 3 : (tz ? 7 : 6)));
    for (size_t k = 0; k < args.size(); ++k) {
      if (k == 6) {
        OMEN_RETURN_IF_ERROR(need_text(k));
        continue;
      }
      OMEN_RETURN_IF_ERROR(need_numeric(k));
      OMEN_RETURN_IF_ERROR(to(k, k == 5 ? LType::kFloat64 : LType::kInt64));
    }
    return call(Fn::kMakeTimestamp,
                date ? LType::kDate : (tz ? LType::kTimestampTz : LType::kTimestamp));
  }
  if (name == "to_char") {
    OMEN_RETURN_IF_ERROR(nargs(2, 2));
    OMEN_RETURN_IF_ERROR(need_text(1));
    if (IsUnknown(args[0].get())) OMEN_RETURN_IF_ERROR(to(0, LType::kTimestampTz));
    if (args[0]->type == LType::kDate) OMEN_RETURN_IF_ERROR(to(0, LType::kTimestamp));
    if (!IsTimestamp(args[0]->type)) {
      return UndefinedFunction(std::string("function to_char(") + exec::TypeName(args[0]->type) +
                                   ", text) is not supported (timestamps only)",
                               e.location);
    }
    return call(Fn::kToChar, LType::kText);
  }
  if (name == "like_escape") {  // x LIKE p ESCAPE e
    OMEN_RETURN_IF_ERROR(nargs(2, 2));
    OMEN_RETURN_IF_ERROR(need_text(0));
    OMEN_RETURN_IF_ERROR(need_text(1));
    return call(Fn::kLikeEscape, LType::kText);
  }
  if (name == "sin" || name == "cos" || name == "tan" || name == "cot" || name == "asin" ||
      name == "acos" || name == "atan" || name == "atan2") {
    const size_t arity = name == "atan2" ? 2 : 1;
    OMEN_RETURN_IF_ERROR(nargs(arity, arity));
    for (size_t k = 0; k < arity; ++k) {
      OMEN_RETURN_IF_ERROR(need_numeric(k));
      OMEN_RETURN_IF_ERROR(to(k, LType::kFloat64));
    }
    Fn fn = name == "sin"    ? Fn::kSin
            : name == "cos"  ? Fn::kCos
            : name == "tan"  ? Fn::kTan
            : name == "cot"  ? Fn::kCot
            : name == "asin" ? Fn::kAsin
            : name == "acos" ? Fn::kAcos
            : name == "atan" ? Fn::kAtan
                             : Fn::kAtan2;
    return call(fn, LType::kFloat64);
  }
  if (name == "degrees" || name == "radians") {
    OMEN_RETURN_IF_ERROR(nargs(1, 1));
    OMEN_RETURN_IF_ERROR(need_numeric(0));
    OMEN_RETURN_IF_ERROR(to(0, LType::kFloat64));
    return call(name == "degrees" ? Fn::kDegrees : Fn::kRadians, LType::kFloat64);
  }
  if (name == "split_part") {
    OMEN_RETURN_IF_ERROR(nargs(3, 3));
    OMEN_RETURN_IF_ERROR(need_text(0));
    OMEN_RETURN_IF_ERROR(need_text(1));
    OMEN_RETURN_IF_ERROR(to(2, LType::kInt64));
    return call(Fn::kSplitPart, LType::kText);
  }
  if (name == "concat_ws") {
    if (args.empty()) return UndefinedFunction("function concat_ws() does not exist", e.location);
    for (size_t k = 0; k < args.size(); ++k) OMEN_RETURN_IF_ERROR(output_text(k));
    return call(Fn::kConcatWs, LType::kText);
  }
  if (name == "timezone") {  // ts AT TIME ZONE zone
    OMEN_RETURN_IF_ERROR(nargs(2, 2));
    OMEN_RETURN_IF_ERROR(need_text(0));
    if (IsUnknown(args[1].get())) OMEN_RETURN_IF_ERROR(to(1, LType::kTimestampTz));
    if (!IsTimestamp(args[1]->type)) {
      return UndefinedFunction("function timezone(text, " +
                                   std::string(exec::TypeName(args[1]->type)) + ") does not exist",
                               e.location);
    }
    LType t = args[1]->type == LType::kTimestampTz ? LType::kTimestamp : LType::kTimestampTz;
    return call(Fn::kAtTimeZone, t);
  }
  if (name == "version") {
    return exec::MakeConst(Value::Text("PostgreSQL 15.0 (OmenDB)"));
  }
  return BindSystemFunction(Context(e.location), name, std::move(args));
}

Result<ExprPtr> Binder::BindSetReturning(const Expr& e, const std::string& name) {
  if (!allow_srf) {
    return Status::NotSupported("set-returning function " + name + " is not allowed in " +
                                std::string(clause) + " (use it in FROM or a plain select list)")
        .WithSqlState("0A000");
  }
  std::vector<ExprPtr> args;
  for (const auto& a : e.args) {
    OMEN_ASSIGN_OR_RETURN(ExprPtr b, BindRowExpr(*a));
    args.push_back(std::move(b));
  }
  OMEN_ASSIGN_OR_RETURN(SetFunction f, BindSetFunction(Context(e.location), name, &args));
  const LType type = f.type;
  srfs.push_back(SrfCall{std::move(f), std::move(args)});
  return exec::MakeColumn(srf_base + static_cast<int>(srfs.size()) - 1, type);
}

// Narrows [*lo, *hi) by `time <fn> t`.
void NarrowRange(Fn fn, int64_t t, int64_t* lo, int64_t* hi) {
  const int64_t next = t == kMaxTime ? t : t + 1;
  switch (fn) {
    case Fn::kEq:
      *lo = std::max(*lo, t);
      *hi = std::min(*hi, next);
      break;
    case Fn::kGe:
      *lo = std::max(*lo, t);
      break;
    case Fn::kGt:
      *lo = std::max(*lo, next);
      break;
    case Fn::kLt:
      *hi = std::min(*hi, t);
      break;
    case Fn::kLe:
      *hi = std::min(*hi, next);
      break;
    default:
      break;
  }
}

// Time-range pushdown over a bound filter. Returns true when the conjunct is exactly the range.
bool TimeConjunct(const exec::Expr& c, int time_col, const exec::EvalContext& ctx, int64_t* lo,
                  int64_t* hi) {
  if (c.kind == EK::kIn && c.args[0]->kind == EK::kColumn && c.args[0]->column == time_col) {
    int64_t mn = kMaxTime, mx = kMinTime;
    for (size_t k = 1; k < c.args.size(); ++k) {
      if (c.args[k]->kind != EK::kConst || c.negated) return false;
      if (c.args[k]->value.null) continue;
      mn = std::min(mn, c.args[k]->value.i);
      mx = std::max(mx, c.args[k]->value.i);
    }
    if (mn > mx) {
      *lo = kMaxTime;
      *hi = kMinTime;
      return false;
    }
    *lo = std::max(*lo, mn);
    *hi = std::min(*hi, mx == kMaxTime ? mx : mx + 1);
    return false;
  }
  if (c.kind != EK::kCall || c.args.size() != 2) return false;
  Fn fn = c.fn;
  if (fn != Fn::kEq && fn != Fn::kLt && fn != Fn::kLe && fn != Fn::kGt && fn != Fn::kGe)
    return false;
  const exec::Expr* a = c.args[0].get();
  const exec::Expr* b = c.args[1].get();
  if (HasColumnRef(*a) && !HasColumnRef(*b)) {
  } else if (!HasColumnRef(*a) && HasColumnRef(*b)) {
    std::swap(a, b);
    fn = fn == Fn::kLt   ? Fn::kGt
         : fn == Fn::kGt ? Fn::kLt
         : fn == Fn::kLe ? Fn::kGe
         : fn == Fn::kGe ? Fn::kLe
                         : fn;
  } else {
    return false;
  }
  auto folded = exec::EvaluateConstant(*b, ctx);
  if (!folded.ok() || folded->null) return false;
  // time <op> constant (the time column possibly under a timestamp cast).
  const exec::Expr* col = a;
  while (col->kind == EK::kCall && col->fn == Fn::kCast && IsTimestamp(col->type))
    col = col->args[0].get();
  if (col->kind == EK::kColumn && col->column == time_col && IsTimestamp(a->type) &&
      IsTimestamp(folded->type)) {
    NarrowRange(fn, folded->i, lo, hi);
    return col == a;
  }
  // extract(epoch from time) <op> seconds
  if (a->kind == EK::kCall && a->fn == Fn::kDatePart && a->args[0]->kind == EK::kConst &&
      !a->args[0]->value.null && AsciiLower(a->args[0]->value.s) == "epoch" &&
      a->args[1]->kind == EK::kColumn && a->args[1]->column == time_col &&
      IsNumeric(folded->type)) {
    const double s =
        PhysOf(folded->type) == Phys::kFloat ? folded->f : static_cast<double>(folded->i);
    if (!(std::fabs(s) < 9e12)) return false;
    // Seconds as a double: widen the range by a microsecond each way (the filter stays).
    const double us = s * 1e6;
    const int64_t down = static_cast<int64_t>(std::floor(us));
    const int64_t up = static_cast<int64_t>(std::ceil(us));
    switch (fn) {
      case Fn::kEq:
        NarrowRange(Fn::kEq, down, lo, hi);
        break;
      case Fn::kGe:
      case Fn::kGt:
        NarrowRange(Fn::kGe, fn == Fn::kGe ? up - 1 : down, lo, hi);
        break;
      case Fn::kLt:
      case Fn::kLe:
        NarrowRange(Fn::kLt, fn == Fn::kLt ? up + 1 : down + 2, lo, hi);
        break;
      default:
        break;
    }
  }
  return false;
}

// Tag pushdown: text_col = 'x', text_col IN ('x', 'y'), or an OR of those on one column (TSBS
// and Grafana write host lists as `hostname = 'a' OR hostname = 'b' OR ...`).
bool TagConjunct(const exec::Expr& c, const Source& src, int* col,
                 std::vector<std::string>* values) {
  if (c.kind == EK::kOr) {
    int first = -1;
    std::vector<std::string> all;
    for (const auto& arm : c.args) {
      int arm_col;
      std::vector<std::string> arm_vals;
      if (!TagConjunct(*arm, src, &arm_col, &arm_vals)) return false;
      if (first >= 0 && arm_col != first) return false;
      first = arm_col;
      all.insert(all.end(), arm_vals.begin(), arm_vals.end());
    }
    if (first < 0) return false;
    *col = first;
    *values = std::move(all);
    return true;
  }
  const exec::Expr* a = nullptr;
  std::vector<const exec::Expr*> consts;
  if (c.kind == EK::kCall && c.fn == Fn::kEq) {
    a = c.args[0].get();
    consts.push_back(c.args[1].get());
    if (a->kind != EK::kColumn) std::swap(a, consts[0]);
  } else if (c.kind == EK::kIn && !c.negated) {
    a = c.args[0].get();
    for (size_t k = 1; k < c.args.size(); ++k) consts.push_back(c.args[k].get());
  } else {
    return false;
  }
  if (a->kind != EK::kColumn || a->type != LType::kText) return false;
  if (src.types[static_cast<size_t>(a->column)] != LType::kText) return false;
  std::vector<std::string> vals;
  for (const exec::Expr* k : consts) {
    if (k->kind != EK::kConst || k->value.null || k->type != LType::kText) return false;
    vals.push_back(k->value.s);
  }
  *col = a->column;
  *values = std::move(vals);
  return true;
}

// A GROUP BY key that is a time bucket of the scanned table's time column (see
// exec/dense_groups.h): the aggregators get the raw timestamps in its place.
struct BucketGrouping {
  int key = -1;  // -1: no such key
  exec::BucketFn fn;
  ExprPtr time;          // the time column, fed in place of the key
  int64_t min_time = 0;  // lower bound of the scanned rows' times (the first bucket's)
  exec::DensePlan dense;
};

// Finds the first time-bucket key; when there is one, opens the scan (*scan) to learn the
// range it covers and plans dense groups over it. key_types[key] becomes the time column's.
Status PlanBucketGrouping(QueryRunner::Impl* q, const Source& src, const storage::ScanSpec& spec,
                          const std::vector<ExprPtr>& keys, const std::vector<exec::AggSpec>& specs,
                          std::vector<LType>* key_types, BucketGrouping* out,
                          std::optional<storage::TableScan>* scan) {
  const int time_col = src.table->time_column;
  for (size_t k = 0; k < keys.size() && out->key < 0; ++k) {
    if (auto fn = exec::MatchTimeBucket(*keys[k], time_col, q->eval)) {
      out->key = static_cast<int>(k);
      out->fn = *fn;
    }
  }
  if (out->key < 0) return Status::OK();
  const LType time_type = src.types[static_cast<size_t>(time_col)];
  out->time = exec::MakeColumn(time_col, time_type);
  (*key_types)[static_cast<size_t>(out->key)] = time_type;
  OMEN_ASSIGN_OR_RETURN(storage::TableScan sc, q->db->Scan(src.table->name, spec));
  const storage::ScanStats st = sc.stats();
  scan->emplace(std::move(sc));
  out->min_time = st.min_time;
  out->dense = exec::PlanDense(out->fn, st.min_time, st.max_time, *key_types, out->key, specs,
                               st.rows_estimated);
  return Status::OK();
}

// EXPLAIN's line for the aggregation.
std::string AggregatePlanLine(int nkeys, int naggs, const BucketGrouping& b) {
  const std::string counts =
      std::to_string(nkeys) + " keys, " + std::to_string(naggs) + " aggregates";
  if (nkeys == 0) return "Aggregate (" + counts + ", parallel per thread then merged)";
  if (b.key < 0) return "HashAggregate (" + counts + ", parallel per thread then merged)";
  const std::string bucket = "time bucket key " + std::to_string(b.key + 1) +
                             " by bucket number (" + b.fn.ToString() + ")";
  if (!b.dense.ok) {
    return "HashAggregate (" + counts + ", " + bucket + "; not dense: " + b.dense.why_not +
           "; parallel per thread then merged)";
  }
  std::string arrays = std::to_string(b.dense.buckets) + " buckets";
  if (b.dense.tag_key >= 0) arrays += " x groups of key " + std::to_string(b.dense.tag_key + 1);
  return "DenseBucketAggregate (" + counts + ", " + bucket + ", arrays of " + arrays +
         ", no hashing; parallel per thread then merged)";
}

// Replaces the bucket key column of an aggregation's output (a timestamp of each bucket) by
// the key expression's value.
Status BucketValues(const exec::Expr* key_expr, int key, const Source& src,
                    const exec::EvalContext& eval, Chunk* base) {
  const int time_col = src.table->time_column;
  Chunk t;
  t.size = base->size;
  t.cols.resize(src.types.size());
  for (size_t c = 0; c < src.types.size(); ++c) t.cols[c].type = src.types[c];
  t.cols[static_cast<size_t>(time_col)] = base->cols[static_cast<size_t>(key)];
  OMEN_ASSIGN_OR_RETURN(Vector v, exec::Evaluate(*key_expr, t, eval));
  if (v.constant) v = exec::Concat({v}, v.type);
  base->cols[static_cast<size_t>(key)] = std::move(v);
  return Status::OK();
}

// Each row of base repeated once per row of its longest set-returning function (the shorter
// ones padded with NULLs), the functions' rows appended as columns (PostgreSQL's ProjectSet).
Result<Chunk> ExpandSetFunctions(const Chunk& base, const std::vector<SrfCall>& srfs,
                                 const exec::EvalContext& eval, QueryRunner::Impl* q) {
  std::vector<std::vector<Vector>> args(srfs.size());
  for (size_t f = 0; f < srfs.size(); ++f) {
    for (const auto& a : srfs[f].args) {
      OMEN_ASSIGN_OR_RETURN(Vector v, exec::Evaluate(*a, base, eval));
      args[f].push_back(std::move(v));
    }
  }
  std::vector<uint32_t> source;  // the base row of each output row
  std::vector<exec::VectorBuilder> cols;
  for (const SrfCall& c : srfs) cols.emplace_back(c.fn.type);
  std::vector<Vector> rows(srfs.size());
  for (int64_t r = 0; r < base.size; ++r) {
    if ((r & 1023) == 0) OMEN_RETURN_IF_ERROR(q->CheckCancel());
    int64_t n = 0;
    for (size_t f = 0; f < srfs.size(); ++f) {
      std::vector<Value> values;
      for (const Vector& v : args[f]) values.push_back(v.Get(r));
      OMEN_ASSIGN_OR_RETURN(rows[f], srfs[f].fn.rows(values));
      n = std::max(n, rows[f].size);
    }
    for (int64_t k = 0; k < n; ++k) {
      source.push_back(static_cast<uint32_t>(r));
      for (size_t f = 0; f < srfs.size(); ++f) {
        if (k < rows[f].size) {
          cols[f].AppendFrom(rows[f], k);
        } else {
          cols[f].AppendNull();
        }
      }
    }
  }
  OMEN_RETURN_IF_ERROR(q->Charge(static_cast<int64_t>(source.size()) * 16));
  Chunk out = exec::GatherChunk(base, source.data(), static_cast<int64_t>(source.size()));
  for (auto& c : cols) out.cols.push_back(c.Finish());
  return out;
}

struct OutputItem {
  const Expr* ast = nullptr;
  int source_col = -1;  // for a star expansion
  std::string name;
};

std::string DefaultName(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kColumn:
      return e.name;
    case ExprKind::kFunc: {
      std::string n = AsciiLower(e.name);
      if (n == "time_bucket_gapfill") return "time_bucket_gapfill";
      if (n == "extract") return "extract";
      return n;
    }
    case ExprKind::kCast: {
      // Named after the argument when that has a name of its own (PostgreSQL's
      // FigureColname), else after the type.
      const Expr* a = e.args[0].get();
      while (a->kind == ExprKind::kSubscript) a = a->args[0].get();
      const bool named = a->kind == ExprKind::kColumn || a->kind == ExprKind::kFunc ||
                         a->kind == ExprKind::kField || a->kind == ExprKind::kArray ||
                         a->kind == ExprKind::kCoalesce || a->kind == ExprKind::kMinMax ||
                         a->kind == ExprKind::kNullIf || a->kind == ExprKind::kExists;
      if (named) return DefaultName(*e.args[0]);
      std::string t = e.name;
      if (t.size() > 2 && t.compare(t.size() - 2, 2, "[]") == 0) t.resize(t.size() - 2);
      return t;
    }
    case ExprKind::kCase:
      return "case";
    case ExprKind::kCoalesce:
      return "coalesce";
    case ExprKind::kNullIf:
      return "nullif";
    case ExprKind::kMinMax:
      return e.name;
    case ExprKind::kSubquery:
      return "?column?";
    case ExprKind::kExists:
      return "exists";
    case ExprKind::kSubscript:
      return DefaultName(*e.args[0]);
    case ExprKind::kField:
      return e.name;
    case ExprKind::kArray:
      return "array";
    default:
      return "?column?";
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------

Result<Relation> QueryRunner::Impl::Run(const SelectStmt& s) {
  // CTEs are visible to this statement and its subqueries.
  const bool branch = std::exchange(union_branch, false);  // for s itself, not its CTEs
  auto saved = ctes;
  for (const auto& [name, q] : s.ctes) {
    auto r = Run(*q);
    if (!r.ok()) {
      ctes = saved;
      return r.status();
    }
    ctes[name] = std::make_shared<Relation>(std::move(r).value());
  }
  union_branch = branch;
  auto out = s.set_op.empty() ? RunSelect(s) : RunUnion(s);
  ctes = saved;
  return out;
}

namespace {

int64_t ConstLimit(const Expr* e, const char* what, Status* st) {
  if (e == nullptr) return -1;
  if (e->kind == ExprKind::kOperator && e->args.size() == 2) {
    Status a, b;
    int64_t x = ConstLimit(e->args[0].get(), what, &a), y = ConstLimit(e->args[1].get(), what, &b);
    if (a.ok() && b.ok() && x >= 0 && y >= 0) {
      if (e->name == "+") return x + y;
      if (e->name == "*") return x * y;
      if (e->name == "-" && x >= y) return x - y;
    }
  }
  // A bound parameter: '5' (unknown type, which PostgreSQL takes as bigint here) or '5'::int4.
  if (e->kind == ExprKind::kCast && e->args.size() == 1 &&
      (e->name == "int2" || e->name == "int4" || e->name == "int8" || e->name == "numeric")) {
    return ConstLimit(e->args[0].get(), what, st);
  }
  if (e->kind == ExprKind::kLiteral && e->literal.kind == Literal::Kind::kString) {
    std::string_view t = e->literal.text;
    while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
    while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
    int64_t v = 0;
    const auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (t.empty() || ec != std::errc() || p != t.data() + t.size()) {
      *st = Status::InvalidArgument("invalid input syntax for type bigint: \"" + e->literal.text +
                                    "\"")
                .WithSqlState("22P02");
      return -1;
    }
    Expr lit;
    lit.literal.kind = Literal::Kind::kInt;
    lit.literal.i = v;
    return ConstLimit(&lit, what, st);
  }
  if (e->kind == ExprKind::kLiteral && e->literal.kind == Literal::Kind::kNull) return -1;
  if (e->kind != ExprKind::kLiteral || e->literal.kind != Literal::Kind::kInt) {
    *st = Status::InvalidArgument(std::string(what) + " must be an integer constant")
              .WithSqlState("42601");
    return -1;
  }
  if (e->literal.i < 0) {
    *st = Status::InvalidArgument(std::string(what) + " must not be negative")
              .WithSqlState(std::string(what) == "OFFSET" ? "2201X" : "2201W");
    return -1;
  }
  return e->literal.i;
}

// Applies ORDER BY (sort keys over `in`), OFFSET and LIMIT; keeps the first `visible` columns.
Chunk SortLimit(const Chunk& in, const std::vector<exec::SortKey>& keys, int64_t offset,
                int64_t limit) {
  const int64_t need = limit < 0 ? -1 : offset + limit;
  std::vector<uint32_t> idx;
  if (!keys.empty()) {
    idx = exec::SortIndices(in, keys, need);
  } else {
    idx.resize(static_cast<size_t>(in.size));
    for (int64_t r = 0; r < in.size; ++r) idx[r] = static_cast<uint32_t>(r);
  }
  int64_t b = std::min<int64_t>(offset, static_cast<int64_t>(idx.size()));
  int64_t e = limit < 0 ? static_cast<int64_t>(idx.size())
                        : std::min<int64_t>(static_cast<int64_t>(idx.size()), b + limit);
  if (b == 0 && e == in.size && keys.empty()) return in;
  return exec::GatherChunk(in, idx.data() + b, e - b);
}

}  // namespace

Result<Relation> QueryRunner::Impl::RunUnion(const SelectStmt& s) {
  Plan(std::string("Append (UNION") + (s.set_all ? " ALL" : "") + ")");
  ++depth;
  union_branch = true;
  auto l = Run(*s.larg);
  if (!l.ok()) {
    --depth;
    return l.status();
  }
  union_branch = true;
  auto r = Run(*s.rarg);
  union_branch = false;
  --depth;
  if (!r.ok()) return r.status();
  Relation& a = *l;
  Relation& b = *r;
  if (a.names.size() != b.names.size()) {
    return Status::SyntaxError("each UNION query must have the same number of columns");
  }
  Relation out;
  out.names = a.names;
  for (size_t c = 0; c < a.types.size(); ++c) {
    LType ta = a.types[c], tb = b.types[c], t = ta;
    if (ta == tb) {
    } else if (IsNumeric(ta) && IsNumeric(tb)) {
      t = NumericCommon(ta, tb);
    } else if (ta == LType::kNull) {
      t = tb;
    } else if (tb == LType::kNull) {
      t = ta;
    } else if ((IsTimestamp(ta) || ta == LType::kDate) && (IsTimestamp(tb) || tb == LType::kDate)) {
      t = LType::kTimestampTz;
    } else {
      return Status::DatatypeMismatch(std::string("UNION types ") + exec::TypeName(ta) + " and " +
                                      exec::TypeName(tb) + " cannot be matched");
    }
    out.types.push_back(t);
  }
  auto cast_all = [&](Relation& rel) -> Status {
    for (size_t c = 0; c < rel.types.size(); ++c) {
      if (rel.types[c] == out.types[c]) continue;
      auto e = exec::MakeCast(exec::MakeColumn(static_cast<int>(c), rel.types[c]), out.types[c]);
      OMEN_ASSIGN_OR_RETURN(rel.chunk.cols[c], exec::Evaluate(*e, rel.chunk, eval));
      rel.types[c] = out.types[c];
    }
    return Status::OK();
  };
  OMEN_RETURN_IF_ERROR(cast_all(a));
  OMEN_RETURN_IF_ERROR(cast_all(b));
  out.chunk = exec::ConcatChunks({a.chunk, b.chunk}, out.types);
  if (!s.set_all) {
    std::vector<int> all;
    for (size_t c = 0; c < out.types.size(); ++c) all.push_back(static_cast<int>(c));
    auto keep = exec::DistinctRows(out.chunk, all);
    out.chunk = exec::GatherChunk(out.chunk, keep.data(), static_cast<int64_t>(keep.size()));
  }
  // ORDER BY over output columns (names or ordinals).
  std::vector<exec::SortKey> keys;
  for (const OrderItem& o : s.order_by) {
    int col = -1;
    if (o.expr->kind == ExprKind::kLiteral && o.expr->literal.kind == Literal::Kind::kInt) {
      col = static_cast<int>(o.expr->literal.i) - 1;
      if (col < 0 || col >= static_cast<int>(out.names.size())) {
        return Status::UndefinedColumn("ORDER BY position " + std::to_string(o.expr->literal.i) +
                                           " is not in select list",
                                       o.expr->location + 1)
            .WithSqlState("42P10");
      }
    } else if (o.expr->kind == ExprKind::kColumn) {
      for (size_t c = 0; c < out.names.size(); ++c) {
        if (out.names[c] == o.expr->name) col = static_cast<int>(c);
      }
    }
    if (col < 0) {
      return Status::NotSupported("ORDER BY on a UNION supports output column names and positions");
    }
    exec::SortKey k;
    k.col = col;
    k.desc = o.descending;
    k.nulls_first = o.nulls == OrderItem::Nulls::kFirst ||
                    (o.nulls == OrderItem::Nulls::kDefault && o.descending);
    keys.push_back(k);
  }
  Status st;
  int64_t limit = ConstLimit(s.limit.get(), "LIMIT", &st);
  int64_t offset = std::max<int64_t>(0, ConstLimit(s.offset.get(), "OFFSET", &st));
  OMEN_RETURN_IF_ERROR(st);
  out.chunk = SortLimit(out.chunk, keys, offset, limit);
  return out;
}

Result<Relation> QueryRunner::Impl::RunSelect(const SelectStmt& s) {
  const bool keep_null = std::exchange(union_branch, false);       // not for its subqueries
  const auto window = std::exchange(bucket_window, std::nullopt);  // nor this
  OMEN_ASSIGN_OR_RETURN(Source src, ResolveFrom(s));
  const int nsrc = static_cast<int>(src.names.size());
  Binder binder(this, &src);

  // Select list with stars expanded.
  std::vector<OutputItem> items;
  items.reserve(s.items.size() + static_cast<size_t>(nsrc));
  for (const SelectItem& it : s.items) {
    if (it.expr->kind == ExprKind::kStar) {
      if (!it.expr->qualifier.empty()) {
        bool any = false;
        for (int c = 0; c < nsrc; ++c) {
          if (src.quals[static_cast<size_t>(c)] == it.expr->qualifier) {
            items.push_back(OutputItem{nullptr, c, src.names[static_cast<size_t>(c)]});
            any = true;
          }
        }
        if (!any) {
          return Status::UndefinedColumn(
                     "missing FROM-clause entry for table \"" + it.expr->qualifier + "\"",
                     it.expr->location + 1)
              .WithSqlState("42P01");
        }
      } else {
        if (s.from.empty())
          return Status::SyntaxError("SELECT * with no tables specified is not valid",
                                     it.expr->location + 1);
        for (int c = 0; c < nsrc; ++c) {
          if (src.Hidden(static_cast<size_t>(c))) continue;
          items.push_back(OutputItem{nullptr, c, src.names[static_cast<size_t>(c)]});
        }
      }
      continue;
    }
    items.push_back(
        OutputItem{it.expr.get(), -1, it.alias.empty() ? DefaultName(*it.expr) : it.alias});
  }

  // Aggregation?
  bool aggregated = !s.group_by.empty() || (s.having != nullptr);
  for (const OutputItem& it : items) aggregated |= it.ast != nullptr && ContainsAggregate(*it.ast);
  for (const OrderItem& o : s.order_by) aggregated |= ContainsAggregate(*o.expr);

  // WHERE.
  ExprPtr filter;
  if (s.where) {
    binder.clause = "WHERE";
    OMEN_ASSIGN_OR_RETURN(filter, binder.Bind(*s.where));
    OMEN_ASSIGN_OR_RETURN(filter,
                          binder.Coerce(std::move(filter), LType::kBool, s.where->location));
    if (filter->type != LType::kBool) {
      return Status::DatatypeMismatch("argument of WHERE must be type boolean",
                                      s.where->location + 1);
    }
  }

  // GROUP BY keys.
  auto find_alias = [&](const std::string& name) -> const Expr* {
    for (const OutputItem& it : items) {
      if (it.ast != nullptr && it.name == name) return it.ast;
    }
    return nullptr;
  };
  auto is_source_col = [&](const std::string& name) {
    return std::find(src.names.begin(), src.names.end(), name) != src.names.end();
  };
  if (aggregated) {
    binder.clause = "GROUP BY";
    for (const auto& g : s.group_by) {
      const Expr* ge = g.get();
      if (ge->kind == ExprKind::kLiteral && ge->literal.kind == Literal::Kind::kInt) {
        const int64_t pos = ge->literal.i;
        if (pos < 1 || pos > static_cast<int64_t>(items.size())) {
          return Status::UndefinedColumn(
                     "GROUP BY position " + std::to_string(pos) + " is not in select list",
                     ge->location + 1)
              .WithSqlState("42P10");
        }
        const OutputItem& it = items[static_cast<size_t>(pos - 1)];
        if (it.ast == nullptr) {
          binder.key_fps.push_back("col:" + std::to_string(it.source_col));
          binder.keys.push_back(
              exec::MakeColumn(it.source_col, src.types[static_cast<size_t>(it.source_col)]));
          binder.used.insert(it.source_col);
          continue;
        }
        ge = it.ast;
      } else if (ge->kind == ExprKind::kColumn && ge->qualifier.empty() &&
                 !is_source_col(ge->name)) {
        if (const Expr* a = find_alias(ge->name)) ge = a;
      }
      if (ContainsAggregate(*ge)) {
        return GroupingError("aggregate functions are not allowed in GROUP BY", ge->location);
      }
      OMEN_ASSIGN_OR_RETURN(ExprPtr k, binder.BindRowExpr(*ge));
      if (binder.IsUnknown(k.get())) {
        OMEN_ASSIGN_OR_RETURN(k, binder.Coerce(std::move(k), LType::kText, ge->location));
      }
      if (k->kind == EK::kCall && k->fn == Fn::kTimeBucket && binder.gapfill.present &&
          binder.gapfill.key < 0) {
        binder.gapfill.key = static_cast<int>(binder.keys.size());
      }
      binder.key_fps.push_back(Fingerprint(*ge, &src));
      binder.keys.push_back(std::move(k));
    }
  }
  const int nkeys = static_cast<int>(binder.keys.size());
  // Extra fingerprints: plain column names of column keys.
  std::vector<std::pair<std::string, int>> col_key_fps;
  for (int k = 0; k < nkeys; ++k) {
    if (binder.keys[static_cast<size_t>(k)]->kind == EK::kColumn) {
      Expr ref;
      ref.kind = ExprKind::kColumn;
      ref.name = src.names[static_cast<size_t>(binder.keys[static_cast<size_t>(k)]->column)];
      col_key_fps.emplace_back(Fingerprint(ref), k);
      col_key_fps.emplace_back(Fingerprint(ref, &src), k);
    }
  }

  // Select list, HAVING, ORDER BY, DISTINCT ON in the output scope.
  binder.mode = aggregated ? Binder::Mode::kAgg : Binder::Mode::kRow;
  binder.allow_agg = aggregated;
  binder.allow_window = true;
  // Bind column references to column keys by name too.
  for (const auto& [fp, k] : col_key_fps) binder.extra_key_fps.emplace_back(fp, k);
  // Window results follow the base columns. With aggregation the base (keys + aggregates) is
  // only known after binding: number windows from a large mark and remap afterwards.
  constexpr int kWindowMark = 1 << 20;
  binder.window_base = aggregated ? kWindowMark : nsrc;

  std::vector<ExprPtr> outputs;
  binder.clause = "SELECT";
  // Set-returning functions of a plain select list: their rows follow the source columns.
  binder.allow_srf = !aggregated;
  binder.srf_base = nsrc;
  for (const OutputItem& it : items) {
    if (it.ast == nullptr) {
      if (aggregated) {
        Expr ref;
        ref.kind = ExprKind::kColumn;
        ref.name = src.names[static_cast<size_t>(it.source_col)];
        ref.qualifier = src.quals[static_cast<size_t>(it.source_col)];
        OMEN_ASSIGN_OR_RETURN(ExprPtr b, binder.Bind(ref));
        outputs.push_back(std::move(b));
      } else {
        binder.used.insert(it.source_col);
        outputs.push_back(
            exec::MakeColumn(it.source_col, src.types[static_cast<size_t>(it.source_col)]));
      }
      continue;
    }
    OMEN_ASSIGN_OR_RETURN(ExprPtr b, binder.Bind(*it.ast));
    if ((binder.IsUnknown(b.get()) || b->type == LType::kNull) &&
        !(keep_null && b->type == LType::kNull)) {
      OMEN_ASSIGN_OR_RETURN(b, binder.Coerce(std::move(b), LType::kText, it.ast->location));
    }
    outputs.push_back(std::move(b));
  }
  binder.allow_srf = false;
  if (!binder.srfs.empty() && !binder.windows.empty()) {
    return Status::NotSupported("set-returning functions and window functions in one select list")
        .WithSqlState("0A000");
  }
  const int nvisible = static_cast<int>(outputs.size());
  ExprPtr having;
  if (s.having) {
    binder.clause = "HAVING";
    binder.allow_window = false;
    OMEN_ASSIGN_OR_RETURN(having, binder.Bind(*s.having));
    OMEN_ASSIGN_OR_RETURN(having,
                          binder.Coerce(std::move(having), LType::kBool, s.having->location));
    binder.allow_window = true;
  }
  // ORDER BY: output ordinal, output alias, or an expression (a hidden output column).
  binder.clause = "ORDER BY";
  std::vector<exec::SortKey> sort_keys;
  auto output_ref = [&](const Expr& e, int* col) -> Status {
    *col = -1;
    if (e.kind == ExprKind::kLiteral && e.literal.kind == Literal::Kind::kInt) {
      const int64_t pos = e.literal.i;
      if (pos < 1 || pos > nvisible) {
        return Status::UndefinedColumn(
                   "ORDER BY position " + std::to_string(pos) + " is not in select list",
                   e.location + 1)
            .WithSqlState("42P10");
      }
      *col = static_cast<int>(pos - 1);
      return Status::OK();
    }
    if (e.kind == ExprKind::kColumn && e.qualifier.empty()) {
      int hits = 0;
      for (int c = 0; c < nvisible; ++c) {
        if (items[static_cast<size_t>(c)].name == e.name) {
          if (hits == 0) *col = c;
          ++hits;
        }
      }
      if (hits > 1 && !is_source_col(e.name)) {
        return Status::SyntaxError("ORDER BY \"" + e.name + "\" is ambiguous", e.location + 1)
            .WithSqlState("42702");
      }
      if (hits >= 1) return Status::OK();
    }
    // Same expression as an output item.
    const std::string fp = Fingerprint(e, &src);
    for (int c = 0; c < nvisible; ++c) {
      const OutputItem& it = items[static_cast<size_t>(c)];
      if (it.ast != nullptr && Fingerprint(*it.ast, &src) == fp) {
        *col = c;
        return Status::OK();
      }
    }
    return Status::OK();
  };
  for (const OrderItem& o : s.order_by) {
    int col;
    OMEN_RETURN_IF_ERROR(output_ref(*o.expr, &col));
    if (col < 0) {
      if (s.distinct && s.distinct_on.empty()) {
        return Status::SyntaxError(
                   "for SELECT DISTINCT, ORDER BY expressions must appear in select list",
                   o.expr->location + 1)
            .WithSqlState("42P10");
      }
      OMEN_ASSIGN_OR_RETURN(ExprPtr b, binder.Bind(*o.expr));
      if (binder.IsUnknown(b.get())) {
        OMEN_ASSIGN_OR_RETURN(b, binder.Coerce(std::move(b), LType::kText, o.expr->location));
      }
      col = static_cast<int>(outputs.size());
      outputs.push_back(std::move(b));
    }
    exec::SortKey k;
    k.col = col;
    k.desc = o.descending;
    k.nulls_first = o.nulls == OrderItem::Nulls::kFirst ||
                    (o.nulls == OrderItem::Nulls::kDefault && o.descending);
    sort_keys.push_back(k);
  }
  std::vector<int> distinct_on;
  for (const auto& d : s.distinct_on) {
    int col;
    OMEN_RETURN_IF_ERROR(output_ref(*d, &col));
    if (col < 0) {
      OMEN_ASSIGN_OR_RETURN(ExprPtr b, binder.Bind(*d));
      col = static_cast<int>(outputs.size());
      outputs.push_back(std::move(b));
    }
    distinct_on.push_back(col);
  }
  if (!distinct_on.empty() && !sort_keys.empty()) {
    for (size_t k = 0; k < distinct_on.size() && k < sort_keys.size(); ++k) {
      if (std::find(distinct_on.begin(), distinct_on.end(), sort_keys[k].col) ==
          distinct_on.end()) {
        return Status::SyntaxError(
                   "SELECT DISTINCT ON expressions must match initial ORDER BY expressions")
            .WithSqlState("42P10");
      }
    }
  }
  Status lst;
  const int64_t limit = ConstLimit(s.limit.get(), "LIMIT", &lst);
  const int64_t offset = std::max<int64_t>(0, ConstLimit(s.offset.get(), "OFFSET", &lst));
  OMEN_RETURN_IF_ERROR(lst);

  // Remap window column references now that the base layout is known.
  const int nbase = aggregated ? nkeys + static_cast<int>(binder.aggs.size()) : nsrc;
  std::function<void(exec::Expr*)> remap = [&](exec::Expr* e) {
    if (e->kind == EK::kColumn && e->column >= kWindowMark)
      e->column = e->column - kWindowMark + nbase;
    for (auto& a : e->args) remap(a.get());
  };
  if (aggregated) {
    for (auto& o : outputs) remap(o.get());
    if (having) remap(having.get());
  }

  // ---- Source scan with pushdown.
  storage::ScanSpec spec;
  std::string pushed;
  ExprPtr residual;
  if (src.table != nullptr) {
    const int time_col = src.table->time_column;
    int64_t lo = kMinTime, hi = kMaxTime;
    std::vector<ExprPtr> keep;
    if (filter) {
      std::vector<ExprPtr> conj;
      if (filter->kind == EK::kAnd) {
        for (auto& a : filter->args) conj.push_back(std::move(a));
      } else {
        conj.push_back(std::move(filter));
      }
      for (auto& c : conj) {
        int tag_col;
        std::vector<std::string> tag_vals;
        if (TimeConjunct(*c, time_col, eval, &lo, &hi)) continue;  // exactly the range
        if (spec.tag_column < 0 && TagConjunct(*c, src, &tag_col, &tag_vals)) {
          spec.tag_column = tag_col;
          spec.tag_values = tag_vals;
        }
        keep.push_back(std::move(c));
      }
      if (keep.size() == 1) {
        residual = std::move(keep[0]);
      } else if (!keep.empty()) {
        residual = std::make_unique<exec::Expr>();
        residual->kind = EK::kAnd;
        residual->type = LType::kBool;
        residual->args = std::move(keep);
      }
    }
    if (window) {
      lo = std::max(lo, window->first);
      hi = std::min(hi, window->second);
    } else if (aggregated && binder.keys.size() == 1 && limit > 0 && !binder.gapfill.present &&
               binder.windows.empty() && binder.srfs.empty() && !s.distinct &&
               distinct_on.empty() && !sort_keys.empty() && lo < hi) {
      // ORDER BY bucket [DESC] LIMIT k over one fixed-width time bucket key: the first k
      // buckets from the range's far end are all that is asked for. Try the aggregation over
      // the last (first) k buckets of the data, widening until k groups come back; buckets are
      // whole in each try (it starts on a bucket edge), and every bucket outside sorts after.
      const exec::Expr& first = *outputs[static_cast<size_t>(sort_keys[0].col)];
      auto fn = exec::MatchTimeBucket(*binder.keys[0], time_col, eval);
      if (first.kind == EK::kColumn && first.column == 0 && fn &&
          fn->kind == exec::BucketFn::Kind::kFixed) {
        storage::ScanSpec probe;
        probe.min_time = lo;
        probe.max_time = hi;
        probe.columns = {time_col};
        OMEN_ASSIGN_OR_RETURN(storage::TableScan sc, db->Scan(src.table->name, probe));
        const storage::ScanStats& st = sc.stats();
        const bool desc = sort_keys[0].desc;
        const int64_t want = limit + offset;
        if (st.min_time <= st.max_time && want < (int64_t{1} << 20)) {
          const int64_t edge = desc ? st.max_time : st.min_time;
          const int64_t start = fn->origin + fn->Ordinal(edge) * fn->width;  // edge's bucket
          const size_t plan_lines = explain != nullptr ? explain->size() : 0;
          int tries = 0;
          for (int64_t span = want; span < (int64_t{1} << 40); span *= 8) {
            const __int128 w = static_cast<__int128>(span) * fn->width;
            const __int128 a = desc ? static_cast<__int128>(start) + fn->width - w : lo;
            const __int128 b = desc ? hi : static_cast<__int128>(start) + w;
            if ((desc && a <= lo) || (!desc && b >= hi)) break;  // the whole range: as usual
            bucket_window = {static_cast<int64_t>(a), static_cast<int64_t>(b)};
            ++tries;
            if (explain != nullptr) explain->resize(plan_lines);  // EXPLAIN ANALYZE: the last try
            OMEN_ASSIGN_OR_RETURN(Relation tried, RunSelect(s));
            if (!execute) {  // EXPLAIN (or Describe): the first try's plan, as it will start
              Plan("Top buckets: the first try aggregates the " + std::to_string(span) +
                   " buckets nearest the " + (desc ? "data's end" : "data's start") +
                   "; while fewer than " + std::to_string(limit) +
                   " groups come back, tries 8x wider follow (EXPLAIN ANALYZE shows them)");
              return tried;
            }
            if (tried.chunk.size >= limit) {
              Plan("Top buckets: aggregated the " + std::to_string(span) + " buckets nearest the " +
                   (desc ? "data's end" : "data's start") + " (" + std::to_string(tries) +
                   (tries == 1 ? " try" : " tries, widening 8x") + ")");
              return tried;
            }
          }
          if (explain != nullptr) explain->resize(plan_lines);
        }
      }
    }
    spec.min_time = lo;
    spec.max_time = hi;
    // DISTINCT ON (sort key) ORDER BY sort key, time DESC|ASC with no other filter: only each
    // series' last (first) row per sorted segment can be an answer.
    auto is_col = [&](int out, int col) {
      const exec::Expr& e = *outputs[static_cast<size_t>(out)];
      return e.kind == EK::kColumn && e.column == col;
    };
    if (!aggregated && binder.windows.empty() && !residual && src.table->sort_column >= 0 &&
        distinct_on.size() == 1 && sort_keys.size() == 2 && sort_keys[0].col == distinct_on[0] &&
        is_col(distinct_on[0], src.table->sort_column) && is_col(sort_keys[1].col, time_col)) {
      spec.series_edge = sort_keys[1].desc ? storage::ScanSpec::SeriesEdge::kLast
                                           : storage::ScanSpec::SeriesEdge::kFirst;
    }
    for (int c : binder.used) spec.columns.push_back(c);
    if (spec.columns.empty()) spec.columns.push_back(time_col);  // count(*): read the time column
    const bool ts_tz = src.types[static_cast<size_t>(time_col)] == LType::kTimestampTz;
    auto fmt = [&](int64_t t) { return FormatTimestamp(t, ts_tz); };
    pushed = "time range [" + (lo == kMinTime ? std::string("-infinity") : fmt(lo)) + ", " +
             (hi == kMaxTime ? std::string("infinity") : fmt(hi)) + ")";
    if (spec.tag_column >= 0) {
      pushed += ", " + src.names[static_cast<size_t>(spec.tag_column)] + " IN (";
      for (size_t k = 0; k < spec.tag_values.size(); ++k)
        pushed += (k ? ", '" : "'") + spec.tag_values[k] + "'";
      pushed += ")";
    }
    if (spec.series_edge != storage::ScanSpec::SeriesEdge::kNone) {
      pushed += spec.series_edge == storage::ScanSpec::SeriesEdge::kLast ? ", last row per series"
                                                                         : ", first row per series";
    }
  } else if (!src.filtered) {
    residual = std::move(filter);
  }

  // ---- Aggregation layout.
  std::vector<exec::AggSpec> specs;
  std::vector<LType> key_types;
  for (const auto& k : binder.keys) key_types.push_back(k->type);
  // Aggregate input layout: keys, then per aggregate [arg, arg2, filter] as present.
  std::vector<const exec::Expr*> agg_inputs;
  for (const auto& k : binder.keys) agg_inputs.push_back(k.get());
  for (AggCall& a : binder.aggs) {
    exec::AggSpec sp = a.spec;
    if (a.arg) {
      sp.arg = static_cast<int>(agg_inputs.size());
      agg_inputs.push_back(a.arg.get());
    }
    if (a.arg2) {
      sp.arg2 = static_cast<int>(agg_inputs.size());
      agg_inputs.push_back(a.arg2.get());
    }
    if (a.filter) {
      sp.filter = static_cast<int>(agg_inputs.size());
      agg_inputs.push_back(a.filter.get());
    }
    specs.push_back(sp);
  }
  // A time-bucket key over the table's time column is fed the raw timestamps and grouped by
  // bucket number (its values are computed per group after aggregation); in dense arrays when
  // the range the scan covers holds few enough buckets.
  BucketGrouping bucketing;
  std::optional<storage::TableScan> early_scan;  // opened to plan dense groups, then run
  if (aggregated && src.table != nullptr && !binder.gapfill.present) {
    OMEN_RETURN_IF_ERROR(PlanBucketGrouping(this, src, spec, binder.keys, specs, &key_types,
                                            &bucketing, &early_scan));
    if (bucketing.key >= 0) agg_inputs[static_cast<size_t>(bucketing.key)] = bucketing.time.get();
  }

  // ---- Plan description.
  const bool project_early = !aggregated && binder.windows.empty() && binder.srfs.empty();
  if (explain != nullptr) {
    const int d0 = depth;
    if (limit >= 0 || offset > 0) {
      Plan("Limit (limit " + (limit < 0 ? std::string("all") : std::to_string(limit)) +
           ", offset " + std::to_string(offset) + ")");
      ++depth;
    }
    if (!distinct_on.empty()) {
      Plan("Unique (DISTINCT ON " + std::to_string(distinct_on.size()) + " columns)");
      ++depth;
    }
    if (!sort_keys.empty()) {
      Plan(limit >= 0 && distinct_on.empty()
               ? "Top-K Sort (k = " + std::to_string(limit + offset) + ", " +
                     std::to_string(sort_keys.size()) + " keys)"
               : "Sort (" + std::to_string(sort_keys.size()) + " keys)");
      ++depth;
    }
    if (s.distinct && distinct_on.empty()) {
      Plan("HashDistinct");
      ++depth;
    }
    Plan("Project (" + std::to_string(nvisible) + " columns)");
    ++depth;
    if (!binder.windows.empty()) {
      Plan("Window (" + std::to_string(binder.windows.size()) + " functions)");
      ++depth;
    }
    if (having) {
      Plan("Filter (HAVING)");
      ++depth;
    }
    if (binder.gapfill.present) {
      Plan("GapFill");
      ++depth;
    }
    if (aggregated) {
      Plan(AggregatePlanLine(nkeys, static_cast<int>(binder.aggs.size()), bucketing));
      ++depth;
    }
    if (residual) {
      Plan("Filter (vectorized, selection vectors): " + residual->ToString());
      ++depth;
    }
    if (src.table != nullptr) {
      Plan("Scan " + src.table->name + " (" + pushed + ")");
    } else if (!src.plan.empty()) {
      Plan(src.plan);
    } else if (!s.from.empty()) {
      Plan("Scan materialized " + (s.from[0].alias.empty() ? s.from[0].name : s.from[0].alias) +
           " (" + std::to_string(src.rel->chunk.size) + " rows)");
    } else {
      Plan("Result (one row)");
    }
    depth = d0;
  }

  // ---- Execute: parallel source stage.
  std::vector<LType> out_types;
  for (const auto& o : outputs) out_types.push_back(o->type);

  auto t_start = std::chrono::steady_clock::now();
  int64_t rows_scanned = 0;
  int64_t topk_window = -1;  // the time window an ORDER BY time LIMIT k scan ended with
  Chunk base;  // aggregated: keys+aggs; else source rows (or outputs when project_early)
  storage::ScanStats scan_stats;
  std::atomic<int64_t> rows_in{0};
  bool dense_kept = false;  // dense groups held every row
  if (execute) {
    // Morsels: table scan tasks, or slices of a materialized relation.
    std::optional<storage::TableScan> scan;
    size_t ntasks = 0;
    constexpr int64_t kMorsel = 64 * 1024;
    std::vector<Chunk> parts;
    std::vector<exec::HashAggregator> local;
    const bool early_stop = project_early && sort_keys.empty() && !s.distinct && limit >= 0;
    const int64_t need_rows = early_stop ? offset + limit : -1;
    std::atomic<int64_t> produced{0};
    // ORDER BY time [DESC] LIMIT k (no aggregation or DISTINCT): scan a window at the end
    // (start) of the range first, widening it until it holds k rows; rows outside the window
    // cannot precede the k rows inside.
    const bool time_topk =
        src.table != nullptr && project_early && distinct_on.empty() && !s.distinct && limit >= 0 &&
        !sort_keys.empty() && outputs[static_cast<size_t>(sort_keys[0].col)]->kind == EK::kColumn &&
        outputs[static_cast<size_t>(sort_keys[0].col)]->column == src.table->time_column;
    storage::ScanSpec scan_spec = spec;
    int64_t window = -1;  // width of the time window scanned; -1: the whole range
    auto open_scan = [&]() -> Status {
      if (src.table == nullptr) {
        ntasks = static_cast<size_t>((src.rel->chunk.size + kMorsel - 1) / kMorsel);
        return Status::OK();
      }
      if (early_scan) {
        scan = std::move(early_scan);
        early_scan.reset();
      } else {
        OMEN_ASSIGN_OR_RETURN(storage::TableScan sc, db->Scan(src.table->name, scan_spec));
        scan.emplace(std::move(sc));
      }
      ntasks = scan->tasks().size();
      if (window < 0) scan_stats = scan->stats();
      return Status::OK();
    };
    OMEN_RETURN_IF_ERROR(open_scan());
    if (time_topk && scan_stats.min_time <= scan_stats.max_time &&
        scan_stats.rows_estimated > 8 * (offset + limit + 1)) {
      const int64_t t_lo = scan_stats.min_time, t_hi = scan_stats.max_time;
      const double span = static_cast<double>(t_hi) - static_cast<double>(t_lo) + 1;
      const double frac = 4.0 * static_cast<double>(offset + limit + 1) /
                          static_cast<double>(scan_stats.rows_estimated);
      window = std::max<int64_t>(1, static_cast<int64_t>(span * frac));
    }
    auto read = [&](size_t i, Chunk* out) -> Status {
      if (scan) {
        OMEN_ASSIGN_OR_RETURN(arrow::RecordBatch batch, scan->ReadTask(i));
        out->size = batch.num_rows;
        out->cols.assign(static_cast<size_t>(nsrc), Vector());
        for (int c = 0; c < nsrc; ++c)
          out->cols[static_cast<size_t>(c)].type = src.types[static_cast<size_t>(c)];
        for (size_t k = 0; k < spec.columns.size(); ++k) {
          out->cols[static_cast<size_t>(spec.columns[k])] = exec::FromArrow(batch.columns[k]);
        }
        return Status::OK();
      }
      const int64_t b = static_cast<int64_t>(i) * kMorsel;
      const int64_t e = std::min(src.rel->chunk.size, b + kMorsel);
      if (b == 0 && e == src.rel->chunk.size) {
        *out = src.rel->chunk;
        return Status::OK();
      }
      std::vector<uint32_t> sel(static_cast<size_t>(e - b));
      for (int64_t r = b; r < e; ++r) sel[static_cast<size_t>(r - b)] = static_cast<uint32_t>(r);
      *out = exec::GatherChunk(src.rel->chunk, sel.data(), e - b);
      return Status::OK();
    };
    std::atomic<size_t> next{0};
    std::mutex err_mu;
    Status first_error;
    std::atomic<bool> failed{false};
    auto worker = [&](int tid) {
      exec::HashAggregator& agg = local[static_cast<size_t>(tid)];
      int64_t charged = 0;
      while (!failed.load()) {
        const size_t i = next.fetch_add(1);
        if (i >= ntasks) break;
        if (need_rows >= 0 && produced.load() >= need_rows) break;
        Status st = [&]() -> Status {
          OMEN_RETURN_IF_ERROR(CheckCancel());
          Chunk c;
          OMEN_RETURN_IF_ERROR(read(i, &c));
          rows_in.fetch_add(c.size);
          if (c.size == 0) return Status::OK();
          if (residual) {
            OMEN_ASSIGN_OR_RETURN(std::vector<uint32_t> sel,
                                  exec::EvaluateFilter(*residual, c, eval));
            if (static_cast<int64_t>(sel.size()) != c.size) {
              c = exec::GatherChunk(c, sel.data(), static_cast<int64_t>(sel.size()));
            }
          }
          if (c.size == 0) return Status::OK();
          if (aggregated) {
            Chunk in;
            in.size = c.size;
            for (const exec::Expr* e : agg_inputs) {
              OMEN_ASSIGN_OR_RETURN(Vector v, exec::Evaluate(*e, c, eval));
              in.cols.push_back(std::move(v));
            }
            OMEN_RETURN_IF_ERROR(agg.Consume(in));
            const int64_t now = agg.MemoryBytes();
            if (now - charged > (1 << 20)) {
              OMEN_RETURN_IF_ERROR(Charge(now - charged));
              charged = now;
            }
            return Status::OK();
          }
          if (project_early) {
            Chunk o;
            o.size = c.size;
            for (const auto& e : outputs) {
              OMEN_ASSIGN_OR_RETURN(Vector v, exec::Evaluate(*e, c, eval));
              if (v.constant) v = exec::Concat({v}, v.type);  // constants expand to the rows
              o.cols.push_back(std::move(v));
            }
            c = std::move(o);
            if (!distinct_on.empty()) {
              // DISTINCT ON: keep only each group's first row of this morsel (by ORDER BY);
              // the final DISTINCT ON picks among the morsels' survivors.
              std::vector<uint32_t> keep = exec::FirstPerGroup(c, distinct_on, sort_keys);
              if (static_cast<int64_t>(keep.size()) != c.size) {
                c = exec::GatherChunk(c, keep.data(), static_cast<int64_t>(keep.size()));
              }
            }
          }
          OMEN_RETURN_IF_ERROR(Charge(ChunkBytes(c)));
          produced.fetch_add(c.size);
          parts[i] = std::move(c);
          return Status::OK();
        }();
        if (!st.ok()) {
          std::lock_guard<std::mutex> l(err_mu);
          if (first_error.ok()) first_error = st;
          failed.store(true);
          break;
        }
      }
    };
    auto run_tasks = [&]() {
      // hardware_concurrency() reads sysfs on every call: once per process is enough.
      static const int kCores = static_cast<int>(std::thread::hardware_concurrency());
      int threads = options.threads > 0 ? options.threads : kCores;
      if (serial) threads = 1;  // a correlated subquery re-enters this runner
      threads = std::max(1, std::min<int>(threads, static_cast<int>(ntasks)));
      parts.assign(ntasks, Chunk());
      local.clear();
      for (int t = 0; t < threads; ++t) {
        local.emplace_back(key_types, specs);
        if (bucketing.key >= 0) {
          local.back().SetBucketKey(bucketing.key, bucketing.fn);
          if (bucketing.dense.ok) {
            local.back().SetDense(bucketing.min_time, bucketing.dense);
          }
        }
      }
      next.store(0);
      produced.store(0);
      if (threads <= 1 || ntasks <= 1) {
        worker(0);
      } else {
        std::vector<std::thread> pool;
        for (int t = 0; t < threads; ++t) pool.emplace_back(worker, t);
        for (auto& th : pool) th.join();
      }
    };
    if (window < 0) {
      run_tasks();
    } else {
      const int64_t t_lo = scan_stats.min_time, t_hi = scan_stats.max_time;
      const bool desc = sort_keys[0].desc;
      while (true) {
        const bool whole = window >= t_hi - t_lo;
        scan_spec.min_time = whole || !desc ? spec.min_time : t_hi - window + 1;
        scan_spec.max_time = whole || desc ? spec.max_time : t_lo + window;
        OMEN_RETURN_IF_ERROR(open_scan());
        run_tasks();
        if (failed.load() || whole || produced.load() >= offset + limit) break;
        window = window > (t_hi - t_lo) / 16 ? t_hi - t_lo : window * 16;
      }
      topk_window = window;
    }
    OMEN_RETURN_IF_ERROR(first_error);
    rows_scanned = rows_in.load();
    if (aggregated) {
      for (size_t t = 1; t < local.size(); ++t) OMEN_RETURN_IF_ERROR(local[0].Merge(local[t]));
      dense_kept = !local.empty() && local[0].dense();
      OMEN_ASSIGN_OR_RETURN(base, local[0].Finish());
      if (bucketing.key >= 0) {
        OMEN_RETURN_IF_ERROR(BucketValues(binder.keys[static_cast<size_t>(bucketing.key)].get(),
                                          bucketing.key, src, eval, &base));
      }
    } else {
      std::vector<Chunk> nonempty;
      for (auto& p : parts) {
        if (p.size > 0) nonempty.push_back(std::move(p));
      }
      std::vector<LType> types;
      if (project_early) {
        types = out_types;
      } else {
        types = src.types;
      }
      if (nonempty.empty()) {
        base.size = 0;
        for (LType t : types) base.cols.push_back(exec::VectorBuilder(t).Finish());
      } else if (!project_early) {
        // Only columns that were read are concatenated; the others stay empty.
        Chunk out;
        for (const auto& p : nonempty) out.size += p.size;
        for (int c = 0; c < nsrc; ++c) {
          if (binder.used.count(c) == 0) {
            Vector v;
            v.type = src.types[static_cast<size_t>(c)];
            v.size = out.size;
            out.cols.push_back(v);
            continue;
          }
          std::vector<Vector> cols;
          for (const auto& p : nonempty) cols.push_back(p.cols[static_cast<size_t>(c)]);
          out.cols.push_back(nonempty.size() == 1
                                 ? cols[0]
                                 : exec::Concat(cols, src.types[static_cast<size_t>(c)]));
        }
        base = std::move(out);
      } else {
        base = exec::ConcatChunks(nonempty, types);
      }
    }
  }
  auto t_scan = std::chrono::steady_clock::now();

  Relation result;
  for (int c = 0; c < nvisible; ++c) result.names.push_back(items[static_cast<size_t>(c)].name);
  for (int c = 0; c < nvisible; ++c) result.types.push_back(out_types[static_cast<size_t>(c)]);
  if (!execute) {
    if (explain != nullptr && src.table != nullptr) {
      // Partition and segment pruning from the storage scan (learned-index row estimate).
      storage::ScanStats st = scan_stats;
      if (!analyze) {
        auto sc = db->Scan(src.table->name, spec);
        if (sc.ok()) st = sc->stats();
      }
      explain->push_back("Storage: partitions " + std::to_string(st.partitions_scanned) + " of " +
                         std::to_string(st.partitions_total) + " kept (" +
                         std::to_string(st.partitions_total - st.partitions_scanned) +
                         " pruned); segments " + std::to_string(st.segments_scanned) + " of " +
                         std::to_string(st.segments_total) + " kept; batches pruned " +
                         std::to_string(st.batches_pruned) + "; write buffers " +
                         std::to_string(st.buffers_scanned) + "; rows estimated " +
                         std::to_string(st.rows_estimated) + " (learned-index ranges)");
    }
    return result;
  }

  // ---- Gap filling (after aggregation).
  if (aggregated && binder.gapfill.present) {
    if (binder.gapfill.key < 0)
      return Status::NotSupported("time_bucket_gapfill must be a GROUP BY key");
    exec::GapFillSpec g;
    g.bucket_col = binder.gapfill.key;
    g.width = binder.gapfill.width;
    g.origin = binder.gapfill.origin;
    if (binder.gapfill.have_range) {
      g.start = binder.gapfill.start;
      g.end = binder.gapfill.end;
    } else if (spec.min_time != kMinTime && spec.max_time != kMaxTime) {
      g.start = spec.min_time;
      g.end = spec.max_time;
    } else {
      return Status::InvalidArgument(
          "missing time_bucket_gapfill argument: could not infer start and finish from WHERE "
          "clause");
    }
    for (int k = 0; k < nkeys; ++k) {
      if (k != g.bucket_col) g.group_cols.push_back(k);
    }
    for (size_t a = 0; a < binder.aggs.size(); ++a) {
      if (binder.aggs[a].fill == AggCall::kLocf) g.locf_cols.push_back(nkeys + static_cast<int>(a));
      if (binder.aggs[a].fill == AggCall::kInterpolate)
        g.interpolate_cols.push_back(nkeys + static_cast<int>(a));
    }
    std::vector<LType> types = key_types;
    for (const auto& sp : specs) types.push_back(sp.type);
    OMEN_ASSIGN_OR_RETURN(base, exec::GapFill(base, types, g));
  }

  // ---- Set-returning functions of the select list.
  if (!binder.srfs.empty()) {
    OMEN_ASSIGN_OR_RETURN(base, ExpandSetFunctions(base, binder.srfs, eval, this));
  }

  // ---- Windows.
  if (!binder.windows.empty()) {
    for (WinCall& w : binder.windows) {
      Chunk in;
      in.size = base.size;
      exec::WindowSpec sp = w.spec;
      auto add = [&](const ExprPtr& e) -> Result<int> {
        ExprPtr copy = e->Clone();
        if (aggregated) remap(copy.get());
        OMEN_ASSIGN_OR_RETURN(Vector v, exec::Evaluate(*copy, base, eval));
        in.cols.push_back(std::move(v));
        return static_cast<int>(in.cols.size() - 1);
      };
      if (w.arg) {
        OMEN_ASSIGN_OR_RETURN(sp.arg, add(w.arg));
      }
      if (w.dflt) {
        OMEN_ASSIGN_OR_RETURN(sp.default_col, add(w.dflt));
      }
      sp.partition.clear();
      for (const auto& p : w.partition) {
        OMEN_ASSIGN_OR_RETURN(int c, add(p));
        sp.partition.push_back(c);
      }
      sp.order.clear();
      for (size_t k = 0; k < w.order.size(); ++k) {
        OMEN_ASSIGN_OR_RETURN(int c, add(w.order[k]));
        exec::SortKey key = w.order_dirs[k];
        key.col = c;
        sp.order.push_back(key);
      }
      sp.check = [this] { return CheckCancel(); };
      OMEN_ASSIGN_OR_RETURN(Vector v, exec::ComputeWindow(in, sp));
      base.cols.push_back(std::move(v));
    }
  }

  // ---- HAVING, projection.
  Chunk out;
  if (project_early) {
    out = std::move(base);
  } else {
    if (having) {
      OMEN_ASSIGN_OR_RETURN(std::vector<uint32_t> sel, exec::EvaluateFilter(*having, base, eval));
      if (static_cast<int64_t>(sel.size()) != base.size) {
        base = exec::GatherChunk(base, sel.data(), static_cast<int64_t>(sel.size()));
      }
    }
    out.size = base.size;
    for (const auto& e : outputs) {
      OMEN_ASSIGN_OR_RETURN(Vector v, exec::Evaluate(*e, base, eval));
      if (v.constant) v = exec::Concat({v}, v.type);
      out.cols.push_back(std::move(v));
    }
  }

  // ---- DISTINCT / DISTINCT ON, ORDER BY, LIMIT.
  if (s.distinct && distinct_on.empty()) {
    std::vector<int> cols;
    for (int c = 0; c < nvisible; ++c) cols.push_back(c);
    auto keep = exec::DistinctRows(out, cols);
    if (static_cast<int64_t>(keep.size()) != out.size) {
      out = exec::GatherChunk(out, keep.data(), static_cast<int64_t>(keep.size()));
    }
  }
  if (!distinct_on.empty()) {
    std::vector<exec::SortKey> keys = sort_keys;
    if (keys.empty()) {
      for (int c : distinct_on) keys.push_back(exec::SortKey{c, false, false});
    }
    std::vector<uint32_t> idx = exec::SortIndices(out, keys);
    std::vector<uint32_t> first;
    for (size_t k = 0; k < idx.size(); ++k) {
      if (k == 0 || !exec::RowsEqual(out, distinct_on, idx[k - 1], idx[k])) first.push_back(idx[k]);
    }
    out = exec::GatherChunk(out, first.data(), static_cast<int64_t>(first.size()));
    // Rows stay in ORDER BY order; apply OFFSET/LIMIT without re-sorting.
    out = SortLimit(out, {}, offset, limit);
  } else {
    out = SortLimit(out, sort_keys, offset, limit);
  }
  out.cols.resize(static_cast<size_t>(nvisible));
  result.chunk = std::move(out);
  if (explain != nullptr && analyze) {
    auto t_end = std::chrono::steady_clock::now();
    auto ms = [](auto a, auto b) {
      return std::to_string(std::chrono::duration<double, std::milli>(b - a).count());
    };
    explain->push_back("Actual: scanned " + std::to_string(rows_scanned) + " rows in " +
                       ms(t_start, t_scan) + " ms (scan, filter, " +
                       (aggregated ? "aggregate" : "project") + "); " + std::to_string(base.size) +
                       " rows after the parallel stage; " + std::to_string(result.chunk.size) +
                       " rows returned; " + ms(t_scan, t_end) + " ms after the scan");
    const storage::ScanStats& st = scan_stats;
    if (src.table != nullptr) {
      explain->push_back("Storage: partitions " + std::to_string(st.partitions_scanned) + " of " +
                         std::to_string(st.partitions_total) + " kept; segments " +
                         std::to_string(st.segments_scanned) + " of " +
                         std::to_string(st.segments_total) + " kept; rows estimated " +
                         std::to_string(st.rows_estimated));
      if (bucketing.dense.ok && !dense_kept) {
        explain->push_back("Dense aggregation moved to hashing: a row did not fit its arrays");
      }
      if (topk_window >= 0) {
        explain->push_back("Top-K by time: the scan ended with a window of " +
                           std::to_string(topk_window) + " microseconds at the range's " +
                           (sort_keys[0].desc ? "end" : "start"));
      }
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------

QueryRunner::QueryRunner(storage::Database* db, QueryOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->db = db;
  impl_->options = options;
  impl_->eval.now = NowMicros();
  if (options.settings != nullptr) impl_->eval.zone = options.settings->time_zone().get();
}
QueryRunner::~QueryRunner() = default;

Status QueryOptions::CheckCancel() const {
  if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
    return Status::Aborted("canceling statement due to user request");
  }
  if (deadline != std::chrono::steady_clock::time_point{} &&
      std::chrono::steady_clock::now() > deadline) {
    return Status::Aborted("canceling statement due to statement timeout");
  }
  return Status::OK();
}

Result<Relation> QueryRunner::Run(const SelectStmt& s) { return impl_->Run(s); }

Result<Relation> QueryRunner::Describe(const SelectStmt& s, std::vector<std::string>* params) {
  impl_->execute = false;
  impl_->param_types.clear();
  auto r = impl_->Run(s);
  impl_->execute = true;
  if (params != nullptr) {
    params->clear();
    for (LType t : impl_->param_types) {
      // Never coerced (SELECT $1, or compared with text): text, as PostgreSQL decides.
      params->push_back(exec::TypeName(t == LType::kNull ? LType::kText : t));
    }
  }
  return r;
}

Result<std::vector<std::string>> QueryRunner::Explain(const SelectStmt& s, bool analyze) {
  std::vector<std::string> lines;
  impl_->explain = &lines;
  impl_->analyze = analyze;
  impl_->execute = analyze;
  auto r = impl_->Run(s);
  impl_->explain = nullptr;
  impl_->execute = true;
  if (!r.ok()) return r.status();
  return lines;
}

namespace {

// A table's columns as a binding scope.
Source TableColumns(const storage::TableDef& def) {
  Source src;
  for (const auto& c : def.columns) {
    src.names.push_back(c.name);
    src.quals.push_back(def.name);
    src.types.push_back(exec::TypeOfArrow(storage::ArrowTypeOf(c.type)));
  }
  return src;
}

Result<ExprPtr> BindPredicate(QueryRunner::Impl* q, const Source& src, const Expr& where) {
  Binder b(q, &src);
  OMEN_ASSIGN_OR_RETURN(ExprPtr e, b.Bind(where));
  return b.Coerce(std::move(e), LType::kBool, where.location);
}

}  // namespace

Result<ExprPtr> BindScalar(QueryRunner::Impl* q, const Source& src, const Expr& e, LType want,
                           const char* clause) {
  Binder b(q, &src);
  b.clause = clause;
  OMEN_ASSIGN_OR_RETURN(ExprPtr x, b.Bind(e));
  if (want != LType::kNull || b.IsUnknown(x.get()) || x->type == LType::kNull) {
    OMEN_ASSIGN_OR_RETURN(
        x, b.Coerce(std::move(x), want == LType::kNull ? LType::kText : want, e.location));
  }
  return x;
}

Result<BoundSetFunction> BindTableFunction(QueryRunner::Impl* q, const Expr& call) {
  Source none;
  Binder b(q, &none);
  b.clause = "FROM";
  std::vector<ExprPtr> args;
  for (const auto& a : call.args) {
    OMEN_ASSIGN_OR_RETURN(ExprPtr x, b.BindRowExpr(*a));
    args.push_back(std::move(x));
  }
  OMEN_ASSIGN_OR_RETURN(SetFunction fn,
                        BindSetFunction(b.Context(call.location), AsciiLower(call.name), &args));
  return BoundSetFunction{std::move(fn), std::move(args)};
}

Result<QueryRunner::TableFilter> QueryRunner::AnalyzeDelete(const storage::TableDef& def,
                                                            const Expr* where) {
  TableFilter f{kMinTime, kMaxTime, true};
  if (where == nullptr) return f;
  Source src = TableColumns(def);
  OMEN_ASSIGN_OR_RETURN(ExprPtr e, BindPredicate(impl_.get(), src, *where));
  std::vector<exec::Expr*> conj;
  if (e->kind == EK::kAnd) {
    for (auto& a : e->args) conj.push_back(a.get());
  } else {
    conj.push_back(e.get());
  }
  for (exec::Expr* c : conj) {
    if (!TimeConjunct(*c, def.time_column, impl_->eval, &f.min_time, &f.max_time)) f.exact = false;
  }
  return f;
}

Result<Relation> QueryRunner::RowsToKeep(const storage::TableDef& def, const Expr* where,
                                         int64_t lo, int64_t hi, int64_t* deleted) {
  // SELECT * FROM t WHERE time in [lo, hi) AND (where) IS NOT TRUE
  Source src = TableColumns(def);
  OMEN_ASSIGN_OR_RETURN(ExprPtr e, BindPredicate(impl_.get(), src, *where));
  storage::ScanSpec spec;
  spec.min_time = lo;
  spec.max_time = hi;
  OMEN_ASSIGN_OR_RETURN(storage::TableScan scan, impl_->db->Scan(def.name, spec));
  Relation out;
  out.names = src.names;
  out.types = src.types;
  std::vector<Chunk> parts;
  *deleted = 0;
  for (size_t i = 0; i < scan.tasks().size(); ++i) {
    OMEN_ASSIGN_OR_RETURN(arrow::RecordBatch batch, scan.ReadTask(i));
    Chunk c;
    c.size = batch.num_rows;
    for (const auto& col : batch.columns) c.cols.push_back(exec::FromArrow(col));
    if (c.size == 0) continue;
    OMEN_ASSIGN_OR_RETURN(std::vector<uint32_t> hit, exec::EvaluateFilter(*e, c, impl_->eval));
    *deleted += static_cast<int64_t>(hit.size());
    std::vector<uint32_t> keep;
    size_t h = 0;
    for (int64_t r = 0; r < c.size; ++r) {
      if (h < hit.size() && hit[h] == r) {
        ++h;
        continue;
      }
      keep.push_back(static_cast<uint32_t>(r));
    }
    parts.push_back(exec::GatherChunk(c, keep.data(), static_cast<int64_t>(keep.size())));
  }
  if (parts.empty()) {
    for (LType t : out.types) out.chunk.cols.push_back(exec::VectorBuilder(t).Finish());
  } else {
    out.chunk = exec::ConcatChunks(parts, out.types);
  }
  return out;
}

}  // namespace omen::sql
