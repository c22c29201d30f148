// Copyright 2026 The OmenDB Authors.
//
// Metrics: the server's counters, rendered in the Prometheus text exposition format (version
// 0.0.4) for GET /metrics: connections (open, total, by protocol), statements by kind with
// latency histograms, errors by SQLSTATE class, rows ingested per table and protocol, and, read
// from the database at render time, WAL bytes and fdatasync time, segments and bytes on disk per
// table, buffered rows, and the process's resident memory.
//
// Thread-safety: every method may be called from any thread.

#ifndef OMENDB_SERVER_METRICS_H_
#define OMENDB_SERVER_METRICS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "sql/ast.h"
#include "storage/database.h"

namespace omen::server {

// The kind a statement is counted by ("select", "insert", "copy", "delete", "ddl", "set",
// "explain", "transaction", "other").
const char* StatementKind(const sql::Statement& st);

class Metrics {
 public:
  // Latency histogram bucket bounds, seconds.
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1,    5};

  void ConnectionOpened(std::string_view protocol);  // "pgwire", "ilp", "http"
  void ConnectionClosed(std::string_view protocol);
  // One statement of `kind` ("select", "insert", "copy", "ddl", "delete", "set", "other").
  void ObserveStatement(std::string_view kind, double seconds);
  // An error sent to a client: counted by SQLSTATE class (the first two characters).
  void CountError(std::string_view sqlstate);
  void AddRowsIngested(std::string_view table, std::string_view protocol, int64_t rows);
  // ILP lines rejected (parse errors and schema conflicts), by protocol.
  void AddLinesRejected(std::string_view protocol, int64_t lines);

  // The exposition text; db may be null (no storage metrics).
  std::string Render(const storage::Database* db) const;

 private:
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> counts{};  // non-cumulative, per bucket
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::string, int64_t> open_;                               // by protocol
  std::map<std::string, uint64_t> total_;                             // by protocol
  std::map<std::string, Histogram> statements_;                       // by kind
  std::map<std::string, uint64_t> errors_;                            // by SQLSTATE class
  std::map<std::pair<std::string, std::string>, uint64_t> ingested_;  // (table, protocol)
  std::map<std::string, uint64_t> rejected_;                          // by protocol
};

}  // namespace omen::server

#endif  // OMENDB_SERVER_METRICS_H_
