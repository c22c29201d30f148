// Copyright 2026 The OmenDB Authors.
//
// Bound scalar expressions and their vectorized evaluation. The binder
// (sql/binder) resolves names and types and inserts casts, so an Expr here is
// fully typed: evaluation never guesses. Evaluate() computes one expression
// over a Chunk a whole column at a time (a loop per operator, not per row),
// propagating NULLs as PostgreSQL does; errors (division by zero, overflow,
// bad casts) come back as Status with PostgreSQL's SQLSTATE class. Pure;
// thread-safe for distinct chunks.

#ifndef OMENDB_EXEC_EXPR_H_
#define OMENDB_EXEC_EXPR_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "exec/types.h"

namespace omen::exec {

enum class Fn : uint8_t {
  // arithmetic and comparison
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kNeg,
  kConcat,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  // math
  kAbs,
  kRound,
  kRoundTo,
  kFloor,
  kCeil,
  kTrunc,
  kSqrt,
  kCbrt,
  kLn,
  kLog10,
  kLogBase,
  kExp,
  kPower,
  kSign,
  kGreatest,
  kLeast,
  kPi,
  kTruncTo,
  kDegrees,
  kRadians,
  kSin,
  kCos,
  kTan,
  kCot,
  kAsin,
  kAcos,
  kAtan,
  kAtan2,
  kLikeEscape,     // like_escape(pattern, escape): LIKE ... ESCAPE as a backslash pattern
  kToChar,         // to_char(timestamp|timestamptz, format)
  kMakeInterval,   // make_interval(years, months, weeks, days, hours, mins, secs)
  kMakeTimestamp,  // make_date / make_timestamp / make_timestamptz (by the call's type)
  // strings
  kLower,
  kUpper,
  kLength,
  kSubstr,
  kReplace,
  kConcatFn,
  kLeft,
  kRight,
  kBtrim,
  kLtrim,
  kRtrim,
  kStrpos,
  kStartsWith,
  kReverse,
  kRepeat,
  kLpad,
  kRpad,
  kOctetLength,
  kSplitPart,
  kConcatWs,
  // time
  kDateTrunc,
  kDatePart,
  kTimeBucket,
  kDateBin,
  kToTimestamp,
  kNow,
  kAge,
  kAtTimeZone,
  kIntBucket,
  // casts
  kCast,
};

struct EvalContext;

// A scalar function implemented above exec (the SQL layer's catalog and system functions,
// correlated subqueries): called with its evaluated arguments over n rows, it returns a vector
// of n rows of the type the binder gave the call. Implementations must be safe to call from
// several threads at once.
class ExternalFn {
 public:
  virtual ~ExternalFn() = default;
  virtual Result<Vector> Call(const std::vector<Vector>& args, int64_t n,
                              const EvalContext& ctx) const = 0;
  // Whether equal arguments always give equal results (constant arguments fold to one call).
  virtual bool pure() const { return true; }
  virtual std::string name() const = 0;  // for EXPLAIN
};

// An ExternalFn computed one row at a time from the arguments' Values. Strict functions return
// NULL for a row with a NULL argument without calling fn.
class RowFunction : public ExternalFn {
 public:
  using Fn = std::function<Result<Value>(const std::vector<Value>& args)>;
  RowFunction(std::string name, LType type, Fn fn, bool strict = true, bool pure = true)
      : name_(std::move(name)), type_(type), fn_(std::move(fn)), strict_(strict), pure_(pure) {}
  Result<Vector> Call(const std::vector<Vector>& args, int64_t n,
                      const EvalContext& ctx) const override;
  bool pure() const override { return pure_; }
  std::string name() const override { return name_; }

 private:
  std::string name_;
  LType type_;
  Fn fn_;
  bool strict_;
  bool pure_;
};

struct Expr {
  enum class Kind : uint8_t {
    kColumn,      // input column `column`
    kConst,       // value
    kCall,        // fn(args)
    kAnd,         // args (any number)
    kOr,          // args
    kNot,         // args[0]
    kIsNull,      // args[0] IS [NOT] NULL (negated)
    kIn,          // args[0] [NOT] IN (args[1..])
    kCase,        // WHEN args[2k] THEN args[2k+1] ... ELSE args.back() when has_else
    kCoalesce,    // args
    kLike,        // args[0] [NOT] [I]LIKE args[1]
    kIsDistinct,  // args[0] IS [NOT] DISTINCT FROM args[1]
    kNullIf,      // NULLIF(args[0], args[1])
    kExternal,    // external->Call(args)
  };
  Kind kind = Kind::kConst;
  LType type = LType::kNull;
  int column = -1;
  Value value;
  Fn fn = Fn::kAdd;
  std::vector<std::unique_ptr<Expr>> args;
  bool negated = false;
  bool case_insensitive = false;
  bool has_else = false;
  std::shared_ptr<const ExternalFn> external;  // kExternal

  std::unique_ptr<Expr> Clone() const;
  std::string ToString() const;  // for EXPLAIN
};
using ExprPtr = std::unique_ptr<Expr>;

ExprPtr MakeColumn(int column, LType type);
ExprPtr MakeConst(Value v);
ExprPtr MakeCall(Fn fn, LType type, std::vector<ExprPtr> args);
ExprPtr MakeCast(ExprPtr arg, LType to);
ExprPtr MakeExternal(std::shared_ptr<const ExternalFn> fn, LType type, std::vector<ExprPtr> args);

struct EvalContext {
  int64_t now = 0;  // statement start, microseconds (now(), current_timestamp)
  // The session's TimeZone: timestamptz cast to text prints in it (null: UTC).
  const TimeZone* zone = nullptr;
};

Result<Vector> Evaluate(const Expr& e, const Chunk& in, const EvalContext& ctx);
// Evaluates a predicate and returns the rows where it is true (not NULL, not false).
Result<std::vector<uint32_t>> EvaluateFilter(const Expr& e, const Chunk& in,
                                             const EvalContext& ctx);
// Evaluates an expression without column references (constant folding).
Result<Value> EvaluateConstant(const Expr& e, const EvalContext& ctx);

// Scalar helpers shared with the binder and aggregates.
// `zone` is the session's TimeZone (null: UTC): it places a timestamptz on the wall clock for
// casts to and from timestamp, date and text, as PostgreSQL does.
Result<Value> CastValue(const Value& v, LType to, const TimeZone* zone = nullptr);
// PostgreSQL's date_trunc / time_bucket on microsecond timestamps (UTC).
Result<int64_t> DateTrunc(std::string_view unit, int64_t ts);
// date_trunc of a timestamptz in `zone` (null: UTC): truncated on the zone's wall clock. Units
// of a day or more then take the offset in force at the result (PostgreSQL re-resolves it);
// smaller units keep the offset of `ts`.
Result<int64_t> DateTruncIn(std::string_view unit, int64_t ts, const TimeZone* zone);
// to_char(ts, format) for a wall-clock time `local` (microseconds) whose UTC offset is
// `offset_seconds`; `zoned` for a timestamptz (TZ, tz and OF print the zone; TZ and tz only in
// UTC, for want of zone abbreviations). PostgreSQL's template patterns, FM and TH/th included.
Result<std::string> ToChar(std::string_view format, int64_t local, int32_t offset_seconds,
                           bool zoned, bool utc);
// The wall-clock time in `zone` (null: UTC) of the instant `utc`, and back (TimeZone's rule for
// skipped and repeated local times).
int64_t ToLocal(int64_t utc, const TimeZone* zone);
int64_t FromLocal(int64_t local, const TimeZone* zone);
int64_t TimeBucket(const Interval& width, int64_t ts, int64_t origin);
Result<double> DatePart(std::string_view field, int64_t ts);
// Default time_bucket origins (TimescaleDB): Monday 2000-01-03 for fixed widths, 2000-01-01
// for months.
constexpr int64_t kBucketOrigin = 946857600LL * 1000000;
constexpr int64_t kMonthOrigin = 946684800LL * 1000000;

}  // namespace omen::exec

#endif  // OMENDB_EXEC_EXPR_H_
