// Copyright 2026 The OmenDB Authors.
//
// libFuzzer target: feeds arbitrary bytes to WalReader as one WAL file and
// reads every record. Fails only on a crash, a sanitizer report or a broken
// reader invariant (a record outside the input, valid_bytes past the end).
// Built when OMENDB_FUZZ=ON with clang (src/storage/wal.cmake).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "storage/wal_format.h"
#include "storage/wal_reader.h"

namespace {

class CountingReporter final : public omen::storage::WalReader::Reporter {
 public:
  void Corruption(size_t bytes, const omen::Status& reason) override {
    reports_++;
    bytes_ = bytes;
    if (!reason.IsCorruption()) {
      std::abort();
    }
  }
  int reports_ = 0;
  size_t bytes_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  CountingReporter reporter;
  omen::storage::WalReader reader(bytes, &reporter);
  omen::storage::WalRecord record;
  uint64_t end = omen::storage::wal::kFileHeaderSize;
  while (reader.ReadRecord(&record)) {
    const char* p = record.payload.data();
    if (p < bytes.data() || p + record.payload.size() > bytes.data() + bytes.size()) {
      std::abort();  // a payload outside the input
    }
    end += omen::storage::wal::kHeaderSize + record.payload.size();
    if (reader.valid_bytes() != end) {
      std::abort();
    }
  }
  // Reads stay finished, and damage is reported exactly once, for the bytes past valid_bytes.
  if (reader.ReadRecord(&record) || reader.valid_bytes() > size ||
      reporter.reports_ != (reader.hit_corruption() ? 1 : 0) ||
      (reader.hit_corruption() && reporter.bytes_ != size - reader.valid_bytes()) ||
      (!reader.hit_corruption() && reader.valid_bytes() != size)) {
    std::abort();
  }
  return 0;
}
