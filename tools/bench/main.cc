// omendb-bench: OmenDB's benchmarks. Each subcommand prints one JSON object per line with
// --format json, naming what it measured and the baselines measured in the same run.

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "bench/index_bench.h"

namespace {

int Main(int argc, char** argv) {
  CLI::App app{"omendb-bench: OmenDB benchmarks"};
  app.require_subcommand(1);

  omen::bench::IndexBenchOptions index;
  std::string dataset = "all";
  std::string eps = "all";
  std::string structures = "all";
  std::string huge = "both";
  std::string format = "json";
  CLI::App* idx = app.add_subcommand("index", "learned index vs classic structures");
  idx->add_option("--keys", index.keys, "number of keys")->capture_default_str();
  idx->add_option("--dataset", dataset,
                  "ts_regular|ts_bursty|uniform|lognormal|all, or a comma list")
      ->capture_default_str();
  idx->add_option("--eps", eps, "epsilon of omen: 4|8|16|32|64|128|256|all, or a comma list")
      ->capture_default_str();
  idx->add_option("--structures", structures,
                  "omen,binary_search,static_btree,sparse_8192,absl_btree,std_map or all")
      ->capture_default_str();
  idx->add_option("--queries", index.queries, "lookups per measurement")->capture_default_str();
  idx->add_option("--reps", index.reps, "measurements per figure (median reported)")
      ->capture_default_str();
  idx->add_option("--huge-pages", huge, "key array in 2 MiB pages: on|off|both")
      ->check(CLI::IsMember({"on", "off", "both"}))
      ->capture_default_str();
  idx->add_option("--seed", index.seed, "dataset and query seed")->capture_default_str();
  std::string map_inserts = "on";
  idx->add_option("--map-inserts", map_inserts, "measure absl_btree/std_map random inserts")
      ->check(CLI::IsMember({"on", "off"}))
      ->capture_default_str();
  idx->add_option("--format", format, "json|table")
      ->check(CLI::IsMember({"json", "table"}))
      ->capture_default_str();

  CLI11_PARSE(app, argc, argv);

  auto split = [](const std::string& s) {
    std::vector<std::string> out;
    if (s == "all") {
      return out;
    }
    size_t start = 0;
    while (start <= s.size()) {
      const size_t comma = std::min(s.find(',', start), s.size());
      out.push_back(s.substr(start, comma - start));
      start = comma + 1;
    }
    return out;
  };
  if (idx->parsed()) {
    index.datasets = split(dataset);
    index.structures = split(structures);
    for (const std::string& e : split(eps)) {
      size_t used = 0;
      size_t value = 0;
      try {
        value = std::stoul(e, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used == 0 || used != e.size()) {
        std::fprintf(stderr, "omendb-bench: --eps: '%s' is not a number\n", e.c_str());
        return 2;
      }
      index.epsilons.push_back(value);
    }
    index.huge_pages =
        huge == "both" ? std::vector<bool>{false, true} : std::vector<bool>{huge == "on"};
    index.json = format == "json";
    index.map_inserts = map_inserts == "on";
    return omen::bench::RunIndexBench(index);
  }
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "omendb-bench: %s\n", e.what());
    return 1;
  }
}
