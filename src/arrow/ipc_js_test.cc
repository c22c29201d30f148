// Copyright 2026 The OmenDB Authors.
//
// Cross-check with the reference JS Arrow implementation: writes IPC files (and
// a stream) with every type and nulls for each compression, reads them with
// `node test/js/read_arrow.mjs` (apache-arrow) and compares every value; and
// reads files that apache-arrow wrote (test/js/write_arrow.mjs).
// Skipped, saying why, when node or test/js/node_modules is missing
// (`cd test/js && npm install`).

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "arrow/ipc.h"
#include "arrow/ipc_test_util.h"
#include "common/env.h"

namespace omen::arrow {
namespace {

namespace fs = std::filesystem;
using testing::AllTypesDictionaries;
using testing::AllTypesSchema;
using testing::MakeBatch;

const fs::path kJsDir = fs::path(OMENDB_SOURCE_DIR) / "test" / "js";

// Runs a shell command; its stdout, or an error with the exit status.
Result<std::string> RunCommand(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (pipe == nullptr) {
    return Status::IOError("popen failed: " + command);
  }
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe.get())) > 0) {
    out.append(buf, n);
  }
  int rc = pclose(pipe.release());
  if (rc != 0) {
    return Status::IOError("command failed (" + std::to_string(rc) + "): " + command + "\n" + out);
  }
  return out;
}

// Why the JS cross-check cannot run here, or "" when it can.
std::string SkipReason() {
  if (!RunCommand("node --version >/dev/null 2>&1").ok()) {
    return "`node` is not on PATH";
  }
  if (!fs::exists(kJsDir / "node_modules" / "apache-arrow")) {
    return "test/js/node_modules is missing (run `npm install` in test/js)";
  }
  return "";
}

// The JSON the JS reader prints for row i of a column.
nlohmann::json ExpectedJson(const ArrayData& c, int64_t i) {
  if (!c.IsValid(i)) {
    return nullptr;
  }
  switch (c.type.id) {
    case TypeId::kBool:
      return c.BoolValue(i);
    case TypeId::kInt16:
      return c.Value<int16_t>(i);
    case TypeId::kInt32:
    case TypeId::kDate32:
      return c.Value<int32_t>(i);
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return std::to_string(c.Value<int64_t>(i));
    case TypeId::kFloat32:
      return static_cast<double>(c.Value<float>(i));
    case TypeId::kFloat64:
      return c.Value<double>(i);
    case TypeId::kString:
      return std::string(c.StringValue(i));
  }
  return "?";
}

void CheckJsOutput(const std::string& path, const Schema& schema,
                   const std::vector<RecordBatch>& batches) {
  auto out = RunCommand("node " + (kJsDir / "read_arrow.mjs").string() + " '" + path + "' 2>&1");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  nlohmann::json got = nlohmann::json::parse(*out, nullptr, false);
  ASSERT_FALSE(got.is_discarded()) << *out;
  ASSERT_EQ(got["schema"].size(), schema.fields.size());
  for (size_t f = 0; f < schema.fields.size(); ++f) {
    EXPECT_EQ(got["schema"][f]["name"], schema.fields[f].name);
    EXPECT_EQ(got["schema"][f]["nullable"], schema.fields[f].nullable);
  }
  EXPECT_EQ(got["schema"][7]["type"], "Timestamp<MICROSECOND>");
  EXPECT_EQ(got["schema"][8]["type"], "Timestamp<MICROSECOND, UTC>");
  for (const auto& [key, value] : schema.metadata) {
    EXPECT_EQ(got["metadata"][key], value);
  }
  size_t row = 0;
  for (const RecordBatch& b : batches) {
    for (int64_t i = 0; i < b.num_rows; ++i, ++row) {
      ASSERT_LT(row, got["rows"].size());
      const nlohmann::json& r = got["rows"][row];
      for (size_t c = 0; c < b.columns.size(); ++c) {
        ASSERT_EQ(r[c], ExpectedJson(b.columns[c], i))
            << path << " row " << row << " column " << schema.fields[c].name;
      }
    }
  }
  EXPECT_EQ(row, got["rows"].size());
}

std::vector<RecordBatch> TestBatches(const std::shared_ptr<const Schema>& schema,
                                     const std::vector<std::shared_ptr<const Dictionary>>& d) {
  return {MakeBatch(schema, d, 50, 1, true), MakeBatch(schema, d, 0, 2, true),
          MakeBatch(schema, d, 700, 3, false), MakeBatch(schema, d, 1300, 4, true)};
}

class IpcJsTest : public ::testing::TestWithParam<Compression> {};

TEST_P(IpcJsTest, ApacheArrowJsReadsEveryValue) {
  std::string why = SkipReason();
  if (!why.empty()) {
    GTEST_SKIP() << "JS cross-check skipped: " << why;
  }
  auto schema = AllTypesSchema();
  auto dicts = AllTypesDictionaries(*schema);
  auto batches = TestBatches(schema, dicts);
  IpcWriteOptions options{GetParam(), 3};
  std::string name =
      "omendb_js_" + std::to_string(getpid()) + "_" + std::to_string(static_cast<int>(GetParam()));
  std::string file_path = (fs::path(::testing::TempDir()) / (name + ".arrow")).string();
  ASSERT_TRUE(WriteFileAtomic(Env::Default(), file_path,
                              testing::WriteFile(schema, dicts, batches, options))
                  .ok());
  CheckJsOutput(file_path, *schema, batches);

  std::string stream;
  auto writer = IpcStreamWriter::Open(&stream, schema, dicts, options);
  ASSERT_TRUE(writer.ok());
  for (const RecordBatch& b : batches) {
    ASSERT_TRUE((*writer)->WriteBatch(b).ok());
  }
  ASSERT_TRUE((*writer)->Finish().ok());
  std::string stream_path = (fs::path(::testing::TempDir()) / (name + ".arrows")).string();
  ASSERT_TRUE(WriteFileAtomic(Env::Default(), stream_path, stream).ok());
  CheckJsOutput(stream_path, *schema, batches);
}

INSTANTIATE_TEST_SUITE_P(Codecs, IpcJsTest,
                         ::testing::Values(Compression::kNone, Compression::kLz4Frame,
                                           Compression::kZstd),
                         [](const auto& info) {
                           return info.param == Compression::kNone       ? "none"
                                  : info.param == Compression::kLz4Frame ? "lz4"
                                                                         : "zstd";
                         });

// Reads every batch of a file apache-arrow JS wrote; the first error, or OK.
Status ReadJsWrittenFile(const std::string& path, std::vector<RecordBatch>* batches) {
  OMEN_ASSIGN_OR_RETURN(auto mapping, Env::Default()->MapFile(path));
  OMEN_ASSIGN_OR_RETURN(auto reader, IpcFileReader::Open(mapping));
  const Schema& schema = *reader->schema();
  if (schema.fields.size() != 10 || !(schema.fields[6].type == DataType{TypeId::kString}) ||
      !(schema.fields[7].type == DataType{TypeId::kTimestamp, false}) ||
      !(schema.fields[8].type == DataType{TypeId::kTimestamp, true}) ||
      !(schema.fields[9].type == DataType{TypeId::kDate32})) {
    return Status::Internal("unexpected schema from write_arrow.mjs");
  }
  for (int i = 0; i < reader->num_batches(); ++i) {
    OMEN_ASSIGN_OR_RETURN(RecordBatch batch, reader->ReadBatch(i));
    batches->push_back(std::move(batch));
  }
  return Status::OK();
}

// The other direction: files written by apache-arrow JS are read by our reader with the
// values the JS reader sees in them.
TEST(IpcJsCompatTest, ReadsFilesWrittenByApacheArrowJs) {
  std::string why = SkipReason();
  if (!why.empty()) {
    GTEST_SKIP() << "JS cross-check skipped: " << why;
  }
  for (std::string codec : {"", "lz4"}) {
    std::string path = (fs::path(::testing::TempDir()) /
                        ("omendb_from_js_" + std::to_string(getpid()) + codec + ".arrow"))
                           .string();
    ASSERT_TRUE(
        RunCommand("node " + (kJsDir / "write_arrow.mjs").string() + " '" + path + "' " + codec)
            .ok());
    std::vector<RecordBatch> batches;
    Status s = ReadJsWrittenFile(path, &batches);
    if (codec == "lz4" && s.IsCorruption()) {
      // apache-arrow JS 21.2.0 writes the *compressed* size where Message.fbs requires the
      // uncompressed length (ipc/writer.mjs _compressBodyBuffers); Arrow C++ rejects such
      // files too. Accept the rejection until arrow-js fixes it.
      std::printf("apache-arrow JS LZ4 file rejected as expected: %s\n", s.ToString().c_str());
      continue;
    }
    ASSERT_TRUE(s.ok()) << codec << ": " << s.ToString();
    ASSERT_FALSE(batches.empty());
    auto out = RunCommand("node " + (kJsDir / "read_arrow.mjs").string() + " '" + path + "'");
    ASSERT_TRUE(out.ok());
    nlohmann::json js = nlohmann::json::parse(*out, nullptr, false);
    ASSERT_FALSE(js.is_discarded());
    size_t row = 0;
    for (const RecordBatch& b : batches) {
      for (int64_t i = 0; i < b.num_rows; ++i, ++row) {
        ASSERT_LT(row, js["rows"].size());
        for (size_t c = 0; c < b.columns.size(); ++c) {
          ASSERT_EQ(js["rows"][row][c], ExpectedJson(b.columns[c], i))
              << codec << " row " << row << " column " << b.schema->fields[c].name;
        }
      }
    }
    EXPECT_EQ(row, 10u);
  }
}

}  // namespace
}  // namespace omen::arrow
