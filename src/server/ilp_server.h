// Copyright 2026 The OmenDB Authors.
//
// IlpServer: the InfluxDB line protocol over TCP (the ILP port, 9009 by default). Each
// connection is a stream of lines, cut anywhere across reads; complete lines are parsed and
// collected by an IlpWriter (schema on write), and committed to storage every commit_rows rows
// or commit_ms milliseconds after the first uncommitted row, and when the client disconnects.
// There is no reply channel: bad lines are counted in the metrics and logged (the first few per
// connection). A line longer than max_line_bytes closes the connection (after committing the
// lines before it). While storage pushes back (too many buffered rows) the connection's thread
// waits in the insert and stops reading, so TCP slows the sender down instead of the server
// buffering without bound. Thread-safe.

#ifndef OMENDB_SERVER_ILP_SERVER_H_
#define OMENDB_SERVER_ILP_SERVER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "omendb/status.h"
#include "server/metrics.h"
#include "server/tcp_server.h"
#include "storage/database.h"

namespace omen::server {

struct IlpServerOptions {
  std::string listen = "127.0.0.1";
  int port = 9009;  // 0: any free port (tests)
  int max_connections = 256;
  storage::Database* db = nullptr;
  Metrics* metrics = nullptr;
  int64_t commit_rows = 100000;
  int commit_ms = 1000;
  size_t max_line_bytes = size_t{1} << 20;
  // Nice value of each connection's threads (parse and commit; 0: left as it is). Raising it
  // needs no privilege and lets the flush thread, which writers wait on under back-pressure,
  // have the CPU first: 100M TSBS rows on 2 cores, 1.03M -> 1.20-1.25M rows/s (docs/storage.md).
  int connection_nice = 10;
};

class IlpServer {
 public:
  static Result<std::unique_ptr<IlpServer>> Start(IlpServerOptions options);
  ~IlpServer();  // Stop(): every connection commits what it has, then closes
  IlpServer(const IlpServer&) = delete;
  IlpServer& operator=(const IlpServer&) = delete;

  int port() const { return tcp_->port(); }
  int open_connections() const { return tcp_->open_connections(); }
  void Stop();

 private:
  IlpServer() = default;
  IlpServerOptions options_;
  std::unique_ptr<TcpServer> tcp_;
};

}  // namespace omen::server

#endif  // OMENDB_SERVER_ILP_SERVER_H_
