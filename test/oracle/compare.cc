// Copyright 2026 The OmenDB Authors.

#include "oracle/compare.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <vector>

namespace omen::test {
namespace {

constexpr double kRelTolerance = 1e-6;
constexpr double kAbsTolerance = 1e-9;
constexpr double kExactLimit = 9007199254740992.0;  // 2^53
// Multisets this large that differ after sorting are not re-matched pair by pair (quadratic).
constexpr size_t kMaxGreedyRows = 5000;

bool ParseNumber(const std::string& s, double* out) {
  if (s.empty() || std::isspace(static_cast<unsigned char>(s[0]))) return false;
  if (s.size() > 1 && (s[1] == 'x' || s[1] == 'X')) return false;  // no hex
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size();
}

// A total order on values for sorting multisets: NULL, then numbers by value, then text.
int CompareValues(const TextValue& a, const TextValue& b) {
  if (!a || !b) return static_cast<int>(a.has_value()) - static_cast<int>(b.has_value());
  double x, y;
  bool xn = ParseNumber(*a, &x), yn = ParseNumber(*b, &y);
  if (xn && yn) {
    if (std::isnan(x) || std::isnan(y)) return static_cast<int>(std::isnan(x)) - std::isnan(y);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (xn != yn) return xn ? -1 : 1;
  return a->compare(*b) < 0 ? -1 : a->compare(*b) > 0 ? 1 : 0;
}

bool RowLess(const std::vector<TextValue>& a, const std::vector<TextValue>& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    int c = CompareValues(a[i], b[i]);
    if (c != 0) return c < 0;
  }
  return a.size() < b.size();
}

bool RowsEqual(const std::vector<TextValue>& a, const std::vector<TextValue>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!ValuesEqual(a[i], b[i])) return false;
  }
  return true;
}

std::string FormatRow(const std::vector<TextValue>& row) {
  std::string out;
  for (size_t i = 0; i < row.size(); ++i) {
    if (i > 0) out += " | ";
    out += row[i] ? *row[i] : "NULL";
  }
  return out;
}

}  // namespace

bool ValuesEqual(const TextValue& a, const TextValue& b) {
  if (!a || !b) return !a && !b;
  if (*a == *b) return true;
  double x, y;
  if (!ParseNumber(*a, &x) || !ParseNumber(*b, &y)) return false;
  if (std::isnan(x) || std::isnan(y)) return std::isnan(x) && std::isnan(y);
  if (std::isinf(x) || std::isinf(y)) return x == y;
  // Whole numbers that doubles hold exactly (counts, epochs, integer sums) must be equal.
  if (x == std::trunc(x) && y == std::trunc(y) && std::fabs(x) < kExactLimit &&
      std::fabs(y) < kExactLimit) {
    return x == y;
  }
  double diff = std::fabs(x - y);
  return diff <= kAbsTolerance || diff <= kRelTolerance * std::max(std::fabs(x), std::fabs(y));
}

std::string CompareRows(const TextRows& ours, const TextRows& theirs, bool ordered) {
  if (ours.size() != theirs.size()) {
    return "row count differs: ours " + std::to_string(ours.size()) + ", pg " +
           std::to_string(theirs.size());
  }
  for (size_t i = 0; i < ours.size(); ++i) {
    if (ours[i].size() != theirs[i].size()) {
      return "column count differs: ours " + std::to_string(ours[i].size()) + ", pg " +
             std::to_string(theirs[i].size());
    }
  }
  if (ordered) {
    for (size_t i = 0; i < ours.size(); ++i) {
      if (!RowsEqual(ours[i], theirs[i])) {
        return "row " + std::to_string(i) + " differs: ours [" + FormatRow(ours[i]) + "], pg [" +
               FormatRow(theirs[i]) + "]";
      }
    }
    return "";
  }
  TextRows a = ours, b = theirs;
  std::sort(a.begin(), a.end(), RowLess);
  std::sort(b.begin(), b.end(), RowLess);
  size_t first_diff = a.size();
  for (size_t i = 0; i < a.size(); ++i) {
    if (!RowsEqual(a[i], b[i])) {
      first_diff = i;
      break;
    }
  }
  if (first_diff == a.size()) return "";
  if (a.size() > kMaxGreedyRows) {
    return "sorted row " + std::to_string(first_diff) + " differs: ours [" +
           FormatRow(a[first_diff]) + "], pg [" + FormatRow(b[first_diff]) + "]";
  }
  // Values within tolerance may sort differently: match the rest pair by pair.
  std::vector<bool> used(b.size(), false);
  for (size_t i = first_diff; i < a.size(); ++i) {
    bool found = false;
    for (size_t j = first_diff; j < b.size() && !found; ++j) {
      if (!used[j] && RowsEqual(a[i], b[j])) used[j] = found = true;
    }
    if (!found) return "ours has a row pg lacks: [" + FormatRow(a[i]) + "]";
  }
  return "";
}

std::string FormatRows(const TextRows& rows, size_t max_rows) {
  std::string out;
  for (size_t i = 0; i < rows.size() && i < max_rows; ++i) {
    out += "    " + FormatRow(rows[i]) + "\n";
  }
  if (rows.size() > max_rows) {
    out += "    ... (" + std::to_string(rows.size() - max_rows) + " more rows)\n";
  }
  if (rows.empty()) out += "    (no rows)\n";
  return out;
}

}  // namespace omen::test
