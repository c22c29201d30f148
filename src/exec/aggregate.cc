// Copyright 2026 The OmenDB Authors.

#include "exec/aggregate.h"

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>
#include <absl/strings/string_view.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <numeric>
#include <unordered_map>

#include "exec/dense_groups.h"

namespace omen::exec {

Result<LType> AggResultType(AggFn fn, LType arg) {
  auto bad = [&](const char* name) -> Status {
    return Status::DatatypeMismatch(std::string("function ") + name + "(" + TypeName(arg) +
                                    ") does not exist");
  };
  switch (fn) {
    case AggFn::kCountStar:
    case AggFn::kCount:
      return LType::kInt64;
    case AggFn::kSum:
      if (arg == LType::kInt16 || arg == LType::kInt32) return LType::kInt64;
      if (arg == LType::kInt64 || arg == LType::kNumeric) return LType::kNumeric;
      if (arg == LType::kFloat32 || arg == LType::kFloat64) return arg;
      if (arg == LType::kInterval) return Status::NotSupported("sum(interval)");
      return bad("sum");
    case AggFn::kAvg:
      if (IsInteger(arg) || arg == LType::kNumeric) return LType::kNumeric;
      if (arg == LType::kFloat32 || arg == LType::kFloat64) return LType::kFloat64;
      return bad("avg");
    case AggFn::kMin:
    case AggFn::kMax:
    case AggFn::kFirst:
    case AggFn::kLast:
      if (arg == LType::kNull) return LType::kText;
      return arg;
    case AggFn::kStddevSamp:
    case AggFn::kStddevPop:
    case AggFn::kVarSamp:
    case AggFn::kVarPop:
      if (IsInteger(arg) || arg == LType::kNumeric) return LType::kNumeric;
      if (arg == LType::kFloat32 || arg == LType::kFloat64) return LType::kFloat64;
      return bad("stddev");
    case AggFn::kBoolAnd:
    case AggFn::kBoolOr:
      if (arg != LType::kBool) return bad("bool_and");
      return LType::kBool;
    case AggFn::kPercentileCont:
      if (!IsNumeric(arg)) return bad("percentile_cont");
      return LType::kFloat64;
    case AggFn::kPercentileDisc:
      if (!IsNumeric(arg) && !IsTimestamp(arg) && arg != LType::kDate)
        return bad("percentile_disc");
      return arg;
    case AggFn::kArrayAgg: {
      auto t = ArrayTypeOf(arg);
      if (!t) return Status::NotSupported(std::string("array_agg(") + TypeName(arg) + ")");
      return *t;
    }
    case AggFn::kStringAgg:
      if (arg != LType::kText && arg != LType::kNull) return bad("string_agg");
      return LType::kText;
  }
  return Status::Internal("unknown aggregate");
}

namespace {

using Key3 = std::array<int64_t, 3>;

// Calls fn(group, begin, end) for each run of rows [begin, end) of one group, in row order.
template <typename Fn>
inline void ForRuns(const uint32_t* gid, int64_t n, Fn&& fn) {
  int64_t b = 0;
  while (b < n) {
    const uint32_t g = gid[b];
    int64_t e = b + 1;
    while (e < n && gid[e] == g) ++e;
    fn(g, b, e);
    b = e;
  }
}

// The sum of x[b, e), added to acc: eight independent partial sums (vector lanes) instead of
// one chain of dependent additions. The order is fixed, so a result is reproducible.
inline double SumRun(const double* x, int64_t b, int64_t e, double acc) {
  double lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t r = b;
  for (; r + 8 <= e; r += 8) {
    for (int j = 0; j < 8; ++j) lane[j] += x[r + j];
  }
  double tail = 0;
  for (; r < e; ++r) tail += x[r];
  return acc + (((lane[0] + lane[4]) + (lane[1] + lane[5])) +
                ((lane[2] + lane[6]) + (lane[3] + lane[7])) + tail);
}

// min (kMin) or max of x[b, e) into *m (has: *m holds a value), in vector lanes. False when the
// run holds a NaN or an infinity (x * 0 is NaN only then), which the caller folds one by one
// (NaN sorts above every number); *m is then unchanged.
template <bool kMin>
inline bool MinMaxRun(const double* x, int64_t b, int64_t e, bool has, double* m) {
  if (e - b < 8) return false;
  auto better = [](double y, double than) { return kMin ? y < than : y > than; };
  double lane[8], probe[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  for (int j = 0; j < 8; ++j) lane[j] = x[b + j];
  int64_t r = b;
  for (; r + 8 <= e; r += 8) {
    for (int j = 0; j < 8; ++j) {
      const double y = x[r + j];
      lane[j] = better(y, lane[j]) ? y : lane[j];
      probe[j] += y * 0.0;
    }
  }
  double out = has ? *m : lane[0];
  for (int j = 0; j < 8; ++j) {
    if (std::isnan(probe[j])) return false;
    out = better(lane[j], out) ? lane[j] : out;
  }
  if (has && std::isnan(out)) return false;  // a NaN already held
  for (; r < e; ++r) {
    if (!std::isfinite(x[r])) return false;
    out = better(x[r], out) ? x[r] : out;
  }
  *m = out;
  return true;
}

// Encoded bytes of a value for DISTINCT sets.
std::string Encode(const Vector& v, int64_t r) {
  switch (PhysOf(v.type)) {
    case Phys::kInt: {
      int64_t x = v.I(r);
      return std::string(reinterpret_cast<const char*>(&x), 8);
    }
    case Phys::kFloat: {
      double x = v.F(r);
      if (x == 0) x = 0;  // -0 == 0
      if (std::isnan(x)) x = std::numeric_limits<double>::quiet_NaN();
      return std::string(reinterpret_cast<const char*>(&x), 8);
    }
    case Phys::kStr:
      return std::string(v.S(r));
    case Phys::kInterval: {
      __int128 s = v.V(r).Span();
      return std::string(reinterpret_cast<const char*>(&s), 16);
    }
  }
  return std::string();
}

// The DISTINCT key of an array_agg/string_agg element (its text; NULL apart from any text).
std::string ElementKey(const std::optional<std::string>& text) {
  return text ? "\1" + *text : std::string("\0", 1);
}

struct AggCol {
  AggSpec spec;
  bool one_group = false;  // the rows of the current Update are all in one group
  std::vector<int64_t> cnt;
  std::vector<__int128> isum;
  std::vector<double> fsum;  // float sum, or Welford mean
  std::vector<double> m2;
  std::vector<int64_t> ival;
  std::vector<double> fval;
  std::vector<std::string> sval;
  std::vector<Interval> vval;
  std::vector<int64_t> tval;
  std::vector<uint8_t> has;
  std::vector<std::vector<double>> list;
  std::vector<absl::flat_hash_set<std::string>> dset;
  // array_agg: element texts; string_agg: (delimiter, value) pairs.
  std::vector<std::vector<std::optional<std::string>>> slist;
  std::vector<std::vector<std::string>> dlist;

  bool Welford() const {
    return spec.fn == AggFn::kStddevSamp || spec.fn == AggFn::kStddevPop ||
           spec.fn == AggFn::kVarSamp || spec.fn == AggFn::kVarPop;
  }

  void Resize(size_t g) {
    cnt.resize(g, 0);
    has.resize(g, 0);
    if (spec.distinct) dset.resize(g);
    switch (spec.fn) {
      case AggFn::kSum:
      case AggFn::kAvg:
        if (PhysOf(spec.arg_type) == Phys::kInt)
          isum.resize(g, 0);
        else
          fsum.resize(g, 0);
        break;
      case AggFn::kStddevSamp:
      case AggFn::kStddevPop:
      case AggFn::kVarSamp:
      case AggFn::kVarPop:
        fsum.resize(g, 0);
        m2.resize(g, 0);
        break;
      case AggFn::kMin:
      case AggFn::kMax:
      case AggFn::kFirst:
      case AggFn::kLast:
        switch (PhysOf(spec.arg_type)) {
          case Phys::kInt:
            ival.resize(g, 0);
            break;
          case Phys::kFloat:
            fval.resize(g, 0);
            break;
          case Phys::kStr:
            sval.resize(g);
            break;
          case Phys::kInterval:
            vval.resize(g);
            break;
        }
        if (spec.fn == AggFn::kFirst || spec.fn == AggFn::kLast) tval.resize(g, 0);
        break;
      case AggFn::kBoolAnd:
      case AggFn::kBoolOr:
        ival.resize(g, spec.fn == AggFn::kBoolAnd ? 1 : 0);
        break;
      case AggFn::kPercentileCont:
      case AggFn::kPercentileDisc:
        list.resize(g);
        break;
      case AggFn::kArrayAgg:
      case AggFn::kStringAgg:
        slist.resize(g);
        dlist.resize(g);
        break;
      default:
        break;
    }
  }

  // Takes value row r of v into slot g (min/max/first/last).
  void Take(size_t g, const Vector& v, int64_t r) {
    switch (PhysOf(spec.arg_type)) {
      case Phys::kInt:
        ival[g] = v.I(r);
        break;
      case Phys::kFloat:
        fval[g] = v.F(r);
        break;
      case Phys::kStr:
        sval[g].assign(v.S(r));
        break;
      case Phys::kInterval:
        vval[g] = v.V(r);
        break;
    }
  }
  // Compares value row r of v against slot g.
  int CompareSlot(const Vector& v, int64_t r, size_t g) const {
    switch (PhysOf(spec.arg_type)) {
      case Phys::kInt: {
        int64_t x = v.I(r);
        return x < ival[g] ? -1 : x > ival[g] ? 1 : 0;
      }
      case Phys::kFloat: {
        double x = v.F(r), y = fval[g];
        if (std::isnan(x) || std::isnan(y)) return std::isnan(x) ? (std::isnan(y) ? 0 : 1) : -1;
        return x < y ? -1 : x > y ? 1 : 0;
      }
      case Phys::kStr: {
        int c = v.S(r).compare(sval[g]);
        return c < 0 ? -1 : c > 0 ? 1 : 0;
      }
      case Phys::kInterval: {
        __int128 x = v.V(r).Span(), y = vval[g].Span();
        return x < y ? -1 : x > y ? 1 : 0;
      }
    }
    return 0;
  }

  // Adds the non-null input row r (value x) to group g.
  void AddNumber(size_t g, double x) {
    cnt[g]++;
    if (Welford()) {
      double delta = x - fsum[g];
      fsum[g] += delta / static_cast<double>(cnt[g]);
      m2[g] += delta * (x - fsum[g]);
    } else {
      fsum[g] += x;
    }
  }

  Status Update(const uint32_t* gid, const Chunk& in, int64_t n) {
    const Vector* v = spec.arg >= 0 ? &in.cols[static_cast<size_t>(spec.arg)] : nullptr;
    const Vector* f = spec.filter >= 0 ? &in.cols[static_cast<size_t>(spec.filter)] : nullptr;
    auto skip = [&](int64_t r) {
      if (f != nullptr && (f->IsNull(r) || !f->I(r))) return true;
      if (v != nullptr && v->IsNull(r)) return true;
      return false;
    };
    if (spec.distinct && v != nullptr) {
      std::vector<uint32_t> keep;
      for (int64_t r = 0; r < n; ++r) {
        if (spec.fn == AggFn::kArrayAgg || spec.fn == AggFn::kStringAgg) {
          // Keyed by the element's text (NULL too for array_agg), as MergeSlot re-keys them.
          if (f != nullptr && (f->IsNull(r) || !f->I(r))) continue;
          if (spec.fn == AggFn::kStringAgg && v->IsNull(r)) continue;
          if (dset[gid[r]].insert(ElementKey(FormatValue(*v, r))).second) {
            keep.push_back(static_cast<uint32_t>(r));
          }
          continue;
        }
        if (skip(r)) continue;
        if (dset[gid[r]].insert(Encode(*v, r)).second) keep.push_back(static_cast<uint32_t>(r));
      }
      // Fold only first occurrences.
      std::vector<uint32_t> g2(keep.size());
      for (size_t k = 0; k < keep.size(); ++k) g2[k] = gid[keep[k]];
      Chunk sub = GatherChunk(in, keep.data(), static_cast<int64_t>(keep.size()));
      return UpdatePlain(g2.data(), sub, static_cast<int64_t>(keep.size()));
    }
    return UpdatePlain(gid, in, n);
  }

  // Calls fn(group, begin, end) for each run of rows of one group; one call when the caller
  // said every row is in one group (one_group).
  template <typename Fn>
  void Runs(const uint32_t* gid, int64_t n, Fn&& fn) const {
    if (one_group && n > 0) {
      fn(gid[0], 0, n);
    } else {
      ForRuns(gid, n, fn);
    }
  }

  Status UpdatePlain(const uint32_t* gid, const Chunk& in, int64_t n) {
    const Vector* v = spec.arg >= 0 ? &in.cols[static_cast<size_t>(spec.arg)] : nullptr;
    const Vector* t = spec.arg2 >= 0 ? &in.cols[static_cast<size_t>(spec.arg2)] : nullptr;
    const Vector* f = spec.filter >= 0 ? &in.cols[static_cast<size_t>(spec.filter)] : nullptr;
    const bool simple = f == nullptr && (v == nullptr || (v->nulls == nullptr && !v->constant));
    switch (spec.fn) {
      case AggFn::kCountStar:
        if (f == nullptr) {
          Runs(gid, n, [&](uint32_t g, int64_t b, int64_t e) { cnt[g] += e - b; });
        } else {
          for (int64_t r = 0; r < n; ++r) cnt[gid[r]] += !f->IsNull(r) && f->I(r);
        }
        return Status::OK();
      case AggFn::kCount:
        for (int64_t r = 0; r < n; ++r) {
          if (f != nullptr && (f->IsNull(r) || !f->I(r))) continue;
          cnt[gid[r]] += !v->IsNull(r);
        }
        return Status::OK();
      case AggFn::kSum:
      case AggFn::kAvg:
        if (PhysOf(spec.arg_type) == Phys::kInt) {
          for (int64_t r = 0; r < n; ++r) {
            if (!simple && ((f != nullptr && (f->IsNull(r) || !f->I(r))) || v->IsNull(r))) continue;
            cnt[gid[r]]++;
            isum[gid[r]] += v->I(r);
          }
        } else if (simple) {
          // Runs of one group (rows sorted by series and time) sum in a register, in row order.
          const double* x = v->f;
          Runs(gid, n, [&](uint32_t g, int64_t b, int64_t e) {
            fsum[g] = SumRun(x, b, e, fsum[g]);
            cnt[g] += e - b;
          });
        } else {
          for (int64_t r = 0; r < n; ++r) {
            if ((f != nullptr && (f->IsNull(r) || !f->I(r))) || v->IsNull(r)) continue;
            cnt[gid[r]]++;
            fsum[gid[r]] += v->F(r);
          }
        }
        return Status::OK();
      case AggFn::kStddevSamp:
      case AggFn::kStddevPop:
      case AggFn::kVarSamp:
      case AggFn::kVarPop:
        for (int64_t r = 0; r < n; ++r) {
          if ((f != nullptr && (f->IsNull(r) || !f->I(r))) || v->IsNull(r)) continue;
          AddNumber(gid[r], v->F(r));
        }
        return Status::OK();
      case AggFn::kMin:
      case AggFn::kMax: {
        const int want = spec.fn == AggFn::kMin ? -1 : 1;
        if (simple && PhysOf(spec.arg_type) == Phys::kFloat) {
          const double* x = v->f;
          Runs(gid, n, [&](uint32_t g, int64_t b, int64_t e) {
            bool h = has[g] != 0;
            double m = fval[g];
            if (want < 0 ? MinMaxRun<true>(x, b, e, h, &m) : MinMaxRun<false>(x, b, e, h, &m)) {
              has[g] = 1;
              fval[g] = m;
              return;
            }
            for (int64_t r = b; r < e; ++r) {
              const double y = x[r];
              if (!h) {
                h = true;
                m = y;
              } else if (std::isnan(y) || std::isnan(m)) {
                // NaN sorts above every number (CompareSlot).
                const int c = std::isnan(y) ? (std::isnan(m) ? 0 : 1) : -1;
                if (c == want) m = y;
              } else if (want < 0 ? y < m : y > m) {
                m = y;
              }
            }
            has[g] = h ? 1 : 0;
            fval[g] = m;
          });
          return Status::OK();
        }
        for (int64_t r = 0; r < n; ++r) {
          if ((f != nullptr && (f->IsNull(r) || !f->I(r))) || v->IsNull(r)) continue;
          const uint32_t g = gid[r];
          if (!has[g] || CompareSlot(*v, r, g) == want) {
            has[g] = 1;
            Take(g, *v, r);
          }
        }
        return Status::OK();
      }
      case AggFn::kFirst:
      case AggFn::kLast:
        for (int64_t r = 0; r < n; ++r) {
          if (f != nullptr && (f->IsNull(r) || !f->I(r))) continue;
          if (t->IsNull(r)) continue;
          const uint32_t g = gid[r];
          const int64_t ts = t->I(r);
          if (!has[g] || (spec.fn == AggFn::kFirst ? ts < tval[g] : ts > tval[g])) {
            has[g] = 1;
            tval[g] = ts;
            cnt[g] = v->IsNull(r) ? 0 : 1;  // cnt doubles as "value is not NULL"
            if (!v->IsNull(r)) Take(g, *v, r);
          }
        }
        return Status::OK();
      case AggFn::kBoolAnd:
      case AggFn::kBoolOr:
        for (int64_t r = 0; r < n; ++r) {
          if ((f != nullptr && (f->IsNull(r) || !f->I(r))) || v->IsNull(r)) continue;
          const uint32_t g = gid[r];
          has[g] = 1;
          if (spec.fn == AggFn::kBoolAnd)
            ival[g] &= v->I(r) != 0;
          else
            ival[g] |= v->I(r) != 0;
        }
        return Status::OK();
      case AggFn::kPercentileCont:
      case AggFn::kPercentileDisc:
        for (int64_t r = 0; r < n; ++r) {
          if ((f != nullptr && (f->IsNull(r) || !f->I(r))) || v->IsNull(r)) continue;
          list[gid[r]].push_back(v->F(r));
        }
        return Status::OK();
      case AggFn::kArrayAgg:
        for (int64_t r = 0; r < n; ++r) {
          if (f != nullptr && (f->IsNull(r) || !f->I(r))) continue;
          cnt[gid[r]]++;
          slist[gid[r]].push_back(FormatValue(*v, r));
          dlist[gid[r]].emplace_back();  // kept aligned with slist
        }
        return Status::OK();
      case AggFn::kStringAgg:
        for (int64_t r = 0; r < n; ++r) {
          if ((f != nullptr && (f->IsNull(r) || !f->I(r))) || v->IsNull(r)) continue;
          const uint32_t g = gid[r];
          cnt[g]++;
          slist[g].emplace_back(std::string(v->S(r)));
          dlist[g].emplace_back(t == nullptr || t->IsNull(r) ? std::string()
                                                             : std::string(t->S(r)));
        }
        return Status::OK();
    }
    return Status::Internal("unknown aggregate");
  }

  // Folds slot h of other into slot g.
  void MergeSlot(size_t g, AggCol& o, size_t h) {
    if (spec.distinct && (spec.fn == AggFn::kArrayAgg || spec.fn == AggFn::kStringAgg)) {
      for (size_t k = 0; k < o.slist[h].size(); ++k) {
        if (!dset[g].insert(ElementKey(o.slist[h][k])).second) continue;
        cnt[g]++;
        slist[g].push_back(o.slist[h][k]);
        dlist[g].push_back(o.dlist[h][k]);
      }
      return;
    }
    if (spec.distinct) {
      // Re-fold distinct values: the other side's partial sums cannot be combined blindly.
      for (const std::string& s : o.dset[h]) {
        if (!dset[g].insert(s).second) continue;
        if (spec.fn == AggFn::kCount) {
          cnt[g]++;
        } else if (spec.fn == AggFn::kSum || spec.fn == AggFn::kAvg) {
          cnt[g]++;
          if (PhysOf(spec.arg_type) == Phys::kInt) {
            int64_t x;
            std::memcpy(&x, s.data(), 8);
            isum[g] += x;
          } else {
            double x;
            std::memcpy(&x, s.data(), 8);
            fsum[g] += x;
          }
        } else if (Welford()) {
          double x;
          if (PhysOf(spec.arg_type) == Phys::kInt) {
            int64_t xi;
            std::memcpy(&xi, s.data(), 8);
            x = static_cast<double>(xi);
          } else {
            std::memcpy(&x, s.data(), 8);
          }
          AddNumber(g, x);
        }
      }
      if (spec.fn != AggFn::kCount && spec.fn != AggFn::kSum && spec.fn != AggFn::kAvg &&
          !Welford()) {
        MergePlain(g, o, h);
      }
      return;
    }
    MergePlain(g, o, h);
  }

  void MergePlain(size_t g, AggCol& o, size_t h) {
    switch (spec.fn) {
      case AggFn::kCountStar:
      case AggFn::kCount:
        if (!spec.distinct) cnt[g] += o.cnt[h];
        break;
      case AggFn::kSum:
      case AggFn::kAvg:
        cnt[g] += o.cnt[h];
        if (PhysOf(spec.arg_type) == Phys::kInt)
          isum[g] += o.isum[h];
        else
          fsum[g] += o.fsum[h];
        break;
      case AggFn::kStddevSamp:
      case AggFn::kStddevPop:
      case AggFn::kVarSamp:
      case AggFn::kVarPop: {
        if (o.cnt[h] == 0) break;
        if (cnt[g] == 0) {
          cnt[g] = o.cnt[h];
          fsum[g] = o.fsum[h];
          m2[g] = o.m2[h];
          break;
        }
        const double na = static_cast<double>(cnt[g]), nb = static_cast<double>(o.cnt[h]);
        const double delta = o.fsum[h] - fsum[g];
        fsum[g] += delta * nb / (na + nb);
        m2[g] += o.m2[h] + delta * delta * na * nb / (na + nb);
        cnt[g] += o.cnt[h];
        break;
      }
      case AggFn::kMin:
      case AggFn::kMax: {
        if (!o.has[h]) break;
        const int want = spec.fn == AggFn::kMin ? -1 : 1;
        if (!has[g] || o.CompareSlots(h, *this, g) == want) {
          has[g] = 1;
          CopySlot(g, o, h);
        }
        break;
      }
      case AggFn::kFirst:
      case AggFn::kLast: {
        if (!o.has[h]) break;
        const int64_t ts = o.tval[h];
        if (!has[g] || (spec.fn == AggFn::kFirst ? ts < tval[g] : ts > tval[g])) {
          has[g] = 1;
          tval[g] = ts;
          cnt[g] = o.cnt[h];
          if (o.cnt[h]) CopySlot(g, o, h);
        }
        break;
      }
      case AggFn::kBoolAnd:
      case AggFn::kBoolOr:
        if (!o.has[h]) break;
        if (!has[g]) {
          ival[g] = o.ival[h];
        } else if (spec.fn == AggFn::kBoolAnd) {
          ival[g] &= o.ival[h];
        } else {
          ival[g] |= o.ival[h];
        }
        has[g] = 1;
        break;
      case AggFn::kPercentileCont:
      case AggFn::kPercentileDisc:
        list[g].insert(list[g].end(), o.list[h].begin(), o.list[h].end());
        break;
      case AggFn::kArrayAgg:
      case AggFn::kStringAgg:
        cnt[g] += o.cnt[h];
        slist[g].insert(slist[g].end(), o.slist[h].begin(), o.slist[h].end());
        dlist[g].insert(dlist[g].end(), o.dlist[h].begin(), o.dlist[h].end());
        break;
    }
  }

  // Copies the min/max/first/last value of slot h of o into slot g.
  void CopySlot(size_t g, const AggCol& o, size_t h) {
    switch (PhysOf(spec.arg_type)) {
      case Phys::kInt:
        ival[g] = o.ival[h];
        break;
      case Phys::kFloat:
        fval[g] = o.fval[h];
        break;
      case Phys::kStr:
        sval[g] = o.sval[h];
        break;
      case Phys::kInterval:
        vval[g] = o.vval[h];
        break;
    }
  }
  // Compares the value of slot h against slot g of o (CompareSlot's order).
  int CompareSlots(size_t h, const AggCol& o, size_t g) const {
    switch (PhysOf(spec.arg_type)) {
      case Phys::kInt:
        return ival[h] < o.ival[g] ? -1 : ival[h] > o.ival[g] ? 1 : 0;
      case Phys::kFloat: {
        const double x = fval[h], y = o.fval[g];
        if (std::isnan(x) || std::isnan(y)) return std::isnan(x) ? (std::isnan(y) ? 0 : 1) : -1;
        return x < y ? -1 : x > y ? 1 : 0;
      }
      case Phys::kStr: {
        const int c = sval[h].compare(o.sval[g]);
        return c < 0 ? -1 : c > 0 ? 1 : 0;
      }
      case Phys::kInterval: {
        const __int128 x = vval[h].Span(), y = o.vval[g].Span();
        return x < y ? -1 : x > y ? 1 : 0;
      }
    }
    return 0;
  }

  // Keeps slots[0..n) only, as slots 0..n-1 (dense slots compacted to groups).
  void Gather(const std::vector<uint32_t>& slots) {
    auto gather = [&](auto& v) {
      if (v.empty()) return;
      std::remove_reference_t<decltype(v)> out;
      out.reserve(slots.size());
      for (uint32_t s : slots) out.push_back(std::move(v[s]));
      v.swap(out);
    };
    gather(cnt);
    gather(isum);
    gather(fsum);
    gather(m2);
    gather(ival);
    gather(fval);
    gather(sval);
    gather(vval);
    gather(tval);
    gather(has);
    gather(list);
    gather(dset);
    gather(slist);
    gather(dlist);
  }

  void AppendSlot(VectorBuilder* b, size_t g) const {
    switch (PhysOf(spec.arg_type)) {
      case Phys::kInt:
        b->AppendInt(ival[g]);
        break;
      case Phys::kFloat:
        b->AppendFloat(fval[g]);
        break;
      case Phys::kStr:
        b->AppendStr(sval[g]);
        break;
      case Phys::kInterval:
        b->AppendInterval(vval[g]);
        break;
    }
  }

  Status Result(size_t groups, Vector* out) {
    VectorBuilder b(spec.type, static_cast<int64_t>(groups));
    for (size_t g = 0; g < groups; ++g) {
      switch (spec.fn) {
        case AggFn::kCountStar:
        case AggFn::kCount:
          b.AppendInt(cnt[g]);
          break;
        case AggFn::kSum:
          if (cnt[g] == 0) {
            b.AppendNull();
          } else if (PhysOf(spec.arg_type) == Phys::kInt) {
            if (spec.type == LType::kInt64) {
              if (isum[g] > INT64_MAX || isum[g] < INT64_MIN) {
                return Status::InvalidArgument("bigint out of range");
              }
              b.AppendInt(static_cast<int64_t>(isum[g]));
            } else {
              b.AppendFloat(static_cast<double>(isum[g]));
            }
          } else {
            b.AppendFloat(spec.type == LType::kFloat32 ? static_cast<float>(fsum[g]) : fsum[g]);
          }
          break;
        case AggFn::kAvg:
          if (cnt[g] == 0) {
            b.AppendNull();
          } else if (PhysOf(spec.arg_type) == Phys::kInt) {
            b.AppendFloat(static_cast<double>(isum[g]) / static_cast<double>(cnt[g]));
          } else {
            b.AppendFloat(fsum[g] / static_cast<double>(cnt[g]));
          }
          break;
        case AggFn::kStddevSamp:
        case AggFn::kVarSamp:
          if (cnt[g] < 2) {
            b.AppendNull();
          } else {
            double var = std::max(0.0, m2[g] / static_cast<double>(cnt[g] - 1));
            b.AppendFloat(spec.fn == AggFn::kVarSamp ? var : std::sqrt(var));
          }
          break;
        case AggFn::kStddevPop:
        case AggFn::kVarPop:
          if (cnt[g] < 1) {
            b.AppendNull();
          } else {
            double var = std::max(0.0, m2[g] / static_cast<double>(cnt[g]));
            b.AppendFloat(spec.fn == AggFn::kVarPop ? var : std::sqrt(var));
          }
          break;
        case AggFn::kMin:
        case AggFn::kMax:
          if (!has[g]) {
            b.AppendNull();
          } else {
            AppendSlot(&b, g);
          }
          break;
        case AggFn::kFirst:
        case AggFn::kLast:
          if (!has[g] || cnt[g] == 0) {
            b.AppendNull();
          } else {
            AppendSlot(&b, g);
          }
          break;
        case AggFn::kBoolAnd:
        case AggFn::kBoolOr:
          if (!has[g])
            b.AppendNull();
          else
            b.AppendInt(ival[g]);
          break;
        case AggFn::kPercentileCont:
        case AggFn::kPercentileDisc: {
          std::vector<double>& l = list[g];
          if (l.empty()) {
            b.AppendNull();
            break;
          }
          std::sort(l.begin(), l.end());
          const double fr = spec.fraction;
          if (spec.fn == AggFn::kPercentileCont) {
            double pos = fr * static_cast<double>(l.size() - 1);
            size_t lo = static_cast<size_t>(std::floor(pos));
            size_t hi = static_cast<size_t>(std::ceil(pos));
            double v = l[lo] + (l[hi] - l[lo]) * (pos - static_cast<double>(lo));
            b.AppendFloat(v);
          } else {
            double pos = std::ceil(fr * static_cast<double>(l.size()));
            size_t k = pos < 1 ? 0 : static_cast<size_t>(pos) - 1;
            k = std::min(k, l.size() - 1);
            if (PhysOf(spec.type) == Phys::kInt)
              b.AppendInt(static_cast<int64_t>(l[k]));
            else
              b.AppendFloat(l[k]);
          }
          break;
        }
        case AggFn::kArrayAgg:
          if (cnt[g] == 0) {
            b.AppendNull();
          } else {
            b.AppendStr(FormatArrayText(slist[g]));
          }
          break;
        case AggFn::kStringAgg: {
          if (cnt[g] == 0) {
            b.AppendNull();
            break;
          }
          std::string joined;
          for (size_t k = 0; k < slist[g].size(); ++k) {
            if (k > 0) joined += dlist[g][k];
            joined += *slist[g][k];
          }
          b.AppendStr(joined);
          break;
        }
      }
    }
    *out = b.Finish();
    return Status::OK();
  }

  int64_t Bytes() const {
    int64_t b = static_cast<int64_t>(cnt.size()) * 48;
    for (const auto& l : list) b += static_cast<int64_t>(l.size()) * 8;
    for (const auto& s : dset) b += static_cast<int64_t>(s.size()) * 40;
    for (const auto& s : sval) b += static_cast<int64_t>(s.size());
    for (const auto& l : slist) b += static_cast<int64_t>(l.size()) * 40;
    return b;
  }
};

}  // namespace

struct HashAggregator::Impl {
  std::vector<LType> key_types;
  std::vector<AggCol> aggs;
  size_t nk = 0;
  size_t groups = 0;
  absl::flat_hash_map<Key3, uint32_t> small;
  absl::flat_hash_map<std::string, uint32_t> large;
  std::vector<VectorBuilder> key_values;
  // Text interning: string -> id; per-dictionary cache code -> id.
  absl::flat_hash_map<std::string, int64_t> intern;
  std::unordered_map<const arrow::Dictionary*, std::vector<int64_t>> dict_ids;
  std::vector<std::shared_ptr<const void>> dict_keep;
  // Time-bucket key: raw timestamps, keyed by bucket number (-1: none).
  int bucket_key = -1;
  std::unique_ptr<BucketFn> bucket;
  // Dense groups: aggregate state indexed by DenseGroups slot (null: hashing).
  std::unique_ptr<DenseGroups> dense;
  int64_t dense_sized = 0;  // slots the aggregate state covers

  Impl(std::vector<LType> types, std::vector<AggSpec> specs) : key_types(std::move(types)) {
    nk = key_types.size();
    for (LType t : key_types) key_values.emplace_back(t);
    for (AggSpec& sp : specs) {
      AggCol c;
      c.spec = sp;
      aggs.push_back(std::move(c));
    }
  }
  // A hashing Impl with this one's keys, aggregates and bucket key, and no groups.
  std::unique_ptr<Impl> EmptyHashing() const {
    std::vector<AggSpec> specs;
    for (const AggCol& a : aggs) specs.push_back(a.spec);
    auto fresh = std::make_unique<Impl>(key_types, std::move(specs));
    fresh->bucket_key = bucket_key;
    if (bucket) fresh->bucket = std::make_unique<BucketFn>(*bucket);
    return fresh;
  }

  // Group (or dense slot) of every row of in; false, changing nothing, when dense groups do
  // not fit a row.
  bool Ids(const Chunk& in, std::vector<uint32_t>* gid) {
    if (dense == nullptr) {
      GroupIds(in, gid);
      return true;
    }
    if (!dense->Assign(in, gid)) return false;
    if (dense->slots() > dense_sized) {
      dense_sized = dense->slots();
      for (AggCol& a : aggs) a.Resize(static_cast<size_t>(dense_sized));
    }
    return true;
  }

  // The groups' keys and the slots of their aggregate state. Hashing: once only (the key
  // builders are consumed).
  void Export(Chunk* keys, std::vector<uint32_t>* slots) {
    if (dense != nullptr) {
      dense->Export(key_types, keys, slots);
      return;
    }
    keys->size = static_cast<int64_t>(groups);
    keys->cols.clear();
    for (auto& b : key_values) keys->cols.push_back(b.Finish());
    slots->resize(groups);
    std::iota(slots->begin(), slots->end(), 0u);
  }

  // Folds the groups of from (keys and slots from from.Export) into this one; false (nothing
  // folded) when dense groups here do not fit them.
  bool Fold(Impl& from, const Chunk& keys, const std::vector<uint32_t>& src) {
    if (src.empty()) return true;
    std::vector<uint32_t> gid;
    if (!Ids(keys, &gid)) return false;
    for (size_t a = 0; a < aggs.size(); ++a) {
      for (size_t k = 0; k < src.size(); ++k) aggs[a].MergeSlot(gid[k], from.aggs[a], src[k]);
    }
    return true;
  }

  // Ordinals of the bucket key (its words).
  void BucketWords(const Vector& v, int64_t n, std::vector<int64_t>* w) const {
    w->resize(static_cast<size_t>(n));
    if (v.constant) {
      std::fill(w->begin(), w->end(), bucket->Ordinal(v.I(0)));
    } else {
      bucket->Ordinals(v.i, n, w->data());
    }
  }

  int64_t Intern(std::string_view s) {
    auto it = intern.find(absl::string_view(s.data(), s.size()));
    if (it != intern.end()) return it->second;
    int64_t id = static_cast<int64_t>(intern.size());
    intern.emplace(std::string(s), id);
    return id;
  }

  // Normalized key word of row r of key column k.
  void Words(const Vector& v, int64_t n, std::vector<int64_t>* w) {
    w->resize(static_cast<size_t>(n));
    int64_t* out = w->data();
    if (v.codes != nullptr) {
      auto& ids = dict_ids[v.dict];
      if (ids.empty() && v.dict->length > 0) {
        ids.assign(static_cast<size_t>(v.dict->length), -1);
        if (v.data) dict_keep.push_back(v.data);
      }
      for (int64_t r = 0; r < n; ++r) {
        int32_t c = v.codes[v.At(r)];
        if (v.IsNull(r) || c < 0 || c >= v.dict->length) {  // a NULL row's code is undefined
          out[r] = 0;
          continue;
        }
        int64_t& id = ids[static_cast<size_t>(c)];
        if (id < 0) id = Intern(v.dict->Get(c));
        out[r] = id;
      }
      return;
    }
    switch (PhysOf(v.type)) {
      case Phys::kInt:
        for (int64_t r = 0; r < n; ++r) out[r] = v.I(r);
        break;
      case Phys::kFloat:
        for (int64_t r = 0; r < n; ++r) {
          double x = v.F(r);
          if (x == 0) x = 0;
          if (std::isnan(x)) x = std::numeric_limits<double>::quiet_NaN();
          std::memcpy(&out[r], &x, 8);
        }
        break;
      case Phys::kStr:
        for (int64_t r = 0; r < n; ++r) out[r] = Intern(v.S(r));
        break;
      case Phys::kInterval:
        for (int64_t r = 0; r < n; ++r) {
          __int128 s = v.V(r).Span();
          out[r] = static_cast<int64_t>(s ^ (s >> 64));
        }
        break;
    }
  }

  uint32_t NewGroup(const Chunk& in, int64_t r) {
    uint32_t g = static_cast<uint32_t>(groups++);
    for (size_t k = 0; k < nk; ++k) key_values[k].AppendFrom(in.cols[k], r);
    for (AggCol& a : aggs) a.Resize(groups);
    return g;
  }

  // Group ids of every row of in (keys in its first nk columns).
  void GroupIds(const Chunk& in, std::vector<uint32_t>* gid) {
    const int64_t n = in.size;
    gid->resize(static_cast<size_t>(n));
    if (nk == 0) {
      if (groups == 0) NewGroup(in, 0);
      std::fill(gid->begin(), gid->end(), 0);
      return;
    }
    std::vector<std::vector<int64_t>> words(nk);
    std::vector<uint64_t> masks(static_cast<size_t>(n), 0);
    for (size_t k = 0; k < nk; ++k) {
      const Vector& v = in.cols[k];
      if (static_cast<int>(k) == bucket_key) {
        BucketWords(v, n, &words[k]);
      } else {
        Words(v, n, &words[k]);
      }
      if (v.nulls != nullptr) {
        for (int64_t r = 0; r < n; ++r) {
          if (v.IsNull(r)) {
            masks[r] |= uint64_t{1} << (k % 64);
            words[k][r] = 0;
          }
        }
      }
    }
    if (nk <= 2) {
      Key3 prev{};
      uint32_t prev_g = 0;
      bool have_prev = false;
      for (int64_t r = 0; r < n; ++r) {
        Key3 key{words[0][r], nk > 1 ? words[1][r] : 0, static_cast<int64_t>(masks[r])};
        if (have_prev && key == prev) {
          (*gid)[r] = prev_g;
          continue;
        }
        auto it = small.find(key);
        uint32_t g;
        if (it == small.end()) {
          g = NewGroup(in, r);
          small.emplace(key, g);
        } else {
          g = it->second;
        }
        (*gid)[r] = g;
        prev = key;
        prev_g = g;
        have_prev = true;
      }
      return;
    }
    std::string key((nk + 1) * 8, '\0');
    for (int64_t r = 0; r < n; ++r) {
      for (size_t k = 0; k < nk; ++k) std::memcpy(&key[k * 8], &words[k][r], 8);
      std::memcpy(&key[nk * 8], &masks[r], 8);
      auto it = large.find(key);
      uint32_t g;
      if (it == large.end()) {
        g = NewGroup(in, r);
        large.emplace(key, g);
      } else {
        g = it->second;
      }
      (*gid)[r] = g;
    }
  }
};

HashAggregator::HashAggregator(std::vector<LType> key_types, std::vector<AggSpec> aggs)
    : impl_(std::make_unique<Impl>(std::move(key_types), std::move(aggs))) {}
HashAggregator::~HashAggregator() = default;
HashAggregator::HashAggregator(HashAggregator&&) noexcept = default;

void HashAggregator::SetBucketKey(int key, const BucketFn& fn) {
  impl_->bucket_key = key;
  impl_->bucket = std::make_unique<BucketFn>(fn);
}

void HashAggregator::SetDense(int64_t min_time, const DensePlan& plan) {
  impl_->dense = std::make_unique<DenseGroups>(*impl_->bucket, impl_->bucket_key, min_time, plan);
  impl_->dense_sized = impl_->dense->slots();
  for (AggCol& a : impl_->aggs) a.Resize(static_cast<size_t>(impl_->dense_sized));
}

bool HashAggregator::dense() const { return impl_->dense != nullptr; }

void HashAggregator::MoveToHashing() {
  std::unique_ptr<Impl> fresh = impl_->EmptyHashing();
  Chunk keys;
  std::vector<uint32_t> slots;
  impl_->Export(&keys, &slots);
  fresh->Fold(*impl_, keys, slots);  // a hashing Impl fits every group
  impl_ = std::move(fresh);
}

Status HashAggregator::Consume(const Chunk& in) {
  if (in.size == 0) return Status::OK();
  std::vector<uint32_t> gid;
  if (!impl_->Ids(in, &gid)) {
    MoveToHashing();
    impl_->Ids(in, &gid);
  }
  // One group for the whole chunk (no keys, or one series' rows): folded as a single run.
  bool one_group = impl_->nk == 0;
  if (!one_group && gid.front() == gid.back()) {
    uint32_t diff = 0;
    for (int64_t r = 1; r < in.size; ++r) diff |= gid[static_cast<size_t>(r)] ^ gid[0];
    one_group = diff == 0;
  }
  for (AggCol& a : impl_->aggs) {
    a.one_group = one_group;
    OMEN_RETURN_IF_ERROR(a.Update(gid.data(), in, in.size));
  }
  return Status::OK();
}

Status HashAggregator::Merge(HashAggregator& other) {
  Impl& o = *other.impl_;
  Chunk keys;
  std::vector<uint32_t> slots;
  o.Export(&keys, &slots);
  if (!impl_->Fold(o, keys, slots)) {
    MoveToHashing();
    impl_->Fold(o, keys, slots);
  }
  o.groups = 0;  // other is left without groups
  o.dense.reset();
  return Status::OK();
}

Result<Chunk> HashAggregator::Finish() {
  Impl& m = *impl_;
  if (m.dense != nullptr) {
    Chunk out;
    std::vector<uint32_t> slots;
    m.Export(&out, &slots);
    for (AggCol& a : m.aggs) {
      a.Gather(slots);
      Vector v;
      OMEN_RETURN_IF_ERROR(a.Result(slots.size(), &v));
      out.cols.push_back(std::move(v));
    }
    return out;
  }
  if (m.nk == 0 && m.groups == 0) {
    m.groups = 1;
    for (AggCol& a : m.aggs) a.Resize(1);
  }
  Chunk out;
  out.size = static_cast<int64_t>(m.groups);
  for (auto& b : m.key_values) out.cols.push_back(b.Finish());
  for (AggCol& a : m.aggs) {
    Vector v;
    OMEN_RETURN_IF_ERROR(a.Result(m.groups, &v));
    out.cols.push_back(std::move(v));
  }
  return out;
}

int64_t HashAggregator::groups() const {
  return impl_->dense != nullptr ? impl_->dense->groups() : static_cast<int64_t>(impl_->groups);
}

int64_t HashAggregator::MemoryBytes() const {
  int64_t b = static_cast<int64_t>(impl_->groups) * (32 + 8 * static_cast<int64_t>(impl_->nk));
  if (impl_->dense != nullptr) b += impl_->dense->MemoryBytes();
  for (const AggCol& a : impl_->aggs) b += a.Bytes();
  return b;
}

}  // namespace omen::exec
