// Copyright 2026 The OmenDB Authors.

#include "exec/ops.h"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "exec/expr.h"

namespace omen::exec {
namespace {

// One sort key prepared for comparison without per-row type dispatch: raw pointers to the
// values, text read as string_views once (dictionary codes resolved per row ahead of the sort).
struct PreparedKey {
  enum Kind { kInt, kFloat, kStr, kCode, kOther } kind = kOther;
  const Vector* v = nullptr;
  const uint8_t* nulls = nullptr;
  const int64_t* i = nullptr;
  const double* f = nullptr;
  const std::string_view* s = nullptr;
  const int32_t* codes = nullptr;      // kCode: codes into a sorted dictionary
  std::vector<std::string_view> strs;  // text from a dictionary
  bool desc = false;
  bool nulls_first = false;
};

// Compares rows a and b on one prepared key: <0, 0, >0 in the key's order.
inline int ComparePrepared(const PreparedKey& k, uint32_t a, uint32_t b) {
  if (k.nulls != nullptr) {
    const bool an = k.nulls[a] != 0, bn = k.nulls[b] != 0;
    if (an || bn) {
      if (an && bn) return 0;
      // NULL sorts last unless nulls_first (direction does not flip this here).
      return an ? (k.nulls_first ? -1 : 1) : (k.nulls_first ? 1 : -1);
    }
  }
  int c;
  switch (k.kind) {
    case PreparedKey::kInt:
      c = k.i[a] < k.i[b] ? -1 : k.i[a] > k.i[b] ? 1 : 0;
      break;
    case PreparedKey::kFloat:
      c = CompareFloats(k.f[a], k.f[b]);
      break;
    case PreparedKey::kCode:
      c = k.codes[a] < k.codes[b] ? -1 : k.codes[a] > k.codes[b] ? 1 : 0;
      break;
    case PreparedKey::kStr: {
      const int r = k.s[a].compare(k.s[b]);
      c = r < 0 ? -1 : r > 0 ? 1 : 0;
      break;
    }
    default:
      c = CompareRows(*k.v, a, *k.v, b);
      break;
  }
  return k.desc ? -c : c;
}

// Rows a and b on every prepared key in turn: <0, 0, >0.
inline int CompareAll(const std::vector<PreparedKey>& keys, uint32_t a, uint32_t b) {
  for (const PreparedKey& k : keys) {
    const int c = ComparePrepared(k, a, b);
    if (c != 0) return c;
  }
  return 0;
}

// The keys of `keys` that can tell rows apart (a constant column cannot), prepared.
std::vector<PreparedKey> PrepareKeys(const Chunk& in, const std::vector<SortKey>& keys) {
  std::vector<PreparedKey> out;
  for (const SortKey& sk : keys) {
    const Vector& v = in.cols[static_cast<size_t>(sk.col)];
    if (v.constant) continue;
    PreparedKey k;
    k.v = &v;
    k.nulls = v.nulls;
    k.desc = sk.desc;
    k.nulls_first = sk.nulls_first;
    switch (PhysOf(v.type)) {
      case Phys::kInt:
        k.kind = PreparedKey::kInt;
        k.i = v.i;
        break;
      case Phys::kFloat:
        k.kind = PreparedKey::kFloat;
        k.f = v.f;
        break;
      case Phys::kStr:
        if (v.codes != nullptr && v.dict->sorted) {  // code order is value order
          k.kind = PreparedKey::kCode;
          k.codes = v.codes;
          break;
        }
        k.kind = PreparedKey::kStr;
        if (v.codes == nullptr) {
          k.s = v.s;
        } else {
          k.strs.resize(static_cast<size_t>(in.size));
          for (int64_t r = 0; r < in.size; ++r) k.strs[static_cast<size_t>(r)] = v.S(r);
          k.s = k.strs.data();
        }
        break;
      default:
        break;
    }
    out.push_back(std::move(k));
  }
  return out;
}

}  // namespace

std::vector<uint32_t> SortIndices(const Chunk& in, const std::vector<SortKey>& keys,
                                  int64_t limit) {
  std::vector<uint32_t> idx(static_cast<size_t>(in.size));
  std::iota(idx.begin(), idx.end(), 0);
  const std::vector<PreparedKey> prepared = PrepareKeys(in, keys);
  auto sort = [&](auto less) {
    if (limit >= 0 && limit < in.size) {
      std::partial_sort(idx.begin(), idx.begin() + limit, idx.end(), less);
      idx.resize(static_cast<size_t>(limit));
    } else {
      std::sort(idx.begin(), idx.end(), less);
    }
  };
  if (prepared.empty()) {
    if (limit >= 0 && limit < in.size) idx.resize(static_cast<size_t>(limit));
    return idx;
  }
  if (prepared.size() == 1 && prepared[0].nulls == nullptr &&
      prepared[0].kind == PreparedKey::kInt) {
    const int64_t* x = prepared[0].i;
    const bool desc = prepared[0].desc;
    sort([&](uint32_t a, uint32_t b) {
      if (x[a] != x[b]) return desc ? x[a] > x[b] : x[a] < x[b];
      return a < b;  // stable
    });
    return idx;
  }
  sort([&](uint32_t a, uint32_t b) {
    const int c = CompareAll(prepared, a, b);
    return c != 0 ? c < 0 : a < b;  // stable
  });
  return idx;
}

bool RowsEqual(const Chunk& in, const std::vector<int>& cols, int64_t a, int64_t b) {
  for (int c : cols) {
    const Vector& v = in.cols[static_cast<size_t>(c)];
    const bool an = v.IsNull(a), bn = v.IsNull(b);
    if (an != bn) return false;
    if (!an && CompareRows(v, a, v, b) != 0) return false;
  }
  return true;
}

namespace {
void RowKey(const Chunk& in, const std::vector<int>& cols, int64_t r, std::string* key_out) {
  std::string& key = *key_out;
  key.clear();
  {
    for (int c : cols) {
      const Vector& v = in.cols[static_cast<size_t>(c)];
      if (v.IsNull(r)) {
        key += '\0';
        continue;
      }
      key += '\1';
      switch (PhysOf(v.type)) {
        case Phys::kInt: {
          int64_t x = v.I(r);
          key.append(reinterpret_cast<const char*>(&x), 8);
          break;
        }
        case Phys::kFloat: {
          double x = v.F(r);
          if (x == 0) x = 0;
          key.append(reinterpret_cast<const char*>(&x), 8);
          break;
        }
        case Phys::kStr: {
          std::string_view s = v.S(r);
          uint32_t len = static_cast<uint32_t>(s.size());
          key.append(reinterpret_cast<const char*>(&len), 4);
          key.append(s);
          break;
        }
        case Phys::kInterval: {
          __int128 s = v.V(r).Span();
          key.append(reinterpret_cast<const char*>(&s), 16);
          break;
        }
      }
    }
  }
}
}  // namespace

std::vector<uint32_t> DistinctRows(const Chunk& in, const std::vector<int>& cols) {
  std::vector<uint32_t> out;
  absl::flat_hash_map<std::string, uint32_t> seen;
  std::string key;
  for (int64_t r = 0; r < in.size; ++r) {
    RowKey(in, cols, r, &key);
    if (seen.emplace(key, static_cast<uint32_t>(r)).second) out.push_back(static_cast<uint32_t>(r));
  }
  return out;
}

std::vector<uint32_t> FirstPerGroup(const Chunk& in, const std::vector<int>& group_cols,
                                    const std::vector<SortKey>& order) {
  const std::vector<PreparedKey> prepared = PrepareKeys(in, order);
  absl::flat_hash_map<std::string, uint32_t> best;
  std::string key;
  int64_t prev = -1;
  uint32_t* prev_slot = nullptr;
  for (int64_t r = 0; r < in.size; ++r) {
    uint32_t* slot;
    if (prev >= 0 && RowsEqual(in, group_cols, prev, r)) {
      slot = prev_slot;  // runs of one group (tag-sorted segments) skip the hash
    } else {
      RowKey(in, group_cols, r, &key);
      auto [it, fresh] = best.emplace(key, static_cast<uint32_t>(r));
      slot = &it->second;
      if (fresh) {
        prev = r;
        prev_slot = slot;
        continue;
      }
    }
    if (CompareAll(prepared, static_cast<uint32_t>(r), *slot) < 0) {
      *slot = static_cast<uint32_t>(r);
    }
    prev = r;
    prev_slot = slot;
  }
  std::vector<uint32_t> out;
  out.reserve(best.size());
  for (const auto& [k, v] : best) out.push_back(v);
  std::sort(out.begin(), out.end());
  return out;
}

Result<Vector> ComputeWindow(const Chunk& in, const WindowSpec& w) {
  const int64_t n = in.size;
  std::vector<SortKey> keys;
  for (int c : w.partition) keys.push_back(SortKey{c, false, false});
  for (const SortKey& k : w.order) keys.push_back(k);
  std::vector<uint32_t> idx = SortIndices(in, keys);
  std::vector<Value> result(static_cast<size_t>(n));
  const Vector* arg = w.arg >= 0 ? &in.cols[static_cast<size_t>(w.arg)] : nullptr;
  std::vector<int> order_cols;
  for (const SortKey& k : w.order) order_cols.push_back(k.col);

  constexpr int64_t kCheckEvery = 1 << 16;
  int64_t work = 0;
  if (w.check) OMEN_RETURN_IF_ERROR(w.check());  // after the sort
  int64_t p0 = 0;
  while (p0 < n) {
    int64_t p1 = p0 + 1;
    while (p1 < n && RowsEqual(in, w.partition, idx[p0], idx[p1])) ++p1;
    // Rows idx[p0..p1) form one partition, in window order.
    const int64_t len = p1 - p0;
    // Peer groups (for rank and the default RANGE frame).
    std::vector<int64_t> peer_end(static_cast<size_t>(len));
    {
      int64_t k = len - 1;
      while (k >= 0) {
        int64_t j = k;
        while (j > 0 && RowsEqual(in, order_cols, idx[p0 + j - 1], idx[p0 + k])) --j;
        for (int64_t m = j; m <= k; ++m) peer_end[m] = k + 1;
        k = j - 1;
      }
    }
    int64_t rank = 0, dense = 0;
    for (int64_t k = 0; k < len; ++k) {
      // Frames make the work up to rows x frame: check for cancellation by work done.
      work += 1 + (w.rows_frame ? std::min<int64_t>(len, w.preceding < 0 ? len : w.preceding) : 0);
      if (work >= kCheckEvery && w.check) {
        work = 0;
        OMEN_RETURN_IF_ERROR(w.check());
      }
      const uint32_t row = idx[p0 + k];
      Value& out = result[row];
      const bool new_peer = k == 0 || !RowsEqual(in, order_cols, idx[p0 + k - 1], row);
      if (new_peer) {
        rank = k + 1;
        ++dense;
      }
      // Frame [fb, fe) within the partition.
      int64_t fb = 0, fe = len;
      if (w.rows_frame) {
        fb = w.preceding < 0 ? 0 : std::max<int64_t>(0, k - w.preceding);
        fe = w.following < 0 ? len : std::min<int64_t>(len, k + w.following + 1);
      } else if (!w.order.empty()) {
        fe = peer_end[k];
      }
      switch (w.fn) {
        case WinFn::kRowNumber:
          out = Value::Int(LType::kInt64, k + 1);
          break;
        case WinFn::kRank:
          out = Value::Int(LType::kInt64, rank);
          break;
        case WinFn::kDenseRank:
          out = Value::Int(LType::kInt64, dense);
          break;
        case WinFn::kLag:
        case WinFn::kLead: {
          int64_t t = w.fn == WinFn::kLag ? k - w.offset : k + w.offset;
          if (t >= 0 && t < len) {
            out = arg->Get(idx[p0 + t]);
          } else if (w.default_col >= 0) {
            out = in.cols[static_cast<size_t>(w.default_col)].Get(row);
          } else {
            out = Value::Null(w.type);
          }
          break;
        }
        case WinFn::kFirstValue:
          out = fb < fe ? arg->Get(idx[p0 + fb]) : Value::Null(w.type);
          break;
        case WinFn::kLastValue:
          out = fb < fe ? arg->Get(idx[p0 + fe - 1]) : Value::Null(w.type);
          break;
        case WinFn::kCountStar:
          out = Value::Int(LType::kInt64, std::max<int64_t>(0, fe - fb));
          break;
        case WinFn::kCount:
        case WinFn::kSum:
        case WinFn::kAvg:
        case WinFn::kMin:
        case WinFn::kMax: {
          int64_t cnt = 0;
          double fs = 0;
          __int128 is = 0;
          int64_t best = -1;
          for (int64_t j = fb; j < fe; ++j) {
            const uint32_t rr = idx[p0 + j];
            if (arg->IsNull(rr)) continue;
            ++cnt;
            if (PhysOf(arg->type) == Phys::kInt)
              is += arg->I(rr);
            else if (PhysOf(arg->type) == Phys::kFloat)
              fs += arg->F(rr);
            if (best < 0) {
              best = rr;
            } else {
              int c = CompareRows(*arg, rr, *arg, best);
              if ((w.fn == WinFn::kMin && c < 0) || (w.fn == WinFn::kMax && c > 0)) best = rr;
            }
          }
          if (w.fn == WinFn::kCount) {
            out = Value::Int(LType::kInt64, cnt);
          } else if (cnt == 0) {
            out = Value::Null(w.type);
          } else if (w.fn == WinFn::kMin || w.fn == WinFn::kMax) {
            out = arg->Get(best);
          } else {
            double total = PhysOf(arg->type) == Phys::kInt ? static_cast<double>(is) : fs;
            if (w.fn == WinFn::kAvg) {
              out = Value::Float(w.type, total / static_cast<double>(cnt));
            } else if (PhysOf(w.type) == Phys::kInt) {
              out = Value::Int(w.type, static_cast<int64_t>(is));
            } else {
              out = Value::Float(w.type, total);
            }
          }
          break;
        }
      }
      out.type = w.type;
    }
    p0 = p1;
  }
  VectorBuilder b(w.type, n);
  for (const Value& v : result) b.Append(v);
  return b.Finish();
}

Result<Chunk> GapFill(const Chunk& in, const std::vector<LType>& types, const GapFillSpec& g) {
  if (g.width.months == 0 && g.width.days == 0 && g.width.micros <= 0) {
    return Status::InvalidArgument("time_bucket_gapfill: bucket width must be positive");
  }
  // Buckets in range.
  std::vector<int64_t> buckets;
  for (int64_t b = TimeBucket(g.width, g.start, g.origin); b < g.end; b = AddInterval(b, g.width)) {
    buckets.push_back(b);
    if (buckets.size() > 10'000'000) {
      return Status::ResourceExhausted("time_bucket_gapfill would produce over 10M buckets");
    }
  }
  std::vector<SortKey> keys;
  for (int c : g.group_cols) keys.push_back(SortKey{c, false, false});
  keys.push_back(SortKey{g.bucket_col, false, false});
  std::vector<uint32_t> idx = SortIndices(in, keys);
  std::vector<VectorBuilder> out;
  for (LType t : types) out.emplace_back(t);
  auto emit_row = [&](int64_t src) {
    for (size_t c = 0; c < types.size(); ++c) out[c].AppendFrom(in.cols[c], src);
  };
  auto emit_fill = [&](int64_t group_src, int64_t bucket) {
    for (size_t c = 0; c < types.size(); ++c) {
      if (static_cast<int>(c) == g.bucket_col) {
        out[c].AppendInt(bucket);
      } else if (std::find(g.group_cols.begin(), g.group_cols.end(), static_cast<int>(c)) !=
                     g.group_cols.end() &&
                 group_src >= 0) {
        out[c].AppendFrom(in.cols[c], group_src);
      } else {
        out[c].AppendNull();
      }
    }
  };
  const Vector& bv = in.cols[static_cast<size_t>(g.bucket_col)];
  size_t p = 0;
  const size_t n = idx.size();
  if (n == 0 && g.group_cols.empty()) {
    for (int64_t b : buckets) emit_fill(-1, b);
  }
  while (p < n) {
    size_t q = p + 1;
    while (q < n && RowsEqual(in, g.group_cols, idx[p], idx[q])) ++q;
    size_t k = p;
    for (int64_t b : buckets) {
      while (k < q && !bv.IsNull(idx[k]) && bv.I(idx[k]) < b) {
        // Rows before the range (or between buckets) are kept as they are.
        if (bv.I(idx[k]) < g.start) emit_row(idx[k]);
        ++k;
      }
      if (k < q && !bv.IsNull(idx[k]) && bv.I(idx[k]) == b) {
        while (k < q && !bv.IsNull(idx[k]) && bv.I(idx[k]) == b) emit_row(idx[k++]);
      } else {
        emit_fill(idx[p], b);
      }
    }
    while (k < q) emit_row(idx[k++]);
    p = q;
  }
  Chunk c;
  for (auto& b : out) c.cols.push_back(b.Finish());
  c.size = c.cols.empty() ? 0 : c.cols[0].size;
  // locf / interpolate, per group, in bucket order (rows are already in that order).
  auto same_group = [&](int64_t a, int64_t b) { return RowsEqual(c, g.group_cols, a, b); };
  std::vector<Vector> filled = c.cols;
  for (int col : g.locf_cols) {
    const Vector& v = c.cols[static_cast<size_t>(col)];
    VectorBuilder b(v.type, c.size);
    int64_t last = -1;
    for (int64_t r = 0; r < c.size; ++r) {
      if (r > 0 && !same_group(r - 1, r)) last = -1;
      if (!v.IsNull(r)) {
        last = r;
        b.AppendFrom(v, r);
      } else if (last >= 0) {
        b.AppendFrom(v, last);
      } else {
        b.AppendNull();
      }
    }
    filled[static_cast<size_t>(col)] = b.Finish();
  }
  const Vector& bucket = c.cols[static_cast<size_t>(g.bucket_col)];
  for (int col : g.interpolate_cols) {
    const Vector& v = c.cols[static_cast<size_t>(col)];
    VectorBuilder b(v.type, c.size);
    for (int64_t r = 0; r < c.size; ++r) {
      if (!v.IsNull(r)) {
        b.AppendFrom(v, r);
        continue;
      }
      int64_t lo = r - 1, hi = r + 1;
      while (lo >= 0 && same_group(lo, r) && v.IsNull(lo)) --lo;
      while (hi < c.size && same_group(hi, r) && v.IsNull(hi)) ++hi;
      if (lo < 0 || !same_group(lo, r) || hi >= c.size || !same_group(hi, r)) {
        b.AppendNull();
        continue;
      }
      const double x0 = static_cast<double>(bucket.I(lo)), x1 = static_cast<double>(bucket.I(hi));
      const double y0 = v.F(lo), y1 = v.F(hi);
      const double x = static_cast<double>(bucket.I(r));
      const double y = y0 + (y1 - y0) * (x - x0) / (x1 - x0);
      if (PhysOf(v.type) == Phys::kInt)
        b.AppendInt(static_cast<int64_t>(std::llround(y)));
      else
        b.AppendFloat(y);
    }
    filled[static_cast<size_t>(col)] = b.Finish();
  }
  c.cols = std::move(filled);
  return c;
}

}  // namespace omen::exec
