// Copyright 2026 The OmenDB Authors.
//
// WalReader and ReplayWal; see wal_reader.h and docs/format/wal.md.

#include "storage/wal_reader.h"

#include <algorithm>
#include <cinttypes>
#include <memory>
#include <utility>
#include <vector>

#include "common/coding.h"
#include "common/crc32c.h"
#include "common/logging.h"

namespace omen::storage {

WalReader::WalReader(std::string_view file_bytes, Reporter* reporter)
    : data_(file_bytes), reporter_(reporter) {}

void WalReader::Fail(std::string_view reason) {
  done_ = true;
  hit_corruption_ = true;
  if (reporter_ != nullptr) {
    reporter_->Corruption(data_.size() - valid_bytes_, Status::Corruption(reason));
  }
}

bool WalReader::CheckFileHeader() {
  header_checked_ = true;
  if (data_.size() < wal::kFileHeaderSize) {
    Fail("torn WAL file header");
    return false;
  }
  const char* p = data_.data();
  if (data_.substr(0, wal::kFileMagic.size()) != wal::kFileMagic) {
    Fail("bad WAL file magic");
    return false;
  }
  uint32_t crc = crc32c::Unmask(DecodeFixed32(p + wal::kFileCrcOffset));
  if (crc != crc32c::Value(p, wal::kFileCrcOffset)) {
    Fail("WAL file header checksum mismatch");
    return false;
  }
  if (DecodeFixed32(p + wal::kFileVersionOffset) != wal::kFileVersion) {
    Fail("unsupported WAL file version");
    return false;
  }
  valid_bytes_ = wal::kFileHeaderSize;
  return true;
}

bool WalReader::ReadRecord(WalRecord* record) {
  if (done_) {
    return false;
  }
  if (!header_checked_ && !CheckFileHeader()) {
    return false;
  }
  const size_t left = data_.size() - valid_bytes_;
  if (left == 0) {
    done_ = true;  // the clean end
    return false;
  }
  if (left < wal::kHeaderSize) {
    Fail("torn record header");
    return false;
  }
  const char* header = data_.data() + valid_bytes_;
  const uint32_t length = DecodeFixed32(header + wal::kLengthOffset);
  if (length > wal::kMaxRecordSize) {
    Fail("record length above kMaxRecordSize");
    return false;
  }
  if (length > left - wal::kHeaderSize) {
    Fail("record extends past the end of the file");
    return false;
  }
  std::string_view payload(header + wal::kHeaderSize, length);
  if (crc32c::Unmask(DecodeFixed32(header + wal::kCrcOffset)) != wal::RecordCrc(header, payload)) {
    Fail("record checksum mismatch");
    return false;
  }
  const uint8_t type = static_cast<uint8_t>(header[wal::kTypeOffset]);
  if (!wal::IsKnownRecordType(type)) {
    Fail("unknown record type");
    return false;
  }
  record->sequence = DecodeFixed64(header + wal::kSequenceOffset);
  record->type = static_cast<wal::RecordType>(type);
  record->payload = payload;
  valid_bytes_ += wal::kHeaderSize + length;
  return true;
}

namespace {

// Keeps what a WalReader reports so that ReplayWal can log and forward it.
class CapturingReporter final : public WalReader::Reporter {
 public:
  void Corruption(size_t bytes, const Status& reason) override {
    bytes_ = bytes;
    reason_ = reason;
  }
  size_t bytes() const { return bytes_; }
  const Status& reason() const { return reason_; }

 private:
  size_t bytes_ = 0;
  Status reason_;
};

struct WalFile {
  uint64_t first_sequence;
  std::string path;
};

Result<std::vector<WalFile>> ListWalFiles(Env* env, const std::string& dir) {
  std::vector<WalFile> files;
  if (!env->FileExists(dir)) {
    return files;
  }
  OMEN_ASSIGN_OR_RETURN(std::vector<std::string> names, env->GetChildren(dir));
  for (const std::string& name : names) {
    uint64_t first = 0;
    if (wal::ParseFileName(name, &first)) {
      files.push_back(WalFile{first, dir + "/" + name});
    }
  }
  std::sort(files.begin(), files.end(),
            [](const WalFile& a, const WalFile& b) { return a.first_sequence < b.first_sequence; });
  return files;
}

void ReportDropped(WalReader::Reporter* reporter, const std::string& path, uint64_t offset,
                   uint64_t bytes, const Status& reason) {
  Log(LogLevel::kWarn, "WAL %s: dropping %" PRIu64 " bytes at offset %" PRIu64 ": %s", path.c_str(),
      bytes, offset, reason.ToString().c_str());
  if (reporter != nullptr) {
    reporter->Corruption(static_cast<size_t>(bytes), reason);
  }
}

// Cuts path at offset (removing it when no record is left) and makes that durable.
Status CutFile(Env* env, const std::string& path, uint64_t offset) {
  if (offset <= wal::kFileHeaderSize) {
    return env->RemoveFile(path);
  }
  OMEN_RETURN_IF_ERROR(env->Truncate(path, offset));
  OMEN_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file,
                        env->NewWritableFile(path, /*truncate=*/false));
  Status s = file->Sync();
  Status close = file->Close();
  return s.ok() ? close : s;
}

// Ends the log at `offset` of files[index]: cuts that file, deletes every later one.
Status EndLogAt(Env* env, const std::string& dir, const std::vector<WalFile>& files, size_t index,
                uint64_t offset, uint64_t dropped, const Status& reason,
                WalReader::Reporter* reporter) {
  ReportDropped(reporter, files[index].path, offset, dropped, reason);
  OMEN_RETURN_IF_ERROR(CutFile(env, files[index].path, offset));
  for (size_t i = index + 1; i < files.size(); i++) {
    Result<uint64_t> size = env->FileSize(files[i].path);
    ReportDropped(reporter, files[i].path, 0, size.ok() ? *size : 0,
                  Status::Corruption("WAL file follows the end of the log"));
    OMEN_RETURN_IF_ERROR(env->RemoveFile(files[i].path));
  }
  return env->SyncDir(dir);
}

// True when every record of files[i] has a sequence <= after_sequence, judged by the name
// of the next file (the current, last file is always read).
bool AllObsolete(const std::vector<WalFile>& files, size_t i, uint64_t after_sequence) {
  return i + 1 < files.size() && files[i + 1].first_sequence > 0 &&
         files[i + 1].first_sequence - 1 <= after_sequence;
}

}  // namespace

Status ReplayWal(Env* env, const std::string& dir, uint64_t after_sequence,
                 const std::function<Status(const WalRecord&)>& fn, WalReader::Reporter* reporter,
                 uint64_t* last_sequence) {
  *last_sequence = 0;
  OMEN_ASSIGN_OR_RETURN(std::vector<WalFile> files, ListWalFiles(env, dir));
  bool have_prev = false;  // a record has been read: the next must follow it
  uint64_t prev = 0;
  for (size_t i = 0; i < files.size(); i++) {
    const std::string& path = files[i].path;
    if (!have_prev && AllObsolete(files, i, after_sequence)) {
      continue;
    }
    OMEN_ASSIGN_OR_RETURN(std::string bytes, env->ReadFile(path));
    if (bytes.size() < wal::kFileHeaderSize) {
      // Created but never written (a crash right after creation): holds no record.
      ReportDropped(reporter, path, 0, bytes.size(),
                    Status::Corruption("WAL file shorter than its header"));
      OMEN_RETURN_IF_ERROR(env->RemoveFile(path));
      OMEN_RETURN_IF_ERROR(env->SyncDir(dir));
      continue;
    }
    CapturingReporter capture;
    WalReader reader(bytes, &capture);
    WalRecord record;
    while (true) {
      const uint64_t offset = reader.valid_bytes();
      if (!reader.ReadRecord(&record)) {
        if (!reader.hit_corruption()) {
          break;  // the clean end of this file
        }
        *last_sequence = prev;
        return EndLogAt(env, dir, files, i, reader.valid_bytes(), capture.bytes(), capture.reason(),
                        reporter);
      }
      if (record.sequence < files[i].first_sequence) {
        // A record of the file's life before the writer reused it (WalOptions::recycle_files):
        // this file's log ends here, quietly, and the next file must follow on.
        Log(LogLevel::kDebug, "WAL %s: stale records from offset %" PRIu64 " cut", path.c_str(),
            offset);
        OMEN_RETURN_IF_ERROR(CutFile(env, path, offset));
        if (offset <= wal::kFileHeaderSize) OMEN_RETURN_IF_ERROR(env->SyncDir(dir));
        break;
      }
      if (have_prev && record.sequence != prev + 1) {
        *last_sequence = prev;
        std::string reason = "WAL sequence gap: expected " + std::to_string(prev + 1) + ", found " +
                             std::to_string(record.sequence);
        return EndLogAt(env, dir, files, i, offset, bytes.size() - offset,
                        Status::Corruption(reason), reporter);
      }
      have_prev = true;
      prev = record.sequence;
      if (record.sequence > after_sequence) {
        OMEN_RETURN_IF_ERROR(fn(record));
      }
    }
  }
  *last_sequence = prev;
  return Status::OK();
}

}  // namespace omen::storage
