// Dataset generators for `omendb-bench index`; see datasets.h for what each one models.
//
// Memory: every generator writes into the one result vector. ts_bursty is produced in
// order; ts_regular is produced tick by tick with its series ordered by phase, so only
// jitter puts keys out of order and an insertion pass repairs that in near-linear time;
// uniform and lognormal draw their 63-bit random sources twice, once to count how many
// fall in each of ~n/512 equal ranges and once to drop each into its range's slot, then
// sort each small range (a one-pass MSD radix sort with no temporary array), and map the
// sorted sources through a monotone function to keys.

#include "bench/datasets.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <random>

namespace omen::bench {
namespace {

using Rng = std::mt19937_64;

// Uniform integer in [0, bound) by multiply-shift (Lemire); the bias, below bound / 2^64,
// does not matter here. REQUIRES: bound > 0.
uint64_t UniformBelow(Rng& rng, uint64_t bound) {
  return static_cast<uint64_t>((static_cast<unsigned __int128>(rng()) * bound) >> 64);
}

// Uniform double in the open interval (0, 1), 53 random bits.
double UniformOpen01(Rng& rng) { return (static_cast<double>(rng() >> 11) + 0.5) * 0x1p-53; }

// Sorts a vector whose keys are each only a few places from where they belong, in time
// O(n + inversions). REQUIRES (for speed, not correctness): few inversions.
void RepairSort(std::vector<int64_t>& keys) {
  for (size_t i = 1; i < keys.size(); ++i) {
    const int64_t v = keys[i];
    if (v >= keys[i - 1]) {
      continue;
    }
    size_t j = i;
    while (j > 0 && keys[j - 1] > v) {
      keys[j] = keys[j - 1];
      --j;
    }
    keys[j] = v;
  }
}

// ---- ts_regular -------------------------------------------------------------------------

constexpr int kRegularSeries = 4000;
constexpr int64_t kRegularIntervalUs = 10'000'000;  // each series reports every 10 s
constexpr int64_t kRegularJitterUs = 20'000;        // +-20 ms per point
// A series starts a gap at a point with probability 1 / kGapOneIn and then misses 1 to
// kGapMaxTicks ticks (mean 5): 0.1% of points missing.
constexpr uint64_t kGapOneIn = 5000;
constexpr uint64_t kGapMaxTicks = 9;
// An outage of all series every 2.5M to 7.5M points (mean 5M), lasting 1 to 30 minutes.
constexpr uint64_t kOutageMinPoints = 2'500'000;
constexpr uint64_t kOutageMaxPoints = 7'500'000;
constexpr int64_t kOutageMinUs = 60'000'000;
constexpr int64_t kOutageMaxUs = 1'800'000'000;

std::vector<int64_t> MakeTsRegular(size_t n, uint64_t seed) {
  Rng rng(seed);
  // Series in phase order, so that a tick's points come out nearly sorted.
  std::vector<int64_t> phase(kRegularSeries);
  for (int64_t& p : phase) {
    p = static_cast<int64_t>(UniformBelow(rng, kRegularIntervalUs));
  }
  std::sort(phase.begin(), phase.end());
  std::vector<int64_t> resume_tick(kRegularSeries, 0);  // a series' gap ends here

  auto next_outage_gap = [&rng] {
    return kOutageMinPoints + UniformBelow(rng, kOutageMaxPoints - kOutageMinPoints + 1);
  };
  std::vector<int64_t> keys;
  keys.reserve(n + kRegularSeries);  // the last tick is generated whole, then cut
  uint64_t next_outage = next_outage_gap();
  int64_t tick = 0;
  while (keys.size() < n) {
    if (keys.size() >= next_outage) {
      const int64_t outage_us =
          kOutageMinUs + static_cast<int64_t>(UniformBelow(rng, kOutageMaxUs - kOutageMinUs + 1));
      tick += (outage_us + kRegularIntervalUs - 1) / kRegularIntervalUs;
      next_outage += next_outage_gap();
    }
    const int64_t base = kTimestampEpochUs + tick * kRegularIntervalUs;
    for (int s = 0; s < kRegularSeries; ++s) {
      if (tick < resume_tick[s]) {
        continue;
      }
      if (UniformBelow(rng, kGapOneIn) == 0) {
        resume_tick[s] = tick + 1 + static_cast<int64_t>(UniformBelow(rng, kGapMaxTicks));
        continue;
      }
      const int64_t jitter =
          static_cast<int64_t>(UniformBelow(rng, 2 * kRegularJitterUs + 1)) - kRegularJitterUs;
      keys.push_back(base + phase[s] + jitter);
    }
    ++tick;
  }
  RepairSort(keys);  // jitter moves a key past ~3 neighbours on average
  keys.resize(n);
  return keys;
}

// ---- ts_bursty --------------------------------------------------------------------------

constexpr uint64_t kBurstMinPeriod = 10'000;  // points per period
constexpr uint64_t kBurstMaxPeriod = 1'000'000;
constexpr double kBurstMinMeanGapUs = 10.0;  // mean gap log-uniform in [10, 1000] us
constexpr double kBurstMaxMeanGapUs = 1000.0;

std::vector<int64_t> MakeTsBursty(size_t n, uint64_t seed) {
  Rng rng(seed);
  const double log_min = std::log(kBurstMinMeanGapUs);
  const double log_span = std::log(kBurstMaxMeanGapUs) - log_min;
  std::vector<int64_t> keys;
  keys.reserve(n);
  int64_t t = kTimestampEpochUs;
  while (keys.size() < n) {
    const uint64_t period =
        kBurstMinPeriod + UniformBelow(rng, kBurstMaxPeriod - kBurstMinPeriod + 1);
    const double mean_gap = std::exp(log_min + log_span * UniformOpen01(rng));
    const size_t count = static_cast<size_t>(std::min<uint64_t>(period, n - keys.size()));
    for (size_t i = 0; i < count; ++i) {
      t += std::llround(-mean_gap * std::log(UniformOpen01(rng)));  // exponential gap
      keys.push_back(t);
    }
  }
  return keys;
}

// ---- uniform and lognormal --------------------------------------------------------------

// n i.i.d. uniform values in [0, 2^63), sorted; see the file comment for how.
std::vector<int64_t> SortedUniformSources(size_t n, uint64_t seed) {
  const int bits = std::clamp(static_cast<int>(std::bit_width(n / 512)) - 1, 0, 24);
  const size_t buckets = size_t{1} << bits;
  const int shift = 63 - bits;
  std::vector<size_t> start(buckets + 1, 0);
  Rng rng(seed);
  for (size_t i = 0; i < n; ++i) {
    ++start[((rng() >> 1) >> shift) + 1];
  }
  for (size_t b = 0; b < buckets; ++b) {
    start[b + 1] += start[b];
  }
  std::vector<size_t> cursor(start.begin(), start.end() - 1);
  std::vector<int64_t> out(n);
  rng.seed(seed);  // the same values again, now into their buckets
  for (size_t i = 0; i < n; ++i) {
    const uint64_t v = rng() >> 1;
    out[cursor[v >> shift]++] = static_cast<int64_t>(v);
  }
  for (size_t b = 0; b < buckets; ++b) {
    std::sort(out.begin() + static_cast<ptrdiff_t>(start[b]),
              out.begin() + static_cast<ptrdiff_t>(start[b + 1]));
  }
  return out;
}

constexpr int64_t kKeyLimit = int64_t{1} << 62;  // uniform and lognormal keys lie below

std::vector<int64_t> MakeUniform(size_t n, uint64_t seed) {
  std::vector<int64_t> keys = SortedUniformSources(n, seed);
  for (int64_t& k : keys) {
    k >>= 1;  // [0, 2^63) -> [0, 2^62), order kept
  }
  return keys;
}

// Inverse of the standard normal CDF, P. J. Acklam's rational approximation (relative
// error below 1.2e-9). REQUIRES: 0 < p < 1.
double InverseNormalCdf(double p) {
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  constexpr double kLow = 0.02425;
  auto tail = [&](double q) {  // q = sqrt(-2 log(tail probability))
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  };
  if (p < kLow) {
    return tail(std::sqrt(-2 * std::log(p)));
  }
  if (p > 1 - kLow) {
    return -tail(std::sqrt(-2 * std::log1p(-p)));
  }
  const double q = p - 0.5;
  const double r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

constexpr double kLognormalSigma = 2.0;  // mu = 0
constexpr double kLognormalScale = 1e9;

std::vector<int64_t> MakeLognormal(size_t n, uint64_t seed) {
  // Each key is a non-decreasing function of its uniform source (inverse-CDF sampling),
  // so sorted sources give sorted keys; RepairSort mends the rare one-ulp dents of the
  // approximation.
  std::vector<int64_t> keys = SortedUniformSources(n, seed);
  for (int64_t& k : keys) {
    const double u = (static_cast<double>(k >> 10) + 0.5) * 0x1p-53;  // top 53 bits
    const double x = std::exp(kLognormalSigma * InverseNormalCdf(u)) * kLognormalScale;
    k = x < static_cast<double>(kKeyLimit) ? static_cast<int64_t>(x) : kKeyLimit - 1;
  }
  RepairSort(keys);
  return keys;
}

}  // namespace

const std::vector<std::string>& DatasetNames() {
  static const std::vector<std::string> names = {"ts_regular", "ts_bursty", "uniform", "lognormal"};
  return names;
}

std::vector<int64_t> MakeDataset(std::string_view name, size_t n, uint64_t seed) {
  if (name == "ts_regular") {
    return MakeTsRegular(n, seed);
  }
  if (name == "ts_bursty") {
    return MakeTsBursty(n, seed);
  }
  if (name == "uniform") {
    return MakeUniform(n, seed);
  }
  if (name == "lognormal") {
    return MakeLognormal(n, seed);
  }
  return {};
}

}  // namespace omen::bench
