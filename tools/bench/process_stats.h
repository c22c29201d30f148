// Copyright 2026 The OmenDB Authors.
//
// What the benchmarks report about their own process.

#ifndef OMENDB_BENCH_PROCESS_STATS_H_
#define OMENDB_BENCH_PROCESS_STATS_H_

#include <cstdint>
#include <fstream>
#include <string>

namespace omen::bench {

// The process's peak resident memory (VmHWM), bytes; 0 when /proc is not there.
inline int64_t PeakRss() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6)) * 1024;
  }
  return 0;
}

}  // namespace omen::bench

#endif  // OMENDB_BENCH_PROCESS_STATS_H_
