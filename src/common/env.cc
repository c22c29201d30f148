// Copyright 2026 The OmenDB Authors.

#include "common/env.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

namespace omen {
namespace {

Status PosixError(const std::string& context, int err) {
  std::string msg = context + ": " + std::strerror(err);
  if (err == ENOSPC || err == EDQUOT) {
    return Status::DiskFull(msg);
  }
  if (err == ENOENT) {
    return Status::NotFound(msg);
  }
  return Status::IOError(msg);
}

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd, uint64_t size)
      : path_(std::move(path)), fd_(fd), size_(size) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  Status Append(std::string_view data) override {
    const char* p = data.data();
    size_t left = data.size();
    while (left > 0) {
      ssize_t n = ::write(fd_, p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        return PosixError("write " + path_, errno);
      }
      p += n;
      left -= static_cast<size_t>(n);
      size_ += static_cast<uint64_t>(n);
    }
    return Status::OK();
  }
  Status Sync() override {
    if (::fdatasync(fd_) != 0) {
      return PosixError("fdatasync " + path_, errno);
    }
    return Status::OK();
  }
  Status Close() override {
    if (fd_ < 0) return Status::OK();
    int rc = ::close(fd_);
    fd_ = -1;
    return rc == 0 ? Status::OK() : PosixError("close " + path_, errno);
  }
  uint64_t Size() const override { return size_; }

 private:
  std::string path_;
  int fd_;
  uint64_t size_;
};

class PosixMapping final : public FileMapping {
 public:
  PosixMapping(void* addr, size_t size, std::string fallback)
      : addr_(addr), size_(size), fallback_(std::move(fallback)) {}
  ~PosixMapping() override {
    if (addr_ != nullptr) {
      ::munmap(addr_, size_);
    }
  }
  const uint8_t* data() const override {
    return addr_ != nullptr ? static_cast<const uint8_t*>(addr_)
                            : reinterpret_cast<const uint8_t*>(fallback_.data());
  }
  size_t size() const override { return addr_ != nullptr ? size_ : fallback_.size(); }

 private:
  void* addr_;
  size_t size_;
  std::string fallback_;  // empty files cannot be mapped
};

class PosixFileLock final : public FileLock {
 public:
  explicit PosixFileLock(int fd) : fd_(fd) {}
  ~PosixFileLock() override {
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
  }

 private:
  int fd_;
};

class PosixEnv final : public Env {
 public:
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path,
                                                        bool truncate) override {
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : O_APPEND);
    int fd = ::open(path.c_str(), flags, 0644);
    if (fd < 0) {
      return PosixError("open " + path, errno);
    }
    struct stat st;
    uint64_t size = 0;
    if (!truncate && ::fstat(fd, &st) == 0) {
      size = static_cast<uint64_t>(st.st_size);
    }
    return std::unique_ptr<WritableFile>(std::make_unique<PosixWritableFile>(path, fd, size));
  }

  Result<std::unique_ptr<WritableFile>> OverwriteFile(const std::string& path) override {
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
      return PosixError("open " + path, errno);
    }
    return std::unique_ptr<WritableFile>(std::make_unique<PosixWritableFile>(path, fd, 0));
  }

  Result<std::string> ReadFile(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      return PosixError("open " + path, errno);
    }
    std::string out;
    char buf[1 << 16];
    while (true) {
      ssize_t n = ::read(fd, buf, sizeof(buf));
      if (n < 0) {
        if (errno == EINTR) continue;
        Status s = PosixError("read " + path, errno);
        ::close(fd);
        return s;
      }
      if (n == 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return out;
  }

  Result<std::shared_ptr<const FileMapping>> MapFile(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      return PosixError("open " + path, errno);
    }
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      Status s = PosixError("fstat " + path, errno);
      ::close(fd);
      return s;
    }
    size_t size = static_cast<size_t>(st.st_size);
    void* addr = nullptr;
    if (size > 0) {
      addr = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
      if (addr == MAP_FAILED) {
        Status s = PosixError("mmap " + path, errno);
        ::close(fd);
        return s;
      }
    }
    ::close(fd);
    return std::shared_ptr<const FileMapping>(std::make_shared<PosixMapping>(addr, size, ""));
  }

  bool FileExists(const std::string& path) override { return ::access(path.c_str(), F_OK) == 0; }

  Result<std::vector<std::string>> GetChildren(const std::string& dir) override {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) {
      return PosixError("opendir " + dir, errno);
    }
    std::vector<std::string> out;
    while (struct dirent* e = ::readdir(d)) {
      if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) {
        out.emplace_back(e->d_name);
      }
    }
    ::closedir(d);
    return out;
  }

  Status CreateDirs(const std::string& dir) override {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      return PosixError("mkdir " + dir, ec.value());
    }
    return Status::OK();
  }

  Status RemoveFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) {
      return PosixError("unlink " + path, errno);
    }
    return Status::OK();
  }

  Status RemoveAll(const std::string& path) override {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
    if (ec) {
      return PosixError("remove " + path, ec.value());
    }
    return Status::OK();
  }

  Status RenameFile(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) {
      return PosixError("rename " + from + " -> " + to, errno);
    }
    return Status::OK();
  }

  Status SyncDir(const std::string& dir) override {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      return PosixError("open dir " + dir, errno);
    }
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    return rc == 0 ? Status::OK() : PosixError("fsync dir " + dir, err);
  }

  Result<uint64_t> FileSize(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
      return PosixError("stat " + path, errno);
    }
    return static_cast<uint64_t>(st.st_size);
  }

  Status Truncate(const std::string& path, uint64_t size) override {
    if (::truncate(path.c_str(), static_cast<off_t>(size)) != 0) {
      return PosixError("truncate " + path, errno);
    }
    return Status::OK();
  }

  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      return PosixError("open " + path, errno);
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      int err = errno;
      ::close(fd);
      if (err == EWOULDBLOCK) {
        return Status::IOError("data directory is in use by another process (lock " + path +
                               " held)");
      }
      return PosixError("lock " + path, err);
    }
    return std::unique_ptr<FileLock>(std::make_unique<PosixFileLock>(fd));
  }

  uint64_t NowMicros() override {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
  }
};

class FaultWritableFile final : public WritableFile {
 public:
  FaultWritableFile(FaultInjectionEnv* env, std::unique_ptr<WritableFile> base)
      : env_(env), base_(std::move(base)) {}
  Status Append(std::string_view data) override {
    OMEN_RETURN_IF_ERROR(env_->Charge(data.size()));
    return base_->Append(data);
  }
  Status Sync() override {
    OMEN_RETURN_IF_ERROR(env_->Charge(0));
    return base_->Sync();
  }
  Status Close() override { return base_->Close(); }
  uint64_t Size() const override { return base_->Size(); }

 private:
  FaultInjectionEnv* env_;
  std::unique_ptr<WritableFile> base_;
};

}  // namespace

Env* Env::Default() {
  static PosixEnv* env = new PosixEnv();  // never destroyed: used until exit
  return env;
}

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Status SetCurrentThreadNice(int nice) {
  // PRIO_PROCESS with a thread id: Linux's per-thread nice value.
  if (::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), nice) != 0) {
    return PosixError("setpriority(" + std::to_string(nice) + ")", errno);
  }
  return Status::OK();
}

Status WriteFileAtomic(Env* env, const std::string& path, std::string_view data) {
  std::string tmp = path + ".tmp";
  OMEN_ASSIGN_OR_RETURN(auto file, env->NewWritableFile(tmp, /*truncate=*/true));
  Status s = file->Append(data);
  if (s.ok()) s = file->Sync();
  if (s.ok()) s = file->Close();
  if (s.ok()) s = env->RenameFile(tmp, path);
  if (s.ok()) s = env->SyncDir(DirName(path));
  if (!s.ok()) {
    (void)env->RemoveFile(tmp);  // best effort; the old file is intact
  }
  return s;
}

Status FaultInjectionEnv::Charge(size_t n) {
  if (writes_fail_.load()) {
    failures_.fetch_add(1);
    return Status::DiskFull("injected: no space left on device");
  }
  int64_t left = space_left_.load();
  while (left >= 0) {
    if (static_cast<int64_t>(n) > left) {
      space_left_.store(0);
      failures_.fetch_add(1);
      return Status::DiskFull("injected: no space left on device");
    }
    if (space_left_.compare_exchange_weak(left, left - static_cast<int64_t>(n))) break;
  }
  return Status::OK();
}

Result<std::unique_ptr<WritableFile>> FaultInjectionEnv::NewWritableFile(const std::string& path,
                                                                         bool truncate) {
  OMEN_RETURN_IF_ERROR(Charge(0));
  OMEN_ASSIGN_OR_RETURN(auto base, base_->NewWritableFile(path, truncate));
  return std::unique_ptr<WritableFile>(std::make_unique<FaultWritableFile>(this, std::move(base)));
}

Result<std::unique_ptr<WritableFile>> FaultInjectionEnv::OverwriteFile(const std::string& path) {
  OMEN_RETURN_IF_ERROR(Charge(0));
  OMEN_ASSIGN_OR_RETURN(auto base, base_->OverwriteFile(path));
  return std::unique_ptr<WritableFile>(std::make_unique<FaultWritableFile>(this, std::move(base)));
}

Status FaultInjectionEnv::CreateDirs(const std::string& dir) {
  if (!base_->FileExists(dir)) {
    OMEN_RETURN_IF_ERROR(Charge(0));
  }
  return base_->CreateDirs(dir);
}

Status FaultInjectionEnv::RenameFile(const std::string& from, const std::string& to) {
  OMEN_RETURN_IF_ERROR(Charge(0));
  return base_->RenameFile(from, to);
}

}  // namespace omen
