// Copyright 2026 The OmenDB Authors.

#include "exec/dense_groups.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "exec/aggregate.h"
#include "exec/expr.h"

namespace omen::exec {
namespace {

constexpr int64_t kSec = 1000000;
constexpr int64_t kHour = 3600 * kSec;
constexpr LType kTs = LType::kTimestampTz;

ExprPtr TimeCol() { return MakeColumn(0, kTs); }
ExprPtr Text(const std::string& s) { return MakeConst(Value::Text(s)); }
ExprPtr Call(Fn fn, LType t, ExprPtr a, ExprPtr b) {
  std::vector<ExprPtr> v;
  v.push_back(std::move(a));
  v.push_back(std::move(b));
  return MakeCall(fn, t, std::move(v));
}
ExprPtr Call1(Fn fn, LType t, ExprPtr a) {
  std::vector<ExprPtr> v;
  v.push_back(std::move(a));
  return MakeCall(fn, t, std::move(v));
}
ExprPtr TimeBucket(Interval w, std::optional<int64_t> origin = std::nullopt) {
  std::vector<ExprPtr> v;
  v.push_back(MakeConst(Value::Ivl(w)));
  v.push_back(TimeCol());
  if (origin) v.push_back(MakeConst(Value::Int(kTs, *origin)));
  return MakeCall(Fn::kTimeBucket, kTs, std::move(v));
}
ExprPtr DateTrunc(const std::string& unit) {
  return Call(Fn::kDateTrunc, kTs, Text(unit), TimeCol());
}
ExprPtr Epoch() { return Call(Fn::kDatePart, LType::kNumeric, Text("epoch"), TimeCol()); }
// floor(extract(epoch from time) / n) * m, as the binder types it (numeric, int literals cast).
ExprPtr EpochFloor(int64_t n, int64_t m) {
  ExprPtr div = Call(Fn::kDiv, LType::kNumeric, Epoch(),
                     MakeCast(MakeConst(Value::Int(LType::kInt32, n)), LType::kNumeric));
  return Call(Fn::kMul, LType::kNumeric, Call1(Fn::kFloor, LType::kNumeric, std::move(div)),
              MakeCast(MakeConst(Value::Int(LType::kInt32, m)), LType::kNumeric));
}
// (extract(epoch from time)::bigint / n) * n.
ExprPtr EpochIntDiv(int64_t n) {
  ExprPtr div = Call(Fn::kDiv, LType::kInt64, MakeCast(Epoch(), LType::kInt64),
                     MakeConst(Value::Int(LType::kInt64, n)));
  return Call(Fn::kMul, LType::kInt64, std::move(div), MakeConst(Value::Int(LType::kInt64, n)));
}

Vector Ints(LType t, const std::vector<int64_t>& xs) {
  VectorBuilder b(t);
  for (int64_t x : xs) b.AppendInt(x);
  return b.Finish();
}

// Every bucket expression splits timestamps exactly where its BucketFn's number changes.
TEST(BucketFn, MatchesAndPartitionsLikeTheExpression) {
  std::vector<ExprPtr> exprs;
  exprs.push_back(TimeBucket(Interval{0, 0, kHour}));
  exprs.push_back(TimeBucket(Interval{0, 1, 0}));
  exprs.push_back(TimeBucket(Interval{0, 0, 7 * kSec}, int64_t{3 * kSec + 17}));
  exprs.push_back(DateTrunc("minute"));
  exprs.push_back(DateTrunc("Hours"));
  exprs.push_back(DateTrunc("day"));
  exprs.push_back(DateTrunc("week"));
  exprs.push_back(DateTrunc("milliseconds"));
  exprs.push_back(EpochFloor(300, 300));
  exprs.push_back(EpochFloor(1, 1));
  exprs.push_back(EpochFloor(86400, 86400));
  exprs.push_back(EpochIntDiv(60));
  std::mt19937_64 rng(7);
  std::vector<int64_t> ts;
  const std::vector<int64_t> edges = {
      0,           1704067200 * kSec, -86400 * kSec * 400, 300 * kSec,
      -300 * kSec, 30 * kSec,         -30 * kSec,          500000,
      -500000,     -1500000};
  for (int64_t edge : edges) {
    for (int64_t d = -3; d <= 3; ++d) ts.push_back(edge + d);
  }
  for (int k = 0; k < 3000; ++k) {
    ts.push_back(static_cast<int64_t>(rng() % (uint64_t{4} << 50)) - (int64_t{2} << 50));
  }
  std::sort(ts.begin(), ts.end());
  Chunk in;
  in.size = static_cast<int64_t>(ts.size());
  in.cols.push_back(Ints(kTs, ts));
  EvalContext ctx;
  for (const ExprPtr& e : exprs) {
    auto fn = MatchTimeBucket(*e, 0, ctx);
    ASSERT_TRUE(fn.has_value()) << e->ToString();
    auto v = Evaluate(*e, in, ctx);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    std::vector<int64_t> ords(ts.size());
    fn->Ordinals(ts.data(), in.size, ords.data());
    for (size_t r = 1; r < ts.size(); ++r) {
      ASSERT_EQ(ords[r], fn->Ordinal(ts[r]));
      ASSERT_LE(ords[r - 1], ords[r]) << e->ToString() << " at " << ts[r];
      const bool same_value =
          FormatValue(*v, static_cast<int64_t>(r - 1)) == FormatValue(*v, static_cast<int64_t>(r));
      ASSERT_EQ(same_value, ords[r - 1] == ords[r]) << e->ToString() << " at " << ts[r];
    }
  }
}

TEST(BucketFn, RejectsOtherShapes) {
  EvalContext ctx;
  EXPECT_FALSE(MatchTimeBucket(*TimeBucket(Interval{1, 0, 0}), 0, ctx));  // months
  EXPECT_FALSE(MatchTimeBucket(*DateTrunc("month"), 0, ctx));
  EXPECT_FALSE(MatchTimeBucket(*DateTrunc("hour"), 1, ctx));  // not the time column
  EXPECT_FALSE(MatchTimeBucket(*EpochFloor(300, 60), 0, ctx));
  EXPECT_FALSE(MatchTimeBucket(*EpochFloor(0, 0), 0, ctx));
  EXPECT_FALSE(MatchTimeBucket(*EpochFloor(-5, -5), 0, ctx));
  EXPECT_FALSE(MatchTimeBucket(*TimeCol(), 0, ctx));
  // width from a column
  std::vector<ExprPtr> v;
  v.push_back(MakeColumn(2, LType::kInterval));
  v.push_back(TimeCol());
  EXPECT_FALSE(MatchTimeBucket(*MakeCall(Fn::kTimeBucket, kTs, std::move(v)), 0, ctx));
}

// ---------------------------------------------------------------------------------------------
// Dense aggregation against hashing the evaluated bucket values.

struct Rows {
  std::vector<int64_t> ts;
  std::vector<std::optional<std::string>> tag;
  std::vector<std::optional<double>> x;
  std::vector<std::optional<int64_t>> i;
  std::vector<std::optional<std::string>> s;
  std::vector<std::optional<bool>> b;
};

Rows RandomRows(std::mt19937_64* rng, int64_t n, int64_t t0, int64_t span, int tags) {
  Rows r;
  for (int64_t k = 0; k < n; ++k) {
    r.ts.push_back(t0 + static_cast<int64_t>((*rng)() % static_cast<uint64_t>(span)));
    const uint64_t t = (*rng)() % static_cast<uint64_t>(tags + 1);
    r.tag.push_back(t == 0 ? std::nullopt : std::optional<std::string>("h" + std::to_string(t)));
    const uint64_t z = (*rng)() % 16;
    r.x.push_back(z == 0   ? std::nullopt
                  : z == 1 ? std::optional<double>(std::nan(""))
                           : std::optional<double>(static_cast<double>((*rng)() % 1000) / 7));
    r.i.push_back(z == 2 ? std::nullopt : std::optional<int64_t>((*rng)() % 100 - 50));
    r.s.push_back(z == 3 ? std::nullopt : std::optional<std::string>(std::to_string(z * 7 % 11)));
    r.b.push_back(z == 4 ? std::nullopt : std::optional<bool>(z % 3 != 0));
  }
  std::sort(r.ts.begin(), r.ts.end());  // time order, as a partition scan gives
  return r;
}

// Rows [b, e) as a chunk: ts, tag, x, i, s, b, x > 50 (a FILTER). Tags dictionary-coded
// (with this dictionary) or plain text.
Chunk MakeChunk(const Rows& rows, size_t b, size_t e, const std::vector<std::string>* dict_values,
                std::vector<std::shared_ptr<std::vector<int32_t>>>* keep) {
  Chunk c;
  c.size = static_cast<int64_t>(e - b);
  c.cols.push_back(Ints(kTs, std::vector<int64_t>(rows.ts.begin() + static_cast<int64_t>(b),
                                                  rows.ts.begin() + static_cast<int64_t>(e))));
  if (dict_values != nullptr) {
    std::vector<std::string_view> views(dict_values->begin(), dict_values->end());
    auto dict = arrow::Dictionary::Make(views);
    auto codes = std::make_shared<std::vector<int32_t>>();
    auto data = std::make_shared<VectorData>();
    for (size_t r = b; r < e; ++r) {
      const auto& t = rows.tag[r];
      data->nulls.push_back(t ? 0 : 1);
      int32_t code = -7;  // garbage under a NULL
      if (t) {
        code = static_cast<int32_t>(std::find(dict_values->begin(), dict_values->end(), *t) -
                                    dict_values->begin());
      }
      codes->push_back(code);
    }
    keep->push_back(codes);
    data->keep.push_back(dict);
    data->keep.push_back(codes);
    Vector v;
    v.type = LType::kText;
    v.size = c.size;
    v.codes = codes->data();
    v.dict = dict.get();
    v.nulls = data->nulls.data();
    v.data = data;
    c.cols.push_back(v);
  } else {
    VectorBuilder tb(LType::kText);
    for (size_t r = b; r < e; ++r) rows.tag[r] ? tb.AppendStr(*rows.tag[r]) : tb.AppendNull();
    c.cols.push_back(tb.Finish());
  }
  VectorBuilder xb(LType::kFloat64), ib(LType::kInt64), sb(LType::kText), bb(LType::kBool),
      fb(LType::kBool);
  for (size_t r = b; r < e; ++r) {
    rows.x[r] ? xb.AppendFloat(*rows.x[r]) : xb.AppendNull();
    rows.i[r] ? ib.AppendInt(*rows.i[r]) : ib.AppendNull();
    rows.s[r] ? sb.AppendStr(*rows.s[r]) : sb.AppendNull();
    rows.b[r] ? bb.AppendInt(*rows.b[r] ? 1 : 0) : bb.AppendNull();
    rows.x[r] ? fb.AppendInt(*rows.x[r] > 50 ? 1 : 0) : fb.AppendNull();
  }
  c.cols.push_back(xb.Finish());
  c.cols.push_back(ib.Finish());
  c.cols.push_back(sb.Finish());
  c.cols.push_back(bb.Finish());
  c.cols.push_back(fb.Finish());
  return c;
}

AggSpec Spec(AggFn fn, int arg, LType arg_type, int arg2 = -1, int filter = -1) {
  AggSpec s;
  s.fn = fn;
  s.arg = arg;
  s.arg_type = arg_type;
  s.arg2 = arg2;
  s.filter = filter;
  s.type = *AggResultType(fn, arg_type);
  return s;
}

// Input columns after the keys (bucket, tag): 2 x, 3 i, 4 s, 5 b, 6 filter, 7 ts (first/last).
std::vector<AggSpec> AllDenseAggs() {
  const LType f = LType::kFloat64, i = LType::kInt64;
  std::vector<AggSpec> a;
  a.push_back(Spec(AggFn::kCountStar, -1, LType::kNull));
  a.push_back(Spec(AggFn::kCountStar, -1, LType::kNull, -1, 6));
  a.push_back(Spec(AggFn::kCount, 2, f));
  a.push_back(Spec(AggFn::kSum, 2, f));
  a.push_back(Spec(AggFn::kSum, 3, i));
  a.push_back(Spec(AggFn::kSum, 3, i, -1, 6));
  a.push_back(Spec(AggFn::kAvg, 2, f));
  a.push_back(Spec(AggFn::kAvg, 3, i));
  a.push_back(Spec(AggFn::kMin, 2, f));
  a.push_back(Spec(AggFn::kMax, 2, f));
  a.push_back(Spec(AggFn::kMin, 3, i));
  a.push_back(Spec(AggFn::kMax, 3, i, -1, 6));
  a.push_back(Spec(AggFn::kMin, 4, LType::kText));
  a.push_back(Spec(AggFn::kMax, 4, LType::kText));
  a.push_back(Spec(AggFn::kFirst, 2, f, 7));
  a.push_back(Spec(AggFn::kLast, 4, LType::kText, 7));
  a.push_back(Spec(AggFn::kStddevSamp, 2, f));
  a.push_back(Spec(AggFn::kStddevPop, 3, i));
  a.push_back(Spec(AggFn::kVarSamp, 3, i));
  a.push_back(Spec(AggFn::kVarPop, 2, f));
  a.push_back(Spec(AggFn::kBoolAnd, 5, LType::kBool));
  a.push_back(Spec(AggFn::kBoolOr, 5, LType::kBool, -1, 6));
  return a;
}

// Aggregator input: [key0, tag, x, i, s, b, filter, ts]; key0 the bucket value or the raw ts;
// the tag a key or an unused column.
Chunk AggInput(const Chunk& c, const Vector& key0) {
  Chunk in;
  in.size = c.size;
  in.cols.push_back(key0);
  in.cols.push_back(c.cols[1]);
  for (size_t k = 2; k <= 6; ++k) in.cols.push_back(c.cols[k]);
  in.cols.push_back(c.cols[0]);
  return in;
}

std::vector<std::string> SortedRows(const Chunk& c) {
  std::vector<std::string> out;
  for (int64_t r = 0; r < c.size; ++r) {
    std::string line;
    for (const Vector& v : c.cols) {
      auto t = FormatValue(v, r);
      line += (t ? *t : std::string("NULL")) + "|";
    }
    out.push_back(line);
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct Case {
  ExprPtr bucket;
  bool with_tag = true;
  int64_t t0 = 1704067200 * kSec, span = 12 * kHour;
  int64_t rows = 5000;
  int tags = 5;
  int threads = 3;
  int64_t max_slots = 0;                // 0: as planned
  int64_t min_time = 0, max_time = -1;  // the plan's range; max < min: the rows' own
  bool expect_dense_to_hold = true;
  std::vector<AggSpec> aggs = AllDenseAggs();
};

// Runs rows through `threads` aggregators each way (hashing evaluated bucket values; dense over
// raw timestamps), merges, and checks the answers agree exactly.
void CheckAgainstHashing(Case cs, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Rows rows = RandomRows(&rng, cs.rows, cs.t0, cs.span, cs.tags);
  EvalContext ctx;
  auto fn = MatchTimeBucket(*cs.bucket, 0, ctx);
  ASSERT_TRUE(fn);
  std::vector<LType> key_types = {cs.bucket->type};
  std::vector<LType> raw_types = {kTs};
  if (cs.with_tag) {
    key_types.push_back(LType::kText);
    raw_types.push_back(LType::kText);
  }
  int64_t lo = cs.min_time, hi = cs.max_time;
  if (hi < lo) {
    lo = rows.ts.empty() ? 0 : rows.ts.front();
    hi = rows.ts.empty() ? -1 : rows.ts.back();
  }
  DensePlan plan = PlanDense(*fn, lo, hi, raw_types, 0, cs.aggs, cs.rows);
  if (rows.ts.empty()) {
    ASSERT_FALSE(plan.ok);
    plan.ok = true;  // aggregate nothing densely all the same
    plan.buckets = 1;
    plan.max_slots = 8;
  }
  ASSERT_TRUE(plan.ok) << plan.why_not;
  if (cs.max_slots > 0) plan.max_slots = cs.max_slots;
  std::vector<HashAggregator> ref, dense;
  for (int t = 0; t < cs.threads; ++t) {
    ref.emplace_back(key_types, cs.aggs);
    dense.emplace_back(raw_types, cs.aggs);
    dense.back().SetBucketKey(0, *fn);
    dense.back().SetDense(lo, plan);
  }
  const std::vector<std::string> dict_a = {"h3", "zz", "h1", "h2", "h4", "h5", "h6", "h7"};
  const std::vector<std::string> dict_b = {"h2", "h1", "h5", "h4", "h3", "h8", "h9", "h7", "h6"};
  std::vector<std::shared_ptr<std::vector<int32_t>>> keep;
  const size_t n = rows.ts.size();
  for (size_t b = 0, k = 0; b < n; ++k) {
    const size_t e = std::min(n, b + 1 + static_cast<size_t>(rng() % 700));
    const std::vector<std::string>* dict = k % 3 == 0 ? &dict_a : k % 3 == 1 ? &dict_b : nullptr;
    if (cs.tags > 8) dict = nullptr;
    Chunk c = MakeChunk(rows, b, e, dict, &keep);
    auto bv = Evaluate(*cs.bucket, c, ctx);
    ASSERT_TRUE(bv.ok());
    const size_t t = k % static_cast<size_t>(cs.threads);
    ASSERT_TRUE(ref[t].Consume(AggInput(c, *bv)).ok());
    ASSERT_TRUE(dense[t].Consume(AggInput(c, c.cols[0])).ok());
    b = e;
  }
  for (int t = 1; t < cs.threads; ++t) {
    ASSERT_TRUE(ref[0].Merge(ref[static_cast<size_t>(t)]).ok());
    ASSERT_TRUE(dense[0].Merge(dense[static_cast<size_t>(t)]).ok());
  }
  EXPECT_EQ(dense[0].dense(), cs.expect_dense_to_hold);
  EXPECT_EQ(dense[0].groups(), ref[0].groups());
  auto want = ref[0].Finish();
  auto got = dense[0].Finish();
  ASSERT_TRUE(want.ok() && got.ok());
  // The bucket column holds a timestamp of each bucket: its value is the expression's.
  Chunk ts_only;
  ts_only.size = got->size;
  ts_only.cols.push_back(got->cols[0]);
  auto keys = Evaluate(*cs.bucket, ts_only, ctx);
  ASSERT_TRUE(keys.ok());
  got->cols[0] = *keys;
  ASSERT_EQ(got->cols.size(), want->cols.size());
  EXPECT_EQ(SortedRows(*got), SortedRows(*want));
}

// Folds of a float column over one group's run of rows (vector lanes in sum, min and max) answer
// as a fold row by row: NaN above every number, infinities, signed zeros, runs shorter and
// longer than the lanes; without keys and with one key that is the same on every row.
TEST(Aggregate, FloatFoldsMatchRowByRow) {
  std::mt19937_64 rng(7);
  const double specials[] = {std::nan(""), HUGE_VAL, -HUGE_VAL, -0.0, 0.0};
  const LType f = LType::kFloat64;
  for (int trial = 0; trial < 300; ++trial) {
    const size_t n = 1 + rng() % 3000;
    std::vector<double> xs(n);
    // Multiples of 1/8 under 2^11: every sum is exact, in any order.
    for (double& x : xs) x = static_cast<double>(static_cast<int64_t>(rng() % 20001) - 10000) / 8;
    const int specials_in = trial % 3 == 0 ? 0 : static_cast<int>(rng() % 4);
    for (int j = 0; j < specials_in; ++j) xs[rng() % n] = specials[rng() % 5];
    if (trial % 50 == 7) std::fill(xs.begin(), xs.end(), std::nan(""));
    double sum = 0, mn = std::nan(""), mx = 0;
    bool nan = false;
    for (double x : xs) {
      sum += x;
      nan |= std::isnan(x);
      if (!std::isnan(x) && (std::isnan(mn) || x < mn)) mn = x;
      mx = std::isnan(x) ? x : (&x == xs.data() ? x : (std::isnan(mx) ? mx : std::max(mx, x)));
    }
    if (nan) mx = std::nan("");
    for (int keyed = 0; keyed < 2; ++keyed) {
      std::vector<LType> keys;
      if (keyed) keys.push_back(LType::kInt64);
      const int a = keyed;  // the value column after the key
      HashAggregator agg(keys,
                         {Spec(AggFn::kSum, a, f), Spec(AggFn::kMin, a, f), Spec(AggFn::kMax, a, f),
                          Spec(AggFn::kCountStar, -1, LType::kNull)});
      for (size_t b = 0; b < n;) {
        const size_t e = std::min(n, b + 1 + static_cast<size_t>(rng() % 2100));
        Chunk c;
        c.size = static_cast<int64_t>(e - b);
        if (keyed) c.cols.push_back(Ints(LType::kInt64, std::vector<int64_t>(e - b, 42)));
        VectorBuilder xb(f);
        for (size_t r = b; r < e; ++r) xb.AppendFloat(xs[r]);
        c.cols.push_back(xb.Finish());
        ASSERT_TRUE(agg.Consume(c).ok());
        b = e;
      }
      auto out = agg.Finish();
      ASSERT_TRUE(out.ok());
      ASSERT_EQ(out->size, 1);
      const size_t k = keys.size();
      auto same = [](double got, double want) {
        return std::isnan(want) ? std::isnan(got) : got == want;
      };
      EXPECT_TRUE(same(out->cols[k].F(0), sum)) << trial << " " << out->cols[k].F(0) << " " << sum;
      EXPECT_TRUE(same(out->cols[k + 1].F(0), mn)) << trial << " " << out->cols[k + 1].F(0);
      EXPECT_TRUE(same(out->cols[k + 2].F(0), mx)) << trial << " " << out->cols[k + 2].F(0);
      EXPECT_EQ(out->cols[k + 3].I(0), static_cast<int64_t>(n));
    }
  }
}

TEST(DenseAggregate, EveryAggregateByBucketAndTag) {
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    Case c;
    c.bucket = TimeBucket(Interval{0, 0, kHour});
    CheckAgainstHashing(std::move(c), seed);
  }
}

TEST(DenseAggregate, BucketOnly) {
  Case c;
  c.bucket = DateTrunc("minute");
  c.with_tag = false;
  c.span = 3 * kHour;
  CheckAgainstHashing(std::move(c), 11);
}

TEST(DenseAggregate, EpochFormsAndNegativeTimestamps) {
  Case a;
  a.bucket = EpochFloor(300, 300);
  a.t0 = -6 * kHour;  // before 1970, across the epoch
  CheckAgainstHashing(std::move(a), 21);
  Case b;
  b.bucket = EpochIntDiv(300);  // truncating division: bucket 0 spans -299 s .. 299 s
  b.t0 = -2 * kHour;
  b.span = 4 * kHour;
  CheckAgainstHashing(std::move(b), 22);
  Case c;
  c.bucket = DateTrunc("day");
  c.t0 = -40 * 24 * kHour - 17;
  c.span = 30 * 24 * kHour;
  CheckAgainstHashing(std::move(c), 23);
}

// The plan's range starts and ends exactly on bucket edges and holds rows on both.
TEST(DenseAggregate, RangeEdges) {
  Case c;
  c.bucket = TimeBucket(Interval{0, 0, kHour});
  c.t0 = 1704067200 * kSec;
  c.span = 2 * kHour;
  c.min_time = c.t0;
  c.max_time = c.t0 + 2 * kHour - 1;
  std::mt19937_64 rng(5);
  CheckAgainstHashing(std::move(c), 31);
}

TEST(DenseAggregate, EmptyInput) {
  Case c;
  c.bucket = TimeBucket(Interval{0, 0, kHour});
  c.rows = 0;
  CheckAgainstHashing(std::move(c), 41);
}

TEST(DenseAggregate, TooManyTagsFallsBackToHashing) {
  Case c;
  c.bucket = TimeBucket(Interval{0, 0, kHour});
  c.span = 4 * kHour;
  c.tags = 40;
  c.max_slots = 5 * 10;  // room for 10 tag groups of 5 buckets
  c.expect_dense_to_hold = false;
  CheckAgainstHashing(std::move(c), 51);
}

// One aggregator stays dense, the other moves to hashing; merging either into the other
// (the dense one then moves to hashing too) gives the same groups as hashing throughout.
TEST(DenseAggregate, MergeDenseWithHashed) {
  EvalContext ctx;
  ExprPtr bucket = TimeBucket(Interval{0, 0, kHour});
  const BucketFn fn = *MatchTimeBucket(*bucket, 0, ctx);
  const std::vector<AggSpec> aggs = AllDenseAggs();
  const std::vector<LType> raw = {kTs, LType::kText};
  std::mt19937_64 rng(71);
  Rows few = RandomRows(&rng, 2000, 1704067200 * kSec, 4 * kHour, 2);
  Rows many = RandomRows(&rng, 2000, 1704067200 * kSec, 4 * kHour, 40);
  std::vector<std::shared_ptr<std::vector<int32_t>>> keep;
  const std::vector<std::string> dict = {"h2", "h1"};
  Chunk a = MakeChunk(few, 0, few.ts.size(), &dict, &keep);
  Chunk b = MakeChunk(many, 0, many.ts.size(), nullptr, &keep);
  const int64_t lo = std::min(few.ts.front(), many.ts.front());
  const int64_t hi = std::max(few.ts.back(), many.ts.back());
  DensePlan plan = PlanDense(fn, lo, hi, raw, 0, aggs, 4000);
  ASSERT_TRUE(plan.ok);
  plan.max_slots = plan.buckets * 4;  // room for 4 tag groups
  for (int order = 0; order < 2; ++order) {
    HashAggregator ref_a({bucket->type, LType::kText}, aggs);
    HashAggregator ref_b({bucket->type, LType::kText}, aggs);
    HashAggregator da(raw, aggs), db(raw, aggs);
    for (HashAggregator* d : {&da, &db}) {
      d->SetBucketKey(0, fn);
      d->SetDense(lo, plan);
    }
    ASSERT_TRUE(ref_a.Consume(AggInput(a, *Evaluate(*bucket, a, ctx))).ok());
    ASSERT_TRUE(ref_b.Consume(AggInput(b, *Evaluate(*bucket, b, ctx))).ok());
    ASSERT_TRUE(da.Consume(AggInput(a, a.cols[0])).ok());
    ASSERT_TRUE(db.Consume(AggInput(b, b.cols[0])).ok());
    EXPECT_TRUE(da.dense());
    EXPECT_FALSE(db.dense());
    HashAggregator& into = order == 0 ? da : db;
    HashAggregator& from = order == 0 ? db : da;
    ASSERT_TRUE((order == 0 ? ref_a : ref_b).Merge(order == 0 ? ref_b : ref_a).ok());
    ASSERT_TRUE(into.Merge(from).ok());
    EXPECT_FALSE(into.dense());
    auto want = (order == 0 ? ref_a : ref_b).Finish();
    auto got = into.Finish();
    ASSERT_TRUE(want.ok() && got.ok());
    Chunk ts_only;
    ts_only.size = got->size;
    ts_only.cols.push_back(got->cols[0]);
    got->cols[0] = *Evaluate(*bucket, ts_only, ctx);
    EXPECT_EQ(SortedRows(*got), SortedRows(*want)) << "order " << order;
  }
}

TEST(DenseAggregate, RowOutsideThePlannedRangeFallsBackToHashing) {
  Case c;
  c.bucket = TimeBucket(Interval{0, 0, kHour});
  c.min_time = c.t0;
  c.max_time = c.t0 + 6 * kHour;  // the rows span 12 hours
  c.expect_dense_to_hold = false;
  CheckAgainstHashing(std::move(c), 61);
}

TEST(DenseAggregate, PlanRefusals) {
  EvalContext ctx;
  const BucketFn fn = *MatchTimeBucket(*TimeBucket(Interval{0, 0, kHour}), 0, ctx);
  const std::vector<AggSpec> aggs = {Spec(AggFn::kSum, 1, LType::kFloat64)};
  const int64_t t0 = 1704067200 * kSec;
  EXPECT_TRUE(PlanDense(fn, t0, t0 + kHour, {kTs}, 0, aggs, 1000).ok);
  EXPECT_EQ(PlanDense(fn, t0, t0 + kHour, {kTs}, 0, aggs, 1000).buckets, 2);
  EXPECT_FALSE(PlanDense(fn, t0 + 1, t0, {kTs}, 0, aggs, 1000).ok);  // no rows
  EXPECT_FALSE(PlanDense(fn, t0, t0 + kHour, {kTs, LType::kText, LType::kText}, 0, aggs, 1).ok);
  EXPECT_FALSE(PlanDense(fn, t0, t0 + kHour, {kTs, LType::kInt64}, 0, aggs, 1).ok);
  EXPECT_TRUE(PlanDense(fn, t0, t0 + kHour, {LType::kText, kTs}, 1, aggs, 1).ok);
  // Sparse: a year of hourly buckets over ten rows.
  EXPECT_FALSE(PlanDense(fn, t0, t0 + 365 * 24 * kHour, {kTs}, 0, aggs, 10).ok);
  // Memory: a million hourly buckets.
  EXPECT_FALSE(PlanDense(fn, t0, t0 + 1000000 * kHour, {kTs}, 0, aggs, 1LL << 40).ok);
  for (AggFn f : {AggFn::kPercentileCont, AggFn::kArrayAgg, AggFn::kStringAgg}) {
    AggSpec s = Spec(f, 1, f == AggFn::kStringAgg ? LType::kText : LType::kFloat64);
    EXPECT_FALSE(PlanDense(fn, t0, t0 + kHour, {kTs}, 0, {s}, 1000).ok);
  }
  AggSpec d = Spec(AggFn::kCount, 1, LType::kFloat64);
  d.distinct = true;
  EXPECT_FALSE(PlanDense(fn, t0, t0 + kHour, {kTs}, 0, {d}, 1000).ok);
}

}  // namespace
}  // namespace omen::exec
