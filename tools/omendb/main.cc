// Copyright 2026 The OmenDB Authors.
//
// `omendb`: the OmenDB binary.
// - `omendb sql --data DIR "SQL"`: the embedded one-shot entry point (no server): runs the
//   statements, prints each result as an aligned table (psql style), CSV or JSON, and exits
//   non-zero with PostgreSQL-style "ERROR:" lines on failure. --threads and --query-memory
//   bound each query; Ctrl-C cancels the running one.
// - `omendb serve`: the PostgreSQL wire protocol server on --pg-port (see DESIGN.md), until
//   SIGTERM/SIGINT, then a clean shutdown (connections closed, buffers flushed, checkpoint).

#include <malloc.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cctype>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "common/logging.h"
#include "common/strings.h"
#include "server/http_server.h"
#include "server/ilp_server.h"
#include "server/metrics.h"
#include "server/pg_server.h"
#include "sql/engine.h"
#include "storage/database.h"

namespace {

using omen::sql::QueryResult;

std::string CsvField(const std::optional<std::string>& v) {
  if (!v) return "";
  if (v->find_first_of(",\"\n\r") == std::string::npos && !v->empty()) return *v;
  std::string out = "\"";
  for (char ch : *v) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

void PrintTable(const QueryResult& r) {
  std::vector<size_t> width;
  for (const auto& name : r.column_names) width.push_back(name.size());
  for (const auto& row : r.rows) {
    for (size_t c = 0; c < row.size(); ++c)
      width[c] = std::max(width[c], row[c] ? row[c]->size() : 0);
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t c = 0; c < cells.size(); ++c) {
      out += c == 0 ? " " : " | ";
      out += cells[c];
      if (c + 1 < cells.size()) out += std::string(width[c] - cells[c].size(), ' ');
    }
    std::printf("%s\n", out.c_str());
  };
  line(r.column_names);
  std::string sep;
  for (size_t c = 0; c < width.size(); ++c) sep += (c ? "+" : "") + std::string(width[c] + 2, '-');
  std::printf("%s\n", sep.c_str());
  for (const auto& row : r.rows) {
    std::vector<std::string> cells;
    for (const auto& v : row) cells.push_back(v ? *v : "");
    line(cells);
  }
  std::printf("(%zu row%s)\n\n", r.rows.size(), r.rows.size() == 1 ? "" : "s");
}

void Print(const QueryResult& r, const std::string& format) {
  if (r.column_names.empty()) {
    if (format == "json") {
      std::printf("%s\n", nlohmann::json({{"command", r.command_tag}}).dump().c_str());
    } else if (format == "table") {
      std::printf("%s\n", r.command_tag.c_str());
    }
    return;
  }
  if (format == "csv") {
    std::string header;
    for (size_t c = 0; c < r.column_names.size(); ++c) {
      header += (c ? "," : "") + CsvField(r.column_names[c]);
    }
    std::printf("%s\n", header.c_str());
    for (const auto& row : r.rows) {
      std::string out;
      for (size_t c = 0; c < row.size(); ++c) out += (c ? "," : "") + CsvField(row[c]);
      std::printf("%s\n", out.c_str());
    }
  } else if (format == "json") {
    for (const auto& row : r.rows) {
      nlohmann::json j = nlohmann::json::object();
      for (size_t c = 0; c < row.size(); ++c) {
        j[r.column_names[c]] = row[c] ? nlohmann::json(*row[c]) : nlohmann::json(nullptr);
      }
      std::printf("%s\n", j.dump().c_str());
    }
  } else {
    PrintTable(r);
  }
}

// Set by SIGINT/SIGTERM: cancels the running query (57014) instead of killing the process, so
// the database still closes cleanly.
std::atomic<bool> g_cancel{false};
static_assert(std::atomic<bool>::is_always_lock_free);
extern "C" void OnInterrupt(int) { g_cancel.store(true); }

// Prints an error the way psql does and returns the exit code 1.
int Fail(const omen::Status& s) {
  std::fprintf(stderr, "ERROR:  %s\n", std::string(s.message()).c_str());
  return 1;
}

int Sql(const std::string& data, const std::string& sql, const std::string& format, bool sync,
        omen::sql::QueryOptions query_options) {
  omen::storage::StorageOptions options;
  options.sync = sync;
  auto db = omen::storage::Database::Open(data, options);
  if (!db.ok()) return Fail(db.status());
  query_options.cancel = &g_cancel;
  std::signal(SIGINT, OnInterrupt);
  std::signal(SIGTERM, OnInterrupt);
  omen::sql::SqlEngine engine(db->get(), query_options);
  engine.set_password_encoder(omen::server::EncodePassword);
  auto results = engine.Execute(sql);
  int rc = 0;
  if (!results.ok()) {
    const omen::Status& s = results.status();
    std::fprintf(stderr, "ERROR:  %s (SQLSTATE %s)\n", std::string(s.message()).c_str(),
                 s.SqlState());
    if (s.position() > 0) std::fprintf(stderr, "POSITION:  %d\n", s.position());
    rc = 1;
  } else {
    for (const auto& r : *results) Print(r, format);
  }
  omen::Status closed = (*db)->Close();
  if (!closed.ok()) rc = Fail(closed);
  return rc;
}

struct ServeFlags {
  std::string listen = "127.0.0.1";
  int pg_port = 5433, http_port = 8080, ilp_port = 9009;
  std::string user = "omendb", password, auth = "scram-sha-256";
  int max_connections = 256;
  int64_t ilp_commit_rows = 100000;
  int ilp_commit_ms = 1000;
  int ilp_nice = 10, flush_nice = 0;
  std::string http_max_body = "64MB";
  std::string tls_cert, tls_key;
};

constexpr char kDefaultPassword[] = "omendb";

bool IsLoopback(const std::string& address) {
  return address == "127.0.0.1" || address == "::1" || address == "localhost" ||
         address.rfind("127.", 0) == 0;
}

int Serve(const std::string& data, bool sync, const ServeFlags& f,
          omen::sql::QueryOptions query_options) {
  using omen::LogLevel;
  std::string password = f.password;
  if (password.empty()) {
    if (const char* env = std::getenv("OMENDB_PASSWORD"); env != nullptr && *env != '\0') {
      password = env;
    } else {
      password = kDefaultPassword;
    }
  }
  if (!IsLoopback(f.listen) && f.auth != "trust" && password == kDefaultPassword) {
    std::fprintf(stderr,
                 "ERROR:  refusing to listen on %s with the default password; set --password "
                 "or OMENDB_PASSWORD\n",
                 f.listen.c_str());
    return 1;
  }
  if (!IsLoopback(f.listen) && f.auth == "trust") {
    std::fprintf(stderr, "ERROR:  --auth trust is allowed on loopback addresses only\n");
    return 1;
  }
  omen::storage::StorageOptions options;
  options.sync = sync;
  options.flush_nice = f.flush_nice;
  // Block the stop signals in every thread (the database's background thread included, so
  // block before opening it); this one waits for them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  auto db = omen::storage::Database::Open(data, options);
  if (!db.ok()) return Fail(db.status());
  omen::server::PgServerOptions so;
  so.listen = f.listen;
  so.port = f.pg_port;
  so.max_connections = f.max_connections;
  so.tls_cert = f.tls_cert;
  so.tls_key = f.tls_key;
  so.session.db = db->get();
  so.session.query = query_options;
  so.session.auth.user = f.user;
  so.session.auth.password = password;
  if (f.auth == "trust") {
    so.session.auth.method = omen::server::AuthConfig::Method::kTrust;
  } else if (f.auth == "md5") {
    so.session.auth.method = omen::server::AuthConfig::Method::kMd5;
  } else if (f.auth == "password") {
    so.session.auth.method = omen::server::AuthConfig::Method::kPassword;
  }
  auto verifier = omen::server::ScramVerifier::FromPassword(password);
  if (!verifier.ok()) return Fail(verifier.status());
  so.session.auth.verifier = *verifier;
  omen::server::Metrics metrics;
  so.session.metrics = &metrics;
  std::unique_ptr<omen::server::PgServer> pg;
  std::unique_ptr<omen::server::HttpServer> http;
  std::unique_ptr<omen::server::IlpServer> ilp;
  auto stop_all = [&] {
    if (ilp != nullptr) ilp->Stop();  // commits every connection's pending rows
    if (http != nullptr) http->Stop();
    if (pg != nullptr) pg->Stop();
  };
  auto fail_start = [&](const omen::Status& s) {
    stop_all();
    (void)(*db)->Close();
    return Fail(s);
  };
  if (f.http_port > 0) {
    omen::server::HttpServerOptions ho;
    ho.listen = f.listen;
    ho.port = f.http_port;
    ho.db = db->get();
    ho.auth = so.session.auth;
    ho.query = query_options;
    ho.metrics = &metrics;
    ho.max_body_bytes = static_cast<size_t>(*omen::ParseByteSize(f.http_max_body));
    auto h = omen::server::HttpServer::Start(ho);
    if (!h.ok()) return fail_start(h.status());
    http = std::move(*h);
  }
  if (f.ilp_port > 0) {
    omen::server::IlpServerOptions io;
    io.listen = f.listen;
    io.port = f.ilp_port;
    io.max_connections = f.max_connections;
    io.db = db->get();
    io.metrics = &metrics;
    io.commit_rows = f.ilp_commit_rows;
    io.commit_ms = f.ilp_commit_ms;
    io.connection_nice = f.ilp_nice;
    auto i = omen::server::IlpServer::Start(io);
    if (!i.ok()) return fail_start(i.status());
    ilp = std::move(*i);
  }
  // The PG port last: clients that reach it find every other endpoint up.
  auto started = omen::server::PgServer::Start(so);
  if (!started.ok()) return fail_start(started.status());
  pg = std::move(*started);
  const std::string http_port = http != nullptr ? std::to_string(http->port()) : "off";
  const std::string ilp_port = ilp != nullptr ? std::to_string(ilp->port()) : "off";
  omen::Log(LogLevel::kInfo,
            "omendb serve: data=%s listen=%s pg=%d http=%s ilp=%s auth=%s user=%s tls=%s",
            data.c_str(), f.listen.c_str(), pg->port(), http_port.c_str(), ilp_port.c_str(),
            f.auth.c_str(), f.user.c_str(), f.tls_cert.empty() ? "off" : "on");
  int sig = 0;
  sigwait(&stop, &sig);
  omen::Log(LogLevel::kInfo, "omendb serve: signal %d, shutting down", sig);
  stop_all();
  omen::Status closed = (*db)->Close();
  if (!closed.ok()) return Fail(closed);
  omen::Log(LogLevel::kInfo, "omendb serve: stopped cleanly");
  return 0;
}

// --query-memory auto: a quarter of physical memory, so that one runaway query fails with 53200
// before it takes the server (and every other session) down with it.
int64_t AutoQueryMemory() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page = ::sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page <= 0) return 0;  // unknown: unlimited
  return static_cast<int64_t>(pages) * page / 4;
}

}  // namespace

int main(int argc, char** argv) {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  CLI::App app{"omendb: a time-series database with a learned index"};
  app.require_subcommand(1);
  std::string data = "./omendb-data", format = "table", sql, sync = "always", query_memory = "auto";
  int threads = 0;
  CLI::App* cmd = app.add_subcommand("sql", "run SQL against a data directory (embedded)");
  // Flags both subcommands take: where the data is, durability, and per-query bounds.
  auto add_common = [&](CLI::App* c) {
    c->add_option("--data", data, "data directory")->capture_default_str();
    c->add_option("--sync", sync, "always|off")
        ->check(CLI::IsMember({"always", "off"}))
        ->capture_default_str();
    c->add_option("--threads", threads, "threads per query (0: all cores)")
        ->check(CLI::Range(0, 1024))
        ->capture_default_str();
    c->add_option("--query-memory", query_memory,
                  "memory one query may hold, e.g. 512MB or 4GB (auto: a quarter of the "
                  "machine's memory; 0: unlimited); a query that needs more fails with SQLSTATE "
                  "53200")
        ->check([](const std::string& v) {
          return v == "auto" || omen::ParseByteSize(v) ? std::string() : "not a byte size: " + v;
        })
        ->capture_default_str();
  };
  add_common(cmd);
  cmd->add_option("--format", format, "table|csv|json")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  cmd->add_option("sql", sql, "SQL statements")->required();

  ServeFlags serve_flags;
  CLI::App* serve = app.add_subcommand(
      "serve", "run the server (PostgreSQL wire protocol, HTTP, InfluxDB line protocol)");
  add_common(serve);
  serve->add_option("--listen", serve_flags.listen, "address to listen on")->capture_default_str();
  serve->add_option("--pg-port", serve_flags.pg_port, "PostgreSQL protocol port")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  serve->add_option("--http-port", serve_flags.http_port, "HTTP port (0: off)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  serve->add_option("--ilp-port", serve_flags.ilp_port, "InfluxDB line protocol TCP port (0: off)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  serve
      ->add_option("--ilp-commit-rows", serve_flags.ilp_commit_rows,
                   "line protocol over TCP: commit every N rows per connection")
      ->check(CLI::Range(int64_t{1}, int64_t{100000000}))
      ->capture_default_str();
  serve
      ->add_option("--ilp-commit-ms", serve_flags.ilp_commit_ms,
                   "line protocol over TCP: commit T ms after a connection's first pending row")
      ->check(CLI::Range(1, 3600000))
      ->capture_default_str();
  serve
      ->add_option("--ilp-nice", serve_flags.ilp_nice,
                   "line protocol over TCP: nice value of each connection's threads, so that "
                   "flushes (which writers wait on) get the CPU first (0: unchanged)")
      ->check(CLI::Range(0, 19))
      ->capture_default_str();
  serve
      ->add_option("--flush-nice", serve_flags.flush_nice,
                   "nice value of the flush thread (below 0 needs CAP_SYS_NICE; also takes the "
                   "CPU from queries while a flush runs; 0: unchanged)")
      ->check(CLI::Range(-20, 19))
      ->capture_default_str();
  serve->add_option("--tls-cert", serve_flags.tls_cert,
                    "PEM certificate for TLS on the PG port (with --tls-key)");
  serve->add_option("--tls-key", serve_flags.tls_key, "PEM private key for --tls-cert");
  serve->add_option("--http-max-body", serve_flags.http_max_body, "largest HTTP request body")
      ->check([](const std::string& v) {
        return omen::ParseByteSize(v) ? std::string() : "not a byte size: " + v;
      })
      ->capture_default_str();
  serve->add_option("--user", serve_flags.user, "the user name clients log in with")
      ->capture_default_str();
  serve->add_option("--password", serve_flags.password,
                    "the password (default: env OMENDB_PASSWORD, else \"omendb\", which is "
                    "refused on non-loopback addresses)");
  serve->add_option("--auth", serve_flags.auth, "scram-sha-256|md5|password|trust")
      ->check(CLI::IsMember({"scram-sha-256", "md5", "password", "trust"}))
      ->capture_default_str();
  serve->add_option("--max-connections", serve_flags.max_connections, "connection limit")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  // Every serve flag can also come from the environment (OMENDB_PG_PORT, ...) or a config file
  // (--config FILE, TOML or INI: pg-port = 5433).
  serve->set_config("--config", "", "read flags from a TOML/INI file");
  for (CLI::Option* o : serve->get_options()) {
    const std::string name = o->get_single_name();
    if (name.empty() || name == "help" || name == "config" || name == "password") continue;
    std::string env = "OMENDB_";
    for (char c : name) env += c == '-' ? '_' : static_cast<char>(std::toupper(c));
    o->envname(env);
  }
  CLI11_PARSE(app, argc, argv);
  omen::sql::QueryOptions query_options;
  query_options.threads = threads;
  query_options.memory_limit =
      query_memory == "auto" ? AutoQueryMemory() : *omen::ParseByteSize(query_memory);
  if (!serve->parsed()) omen::SetMinLogLevel(omen::LogLevel::kWarn);
  try {
    if (serve->parsed()) return Serve(data, sync == "always", serve_flags, query_options);
    return Sql(data, sql, format, sync == "always", query_options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ERROR:  internal error: %s\n", e.what());
    return 1;
  }
}
