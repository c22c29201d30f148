// omendb-bench: OmenDB's benchmarks. Each subcommand prints one JSON object per line with
// --format json, naming what it measured and the baselines measured in the same run.

#include <malloc.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "bench/index_bench.h"
#include "bench/ingest_ilp_bench.h"
#include "bench/pgwire_bench.h"
#include "bench/query_bench.h"
#include "bench/storage_bench.h"

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

  omen::bench::IngestBenchOptions ingest;
  std::string writers = "1,2";
  std::string syncs = "always,off";
  CLI::App* ing = app.add_subcommand("ingest", "embedded ingest of TSBS cpu-only rows");
  ing->add_option("--rows", ingest.rows, "rows to insert")->capture_default_str();
  ing->add_option("--hosts", ingest.hosts, "hosts (series)")->capture_default_str();
  ing->add_option("--batch", ingest.batch_rows, "rows per insert")->capture_default_str();
  ing->add_option("--writers", writers, "writer threads, a comma list")->capture_default_str();
  ing->add_option("--sync", syncs, "always|off, a comma list")->capture_default_str();
  ing->add_option("--compression", ingest.compression, "none|lz4|zstd")->capture_default_str();
  ing->add_option("--dir", ingest.dir, "data directory (default: under /tmp)");
  ing->add_option("--format", format, "json|table")
      ->check(CLI::IsMember({"json", "table"}))
      ->capture_default_str();

  omen::bench::IngestIlpBenchOptions ilp;
  std::string ilp_cases = "tcp,tcp-late,http";
  std::string ilp_sync = "always";
  CLI::App* ilpc = app.add_subcommand(
      "ingest-ilp", "line protocol server and load generator in one process (TCP and HTTP)");
  ilpc->add_option("--rows", ilp.rows, "rows per run")->capture_default_str();
  ilpc->add_option("--hosts", ilp.hosts, "hosts (series)")->capture_default_str();
  ilpc->add_option("--workers", ilp.workers, "generator connections")->capture_default_str();
  ilpc->add_option("--batch", ilp.batch, "lines per send / HTTP request")->capture_default_str();
  ilpc->add_option("--late", ilp.late, "fraction of late rows in tcp-late")->capture_default_str();
  ilpc->add_option("--repeats", ilp.repeats, "runs per case (median reported)")
      ->capture_default_str();
  ilpc->add_option("--cases", ilp_cases, "tcp,tcp-late,http (comma list)")->capture_default_str();
  ilpc->add_option("--sync", ilp_sync, "always|off")
      ->check(CLI::IsMember({"always", "off"}))
      ->capture_default_str();
  ilpc->add_option("--dir", ilp.dir, "data directory (default: under /tmp)");
  ilpc->add_option("--format", format, "json|table")
      ->check(CLI::IsMember({"json", "table"}))
      ->capture_default_str();

  omen::bench::PgwireBenchOptions pgw;
  std::string pgw_sync = "always";
  CLI::App* pgwc = app.add_subcommand(
      "pgwire", "PostgreSQL wire protocol: OmenDB vs PostgreSQL 15 on loopback (libpq client)");
  pgwc->add_option("--rows", pgw.rows, "rows streamed and copied")->capture_default_str();
  pgwc->add_option("--hosts", pgw.hosts, "hosts (series)")->capture_default_str();
  pgwc->add_option("--round-trips", pgw.round_trips, "timed SELECT 1 per protocol and repeat")
      ->capture_default_str();
  pgwc->add_option("--repeats", pgw.repeats, "timed runs of each measurement (median reported)")
      ->capture_default_str();
  pgwc->add_option("--warmup", pgw.warmup, "untimed full reads before the timed streams")
      ->capture_default_str();
  pgwc->add_option("--sync", pgw_sync, "OmenDB WAL sync: always|off (PostgreSQL: fsync on)")
      ->check(CLI::IsMember({"always", "off"}))
      ->capture_default_str();
  pgwc->add_option("--dir", pgw.dir, "parent of the temporary directory")->capture_default_str();
  pgwc->add_option("--pg-bin", pgw.postgres_bin, "PostgreSQL 15 bin directory (initdb, pg_ctl)")
      ->capture_default_str();
  pgwc->add_option("--format", format, "json|table")
      ->check(CLI::IsMember({"json", "table"}))
      ->capture_default_str();

  omen::bench::ScanBenchOptions scanopt;
  std::string compressions = "none,lz4,zstd";
  CLI::App* scn = app.add_subcommand("scan", "sum of one metric over TSBS cpu-only segments");
  scn->add_option("--rows", scanopt.rows, "rows to load and scan")->capture_default_str();
  scn->add_option("--hosts", scanopt.hosts, "hosts (series)")->capture_default_str();
  scn->add_option("--compression", compressions, "none,lz4,zstd (comma list)")
      ->capture_default_str();
  scn->add_option("--threads", scanopt.threads, "scan threads (0: all cores)")
      ->capture_default_str();
  scn->add_option("--reps", scanopt.reps, "timed scans (median reported)")->capture_default_str();
  scn->add_option("--dir", scanopt.dir, "data directory (default: under /tmp)");
  scn->add_flag("--keep", scanopt.keep, "keep the data directory");
  scn->add_option("--format", format, "json|table")
      ->check(CLI::IsMember({"json", "table"}))
      ->capture_default_str();

  omen::bench::LayoutBenchOptions layout;
  CLI::App* lay =
      app.add_subcommand("layout", "sort key (hostname, time) vs time-ordered segments");
  lay->add_option("--rows", layout.rows, "rows to load")->capture_default_str();
  lay->add_option("--hosts", layout.hosts, "hosts (series)")->capture_default_str();
  lay->add_option("--queries", layout.queries, "queries per kind")->capture_default_str();
  lay->add_option("--dir", layout.dir, "data directory (default: under /tmp)");
  lay->add_option("--format", format, "json|table")
      ->check(CLI::IsMember({"json", "table"}))
      ->capture_default_str();

  omen::bench::QueryBenchOptions query;
  std::string query_names = "all";
  CLI::App* qry = app.add_subcommand("query", "TSBS cpu-only queries through the SQL engine");
  qry->add_option("--rows", query.rows, "rows to load")->capture_default_str();
  qry->add_option("--hosts", query.hosts, "hosts (series); time span = rows/hosts * 10 s")
      ->capture_default_str();
  qry->add_option("--data", query.data,
                  "data directory, kept and reused by later runs with the same --rows/--hosts "
                  "(default: under /tmp, removed at the end)");
  qry->add_flag("--keep", query.keep, "keep the default data directory");
  qry->add_option("--queries", query_names, "query names, a comma list, or all")
      ->capture_default_str();
  qry->add_option("--reps", query.reps, "timed runs per query after one warm-up (median, min)")
      ->capture_default_str();
  qry->add_option("--seed", query.seed, "seed of the query parameters")->capture_default_str();
  qry->add_option("--export-csv", query.export_csv, "write the loaded rows to this CSV file");
  qry->add_option("--export-queries", query.export_queries,
                  "write the queries run, [{name, sql}], to this JSON file");
  qry->add_option("--format", format, "json|table")
      ->check(CLI::IsMember({"json", "table"}))
      ->capture_default_str();
  qry->add_option("--results", query.results,
                  "columnar: time the query up to its typed result columns (what the wire server "
                  "encodes from); text: also render every value as text rows")
      ->check(CLI::IsMember({"columnar", "text"}))
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
  if (ing->parsed()) {
    ingest.writers.clear();
    for (const std::string& w : split(writers)) ingest.writers.push_back(std::atoi(w.c_str()));
    ingest.syncs = split(syncs);
    ingest.json = format == "json";
    return omen::bench::RunIngestBench(ingest);
  }
  if (ilpc->parsed()) {
    ilp.cases = split(ilp_cases);
    ilp.sync = ilp_sync == "always";
    ilp.json = format == "json";
    return omen::bench::RunIngestIlpBench(ilp);
  }
  if (pgwc->parsed()) {
    pgw.sync = pgw_sync == "always";
    pgw.json = format == "json";
    return omen::bench::RunPgwireBench(pgw);
  }
  if (scn->parsed()) {
    scanopt.compressions = split(compressions);
    scanopt.json = format == "json";
    return omen::bench::RunScanBench(scanopt);
  }
  if (lay->parsed()) {
    layout.json = format == "json";
    return omen::bench::RunLayoutBench(layout);
  }
  if (qry->parsed()) {
    query.queries = split(query_names);
    query.json = format == "json";
    return omen::bench::RunQueryBench(query);
  }
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
  // Keep freed large blocks in the heap instead of returning them to the kernel: buffers of
  // flushes and scans are reallocated constantly and fresh pages cost a kernel zeroing each.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's maximum
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  try {
    return Main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "omendb-bench: %s\n", e.what());
    return 1;
  }
}
