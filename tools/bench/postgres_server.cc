// Copyright 2026 The OmenDB Authors.

#include "bench/postgres_server.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace omen::bench {
namespace {

bool AsRoot() { return ::geteuid() == 0; }

// `command` run as the postgres user when we are root (PostgreSQL refuses to run as root).
std::string AsPostgres(const std::string& command) {
  return AsRoot() ? "runuser -u postgres -- " + command : command;
}

// s quoted for /bin/sh.
std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// Runs a shell command; its output (stdout and stderr), or IOError with that output.
Result<std::string> Run(const std::string& command) {
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return Status::IOError("popen failed: " + command);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), pipe)) > 0) out.append(buf, n);
  const int rc = ::pclose(pipe);
  if (rc != 0) return Status::IOError(command + " failed:\n" + out);
  return out;
}

int FreeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

// The last `bytes` of a file (the server log, for error messages).
std::string Tail(const std::string& path, size_t bytes = 2000) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string all = ss.str();
  return all.size() <= bytes ? all : all.substr(all.size() - bytes);
}

Status ChownToPostgres(const std::string& path) {
  if (!AsRoot()) return Status::OK();
  const passwd* pw = ::getpwnam("postgres");
  if (pw == nullptr) {
    return Status::NotFound(
        "running as root, PostgreSQL must run as the `postgres` OS user, which does not exist "
        "(install Debian's postgresql-15, or run as a non-root user)");
  }
  if (::chown(path.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
    return Status::IOError("chown postgres " + path + " failed");
  }
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<ScratchDir>> ScratchDir::Create(const std::string& parent,
                                                       const std::string& postgres_bin) {
  std::string tmpl = parent + "/omendb_bench_pgwire_XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) {
    return Status::IOError("cannot create a temporary directory under " + parent);
  }
  // The postgres user must reach the cluster below it.
  ::chmod(tmpl.c_str(), 0711);
  const std::string data = tmpl + "/pg/data";
  const std::string script =
      "cat >/dev/null; if [ -f " + Quote(data + "/postmaster.pid") + " ]; then " +
      AsPostgres(Quote(postgres_bin + "/pg_ctl") + " -D " + Quote(data) + " -m immediate -w stop") +
      "; fi >/dev/null 2>&1; rm -rf " + Quote(tmpl);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    ::rmdir(tmpl.c_str());
    return Status::IOError("pipe2 failed");
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    ::rmdir(tmpl.c_str());
    return Status::IOError("fork failed");
  }
  if (pid == 0) {
    // The watchdog: out of our session and deaf to terminal signals, so that Ctrl-C, which
    // ends the benchmark, does not end its cleanup too. Only async-signal-safe calls here.
    ::setsid();
    ::signal(SIGINT, SIG_IGN);
    ::signal(SIGTERM, SIG_IGN);
    ::signal(SIGHUP, SIG_IGN);
    ::dup2(fds[0], 0);  // the copy is not close-on-exec; both originals are
    ::execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[0]);
  return std::unique_ptr<ScratchDir>(new ScratchDir(tmpl, fds[1], pid));
}

ScratchDir::~ScratchDir() {
  ::close(pipe_fd_);
  int status = 0;
  while (::waitpid(watchdog_, &status, 0) < 0 && errno == EINTR) {
  }
}

Status PostgresServer::CheckBinaries(const std::string& bin) {
  for (const char* tool : {"initdb", "pg_ctl", "postgres"}) {
    const std::string path = bin + "/" + tool;
    if (::access(path.c_str(), X_OK) != 0) {
      return Status::NotFound(
          "PostgreSQL server binary " + path +
          " not found: install Debian's postgresql-15 (scripts/setup does), or point --pg-bin "
          "at the bin directory of another PostgreSQL 15 installation");
    }
  }
  return Status::OK();
}

Result<std::unique_ptr<PostgresServer>> PostgresServer::Start(
    const std::string& bin, const std::string& dir, const std::vector<std::string>& settings) {
  OMEN_RETURN_IF_ERROR(CheckBinaries(bin));
  if (::mkdir(dir.c_str(), 0700) != 0) return Status::IOError("mkdir " + dir + " failed");
  OMEN_RETURN_IF_ERROR(ChownToPostgres(dir));
  // --no-sync only skips initdb's own flush of the new cluster; the server runs with fsync on.
  OMEN_RETURN_IF_ERROR(Run(AsPostgres(Quote(bin + "/initdb") + " -D " + Quote(dir + "/data") +
                                      " -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync"))
                           .status()
                           .WithContext("initdb"));
  std::unique_ptr<PostgresServer> server(new PostgresServer(bin, dir));
  Status s;
  for (int attempt = 0; attempt < 3; ++attempt) {  // the free port may be taken meanwhile
    s = server->TryStart(settings);
    if (s.ok()) return server;
  }
  return s;
}

Status PostgresServer::TryStart(const std::vector<std::string>& settings) {
  port_ = FreeLoopbackPort();
  std::string opts = "-c listen_addresses=127.0.0.1 -c port=" + std::to_string(port_) +
                     " -c unix_socket_directories=" + dir_;
  for (const std::string& setting : settings) opts += " -c " + setting;
  const std::string log = dir_ + "/log";
  running_ = true;  // pg_ctl may leave a postmaster behind even when it reports failure
  auto started = Run(AsPostgres(Quote(bin_ + "/pg_ctl") + " -D " + Quote(dir_ + "/data") + " -o " +
                                Quote(opts) + " -l " + Quote(log) + " -w -t 60 start"));
  if (started.ok()) return Status::OK();
  (void)Run(AsPostgres(Quote(bin_ + "/pg_ctl") + " -D " + Quote(dir_ + "/data") +
                       " -m immediate -w stop"));
  running_ = false;
  return started.status().WithContext("pg_ctl start (server log: " + Tail(log) + ")");
}

Status PostgresServer::Stop() {
  if (!running_) return Status::OK();
  running_ = false;
  return Run(AsPostgres(Quote(bin_ + "/pg_ctl") + " -D " + Quote(dir_ + "/data") +
                        " -m fast -w stop"))
      .status()
      .WithContext("pg_ctl stop");
}

PostgresServer::~PostgresServer() {
  if (running_) {
    (void)Run(AsPostgres(Quote(bin_ + "/pg_ctl") + " -D " + Quote(dir_ + "/data") +
                         " -m immediate -w stop"));
  }
}

}  // namespace omen::bench
