// Copyright 2026 The OmenDB Authors.
//
// PgServer: accepts PostgreSQL protocol connections on a TCP port and serves each with a
// PgSession on its own thread (blocking reads and writes), so a long query never stalls other
// clients. Stop() closes the listener and every connection and joins their threads.
// Thread-safe.

#ifndef OMENDB_SERVER_PG_SERVER_H_
#define OMENDB_SERVER_PG_SERVER_H_

#include <memory>
#include <string>

#include "omendb/status.h"
#include "server/pg_session.h"
#include "server/tcp_server.h"

namespace omen::server {

struct PgServerOptions {
  std::string listen = "127.0.0.1";
  int port = 5433;  // 0: any free port (tests)
  int max_connections = 256;
  // PEM certificate (chain) and private key: SSLRequest gets 'S' and TLS (1.2 or later);
  // empty: 'N' and the connection goes on in the clear.
  std::string tls_cert, tls_key;
  SessionConfig session;  // session.cancels (and tls_available) are filled in by the server
};

class PgServer {
 public:
  // Binds and starts accepting. IOError when the address cannot be bound.
  static Result<std::unique_ptr<PgServer>> Start(PgServerOptions options);
  ~PgServer();  // Stop()
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;

  int port() const;
  int open_connections() const;
  void Stop();

 private:
  struct Impl;
  explicit PgServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace omen::server

#endif  // OMENDB_SERVER_PG_SERVER_H_
