// Optimal error-bounded piecewise-linear approximation (PLA) of the rank function
// of a sorted key sequence, built in one streaming pass.
//
// What is approximated. For sorted keys k[0..n) (duplicates allowed) let
// F(x) = lower_bound(x) = #{i : k[i] < x}, defined for every integer x. The segmenter
// emits segments; segment s covers the integer keys [s.first_key, next.first_key) and
// predicts f(x) = s.intercept + s.slope * (x - s.first_key) with
//
//     F(x) - eps - 1 <= f(x) <= F(x) + eps   (up to a rounding error far below 1)
//
// for every integer x in its range (the -1 is for keys absent from the data: F jumps by
// one right after a key, and a non-decreasing line may lag the jump by one position).
// Callers therefore search lower_bound(x) in [floor(f) - eps, floor(f) + eps + 2): a
// window of 2*eps + 2 positions, never capped.
//
// How. One point (k, F(k)) per distinct key, plus a point (k + 1, F(k + 1)) after a key
// with duplicates so the jump over a run is constrained too. Points are fed to the
// streaming convex-hull algorithm of O'Rourke (1981), the one PGM-index uses, which keeps
// the set of lines within eps of every point seen and closes the segment at the first
// point no such line can reach: the minimum number of segments, in O(1) amortized per
// point. All geometry is exact: coordinates are int64 relative to the segment's first
// point and products are 128-bit, so nanosecond timestamps (~1.7e18, near 2^62) lose
// nothing; only the final slope/intercept are rounded to double, an error of order
// n * 2^-52 positions. A segment never spans more than 2^62 key units, so the relative
// coordinates always fit.
//
// Segments are contiguous: when a segment closes after a gap in the keys, the next one
// starts at (previous key + 1), where F already has its new value, so every integer
// between the first and the last key lies in exactly one segment and nothing is ever
// extrapolated.
//
// Thread safety: none; a builder belongs to one thread. Standard library only.

#ifndef OMENDB_INDEX_PLA_H_
#define OMENDB_INDEX_PLA_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

namespace omen::index {

// Plain data: one linear model. Persisted by storage/, rebuilt without the keys.
template <typename K>
struct Segment {
  K first_key;       // smallest key the segment covers
  double slope;      // positions per key unit, >= 0
  double intercept;  // predicted position of first_key
};

// The model part of a segment, without its key (indexes keep keys in their own array).
struct LinearModel {
  double slope;
  double intercept;
};

// floor(model(key)) clamped to [0, limit], for a key inside the model's segment: the
// distance to the first key is below PlaBuilder::kMaxSpan = 2^62, so both conversions go
// through int64 (one instruction each) and lose nothing the error analysis has not counted.
template <typename K>
inline size_t PredictFloor(K first_key, const LinearModel& m, K key, size_t limit) {
  const auto dx =
      static_cast<int64_t>(static_cast<uint64_t>(key) - static_cast<uint64_t>(first_key));
  const double f = m.intercept + m.slope * static_cast<double>(dx);
  const double clamped = std::min(std::max(f, 0.0), static_cast<double>(limit));
  return static_cast<size_t>(static_cast<int64_t>(clamped));
}

// Exact geometry with 64-bit coordinates and 128-bit products.
namespace pla_internal {

using i128 = __int128;

struct Point {
  int64_t x;  // key minus the segment's first key
  int64_t y;  // position, +- eps
};

// Direction from one point to another; compares as the slope dy/dx (requires dx of both
// operands to have the same sign, as the algorithm guarantees).
struct Slope {
  int64_t dx;
  int64_t dy;
  bool operator<(const Slope& o) const {
    return static_cast<i128>(dy) * o.dx < static_cast<i128>(o.dy) * dx;
  }
  bool operator>(const Slope& o) const { return o < *this; }
};

inline Slope operator-(const Point& a, const Point& b) { return {a.x - b.x, a.y - b.y}; }

// > 0 when o -> a -> b turns counter-clockwise.
inline i128 Cross(const Point& o, const Point& a, const Point& b) {
  return static_cast<i128>(a.x - o.x) * (b.y - o.y) - static_cast<i128>(a.y - o.y) * (b.x - o.x);
}

// Unsigned distance between two keys of type K, b >= a.
template <typename K>
inline uint64_t KeyDistance(K a, K b) {
  return static_cast<uint64_t>(b) - static_cast<uint64_t>(a);
}

}  // namespace pla_internal

// The O'Rourke streaming builder over points with strictly increasing x.
template <typename K>
class PlaBuilder {
  static_assert(std::is_integral_v<K> && sizeof(K) == 8, "keys are 64-bit integers");

 public:
  // Largest key span of one segment, so relative coordinates stay in int64.
  static constexpr uint64_t kMaxSpan = uint64_t{1} << 62;

  explicit PlaBuilder(uint64_t epsilon) : eps_(static_cast<int64_t>(epsilon)) {}

  bool empty() const { return points_ == 0; }
  K first_key() const { return first_key_; }

  void Reset() {
    points_ = 0;
    upper_.clear();
    lower_.clear();
    upper_start_ = lower_start_ = 0;
  }

  // Adds (x, y). Returns false, changing nothing, when no line within eps of all points
  // (this one included) exists: the caller emits Current(), Resets and adds again.
  // REQUIRES: x greater than the previous point's x; y >= previous y.
  bool Add(K x, int64_t y) {
    // Fast path: the point's error bar holds both extreme lines at x, so no line is cut
    // off and nothing changes. Evaluated in double with a margin far above its rounding
    // error (see kFastMargin); anything closer takes the exact path.
    const uint64_t dist = pla_internal::KeyDistance(first_key_, x);
    if (points_ >= 2 && dist < kMaxSpan) {
      const double fx = static_cast<double>(static_cast<int64_t>(dist));
      const double fy = static_cast<double>(y);
      if (fy >= fast_max_y0_ + max_slope_d_ * fx && fy <= fast_min_y0_ + min_slope_d_ * fx) {
        ++points_;
        return true;
      }
    }
    return AddExact(x, y);
  }

  // The model of the points added so far: a line through the intersection of the
  // extreme feasible lines with the middle feasible slope (never negative).
  // REQUIRES: !empty().
  Segment<K> Current() const {
    using pla_internal::i128;
    if (points_ == 1) {
      return {first_key_, 0.0, static_cast<double>(first_y_)};
    }
    const pla_internal::Slope d1 = rect_[2] - rect_[0];  // min-slope line through rect_[0]
    const pla_internal::Slope d2 = rect_[3] - rect_[1];  // max-slope line through rect_[1]
    const long double s_min = static_cast<long double>(d1.dy) / d1.dx;
    const long double s_max = static_cast<long double>(d2.dy) / d2.dx;
    long double slope = (s_min + s_max) / 2;
    if (slope < 0) {
      slope = 0;  // s_max > 0 always, so 0 is feasible
    }
    // Intersection rect_[0] + t * d1 == rect_[1] + u * d2 of the two extreme lines.
    const pla_internal::Slope w = rect_[1] - rect_[0];
    const i128 denom = static_cast<i128>(d1.dx) * d2.dy - static_cast<i128>(d1.dy) * d2.dx;
    long double ix;
    long double iy;
    if (denom == 0) {
      // Parallel: every line of this slope between the two is feasible; take the middle.
      ix = 0;
      iy = ((rect_[0].y - slope * rect_[0].x) + (rect_[1].y - slope * rect_[1].x)) / 2;
    } else {
      const i128 num = static_cast<i128>(w.dx) * d2.dy - static_cast<i128>(w.dy) * d2.dx;
      const long double t = static_cast<long double>(num) / static_cast<long double>(denom);
      ix = rect_[0].x + t * d1.dx;
      iy = rect_[0].y + t * d1.dy;
    }
    const long double intercept = iy - slope * ix;
    return {first_key_, static_cast<double>(slope), static_cast<double>(intercept)};
  }

 private:
  // The exact O'Rourke step (128-bit geometry); Add's slow path.
  [[gnu::noinline]] bool AddExact(K x, int64_t y) {
    using namespace pla_internal;
    if (points_ == 0) {
      first_key_ = x;
      first_y_ = y;
      rect_[0] = {0, y + eps_};
      rect_[1] = {0, y - eps_};
      upper_.push_back(rect_[0]);
      lower_.push_back(rect_[1]);
      points_ = 1;
      return true;
    }
    const uint64_t dist = KeyDistance(first_key_, x);
    if (dist >= kMaxSpan) {
      return false;
    }
    const auto rx = static_cast<int64_t>(dist);
    const Point p1{rx, y + eps_};  // upper end of the point's error bar
    const Point p2{rx, y - eps_};  // lower end
    if (points_ == 1) {
      rect_[2] = p2;
      rect_[3] = p1;
      upper_.push_back(p1);
      lower_.push_back(p2);
      points_ = 2;
      CacheLines();
      return true;
    }
    const Slope min_slope = rect_[2] - rect_[0];
    const Slope max_slope = rect_[3] - rect_[1];
    const bool below_min = (p1 - rect_[2]) < min_slope;
    const bool above_max = (p2 - rect_[3]) > max_slope;
    if (below_min || above_max) {
      return false;
    }
    bool changed = false;
    if ((p1 - rect_[1]) < max_slope) {
      TightenMax(p1);
      changed = true;
    }
    if ((p2 - rect_[0]) > min_slope) {
      TightenMin(p2);
      changed = true;
    }
    if (changed) {
      CacheLines();
    }
    ++points_;
    return true;
  }

  // Margin of the double fast path: its rounding error is a few ulps of the values
  // involved (positions below 2^40 and their products with slopes), under 1e-3.
  static constexpr double kFastMargin = 0.25;

  // Doubles of the two extreme lines as y0 + slope * x, folded with eps and the margin,
  // for the fast path only.
  void CacheLines() {
    const pla_internal::Slope d1 = rect_[2] - rect_[0];
    const pla_internal::Slope d2 = rect_[3] - rect_[1];
    min_slope_d_ = static_cast<double>(d1.dy) / static_cast<double>(d1.dx);
    max_slope_d_ = static_cast<double>(d2.dy) / static_cast<double>(d2.dx);
    const double min_y0 =
        static_cast<double>(rect_[0].y) - min_slope_d_ * static_cast<double>(rect_[0].x);
    const double max_y0 =
        static_cast<double>(rect_[1].y) - max_slope_d_ * static_cast<double>(rect_[1].x);
    // y + eps >= max line + margin  and  y - eps <= min line - margin, solved for y.
    fast_max_y0_ = max_y0 - static_cast<double>(eps_) + kFastMargin;
    fast_min_y0_ = min_y0 + static_cast<double>(eps_) - kFastMargin;
  }

  // p1 lies under the max-slope line: the new max line runs from the lower-hull point of
  // least slope towards p1 to p1.
  void TightenMax(const pla_internal::Point& p1) {
    size_t best = lower_start_;
    pla_internal::Slope best_slope = lower_[best] - p1;
    for (size_t i = lower_start_ + 1; i < lower_.size(); ++i) {
      const pla_internal::Slope s = lower_[i] - p1;
      if (s > best_slope) {
        break;
      }
      best_slope = s;
      best = i;
    }
    rect_[1] = lower_[best];
    rect_[3] = p1;
    lower_start_ = best;
    size_t end = upper_.size();
    while (end >= upper_start_ + 2 &&
           pla_internal::Cross(upper_[end - 2], upper_[end - 1], p1) <= 0) {
      --end;
    }
    upper_.resize(end);
    upper_.push_back(p1);
  }

  // Mirror image for p2 above the min-slope line.
  void TightenMin(const pla_internal::Point& p2) {
    size_t best = upper_start_;
    pla_internal::Slope best_slope = upper_[best] - p2;
    for (size_t i = upper_start_ + 1; i < upper_.size(); ++i) {
      const pla_internal::Slope s = upper_[i] - p2;
      if (s < best_slope) {
        break;
      }
      best_slope = s;
      best = i;
    }
    rect_[0] = upper_[best];
    rect_[2] = p2;
    upper_start_ = best;
    size_t end = lower_.size();
    while (end >= lower_start_ + 2 &&
           pla_internal::Cross(lower_[end - 2], lower_[end - 1], p2) >= 0) {
      --end;
    }
    lower_.resize(end);
    lower_.push_back(p2);
  }

  int64_t eps_;
  size_t points_ = 0;
  K first_key_{};
  int64_t first_y_ = 0;
  pla_internal::Point rect_[4]{};
  std::vector<pla_internal::Point> upper_;
  std::vector<pla_internal::Point> lower_;
  size_t upper_start_ = 0;
  size_t lower_start_ = 0;
  double min_slope_d_ = 0;
  double max_slope_d_ = 0;
  double fast_min_y0_ = 0;
  double fast_max_y0_ = 0;
};

// Turns a non-decreasing stream of keys into the points described at the top of this
// file and those into segments. Used for bulk builds and for appends alike.
template <typename K>
class KeySegmenter {
 public:
  explicit KeySegmenter(uint64_t epsilon) : builder_(epsilon) {}

  uint64_t keys() const { return count_; }
  bool has_open() const { return !builder_.empty(); }
  K last_key() const { return last_key_; }
  // Last point fed to the open segment (valid when has_open()).
  K last_point_x() const { return prev_x_; }
  int64_t last_point_y() const { return prev_y_; }
  // The model of the open segment. REQUIRES: has_open().
  Segment<K> Open() const { return builder_.Current(); }

  // Appends the next key; calls emit(const Segment<K>&) for each segment that closes.
  // REQUIRES: key >= every key appended before.
  template <typename Emit>
  void Append(K key, Emit&& emit) {
    const auto rank = static_cast<int64_t>(count_);
    if (count_ == 0) {
      AddPoint(key, rank, emit);
    } else if (key != last_key_) {
      if (run_ > 1 && last_key_ + 1 != key) {
        AddPoint(last_key_ + 1, rank, emit);  // the jump after a run of duplicates
      }
      AddPoint(key, rank, emit);
      run_ = 0;
    }
    ++run_;
    ++count_;
    last_key_ = key;
  }

  // Closes the open segment, if any.
  template <typename Emit>
  void Finish(Emit&& emit) {
    if (!builder_.empty()) {
      emit(builder_.Current());
      builder_.Reset();
    }
  }

 private:
  template <typename Emit>
  void AddPoint(K x, int64_t y, Emit& emit) {
    if (!builder_.Add(x, y)) {
      emit(builder_.Current());
      builder_.Reset();
      if (prev_x_ + 1 != x) {
        // F equals y on (prev_x_, x]: start there so segments tile the key space.
        builder_.Add(prev_x_ + 1, y);
        if (!builder_.Add(x, y)) {
          // Gap wider than kMaxSpan: the flat piece (slope 0, value y) stands alone.
          emit(builder_.Current());
          builder_.Reset();
          builder_.Add(x, y);
        }
      } else {
        builder_.Add(x, y);  // the first point of a segment always fits
      }
    }
    prev_x_ = x;
    prev_y_ = y;
  }

  PlaBuilder<K> builder_;
  uint64_t count_ = 0;
  uint64_t run_ = 0;  // length of the current run of equal keys
  K last_key_{};
  K prev_x_{};
  int64_t prev_y_ = 0;
};

}  // namespace omen::index

#endif  // OMENDB_INDEX_PLA_H_
