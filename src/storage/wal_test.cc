// Copyright 2026 The OmenDB Authors.
//
// Tests of the write-ahead log: round trips across rotations, recovery from
// truncation at every offset and bit flips at every byte, each kind of damage,
// group commit, a full disk (FaultInjectionEnv) and obsolete-file removal.

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/coding.h"
#include "common/env.h"
#include "common/logging.h"
#include "gtest/gtest.h"
#include "storage/wal_format.h"
#include "storage/wal_reader.h"
#include "storage/wal_writer.h"

namespace omen::storage {
namespace {

#define ASSERT_OK(expr)                                                  \
  do {                                                                   \
    const ::omen::Status assert_ok_status_ = (expr);                     \
    ASSERT_TRUE(assert_ok_status_.ok()) << assert_ok_status_.ToString(); \
  } while (0)

using wal::RecordType;

// A fresh, empty directory unique to this process and call.
std::string NewDir(const std::string& name) {
  static std::atomic<int> counter{0};
  std::string dir = ::testing::TempDir() + "omen_wal_" + name + "_" + std::to_string(::getpid()) +
                    "_" + std::to_string(counter.fetch_add(1));
  (void)Env::Default()->RemoveAll(dir);
  return dir;
}

// Silences replay's warnings in tests that cut thousands of files.
class QuietLogs {
 public:
  QuietLogs() { SetMinLogLevel(LogLevel::kError); }
  ~QuietLogs() { SetMinLogLevel(LogLevel::kInfo); }
};

// A payload that depends only on the sequence: sizes 0..~300, some empty.
std::string PayloadFor(uint64_t seq) {
  size_t size = (seq % 7 == 0) ? 0 : static_cast<size_t>((seq * 7919) % 300);
  std::string s(size, '\0');
  for (size_t i = 0; i < size; i++) {
    s[i] = static_cast<char>((seq * 131 + i * 17) & 0xff);
  }
  return s;
}

RecordType TypeFor(uint64_t seq) {
  return seq % 3 == 0 ? RecordType::kTableOp : RecordType::kBatch;
}

struct Rec {
  uint64_t sequence;
  RecordType type;
  std::string payload;
};

class CountingReporter final : public WalReader::Reporter {
 public:
  void Corruption(size_t bytes, const Status& reason) override {
    count++;
    dropped += bytes;
    last_reason = reason;
  }
  int count = 0;
  size_t dropped = 0;
  Status last_reason;
};

// Replays dir into *out; returns ReplayWal's status.
Status Replay(Env* env, const std::string& dir, uint64_t after, std::vector<Rec>* out,
              uint64_t* last, WalReader::Reporter* reporter = nullptr) {
  out->clear();
  return ReplayWal(
      env, dir, after,
      [out](const WalRecord& r) {
        out->push_back(Rec{r.sequence, r.type, std::string(r.payload)});
        return Status::OK();
      },
      reporter, last);
}
Status Replay(const std::string& dir, uint64_t after, std::vector<Rec>* out, uint64_t* last,
              WalReader::Reporter* reporter = nullptr) {
  return Replay(Env::Default(), dir, after, out, last, reporter);
}

// Env::Default() with knobs: syncs skipped (for loops over thousands of files that test
// recovery logic, not the disk) or slowed (so that group commit has writers to group),
// and the next append made to land half-way and fail, as a disk filling mid-write does.
// FaultInjectionEnv adds full-disk injection.
class TestEnv final : public FaultInjectionEnv {
 public:
  TestEnv() : FaultInjectionEnv(Env::Default()) {}
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path,
                                                        bool truncate) override {
    if (fail_opens) return Status::IOError("injected: open fails");
    OMEN_ASSIGN_OR_RETURN(auto base, FaultInjectionEnv::NewWritableFile(path, truncate));
    return std::unique_ptr<WritableFile>(std::make_unique<File>(this, std::move(base)));
  }
  Result<std::unique_ptr<WritableFile>> OverwriteFile(const std::string& path) override {
    if (fail_opens) return Status::IOError("injected: open fails");
    OMEN_ASSIGN_OR_RETURN(auto base, FaultInjectionEnv::OverwriteFile(path));
    return std::unique_ptr<WritableFile>(std::make_unique<File>(this, std::move(base)));
  }
  Status SyncDir(const std::string& dir) override {
    return skip_syncs ? Status::OK() : FaultInjectionEnv::SyncDir(dir);
  }

  std::atomic<bool> skip_syncs{false};
  std::atomic<int> sync_delay_ms{0};
  std::atomic<bool> fail_next_append{false};
  std::atomic<bool> fail_opens{false};  // NewWritableFile and OverwriteFile fail

 private:
  class File final : public WritableFile {
   public:
    File(TestEnv* env, std::unique_ptr<WritableFile> base) : env_(env), base_(std::move(base)) {}
    Status Append(std::string_view data) override {
      if (env_->fail_next_append.exchange(false)) {
        (void)base_->Append(data.substr(0, data.size() / 2));
        return Status::DiskFull("injected: partial write");
      }
      return base_->Append(data);
    }
    Status Sync() override {
      if (env_->skip_syncs) {
        return Status::OK();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(env_->sync_delay_ms.load()));
      return base_->Sync();
    }
    Status Close() override { return base_->Close(); }
    uint64_t Size() const override { return base_->Size(); }

   private:
    TestEnv* env_;
    std::unique_ptr<WritableFile> base_;
  };
};

// Appends records first..last (payloads from PayloadFor) and returns their sequences.
void AppendRange(WalWriter* writer, uint64_t first, uint64_t last) {
  for (uint64_t seq = first; seq <= last; seq++) {
    Result<uint64_t> got = writer->Append(TypeFor(seq), PayloadFor(seq), nullptr);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    ASSERT_EQ(*got, seq);
  }
}

// Checks that recs are exactly the records first..last.
void ExpectRange(const std::vector<Rec>& recs, uint64_t first, uint64_t last) {
  ASSERT_EQ(recs.size(), last + 1 - first);
  for (size_t i = 0; i < recs.size(); i++) {
    uint64_t seq = first + i;
    ASSERT_EQ(recs[i].sequence, seq);
    ASSERT_EQ(recs[i].type, TypeFor(seq));
    ASSERT_EQ(recs[i].payload, PayloadFor(seq)) << "sequence " << seq;
  }
}

std::vector<std::string> WalFiles(const std::string& dir) {
  std::vector<std::string> files;
  Result<std::vector<std::string>> names = Env::Default()->GetChildren(dir);
  if (names.ok()) {
    for (const std::string& n : *names) {
      uint64_t first;
      if (wal::ParseFileName(n, &first)) {
        files.push_back(n);
      }
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

void WriteRaw(const std::string& path, std::string_view bytes) {
  auto f = Env::Default()->NewWritableFile(path, /*truncate=*/true);
  ASSERT_TRUE(f.ok());
  ASSERT_OK((*f)->Append(bytes));
  ASSERT_OK((*f)->Close());
}

std::string ReadRaw(const std::string& path) {
  Result<std::string> bytes = Env::Default()->ReadFile(path);
  return bytes.ok() ? *bytes : std::string("<missing>");
}

// Writes records 1..n in one file (sync off) and returns the file's bytes and the
// offset just past each record.
std::string MakeWalFile(uint64_t n, std::vector<uint64_t>* ends) {
  std::string dir = NewDir("make");
  auto writer = WalWriter::Open(Env::Default(), dir, 1, WalOptions{.sync = false});
  EXPECT_TRUE(writer.ok());
  uint64_t end = wal::kFileHeaderSize;
  for (uint64_t seq = 1; seq <= n; seq++) {
    EXPECT_TRUE((*writer)->Append(TypeFor(seq), PayloadFor(seq), nullptr).ok());
    end += wal::kHeaderSize + PayloadFor(seq).size();
    ends->push_back(end);
  }
  EXPECT_TRUE((*writer)->Close().ok());
  std::string bytes = ReadRaw(dir + "/" + wal::FileName(1));
  (void)Env::Default()->RemoveAll(dir);
  return bytes;
}

TEST(WalFormat, NamesAndHeaders) {
  EXPECT_EQ(wal::FileName(42), "00000000000000000042.wal");
  uint64_t v = 0;
  EXPECT_TRUE(wal::ParseFileName("18446744073709551615.wal", &v));
  EXPECT_EQ(v, UINT64_MAX);
  EXPECT_FALSE(wal::ParseFileName("18446744073709551616.wal", &v));  // overflows
  EXPECT_FALSE(wal::ParseFileName("0000000000000000042.wal", &v));
  EXPECT_FALSE(wal::ParseFileName("0000000000000000004x.wal", &v));
  EXPECT_FALSE(wal::ParseFileName("00000000000000000042.tmp", &v));
  EXPECT_EQ(wal::FreeFileName(42), "00000000000000000042.wal.free");
  EXPECT_TRUE(wal::ParseFreeFileName(wal::FreeFileName(42), &v));
  EXPECT_EQ(v, 42u);
  EXPECT_FALSE(wal::ParseFreeFileName(wal::FileName(42), &v));  // a live file
  EXPECT_FALSE(wal::ParseFreeFileName(".free", &v));
  EXPECT_FALSE(wal::ParseFreeFileName("0000000000000000004x.wal.free", &v));
  EXPECT_FALSE(wal::ParseFileName(wal::FreeFileName(42), &v));  // replay ignores kept files
  char header[wal::kFileHeaderSize];
  wal::EncodeFileHeader(header);
  EXPECT_EQ(std::string_view(header, 8), "OMENWAL1");
  EXPECT_EQ(DecodeFixed32(header + 8), 1u);
}

TEST(WalTest, RoundTripAcrossRotations) {
  std::string dir = NewDir("roundtrip");
  const uint64_t first = 1000, last = 1600;
  std::vector<uint64_t> applied;
  {
    auto writer = WalWriter::Open(Env::Default(), dir, first,
                                  WalOptions{.sync = false, .max_file_bytes = 4096});
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    EXPECT_EQ((*writer)->last_sequence(), first - 1);
    for (uint64_t seq = first; seq <= last; seq++) {
      auto got = (*writer)->Append(TypeFor(seq), PayloadFor(seq),
                                   [&applied](uint64_t s) { applied.push_back(s); });
      ASSERT_TRUE(got.ok());
      ASSERT_EQ(*got, seq);
      if (seq % 100 == 0) {
        ASSERT_OK((*writer)->WaitDurable(seq));  // returns at once: sync is off
      }
    }
    EXPECT_EQ((*writer)->last_sequence(), last);
    EXPECT_EQ((*writer)->synced_sequence(), last);
    ASSERT_OK((*writer)->Close());
  }
  ASSERT_EQ(applied.size(), last + 1 - first);
  for (size_t i = 0; i < applied.size(); i++) {
    ASSERT_EQ(applied[i], first + i);
  }
  std::vector<std::string> files = WalFiles(dir);
  ASSERT_GT(files.size(), 10u);
  EXPECT_EQ(files.front(), wal::FileName(first));

  std::vector<Rec> recs;
  uint64_t last_seen = 0;
  CountingReporter reporter;
  ASSERT_OK(Replay(dir, 0, &recs, &last_seen, &reporter));
  ExpectRange(recs, first, last);
  EXPECT_EQ(last_seen, last);
  EXPECT_EQ(reporter.count, 0);
  for (uint64_t after : {first - 1, first + 1, uint64_t{1234}, last - 1, last, last + 5}) {
    ASSERT_OK(Replay(dir, after, &recs, &last_seen));
    uint64_t from = std::max(after + 1, first);
    if (from > last) {
      EXPECT_TRUE(recs.empty());
    } else {
      ExpectRange(recs, from, last);
    }
    EXPECT_EQ(last_seen, last) << "after " << after;
  }
  EXPECT_EQ(WalFiles(dir), files);  // replay of a clean log changes nothing

  // A writer continuing the log: replay sees both runs as one sequence.
  {
    auto writer = WalWriter::Open(Env::Default(), dir, last + 1, WalOptions{});
    ASSERT_TRUE(writer.ok());
    AppendRange(writer->get(), last + 1, last + 10);
    ASSERT_OK((*writer)->WaitDurable(last + 10));
  }
  ASSERT_OK(Replay(dir, 0, &recs, &last_seen));
  ExpectRange(recs, first, last + 10);
  (void)Env::Default()->RemoveAll(dir);
}

TEST(WalTest, ObsoleteFilesAreNotRead) {
  std::string dir = NewDir("skip");
  {
    auto writer = WalWriter::Open(Env::Default(), dir, 1, WalOptions{.sync = false});
    ASSERT_TRUE(writer.ok());
    AppendRange(writer->get(), 1, 10);
    ASSERT_OK((*writer)->Rotate());
    AppendRange(writer->get(), 11, 20);
  }
  // Damage the first file: records 1..10 are already in segments (after = 10).
  std::string first_path = dir + "/" + wal::FileName(1);
  std::string bytes = ReadRaw(first_path);
  bytes[wal::kFileHeaderSize + 5] ^= 1;
  WriteRaw(first_path, bytes);
  std::vector<Rec> recs;
  uint64_t last = 0;
  ASSERT_OK(Replay(dir, 10, &recs, &last));
  ExpectRange(recs, 11, 20);
  EXPECT_EQ(ReadRaw(first_path), bytes);  // not read, so not cut
  // Replaying from the start does find the damage: the log ends in the first file.
  ASSERT_OK(Replay(dir, 0, &recs, &last));
  EXPECT_TRUE(recs.empty());
  EXPECT_EQ(last, 0u);
  EXPECT_TRUE(WalFiles(dir).empty());
  (void)Env::Default()->RemoveAll(dir);
}

TEST(WalTest, TruncationAtEveryOffset) {
  std::vector<uint64_t> ends;
  const std::string bytes = MakeWalFile(8, &ends);  // ~1 KB, record 7 empty
  ASSERT_EQ(bytes.size(), ends.back());
  std::string dir = NewDir("truncate");
  QuietLogs quiet;
  TestEnv env;
  env.skip_syncs = true;
  const std::string path = dir + "/" + wal::FileName(1);
  for (size_t cut = 0; cut <= bytes.size(); cut++) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    ASSERT_OK(Env::Default()->CreateDirs(dir));
    WriteRaw(path, std::string_view(bytes).substr(0, cut));
    uint64_t kept = 0;  // records wholly before the cut
    uint64_t good_end = wal::kFileHeaderSize;
    while (kept < ends.size() && ends[kept] <= cut) {
      good_end = ends[kept++];
    }
    std::vector<Rec> recs;
    uint64_t last = 99;
    CountingReporter reporter;
    ASSERT_OK(Replay(&env, dir, 0, &recs, &last, &reporter));
    ExpectRange(recs, 1, kept);
    EXPECT_EQ(last, kept);
    const bool clean = cut == good_end;
    EXPECT_EQ(reporter.count, clean ? 0 : 1);
    if (cut < wal::kFileHeaderSize || (!clean && kept == 0)) {
      EXPECT_FALSE(Env::Default()->FileExists(path));  // nothing worth keeping
    } else {
      EXPECT_EQ(ReadRaw(path), bytes.substr(0, good_end));
      EXPECT_EQ(reporter.dropped, cut - good_end);
    }
    // A writer continues after the kept records; replay sees old and new.
    {
      auto writer = WalWriter::Open(&env, dir, kept + 1, WalOptions{.sync = false});
      ASSERT_TRUE(writer.ok()) << writer.status().ToString();
      AppendRange(writer->get(), kept + 1, kept + 2);
    }
    ASSERT_OK(Replay(&env, dir, 0, &recs, &last, &reporter));
    ExpectRange(recs, 1, kept + 2);
    ASSERT_OK(Env::Default()->RemoveAll(dir));
  }
}

// Which record (0-based; -1 for the file header) holds byte `pos`.
int RecordAt(const std::vector<uint64_t>& ends, size_t pos) {
  if (pos < wal::kFileHeaderSize) {
    return -1;
  }
  return static_cast<int>(std::upper_bound(ends.begin(), ends.end(), pos) - ends.begin());
}

// Reads all of bytes; expects exactly the `want` first records and a report.
void ExpectReaderStopsAt(const std::string& bytes, int want) {
  CountingReporter reporter;
  WalReader reader(bytes, &reporter);
  WalRecord r;
  int n = 0;
  while (reader.ReadRecord(&r)) {
    uint64_t seq = static_cast<uint64_t>(n + 1);
    ASSERT_EQ(r.sequence, seq);
    ASSERT_EQ(r.type, TypeFor(seq));
    ASSERT_EQ(r.payload, PayloadFor(seq));
    n++;
  }
  ASSERT_EQ(n, want);
  EXPECT_TRUE(reader.hit_corruption());
  EXPECT_EQ(reporter.count, 1);
  EXPECT_EQ(reporter.dropped, bytes.size() - reader.valid_bytes());
  EXPECT_TRUE(reporter.last_reason.IsCorruption());
}

TEST(WalTest, BitFlipAtEveryBitIsDetected) {
  std::vector<uint64_t> ends;
  std::string bytes = MakeWalFile(10, &ends);
  for (size_t pos = 0; pos < bytes.size(); pos++) {
    for (int bit = 0; bit < 8; bit++) {
      SCOPED_TRACE("byte " + std::to_string(pos) + " bit " + std::to_string(bit));
      bytes[pos] ^= static_cast<char>(1 << bit);
      int damaged = RecordAt(ends, pos);
      ExpectReaderStopsAt(bytes, damaged < 0 ? 0 : damaged);
      bytes[pos] ^= static_cast<char>(1 << bit);
      if (::testing::Test::HasFatalFailure()) {
        return;
      }
    }
  }
}

TEST(WalTest, BitFlipAtEveryByteReplay) {
  std::vector<uint64_t> ends;
  const std::string bytes = MakeWalFile(8, &ends);
  std::string dir = NewDir("flip");
  QuietLogs quiet;
  TestEnv env;
  env.skip_syncs = true;
  const std::string path = dir + "/" + wal::FileName(1);
  for (size_t pos = 0; pos < bytes.size(); pos++) {
    SCOPED_TRACE("byte " + std::to_string(pos));
    ASSERT_OK(Env::Default()->CreateDirs(dir));
    std::string damaged = bytes;
    damaged[pos] ^= static_cast<char>(1 << (pos % 8));
    WriteRaw(path, damaged);
    // A later file that must be deleted since it follows the end of the log.
    WriteRaw(dir + "/" + wal::FileName(9), bytes.substr(0, wal::kFileHeaderSize));
    int record = RecordAt(ends, pos);
    uint64_t kept = record < 0 ? 0 : static_cast<uint64_t>(record);
    std::vector<Rec> recs;
    uint64_t last = 0;
    CountingReporter reporter;
    ASSERT_OK(Replay(&env, dir, 0, &recs, &last, &reporter));
    ExpectRange(recs, 1, kept);
    EXPECT_EQ(last, kept);
    EXPECT_EQ(reporter.count, 2);  // the damaged file's tail and the later file
    EXPECT_EQ(WalFiles(dir).size(), kept > 0 ? 1u : 0u);
    ASSERT_OK(Env::Default()->RemoveAll(dir));
  }
}

TEST(WalTest, BitFlipSampleInLargeFile) {
  std::string dir = NewDir("large");
  std::vector<uint64_t> ends;
  std::vector<std::string> payloads;
  std::mt19937_64 rng(20260301);
  {
    auto writer = WalWriter::Open(Env::Default(), dir, 1, WalOptions{.sync = false});
    ASSERT_TRUE(writer.ok());
    uint64_t end = wal::kFileHeaderSize;
    for (int i = 0; i < 300; i++) {
      std::string p(rng() % 4000, '\0');
      for (char& c : p) {
        c = static_cast<char>(rng());
      }
      ASSERT_TRUE((*writer)->Append(RecordType::kBatch, p, nullptr).ok());
      end += wal::kHeaderSize + p.size();
      ends.push_back(end);
      payloads.push_back(std::move(p));
    }
  }
  std::string bytes = ReadRaw(dir + "/" + wal::FileName(1));
  ASSERT_EQ(bytes.size(), ends.back());
  for (int trial = 0; trial < 1000; trial++) {
    size_t pos = rng() % bytes.size();
    char mask = static_cast<char>(1 << (rng() % 8));
    bytes[pos] ^= mask;
    int want = std::max(RecordAt(ends, pos), 0);
    WalReader reader(bytes, nullptr);
    WalRecord r;
    int n = 0;
    while (reader.ReadRecord(&r)) {
      ASSERT_EQ(r.payload, payloads[static_cast<size_t>(n)]) << "byte " << pos;
      n++;
    }
    ASSERT_EQ(n, want) << "byte " << pos;
    ASSERT_TRUE(reader.hit_corruption());
    bytes[pos] ^= mask;
  }
  (void)Env::Default()->RemoveAll(dir);
}

// Rewrites record `index` (0-based) of a MakeWalFile file with a valid CRC.
void Reencode(std::string* bytes, const std::vector<uint64_t>& ends, size_t index, uint32_t length,
              uint8_t type) {
  size_t start = index == 0 ? wal::kFileHeaderSize : ends[index - 1];
  char* h = bytes->data() + start;
  EncodeFixed32(h + wal::kLengthOffset, length);
  h[wal::kTypeOffset] = static_cast<char>(type);
  std::string_view payload(h + wal::kHeaderSize,
                           std::min<size_t>(length, bytes->size() - start - wal::kHeaderSize));
  EncodeFixed32(h + wal::kCrcOffset, crc32c::Mask(wal::RecordCrc(h, payload)));
}

TEST(WalTest, BadLengthAndTypeFields) {
  std::vector<uint64_t> ends;
  const std::string good = MakeWalFile(6, &ends);
  struct Case {
    uint32_t length;
    uint8_t type;
    const char* reason;
  };
  const size_t rest = good.size() - ends[2] - wal::kHeaderSize;  // payload room of record 3
  for (const Case& c :
       {Case{0xffffffffu, 1, "kMaxRecordSize"}, Case{wal::kMaxRecordSize + 1, 1, "kMaxRecordSize"},
        Case{static_cast<uint32_t>(rest + 1), 1, "past the end"},
        Case{static_cast<uint32_t>(PayloadFor(4).size()), 0, "unknown record type"},
        Case{static_cast<uint32_t>(PayloadFor(4).size()), 3, "unknown record type"},
        Case{static_cast<uint32_t>(PayloadFor(4).size()), 255, "unknown"}}) {
    SCOPED_TRACE(c.reason);
    std::string bytes = good;
    Reencode(&bytes, ends, 3, c.length, c.type);
    CountingReporter reporter;
    WalReader reader(bytes, &reporter);
    WalRecord r;
    int n = 0;
    while (reader.ReadRecord(&r)) {
      n++;
    }
    EXPECT_EQ(n, 3);
    EXPECT_EQ(reader.valid_bytes(), ends[2]);
    EXPECT_EQ(reporter.count, 1);
    EXPECT_NE(reporter.last_reason.message().find(c.reason), std::string_view::npos)
        << reporter.last_reason.ToString();

    std::string dir = NewDir("badfield");
    ASSERT_OK(Env::Default()->CreateDirs(dir));
    WriteRaw(dir + "/" + wal::FileName(1), bytes);
    std::vector<Rec> recs;
    uint64_t last = 0;
    ASSERT_OK(Replay(dir, 0, &recs, &last));
    ExpectRange(recs, 1, 3);
    EXPECT_EQ(ReadRaw(dir + "/" + wal::FileName(1)), good.substr(0, ends[2]));
    (void)Env::Default()->RemoveAll(dir);
  }
}

TEST(WalTest, BadFileHeaders) {
  std::vector<uint64_t> ends;
  const std::string good = MakeWalFile(3, &ends);
  std::string wrong_version = good;
  EncodeFixed32(wrong_version.data() + wal::kFileVersionOffset, 2);
  EncodeFixed32(wrong_version.data() + wal::kFileCrcOffset,
                crc32c::Mask(crc32c::Value(wrong_version.data(), wal::kFileCrcOffset)));
  std::string garbage = good;
  for (size_t i = 0; i < wal::kFileHeaderSize; i++) {
    garbage[i] = static_cast<char>(0x5a ^ i);
  }
  std::string zeros(good.size(), '\0');
  std::string torn = good.substr(0, 9);
  for (const std::string& bytes : {wrong_version, garbage, zeros, torn, std::string()}) {
    WalReader reader(bytes, nullptr);
    WalRecord r;
    EXPECT_FALSE(reader.ReadRecord(&r));
    EXPECT_TRUE(reader.hit_corruption());
    EXPECT_EQ(reader.valid_bytes(), 0u);

    // In a directory: the bad file and every later one go; earlier files stay.
    std::string dir = NewDir("header");
    {
      auto writer = WalWriter::Open(Env::Default(), dir, 1, WalOptions{.sync = false});
      ASSERT_TRUE(writer.ok());
      AppendRange(writer->get(), 1, 4);
    }
    WriteRaw(dir + "/" + wal::FileName(5), bytes);
    WriteRaw(dir + "/" + wal::FileName(8), good);  // would be a gap anyway
    std::vector<Rec> recs;
    uint64_t last = 0;
    CountingReporter reporter;
    ASSERT_OK(Replay(dir, 0, &recs, &last, &reporter));
    ExpectRange(recs, 1, 4);
    EXPECT_EQ(last, 4u);
    EXPECT_GE(reporter.count, 1);
    EXPECT_EQ(WalFiles(dir), std::vector<std::string>{wal::FileName(1)});
    (void)Env::Default()->RemoveAll(dir);
  }
}

TEST(WalTest, EmptyAndHeaderOnlyFiles) {
  std::string dir = NewDir("empty");
  ASSERT_OK(Env::Default()->CreateDirs(dir));
  std::vector<Rec> recs;
  uint64_t last = 7;
  ASSERT_OK(Replay(dir, 0, &recs, &last));  // no files
  EXPECT_EQ(last, 0u);
  ASSERT_OK(Replay(dir + "/absent", 0, &recs, &last));  // no directory
  EXPECT_TRUE(recs.empty());

  WriteRaw(dir + "/" + wal::FileName(1), "");
  CountingReporter reporter;
  ASSERT_OK(Replay(dir, 0, &recs, &last, &reporter));
  EXPECT_TRUE(recs.empty());
  EXPECT_EQ(reporter.count, 1);
  EXPECT_TRUE(WalFiles(dir).empty());  // removed

  std::vector<uint64_t> ends;
  std::string header_only = MakeWalFile(1, &ends).substr(0, wal::kFileHeaderSize);
  WriteRaw(dir + "/" + wal::FileName(1), header_only);
  CountingReporter clean_reporter;
  ASSERT_OK(Replay(dir, 0, &recs, &last, &clean_reporter));
  EXPECT_TRUE(recs.empty());
  EXPECT_EQ(clean_reporter.count, 0);  // a clean, empty log
  EXPECT_EQ(WalFiles(dir).size(), 1u);
  {
    WalReader reader(header_only, nullptr);
    WalRecord r;
    EXPECT_FALSE(reader.ReadRecord(&r));
    EXPECT_FALSE(reader.hit_corruption());
    EXPECT_EQ(reader.valid_bytes(), wal::kFileHeaderSize);
  }
  // A writer may take over a header-only file of its name, but not one with records.
  {
    auto writer = WalWriter::Open(Env::Default(), dir, 1, WalOptions{.sync = false});
    ASSERT_TRUE(writer.ok());
    AppendRange(writer->get(), 1, 2);
  }
  auto again = WalWriter::Open(Env::Default(), dir, 1, WalOptions{.sync = false});
  EXPECT_TRUE(again.status().IsAlreadyExists()) << again.status().ToString();
  EXPECT_TRUE(WalWriter::Open(Env::Default(), dir, 0, WalOptions{}).status().IsInvalidArgument());
  ASSERT_OK(Replay(dir, 0, &recs, &last));
  ExpectRange(recs, 1, 2);
  (void)Env::Default()->RemoveAll(dir);
}

TEST(WalTest, ZeroFilledTail) {
  std::string dir = NewDir("zeros");
  {
    auto writer = WalWriter::Open(Env::Default(), dir, 1, WalOptions{.sync = false});
    ASSERT_TRUE(writer.ok());
    AppendRange(writer->get(), 1, 9);
  }
  const std::string path = dir + "/" + wal::FileName(1);
  const std::string good = ReadRaw(path);
  WriteRaw(path, good + std::string(4096, '\0'));
  std::vector<Rec> recs;
  uint64_t last = 0;
  CountingReporter reporter;
  ASSERT_OK(Replay(dir, 0, &recs, &last, &reporter));
  ExpectRange(recs, 1, 9);
  EXPECT_EQ(reporter.count, 1);
  EXPECT_EQ(reporter.dropped, 4096u);
  EXPECT_EQ(ReadRaw(path), good);
  (void)Env::Default()->RemoveAll(dir);
}

TEST(WalTest, SequenceGapsEndTheLog) {
  std::string dir = NewDir("gap");
  const std::pair<uint64_t, uint64_t> runs[] = {{1, 5}, {10, 12}, {13, 15}};
  for (const auto& [first, end] : runs) {
    auto writer = WalWriter::Open(Env::Default(), dir, first, WalOptions{.sync = false});
    ASSERT_TRUE(writer.ok());
    AppendRange(writer->get(), first, end);
  }
  std::vector<Rec> recs;
  uint64_t last = 0;
  CountingReporter reporter;
  ASSERT_OK(Replay(dir, 0, &recs, &last, &reporter));
  ExpectRange(recs, 1, 5);
  EXPECT_EQ(last, 5u);
  EXPECT_EQ(reporter.count, 2);
  EXPECT_EQ(WalFiles(dir), std::vector<std::string>{wal::FileName(1)});

  // A gap inside a file: the file is cut before the out-of-order record.
  std::vector<uint64_t> ends;
  std::string bytes = MakeWalFile(5, &ends);
  char* h = bytes.data() + ends[2];  // record 4
  EncodeFixed64(h + wal::kSequenceOffset, 40);
  std::string_view payload(h + wal::kHeaderSize, ends[3] - ends[2] - wal::kHeaderSize);
  EncodeFixed32(h + wal::kCrcOffset, crc32c::Mask(wal::RecordCrc(h, payload)));
  WriteRaw(dir + "/" + wal::FileName(1), bytes);
  ASSERT_OK(Replay(dir, 0, &recs, &last));
  ExpectRange(recs, 1, 3);
  EXPECT_EQ(ReadRaw(dir + "/" + wal::FileName(1)), bytes.substr(0, ends[2]));
  (void)Env::Default()->RemoveAll(dir);
}

TEST(WalTest, ReplayCallbackErrorAborts) {
  std::string dir = NewDir("abort");
  {
    auto writer = WalWriter::Open(Env::Default(), dir, 1, WalOptions{.sync = false});
    ASSERT_TRUE(writer.ok());
    AppendRange(writer->get(), 1, 5);
  }
  const std::string before = ReadRaw(dir + "/" + wal::FileName(1));
  int calls = 0;
  uint64_t last = 0;
  Status s = ReplayWal(
      Env::Default(), dir, 0,
      [&calls](const WalRecord& r) {
        calls++;
        return r.sequence == 3 ? Status::Internal("stop") : Status::OK();
      },
      nullptr, &last);
  EXPECT_EQ(s.code(), Status::Code::kInternal);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(ReadRaw(dir + "/" + wal::FileName(1)), before);
  (void)Env::Default()->RemoveAll(dir);
}

void RunConcurrentAppends(Env* env, const std::string& dir, WalOptions options, int threads,
                          int per_thread, uint64_t* fsyncs) {
  auto opened = WalWriter::Open(env, dir, 1, options);
  ASSERT_TRUE(opened.ok());
  WalWriter* writer = opened->get();
  std::vector<uint64_t> applied;  // appended to under the writer's lock
  std::atomic<int> failures{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; t++) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < per_thread; i++) {
        std::string payload = "thread " + std::to_string(t) + " row " + std::to_string(i);
        auto seq = writer->Append(RecordType::kBatch, payload,
                                  [&applied](uint64_t s) { applied.push_back(s); });
        if (!seq.ok() || !writer->WaitDurable(*seq).ok() || writer->synced_sequence() < *seq) {
          failures++;
        }
      }
    });
  }
  for (std::thread& w : workers) {
    w.join();
  }
  const uint64_t total = static_cast<uint64_t>(threads * per_thread);
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(writer->last_sequence(), total);
  EXPECT_EQ(writer->synced_sequence(), total);
  ASSERT_EQ(applied.size(), total);
  for (size_t i = 0; i < applied.size(); i++) {
    ASSERT_EQ(applied[i], i + 1);  // applied in sequence order
  }
  *fsyncs = writer->fsync_count();
  ASSERT_OK(writer->Close());

  std::vector<std::vector<int>> rows(static_cast<size_t>(threads));
  uint64_t last = 0;
  uint64_t next = 1;
  ASSERT_OK(ReplayWal(
      env, dir, 0,
      [&](const WalRecord& r) {
        EXPECT_EQ(r.sequence, next++);
        int t = 0, i = 0;
        EXPECT_EQ(std::sscanf(std::string(r.payload).c_str(), "thread %d row %d", &t, &i), 2);
        rows[static_cast<size_t>(t)].push_back(i);
        return Status::OK();
      },
      nullptr, &last));
  EXPECT_EQ(last, total);
  for (const std::vector<int>& r : rows) {  // each thread's rows in its own order
    ASSERT_EQ(r.size(), static_cast<size_t>(per_thread));
    for (int i = 0; i < per_thread; i++) {
      ASSERT_EQ(r[static_cast<size_t>(i)], i);
    }
  }
}

TEST(WalTest, GroupCommitSharesSyncs) {
  TestEnv env;
  env.sync_delay_ms = 1;  // an fdatasync of a busy disk
  std::string dir = NewDir("group");
  uint64_t fsyncs = 0;
  // Small files, so that rotations interleave with group-commit syncs.
  RunConcurrentAppends(&env, dir, WalOptions{.sync = true, .max_file_bytes = 2048}, 8, 60, &fsyncs);
  EXPECT_GT(fsyncs, 0u);
  EXPECT_LT(fsyncs, 8u * 60u);
  std::printf("group commit: %d appends, %llu fdatasyncs\n", 8 * 60,
              static_cast<unsigned long long>(fsyncs));
  (void)Env::Default()->RemoveAll(dir);
}

TEST(WalTest, NoSyncDoesNoFsync) {
  std::string dir = NewDir("nosync");
  uint64_t fsyncs = 0;
  RunConcurrentAppends(Env::Default(), dir, WalOptions{.sync = false}, 8, 100, &fsyncs);
  EXPECT_EQ(fsyncs, 0u);
  (void)Env::Default()->RemoveAll(dir);
}

TEST(WalTest, WaitDurableContract) {
  std::string dir = NewDir("durable");
  auto writer = WalWriter::Open(Env::Default(), dir, 1, WalOptions{});
  ASSERT_TRUE(writer.ok());
  AppendRange(writer->get(), 1, 3);
  EXPECT_EQ((*writer)->synced_sequence(), 0u);
  EXPECT_TRUE((*writer)->WaitDurable(4).IsInvalidArgument());
  ASSERT_OK((*writer)->WaitDurable(2));
  EXPECT_EQ((*writer)->synced_sequence(), 3u);  // the leader synced all it found
  EXPECT_EQ((*writer)->fsync_count(), 1u);
  ASSERT_OK((*writer)->WaitDurable(3));  // covered: no second sync
  ASSERT_OK((*writer)->WaitDurable(0));
  EXPECT_EQ((*writer)->fsync_count(), 1u);
  ASSERT_OK((*writer)->Close());
  EXPECT_FALSE((*writer)->Append(RecordType::kBatch, "x", nullptr).ok());
  ASSERT_OK((*writer)->Close());
  (void)Env::Default()->RemoveAll(dir);
}

TEST(WalTest, DiskFullKeepsTheLogIntact) {
  TestEnv env;
  std::string dir = NewDir("diskfull");
  auto writer = WalWriter::Open(&env, dir, 1, WalOptions{.sync = true, .max_file_bytes = 4096});
  ASSERT_TRUE(writer.ok());
  AppendRange(writer->get(), 1, 10);
  ASSERT_OK((*writer)->WaitDurable(10));
  const std::string path = (*writer)->current_file();
  const std::string intact = ReadRaw(path);
  bool applied = false;
  auto apply = [&applied](uint64_t) { applied = true; };
  auto expect_intact = [&] {
    EXPECT_EQ(ReadRaw(path), intact);
    EXPECT_FALSE(applied);
    EXPECT_EQ((*writer)->last_sequence(), 10u);
  };

  // Space runs out: nothing is written.
  env.SetSpaceLeft(10);
  auto r = (*writer)->Append(RecordType::kBatch, std::string(100, 'x'), apply);
  EXPECT_TRUE(r.status().IsDiskFull()) << r.status().ToString();
  expect_intact();
  // Half a record lands before the failure: it is cut off.
  env.SetSpaceLeft(-1);
  env.fail_next_append = true;
  r = (*writer)->Append(RecordType::kBatch, std::string(100, 'y'), apply);
  EXPECT_TRUE(r.status().IsDiskFull());
  expect_intact();
  // Every write fails, reopening for the repair too: repaired by the next append.
  env.fail_next_append = true;
  env.SetWritesFail(true);
  r = (*writer)->Append(RecordType::kBatch, std::string(100, 'z'), apply);
  EXPECT_TRUE(r.status().IsDiskFull());
  EXPECT_TRUE((*writer)->WaitDurable(10).ok());  // 10 is durable already
  EXPECT_TRUE((*writer)->Sync().IsDiskFull());
  EXPECT_TRUE((*writer)->Append(RecordType::kBatch, "w", apply).status().IsDiskFull());
  EXPECT_FALSE(applied);
  EXPECT_EQ((*writer)->last_sequence(), 10u);

  // Space returns: appends work again, with the next sequence numbers.
  env.SetWritesFail(false);
  AppendRange(writer->get(), 11, 30);
  ASSERT_OK((*writer)->WaitDurable(30));
  EXPECT_EQ((*writer)->synced_sequence(), 30u);
  ASSERT_EQ(WalFiles(dir).size(), 2u);  // rotated once

  // A full disk during rotation (the new file's header cannot be written): the
  // current file stays current and the record is not taken.
  const std::string current = (*writer)->current_file();
  env.SetSpaceLeft(8);
  EXPECT_TRUE((*writer)->Rotate().IsDiskFull());
  EXPECT_EQ((*writer)->current_file(), current);
  EXPECT_EQ(WalFiles(dir).size(), 2u);  // the half-made file is removed
  env.SetSpaceLeft(-1);
  AppendRange(writer->get(), 31, 35);
  ASSERT_OK((*writer)->Rotate());
  AppendRange(writer->get(), 36, 40);
  ASSERT_OK((*writer)->WaitDurable(40));
  ASSERT_OK((*writer)->Close());
  std::vector<Rec> recs;
  uint64_t last = 0;
  CountingReporter reporter;
  ASSERT_OK(Replay(dir, 0, &recs, &last, &reporter));
  ExpectRange(recs, 1, 40);
  EXPECT_EQ(reporter.count, 0);
  EXPECT_EQ(WalFiles(dir).size(), 3u);
  (void)Env::Default()->RemoveAll(dir);
}

TEST(WalTest, FailedSyncReachesEveryWaiter) {
  FaultInjectionEnv env(Env::Default());
  std::string dir = NewDir("syncfail");
  auto writer = WalWriter::Open(&env, dir, 1, WalOptions{});
  ASSERT_TRUE(writer.ok());
  AppendRange(writer->get(), 1, 5);
  env.SetWritesFail(true);
  std::vector<std::thread> waiters;
  std::atomic<int> errors{0};
  for (uint64_t seq = 1; seq <= 5; seq++) {
    waiters.emplace_back([&, seq] {
      if ((*writer)->WaitDurable(seq).IsDiskFull()) {
        errors++;
      }
    });
  }
  for (std::thread& w : waiters) {
    w.join();
  }
  EXPECT_EQ(errors.load(), 5);
  EXPECT_EQ((*writer)->synced_sequence(), 0u);
  env.SetWritesFail(false);
  ASSERT_OK((*writer)->WaitDurable(5));
  EXPECT_EQ((*writer)->synced_sequence(), 5u);
  ASSERT_OK((*writer)->Close());
  (void)Env::Default()->RemoveAll(dir);
}

TEST(WalTest, RemoveObsoleteFiles) {
  std::string dir = NewDir("obsolete");
  auto writer = WalWriter::Open(Env::Default(), dir, 1, WalOptions{.sync = false});
  ASSERT_TRUE(writer.ok());
  for (uint64_t first : {1, 11, 21}) {
    AppendRange(writer->get(), first, first + 9);
    ASSERT_OK((*writer)->Rotate());
  }
  ASSERT_OK((*writer)->Rotate());  // no record yet in the current file: a no-op
  AppendRange(writer->get(), 31, 35);
  const std::vector<std::string> all = {wal::FileName(1), wal::FileName(11), wal::FileName(21),
                                        wal::FileName(31)};
  ASSERT_EQ(WalFiles(dir), all);
  ASSERT_OK((*writer)->RemoveObsoleteFiles(9));
  EXPECT_EQ(WalFiles(dir), all);  // record 10 is not in a segment yet
  ASSERT_OK((*writer)->RemoveObsoleteFiles(15));
  EXPECT_EQ(WalFiles(dir), std::vector<std::string>(all.begin() + 1, all.end()));
  ASSERT_OK((*writer)->RemoveObsoleteFiles(30));
  EXPECT_EQ(WalFiles(dir), std::vector<std::string>{wal::FileName(31)});
  ASSERT_OK((*writer)->RemoveObsoleteFiles(1000));  // never the current file
  EXPECT_EQ(WalFiles(dir), std::vector<std::string>{wal::FileName(31)});
  ASSERT_OK((*writer)->Close());
  std::vector<Rec> recs;
  uint64_t last = 0;
  ASSERT_OK(Replay(dir, 30, &recs, &last));
  ExpectRange(recs, 31, 35);
  (void)Env::Default()->RemoveAll(dir);
}

// ---------------------------------------------------------------------------------------
// Reused (recycled) files.

// The names in dir that end in ".free".
std::vector<std::string> FreeFiles(const std::string& dir) {
  std::vector<std::string> out;
  Result<std::vector<std::string>> names = Env::Default()->GetChildren(dir);
  if (names.ok()) {
    for (const std::string& n : *names) {
      uint64_t first;
      if (wal::ParseFreeFileName(n, &first)) out.push_back(n);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Copies every file of dir into a new directory, as a crash at this moment would leave it
// (the writer keeps running; with sync off everything written is in the page cache).
std::string CrashCopy(const std::string& dir) {
  std::string copy = NewDir("crash_copy");
  EXPECT_TRUE(Env::Default()->CreateDirs(copy).ok());
  Result<std::vector<std::string>> names = Env::Default()->GetChildren(dir);
  EXPECT_TRUE(names.ok());
  for (const std::string& n : *names) WriteRaw(copy + "/" + n, ReadRaw(dir + "/" + n));
  return copy;
}

// Appends records first..last, each with a payload of `size` bytes.
void AppendSized(WalWriter* writer, uint64_t first, uint64_t last, size_t size) {
  for (uint64_t seq = first; seq <= last; seq++) {
    Result<uint64_t> got =
        writer->Append(RecordType::kBatch, std::string(size, static_cast<char>(seq)), nullptr);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    ASSERT_EQ(*got, seq);
  }
}

TEST(WalTest, ObsoleteFilesAreKeptAndReused) {
  std::string dir = NewDir("recycle");
  auto writer =
      WalWriter::Open(Env::Default(), dir, 1, WalOptions{.sync = false, .recycle_files = 2});
  ASSERT_TRUE(writer.ok());
  for (uint64_t first : {1, 11, 21}) {
    AppendRange(writer->get(), first, first + 9);
    ASSERT_OK((*writer)->Rotate());
  }
  AppendRange(writer->get(), 31, 33);
  ASSERT_OK((*writer)->RemoveObsoleteFiles(30));
  // The two oldest are kept (renamed out of the log), the third deleted.
  EXPECT_EQ(WalFiles(dir), std::vector<std::string>{wal::FileName(31)});
  EXPECT_EQ(FreeFiles(dir),
            (std::vector<std::string>{wal::FreeFileName(1), wal::FreeFileName(11)}));
  const uint64_t old_size = ReadRaw(dir + "/" + wal::FreeFileName(11)).size();
  ASSERT_OK((*writer)->Rotate());  // 34.wal is 11.wal.free renamed
  EXPECT_EQ(FreeFiles(dir), std::vector<std::string>{wal::FreeFileName(1)});
  EXPECT_EQ(ReadRaw(dir + "/" + wal::FileName(34)).size(), old_size);
  AppendRange(writer->get(), 34, 35);

  // A crash now: the reused file holds records 34 and 35, then the old file's bytes.
  // Whatever those parse as, replay returns exactly the records written.
  {
    QuietLogs quiet;
    std::string copy = CrashCopy(dir);
    std::vector<Rec> recs;
    uint64_t last = 0;
    ASSERT_OK(Replay(copy, 0, &recs, &last));
    ExpectRange(recs, 31, 35);
    EXPECT_EQ(last, 35u);
    const uint64_t want =
        wal::kFileHeaderSize + 2 * wal::kHeaderSize + PayloadFor(34).size() + PayloadFor(35).size();
    EXPECT_EQ(ReadRaw(copy + "/" + wal::FileName(34)).size(), want);  // replay cut it
    (void)Env::Default()->RemoveAll(copy);
  }

  // Rotation and Close cut the old bytes: every file then ends at its last record.
  AppendRange(writer->get(), 36, 40);
  ASSERT_OK((*writer)->Rotate());  // 41.wal is 1.wal.free renamed
  EXPECT_TRUE(FreeFiles(dir).empty());
  AppendRange(writer->get(), 41, 41);
  ASSERT_OK((*writer)->Close());
  std::vector<Rec> recs;
  uint64_t last = 0;
  CountingReporter reporter;
  ASSERT_OK(Replay(dir, 0, &recs, &last, &reporter));
  ExpectRange(recs, 31, 41);
  EXPECT_EQ(reporter.count, 0);
  (void)Env::Default()->RemoveAll(dir);
}

TEST(WalTest, StaleRecordsOfAReusedFileEndItQuietly) {
  // Same-sized records: the new ones line up with the old, so the first old record after
  // the new ones is whole and valid, and only its sequence (below the file's name) marks
  // it stale.
  std::string dir = NewDir("stale");
  auto writer =
      WalWriter::Open(Env::Default(), dir, 1, WalOptions{.sync = false, .recycle_files = 1});
  ASSERT_TRUE(writer.ok());
  AppendSized(writer->get(), 1, 20, 100);
  ASSERT_OK((*writer)->Rotate());
  AppendSized(writer->get(), 21, 22, 100);
  ASSERT_OK((*writer)->RemoveObsoleteFiles(20));
  ASSERT_EQ(FreeFiles(dir), std::vector<std::string>{wal::FreeFileName(1)});
  ASSERT_OK((*writer)->Rotate());  // 23.wal is 1.wal.free: header, then records 1..20

  // A crash before any record reaches the reused file: every record in it is stale.
  std::string copy = CrashCopy(dir);
  std::vector<Rec> recs;
  uint64_t last = 0;
  CountingReporter reporter;
  ASSERT_OK(Replay(copy, 0, &recs, &last, &reporter));
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[1].sequence, 22u);
  EXPECT_EQ(last, 22u);
  EXPECT_EQ(reporter.count, 0);
  EXPECT_FALSE(Env::Default()->FileExists(copy + "/" + wal::FileName(23)));  // nothing left
  (void)Env::Default()->RemoveAll(copy);

  // A crash after records 23..25: the old record 4 follows them, whole and stale.
  AppendSized(writer->get(), 23, 25, 100);
  copy = CrashCopy(dir);
  ASSERT_OK(Replay(copy, 0, &recs, &last, &reporter));
  ASSERT_EQ(recs.size(), 5u);
  EXPECT_EQ(recs.back().sequence, 25u);
  EXPECT_EQ(std::string(recs.back().payload), std::string(100, static_cast<char>(25)));
  EXPECT_EQ(last, 25u);
  EXPECT_EQ(reporter.count, 0);
  EXPECT_EQ(ReadRaw(copy + "/" + wal::FileName(23)).size(),
            wal::kFileHeaderSize + 3 * (wal::kHeaderSize + 100));
  // A writer continues after the cut file, and a second replay reads the same records.
  {
    auto next = WalWriter::Open(Env::Default(), copy, last + 1, WalOptions{.sync = false});
    ASSERT_TRUE(next.ok());
    AppendSized(next->get(), 26, 27, 50);
    ASSERT_OK((*next)->Close());
  }
  ASSERT_OK(Replay(copy, 0, &recs, &last, &reporter));
  EXPECT_EQ(recs.size(), 7u);
  EXPECT_EQ(last, 27u);
  EXPECT_EQ(reporter.count, 0);
  (void)Env::Default()->RemoveAll(copy);
  ASSERT_OK((*writer)->Close());
  (void)Env::Default()->RemoveAll(dir);
}

TEST(WalTest, KeptFilesOutliveTheWriter) {
  std::string dir = NewDir("adopt");
  {
    auto writer =
        WalWriter::Open(Env::Default(), dir, 1, WalOptions{.sync = false, .recycle_files = 3});
    ASSERT_TRUE(writer.ok());
    for (uint64_t first : {1, 11, 21}) {
      AppendRange(writer->get(), first, first + 9);
      ASSERT_OK((*writer)->Rotate());
    }
    AppendRange(writer->get(), 31, 31);
    ASSERT_OK((*writer)->RemoveObsoleteFiles(30));
    ASSERT_EQ(FreeFiles(dir).size(), 3u);
    ASSERT_OK((*writer)->Close());
  }
  // Replay ignores kept files.
  std::vector<Rec> recs;
  uint64_t last = 0;
  ASSERT_OK(Replay(dir, 0, &recs, &last));
  ExpectRange(recs, 31, 31);
  // A writer with a smaller limit keeps what it may and deletes the rest.
  auto writer =
      WalWriter::Open(Env::Default(), dir, 32, WalOptions{.sync = false, .recycle_files = 1});
  ASSERT_TRUE(writer.ok());
  EXPECT_TRUE(FreeFiles(dir).empty());  // one deleted, one reused as 32.wal
  AppendRange(writer->get(), 32, 33);
  ASSERT_OK((*writer)->Close());
  ASSERT_OK(Replay(dir, 0, &recs, &last));
  ExpectRange(recs, 31, 33);
  // With reuse off, kept files are deleted.
  {
    auto w =
        WalWriter::Open(Env::Default(), dir, 34, WalOptions{.sync = false, .recycle_files = 2});
    ASSERT_TRUE(w.ok());
    AppendRange(w->get(), 34, 34);
    ASSERT_OK((*w)->RemoveObsoleteFiles(33));
    ASSERT_OK((*w)->Close());
  }
  ASSERT_FALSE(FreeFiles(dir).empty());
  auto off = WalWriter::Open(Env::Default(), dir, 35, WalOptions{.sync = false});
  ASSERT_TRUE(off.ok());
  EXPECT_TRUE(FreeFiles(dir).empty());
  ASSERT_OK((*off)->Close());
  (void)Env::Default()->RemoveAll(dir);
}

TEST(WalTest, FailedWriteInAReusedFileIsCut) {
  TestEnv env;
  std::string dir = NewDir("recycle_fail");
  auto writer = WalWriter::Open(&env, dir, 1, WalOptions{.sync = true, .recycle_files = 1});
  ASSERT_TRUE(writer.ok());
  AppendRange(writer->get(), 1, 10);
  ASSERT_OK((*writer)->Rotate());
  AppendRange(writer->get(), 11, 11);
  ASSERT_OK((*writer)->RemoveObsoleteFiles(10));
  ASSERT_OK((*writer)->Rotate());  // 12.wal reuses 1.wal.free
  AppendRange(writer->get(), 12, 13);
  env.fail_next_append = true;
  EXPECT_FALSE((*writer)->Append(RecordType::kBatch, PayloadFor(14), nullptr).ok());
  AppendRange(writer->get(), 14, 15);  // the partial record and old bytes were cut
  ASSERT_OK((*writer)->WaitDurable(15));
  std::string copy = CrashCopy(dir);
  std::vector<Rec> recs;
  uint64_t last = 0;
  {
    QuietLogs quiet;
    ASSERT_OK(Replay(copy, 0, &recs, &last));
  }
  ExpectRange(recs, 11, 15);
  (void)Env::Default()->RemoveAll(copy);
  ASSERT_OK((*writer)->Close());
  (void)Env::Default()->RemoveAll(dir);
}

// A rotation that renamed a kept file to the new name but could not open it leaves no file
// of that name: its stale records would otherwise sit in the log's sequence of names, and
// removing obsolete files would judge the current file by them.
TEST(WalTest, FailedReuseLeavesNoFileBehind) {
  TestEnv env;
  std::string dir = NewDir("recycle_open");
  auto writer = WalWriter::Open(&env, dir, 1, WalOptions{.sync = false, .recycle_files = 1});
  ASSERT_TRUE(writer.ok());
  AppendRange(writer->get(), 1, 10);
  ASSERT_OK((*writer)->Rotate());
  AppendRange(writer->get(), 11, 11);
  ASSERT_OK((*writer)->RemoveObsoleteFiles(10));
  ASSERT_EQ(FreeFiles(dir).size(), 1u);
  {
    QuietLogs quiet;
    env.fail_opens = true;
    EXPECT_FALSE((*writer)->Rotate().ok());
    env.fail_opens = false;
  }
  EXPECT_EQ(WalFiles(dir), std::vector<std::string>{wal::FileName(11)});
  AppendRange(writer->get(), 12, 13);  // still in 11.wal
  ASSERT_OK((*writer)->RemoveObsoleteFiles(11));
  EXPECT_EQ(WalFiles(dir), std::vector<std::string>{wal::FileName(11)});
  ASSERT_OK((*writer)->Rotate());
  AppendRange(writer->get(), 14, 14);
  ASSERT_OK((*writer)->Close());
  std::vector<Rec> recs;
  uint64_t last = 0;
  ASSERT_OK(Replay(dir, 0, &recs, &last));
  ExpectRange(recs, 11, 14);
  (void)Env::Default()->RemoveAll(dir);
}

}  // namespace
}  // namespace omen::storage
