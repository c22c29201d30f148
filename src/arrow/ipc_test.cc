// Copyright 2026 The OmenDB Authors.
//
// Tests of the Arrow IPC writers and reader: round trips of every type with
// and without nulls for each compression, zero-copy reads, the stream framing,
// writer argument checks, and malformed input (truncation at every offset,
// seeded byte flips, patched magic, footer length, codes and offsets), which
// must fail cleanly and never crash (run under ASan+UBSan).

#include "arrow/ipc.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "arrow/ipc_compression.h"
#include "arrow/ipc_format.h"
#include "arrow/ipc_test_util.h"
#include "common/coding.h"
#include "common/env.h"

namespace omen::arrow {
namespace {

using testing::AllTypesDictionaries;
using testing::AllTypesSchema;
using testing::ExpectBatchesEqual;
using testing::MakeBatch;
using testing::StringFile;
using testing::WriteFile;

// Opens bytes and decodes every batch, touching every value; the first error, or OK.
Status ReadAll(std::string bytes) {
  auto reader = OpenIpcFileBytes(std::move(bytes));
  if (!reader.ok()) {
    return reader.status();
  }
  uint64_t sink = 0;
  for (int i = 0; i < (*reader)->num_batches(); ++i) {
    auto batch = (*reader)->ReadBatch(i);
    if (!batch.ok()) {
      return batch.status();
    }
    for (const ArrayData& c : batch->columns) {
      for (int64_t r = 0; r < c.length; ++r) {
        sink += testing::CellText(c, r).size();
      }
    }
  }
  return sink == static_cast<uint64_t>(-1) ? Status::Internal("unreachable") : Status::OK();
}

const char* Name(Compression c) {
  return c == Compression::kNone ? "none" : c == Compression::kLz4Frame ? "lz4" : "zstd";
}

class IpcRoundTrip : public ::testing::TestWithParam<std::tuple<Compression, bool>> {};

TEST_P(IpcRoundTrip, AllTypes) {
  auto [compression, nulls] = GetParam();
  auto schema = AllTypesSchema();
  auto dicts = AllTypesDictionaries(*schema);
  std::vector<RecordBatch> batches;
  for (int64_t rows : {1, 0, 100, 3000, 7}) {
    batches.push_back(MakeBatch(schema, dicts, rows, 1000 + rows, nulls));
  }
  std::string bytes = WriteFile(schema, dicts, batches, {compression, 3});
  auto reader = OpenIpcFileBytes(bytes);
  ASSERT_OMEN_OK(reader.status());
  const Schema& got = *(*reader)->schema();
  ASSERT_EQ(got.fields.size(), schema->fields.size());
  for (size_t i = 0; i < got.fields.size(); ++i) {
    EXPECT_EQ(got.fields[i].name, schema->fields[i].name);
    EXPECT_TRUE(got.fields[i].type == schema->fields[i].type) << got.fields[i].name;
    EXPECT_EQ(got.fields[i].nullable, schema->fields[i].nullable) << got.fields[i].name;
    EXPECT_EQ((*reader)->dictionary(static_cast<int>(i)) != nullptr,
              schema->fields[i].type.id == TypeId::kString);
  }
  EXPECT_EQ(got.metadata, schema->metadata);
  ASSERT_EQ((*reader)->num_batches(), static_cast<int>(batches.size()));
  for (size_t i = 0; i < batches.size(); ++i) {
    EXPECT_EQ((*reader)->batch_num_rows(static_cast<int>(i)), batches[i].num_rows);
    auto batch = (*reader)->ReadBatch(static_cast<int>(i));
    ASSERT_OMEN_OK(batch.status());
    ExpectBatchesEqual(batches[i], *batch);
  }
  EXPECT_EQ((*reader)->batch_num_rows(-1), -1);
  EXPECT_FALSE((*reader)->ReadBatch(static_cast<int>(batches.size())).ok());
}

INSTANTIATE_TEST_SUITE_P(Codecs, IpcRoundTrip,
                         ::testing::Combine(::testing::Values(Compression::kNone,
                                                              Compression::kLz4Frame,
                                                              Compression::kZstd),
                                            ::testing::Bool()),
                         [](const auto& info) {
                           return std::string(Name(std::get<0>(info.param))) +
                                  (std::get<1>(info.param) ? "_nulls" : "_no_nulls");
                         });

TEST(IpcTest, FileLayout) {
  auto schema = AllTypesSchema();
  auto dicts = AllTypesDictionaries(*schema);
  std::string bytes =
      WriteFile(schema, dicts, {MakeBatch(schema, dicts, 10, 1, true)}, IpcWriteOptions{});
  ASSERT_GE(bytes.size(), 32u);
  EXPECT_EQ(bytes.substr(0, 8), std::string("ARROW1\0\0", 8));
  EXPECT_EQ(bytes.substr(bytes.size() - 6), "ARROW1");
  EXPECT_EQ(DecodeFixed32(bytes.data() + 8), ipc_format::kContinuation);
  int32_t meta = static_cast<int32_t>(DecodeFixed32(bytes.data() + 12));
  EXPECT_EQ((8 + meta) % 8, 0) << "schema message metadata must keep 8-byte alignment";
}

TEST(IpcTest, EmptyFileAndEmptySchema) {
  auto schema = AllTypesSchema();
  auto dicts = AllTypesDictionaries(*schema);
  auto reader = OpenIpcFileBytes(WriteFile(schema, dicts, {}, IpcWriteOptions{}));
  ASSERT_OMEN_OK(reader.status());
  EXPECT_EQ((*reader)->num_batches(), 0);

  auto empty = std::make_shared<Schema>();
  RecordBatch b;
  b.schema = empty;
  b.num_rows = 5;
  auto reader2 = OpenIpcFileBytes(WriteFile(empty, {}, {b}, IpcWriteOptions{}));
  ASSERT_OMEN_OK(reader2.status());
  ASSERT_EQ((*reader2)->num_batches(), 1);
  auto batch = (*reader2)->ReadBatch(0);
  ASSERT_OMEN_OK(batch.status());
  EXPECT_EQ(batch->num_rows, 5);
  EXPECT_TRUE(batch->columns.empty());
}

TEST(IpcTest, ManyBatches) {
  auto schema = AllTypesSchema();
  auto dicts = AllTypesDictionaries(*schema);
  std::vector<RecordBatch> batches;
  for (int i = 0; i < 300; ++i) {
    batches.push_back(MakeBatch(schema, dicts, i % 17, i, i % 2 == 0));
  }
  for (Compression c : {Compression::kNone, Compression::kZstd}) {
    auto reader = OpenIpcFileBytes(WriteFile(schema, dicts, batches, {c, 1}));
    ASSERT_OMEN_OK(reader.status());
    ASSERT_EQ((*reader)->num_batches(), 300);
    for (int i = 0; i < 300; ++i) {
      ASSERT_EQ((*reader)->batch_num_rows(i), i % 17);
      auto batch = (*reader)->ReadBatch(i);
      ASSERT_OMEN_OK(batch.status());
      ExpectBatchesEqual(batches[static_cast<size_t>(i)], *batch);
    }
  }
}

// Writes `bytes` to a temporary file and maps it.
std::shared_ptr<const FileMapping> MapBytes(const std::string& bytes, const std::string& name) {
  std::string path = (std::filesystem::path(::testing::TempDir()) / name).string();
  Status s = WriteFileAtomic(Env::Default(), path, bytes);
  EXPECT_TRUE(s.ok()) << s.ToString();
  auto mapping = Env::Default()->MapFile(path);
  EXPECT_TRUE(mapping.ok()) << mapping.status().ToString();
  return mapping.ok() ? *mapping : nullptr;
}

bool Inside(const Buffer& b, const FileMapping& m) {
  return b.data >= m.data() && b.data + b.size <= m.data() + m.size();
}

TEST(IpcTest, UncompressedReadsAreZeroCopy) {
  auto schema = AllTypesSchema();
  auto dicts = AllTypesDictionaries(*schema);
  RecordBatch want = MakeBatch(schema, dicts, 500, 7, true);
  auto mapping = MapBytes(WriteFile(schema, dicts, {want}, IpcWriteOptions{}), "zero_copy.arrow");
  ASSERT_NE(mapping, nullptr);
  auto reader = IpcFileReader::Open(mapping);
  ASSERT_OMEN_OK(reader.status());
  {
    auto batch = (*reader)->ReadBatch(0);
    ASSERT_OMEN_OK(batch.status());
    ExpectBatchesEqual(want, *batch);
    for (const ArrayData& c : batch->columns) {
      if (c.null_count == c.length) {
        continue;  // all-null column
      }
      EXPECT_TRUE(Inside(c.values, *mapping));
      EXPECT_EQ(c.values.owner.get(), static_cast<const void*>(mapping.get()));
      if (c.null_count > 0) {
        EXPECT_TRUE(Inside(c.validity, *mapping));
      }
    }
    const Dictionary& d = *(*reader)->dictionary(6);
    EXPECT_TRUE(Inside(d.offsets, *mapping));
    EXPECT_TRUE(Inside(d.data, *mapping));
  }
  // Batches keep the mapping alive after the reader is gone.
  auto batch = (*reader)->ReadBatch(0);
  ASSERT_OMEN_OK(batch.status());
  reader->reset();
  mapping.reset();
  ExpectBatchesEqual(want, *batch);
}

TEST(IpcTest, CompressedReadsAreOwnedAndSmaller) {
  auto schema = std::make_shared<Schema>();
  schema->fields = {{"v", {TypeId::kInt64}, true}};
  RecordBatch b;
  b.schema = schema;
  b.num_rows = 10000;
  std::vector<int64_t> v(10000);
  for (size_t i = 0; i < v.size(); ++i) {
    v[i] = static_cast<int64_t>(i / 100);
  }
  b.columns.push_back(ArrayData{{TypeId::kInt64}, 10000, 0, {}, Buffer::FromVector(v), nullptr});
  std::string plain = WriteFile(schema, {}, {b}, IpcWriteOptions{});
  for (Compression c : {Compression::kLz4Frame, Compression::kZstd}) {
    std::string packed = WriteFile(schema, {}, {b}, {c, 1});
    EXPECT_LT(packed.size() * 4, plain.size()) << Name(c);
    auto mapping = MapBytes(packed, std::string("packed_") + Name(c) + ".arrow");
    auto reader = IpcFileReader::Open(mapping);
    ASSERT_OMEN_OK(reader.status());
    auto batch = (*reader)->ReadBatch(0);
    ASSERT_OMEN_OK(batch.status());
    ExpectBatchesEqual(b, *batch);
    EXPECT_FALSE(Inside(batch->columns[0].values, *mapping));
  }
}

TEST(IpcTest, IncompressibleBuffersAreStoredRaw) {
  auto schema = std::make_shared<Schema>();
  schema->fields = {{"v", {TypeId::kInt64}, false}};
  std::mt19937_64 rng(5);
  std::vector<int64_t> v(64);
  for (auto& x : v) {
    x = static_cast<int64_t>(rng());
  }
  RecordBatch b{schema, 64, {ArrayData{{TypeId::kInt64}, 64, 0, {}, Buffer::FromVector(v), {}}}};
  for (Compression c : {Compression::kLz4Frame, Compression::kZstd}) {
    std::string bytes = WriteFile(schema, {}, {b}, {c, 1});
    int64_t marker = ipc_format::kUncompressedMarker;
    EXPECT_NE(bytes.find(std::string(reinterpret_cast<const char*>(&marker), 8)),
              std::string::npos);
    auto reader = OpenIpcFileBytes(bytes);
    ASSERT_OMEN_OK(reader.status());
    auto batch = (*reader)->ReadBatch(0);
    ASSERT_OMEN_OK(batch.status());
    ExpectBatchesEqual(b, *batch);
  }
}

TEST(IpcTest, StreamHoldsTheFileMessages) {
  auto schema = AllTypesSchema();
  auto dicts = AllTypesDictionaries(*schema);
  std::vector<RecordBatch> batches = {MakeBatch(schema, dicts, 33, 1, true),
                                      MakeBatch(schema, dicts, 0, 2, false)};
  for (Compression c : {Compression::kNone, Compression::kLz4Frame}) {
    std::string file = WriteFile(schema, dicts, batches, {c, 1});
    std::string stream;
    auto writer = IpcStreamWriter::Open(&stream, schema, dicts, {c, 1});
    ASSERT_OMEN_OK(writer.status());
    for (const RecordBatch& b : batches) {
      ASSERT_OMEN_OK((*writer)->WriteBatch(b));
    }
    ASSERT_OMEN_OK((*writer)->Finish());
    EXPECT_EQ((*writer)->bytes_written(), stream.size());
    EXPECT_FALSE((*writer)->WriteBatch(batches[0]).ok());
    // The file is magic + the stream (ending in the end-of-stream marker) + footer.
    ASSERT_GT(file.size(), stream.size() + 8);
    EXPECT_EQ(file.substr(8, stream.size()), stream);
    EXPECT_EQ(stream.substr(stream.size() - 8), std::string("\xff\xff\xff\xff\0\0\0\0", 8));
  }
}

TEST(IpcTest, WriterRejectsMismatchedInput) {
  auto schema = AllTypesSchema();
  auto dicts = AllTypesDictionaries(*schema);
  StringFile file;
  EXPECT_TRUE(IpcFileWriter::Open(&file, nullptr, {}, {}).status().IsInvalidArgument());
  EXPECT_TRUE(IpcFileWriter::Open(&file, schema, {}, {}).status().IsInvalidArgument());
  auto writer = IpcFileWriter::Open(&file, schema, dicts, {});
  ASSERT_OMEN_OK(writer.status());
  RecordBatch b = MakeBatch(schema, dicts, 10, 3, false);
  RecordBatch fewer = b;
  fewer.columns.pop_back();
  EXPECT_TRUE((*writer)->WriteBatch(fewer).IsInvalidArgument());
  RecordBatch bad_code = b;
  bad_code.columns[6].values = Buffer::FromVector(std::vector<int32_t>(10, 5));  // dict has 5
  EXPECT_TRUE((*writer)->WriteBatch(bad_code).IsInvalidArgument());
  RecordBatch short_values = b;
  short_values.columns[3].values.size = 8;
  EXPECT_TRUE((*writer)->WriteBatch(short_values).IsInvalidArgument());
  ASSERT_OMEN_OK((*writer)->WriteBatch(b));
  ASSERT_OMEN_OK((*writer)->Finish());
  EXPECT_FALSE((*writer)->Finish().ok());
  ASSERT_OMEN_OK(ReadAll(file.contents()));
}

TEST(IpcTest, CodecsRejectLyingLengths) {
  std::string src;
  for (int i = 0; i < 200; ++i) {
    src += "hello arrow ";
  }
  for (Compression c : {Compression::kLz4Frame, Compression::kZstd}) {
    std::string packed;
    ASSERT_OMEN_OK(CompressBuffer(c, 1, src, &packed));
    std::vector<uint8_t> out;
    int64_t n = static_cast<int64_t>(src.size());
    ASSERT_OMEN_OK(DecompressBuffer(c, packed, n, &out));
    EXPECT_EQ(std::string(out.begin(), out.end()), src);
    EXPECT_TRUE(DecompressBuffer(c, packed, n - 1, &out).IsCorruption()) << Name(c);
    EXPECT_TRUE(DecompressBuffer(c, packed, n + 1, &out).IsCorruption()) << Name(c);
    EXPECT_TRUE(DecompressBuffer(c, packed, int64_t{1} << 50, &out).IsCorruption()) << Name(c);
    EXPECT_TRUE(DecompressBuffer(c, packed.substr(0, packed.size() / 2), n, &out).IsCorruption());
    EXPECT_TRUE(DecompressBuffer(c, "", n, &out).IsCorruption());
    EXPECT_TRUE(DecompressBuffer(c, packed, -2, &out).IsCorruption());
  }
}

// ------------------------------------------------------------------------ malformed input

std::string SmallFile(Compression c) {
  auto schema = AllTypesSchema();
  auto dicts = AllTypesDictionaries(*schema);
  return WriteFile(schema, dicts, {MakeBatch(schema, dicts, 9, 4, true)}, {c, 1});
}

TEST(IpcCorruptionTest, TruncationAtEveryOffsetFails) {
  for (Compression c : {Compression::kNone, Compression::kLz4Frame, Compression::kZstd}) {
    std::string bytes = SmallFile(c);
    ASSERT_OMEN_OK(ReadAll(bytes));
    for (size_t n = 0; n < bytes.size(); ++n) {
      EXPECT_FALSE(ReadAll(bytes.substr(0, n)).ok()) << Name(c) << " truncated to " << n;
    }
  }
}

TEST(IpcCorruptionTest, RandomByteFlipsNeverCrash) {
  std::mt19937_64 rng(20260101);
  for (Compression c : {Compression::kNone, Compression::kLz4Frame, Compression::kZstd}) {
    std::string bytes = SmallFile(c);
    int failures = 0;
    const int kTrials = 1500;
    for (int t = 0; t < kTrials; ++t) {
      std::string bad = bytes;
      int flips = 1 + static_cast<int>(rng() % 3);
      for (int f = 0; f < flips; ++f) {
        size_t pos = rng() % bad.size();
        bad[pos] = static_cast<char>(bad[pos] ^ (1 + rng() % 255));
      }
      failures += ReadAll(std::move(bad)).ok() ? 0 : 1;
    }
    EXPECT_GT(failures, 0) << Name(c);
    std::printf("%s: %d of %d corrupted files rejected\n", Name(c), failures, kTrials);
  }
}

TEST(IpcCorruptionTest, BadMagic) {
  std::string bytes = SmallFile(Compression::kNone);
  std::string head = bytes, tail = bytes;
  head[0] = 'X';
  tail[tail.size() - 1] = 'X';
  EXPECT_TRUE(ReadAll(head).IsCorruption());
  EXPECT_TRUE(ReadAll(tail).IsCorruption());
  EXPECT_TRUE(ReadAll("").IsCorruption());
  EXPECT_TRUE(ReadAll("ARROW1\0\0ARROW1").IsCorruption());
}

TEST(IpcCorruptionTest, FooterLengthOutOfRange) {
  std::string bytes = SmallFile(Compression::kNone);
  for (uint32_t len : {0u, 0xFFFFFFFFu, 0x7FFFFFFFu, static_cast<uint32_t>(bytes.size()),
                       static_cast<uint32_t>(bytes.size() - 17), 3u}) {
    std::string bad = bytes;
    EncodeFixed32(bad.data() + bad.size() - 10, len);
    EXPECT_FALSE(ReadAll(bad).ok()) << len;
  }
}

// Offset of a zero-copy buffer within the file.
size_t FileOffset(const Buffer& b, const FileMapping& m) {
  return static_cast<size_t>(b.data - m.data());
}

TEST(IpcCorruptionTest, DictionaryCodesOutOfRange) {
  std::string bytes = SmallFile(Compression::kNone);
  auto mapping = MapBytes(bytes, "codes.arrow");
  auto reader = IpcFileReader::Open(mapping);
  ASSERT_OMEN_OK(reader.status());
  auto batch = (*reader)->ReadBatch(0);
  ASSERT_OMEN_OK(batch.status());
  const ArrayData& host = batch->columns[6];
  int64_t row = 0;
  while (!host.IsValid(row)) {
    ++row;
  }
  size_t at = FileOffset(host.values, *mapping) + 4 * static_cast<size_t>(row);
  for (int32_t code : {5, -1, 1 << 30}) {
    std::string bad = bytes;
    EncodeFixed32(bad.data() + at, static_cast<uint32_t>(code));
    Status s = ReadAll(bad);
    EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  }
}

TEST(IpcCorruptionTest, DictionaryOffsetsOutOfRange) {
  std::string bytes = SmallFile(Compression::kNone);
  auto mapping = MapBytes(bytes, "offsets.arrow");
  auto reader = IpcFileReader::Open(mapping);
  ASSERT_OMEN_OK(reader.status());
  size_t at = FileOffset((*reader)->dictionary(6)->offsets, *mapping);
  struct Patch {
    int index;
    int32_t value;
  };
  for (Patch p : {Patch{5, 1000}, Patch{0, -4}, Patch{2, 1}, Patch{3, 0x7FFFFFFF}}) {
    std::string bad = bytes;
    EncodeFixed32(bad.data() + at + 4 * p.index, static_cast<uint32_t>(p.value));
    Status s = ReadAll(bad);
    EXPECT_TRUE(s.IsCorruption()) << p.index << ": " << s.ToString();
  }
}

TEST(IpcCorruptionTest, NullCountDisagreesWithValidity) {
  std::string bytes = SmallFile(Compression::kNone);
  auto mapping = MapBytes(bytes, "validity.arrow");
  auto reader = IpcFileReader::Open(mapping);
  ASSERT_OMEN_OK(reader.status());
  auto batch = (*reader)->ReadBatch(0);
  ASSERT_OMEN_OK(batch.status());
  for (const ArrayData& c : batch->columns) {
    if (c.null_count == 0) {
      continue;
    }
    std::string bad = bytes;
    bad[FileOffset(c.validity, *mapping)] ^= 1;
    EXPECT_TRUE(ReadAll(bad).IsCorruption());
    break;
  }
}

}  // namespace
}  // namespace omen::arrow
