// Copyright 2026 The OmenDB Authors.
//
// The throwaway PostgreSQL that `omendb-bench pgwire` measures OmenDB against.
//
// ScratchDir makes a temporary directory and forks a watchdog process that, once this process
// ends however it ends (a returned error, an exception, a signal, a crash), stops the
// PostgreSQL whose data directory is ScratchDir::PostgresData() (if one runs) and removes the
// whole directory: the watchdog waits for end of file on a pipe whose write end only this
// process holds (close-on-exec, so no child inherits it). The destructor closes the pipe and
// waits for the watchdog, so the normal path cleans up the same way.
//
// PostgresServer runs Debian's initdb and pg_ctl from a bin directory (as the `postgres` user
// when running as root, since PostgreSQL refuses to run as root: the approach of
// test/oracle/pg_oracle.cc), with trust authentication for user `postgres`, fsync on (the
// default: this is a performance baseline, unlike the test oracle) and a free loopback port.
//
// Neither class is thread-safe.

#ifndef OMENDB_BENCH_POSTGRES_SERVER_H_
#define OMENDB_BENCH_POSTGRES_SERVER_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "omendb/status.h"

namespace omen::bench {

inline constexpr char kDefaultPostgresBin[] = "/usr/lib/postgresql/15/bin";

class ScratchDir {
 public:
  // A fresh directory under `parent`; `postgres_bin` is where the watchdog finds pg_ctl.
  static Result<std::unique_ptr<ScratchDir>> Create(const std::string& parent,
                                                    const std::string& postgres_bin);
  ~ScratchDir();  // stops PostgreSQL if running, removes the directory
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }
  // Where a PostgresServer must put its cluster for the watchdog to stop it.
  std::string PostgresDir() const { return path_ + "/pg"; }

 private:
  ScratchDir(std::string path, int pipe_fd, pid_t watchdog)
      : path_(std::move(path)), pipe_fd_(pipe_fd), watchdog_(watchdog) {}

  std::string path_;
  int pipe_fd_;
  pid_t watchdog_;
};

class PostgresServer {
 public:
  // NotFound, naming the missing binary, when `bin` lacks initdb, pg_ctl or postgres.
  static Status CheckBinaries(const std::string& bin);
  // initdb into dir/data, then pg_ctl start on 127.0.0.1 with `settings` (-c name=value) added.
  static Result<std::unique_ptr<PostgresServer>> Start(const std::string& bin,
                                                       const std::string& dir,
                                                       const std::vector<std::string>& settings);
  ~PostgresServer();  // immediate stop when Stop() was not called
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  int port() const { return port_; }
  // pg_ctl stop -m fast.
  Status Stop();

 private:
  PostgresServer(std::string bin, std::string dir) : bin_(std::move(bin)), dir_(std::move(dir)) {}
  Status TryStart(const std::vector<std::string>& settings);

  std::string bin_;
  std::string dir_;
  int port_ = 0;
  bool running_ = false;
};

}  // namespace omen::bench

#endif  // OMENDB_BENCH_POSTGRES_SERVER_H_
