// Copyright 2026 The OmenDB Authors.

#include "oracle/pg_oracle.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>

namespace omen::test {
namespace {

constexpr char kBin[] = "/usr/lib/postgresql/15/bin";
constexpr char kFieldSep = '\x1f';
constexpr char kRecordSep = '\x1e';
constexpr char kNull[] = "\x1d<NULL>\x1d";

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

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

}  // namespace

PgOracle::~PgOracle() {
  if (started_) {
    (void)Run(AsPostgres(std::string(kBin) + "/pg_ctl -D " + dir_ + "/data -m immediate stop"));
  }
  if (!dir_.empty()) (void)Run("rm -rf " + dir_);
}

std::string PgOracle::AsPostgres(const std::string& command) const {
  return as_root_ ? "runuser -u postgres -- " + command : command;
}

Result<std::string> PgOracle::Run(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen((command + " 2>&1").c_str(), "r"), pclose);
  if (pipe == nullptr) return Status::IOError("popen failed");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe.get())) > 0) out.append(buf, n);
  int rc = pclose(pipe.release());
  if (rc != 0) return Status::IOError(out);
  return out;
}

Status PgOracle::Start() {
  if (::access((std::string(kBin) + "/postgres").c_str(), X_OK) != 0) {
    return Status::NotFound("postgresql-15 is not installed (scripts/setup installs it)");
  }
  as_root_ = ::geteuid() == 0;
  char tmpl[] = "/tmp/omen_pg_XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return Status::IOError("mkdtemp failed");
  dir_ = tmpl;
  if (as_root_) OMEN_RETURN_IF_ERROR(Run("chown postgres " + dir_).status());
  port_ = FreePort();
  OMEN_RETURN_IF_ERROR(Run(AsPostgres(std::string(kBin) + "/initdb -D " + dir_ +
                                      "/data -U postgres -A trust -E UTF8 --locale=C.UTF-8 "
                                      "--no-sync"))
                           .status()
                           .WithContext("initdb"));
  std::string opts = "-c listen_addresses=127.0.0.1 -c port=" + std::to_string(port_) +
                     " -c unix_socket_directories=" + dir_ + " -c fsync=off -c TimeZone=UTC";
  OMEN_RETURN_IF_ERROR(Run(AsPostgres(std::string(kBin) + "/pg_ctl -D " + dir_ + "/data -o " +
                                      Quote(opts) + " -l " + dir_ + "/log -w start"))
                           .status()
                           .WithContext("pg_ctl start"));
  started_ = true;
  return Status::OK();
}

Result<TextRows> PgOracle::Query(const std::string& sql, std::string* sqlstate) {
  // psql prints rows unaligned with our separators; VERBOSITY verbose puts the SQLSTATE in
  // error messages ("ERROR:  42601: ...").
  std::string path = dir_ + "/query.sql";
  {
    std::ofstream f(path);
    f << "\\set VERBOSITY verbose\n" << sql << "\n";
  }
  std::string cmd = std::string(kBin) + "/psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p " +
                    std::to_string(port_) + " -U postgres -d postgres -A -t -F " +
                    Quote(std::string(1, kFieldSep)) + " -R " + Quote(std::string(1, kRecordSep)) +
                    " -P null=" + Quote(kNull) + " -f " + path;
  auto out = Run(cmd);
  if (!out.ok()) {
    std::string msg(out.status().message());
    size_t at = msg.find("ERROR:  ");
    if (sqlstate != nullptr) {
      *sqlstate =
          at != std::string::npos && msg.size() >= at + 13 ? msg.substr(at + 8, 5) : "?????";
    }
    return Status::InvalidArgument(msg);
  }
  if (sqlstate != nullptr) *sqlstate = "00000";
  TextRows rows;
  std::string text = *out;
  if (!text.empty() && text.back() == '\n') text.pop_back();
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(kRecordSep, start);
    if (end == std::string::npos) end = text.size();
    std::string rec = text.substr(start, end - start);
    std::vector<std::optional<std::string>> row;
    size_t f = 0;
    while (true) {
      size_t sep = rec.find(kFieldSep, f);
      std::string field = rec.substr(f, sep == std::string::npos ? std::string::npos : sep - f);
      if (field == kNull) {
        row.push_back(std::nullopt);
      } else {
        row.push_back(field);
      }
      if (sep == std::string::npos) break;
      f = sep + 1;
    }
    rows.push_back(std::move(row));
    start = end + 1;
  }
  return rows;
}

}  // namespace omen::test
