// Copyright 2026 The OmenDB Authors.
//
// Storage engine tests: catalog, insert/scan through buffers and segments, recovery, partitions,
// out-of-order data, compaction, delete and retention, ALTER, sort keys, compression, corrupt
// segments and a full disk. Every scan result is compared with a model of the expected rows.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "common/crc32c.h"
#include "common/datetime.h"
#include "common/env.h"
#include "storage/batch.h"
#include "storage/catalog.h"
#include "storage/checksummed_file.h"
#include "storage/database.h"
#include "storage/partition.h"
#include "storage/rows.h"
#include "storage/segment_format.h"
#include "storage/table.h"
#include "storage/users.h"
#include "storage/write_buffer.h"

namespace omen::storage {
namespace {

constexpr int64_t kHour = 3600LL * 1000000;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kT0 = 1700000000LL * 1000000;  // 2023-11-14T22:13:20Z

std::string TestDir(const std::string& name) {
  std::string dir = ::testing::TempDir() + "omen_storage_" + name + "_" + std::to_string(getpid());
  (void)Env::Default()->RemoveAll(dir);
  return dir;
}

// (time, host, value, flag) rows: the model the tests compare scans with.
struct Row {
  int64_t time;
  std::string host;  // "" = null
  double value;
  int64_t count;
  bool operator<(const Row& o) const {
    return std::tie(time, host, value, count) < std::tie(o.time, o.host, o.value, o.count);
  }
  bool operator==(const Row& o) const {
    return std::tie(time, host, value, count) == std::tie(o.time, o.host, o.value, o.count);
  }
};

TableDef MetricsDef(PartitionBy by = PartitionBy::kDay) {
  TableDef def;
  def.name = "metrics";
  def.columns = {{"time", SqlType::kTimestamptz, false},
                 {"host", SqlType::kText, true},
                 {"value", SqlType::kDouble, true},
                 {"count", SqlType::kBigint, true}};
  def.options.partition_by = by;
  def.options.flush_rows = 1000;
  def.options.batch_rows = 64;
  def.options.compact_target_rows = 100000;
  def.options.sort_key = "none";
  return def;
}

arrow::RecordBatch MakeBatch(const Database& db, const std::vector<Row>& rows) {
  auto def = db.FindTable("metrics");
  BatchBuilder b(def->ArrowSchema());
  for (const Row& r : rows) {
    b.AppendInt(0, r.time);
    if (r.host.empty()) {
      b.AppendNull(1);
    } else {
      b.AppendString(1, r.host);
    }
    b.AppendDouble(2, r.value);
    b.AppendInt(3, r.count);
    for (size_t c = 4; c < def->columns.size(); ++c) b.AppendNull(static_cast<int>(c));
  }
  auto batch = b.Finish();
  EXPECT_TRUE(batch.ok()) << batch.status().ToString();
  return std::move(batch).value();
}

std::vector<Row> ScanAll(const Database& db, ScanSpec spec = ScanSpec()) {
  auto scan = db.Scan("metrics", spec);
  EXPECT_TRUE(scan.ok()) << scan.status().ToString();
  std::vector<Row> out;
  arrow::RecordBatch batch;
  while (true) {
    auto more = scan->Next(&batch);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) break;
    for (int64_t i = 0; i < batch.num_rows; ++i) {
      Row r;
      r.time = batch.columns[0].Value<int64_t>(i);
      r.host = batch.columns[1].IsValid(i) ? std::string(batch.columns[1].StringValue(i)) : "";
      r.value = batch.columns[2].Value<double>(i);
      r.count = batch.columns[3].Value<int64_t>(i);
      out.push_back(r);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<Row> Filter(std::vector<Row> rows, int64_t lo, int64_t hi,
                        const std::string& host = "") {
  std::vector<Row> out;
  for (const Row& r : rows) {
    if (r.time >= lo && r.time < hi && (host.empty() || r.host == host)) out.push_back(r);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<Row> RandomRows(std::mt19937_64& rng, int n, int64_t start, int64_t span) {
  std::vector<Row> rows;
  for (int i = 0; i < n; ++i) {
    Row r;
    r.time = start + static_cast<int64_t>(rng() % static_cast<uint64_t>(span));
    int h = static_cast<int>(rng() % 12);
    r.host = h == 11 ? "" : "host_" + std::to_string(h);
    r.value = static_cast<double>(rng() % 10000) / 100.0;
    r.count = static_cast<int64_t>(rng() % 1000);
    rows.push_back(r);
  }
  return rows;
}

StorageOptions TestOptions() {
  StorageOptions o;
  o.sync = false;
  o.background = false;
  o.compaction_trigger = 4;
  return o;
}

std::unique_ptr<Database> OpenDb(const std::string& dir, StorageOptions o = TestOptions()) {
  auto db = Database::Open(dir, o);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return db.ok() ? std::move(db).value() : nullptr;
}

TEST(Partition, RangesAndNames) {
  // 2024-02-29T13:45:00Z (a Thursday).
  const int64_t t = (DaysFromCivil(2024, 2, 29) * 24 + 13) * kHour + 45 * 60 * 1000000LL;
  PartitionRange h = PartitionFor(PartitionBy::kHour, t);
  EXPECT_EQ(h.end - h.start, kHour);
  EXPECT_EQ(PartitionName(PartitionBy::kHour, h.start), "2024-02-29T13");
  PartitionRange d = PartitionFor(PartitionBy::kDay, t);
  EXPECT_EQ(PartitionName(PartitionBy::kDay, d.start), "2024-02-29");
  PartitionRange w = PartitionFor(PartitionBy::kWeek, t);
  EXPECT_EQ(PartitionName(PartitionBy::kWeek, w.start), "2024-02-26");  // Monday
  EXPECT_EQ(w.end - w.start, 7 * kDay);
  PartitionRange m = PartitionFor(PartitionBy::kMonth, t);
  EXPECT_EQ(PartitionName(PartitionBy::kMonth, m.start), "2024-02");
  EXPECT_EQ(m.end - m.start, 29 * kDay);
  EXPECT_EQ(PartitionName(PartitionBy::kNone, 0), "all");
  // Before the epoch: floor, not truncation.
  PartitionRange neg = PartitionFor(PartitionBy::kDay, -1);
  EXPECT_EQ(neg.start, -kDay);
  EXPECT_EQ(PartitionName(PartitionBy::kDay, neg.start), "1969-12-31");
  for (int64_t x : {INT64_MIN, INT64_MAX, int64_t{0}}) {
    for (PartitionBy by : {PartitionBy::kHour, PartitionBy::kDay, PartitionBy::kWeek,
                           PartitionBy::kMonth, PartitionBy::kNone}) {
      PartitionRange r = PartitionFor(by, x / 2);
      EXPECT_LE(r.start, x / 2);
      EXPECT_GT(r.end, x / 2);
    }
  }
}

TEST(Catalog, PersistsAndRejectsCorruption) {
  std::string dir = TestDir("catalog");
  {
    auto cat = Catalog::Open(Env::Default(), dir);
    ASSERT_TRUE(cat.ok());
    TableDef def = MetricsDef();
    ASSERT_TRUE(ValidateTableDef(&def, "").ok());
    auto t = (*cat)->CreateTable(def);
    ASSERT_TRUE(t.ok());
    EXPECT_EQ((*t)->id, 1u);
    EXPECT_TRUE((*cat)->CreateTable(def).status().IsAlreadyExists());
    ASSERT_TRUE((*cat)->AddColumn("metrics", {"extra", SqlType::kInteger, true}).ok());
    EXPECT_TRUE((*cat)
                    ->AddColumn("metrics", {"extra", SqlType::kInteger, true})
                    .status()
                    .IsAlreadyExists());
    EXPECT_TRUE((*cat)
                    ->AddColumn("metrics", {"nn", SqlType::kInteger, false})
                    .status()
                    .IsInvalidArgument());
  }
  {
    auto cat = Catalog::Open(Env::Default(), dir);
    ASSERT_TRUE(cat.ok());
    auto t = (*cat)->Find("metrics");
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->columns.size(), 5u);
    EXPECT_EQ(t->time_column, 0);
    EXPECT_EQ((*cat)->version(), 2u);
    ASSERT_TRUE((*cat)->DropTable("metrics").ok());
    TableDef def = MetricsDef();
    ASSERT_TRUE(ValidateTableDef(&def, "").ok());
    auto again = (*cat)->CreateTable(def);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ((*again)->id, 2u);  // ids are never reused
  }
  // Flip a byte: the catalog refuses to load instead of guessing.
  std::string bytes = *Env::Default()->ReadFile(dir + "/CATALOG");
  bytes[bytes.size() / 2] ^= 0x20;
  ASSERT_TRUE(WriteFileAtomic(Env::Default(), dir + "/CATALOG", bytes).ok());
  EXPECT_TRUE(Catalog::Open(Env::Default(), dir).status().IsCorruption());
  ASSERT_TRUE(WriteFileAtomic(Env::Default(), dir + "/CATALOG", bytes.substr(0, 10)).ok());
  EXPECT_TRUE(Catalog::Open(Env::Default(), dir).status().IsCorruption());
}

TEST(UserStore, PersistsAndRejectsCorruption) {
  std::string dir = TestDir("users");
  ASSERT_TRUE(Env::Default()->CreateDirs(dir).ok());
  uint32_t bob_oid = 0;
  {
    auto users = UserStore::Open(Env::Default(), dir);
    ASSERT_TRUE(users.ok());
    EXPECT_TRUE((*users)->List().empty());
    UserRecord bob;
    bob.name = "bob";
    bob.password = "SCRAM-SHA-256$4096:c2FsdA==$a:b";
    ASSERT_TRUE((*users)->Create(bob).ok());
    EXPECT_STREQ((*users)->Create(bob).SqlState(), "42710");
    bob_oid = (*users)->Find("bob")->oid;
    EXPECT_GE(bob_oid, UserStore::kFirstOid);
    UserRecord amy{"amy", "", true, false, true, 0};
    ASSERT_TRUE((*users)->Put(amy).ok());
    amy.password = "md5" + std::string(32, 'a');
    ASSERT_TRUE((*users)->Put(amy).ok());
    EXPECT_STREQ((*users)->Update(UserRecord{"nobody", "", false, true, false, 0}).SqlState(),
                 "42704");
    EXPECT_STREQ((*users)->Drop("nobody").SqlState(), "42704");
  }
  {
    auto users = UserStore::Open(Env::Default(), dir);
    ASSERT_TRUE(users.ok());
    const auto list = (*users)->List();
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].name, "amy");
    EXPECT_TRUE(list[0].superuser && !list[0].login && list[0].builtin);
    EXPECT_EQ(list[0].password, "md5" + std::string(32, 'a'));
    EXPECT_EQ(list[1].name, "bob");
    EXPECT_EQ(list[1].oid, bob_oid);
    EXPECT_EQ(list[1].password, "SCRAM-SHA-256$4096:c2FsdA==$a:b");
    ASSERT_TRUE((*users)->Drop("bob").ok());
    UserRecord carl;
    carl.name = "carl";
    ASSERT_TRUE((*users)->Create(carl).ok());
    EXPECT_GT((*users)->Find("carl")->oid, bob_oid);  // oids are never reused
  }
  std::string bytes = *Env::Default()->ReadFile(dir + "/USERS");
  bytes[bytes.size() / 2] ^= 0x20;
  ASSERT_TRUE(WriteFileAtomic(Env::Default(), dir + "/USERS", bytes).ok());
  EXPECT_TRUE(UserStore::Open(Env::Default(), dir).status().IsCorruption());
  ASSERT_TRUE(WriteFileAtomic(Env::Default(), dir + "/USERS",
                              FrameChecksummed("OMENUSR1", R"({"format":1,"users":[{"name":1}]})"))
                  .ok());
  EXPECT_TRUE(UserStore::Open(Env::Default(), dir).status().IsCorruption());
}

TEST(Catalog, ValidatesDefinitions) {
  TableDef def = MetricsDef();
  def.columns[0].nullable = true;  // no NOT NULL timestamp
  EXPECT_TRUE(ValidateTableDef(&def, "").IsInvalidArgument());
  EXPECT_TRUE(ValidateTableDef(&def, "time").ok());
  EXPECT_FALSE(def.columns[0].nullable);
  EXPECT_TRUE(ValidateTableDef(&def, "value").IsInvalidArgument());
  EXPECT_TRUE(ValidateTableDef(&def, "nope").IsInvalidArgument());
  def.columns.push_back({"host", SqlType::kText, true});
  EXPECT_TRUE(ValidateTableDef(&def, "time").IsAlreadyExists());
  def = MetricsDef();
  def.options.sort_key = "value";
  EXPECT_TRUE(ValidateTableDef(&def, "").IsInvalidArgument());
  def.options.sort_key = "host";
  EXPECT_TRUE(ValidateTableDef(&def, "").ok());
  EXPECT_EQ(def.sort_column, 1);
}

TEST(Catalog, TableNamesThatAreNotDirectoryNamesAreRefused) {
  for (const char* name : {".", "..", "a/b", "../x", "tab\tle"}) {
    TableDef def = MetricsDef();
    def.name = name;
    EXPECT_TRUE(ValidateTableDef(&def, "").IsInvalidArgument()) << name;
  }
  TableDef def = MetricsDef();
  def.name = "Weird name-ü.1";
  EXPECT_TRUE(ValidateTableDef(&def, "").ok());
  def.options.batch_rows = 0xffffffffu;
  EXPECT_TRUE(ValidateTableDef(&def, "").IsInvalidArgument());
}

TEST(Database, RejectsBatchesThatCouldNotReplay) {
  std::string dir = TestDir("reject");
  auto db = OpenDb(dir);
  ASSERT_TRUE(db->CreateTable(MetricsDef(), "").ok());
  // Timestamps outside +-2^62 microseconds.
  for (int64_t t : {INT64_MAX, INT64_MIN, kMaxTimestamp + 1}) {
    EXPECT_TRUE(db->Insert("metrics", MakeBatch(*db, {{t, "h", 1, 1}})).IsInvalidArgument());
  }
  EXPECT_TRUE(db->Insert("metrics", MakeBatch(*db, {{kMaxTimestamp, "h", 1, 1}})).ok());
  EXPECT_TRUE(db->Insert("metrics", MakeBatch(*db, {{kMinTimestamp, "h", 1, 1}})).ok());
  // A dictionary whose offsets do not start at 0, a null count above the length.
  arrow::RecordBatch bad = MakeBatch(*db, {{kT0, "h", 1, 1}});
  auto dict = std::make_shared<arrow::Dictionary>(*bad.columns[1].dictionary);
  dict->offsets = arrow::Buffer::FromVector(std::vector<int32_t>{1, 1});
  bad.columns[1].dictionary = dict;
  EXPECT_TRUE(db->Insert("metrics", bad).IsInvalidArgument());
  bad = MakeBatch(*db, {{kT0, "h", 1, 1}});
  bad.columns[2].null_count = 5;
  EXPECT_TRUE(db->Insert("metrics", bad).IsInvalidArgument());
  ASSERT_TRUE(db->Checkpoint().ok());
  EXPECT_EQ(ScanAll(*db).size(), 2u);
}

TEST(Manifest, WrongJsonTypesAreCorruptionNotACrash) {
  Manifest m;
  m.table_id = 1;
  m.next_segment_id = 3;
  m.partitions[0].segments.push_back({1, 10, 0, 5, 100});
  std::string good = EncodeManifest(m);
  ASSERT_TRUE(DecodeManifest(good).ok());
  auto reencode = [](const std::string& body) {
    char header[64];
    std::snprintf(header, sizeof(header), "OMENMAN1 %zu %08x\n", body.size(),
                  crc32c::Value(body.data(), body.size()));
    return header + body;
  };
  for (
      const char* body :
      {R"({"table_id":1,"next_segment_id":3,"partitions":[{"start":"x","segments":[]}]})",
       R"({"table_id":1,"next_segment_id":3,"partitions":[{"start":0,"segments":[["a",1,2,3,4]]}]})",
       R"({"table_id":1,"next_segment_id":3,"partitions":[{"start":0,"segments":[[1,1,2,3,4],[1,1,2,3,4]]}]})",
       R"({"table_id":"1","next_segment_id":3,"partitions":[]})", R"([1,2,3])", R"(nope)"}) {
    auto r = DecodeManifest(reencode(body));
    EXPECT_FALSE(r.ok()) << body;
  }
}

// Validity is kept only once a column has a null (the rows before it are valid), and kept
// dictionaries carry their codes over Finish until one outgrows its batch.
TEST(Batch, LateNullsAndKeptDictionaries) {
  TableDef def = MetricsDef();
  ASSERT_TRUE(ValidateTableDef(&def, "").ok());
  auto schema = def.ArrowSchema();
  BatchBuilder b(schema);
  b.set_keep_dictionaries(true);
  const uint64_t generation = b.dictionary_generation();
  const int32_t code_a = b.Intern(1, "a");
  for (int i = 0; i < 20; ++i) {
    b.AppendInt(0, kT0 + i);
    b.AppendCode(1, code_a);
    b.AppendDouble(2, i);
    if (i == 17) {
      b.AppendNull(3);
    } else {
      b.AppendInt(3, i);
    }
  }
  auto batch = b.Finish();
  ASSERT_TRUE(batch.ok());
  ASSERT_TRUE(ValidateBatch(*batch, *schema).ok());
  EXPECT_EQ(batch->columns[3].null_count, 1);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(batch->columns[3].IsValid(i), i != 17) << i;
    EXPECT_EQ(batch->columns[1].dictionary->Get(batch->columns[1].Value<int32_t>(i)), "a");
  }
  EXPECT_EQ(batch->columns[2].null_count, 0);
  // The code of "a" still holds in the next batch.
  EXPECT_EQ(b.dictionary_generation(), generation);
  EXPECT_EQ(b.num_rows(), 0);
  const int32_t code_b = b.Intern(1, "b");
  EXPECT_EQ(b.Intern(1, "a"), code_a);
  b.AppendInt(0, kT0);
  b.AppendCode(1, code_b);
  b.AppendDouble(2, 1);
  b.AppendInt(3, 1);
  batch = b.Finish();
  ASSERT_TRUE(batch.ok());
  ASSERT_TRUE(ValidateBatch(*batch, *schema).ok());
  EXPECT_EQ(batch->columns[1].dictionary->Get(batch->columns[1].Value<int32_t>(0)), "b");
  // Two strings for one row: dropped at this Finish.
  EXPECT_NE(b.dictionary_generation(), generation);
  b.AppendInt(0, kT0);
  b.AppendString(1, "c");
  b.AppendDouble(2, 1);
  b.AppendInt(3, 1);
  batch = b.Finish();
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(batch->columns[1].dictionary->length, 1);
}

TEST(Batch, WalPayloadRoundTripAndCorruption) {
  TableDef def = MetricsDef();
  ASSERT_TRUE(ValidateTableDef(&def, "").ok());
  auto schema = def.ArrowSchema();
  BatchBuilder b(schema);
  for (int i = 0; i < 100; ++i) {
    b.AppendInt(0, kT0 + i);
    if (i % 7 == 0) {
      b.AppendNull(1);
    } else {
      b.AppendString(1, "h" + std::to_string(i % 5));
    }
    b.AppendDouble(2, i * 1.5);
    if (i % 3 == 0) {
      b.AppendNull(3);
    } else {
      b.AppendInt(3, i);
    }
  }
  auto batch = b.Finish();
  ASSERT_TRUE(batch.ok());
  std::string payload = EncodeBatchRecord(7, *batch);
  auto decoded = DecodeBatchRecord(payload, schema);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->table_id, 7u);
  ASSERT_EQ(decoded->batch.num_rows, 100);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(decoded->batch.columns[0].Value<int64_t>(i), kT0 + i);
    EXPECT_EQ(decoded->batch.columns[1].IsValid(i), i % 7 != 0);
    if (i % 7 != 0) {
      EXPECT_EQ(decoded->batch.columns[1].StringValue(i), "h" + std::to_string(i % 5));
    }
    EXPECT_EQ(decoded->batch.columns[3].IsValid(i), i % 3 != 0);
  }
  // A record from before ADD COLUMN decodes with the new column all null.
  TableDef wider = def;
  wider.columns.push_back({"extra", SqlType::kInteger, true});
  auto wide = DecodeBatchRecord(payload, wider.ArrowSchema());
  ASSERT_TRUE(wide.ok());
  EXPECT_EQ(wide->batch.columns[4].null_count, 100);
  // Every truncation and a sample of byte flips fail cleanly or decode valid data.
  for (size_t cut = 0; cut < payload.size(); ++cut) {
    EXPECT_FALSE(DecodeBatchRecord(payload.substr(0, cut), schema).ok()) << cut;
  }
  std::mt19937 rng(1);
  for (int i = 0; i < 2000; ++i) {
    std::string bad = payload;
    bad[rng() % bad.size()] ^= static_cast<char>(1 + rng() % 255);
    auto r = DecodeBatchRecord(bad, schema);
    if (r.ok()) {
      EXPECT_TRUE(ValidateBatch(r->batch, *schema).ok());
    }
  }
  // NOT NULL violations are refused at build time.
  BatchBuilder nn(schema);
  nn.AppendNull(0);
  nn.AppendNull(1);
  nn.AppendNull(2);
  nn.AppendNull(3);
  EXPECT_TRUE(nn.Finish().status().IsInvalidArgument());
}

// Every column type, with values spanning each delta width (1, 2, 4 and 8 bytes, the full
// int64 range included), NULLs and constant columns, survives the narrowed WAL payload.
TEST(Batch, WalPayloadNarrowsIntegersExactly) {
  TableDef def;
  def.name = "allk";
  def.columns = {{"time", SqlType::kTimestamptz, false}, {"b", SqlType::kBoolean, true},
                 {"s", SqlType::kSmallint, true},        {"i", SqlType::kInteger, true},
                 {"g", SqlType::kBigint, true},          {"r", SqlType::kReal, true},
                 {"d", SqlType::kDouble, true},          {"t", SqlType::kText, true},
                 {"ts", SqlType::kTimestamp, true},      {"day", SqlType::kDate, true}};
  ASSERT_TRUE(ValidateTableDef(&def, "").ok());
  auto schema = def.ArrowSchema();
  std::mt19937_64 rng(7);
  // Value ranges on both sides of each width's limit.
  const uint64_t spans[] = {0, 255, 256, 65535, 65536, 200, 4294967295u, 4294967296u, UINT64_MAX};
  for (int trial = 0; trial < 72; ++trial) {
    const uint64_t span = spans[trial % 9];
    const int rows = 2 + static_cast<int>(rng() % 300);
    int row = 0;  // the row being built: row 0 takes the low end, row 1 the high end
    auto pick = [&](int64_t lo, int64_t hi) {  // in [lo, lo + min(span, hi - lo)]
      const uint64_t width =
          std::min(span, static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo));  // no overflow
      const uint64_t off = row == 0   ? 0
                           : row == 1 ? width
                                      : (width == UINT64_MAX ? rng() : rng() % (width + 1));
      return static_cast<int64_t>(static_cast<uint64_t>(lo) + off);
    };
    BatchBuilder b(schema);
    for (int r = 0; r < rows; ++r) {
      row = r;
      const bool may_null = r >= 2;  // rows 0 and 1 hold each column's range ends
      b.AppendInt(0, pick(kT0, kT0 + 1000000000000LL));
      if (rng() % 5 == 0)
        b.AppendNull(1);
      else
        b.AppendBool(1, rng() % 2);
      if (may_null && rng() % 5 == 0)
        b.AppendNull(2);
      else
        b.AppendInt(2, pick(-32768, 32767));
      if (may_null && rng() % 5 == 0)
        b.AppendNull(3);
      else
        b.AppendInt(3, pick(INT32_MIN, INT32_MAX));
      if (may_null && rng() % 5 == 0)
        b.AppendNull(4);
      else
        b.AppendInt(4, pick(INT64_MIN, INT64_MAX));
      b.AppendDouble(5, static_cast<float>(rng() % 1000) / 8);
      b.AppendDouble(6, static_cast<double>(static_cast<int64_t>(rng())) / 3);
      if (rng() % 5 == 0)
        b.AppendNull(7);
      else
        b.AppendString(7, "v" + std::to_string(rng() % 400));
      b.AppendInt(8, pick(INT64_MIN / 2, INT64_MAX / 2));
      b.AppendInt(9, pick(-1000000, 1000000));
    }
    auto batch = b.Finish();
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    const std::string payload = EncodeBatchRecord(3, *batch);
    auto decoded = DecodeBatchRecord(payload, schema);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    for (size_t c = 0; c < def.columns.size(); ++c) {
      const auto& want = batch->columns[c];
      const auto& got = decoded->batch.columns[c];
      ASSERT_EQ(got.null_count, want.null_count) << c;
      for (int r = 0; r < rows; ++r) {
        ASSERT_EQ(got.IsValid(r), want.IsValid(r)) << c << " " << r;
        if (!want.IsValid(r)) continue;
        switch (want.type.id) {
          case arrow::TypeId::kBool:
            ASSERT_EQ(got.BoolValue(r), want.BoolValue(r));
            break;
          case arrow::TypeId::kInt16:
            ASSERT_EQ(got.Value<int16_t>(r), want.Value<int16_t>(r));
            break;
          case arrow::TypeId::kInt32:
          case arrow::TypeId::kDate32:
          case arrow::TypeId::kString:
            ASSERT_EQ(got.Value<int32_t>(r), want.Value<int32_t>(r)) << c << " " << r;
            break;
          case arrow::TypeId::kFloat32:
            ASSERT_EQ(got.Value<float>(r), want.Value<float>(r));
            break;
          case arrow::TypeId::kFloat64:
            ASSERT_EQ(got.Value<double>(r), want.Value<double>(r));
            break;
          default:
            ASSERT_EQ(got.Value<int64_t>(r), want.Value<int64_t>(r)) << c << " " << r;
        }
      }
    }
    for (size_t cut = 0; cut < payload.size(); cut += 1 + payload.size() / 97) {
      EXPECT_FALSE(DecodeBatchRecord(payload.substr(0, cut), schema).ok()) << cut;
    }
  }
  // Narrow ranges take a byte a value: a TSBS-like batch (time at a 10 s cadence, tags of a
  // few hundred values, small integer metrics) is about 5x smaller than its buffers.
  TableDef tsbs;
  tsbs.name = "cpu";
  tsbs.columns = {{"time", SqlType::kTimestamptz, false}, {"host", SqlType::kText, true}};
  for (int m = 0; m < 10; ++m)
    tsbs.columns.push_back({"m" + std::to_string(m), SqlType::kBigint, true});
  ASSERT_TRUE(ValidateTableDef(&tsbs, "").ok());
  BatchBuilder t(tsbs.ArrowSchema());
  for (int r = 0; r < 5000; ++r) {
    t.AppendInt(0, kT0 + (r / 400) * 10000000LL);
    t.AppendString(1, "host_" + std::to_string(r % 400));
    for (int m = 0; m < 10; ++m) t.AppendInt(2 + m, static_cast<int64_t>(rng() % 100));
  }
  auto tb = t.Finish();
  ASSERT_TRUE(tb.ok());
  const std::string tp = EncodeBatchRecord(1, *tb);
  EXPECT_LT(tp.size(), 5000u * 18 + 8000);  // buffers: 5000 x 92 bytes; narrowed: 4 + 2 + 10
  ASSERT_TRUE(DecodeBatchRecord(tp, tsbs.ArrowSchema()).ok());
}

// Records written before the narrowed format ("BATH": values buffers as they are) still
// decode.
TEST(Batch, WalPayloadFirstFormatStillDecodes) {
  TableDef def = MetricsDef();
  ASSERT_TRUE(ValidateTableDef(&def, "").ok());
  auto schema = def.ArrowSchema();
  // time, host (text), value (double), count (bigint) as the first format laid them out.
  std::string p;
  auto put32 = [&](uint32_t v) { p.append(reinterpret_cast<const char*>(&v), 4); };
  auto put64 = [&](uint64_t v) { p.append(reinterpret_cast<const char*>(&v), 8); };
  put32(0x48544142);
  put64(9);
  put64(2);
  put32(4);
  p += std::string{static_cast<char>(arrow::TypeId::kTimestamp), 1};
  put64(0);
  put64(static_cast<uint64_t>(kT0));
  put64(static_cast<uint64_t>(kT0 + 5));
  p += std::string{static_cast<char>(arrow::TypeId::kString), 0};
  put64(1);
  p.push_back(0x02);  // validity: row 0 null, row 1 valid
  put32(0);
  put32(0);
  put32(1);  // dictionary: one string "hx"
  put32(0);
  put32(2);
  put32(2);
  p += "hx";
  p += std::string{static_cast<char>(arrow::TypeId::kFloat64), 0};
  put64(0);
  const double dv[2] = {1.5, -2.25};
  p.append(reinterpret_cast<const char*>(dv), 16);
  p += std::string{static_cast<char>(arrow::TypeId::kInt64), 0};
  put64(0);
  put64(7);
  put64(static_cast<uint64_t>(-8));
  auto d = DecodeBatchRecord(p, schema);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->table_id, 9u);
  ASSERT_EQ(d->batch.num_rows, 2);
  EXPECT_EQ(d->batch.columns[0].Value<int64_t>(1), kT0 + 5);
  EXPECT_FALSE(d->batch.columns[1].IsValid(0));
  EXPECT_EQ(d->batch.columns[1].StringValue(1), "hx");
  EXPECT_EQ(d->batch.columns[2].Value<double>(1), -2.25);
  EXPECT_EQ(d->batch.columns[3].Value<int64_t>(1), -8);
  EXPECT_EQ(*PeekBatchTableId(p), 9u);
}

TEST(SegmentFormat, RoundTripAndCorruption) {
  SegmentIndex idx;
  idx.arrow_bytes = 1234;
  idx.arrow_crc = 99;
  idx.rows = 10;
  idx.batch_rows = 8;
  idx.num_batches = 2;
  idx.num_columns = 2;
  idx.min_time = 5;
  idx.max_time = 50;
  idx.column_stats = {{true, 5, 50, 0}, {false, 0, 0, 10}};
  idx.batch_stats = {{{true, 5, 40, 0}, {false, 0, 0, 8}}, {{true, 41, 50, 0}, {false, 0, 0, 2}}};
  std::vector<int64_t> keys = {5, 6, 7, 8, 9, 10, 20, 30, 40, 50};
  idx.has_model = true;
  idx.model = index::LearnedIndex<int64_t, 32, 4>(keys.data(), keys.size()).ToData();
  std::string bytes = EncodeSegmentIndex(idx);
  auto back = DecodeSegmentIndex(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->rows, 10u);
  EXPECT_EQ(back->batch_stats[1][0].min, 41);
  EXPECT_EQ(back->model.n, 10u);
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_FALSE(DecodeSegmentIndex(bytes.substr(0, cut)).ok()) << cut;
  }
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string bad = bytes;
    bad[i] ^= 0x01;
    EXPECT_FALSE(DecodeSegmentIndex(bad).ok()) << i;  // header, body or CRC: always detected
  }
}

TEST(Database, InsertScanFlushAndReopen) {
  std::string dir = TestDir("basic");
  std::mt19937_64 rng(42);
  std::vector<Row> all;
  {
    auto db = OpenDb(dir);
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(db->CreateTable(MetricsDef(), "").ok());
    EXPECT_TRUE(db->CreateTable(MetricsDef(), "").status().IsAlreadyExists());
    EXPECT_TRUE(db->CreateTable(MetricsDef(), "", true).ok());
    for (int b = 0; b < 10; ++b) {
      auto rows = RandomRows(rng, 300, kT0 + b * kHour, 3 * kDay);  // spans partitions
      ASSERT_TRUE(db->Insert("metrics", MakeBatch(*db, rows)).ok());
      all.insert(all.end(), rows.begin(), rows.end());
      if (b == 4) {
        ASSERT_TRUE(db->Checkpoint().ok());  // half in segments, half buffered
      }
    }
    EXPECT_EQ(ScanAll(*db), Filter(all, INT64_MIN, INT64_MAX));
    ScanSpec spec;
    spec.min_time = kT0 + kDay / 3;
    spec.max_time = kT0 + 2 * kDay + 17;
    EXPECT_EQ(ScanAll(*db, spec), Filter(all, spec.min_time, spec.max_time));
    auto scan = db->Scan("metrics", spec);
    ASSERT_TRUE(scan.ok());
    EXPECT_EQ(scan->stats().rows_estimated,
              static_cast<int64_t>(Filter(all, spec.min_time, spec.max_time).size()));
    EXPECT_LT(scan->stats().partitions_scanned, scan->stats().partitions_total);
    // Unknown table, bad batch.
    EXPECT_TRUE(db->Insert("nope", MakeBatch(*db, all)).IsNotFound());
    arrow::RecordBatch bad = MakeBatch(*db, {all[0]});
    bad.columns.pop_back();
    EXPECT_TRUE(db->Insert("metrics", bad).IsInvalidArgument());
    // No Close(): the destructor of a crashed process never runs; simulate by leaking? No:
    // here we test the clean path. Crash recovery is the next test.
  }
  {
    auto db = OpenDb(dir);
    ASSERT_NE(db, nullptr);
    EXPECT_EQ(ScanAll(*db), Filter(all, INT64_MIN, INT64_MAX));
  }
}

TEST(Database, RecoversUnflushedRowsFromWal) {
  std::string dir = TestDir("recover");
  std::mt19937_64 rng(7);
  std::vector<Row> all;
  {
    StorageOptions o = TestOptions();
    o.sync = true;
    auto db = OpenDb(dir, o);
    ASSERT_TRUE(db->CreateTable(MetricsDef(), "").ok());
    for (int b = 0; b < 6; ++b) {
      auto rows = RandomRows(rng, 200, kT0, 2 * kDay);
      ASSERT_TRUE(db->Insert("metrics", MakeBatch(*db, rows)).ok());
      all.insert(all.end(), rows.begin(), rows.end());
      if (b == 2) {
        ASSERT_TRUE(db->Checkpoint().ok());
      }
    }
    // Simulate a crash: copy the directory as it is on disk now, without closing.
    ASSERT_EQ(
        std::system(("rm -rf " + dir + ".crash && cp -r " + dir + " " + dir + ".crash").c_str()),
        0);
  }
  auto db = OpenDb(dir + ".crash");
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(ScanAll(*db), Filter(all, INT64_MIN, INT64_MAX));
  EXPECT_GT(db->stats().replayed_records, 0u);
  // And again after flushing the replayed rows: nothing doubles.
  ASSERT_TRUE(db->Checkpoint().ok());
  db.reset();
  db = OpenDb(dir + ".crash");
  EXPECT_EQ(ScanAll(*db), Filter(all, INT64_MIN, INT64_MAX));
}

// Gather against a row-by-row reading of its sources: refs in long runs (a compaction's merge
// of sorted inputs, copied run by run) and shuffled (a flush's reordering, copied row by row),
// with and without NULLs, over sources whose dictionaries differ.
// The flush's one-pass gather from write-buffer chunks orders rows and builds dictionaries
// exactly as materializing the buffer and then gathering it by SortedRefs does: with and
// without a sort key, NULL series (first), NULLs elsewhere, booleans, strings the pool holds
// but no row uses, rows out of time order and ties.
TEST(Rows, MaterializeForSegmentMatchesGatherOfMaterialize) {
  TableDef def;
  def.name = "mfs";
  def.columns = {{"time", SqlType::kTimestamptz, false}, {"host", SqlType::kText, true},
                 {"ok", SqlType::kBoolean, true},        {"v", SqlType::kDouble, true},
                 {"zone", SqlType::kText, true},         {"n", SqlType::kInteger, true}};
  ASSERT_TRUE(ValidateTableDef(&def, "").ok());
  auto schema = def.ArrowSchema();
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 40; ++trial) {
    WriteBuffer buffer(schema, 0);
    const bool in_order = trial % 3 == 0;
    const int batches = 1 + trial % 4;
    int64_t t = kT0;
    for (int bi = 0; bi < batches; ++bi) {
      BatchBuilder b(schema);
      const int rows = 1 + static_cast<int>(rng() % 9000);  // crosses chunk boundaries
      for (int r = 0; r < rows; ++r) {
        t += in_order ? static_cast<int64_t>(rng() % 3) : static_cast<int64_t>(rng() % 7) - 3;
        b.AppendInt(0, t);
        if (rng() % 11 == 0)
          b.AppendNull(1);
        else
          b.AppendString(1, "h" + std::to_string(rng() % 50));
        if (rng() % 9 == 0)
          b.AppendNull(2);
        else
          b.AppendBool(2, rng() % 2 == 0);
        if (rng() % 13 == 0)
          b.AppendNull(3);
        else
          b.AppendDouble(3, static_cast<double>(rng() % 1000));
        if (rng() % 7 == 0)
          b.AppendNull(4);
        else
          b.AppendString(4, "z" + std::to_string(rng() % 5));
        if (rng() % 5 == 0)
          b.AppendNull(5);
        else
          b.AppendInt(5, static_cast<int64_t>(rng() % 100) - 50);
      }
      // A string only the batch dictionary holds (no row uses it) reaches the pool.
      b.AppendInt(0, t);
      b.AppendString(1, "unused" + std::to_string(bi));
      b.AppendNull(2);
      b.AppendNull(3);
      b.AppendNull(4);
      b.AppendNull(5);
      auto batch = b.Finish();
      ASSERT_TRUE(batch.ok()) << batch.status().ToString();
      std::vector<uint32_t> ids;  // every row but the last
      for (int64_t r = 0; r + 1 < batch->num_rows; ++r) ids.push_back(static_cast<uint32_t>(r));
      buffer.Reserve(static_cast<int64_t>(ids.size()));
      buffer.Append(*batch, ids.data(), static_cast<int64_t>(ids.size()), 1 + bi);
      buffer.Publish();
    }
    const WriteBuffer::Snapshot snap = buffer.TakeSnapshot();
    for (int sort_column : {-1, 1, 4}) {
      arrow::RecordBatch whole = Materialize(snap, kMinTimestamp, kMaxTimestamp + 1, {});
      // What a flush did before: materialize in time order, then gather (sort_column < 0:
      // SortedRefs keeps that order; Gather reduces the dictionaries either way).
      arrow::RecordBatch want = Gather({&whole}, SortedRefs({&whole}, 0, sort_column));
      arrow::RecordBatch got = MaterializeForSegment(snap, sort_column);
      ASSERT_TRUE(ValidateBatch(got, *schema).ok());
      ASSERT_EQ(got.num_rows, want.num_rows);
      for (size_t c = 0; c < def.columns.size(); ++c) {
        const auto& g = got.columns[c];
        const auto& w = want.columns[c];
        ASSERT_EQ(g.null_count, w.null_count) << trial << " " << sort_column << " " << c;
        if (g.dictionary != nullptr) {
          ASSERT_EQ(g.dictionary->length, w.dictionary->length) << c;
          for (int64_t k = 0; k < g.dictionary->length; ++k) {
            ASSERT_EQ(g.dictionary->Get(k), w.dictionary->Get(k));
          }
          EXPECT_TRUE(g.dictionary->sorted);
        }
        for (int64_t r = 0; r < got.num_rows; ++r) {
          ASSERT_EQ(g.IsValid(r), w.IsValid(r))
              << trial << " " << sort_column << " " << c << " " << r;
          if (!w.IsValid(r)) continue;
          switch (w.type.id) {
            case arrow::TypeId::kBool:
              ASSERT_EQ(g.BoolValue(r), w.BoolValue(r));
              break;
            case arrow::TypeId::kString:
            case arrow::TypeId::kInt32:
              ASSERT_EQ(g.Value<int32_t>(r), w.Value<int32_t>(r)) << c << " " << r;
              break;
            case arrow::TypeId::kFloat64:
              ASSERT_EQ(g.Value<double>(r), w.Value<double>(r));
              break;
            default:
              ASSERT_EQ(g.Value<int64_t>(r), w.Value<int64_t>(r)) << c << " " << r;
          }
        }
      }
    }
  }
}

TEST(Rows, GatherMatchesRowByRow) {
  auto db = OpenDb(TestDir("gather"));
  ASSERT_TRUE(db->CreateTable(MetricsDef(), "").ok());
  std::mt19937 rng(5);
  for (int trial = 0; trial < 60; ++trial) {
    const bool nulls = trial % 2 == 1;
    std::vector<arrow::RecordBatch> batches;
    std::vector<std::vector<Row>> rows;
    const int nsources = 1 + trial % 4;
    for (int s = 0; s < nsources; ++s) {
      std::vector<Row> rs;
      const int n = 1 + static_cast<int>(rng() % 300);
      for (int r = 0; r < n; ++r) {
        rs.push_back({static_cast<int64_t>(rng() % 100000),
                      nulls && rng() % 5 == 0 ? "" : "h" + std::to_string((rng() % 7) * (s + 1)),
                      static_cast<double>(rng() % 1000) / 4, static_cast<int64_t>(rng() % 50)});
      }
      batches.push_back(MakeBatch(*db, rs));
      rows.push_back(std::move(rs));
    }
    std::vector<const arrow::RecordBatch*> sources;
    for (const auto& b : batches) sources.push_back(&b);
    std::vector<RowRef> refs;
    if (trial % 3 != 0) {  // runs: stretches of consecutive rows from each source in turn
      for (int round = 0; round < 3; ++round) {
        for (uint32_t s = 0; s < sources.size(); ++s) {
          const uint32_t n = static_cast<uint32_t>(rows[s].size());
          const uint32_t a = static_cast<uint32_t>(rng() % n);
          const uint32_t len = std::min<uint32_t>(n - a, 1 + static_cast<uint32_t>(rng() % 40));
          for (uint32_t k = 0; k < len; ++k) refs.push_back({s, a + k});
        }
      }
    } else {
      for (int k = 0; k < 400; ++k) {
        const uint32_t s = static_cast<uint32_t>(rng() % sources.size());
        refs.push_back({s, static_cast<uint32_t>(rng() % rows[s].size())});
      }
    }
    arrow::RecordBatch out = Gather(sources, refs);
    ASSERT_EQ(out.num_rows, static_cast<int64_t>(refs.size()));
    for (size_t i = 0; i < refs.size(); ++i) {
      const Row& want = rows[refs[i].source][refs[i].row];
      const int64_t r = static_cast<int64_t>(i);
      EXPECT_EQ(out.columns[0].Value<int64_t>(r), want.time) << "trial " << trial << " row " << i;
      EXPECT_EQ(out.columns[1].IsValid(r), !want.host.empty());
      if (!want.host.empty()) {
        EXPECT_EQ(out.columns[1].StringValue(r), want.host);
      }
      EXPECT_EQ(out.columns[2].Value<double>(r), want.value);
      EXPECT_EQ(out.columns[3].Value<int64_t>(r), want.count);
    }
  }
}

TEST(Database, OutOfOrderCompactionAndTagFilter) {
  std::string dir = TestDir("ooo");
  std::mt19937_64 rng(3);
  auto db = OpenDb(dir);
  ASSERT_TRUE(db->CreateTable(MetricsDef(PartitionBy::kHour), "").ok());
  std::vector<Row> all;
  for (int b = 0; b < 12; ++b) {
    // Each batch lands mostly in the latest hours and partly in old ones.
    auto rows = RandomRows(rng, 250, kT0 + b * kHour / 2, 2 * kHour);
    auto late = RandomRows(rng, 50, kT0, kHour);
    rows.insert(rows.end(), late.begin(), late.end());
    ASSERT_TRUE(db->Insert("metrics", MakeBatch(*db, rows)).ok());
    all.insert(all.end(), rows.begin(), rows.end());
    ASSERT_TRUE(db->Checkpoint().ok());  // many small segments
  }
  EXPECT_EQ(ScanAll(*db), Filter(all, INT64_MIN, INT64_MAX));
  ASSERT_TRUE(db->CompactAll().ok());
  EXPECT_GT(db->stats().compactions, 0u);
  EXPECT_EQ(ScanAll(*db), Filter(all, INT64_MIN, INT64_MAX));
  ScanSpec spec;
  spec.min_time = kT0 + kHour / 2;
  spec.max_time = kT0 + 4 * kHour;
  spec.tag_column = 1;
  spec.tag_values = {"host_3"};
  EXPECT_EQ(ScanAll(*db, spec), Filter(all, spec.min_time, spec.max_time, "host_3"));
  spec.tag_values = {"no_such_host"};
  EXPECT_TRUE(ScanAll(*db, spec).empty());
  db.reset();
  db = OpenDb(dir);
  EXPECT_EQ(ScanAll(*db), Filter(all, INT64_MIN, INT64_MAX));
}

TEST(Database, DeleteRangeAndRetention) {
  std::string dir = TestDir("delete");
  std::mt19937_64 rng(5);
  std::vector<Row> all;
  {
    auto db = OpenDb(dir);
    ASSERT_TRUE(db->CreateTable(MetricsDef(), "").ok());
    auto rows = RandomRows(rng, 3000, kT0, 5 * kDay);
    ASSERT_TRUE(db->Insert("metrics", MakeBatch(*db, rows)).ok());
    all = rows;
    const int64_t lo = kT0 + kDay + 12345, hi = kT0 + 2 * kDay + 999;
    auto deleted = db->DeleteRange("metrics", lo, hi);
    ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
    std::vector<Row> kept;
    for (const Row& r : all) {
      if (r.time < lo || r.time >= hi) kept.push_back(r);
    }
    EXPECT_EQ(*deleted, all.size() - kept.size());
    all = kept;
    EXPECT_EQ(ScanAll(*db), Filter(all, INT64_MIN, INT64_MAX));
    // Retention: whole days before the cutoff go; the cutoff's own day stays.
    const int64_t cutoff = kT0 + 3 * kDay;
    auto dropped = db->DropPartitionsBefore("metrics", cutoff);
    ASSERT_TRUE(dropped.ok());
    const int64_t day_start = PartitionFor(PartitionBy::kDay, cutoff).start;
    kept.clear();
    for (const Row& r : all) {
      if (r.time >= day_start) kept.push_back(r);
    }
    EXPECT_EQ(*dropped, all.size() - kept.size());
    all = kept;
    EXPECT_EQ(ScanAll(*db), Filter(all, INT64_MIN, INT64_MAX));
    auto more = RandomRows(rng, 100, kT0 + 4 * kDay, kDay);
    ASSERT_TRUE(db->Insert("metrics", MakeBatch(*db, more)).ok());
    all.insert(all.end(), more.begin(), more.end());
    // Crash copy: the WAL still holds the deleted rows, which must not come back.
    ASSERT_EQ(
        std::system(("rm -rf " + dir + ".crash && cp -r " + dir + " " + dir + ".crash").c_str()),
        0);
  }
  auto db = OpenDb(dir + ".crash");
  EXPECT_EQ(ScanAll(*db), Filter(all, INT64_MIN, INT64_MAX));
}

TEST(Database, RetentionOptionDropsOldPartitionsInBackground) {
  std::string dir = TestDir("retention");
  StorageOptions o = TestOptions();
  o.background = true;
  o.background_interval_ms = 5;
  auto db = OpenDb(dir, o);
  TableDef def = MetricsDef();
  def.options.retention_us = 2 * kDay;
  ASSERT_TRUE(db->CreateTable(def, "").ok());
  const int64_t now = static_cast<int64_t>(Env::Default()->NowMicros());
  std::vector<Row> rows = {
      {now - 10 * kDay, "old", 1, 1}, {now - 5 * kDay, "old", 2, 2}, {now - kHour, "new", 3, 3}};
  ASSERT_TRUE(db->Insert("metrics", MakeBatch(*db, rows)).ok());
  for (int i = 0; i < 400 && ScanAll(*db).size() != 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(ScanAll(*db), Filter({rows[2]}, INT64_MIN, INT64_MAX));
  db.reset();
  db = OpenDb(dir);
  EXPECT_EQ(db->FindTable("metrics")->options.retention_us, 2 * kDay);
  EXPECT_EQ(ScanAll(*db), Filter({rows[2]}, INT64_MIN, INT64_MAX));
}

TEST(Database, AddColumnKeepsOldRowsAsNull) {
  std::string dir = TestDir("alter");
  std::mt19937_64 rng(9);
  auto db = OpenDb(dir);
  ASSERT_TRUE(db->CreateTable(MetricsDef(), "").ok());
  auto rows = RandomRows(rng, 500, kT0, kDay);
  ASSERT_TRUE(db->Insert("metrics", MakeBatch(*db, rows)).ok());
  ASSERT_TRUE(db->AddColumn("metrics", {"region", SqlType::kText, true}).ok());
  auto def = db->FindTable("metrics");
  BatchBuilder b(def->ArrowSchema());
  b.AppendInt(0, kT0 + 5);
  b.AppendString(1, "h");
  b.AppendDouble(2, 1.0);
  b.AppendInt(3, 1);
  b.AppendString(4, "eu-west");
  ASSERT_TRUE(db->Insert("metrics", *b.Finish()).ok());
  ASSERT_TRUE(db->Checkpoint().ok());
  ASSERT_TRUE(db->CompactAll().ok());
  auto scan = db->Scan("metrics", ScanSpec());
  ASSERT_TRUE(scan.ok());
  int64_t total = 0, with_region = 0;
  arrow::RecordBatch batch;
  while (*scan->Next(&batch)) {
    ASSERT_EQ(batch.columns.size(), 5u);
    for (int64_t i = 0; i < batch.num_rows; ++i) {
      ++total;
      if (batch.columns[4].IsValid(i)) {
        ++with_region;
        EXPECT_EQ(batch.columns[4].StringValue(i), "eu-west");
      }
    }
  }
  EXPECT_EQ(total, 501);
  EXPECT_EQ(with_region, 1);
}

class DatabaseOptions : public ::testing::TestWithParam<std::tuple<arrow::Compression, bool>> {};

TEST_P(DatabaseOptions, CompressionAndSortKeyScans) {
  auto [compression, sort_key] = GetParam();
  std::string dir =
      TestDir("opts_" + std::to_string(static_cast<int>(compression)) + (sort_key ? "_sk" : ""));
  std::mt19937_64 rng(11);
  auto db = OpenDb(dir);
  TableDef def = MetricsDef();
  def.options.compression = compression;
  def.options.sort_key = sort_key ? "" : "none";  // "": the default, the first TEXT column
  ASSERT_TRUE(db->CreateTable(def, "").ok());
  std::vector<Row> all;
  for (int b = 0; b < 5; ++b) {
    auto rows = RandomRows(rng, 700, kT0, 2 * kDay);
    ASSERT_TRUE(db->Insert("metrics", MakeBatch(*db, rows)).ok());
    all.insert(all.end(), rows.begin(), rows.end());
    ASSERT_TRUE(db->Checkpoint().ok());
  }
  ASSERT_TRUE(db->CompactAll().ok());
  db.reset();
  db = OpenDb(dir);
  EXPECT_EQ(ScanAll(*db), Filter(all, INT64_MIN, INT64_MAX));
  int exact_estimates = 0;
  for (int q = 0; q < 20; ++q) {
    ScanSpec spec;
    spec.min_time = kT0 + static_cast<int64_t>(rng() % (2 * kDay));
    spec.max_time = spec.min_time + static_cast<int64_t>(rng() % (kDay / 2));
    const auto want = Filter(all, spec.min_time, spec.max_time);
    EXPECT_EQ(ScanAll(*db, spec), want);
    if (sort_key) {
      // Narrow ranges over (host, time)-ordered segments are found per series: then the
      // estimate (the rows the tasks read) is exact.
      auto scan = db->Scan("metrics", spec);
      ASSERT_TRUE(scan.ok());
      EXPECT_GE(scan->stats().rows_estimated, static_cast<int64_t>(want.size())) << q;
      exact_estimates += scan->stats().rows_estimated == static_cast<int64_t>(want.size());
      // Series edges: the candidates hold each host's latest (earliest) row in the range.
      for (auto edge : {ScanSpec::SeriesEdge::kLast, ScanSpec::SeriesEdge::kFirst}) {
        ScanSpec e = spec;
        e.series_edge = edge;
        const bool last = edge == ScanSpec::SeriesEdge::kLast;
        auto edges = [&](const std::vector<Row>& rows) {
          std::map<std::string, int64_t> out;
          for (const Row& r : rows) {
            auto [it, fresh] = out.emplace(r.host, r.time);
            if (!fresh)
              it->second = last ? std::max(it->second, r.time) : std::min(it->second, r.time);
          }
          return out;
        };
        const auto candidates = ScanAll(*db, e);
        EXPECT_LE(candidates.size(), want.size());
        EXPECT_EQ(edges(candidates), edges(want)) << q;
      }
    }
    std::string host = "host_" + std::to_string(q % 11);
    spec.tag_column = 1;
    spec.tag_values = {host};
    EXPECT_EQ(ScanAll(*db, spec), Filter(all, spec.min_time, spec.max_time, host)) << q;
  }
  if (sort_key) {
    EXPECT_GE(exact_estimates, 10);
  }
}

INSTANTIATE_TEST_SUITE_P(All, DatabaseOptions,
                         ::testing::Combine(::testing::Values(arrow::Compression::kNone,
                                                              arrow::Compression::kLz4Frame,
                                                              arrow::Compression::kZstd),
                                            ::testing::Bool()));

// Series edges over segments written in time order: a segment is skipped only when every
// series it holds (the null series too) has a candidate strictly nearer the edge elsewhere.
TEST(Database, SeriesEdgesSkipSegmentsWithNothingNearer) {
  std::string dir = TestDir("series_edge_prune");
  auto db = OpenDb(dir);
  TableDef def = MetricsDef();
  def.options.sort_key = "";  // (host, time)-ordered segments
  ASSERT_TRUE(db->CreateTable(def, "").ok());
  const int64_t t0 = (kT0 / kDay + 1) * kDay;  // one day partition holds all
  // Three segments of one partition, an hour each: every host in the newest, "host_old" and
  // the null series only in the oldest, "host_mid" only in the middle one.
  const std::vector<std::vector<std::string>> hosts = {
      {"host_a", "host_b", "host_old", ""}, {"host_a", "host_b", "host_mid"}, {"host_a", "host_b"}};
  std::vector<Row> all;
  for (int seg = 0; seg < 3; ++seg) {
    std::vector<Row> rows;
    for (int m = 0; m < 60; ++m) {
      for (const std::string& h : hosts[static_cast<size_t>(seg)]) {
        rows.push_back({t0 + seg * kHour + m * 60 * 1000000LL, h, m * 1.5, m});
      }
    }
    ASSERT_TRUE(db->Insert("metrics", MakeBatch(*db, rows)).ok());
    ASSERT_TRUE(db->Checkpoint().ok());
    all.insert(all.end(), rows.begin(), rows.end());
  }
  auto edges = [](const std::vector<Row>& rows, bool last) {
    std::map<std::string, int64_t> out;
    for (const Row& r : rows) {
      auto [it, fresh] = out.emplace(r.host, r.time);
      if (!fresh) it->second = last ? std::max(it->second, r.time) : std::min(it->second, r.time);
    }
    return out;
  };
  struct Case {
    int64_t lo, hi;
    ScanSpec::SeriesEdge edge;
    int segments;  // read; 3 = nothing skipped
  };
  const int64_t kMin = std::numeric_limits<int64_t>::min();
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  const std::vector<Case> cases = {
      // Latest rows: the middle segment only holds host_mid besides hosts found later.
      {kMin, kMax, ScanSpec::SeriesEdge::kLast, 3},
      // Earliest rows: the newest segment's hosts all have earlier rows.
      {kMin, kMax, ScanSpec::SeriesEdge::kFirst, 2},
      // Up to the middle of the newest hour: still nothing found there can be skipped past.
      {kMin, t0 + 2 * kHour + 30 * 60 * 1000000LL, ScanSpec::SeriesEdge::kLast, 3},
      // The last two hours: the oldest segment lies outside, the middle one holds host_mid.
      {t0 + kHour, kMax, ScanSpec::SeriesEdge::kLast, 2},
      // A range ending inside the middle hour, earliest rows: the newest segment is outside,
      // the middle one holds host_mid.
      {kMin, t0 + kHour + 60 * 1000000LL, ScanSpec::SeriesEdge::kFirst, 2},
      // From the middle of the oldest hour, earliest rows: the null series' first row is
      // there, and host_a's rows in range start there too.
      {t0 + 30 * 60 * 1000000LL, kMax, ScanSpec::SeriesEdge::kFirst, 2},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    ScanSpec spec;
    spec.min_time = c.lo;
    spec.max_time = c.hi;
    spec.series_edge = c.edge;
    const bool last = c.edge == ScanSpec::SeriesEdge::kLast;
    auto scan = db->Scan("metrics", spec);
    ASSERT_TRUE(scan.ok());
    EXPECT_EQ(scan->stats().segments_total, 3) << i;
    EXPECT_EQ(scan->stats().segments_scanned, c.segments) << i;
    EXPECT_EQ(edges(ScanAll(*db, spec), last), edges(Filter(all, c.lo, c.hi), last)) << i;
  }
  // With host_mid's row also in the newest segment, the middle one is skipped too.
  std::vector<Row> late = {{t0 + 2 * kHour + 61 * 60 * 1000000LL, "host_mid", 1, 1},
                           {t0 + 2 * kHour + 61 * 60 * 1000000LL, "host_old", 1, 1},
                           {t0 + 2 * kHour + 61 * 60 * 1000000LL, "", 1, 1}};
  ASSERT_TRUE(db->Insert("metrics", MakeBatch(*db, late)).ok());
  ASSERT_TRUE(db->Checkpoint().ok());
  all.insert(all.end(), late.begin(), late.end());
  ScanSpec spec;
  spec.series_edge = ScanSpec::SeriesEdge::kLast;
  auto scan = db->Scan("metrics", spec);
  ASSERT_TRUE(scan.ok());
  EXPECT_EQ(scan->stats().segments_scanned, 2);  // the newest two
  EXPECT_EQ(edges(ScanAll(*db, spec), true), edges(all, true));
}

TEST(Database, CorruptSegmentIsQuarantined) {
  std::string dir = TestDir("quarantine");
  std::mt19937_64 rng(13);
  std::vector<Row> first, second;
  {
    auto db = OpenDb(dir);
    ASSERT_TRUE(db->CreateTable(MetricsDef(), "").ok());
    first = RandomRows(rng, 300, kT0, kHour);
    ASSERT_TRUE(db->Insert("metrics", MakeBatch(*db, first)).ok());
    ASSERT_TRUE(db->Checkpoint().ok());
    second = RandomRows(rng, 300, kT0 + 2 * kDay, kHour);
    ASSERT_TRUE(db->Insert("metrics", MakeBatch(*db, second)).ok());
    ASSERT_TRUE(db->Close().ok());
  }
  // Flip one byte in the middle of the first segment's data file.
  std::string pdir = dir + "/tables/metrics/" +
                     PartitionName(PartitionBy::kDay, PartitionFor(PartitionBy::kDay, kT0).start);
  auto files = Env::Default()->GetChildren(pdir);
  ASSERT_TRUE(files.ok());
  std::string victim;
  for (const auto& f : *files) {
    if (f.size() > 6 && f.substr(f.size() - 6) == ".arrow") victim = pdir + "/" + f;
  }
  ASSERT_FALSE(victim.empty());
  std::string bytes = *Env::Default()->ReadFile(victim);
  bytes[bytes.size() / 2] ^= 0x40;
  auto f = Env::Default()->NewWritableFile(victim, true);
  ASSERT_TRUE((*f)->Append(bytes).ok());
  ASSERT_TRUE((*f)->Close().ok());
  auto db = OpenDb(dir);
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(ScanAll(*db), Filter(second, INT64_MIN, INT64_MAX));  // bad segment not served
  EXPECT_TRUE(Env::Default()->FileExists(dir + "/quarantine/metrics"));
}

TEST(Database, FullDiskFailsWritesCleanlyAndRecovers) {
  std::string dir = TestDir("diskfull");
  FaultInjectionEnv env(Env::Default());
  StorageOptions o = TestOptions();
  o.env = &env;
  o.sync = true;
  std::mt19937_64 rng(17);
  std::vector<Row> acked;
  {
    auto db = OpenDb(dir, o);
    ASSERT_TRUE(db->CreateTable(MetricsDef(), "").ok());
    auto rows = RandomRows(rng, 200, kT0, kDay);
    ASSERT_TRUE(db->Insert("metrics", MakeBatch(*db, rows)).ok());
    acked = rows;
    env.SetSpaceLeft(100);
    auto more = RandomRows(rng, 200, kT0, kDay);
    Status s = db->Insert("metrics", MakeBatch(*db, more));
    EXPECT_TRUE(s.IsDiskFull()) << s.ToString();
    EXPECT_TRUE(db->Checkpoint().IsDiskFull());
    EXPECT_EQ(ScanAll(*db), Filter(acked, INT64_MIN, INT64_MAX));  // nothing partial
    // The failed flush removed the segment files it had begun: retries leave no orphans.
    int segment_files = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir + "/tables")) {
      const std::string ext = e.path().extension().string();
      segment_files += ext == ".arrow" || ext == ".idx";
    }
    EXPECT_EQ(segment_files, 0);
    env.SetSpaceLeft(-1);  // space returns
    ASSERT_TRUE(db->Insert("metrics", MakeBatch(*db, more)).ok());
    acked.insert(acked.end(), more.begin(), more.end());
    ASSERT_TRUE(db->Checkpoint().ok());
    EXPECT_EQ(ScanAll(*db), Filter(acked, INT64_MIN, INT64_MAX));
  }
  auto db = OpenDb(dir);
  EXPECT_EQ(ScanAll(*db), Filter(acked, INT64_MIN, INT64_MAX));
}

TEST(Database, SecondOpenIsRefusedAndDropTableRemovesFiles) {
  std::string dir = TestDir("lock");
  auto db = OpenDb(dir);
  ASSERT_NE(db, nullptr);
  auto second = Database::Open(dir, TestOptions());
  EXPECT_FALSE(second.ok());
  ASSERT_TRUE(db->CreateTable(MetricsDef(), "").ok());
  std::mt19937_64 rng(1);
  ASSERT_TRUE(db->Insert("metrics", MakeBatch(*db, RandomRows(rng, 10, kT0, 10))).ok());
  ASSERT_TRUE(db->Checkpoint().ok());
  ASSERT_TRUE(db->DropTable("metrics").ok());
  EXPECT_FALSE(Env::Default()->FileExists(dir + "/tables/metrics"));
  EXPECT_TRUE(db->DropTable("metrics").IsNotFound());
  EXPECT_TRUE(db->DropTable("metrics", true).ok());
}

TEST(Database, BackgroundFlushAndConcurrentReaders) {
  std::string dir = TestDir("background");
  StorageOptions o = TestOptions();
  o.background = true;
  o.background_interval_ms = 5;
  auto db = OpenDb(dir, o);
  ASSERT_TRUE(db->CreateTable(MetricsDef(), "").ok());
  std::mt19937_64 rng(21);
  std::vector<Row> all;
  std::atomic<bool> done{false};
  std::thread reader([&] {
    while (!done.load()) {
      auto rows = ScanAll(*db);
      // A scan sees whole batches only: batches have 400 rows.
      EXPECT_EQ(rows.size() % 400, 0u);
    }
  });
  for (int b = 0; b < 40; ++b) {
    auto rows = RandomRows(rng, 400, kT0 + b * kHour, kHour);
    ASSERT_TRUE(db->Insert("metrics", MakeBatch(*db, rows)).ok());
    all.insert(all.end(), rows.begin(), rows.end());
  }
  done = true;
  reader.join();
  EXPECT_EQ(ScanAll(*db), Filter(all, INT64_MIN, INT64_MAX));
  ASSERT_TRUE(db->Close().ok());
  EXPECT_GT(db->stats().flushes, 0u);
}

}  // namespace
}  // namespace omen::storage
