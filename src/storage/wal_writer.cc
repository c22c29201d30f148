// Copyright 2026 The OmenDB Authors.
//
// WalWriter: appends, group commit, rotation and failed-write repair; see
// wal_writer.h and docs/format/wal.md.

#include "storage/wal_writer.h"

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <utility>
#include <vector>

#include "common/logging.h"

namespace omen::storage {

Result<std::unique_ptr<WalWriter>> WalWriter::Open(Env* env, std::string dir,
                                                   uint64_t next_sequence, WalOptions options) {
  if (next_sequence == 0) {
    return Status::InvalidArgument("WAL sequence numbers start at 1");
  }
  OMEN_RETURN_IF_ERROR(env->CreateDirs(dir));
  // The constructor is private, so make_unique cannot reach it.
  std::unique_ptr<WalWriter> writer(new WalWriter(env, std::move(dir), options, next_sequence));
  std::unique_lock<std::mutex> lock(writer->mu_);
  OMEN_RETURN_IF_ERROR(writer->AdoptFreeFilesLocked());
  OMEN_RETURN_IF_ERROR(writer->OpenFileLocked(next_sequence, &writer->file_, &writer->file_path_,
                                              &writer->file_old_bytes_));
  writer->file_first_sequence_ = next_sequence;
  writer->file_size_ = wal::kFileHeaderSize;
  lock.unlock();
  return writer;
}

WalWriter::WalWriter(Env* env, std::string dir, WalOptions options, uint64_t next_sequence)
    : env_(env),
      dir_(std::move(dir)),
      options_(options),
      last_sequence_(next_sequence - 1),
      synced_sequence_(next_sequence - 1) {}

WalWriter::~WalWriter() {
  Status s = Close();
  if (!s.ok()) {
    Log(LogLevel::kError, "closing WAL %s: %s", file_path_.c_str(), s.ToString().c_str());
  }
}

Status WalWriter::OpenFileLocked(uint64_t first_sequence, std::unique_ptr<WritableFile>* file,
                                 std::string* path, uint64_t* old_bytes) {
  *old_bytes = 0;
  std::string p = dir_ + "/" + wal::FileName(first_sequence);
  if (env_->FileExists(p)) {
    OMEN_ASSIGN_OR_RETURN(uint64_t size, env_->FileSize(p));
    if (size > wal::kFileHeaderSize) {
      return Status::AlreadyExists("WAL file " + p + " already holds records");
    }
  }
  std::unique_ptr<WritableFile> f;
  if (!free_files_.empty()) {
    // Reuse a kept file: renamed to p, its records are all below first_sequence, so a
    // crash before they are overwritten leaves records replay knows to be stale.
    const std::string from = std::move(free_files_.back());
    free_files_.pop_back();
    Result<uint64_t> size = env_->FileSize(from);
    Status s = size.ok() ? env_->RenameFile(from, p) : size.status();
    if (s.ok()) {
      Result<std::unique_ptr<WritableFile>> reused = env_->OverwriteFile(p);
      if (reused.ok()) {
        f = std::move(*reused);
        *old_bytes = *size;
        reused_files_.fetch_add(1, std::memory_order_relaxed);
      } else {
        s = reused.status();
        (void)env_->RemoveFile(p);  // its records are all stale; a new file takes its name
      }
    } else {
      (void)env_->RemoveFile(from);
    }
    if (!s.ok()) {
      Log(LogLevel::kWarn, "WAL: cannot reuse %s (%s); creating a new file", from.c_str(),
          s.ToString().c_str());
    }
  }
  if (f == nullptr) {
    OMEN_ASSIGN_OR_RETURN(f, env_->NewWritableFile(p, /*truncate=*/true));
  }
  char header[wal::kFileHeaderSize];
  wal::EncodeFileHeader(header);
  Status s = f->Append(std::string_view(header, sizeof(header)));
  if (s.ok()) {
    s = env_->SyncDir(dir_);  // the header itself is synced with the first record
  }
  if (!s.ok()) {
    (void)f->Close();
    (void)env_->RemoveFile(p);  // best effort: a header-only file is harmless anyway
    *old_bytes = 0;
    return s;
  }
  *file = std::move(f);
  *path = std::move(p);
  return Status::OK();
}

Status WalWriter::CutOldBytesLocked() {
  if (file_old_bytes_ > file_size_) {
    OMEN_RETURN_IF_ERROR(env_->Truncate(file_path_, file_size_));
  }
  file_old_bytes_ = 0;
  return Status::OK();
}

void WalWriter::WaitForSyncIdleLocked(std::unique_lock<std::mutex>& lock) {
  sync_done_.wait(lock, [this] { return !sync_in_progress_; });
}

Status WalWriter::RepairLocked() {
  OMEN_RETURN_IF_ERROR(env_->Truncate(file_path_, file_size_));
  file_old_bytes_ = 0;
  // A fresh handle appends at the new end whatever the old one's file offset was.
  OMEN_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> f,
                        env_->NewWritableFile(file_path_, /*truncate=*/false));
  (void)file_->Close();  // its good bytes are in the file; syncing f makes them durable
  file_ = std::move(f);
  needs_repair_ = false;
  return Status::OK();
}

Status WalWriter::RotateLocked() {
  if (last_sequence_ < file_first_sequence_) {
    return Status::OK();  // no record in the current file
  }
  OMEN_RETURN_IF_ERROR(CutOldBytesLocked());
  Status s = file_->Sync();
  fsync_count_.fetch_add(1, std::memory_order_relaxed);
  if (!s.ok()) {
    return s;
  }
  synced_sequence_ = last_sequence_;
  std::unique_ptr<WritableFile> next;
  std::string next_path;
  uint64_t next_old_bytes = 0;
  OMEN_RETURN_IF_ERROR(OpenFileLocked(last_sequence_ + 1, &next, &next_path, &next_old_bytes));
  Status close = file_->Close();
  if (!close.ok()) {  // its records are durable already
    Log(LogLevel::kWarn, "closing WAL %s: %s", file_path_.c_str(), close.ToString().c_str());
  }
  file_ = std::move(next);
  file_path_ = std::move(next_path);
  file_first_sequence_ = last_sequence_ + 1;
  file_size_ = wal::kFileHeaderSize;
  file_old_bytes_ = next_old_bytes;
  return Status::OK();
}

Status WalWriter::PrepareForAppendLocked(std::unique_lock<std::mutex>& lock) {
  while (true) {
    if (closed_) {
      return Status::Aborted("WAL writer is closed");
    }
    const bool full = file_size_ >= options_.max_file_bytes &&
                      last_sequence_ >= file_first_sequence_;  // never rotate an empty file
    if (!needs_repair_ && !full) {
      return Status::OK();
    }
    if (sync_in_progress_) {  // file_ may be neither replaced nor closed now
      WaitForSyncIdleLocked(lock);
      continue;  // the state may have changed while the lock was released
    }
    if (needs_repair_) {
      OMEN_RETURN_IF_ERROR(RepairLocked());
      continue;
    }
    OMEN_RETURN_IF_ERROR(RotateLocked());
  }
}

Result<uint64_t> WalWriter::Append(wal::RecordType type, std::string_view payload,
                                   const std::function<void(uint64_t)>& apply) {
  if (payload.size() > wal::kMaxRecordSize) {
    return Status::InvalidArgument("WAL record of " + std::to_string(payload.size()) +
                                   " bytes is above the limit");
  }
  // Copy outside the lock; the header (sequence, CRC) is filled in under it.
  std::string record;
  record.reserve(wal::kHeaderSize + payload.size());
  record.append(wal::kHeaderSize, '\0');
  record.append(payload);

  std::unique_lock<std::mutex> lock(mu_);
  OMEN_RETURN_IF_ERROR(PrepareForAppendLocked(lock));
  const uint64_t sequence = last_sequence_ + 1;
  wal::EncodeRecordHeader(record.data(), sequence, type, payload);
  Status s = file_->Append(record);
  if (s.ok()) bytes_written_.fetch_add(record.size(), std::memory_order_relaxed);
  if (!s.ok()) {
    // Part of the record may be in the file: cut it off now if no sync holds the
    // file, else before the next append or sync.
    needs_repair_ = true;
    if (!sync_in_progress_) {
      Status repair = RepairLocked();
      if (!repair.ok()) {
        Log(LogLevel::kWarn, "WAL %s: cannot cut a failed write yet: %s", file_path_.c_str(),
            repair.ToString().c_str());
      }
    }
    return s;
  }
  file_size_ += record.size();
  last_sequence_ = sequence;
  if (!options_.sync) {
    synced_sequence_ = sequence;
  }
  if (apply) {
    apply(sequence);
  }
  return sequence;
}

Status WalWriter::LeadSyncLocked(std::unique_lock<std::mutex>& lock) {
  if (closed_) {
    return Status::Aborted("WAL writer is closed");
  }
  if (needs_repair_) {
    OMEN_RETURN_IF_ERROR(RepairLocked());
  }
  sync_in_progress_ = true;
  syncing_sequence_ = last_sequence_;
  const uint64_t target = last_sequence_;
  WritableFile* file = file_.get();
  lock.unlock();
  const auto sync_start = std::chrono::steady_clock::now();
  Status s = file->Sync();  // appends go on meanwhile; they are not covered
  fsync_nanos_.fetch_add(static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                   std::chrono::steady_clock::now() - sync_start)
                                                   .count()),
                         std::memory_order_relaxed);
  fsync_count_.fetch_add(1, std::memory_order_relaxed);
  lock.lock();
  sync_in_progress_ = false;
  syncs_finished_++;
  if (s.ok()) {
    synced_sequence_ = std::max(synced_sequence_, target);
  } else {
    last_sync_error_ = s;
  }
  sync_done_.notify_all();
  return s;
}

Status WalWriter::WaitDurable(uint64_t seq) {
  if (!options_.sync) {
    return Status::OK();
  }
  std::unique_lock<std::mutex> lock(mu_);
  if (seq > last_sequence_) {
    return Status::InvalidArgument("WaitDurable(" + std::to_string(seq) +
                                   ") beyond the last appended sequence");
  }
  while (synced_sequence_ < seq) {
    if (!sync_in_progress_) {
      return LeadSyncLocked(lock);  // covers everything appended so far, seq included
    }
    const bool covered = syncing_sequence_ >= seq;
    const uint64_t finished = syncs_finished_;
    sync_done_.wait(lock, [&] { return syncs_finished_ != finished; });
    if (covered && synced_sequence_ < seq) {
      return last_sync_error_;  // the sync that covered seq failed
    }
  }
  return Status::OK();
}

Status WalWriter::Sync() {
  std::unique_lock<std::mutex> lock(mu_);
  WaitForSyncIdleLocked(lock);
  return LeadSyncLocked(lock);
}

Status WalWriter::Rotate() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    if (closed_) {
      return Status::Aborted("WAL writer is closed");
    }
    if (sync_in_progress_) {
      WaitForSyncIdleLocked(lock);
      continue;
    }
    if (needs_repair_) {
      OMEN_RETURN_IF_ERROR(RepairLocked());
    }
    return RotateLocked();
  }
}

Status WalWriter::RemoveObsoleteFiles(uint64_t seq) {
  uint64_t current_first;
  {
    std::lock_guard<std::mutex> lock(mu_);
    current_first = file_first_sequence_;
  }
  OMEN_ASSIGN_OR_RETURN(std::vector<std::string> names, env_->GetChildren(dir_));
  std::vector<uint64_t> firsts;
  for (const std::string& name : names) {
    uint64_t first = 0;
    if (wal::ParseFileName(name, &first)) {
      firsts.push_back(first);
    }
  }
  std::sort(firsts.begin(), firsts.end());
  bool removed = false;
  // A file ends where the next one starts; files before the current one are closed.
  for (size_t i = 0; i + 1 < firsts.size() && firsts[i] < current_first; i++) {
    if (firsts[i + 1] - 1 > seq) {
      break;  // later files hold later records
    }
    const std::string path = dir_ + "/" + wal::FileName(firsts[i]);
    bool keep;
    {
      std::lock_guard<std::mutex> lock(mu_);
      keep = static_cast<int>(free_files_.size() + renaming_) < options_.recycle_files;
      if (keep) renaming_++;
    }
    Status s;
    if (keep) {
      const std::string free = dir_ + "/" + wal::FreeFileName(firsts[i]);
      s = env_->RenameFile(path, free);
      std::lock_guard<std::mutex> lock(mu_);
      renaming_--;
      if (s.ok()) free_files_.push_back(free);
    } else {
      s = env_->RemoveFile(path);
    }
    if (!s.ok() && !s.IsNotFound()) {  // NotFound: a concurrent call removed it
      return s;
    }
    removed = true;
  }
  return removed ? env_->SyncDir(dir_) : Status::OK();
}

Status WalWriter::AdoptFreeFilesLocked() {
  OMEN_ASSIGN_OR_RETURN(std::vector<std::string> names, env_->GetChildren(dir_));
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    uint64_t first = 0;
    if (!wal::ParseFreeFileName(name, &first)) continue;
    const std::string path = dir_ + "/" + name;
    if (static_cast<int>(free_files_.size()) < options_.recycle_files) {
      free_files_.push_back(path);
    } else {
      OMEN_RETURN_IF_ERROR(env_->RemoveFile(path));
    }
  }
  return Status::OK();
}

uint64_t WalWriter::last_sequence() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_sequence_;
}

uint64_t WalWriter::synced_sequence() const {
  std::lock_guard<std::mutex> lock(mu_);
  return synced_sequence_;
}

std::string WalWriter::current_file() const {
  std::lock_guard<std::mutex> lock(mu_);
  return file_path_;
}

Status WalWriter::Close() {
  std::unique_lock<std::mutex> lock(mu_);
  WaitForSyncIdleLocked(lock);
  if (closed_) {
    return Status::OK();
  }
  closed_ = true;
  Status s;
  if (file_ != nullptr) {
    if (needs_repair_) {
      s = RepairLocked();  // on failure replay cuts the partial record instead
    }
    Status cut = CutOldBytesLocked();  // else replay skips the stale records
    if (s.ok()) s = cut;
    Status sync = file_->Sync();
    fsync_count_.fetch_add(1, std::memory_order_relaxed);
    if (sync.ok()) {
      synced_sequence_ = last_sequence_;
    }
    Status close = file_->Close();
    file_.reset();
    if (s.ok()) {
      s = !sync.ok() ? sync : close;
    }
  }
  sync_done_.notify_all();
  return s;
}

}  // namespace omen::storage
