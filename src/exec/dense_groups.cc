// Copyright 2026 The OmenDB Authors.

#include "exec/dense_groups.h"

#include <absl/strings/string_view.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/datetime.h"
#include "common/strings.h"
#include "common/timezone.h"

namespace omen::exec {

namespace {

constexpr int64_t kUsPerDay = 86400LL * 1000000;

// Epoch seconds as extract(epoch from ts) computes them (DatePart).
inline double EpochSeconds(int64_t ts) { return static_cast<double>(ts) / 1e6; }

// The value of a constant subexpression as a double (nullopt: not a non-null numeric constant).
std::optional<double> ConstNumber(const Expr& e, const EvalContext& ctx) {
  if (e.kind == Expr::Kind::kColumn || !IsNumeric(e.type)) return std::nullopt;
  for (const auto& a : e.args) {
    if (a->kind == Expr::Kind::kColumn) return std::nullopt;
  }
  auto v = EvaluateConstant(e, ctx);
  if (!v.ok() || v->null) return std::nullopt;
  return PhysOf(v->type) == Phys::kFloat ? v->f : static_cast<double>(v->i);
}

bool IsTimeColumn(const Expr& e, int time_col) {
  return e.kind == Expr::Kind::kColumn && e.column == time_col && IsTimestamp(e.type);
}

// extract(epoch from time) / date_part('epoch', time).
bool IsEpochOf(const Expr& e, int time_col) {
  if (e.kind != Expr::Kind::kCall || e.fn != Fn::kDatePart || e.args.size() != 2) return false;
  const Expr& field = *e.args[0];
  return field.kind == Expr::Kind::kConst && !field.value.null && field.type == LType::kText &&
         AsciiLower(field.value.s) == "epoch" && IsTimeColumn(*e.args[1], time_col);
}

bool IsDoubleLike(LType t) { return t == LType::kNumeric || t == LType::kFloat64; }

// date_trunc's fixed-width units (UTC): width and origin.
bool TruncUnit(std::string unit, int64_t* width, int64_t* origin) {
  unit = AsciiLower(unit);
  if (!unit.empty() && unit.back() == 's' && unit != "microseconds" && unit != "milliseconds") {
    unit.pop_back();
  }
  *origin = 0;
  if (unit == "microsecond" || unit == "microseconds") {
    *width = 1;
  } else if (unit == "millisecond" || unit == "milliseconds") {
    *width = 1000;
  } else if (unit == "second") {
    *width = 1000000;
  } else if (unit == "minute") {
    *width = 60LL * 1000000;
  } else if (unit == "hour") {
    *width = 3600LL * 1000000;
  } else if (unit == "day") {
    *width = kUsPerDay;
  } else if (unit == "week") {
    *width = 7 * kUsPerDay;
    *origin = 4 * kUsPerDay;  // Monday 1970-01-05
  } else {
    return false;
  }
  return true;
}

// floor(epoch / N) * N, either operand order of the product.
std::optional<BucketFn> MatchEpochFloor(const Expr& e, int time_col, const EvalContext& ctx) {
  for (int side = 0; side < 2; ++side) {
    const Expr& f = *e.args[static_cast<size_t>(side)];
    const Expr& m = *e.args[static_cast<size_t>(1 - side)];
    if (f.kind != Expr::Kind::kCall || f.fn != Fn::kFloor || f.args.size() != 1) continue;
    if (!IsDoubleLike(f.type)) continue;
    const Expr& d = *f.args[0];
    if (d.kind != Expr::Kind::kCall || d.fn != Fn::kDiv || !IsDoubleLike(d.type)) continue;
    if (!IsEpochOf(*d.args[0], time_col) || !IsDoubleLike(d.args[0]->type)) continue;
    auto step = ConstNumber(*d.args[1], ctx);
    auto mul = ConstNumber(m, ctx);
    // step >= 0.01 keeps bucket numbers exact integers and k * step distinct per k.
    if (!step || !mul || *step != *mul || !(*step >= 0.01) || !std::isfinite(*step)) continue;
    BucketFn fn;
    fn.kind = BucketFn::Kind::kEpochFloor;
    fn.step = *step;
    return fn;
  }
  return std::nullopt;
}

// (extract(epoch from time)::bigint / N) * N in bigint arithmetic.
std::optional<BucketFn> MatchEpochIntDiv(const Expr& e, int time_col, const EvalContext& ctx) {
  for (int side = 0; side < 2; ++side) {
    const Expr& d = *e.args[static_cast<size_t>(side)];
    const Expr& m = *e.args[static_cast<size_t>(1 - side)];
    if (d.kind != Expr::Kind::kCall || d.fn != Fn::kDiv || d.type != LType::kInt64) continue;
    const Expr& c = *d.args[0];
    if (c.kind != Expr::Kind::kCall || c.fn != Fn::kCast || c.type != LType::kInt64) continue;
    if (!IsEpochOf(*c.args[0], time_col) || c.args[0]->type != LType::kNumeric) continue;
    auto div = ConstNumber(*d.args[1], ctx);
    auto mul = ConstNumber(m, ctx);
    if (!div || !mul || *div != *mul || !(*div >= 1) || *div > 1e15 || *div != std::floor(*div)) {
      continue;
    }
    BucketFn fn;
    fn.kind = BucketFn::Kind::kEpochIntDiv;
    fn.divisor = static_cast<int64_t>(*div);
    return fn;
  }
  return std::nullopt;
}

}  // namespace

int64_t BucketFn::Ordinal(int64_t ts) const {
  switch (kind) {
    case Kind::kFixed:
      return FloorDiv(ts - origin, width);
    case Kind::kEpochFloor:
      return static_cast<int64_t>(std::floor(EpochSeconds(ts) / step));
    case Kind::kEpochIntDiv:
      return static_cast<int64_t>(std::round(EpochSeconds(ts))) / divisor;
  }
  return 0;
}

void BucketFn::Ordinals(const int64_t* ts, int64_t n, int64_t* out) const {
  if (kind != Kind::kFixed) {
    for (int64_t r = 0; r < n; ++r) out[r] = Ordinal(ts[r]);
    return;
  }
  // Rows usually come in time order: reuse the bucket of the row before while ts stays in it.
  int64_t lo = 1, hi = 0, ord = 0;  // [lo, hi) holds bucket ord
  for (int64_t r = 0; r < n; ++r) {
    const int64_t t = ts[r];
    if (t < lo || t >= hi) {
      ord = FloorDiv(t - origin, width);
      lo = origin + ord * width;
      hi = lo + width;
      if (hi < lo) hi = std::numeric_limits<int64_t>::max();  // overflow at the far end
    }
    out[r] = ord;
  }
}

bool BucketFn::Slots(const int64_t* ts, int64_t n, int64_t first, int64_t count,
                     uint32_t* out) const {
  if (kind != Kind::kFixed) {
    for (int64_t r = 0; r < n; ++r) {
      const uint64_t b = static_cast<uint64_t>(Ordinal(ts[r]) - first);
      if (b >= static_cast<uint64_t>(count)) return false;
      out[r] = static_cast<uint32_t>(b);
    }
    return true;
  }
  // As Ordinals: the bucket of the row before is checked first.
  int64_t lo = 1, hi = 0;  // [lo, hi) holds bucket slot
  uint32_t slot = 0;
  for (int64_t r = 0; r < n; ++r) {
    const int64_t t = ts[r];
    if (t < lo || t >= hi) {
      const int64_t ord = FloorDiv(t - origin, width);
      const uint64_t b = static_cast<uint64_t>(ord - first);
      if (b >= static_cast<uint64_t>(count)) return false;
      slot = static_cast<uint32_t>(b);
      lo = origin + ord * width;
      hi = lo + width;
      if (hi < lo) hi = std::numeric_limits<int64_t>::max();  // overflow at the far end
    }
    out[r] = slot;
  }
  return true;
}

std::string BucketFn::ToString() const {
  switch (kind) {
    case Kind::kFixed:
      return "width " + std::to_string(width) + " us";
    case Kind::kEpochFloor:
      return "floor(epoch / " + FormatDouble(step, false) + ")";
    case Kind::kEpochIntDiv:
      return "epoch::bigint / " + std::to_string(divisor);
  }
  return "";
}

std::optional<BucketFn> MatchTimeBucket(const Expr& e, int time_col, const EvalContext& ctx) {
  if (e.kind != Expr::Kind::kCall) return std::nullopt;
  if ((e.fn == Fn::kTimeBucket || e.fn == Fn::kDateBin) &&
      (e.args.size() == 2 || e.args.size() == 3) && IsTimeColumn(*e.args[1], time_col) &&
      e.type == e.args[1]->type) {
    const Expr& w = *e.args[0];
    if (w.type != LType::kInterval || w.kind == Expr::Kind::kColumn) return std::nullopt;
    auto width = EvaluateConstant(w, ctx);
    if (!width.ok() || width->null || width->iv.months != 0) return std::nullopt;
    const Interval iv = width->iv;
    if (iv.days < 0 || iv.days > 1000000 || iv.micros < 0) return std::nullopt;
    BucketFn fn;
    fn.width = iv.days * kUsPerDay + iv.micros;
    if (fn.width <= 0) return std::nullopt;
    fn.origin = kBucketOrigin;
    if (e.args.size() == 3) {
      const Expr& o = *e.args[2];
      if (!IsTimestamp(o.type) || o.kind == Expr::Kind::kColumn) return std::nullopt;
      auto origin = EvaluateConstant(o, ctx);
      if (!origin.ok() || origin->null) return std::nullopt;
      fn.origin = origin->i;
    }
    return fn;
  }
  // date_trunc of a timestamptz reads the session's wall clock: fixed widths only in UTC.
  if (e.fn == Fn::kDateTrunc && e.args.size() == 2 && IsTimeColumn(*e.args[1], time_col) &&
      e.type == e.args[1]->type &&
      (e.type == LType::kTimestamp || ctx.zone == nullptr || ctx.zone->is_utc())) {
    const Expr& u = *e.args[0];
    if (u.kind != Expr::Kind::kConst || u.value.null || u.type != LType::kText) return std::nullopt;
    BucketFn fn;
    if (!TruncUnit(u.value.s, &fn.width, &fn.origin)) return std::nullopt;
    return fn;
  }
  if (e.fn == Fn::kMul && e.args.size() == 2) {
    if (IsDoubleLike(e.type)) return MatchEpochFloor(e, time_col, ctx);
    if (e.type == LType::kInt64) return MatchEpochIntDiv(e, time_col, ctx);
  }
  return std::nullopt;
}

DensePlan PlanDense(const BucketFn& fn, int64_t min_time, int64_t max_time,
                    const std::vector<LType>& key_types, int bucket_key,
                    const std::vector<AggSpec>& aggs, int64_t rows_estimated, int64_t dense_bytes) {
  DensePlan p;
  if (min_time > max_time) {
    p.why_not = "no rows in range";
    return p;
  }
  for (size_t k = 0; k < key_types.size(); ++k) {
    if (static_cast<int>(k) == bucket_key) continue;
    if (key_types[k] != LType::kText || p.tag_key >= 0) {
      p.why_not = "keys other than the bucket and one text column";
      return p;
    }
    p.tag_key = static_cast<int>(k);
  }
  int64_t per_slot = 9;  // seen + representative timestamp
  for (const AggSpec& a : aggs) {
    if (a.distinct || a.fn == AggFn::kPercentileCont || a.fn == AggFn::kPercentileDisc ||
        a.fn == AggFn::kArrayAgg || a.fn == AggFn::kStringAgg) {
      p.why_not = "an aggregate without a dense form";
      return p;
    }
    if (PhysOf(a.arg_type) == Phys::kStr || PhysOf(a.arg_type) == Phys::kInterval) {
      per_slot += 64;  // min/max/first/last keep a string or interval per slot
    }
    per_slot += 9 + 24;  // count, flags, widest state (sum of integers, Welford)
  }
  const int64_t first = fn.Ordinal(min_time), last = fn.Ordinal(max_time);
  int64_t buckets;
  if (last < first || __builtin_sub_overflow(last, first, &buckets) || buckets >= (1LL << 40)) {
    p.why_not = "bucket range too wide";
    return p;
  }
  buckets += 1;
  const int64_t cap = dense_bytes / per_slot;
  if (buckets > cap || buckets > std::max<int64_t>(4096, 4 * rows_estimated)) {
    p.why_not = std::to_string(buckets) + " buckets (too many for the rows or memory)";
    return p;
  }
  p.ok = true;
  p.buckets = buckets;
  p.max_slots = std::max(buckets, std::min<int64_t>(cap, std::max<int64_t>(4096, rows_estimated)));
  return p;
}

DenseGroups::DenseGroups(const BucketFn& fn, int bucket_key, int64_t min_time,
                         const DensePlan& plan)
    : fn_(fn),
      bucket_key_(bucket_key),
      tag_key_(plan.tag_key),
      first_(fn.Ordinal(min_time)),
      buckets_(plan.buckets),
      max_slots_(plan.max_slots) {
  if (tag_key_ < 0) {
    seen_.assign(static_cast<size_t>(buckets_), 0);
    rep_.assign(static_cast<size_t>(buckets_), 0);
  }
}

int32_t DenseGroups::NewTag(std::optional<std::string> value) {
  if ((static_cast<int64_t>(tags_.size()) + 1) * buckets_ > max_slots_) return -1;
  const int32_t id = static_cast<int32_t>(tags_.size());
  tags_.push_back(std::move(value));
  seen_.resize(static_cast<size_t>((id + 1) * buckets_), 0);
  rep_.resize(static_cast<size_t>((id + 1) * buckets_), 0);
  return id;
}

int32_t DenseGroups::TagOf(const Vector& v, int64_t r) {
  if (v.IsNull(r)) {
    if (null_tag_ < 0) null_tag_ = NewTag(std::nullopt);
    return null_tag_;
  }
  std::string_view s = v.S(r);
  auto it = tag_ids_.find(absl::string_view(s.data(), s.size()));
  if (it != tag_ids_.end()) return it->second;
  const int32_t id = NewTag(std::string(s));
  if (id >= 0) tag_ids_.emplace(std::string(s), id);
  return id;
}

bool DenseGroups::Assign(const Chunk& in, std::vector<uint32_t>* slot) {
  const int64_t n = in.size;
  slot->resize(static_cast<size_t>(n));
  uint32_t* out = slot->data();
  const Vector& t = in.cols[static_cast<size_t>(bucket_key_)];
  if (t.nulls != nullptr) {
    for (int64_t r = 0; r < n; ++r) {
      if (t.IsNull(r)) return false;
    }
  }
  if (t.constant) {
    const uint64_t b = static_cast<uint64_t>(fn_.Ordinal(t.I(0)) - first_);
    if (b >= static_cast<uint64_t>(buckets_)) return false;
    std::fill(out, out + n, static_cast<uint32_t>(b));
  } else if (!fn_.Slots(t.i, n, first_, buckets_, out)) {
    return false;
  }
  if (tag_key_ >= 0) {
    const Vector& v = in.cols[static_cast<size_t>(tag_key_)];
    if (v.codes != nullptr) {
      // Dictionary codes: one tag lookup per code of this dictionary, not per row.
      std::vector<int32_t>& ids = dict_ids_[v.dict];
      if (ids.empty() && v.dict->length > 0) {
        ids.assign(static_cast<size_t>(v.dict->length), -1);
        if (v.data) dict_keep_.push_back(v.data);
      }
      for (int64_t r = 0; r < n; ++r) {
        int32_t id;
        const int32_t c = v.codes[v.At(r)];
        if (v.IsNull(r) || c < 0 || c >= v.dict->length) {  // a NULL row's code is undefined
          id = TagOf(v, r);
        } else if (ids[static_cast<size_t>(c)] >= 0) {
          id = ids[static_cast<size_t>(c)];
        } else {
          id = TagOf(v, r);
          ids[static_cast<size_t>(c)] = id;
        }
        if (id < 0) return false;
        out[r] += static_cast<uint32_t>(id * buckets_);
      }
    } else {
      for (int64_t r = 0; r < n; ++r) {
        const int32_t id = TagOf(v, r);
        if (id < 0) return false;
        out[r] += static_cast<uint32_t>(id * buckets_);
      }
    }
  }
  // Mark the slots seen for the first time (once every slot is, there is nothing to do). Rows
  // come in runs of one slot (a bucket of one series), so only a change of slot is looked up.
  if (groups_ < static_cast<int64_t>(seen_.size())) {
    uint8_t* seen = seen_.data();
    int64_t* rep = rep_.data();
    uint32_t last = std::numeric_limits<uint32_t>::max();
    for (int64_t r = 0; r < n; ++r) {
      const uint32_t s = out[r];
      if (s == last) continue;
      last = s;
      if (!seen[s]) {
        seen[s] = 1;
        rep[s] = t.I(r);
        ++groups_;
      }
    }
  }
  return true;
}

void DenseGroups::Export(const std::vector<LType>& key_types, Chunk* keys,
                         std::vector<uint32_t>* slots) const {
  slots->clear();
  slots->reserve(static_cast<size_t>(groups_));
  const int64_t ntags = tag_key_ < 0 ? 1 : static_cast<int64_t>(tags_.size());
  for (int64_t b = 0; b < buckets_; ++b) {
    for (int64_t g = 0; g < ntags; ++g) {
      const int64_t s = g * buckets_ + b;
      if (seen_[static_cast<size_t>(s)]) slots->push_back(static_cast<uint32_t>(s));
    }
  }
  keys->size = static_cast<int64_t>(slots->size());
  keys->cols.clear();
  for (size_t k = 0; k < key_types.size(); ++k) {
    VectorBuilder kb(key_types[k], keys->size);
    for (uint32_t s : *slots) {
      if (static_cast<int>(k) == bucket_key_) {
        kb.AppendInt(rep_[s]);
      } else {
        const auto& tag = tags_[static_cast<size_t>(s / static_cast<uint64_t>(buckets_))];
        if (tag) {
          kb.AppendStr(*tag);
        } else {
          kb.AppendNull();
        }
      }
    }
    keys->cols.push_back(kb.Finish());
  }
}

int64_t DenseGroups::MemoryBytes() const {
  int64_t b = static_cast<int64_t>(seen_.size()) * 9;
  for (const auto& t : tags_) b += 32 + (t ? static_cast<int64_t>(t->size()) : 0);
  return b;
}

}  // namespace omen::exec
