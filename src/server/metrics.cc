// Copyright 2026 The OmenDB Authors.

#include "server/metrics.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace omen::server {
namespace {

// A label value with \, " and newline escaped as the exposition format requires.
std::string Label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string Num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

void Header(std::string* out, const char* name, const char* type, const char* help) {
  *out += "# HELP ";
  *out += name;
  *out += ' ';
  *out += help;
  *out += "\n# TYPE ";
  *out += name;
  *out += ' ';
  *out += type;
  *out += '\n';
}

int64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t size = 0, resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return resident * static_cast<int64_t>(::sysconf(_SC_PAGESIZE));
}

}  // namespace

const char* StatementKind(const sql::Statement& st) {
  const auto& n = st.node;
  if (std::holds_alternative<sql::SelectStmt>(n)) return "select";
  if (std::holds_alternative<sql::InsertStmt>(n)) return "insert";
  if (std::holds_alternative<sql::CopyStmt>(n)) return "copy";
  if (std::holds_alternative<sql::DeleteStmt>(n)) return "delete";
  if (std::holds_alternative<sql::CreateTableStmt>(n) ||
      std::holds_alternative<sql::DropTableStmt>(n) ||
      std::holds_alternative<sql::AddColumnStmt>(n)) {
    return "ddl";
  }
  if (std::holds_alternative<sql::SetStmt>(n) || std::holds_alternative<sql::ShowStmt>(n)) {
    return "set";
  }
  if (std::holds_alternative<sql::ExplainStmt>(n)) return "explain";
  if (std::holds_alternative<sql::TransactionStmt>(n)) return "transaction";
  return "other";
}

void Metrics::ConnectionOpened(std::string_view protocol) {
  std::lock_guard<std::mutex> l(mu_);
  ++open_[std::string(protocol)];
  ++total_[std::string(protocol)];
}

void Metrics::ConnectionClosed(std::string_view protocol) {
  std::lock_guard<std::mutex> l(mu_);
  --open_[std::string(protocol)];
}

void Metrics::ObserveStatement(std::string_view kind, double seconds) {
  std::lock_guard<std::mutex> l(mu_);
  Histogram& h = statements_[std::string(kind)];
  size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  if (b < kBuckets.size()) ++h.counts[b];
  ++h.count;
  h.sum += seconds;
}

void Metrics::CountError(std::string_view sqlstate) {
  std::lock_guard<std::mutex> l(mu_);
  ++errors_[std::string(sqlstate.substr(0, 2))];
}

void Metrics::AddRowsIngested(std::string_view table, std::string_view protocol, int64_t rows) {
  if (rows <= 0) return;
  std::lock_guard<std::mutex> l(mu_);
  ingested_[{std::string(table), std::string(protocol)}] += static_cast<uint64_t>(rows);
}

void Metrics::AddLinesRejected(std::string_view protocol, int64_t lines) {
  if (lines <= 0) return;
  std::lock_guard<std::mutex> l(mu_);
  rejected_[std::string(protocol)] += static_cast<uint64_t>(lines);
}

std::string Metrics::Render(const storage::Database* db) const {
  std::string out;
  {
    std::lock_guard<std::mutex> l(mu_);
    Header(&out, "omendb_connections_open", "gauge", "Client connections open now.");
    for (const auto& [p, n] : open_) {
      out += "omendb_connections_open{protocol=\"" + Label(p) + "\"} " + std::to_string(n) + "\n";
    }
    Header(&out, "omendb_connections_total", "counter", "Client connections accepted.");
    for (const auto& [p, n] : total_) {
      out += "omendb_connections_total{protocol=\"" + Label(p) + "\"} " + std::to_string(n) + "\n";
    }
    Header(&out, "omendb_statement_duration_seconds", "histogram",
           "Statements run, by kind, and their latency.");
    for (const auto& [kind, h] : statements_) {
      const std::string k = "kind=\"" + Label(kind) + "\"";
      uint64_t cumulative = 0;
      for (size_t b = 0; b < kBuckets.size(); ++b) {
        cumulative += h.counts[b];
        out += "omendb_statement_duration_seconds_bucket{" + k + ",le=\"" + Num(kBuckets[b]) +
               "\"} " + std::to_string(cumulative) + "\n";
      }
      out += "omendb_statement_duration_seconds_bucket{" + k + ",le=\"+Inf\"} " +
             std::to_string(h.count) + "\n";
      out += "omendb_statement_duration_seconds_sum{" + k + "} " + Num(h.sum) + "\n";
      out += "omendb_statement_duration_seconds_count{" + k + "} " + std::to_string(h.count) + "\n";
    }
    Header(&out, "omendb_errors_total", "counter",
           "Errors returned to clients, by SQLSTATE class.");
    for (const auto& [cls, n] : errors_) {
      out +=
          "omendb_errors_total{sqlstate_class=\"" + Label(cls) + "\"} " + std::to_string(n) + "\n";
    }
    Header(&out, "omendb_rows_ingested_total", "counter",
           "Rows written by INSERT, COPY and the line protocol, by table and protocol.");
    for (const auto& [key, n] : ingested_) {
      out += "omendb_rows_ingested_total{table=\"" + Label(key.first) + "\",protocol=\"" +
             Label(key.second) + "\"} " + std::to_string(n) + "\n";
    }
    Header(&out, "omendb_ilp_lines_rejected_total", "counter",
           "Line protocol lines rejected (parse errors, type conflicts).");
    for (const auto& [p, n] : rejected_) {
      out += "omendb_ilp_lines_rejected_total{protocol=\"" + Label(p) + "\"} " + std::to_string(n) +
             "\n";
    }
  }
  if (db != nullptr) {
    const storage::DatabaseStats s = db->stats();
    Header(&out, "omendb_wal_bytes_written_total", "counter", "WAL record bytes written.");
    out += "omendb_wal_bytes_written_total " + std::to_string(s.wal_bytes) + "\n";
    Header(&out, "omendb_wal_fsync_seconds", "summary",
           "Time in WAL fdatasyncs (group commit) and their number.");
    out +=
        "omendb_wal_fsync_seconds_sum " + Num(static_cast<double>(s.wal_fsync_nanos) / 1e9) + "\n";
    out += "omendb_wal_fsync_seconds_count " + std::to_string(s.wal_fsyncs) + "\n";
    Header(&out, "omendb_wal_files_reused_total", "counter",
           "WAL files started by overwriting a kept obsolete one (its pages still cached).");
    out += "omendb_wal_files_reused_total " + std::to_string(s.wal_reused_files) + "\n";
    Header(&out, "omendb_flushes_total", "counter", "Write buffers flushed to segments.");
    out += "omendb_flushes_total " + std::to_string(s.flushes) + "\n";
    Header(&out, "omendb_compactions_total", "counter", "Segment compactions.");
    out += "omendb_compactions_total " + std::to_string(s.compactions) + "\n";
    Header(&out, "omendb_rows_inserted_total", "counter", "Rows inserted into storage.");
    out += "omendb_rows_inserted_total " + std::to_string(s.rows_inserted) + "\n";
    const auto tables = db->table_stats();
    Header(&out, "omendb_table_segments", "gauge", "Segments on disk, by table.");
    for (const auto& t : tables) {
      out += "omendb_table_segments{table=\"" + Label(t.name) + "\"} " +
             std::to_string(t.segments) + "\n";
    }
    Header(&out, "omendb_table_segment_bytes", "gauge", "Bytes of segments on disk, by table.");
    for (const auto& t : tables) {
      out += "omendb_table_segment_bytes{table=\"" + Label(t.name) + "\"} " +
             std::to_string(t.segment_bytes) + "\n";
    }
    Header(&out, "omendb_table_rows", "gauge", "Rows in segments and in write buffers, by table.");
    for (const auto& t : tables) {
      out += "omendb_table_rows{table=\"" + Label(t.name) + "\",where=\"segments\"} " +
             std::to_string(t.segment_rows) + "\n";
      out += "omendb_table_rows{table=\"" + Label(t.name) + "\",where=\"buffers\"} " +
             std::to_string(t.buffered_rows) + "\n";
    }
  }
  Header(&out, "omendb_memory_resident_bytes", "gauge", "Resident memory of the process.");
  out += "omendb_memory_resident_bytes " + std::to_string(ResidentBytes()) + "\n";
  return out;
}

}  // namespace omen::server
