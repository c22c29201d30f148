// Copyright 2026 The OmenDB Authors.
//
// Concat and SortIndices against row-by-row references: every vector form (plain, dictionary
// codes, constant, with and without NULLs) and every sort key kind.

#include "exec/ops.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "arrow/column.h"
#include "exec/types.h"

namespace omen::exec {
namespace {

using Cell = std::optional<std::string>;  // a value as text; nullopt = NULL

std::vector<Cell> Cells(const Vector& v) {
  std::vector<Cell> out;
  for (int64_t r = 0; r < v.size; ++r) {
    std::string s;
    if (AppendText(v, r, &s)) {
      out.emplace_back(s);
    } else {
      out.emplace_back(std::nullopt);
    }
  }
  return out;
}

// Text rows drawn from `words` (NULL where null_every divides the row), as a dictionary vector
// over `dict` or as plain views.
Vector TextVector(const std::vector<int>& picks,
                  const std::shared_ptr<const arrow::Dictionary>& dict, bool coded,
                  int null_every) {
  auto d = std::make_shared<VectorData>();
  Vector v;
  v.type = LType::kText;
  v.size = static_cast<int64_t>(picks.size());
  bool any_null = false;
  for (size_t r = 0; r < picks.size(); ++r) {
    const bool null = null_every > 0 && r % static_cast<size_t>(null_every) == 0;
    d->nulls.push_back(null ? 1 : 0);
    any_null |= null;
  }
  if (coded) {
    auto codes = std::make_shared<std::vector<int32_t>>();
    for (size_t r = 0; r < picks.size(); ++r) codes->push_back(d->nulls[r] ? -3 : picks[r]);
    v.codes = codes->data();
    v.dict = dict.get();
    d->keep.push_back(codes);
    d->keep.push_back(dict);
  } else {
    for (int p : picks) d->s.push_back(d->arena.Add(dict->Get(p)));
    v.s = d->s.data();
  }
  v.nulls = any_null ? d->nulls.data() : nullptr;
  v.data = std::move(d);
  return v;
}

Vector IntVector(const std::vector<int64_t>& xs, int null_every) {
  VectorBuilder b(LType::kInt64);
  for (size_t r = 0; r < xs.size(); ++r) {
    if (null_every > 0 && r % static_cast<size_t>(null_every) == 1) {
      b.AppendNull();
    } else {
      b.AppendInt(xs[r]);
    }
  }
  return b.Finish();
}

Vector FloatVector(const std::vector<double>& xs) {
  VectorBuilder b(LType::kFloat64);
  for (double x : xs) b.AppendFloat(x);
  return b.Finish();
}

std::shared_ptr<const arrow::Dictionary> Words(const std::vector<std::string>& words) {
  std::vector<std::string_view> views(words.begin(), words.end());
  return arrow::Dictionary::Make(views);
}

TEST(Concat, EveryPartFormMatchesRowByRow) {
  const auto dict_a = Words({"host_3", "host_1", "host_2", "zeta", ""});
  const auto dict_b = Words({"b", "a", "host_1"});
  std::mt19937 rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    const int nparts = 1 + static_cast<int>(rng() % 5);
    const int form = static_cast<int>(rng() % 6);
    std::vector<Vector> parts;
    std::vector<Cell> expected;
    LType type = form <= 2 ? LType::kText : form == 3 ? LType::kInt64 : LType::kFloat64;
    for (int p = 0; p < nparts; ++p) {
      const int n = static_cast<int>(rng() % 40);
      Vector v;
      if (form == 0 || form == 1 || form == 2) {
        // 0: one shared dictionary; 1: two dictionaries; 2: coded and plain mixed
        const bool use_b = form == 1 && p % 2 == 1;
        const auto& dict = use_b ? dict_b : dict_a;
        std::vector<int> picks;
        for (int r = 0; r < n; ++r) picks.push_back(static_cast<int>(rng() % dict->length));
        const bool coded = form != 2 || p % 2 == 0;
        v = TextVector(picks, dict, coded, static_cast<int>(rng() % 4));
      } else if (form == 3) {
        std::vector<int64_t> xs;
        for (int r = 0; r < n; ++r) xs.push_back(static_cast<int64_t>(rng() % 100) - 50);
        v = IntVector(xs, static_cast<int>(rng() % 3));
      } else if (form == 4) {
        std::vector<double> xs;
        for (int r = 0; r < n; ++r) xs.push_back(static_cast<double>(rng() % 1000) / 8);
        v = FloatVector(xs);
      } else {  // a constant part among float parts: the row-by-row path
        v = p == 0 ? ConstantVector(Value::Float(LType::kFloat64, 2.5), n)
                   : FloatVector({1.0, -3.25});
      }
      for (const Cell& c : Cells(v)) expected.push_back(c);
      parts.push_back(std::move(v));
    }
    Vector out = Concat(parts, type);
    parts.clear();  // the result must own what it points at
    ASSERT_EQ(out.size, static_cast<int64_t>(expected.size())) << "trial " << trial;
    EXPECT_EQ(Cells(out), expected) << "trial " << trial << " form " << form;
    if (form == 0 && out.size > 0) {
      EXPECT_NE(out.codes, nullptr) << "one shared dictionary stays coded";
    }
  }
}

// The reference order: rows compared key by key with PostgreSQL's rules, ties by position.
std::vector<uint32_t> ReferenceOrder(const Chunk& c, const std::vector<SortKey>& keys) {
  std::vector<uint32_t> idx(static_cast<size_t>(c.size));
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](uint32_t a, uint32_t b) {
    for (const SortKey& k : keys) {
      const Vector& v = c.cols[static_cast<size_t>(k.col)];
      const bool an = v.IsNull(a), bn = v.IsNull(b);
      if (an || bn) {
        if (an && bn) continue;
        return an ? k.nulls_first : !k.nulls_first;
      }
      const int cmp = CompareRows(v, a, v, b);
      if (cmp != 0) return k.desc ? cmp > 0 : cmp < 0;
    }
    return false;
  });
  return idx;
}

TEST(SortIndices, EveryKeyKindMatchesReference) {
  const auto dict = Words({"host_10", "host_2", "host_1", "a", "host_1x"});
  const auto sorted_dict = Words({"a", "host_1", "host_10", "host_1x", "host_2"});
  ASSERT_FALSE(dict->sorted);
  ASSERT_TRUE(sorted_dict->sorted);  // compared by code
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  std::mt19937 rng(11);
  for (int trial = 0; trial < 300; ++trial) {
    const int n = static_cast<int>(rng() % 60);
    std::vector<int> picks;
    std::vector<int64_t> ints;
    std::vector<double> floats;
    const double special[] = {nan, inf, -inf, 0.0, -0.0, 1.5};
    for (int r = 0; r < n; ++r) {
      picks.push_back(static_cast<int>(rng() % dict->length));
      ints.push_back(static_cast<int64_t>(rng() % 7));
      floats.push_back(rng() % 4 == 0 ? special[rng() % 6] : static_cast<double>(rng() % 5));
    }
    Chunk c;
    c.size = n;
    c.cols.push_back(TextVector(picks, dict, true, static_cast<int>(rng() % 4)));
    c.cols.push_back(TextVector(picks, dict, false, static_cast<int>(rng() % 4)));
    c.cols.push_back(IntVector(ints, static_cast<int>(rng() % 3)));
    c.cols.push_back(FloatVector(floats));
    c.cols.push_back(ConstantVector(Value::Int(LType::kInt64, 4), n));
    c.cols.push_back(TextVector(picks, sorted_dict, true, static_cast<int>(rng() % 4)));
    std::vector<SortKey> keys;
    const int nkeys = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < nkeys; ++k) {
      keys.push_back(SortKey{static_cast<int>(rng() % 6), rng() % 2 == 0, rng() % 2 == 0});
    }
    const std::vector<uint32_t> want = ReferenceOrder(c, keys);
    EXPECT_EQ(SortIndices(c, keys), want) << "trial " << trial;
    const int64_t limit = n == 0 ? 0 : static_cast<int64_t>(rng() % static_cast<uint32_t>(n));
    const std::vector<uint32_t> top = SortIndices(c, keys, limit);
    EXPECT_EQ(top, std::vector<uint32_t>(want.begin(), want.begin() + limit)) << "trial " << trial;
  }
}

}  // namespace
}  // namespace omen::exec
