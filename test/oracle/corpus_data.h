// Copyright 2026 The OmenDB Authors.
//
// The tables the hand-written corpus (test/sql/corpus) queries, generated from a fixed seed so
// that both engines and every run see the same rows:
//   metrics(time, host, region, usage, reqs, temp, code, ok, day): ~3000 rows over 3 days, 10
//     hosts in 3 regions, ~5% NULLs in every nullable column, timestamps shared between hosts
//     (some with fractional seconds) but unique per host, inserted in shuffled batches;
//   cpu(time, hostname, usage_user, usage_system, usage_idle): TSBS-like, 5 hosts every 10 s for
//     6 hours from 2024-01-01 00:00:00+00, no NULLs, unique (hostname, time);
//   events(ts timestamp, name varchar(20), val integer): 240 rows over 2 days, mixed-case names.
// OmenDB's CREATE TABLE carries WITH options (partition_by, sort_key, small flush_rows so that
// segments and write buffers both hold rows); PostgreSQL's has none.

#ifndef OMENDB_TEST_ORACLE_CORPUS_DATA_H_
#define OMENDB_TEST_ORACLE_CORPUS_DATA_H_

#include <string>
#include <vector>

namespace omen::test {

struct LoadScript {
  std::vector<std::string> omen;  // CREATE TABLE ... WITH (...), then INSERTs
  std::vector<std::string> pg;    // the same without WITH
};

LoadScript CorpusTables();

}  // namespace omen::test

#endif  // OMENDB_TEST_ORACLE_CORPUS_DATA_H_
