// Copyright 2026 The OmenDB Authors.
//
// The standard-reader contract (DESIGN.md "On disk"): segment files written by the storage
// engine, for every column type and each compression, are read with the npm package
// apache-arrow (test/js/read_arrow.mjs) and every value is compared with what a scan of the
// table returns. Skipped, saying why, when node or test/js/node_modules is missing.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "storage/batch.h"
#include "storage/database.h"

namespace omen::storage {
namespace {

namespace fs = std::filesystem;
const fs::path kJsDir = fs::path(OMENDB_SOURCE_DIR) / "test" / "js";

bool RunCommand(const std::string& command, std::string* out) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (pipe == nullptr) return false;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe.get())) > 0) out->append(buf, n);
  return pclose(pipe.release()) == 0;
}

// A value as read_arrow.mjs prints it.
nlohmann::json Cell(const arrow::ArrayData& c, int64_t i) {
  if (!c.IsValid(i)) return nullptr;
  switch (c.type.id) {
    case arrow::TypeId::kBool:
      return c.BoolValue(i);
    case arrow::TypeId::kInt16:
      return c.Value<int16_t>(i);
    case arrow::TypeId::kInt32:
    case arrow::TypeId::kDate32:
      return c.Value<int32_t>(i);
    case arrow::TypeId::kInt64:
    case arrow::TypeId::kTimestamp:
      return std::to_string(c.Value<int64_t>(i));
    case arrow::TypeId::kFloat32:
      return static_cast<double>(c.Value<float>(i));
    case arrow::TypeId::kFloat64:
      return c.Value<double>(i);
    case arrow::TypeId::kString:
      return std::string(c.StringValue(i));
  }
  return nullptr;
}

// Numbers compared as doubles: JS prints 333047 where C++ prints 333047.0.
std::string Normalize(const nlohmann::json& row) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& v : row) out.push_back(v.is_number() ? nlohmann::json(v.get<double>()) : v);
  return out.dump();
}

TableDef AllTypes(arrow::Compression compression) {
  TableDef def;
  def.name = "all_types";
  def.columns = {{"ts", SqlType::kTimestamptz, false}, {"host", SqlType::kText, true},
                 {"b", SqlType::kBoolean, true},       {"i2", SqlType::kSmallint, true},
                 {"i4", SqlType::kInteger, true},      {"i8", SqlType::kBigint, true},
                 {"f4", SqlType::kReal, true},         {"f8", SqlType::kDouble, true},
                 {"v", SqlType::kVarchar, true, 20},   {"local", SqlType::kTimestamp, true},
                 {"d", SqlType::kDate, true}};
  def.options.compression = compression;
  def.options.batch_rows = 512;
  return def;
}

class SegmentJs : public ::testing::TestWithParam<arrow::Compression> {};

TEST_P(SegmentJs, ApacheArrowReadsEverySegmentValue) {
  std::string ignored;
  if (!RunCommand("node --version >/dev/null 2>&1", &ignored))
    GTEST_SKIP() << "`node` is not on PATH";
  if (!fs::exists(kJsDir / "node_modules" / "apache-arrow")) {
    GTEST_SKIP() << "test/js/node_modules is missing (scripts/setup runs npm ci there)";
  }
  const std::string dir = ::testing::TempDir() + "omen_segment_js_" +
                          std::to_string(static_cast<int>(GetParam())) + "_" +
                          std::to_string(::getpid());
  (void)Env::Default()->RemoveAll(dir);
  StorageOptions options;
  options.sync = false;
  options.background = false;
  auto db = Database::Open(dir, options);
  ASSERT_TRUE(db.ok());
  auto def = (*db)->CreateTable(AllTypes(GetParam()), "");
  ASSERT_TRUE(def.ok()) << def.status().ToString();
  std::mt19937_64 rng(5);
  for (int b = 0; b < 3; ++b) {
    BatchBuilder builder((*def)->ArrowSchema());
    for (int r = 0; r < 1000; ++r) {
      auto maybe_null = [&](int col) {
        if (rng() % 7 == 0) {
          builder.AppendNull(col);
          return true;
        }
        return false;
      };
      builder.AppendInt(0, 1700000000000000LL + static_cast<int64_t>(rng() % 40000000000ull));
      if (!maybe_null(1)) builder.AppendString(1, "host_" + std::to_string(rng() % 30));
      if (!maybe_null(2)) builder.AppendBool(2, rng() % 2 == 0);
      if (!maybe_null(3)) builder.AppendInt(3, static_cast<int16_t>(rng()));
      if (!maybe_null(4)) builder.AppendInt(4, static_cast<int32_t>(rng()));
      if (!maybe_null(5)) builder.AppendInt(5, static_cast<int64_t>(rng()) >> 11);
      if (!maybe_null(6)) builder.AppendDouble(6, static_cast<float>(rng() % 100000) / 8.0f);
      if (!maybe_null(7)) builder.AppendDouble(7, static_cast<double>(rng() % 1000000) / 3.0);
      if (!maybe_null(8)) builder.AppendString(8, std::string(rng() % 20, 'x') + "é");
      if (!maybe_null(9)) builder.AppendInt(9, static_cast<int64_t>(rng() % (1ull << 50)));
      if (!maybe_null(10)) builder.AppendInt(10, static_cast<int32_t>(rng() % 40000) - 10000);
    }
    auto batch = builder.Finish();
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    ASSERT_TRUE((*db)->Insert("all_types", *batch).ok());
    ASSERT_TRUE((*db)->Checkpoint().ok());
  }
  // What the engine returns.
  std::vector<std::string> expected;
  auto scan = (*db)->Scan("all_types", ScanSpec());
  ASSERT_TRUE(scan.ok());
  arrow::RecordBatch batch;
  while (*scan->Next(&batch)) {
    for (int64_t i = 0; i < batch.num_rows; ++i) {
      nlohmann::json row = nlohmann::json::array();
      for (const auto& c : batch.columns) row.push_back(Cell(c, i));
      expected.push_back(Normalize(row));
    }
  }
  ASSERT_EQ(expected.size(), 3000u);
  // What apache-arrow reads from every segment file.
  std::vector<std::string> read;
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir + "/tables")) {
    if (entry.path().extension() != ".arrow") continue;
    ++files;
    std::string out;
    ASSERT_TRUE(RunCommand(
        "node " + (kJsDir / "read_arrow.mjs").string() + " '" + entry.path().string() + "' 2>&1",
        &out))
        << out;
    nlohmann::json j = nlohmann::json::parse(out, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << out.substr(0, 500);
    ASSERT_EQ(j["schema"].size(), 11u);
    EXPECT_EQ(j["schema"][0]["name"], "ts");
    EXPECT_NE(j["schema"][0]["type"].get<std::string>().find("UTC"), std::string::npos)
        << j["schema"][0]["type"];
    EXPECT_EQ(j["metadata"]["omendb.time_column"], "ts");
    for (const auto& row : j["rows"]) read.push_back(Normalize(row));
  }
  EXPECT_GE(files, 1);
  std::sort(expected.begin(), expected.end());
  std::sort(read.begin(), read.end());
  ASSERT_EQ(read.size(), expected.size());
  for (size_t i = 0; i < read.size(); ++i) ASSERT_EQ(read[i], expected[i]) << i;
  db->reset();
  (void)Env::Default()->RemoveAll(dir);
}

INSTANTIATE_TEST_SUITE_P(Codecs, SegmentJs,
                         ::testing::Values(arrow::Compression::kNone, arrow::Compression::kLz4Frame,
                                           arrow::Compression::kZstd));

}  // namespace
}  // namespace omen::storage
