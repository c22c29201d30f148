// Copyright 2026 The OmenDB Authors.
//
// HttpServer: the HTTP port (cpp-httplib, a thread pool of its own).
//
//   GET  /health                 200 {"status":"ok",...}
//   GET  /metrics                Prometheus text format (Metrics::Render)
//   GET|POST /query?q=SQL&format=json|csv|arrow
//                                statements run in order, the last one's result returned: JSON
//                                {"columns":[{"name","type"}],"rows":[[...]],"command"}, CSV with
//                                a header line, or an Arrow IPC stream (SELECT only). POST may
//                                carry the SQL as the body or as the form field q. Errors: 400
//                                (500 for internal ones) {"error":..., "sqlstate":...}.
//   POST /write?db=&precision=   InfluxDB v1 line protocol write
//   POST /api/v2/write?bucket=&org=&precision=      InfluxDB v2
//   POST /api/v3/write_lp?db=&precision=            InfluxDB v3
//                                204 once every line is durable in the WAL; 400 with a JSON body
//                                naming the first bad line (the good lines are kept: partial
//                                writes, the response says how many); 413 past max_body_bytes;
//                                gzip bodies (Content-Encoding: gzip).
//   GET  /ping, /api/v2/ping     204 (InfluxDB clients' liveness probe)
//
// Authentication, unless the PG port's method is trust: HTTP Basic (user:password), or
// `Authorization: Token X` / `Bearer X` where X is the password (or user:password), or InfluxDB
// v1's u and p parameters; 401 otherwise. /health and /ping need none.
// Thread-safe.

#ifndef OMENDB_SERVER_HTTP_SERVER_H_
#define OMENDB_SERVER_HTTP_SERVER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "omendb/status.h"
#include "server/metrics.h"
#include "server/pg_session.h"
#include "sql/query.h"
#include "storage/database.h"

namespace omen::server {

struct HttpServerOptions {
  std::string listen = "127.0.0.1";
  int port = 8080;  // 0: any free port (tests)
  storage::Database* db = nullptr;
  AuthConfig auth;          // user and password (method kTrust: no authentication)
  sql::QueryOptions query;  // threads and memory bound per query
  Metrics* metrics = nullptr;
  size_t max_body_bytes = size_t{64} << 20;
  std::string version = "15.0 (OmenDB)";
};

class HttpServer {
 public:
  // Binds and starts serving. IOError when the address cannot be bound.
  static Result<std::unique_ptr<HttpServer>> Start(HttpServerOptions options);
  ~HttpServer();  // Stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const;
  void Stop();

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace omen::server

#endif  // OMENDB_SERVER_HTTP_SERVER_H_
