// Copyright 2026 The OmenDB Authors.
//
// Reading the write-ahead log back: WalReader parses the records of one WAL
// file's bytes, and ReplayWal replays a whole WAL directory at startup,
// cutting the log at the first damage (see docs/format/wal.md, "Recovery").
//
// A WalReader is used by one thread at a time; it never writes and never
// reads outside the bytes it is given. ReplayWal must not run concurrently
// with a WalWriter on the same directory.

#ifndef OMENDB_STORAGE_WAL_READER_H_
#define OMENDB_STORAGE_WAL_READER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/env.h"
#include "omendb/status.h"
#include "storage/wal_format.h"

namespace omen::storage {

// One record as read back. payload points into the bytes given to the reader.
struct WalRecord {
  uint64_t sequence = 0;
  wal::RecordType type = wal::RecordType::kBatch;
  std::string_view payload;
};

class WalReader {
 public:
  // Told about bytes the reader drops because they are damaged or torn.
  class Reporter {
   public:
    virtual ~Reporter() = default;
    // `bytes` were dropped from the end of the file for `reason` (a Corruption status).
    virtual void Corruption(size_t bytes, const Status& reason) = 0;
  };

  // Reads one file's bytes. file_bytes must outlive the reader and every record it
  // returns. reporter may be null; when set it must outlive the reader.
  WalReader(std::string_view file_bytes, Reporter* reporter);

  WalReader(const WalReader&) = delete;
  WalReader& operator=(const WalReader&) = delete;

  // Reads the next good record into *record and returns true. Returns false at the
  // clean end of the file or at the first bad record (bad file header, torn header or
  // record, length past the end or above kMaxRecordSize, CRC mismatch, unknown type);
  // in the latter case the reporter is told the dropped bytes (everything from the bad
  // record to the end of the file) once. After false, every later call returns false.
  bool ReadRecord(WalRecord* record);

  // The offset just past the last good record (or the file header; 0 when the file
  // header itself is bad).
  uint64_t valid_bytes() const { return valid_bytes_; }
  // True when reading stopped at damage rather than exactly at the end of the file.
  bool hit_corruption() const { return hit_corruption_; }

 private:
  bool CheckFileHeader();
  // Stops reading: reports bytes from valid_bytes_ to the end as dropped.
  void Fail(std::string_view reason);

  std::string_view data_;
  Reporter* reporter_;
  uint64_t valid_bytes_ = 0;
  bool header_checked_ = false;
  bool done_ = false;
  bool hit_corruption_ = false;
};

// Replays every WAL file in dir in sequence order (of the names), calling fn for each
// record with sequence > after_sequence. Files whose records all have sequences <=
// after_sequence (known from the next file's name) are not read. Sequence numbers must
// increase by exactly one from record to record, within and across files; the first
// record read may start anywhere. A record whose sequence is below its file's name is a
// stale one of a reused file (see WalOptions::recycle_files): that file is cut there
// (removed when no record is left), quietly, and reading goes on with the next file. A
// gap, or a record that cannot be read, is where the
// log ends: that file is truncated to its last good record (removed when none is left)
// and made durable, every later WAL file is deleted, a warning is logged, and reporter
// (may be null) is told the dropped bytes. A file shorter than a file header holds no
// record and is removed. fn returning non-OK aborts replay with that status and leaves
// the files alone. *last_sequence gets the sequence of the last good record read (0 if
// none); a writer should continue at max(after_sequence, *last_sequence) + 1. A missing
// dir is an empty log. Never crashes on any file content.
Status ReplayWal(Env* env, const std::string& dir, uint64_t after_sequence,
                 const std::function<Status(const WalRecord&)>& fn, WalReader::Reporter* reporter,
                 uint64_t* last_sequence);

}  // namespace omen::storage

#endif  // OMENDB_STORAGE_WAL_READER_H_
