// Copyright 2026 The OmenDB Authors.
//
// Test helpers for the Arrow IPC tests: an in-memory WritableFile, a schema
// with every column type, seeded batches, and value-by-value comparison.
// Test-only; not thread-safe.

#ifndef OMENDB_ARROW_IPC_TEST_UTIL_H_
#define OMENDB_ARROW_IPC_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "arrow/column.h"
#include "arrow/ipc.h"
#include "common/env.h"

namespace omen::arrow::testing {

#define ASSERT_OMEN_OK(expr)               \
  do {                                     \
    ::omen::Status s_ = (expr);            \
    ASSERT_TRUE(s_.ok()) << s_.ToString(); \
  } while (0)

// A WritableFile that appends to a string.
class StringFile : public WritableFile {
 public:
  Status Append(std::string_view data) override {
    contents_.append(data);
    return Status::OK();
  }
  Status Sync() override { return Status::OK(); }
  Status Close() override { return Status::OK(); }
  uint64_t Size() const override { return contents_.size(); }
  const std::string& contents() const { return contents_; }

 private:
  std::string contents_;
};

// One field of every type; string fields get dictionaries from Dictionaries().
inline std::shared_ptr<const Schema> AllTypesSchema() {
  auto s = std::make_shared<Schema>();
  s->fields = {
      {"b", {TypeId::kBool}, true},
      {"i16", {TypeId::kInt16}, true},
      {"i32", {TypeId::kInt32}, false},
      {"i64", {TypeId::kInt64}, true},
      {"f32", {TypeId::kFloat32}, true},
      {"f64", {TypeId::kFloat64}, true},
      {"host", {TypeId::kString}, true},
      {"ts", {TypeId::kTimestamp, false}, false},
      {"tstz", {TypeId::kTimestamp, true}, true},
      {"day", {TypeId::kDate32}, true},
      {"empty_dict", {TypeId::kString}, true},
  };
  s->metadata = {{"omendb.time_column", "ts"}, {"omendb.table", "cpu"}};
  return s;
}

inline std::vector<std::shared_ptr<const Dictionary>> AllTypesDictionaries(const Schema& s) {
  std::vector<std::shared_ptr<const Dictionary>> d(s.fields.size());
  for (size_t i = 0; i < s.fields.size(); ++i) {
    if (s.fields[i].name == "empty_dict") {
      d[i] = Dictionary::Make({});
    } else if (s.fields[i].type.id == TypeId::kString) {
      d[i] = Dictionary::Make({"alpha", "", "host-γ", "delta delta delta", "e"});
    }
  }
  return d;
}

// A column of `rows` seeded values; with_nulls makes about a quarter of the rows null (never
// for non-nullable fields or empty dictionaries, which make every row null).
inline ArrayData MakeColumn(const Field& field, const Dictionary* dict, int64_t rows,
                            std::mt19937_64* rng, bool with_nulls) {
  ArrayData col;
  col.type = field.type;
  col.length = rows;
  std::vector<uint8_t> validity(BitmapBytes(rows), 0);
  bool all_null = dict != nullptr && dict->length == 0;
  for (int64_t i = 0; i < rows; ++i) {
    bool valid = !all_null && !(with_nulls && field.nullable && (*rng)() % 4 == 0);
    if (valid) {
      SetBit(validity.data(), i);
    } else {
      ++col.null_count;
    }
  }
  if (col.null_count > 0) {
    col.validity = Buffer::FromVector(std::move(validity));
  }
  int width = ValueWidth(field.type.id);
  std::vector<uint8_t> values(field.type.id == TypeId::kBool ? BitmapBytes(rows) : width * rows);
  for (int64_t i = 0; i < rows; ++i) {
    uint64_t r = (*rng)();
    switch (field.type.id) {
      case TypeId::kBool:
        if (r & 1) {
          SetBit(values.data(), i);
        }
        break;
      case TypeId::kFloat32: {
        float v = static_cast<float>(static_cast<int32_t>(r)) / 64.0f;
        std::memcpy(values.data() + 4 * i, &v, 4);
        break;
      }
      case TypeId::kFloat64: {
        double v = static_cast<double>(static_cast<int64_t>(r)) / 1024.0;
        std::memcpy(values.data() + 8 * i, &v, 8);
        break;
      }
      case TypeId::kString: {
        int32_t code = dict->length == 0 ? 0 : static_cast<int32_t>(r % dict->length);
        std::memcpy(values.data() + 4 * i, &code, 4);
        break;
      }
      case TypeId::kTimestamp: {
        int64_t v = 1700000000000000 + static_cast<int64_t>(r % 100000000000) * 7 - 5;
        std::memcpy(values.data() + 8 * i, &v, 8);
        break;
      }
      case TypeId::kDate32: {
        int32_t v = static_cast<int32_t>(r % 40000) - 10000;
        std::memcpy(values.data() + 4 * i, &v, 4);
        break;
      }
      default:  // integers: full range of the width
        std::memcpy(values.data() + width * i, &r, width);
        break;
    }
  }
  col.values = Buffer::FromVector(std::move(values));
  return col;
}

inline RecordBatch MakeBatch(const std::shared_ptr<const Schema>& schema,
                             const std::vector<std::shared_ptr<const Dictionary>>& dicts,
                             int64_t rows, uint64_t seed, bool with_nulls) {
  std::mt19937_64 rng(seed);
  RecordBatch b;
  b.schema = schema;
  b.num_rows = rows;
  for (size_t i = 0; i < schema->fields.size(); ++i) {
    b.columns.push_back(MakeColumn(schema->fields[i], dicts[i].get(), rows, &rng, with_nulls));
    b.columns.back().dictionary = dicts[i];
  }
  return b;
}

// Row i of a column as text ("null" for nulls), for comparisons.
inline std::string CellText(const ArrayData& c, int64_t i) {
  if (!c.IsValid(i)) {
    return "null";
  }
  switch (c.type.id) {
    case TypeId::kBool:
      return c.BoolValue(i) ? "true" : "false";
    case TypeId::kInt16:
      return std::to_string(c.Value<int16_t>(i));
    case TypeId::kInt32:
    case TypeId::kDate32:
      return std::to_string(c.Value<int32_t>(i));
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return std::to_string(c.Value<int64_t>(i));
    case TypeId::kFloat32:
      return std::to_string(c.Value<float>(i));
    case TypeId::kFloat64:
      return std::to_string(c.Value<double>(i));
    case TypeId::kString:
      return "'" + std::string(c.StringValue(i)) + "'";
  }
  return "?";
}

inline void ExpectBatchesEqual(const RecordBatch& want, const RecordBatch& got) {
  ASSERT_EQ(want.num_rows, got.num_rows);
  ASSERT_EQ(want.columns.size(), got.columns.size());
  for (size_t c = 0; c < want.columns.size(); ++c) {
    const ArrayData& w = want.columns[c];
    const ArrayData& g = got.columns[c];
    ASSERT_TRUE(w.type == g.type) << "column " << c;
    ASSERT_EQ(w.length, g.length) << "column " << c;
    ASSERT_EQ(w.null_count, g.null_count) << "column " << c;
    for (int64_t i = 0; i < w.length; ++i) {
      ASSERT_EQ(CellText(w, i), CellText(g, i)) << "column " << c << " row " << i;
    }
  }
}

// Writes batches to an in-memory IPC file.
inline std::string WriteFile(const std::shared_ptr<const Schema>& schema,
                             const std::vector<std::shared_ptr<const Dictionary>>& dicts,
                             const std::vector<RecordBatch>& batches, IpcWriteOptions options) {
  StringFile file;
  auto writer = IpcFileWriter::Open(&file, schema, dicts, options);
  EXPECT_TRUE(writer.ok()) << writer.status().ToString();
  if (!writer.ok()) {
    return "";
  }
  for (const RecordBatch& b : batches) {
    Status s = (*writer)->WriteBatch(b);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  Status s = (*writer)->Finish();
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ((*writer)->bytes_written(), file.contents().size());
  return file.contents();
}

}  // namespace omen::arrow::testing

#endif  // OMENDB_ARROW_IPC_TEST_UTIL_H_
