// Copyright 2026 The OmenDB Authors.
//
// Env: every file-system call OmenDB makes goes through this interface, so that
// tests can inject faults (a full disk, a failed fsync) with FaultInjectionEnv.
// Env::Default() is the POSIX implementation and is thread-safe. A WritableFile
// or FileLock is used by one thread at a time; a FileMapping is immutable and
// may be shared by any number of readers.

#ifndef OMENDB_COMMON_ENV_H_
#define OMENDB_COMMON_ENV_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "omendb/status.h"

namespace omen {

class WritableFile {
 public:
  virtual ~WritableFile() = default;
  // Appends bytes (written through to the OS: no user-space buffering).
  virtual Status Append(std::string_view data) = 0;
  // Makes every appended byte durable (fdatasync).
  virtual Status Sync() = 0;
  virtual Status Close() = 0;
  // Bytes in the file (including bytes appended before opening for append).
  virtual uint64_t Size() const = 0;
};

// A read-only view of a whole file, memory-mapped when possible. data() stays
// valid for the mapping's lifetime.
class FileMapping {
 public:
  virtual ~FileMapping() = default;
  virtual const uint8_t* data() const = 0;
  virtual size_t size() const = 0;
  std::string_view view() const {
    return std::string_view(reinterpret_cast<const char*>(data()), size());
  }
};

// An exclusive advisory lock on a file, released on destruction.
class FileLock {
 public:
  virtual ~FileLock() = default;
};

class Env {
 public:
  virtual ~Env() = default;
  // The process-wide POSIX Env. Never deleted.
  static Env* Default();

  // Opens path for writing: truncated when `truncate`, else appended to. Creates it if absent.
  virtual Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path,
                                                                bool truncate) = 0;
  // Opens the existing file path for writing from offset 0 over its old bytes, which stay
  // until overwritten (no truncation; Size() counts the bytes written through this handle).
  // Rewriting a file whose pages are cached costs a copy, where a new file's pages must be
  // allocated and, on a VM that hands freed memory back to its host, faulted in again.
  virtual Result<std::unique_ptr<WritableFile>> OverwriteFile(const std::string& path) = 0;
  virtual Result<std::string> ReadFile(const std::string& path) = 0;
  virtual Result<std::shared_ptr<const FileMapping>> MapFile(const std::string& path) = 0;
  virtual bool FileExists(const std::string& path) = 0;
  // Names (not paths) of the entries of dir, without "." and "..".
  virtual Result<std::vector<std::string>> GetChildren(const std::string& dir) = 0;
  // Creates dir and any missing parents; OK when it exists.
  virtual Status CreateDirs(const std::string& dir) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;
  // Removes a file or a directory tree; OK when absent.
  virtual Status RemoveAll(const std::string& path) = 0;
  virtual Status RenameFile(const std::string& from, const std::string& to) = 0;
  // fsyncs a directory, making renames and creations in it durable.
  virtual Status SyncDir(const std::string& dir) = 0;
  virtual Result<uint64_t> FileSize(const std::string& path) = 0;
  virtual Status Truncate(const std::string& path, uint64_t size) = 0;
  // Takes an exclusive lock on path (created if absent); fails if another process holds it.
  virtual Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) = 0;
  virtual uint64_t NowMicros() = 0;
};

// Writes data to path atomically: a temporary file, fsync, rename over path, fsync of the
// directory. A crash leaves either the old or the new content.
Status WriteFileAtomic(Env* env, const std::string& path, std::string_view data);

// Sets the calling thread's nice value (Linux keeps one per thread; threads it starts inherit
// it). Raising it needs no privilege; lowering it below where it is needs CAP_SYS_NICE or
// RLIMIT_NICE, else PermissionDenied-like IOError and the value stays.
Status SetCurrentThreadNice(int nice);

// The parent directory of path ("." when none).
std::string DirName(const std::string& path);

// Wraps another Env and fails writes on demand, as a full disk would: once `space_left` bytes
// have been appended, or while writes are disabled, Append/Sync/rename/create fail with
// Status::DiskFull and leave the file as far as it got. Thread-safe.
class FaultInjectionEnv : public Env {
 public:
  explicit FaultInjectionEnv(Env* base) : base_(base) {}

  // Bytes that may still be appended before writes fail (-1: unlimited).
  void SetSpaceLeft(int64_t bytes) { space_left_.store(bytes); }
  // Fails every write from now on (true) or lets them through again (false).
  void SetWritesFail(bool fail) { writes_fail_.store(fail); }
  uint64_t injected_failures() const { return failures_.load(); }

  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path,
                                                        bool truncate) override;
  Result<std::unique_ptr<WritableFile>> OverwriteFile(const std::string& path) override;
  Result<std::string> ReadFile(const std::string& path) override { return base_->ReadFile(path); }
  Result<std::shared_ptr<const FileMapping>> MapFile(const std::string& path) override {
    return base_->MapFile(path);
  }
  bool FileExists(const std::string& path) override { return base_->FileExists(path); }
  Result<std::vector<std::string>> GetChildren(const std::string& dir) override {
    return base_->GetChildren(dir);
  }
  Status CreateDirs(const std::string& dir) override;
  Status RemoveFile(const std::string& path) override { return base_->RemoveFile(path); }
  Status RemoveAll(const std::string& path) override { return base_->RemoveAll(path); }
  Status RenameFile(const std::string& from, const std::string& to) override;
  Status SyncDir(const std::string& dir) override { return base_->SyncDir(dir); }
  Result<uint64_t> FileSize(const std::string& path) override { return base_->FileSize(path); }
  Status Truncate(const std::string& path, uint64_t size) override {
    return base_->Truncate(path, size);
  }
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override {
    return base_->LockFile(path);
  }
  uint64_t NowMicros() override { return base_->NowMicros(); }

  // Used by the wrapped files: reserves n bytes or reports a full disk.
  Status Charge(size_t n);

 private:
  Env* base_;
  std::atomic<int64_t> space_left_{-1};
  std::atomic<bool> writes_fail_{false};
  std::atomic<uint64_t> failures_{0};
};

}  // namespace omen

#endif  // OMENDB_COMMON_ENV_H_
