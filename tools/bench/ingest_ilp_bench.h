// Copyright 2026 The OmenDB Authors.
//
// `omendb-bench ingest-ilp`: the line protocol server and the load generator in one process
// (they share the machine's cores, as the target assumes). For each case (TCP in time
// order, TCP with a fraction of late rows, HTTP with durable acknowledgement) a fresh data
// directory gets `rows` TSBS cpu-only rows; rows/s is measured from the first byte sent until
// every row is visible to a count (TCP commits are asynchronous), each case repeated and the
// median reported, with the process's peak resident memory.

#ifndef OMENDB_BENCH_INGEST_ILP_BENCH_H_
#define OMENDB_BENCH_INGEST_ILP_BENCH_H_

#include <cstdint>
#include <string>
#include <vector>

namespace omen::bench {

struct IngestIlpBenchOptions {
  int64_t rows = 10'000'000;
  int hosts = 4000;
  int workers = 1;    // generator threads (connections)
  int batch = 5000;   // lines per send / per HTTP request
  double late = 0.1;  // fraction of late rows in the out-of-order case
  int repeats = 3;
  std::vector<std::string> cases = {"tcp", "tcp-late", "http"};
  bool sync = true;  // fsync the WAL (HTTP acknowledges only durable rows)
  std::string dir;   // default: under /tmp
  bool json = true;
};

int RunIngestIlpBench(const IngestIlpBenchOptions& o);

}  // namespace omen::bench

#endif  // OMENDB_BENCH_INGEST_ILP_BENCH_H_
