// Copyright 2026 The OmenDB Authors.
//
// libFuzzer target for the Arrow IPC file reader: opens arbitrary bytes, reads
// every batch and touches every value. Any crash, sanitizer report or hang is a
// bug; error Statuses are the expected answer to bad input. Build with
// -DOMENDB_FUZZ=ON under clang; seed it with files from arrow_test.

#include <cstddef>
#include <cstdint>
#include <string>

#include "arrow/ipc.h"

namespace {

uint64_t TouchColumn(const omen::arrow::ArrayData& c) {
  uint64_t h = 0;
  for (int64_t i = 0; i < c.length; ++i) {
    if (!c.IsValid(i)) {
      continue;
    }
    switch (c.type.id) {
      case omen::arrow::TypeId::kBool:
        h += c.BoolValue(i);
        break;
      case omen::arrow::TypeId::kString:
        h += c.StringValue(i).size();
        break;
      case omen::arrow::TypeId::kInt16:
        h += static_cast<uint64_t>(c.Value<int16_t>(i));
        break;
      case omen::arrow::TypeId::kInt32:
      case omen::arrow::TypeId::kFloat32:
      case omen::arrow::TypeId::kDate32:
        h += static_cast<uint64_t>(c.Value<int32_t>(i));
        break;
      default:
        h += static_cast<uint64_t>(c.Value<int64_t>(i));
        break;
    }
  }
  return h;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto reader =
      omen::arrow::OpenIpcFileBytes(std::string(reinterpret_cast<const char*>(data), size));
  if (!reader.ok()) {
    return 0;
  }
  volatile uint64_t sink = 0;
  for (int i = 0; i < (*reader)->num_batches(); ++i) {
    (void)(*reader)->batch_num_rows(i);
    auto batch = (*reader)->ReadBatch(i);
    if (!batch.ok()) {
      continue;
    }
    for (const auto& column : batch->columns) {
      sink = sink + TouchColumn(column);
    }
  }
  return 0;
}
