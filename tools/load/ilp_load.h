// Copyright 2026 The OmenDB Authors.
//
// The line protocol load generator behind `omendb-load ilp` and `omendb-bench ingest-ilp`:
// TSBS cpu-only rows (10 tags, 10 integer fields, one row per host every 10 s) sent by W worker
// threads over TCP (the ILP port) or HTTP (/api/v2/write, one request per batch). Lines are
// assembled from pre-built pieces (each host's tag prefix, a pool of field sets) plus the
// timestamp, so the generator costs little CPU next to the server. A fraction of rows can be
// sent late (hours to days back) to measure out-of-order ingestion.

#ifndef OMENDB_TOOLS_LOAD_ILP_LOAD_H_
#define OMENDB_TOOLS_LOAD_ILP_LOAD_H_

#include <cstdint>
#include <string>

#include "omendb/status.h"

namespace omen::load {

struct IlpLoadOptions {
  std::string host = "127.0.0.1";
  int port = 9009;  // ILP port (TCP) or HTTP port (http)
  bool http = false;
  std::string password;  // HTTP: sent as "Authorization: Token <password>" when set
  std::string measurement = "cpu";
  int hosts = 4000;
  int64_t rows = 1000000;
  int workers = 2;
  int batch = 5000;         // lines per batch: the unit of work of a worker (TCP: sent in 64 KiB
                            // pieces) and one request (HTTP)
  double out_of_order = 0;  // fraction of rows sent late: 1 h to 3 days back
  int64_t start_us = 1704067200LL * 1000000;  // 2024-01-01T00:00:00Z
  uint64_t seed = 1;
};

struct IlpLoadResult {
  int64_t rows_sent = 0;
  int64_t bytes_sent = 0;
  double seconds = 0;       // first byte to last send (TCP) or last 204 (HTTP)
  int64_t http_errors = 0;  // non-204 responses
  double rows_per_second() const { return seconds > 0 ? rows_sent / seconds : 0; }
};

// Generates and sends the rows. IOError when a connection fails.
Result<IlpLoadResult> RunIlpLoad(const IlpLoadOptions& o);

// The TSBS line for row r (host r % hosts at start + (r / hosts) * 10 s), for tests.
std::string TsbsLine(const IlpLoadOptions& o, int64_t r);

}  // namespace omen::load

#endif  // OMENDB_TOOLS_LOAD_ILP_LOAD_H_
