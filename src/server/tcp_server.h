// Copyright 2026 The OmenDB Authors.
//
// TcpServer: accepts connections on a TCP port and serves each on its own thread with blocking
// reads and writes, so one slow or long-running client never stalls the others. The PG wire
// protocol and the line protocol listeners are both TcpServers. Stop() closes the listener,
// shuts every connection down and joins their threads. Thread-safe.

#ifndef OMENDB_SERVER_TCP_SERVER_H_
#define OMENDB_SERVER_TCP_SERVER_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "omendb/status.h"
#include "server/metrics.h"

namespace omen::server {

// One accepted connection, as its serving thread sees it.
class TcpConnection {
 public:
  virtual ~TcpConnection() = default;
  // Reads what is available (at least one byte, blocking); 0 at end of stream or on error.
  virtual size_t Read(char* buf, size_t n) = 0;
  // Waits up to timeout_ms for bytes to read (or end of stream): false on timeout.
  virtual bool WaitReadable(int timeout_ms) = 0;
  // Writes all of data; false on error.
  virtual bool Write(std::string_view data) = 0;
  // True once Stop() began: the handler should return.
  virtual bool stopping() const = 0;
  // Runs the server side of a TLS handshake (ssl_ctx: an OpenSSL SSL_CTX*); afterwards Read,
  // Write and WaitReadable carry TLS records. False (with a reason) when the handshake fails.
  virtual bool StartTls(void* ssl_ctx, std::string* error) = 0;
};

struct TcpServerOptions {
  std::string name = "tcp";  // for logs and metrics ("pgwire", "ilp")
  std::string listen = "127.0.0.1";
  int port = 0;  // 0: any free port
  int max_connections = 256;
  // Serves one connection until it returns (the connection is then closed).
  std::function<void(TcpConnection*)> serve;
  // Optional: what to write to a connection refused for max_connections before closing it.
  std::function<std::string()> refusal;
  Metrics* metrics = nullptr;
};

class TcpServer {
 public:
  // Binds and starts accepting. IOError when the address cannot be bound.
  static Result<std::unique_ptr<TcpServer>> Start(TcpServerOptions options);
  ~TcpServer();  // Stop()
  TcpServer(const TcpServer&) = delete;
  TcpServer& operator=(const TcpServer&) = delete;

  int port() const;
  int open_connections() const;
  void Stop();

 private:
  struct Impl;
  explicit TcpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace omen::server

#endif  // OMENDB_SERVER_TCP_SERVER_H_
