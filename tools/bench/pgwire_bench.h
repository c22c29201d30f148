// Copyright 2026 The OmenDB Authors.
//
// `omendb-bench pgwire`: OmenDB's PostgreSQL wire protocol server next to PostgreSQL 15, both
// on loopback in the same run, measured by one libpq client connection each:
//
//   round trips  `SELECT 1` via PQexec (simple protocol), PQexecParams and PQexecPrepared
//                (extended protocol): median, p99 and mean latency
//   stream       `SELECT * FROM t` over `rows` rows read in single-row mode (PQsendQuery +
//                PQsetSingleRowMode, as a streaming client reads): rows/s, time to first row
//   copy         COPY t FROM STDIN of the same rows as CSV, sent with PQputCopyData in 1 MiB
//                chunks into a fresh table: rows/s
//
// t holds TSBS-style rows (time timestamptz, hostname text, usage_user, usage_system,
// usage_idle double precision); PostgreSQL's t is a plain table with the same columns. OmenDB
// runs in-process (storage::Database in a fresh directory, server::PgServer on port 0, trust
// authentication); PostgreSQL is initdb'd into a temporary directory and started with pg_ctl
// with fsync on (trust authentication too). Every measurement has a warm-up and is repeated,
// alternating the servers; the median is reported with the OmenDB/PostgreSQL ratio. Temporary
// directories and the PostgreSQL server are removed however the run ends (postgres_server.h).

#ifndef OMENDB_BENCH_PGWIRE_BENCH_H_
#define OMENDB_BENCH_PGWIRE_BENCH_H_

#include <cstdint>
#include <string>

#include "bench/postgres_server.h"

namespace omen::bench {

struct PgwireBenchOptions {
  int64_t rows = 10'000'000;  // streamed and copied
  int hosts = 4000;           // series: rows/hosts timestamps, 10 s apart
  int round_trips = 2000;     // timed `SELECT 1` per protocol, server and repeat
  int repeats = 3;            // timed runs of each measurement (median reported)
  int warmup = 1;             // untimed full reads before the timed streams
  bool sync = true;           // OmenDB fsyncs the WAL before acknowledging (PostgreSQL: always)
  std::string dir = "/tmp";   // parent of the temporary directory
  std::string postgres_bin = kDefaultPostgresBin;
  bool json = true;
};

int RunPgwireBench(const PgwireBenchOptions& o);

}  // namespace omen::bench

#endif  // OMENDB_BENCH_PGWIRE_BENCH_H_
