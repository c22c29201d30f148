// Copyright 2026 The OmenDB Authors.

#include "bench/tsbs.h"

#include <algorithm>
#include <map>

namespace omen::bench {
namespace {

const char* const kTagNames[kTsbsTags] = {
    "hostname", "region",          "datacenter",         "rack", "os", "arch", "team",
    "service",  "service_version", "service_environment"};
const char* const kMetricNames[kTsbsMetrics] = {
    "usage_user", "usage_system",  "usage_idle",  "usage_nice",  "usage_iowait",
    "usage_irq",  "usage_softirq", "usage_steal", "usage_guest", "usage_guest_nice"};
const char* const kRegions[] = {"us-east-1",      "us-west-1",      "us-west-2",
                                "eu-west-1",      "eu-central-1",   "ap-southeast-1",
                                "ap-southeast-2", "ap-northeast-1", "sa-east-1"};
const char* const kOs[] = {"Ubuntu16.10", "Ubuntu16.04LTS", "Ubuntu15.10"};
const char* const kArch[] = {"x64", "x86"};
const char* const kTeam[] = {"SF", "NYC", "LON", "CHI"};
const char* const kEnv[] = {"production", "staging", "test"};

}  // namespace

storage::TableDef TsbsCpuTable(const std::string& name) {
  storage::TableDef def;
  def.name = name;
  def.columns.push_back({"time", storage::SqlType::kTimestamptz, false});
  for (const char* t : kTagNames) def.columns.push_back({t, storage::SqlType::kText, true});
  for (const char* m : kMetricNames) def.columns.push_back({m, storage::SqlType::kDouble, true});
  return def;
}

std::string TsbsGenerator::Tag(int tag, int host) const {
  uint64_t h = static_cast<uint64_t>(host) * 0x9e3779b97f4a7c15ull;
  auto pick = [&](int salt, int n) { return static_cast<int>(((h >> (salt * 5)) ^ salt) % n); };
  switch (tag) {
    case 0:
      return "host_" + std::to_string(host);
    case 1:
      return kRegions[pick(1, 9)];
    case 2:
      return std::string(kRegions[pick(1, 9)]) + static_cast<char>('a' + pick(2, 3));
    case 3:
      return std::to_string(pick(3, 100));
    case 4:
      return kOs[pick(4, 3)];
    case 5:
      return kArch[pick(5, 2)];
    case 6:
      return kTeam[pick(6, 4)];
    case 7:
      return std::to_string(pick(7, 20));
    case 8:
      return std::to_string(pick(8, 2));
    default:
      return kEnv[pick(9, 3)];
  }
}

TsbsGenerator::TsbsGenerator(int hosts, uint64_t seed) : hosts_(hosts), rng_(seed) {
  storage::TableDef def = TsbsCpuTable();
  (void)storage::ValidateTableDef(&def, "time");
  schema_ = def.ArrowSchema();
  codes_.assign(kTsbsTags, std::vector<int32_t>(static_cast<size_t>(hosts)));
  for (int t = 0; t < kTsbsTags; ++t) {
    std::map<std::string, int32_t> values;
    std::vector<std::string> per_host;
    for (int h = 0; h < hosts; ++h) {
      per_host.push_back(Tag(t, h));
      values.emplace(per_host.back(), 0);
    }
    std::vector<std::string_view> sorted;
    for (auto& [v, code] : values) {
      code = static_cast<int32_t>(sorted.size());
      sorted.push_back(v);
    }
    dicts_.push_back(arrow::Dictionary::Make(sorted));
    for (int h = 0; h < hosts; ++h) codes_[t][h] = values[per_host[h]];
  }
  walk_.assign(static_cast<size_t>(hosts), std::vector<double>(kTsbsMetrics));
  for (auto& host : walk_) {
    for (double& v : host) v = static_cast<double>(rng_() % 101);
  }
}

arrow::RecordBatch TsbsGenerator::Next(int64_t rows) {
  arrow::RecordBatch batch;
  batch.schema = schema_;
  batch.num_rows = rows;
  std::vector<int64_t> time(static_cast<size_t>(rows));
  std::vector<std::vector<int32_t>> tags(kTsbsTags, std::vector<int32_t>(time.size()));
  std::vector<std::vector<double>> metrics(kTsbsMetrics, std::vector<double>(time.size()));
  for (int64_t i = 0; i < rows; ++i, ++next_row_) {
    const int host = static_cast<int>(next_row_ % hosts_);
    time[i] = kTsbsStartUs + (next_row_ / hosts_) * kTsbsIntervalUs;
    for (int t = 0; t < kTsbsTags; ++t) tags[t][i] = codes_[t][host];
    uint64_t r = rng_();
    for (int m = 0; m < kTsbsMetrics; ++m) {
      double& v = walk_[host][m];
      int step = static_cast<int>((r >> (m * 3)) & 3) - 1;  // -1, 0, +1, +2 -> clamp
      v = std::clamp(v + (step > 1 ? 0 : step), 0.0, 100.0);
      metrics[m][i] = v;
    }
  }
  arrow::ArrayData a;
  a.type = schema_->fields[0].type;
  a.length = rows;
  a.values = arrow::Buffer::FromVector(std::move(time));
  batch.columns.push_back(std::move(a));
  for (int t = 0; t < kTsbsTags; ++t) {
    arrow::ArrayData c;
    c.type = {arrow::TypeId::kString};
    c.length = rows;
    c.values = arrow::Buffer::FromVector(std::move(tags[t]));
    c.dictionary = dicts_[t];
    batch.columns.push_back(std::move(c));
  }
  for (int m = 0; m < kTsbsMetrics; ++m) {
    arrow::ArrayData c;
    c.type = {arrow::TypeId::kFloat64};
    c.length = rows;
    c.values = arrow::Buffer::FromVector(std::move(metrics[m]));
    batch.columns.push_back(std::move(c));
  }
  return batch;
}

}  // namespace omen::bench
