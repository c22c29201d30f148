// Copyright 2026 The OmenDB Authors.

#include "server/ilp_server.h"

#include <algorithm>
#include <chrono>
#include <cstring>

#include "common/logging.h"
#include "ingest/ilp_parser.h"
#include "ingest/ilp_writer.h"

namespace omen::server {
namespace {

constexpr size_t kReadBytes = 256 * 1024;
constexpr int kLoggedErrors = 5;  // bad lines logged per connection

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class IlpConnection {
 public:
  IlpConnection(const IlpServerOptions* o, TcpConnection* conn)
      : o_(o), conn_(conn), writer_(o->db) {}

  void Serve() {
    using Clock = std::chrono::steady_clock;
    Clock::time_point first_pending{};
    while (!conn_->stopping()) {
      int wait_ms = 500;  // wake now and then to notice Stop()
      if (writer_.pending_rows() > 0) {
        const auto due = first_pending + std::chrono::milliseconds(o_->commit_ms);
        wait_ms = static_cast<int>(std::clamp<int64_t>(
            std::chrono::duration_cast<std::chrono::milliseconds>(due - Clock::now()).count(), 0,
            wait_ms));
      }
      if (!conn_->WaitReadable(wait_ms)) {
        if (writer_.pending_rows() > 0 &&
            Clock::now() >= first_pending + std::chrono::milliseconds(o_->commit_ms)) {
          if (!Commit()) return;
        }
        continue;
      }
      if (buf_.size() < used_ + kReadBytes) buf_.resize(used_ + kReadBytes);
      const size_t n = conn_->Read(buf_.data() + used_, kReadBytes);
      if (n == 0) break;  // end of stream (or error): commit what is complete
      used_ += n;
      const bool had_pending = writer_.pending_rows() > 0;
      if (!Parse(/*final=*/false)) return;
      if (!had_pending && writer_.pending_rows() > 0) first_pending = Clock::now();
      if (used_ > o_->max_line_bytes) {
        Log(LogLevel::kWarn, "ilp: a line longer than %zu bytes; closing the connection",
            o_->max_line_bytes);
        if (o_->metrics != nullptr) o_->metrics->AddLinesRejected("ilp-tcp", 1);
        Commit();
        return;
      }
      if (writer_.pending_rows() >= o_->commit_rows ||
          (writer_.pending_rows() > 0 &&
           Clock::now() >= first_pending + std::chrono::milliseconds(o_->commit_ms))) {
        if (!Commit()) return;
      }
    }
    if (used_ > 0) Parse(/*final=*/true);
    Commit();
  }

 private:
  // Parses the complete lines in buf_ into the writer; false after a storage error.
  bool Parse(bool final) {
    batch_.Clear();
    const std::string_view data(buf_.data(), used_);
    const size_t consumed =
        ingest::ParseLines(data, ingest::Precision::kNanoseconds, final, line_no_, &batch_);
    for (const char* q = data.data();
         (q = static_cast<const char*>(std::memchr(q, '\n', data.data() + consumed - q))) !=
         nullptr;
         ++q) {
      ++line_no_;  // memchr: std::count on bytes is not vectorized
    }
    errors_.clear();
    errors_.swap(batch_.errors);
    auto added = writer_.Append(batch_, NowMicros(), &errors_);
    if (!errors_.empty()) {
      if (o_->metrics != nullptr) {
        o_->metrics->AddLinesRejected("ilp-tcp", static_cast<int64_t>(errors_.size()));
      }
      for (const auto& e : errors_) {
        if (logged_++ >= kLoggedErrors) break;
        Log(LogLevel::kWarn, "ilp: line %lld: %s", static_cast<long long>(e.line_no),
            e.message.c_str());
      }
    }
    // The unparsed tail moves to the front.
    std::memmove(buf_.data(), buf_.data() + consumed, used_ - consumed);
    used_ -= consumed;
    if (!added.ok()) {
      Log(LogLevel::kWarn, "ilp: %s; closing the connection", added.status().ToString().c_str());
      return false;
    }
    return true;
  }

  bool Commit() {
    Status s = writer_.Flush();
    if (o_->metrics != nullptr) {
      for (const auto& [table, rows] : writer_.TakeWritten()) {
        o_->metrics->AddRowsIngested(table, "ilp-tcp", rows);
      }
    }
    if (!s.ok()) {
      Log(LogLevel::kWarn, "ilp: commit failed: %s; closing the connection", s.ToString().c_str());
      return false;
    }
    return true;
  }

  const IlpServerOptions* o_;
  TcpConnection* conn_;
  ingest::IlpWriter writer_;
  ingest::ParsedBatch batch_;
  std::vector<ingest::LineError> errors_;
  std::vector<char> buf_;
  size_t used_ = 0;
  int64_t line_no_ = 1;
  int logged_ = 0;
};

}  // namespace

Result<std::unique_ptr<IlpServer>> IlpServer::Start(IlpServerOptions options) {
  std::unique_ptr<IlpServer> s(new IlpServer());
  s->options_ = std::move(options);
  TcpServerOptions t;
  t.name = "ilp";
  t.listen = s->options_.listen;
  t.port = s->options_.port;
  t.max_connections = s->options_.max_connections;
  t.metrics = s->options_.metrics;
  const IlpServerOptions* o = &s->options_;
  t.serve = [o](TcpConnection* c) { IlpConnection(o, c).Serve(); };
  OMEN_ASSIGN_OR_RETURN(s->tcp_, TcpServer::Start(std::move(t)));
  return s;
}

IlpServer::~IlpServer() { Stop(); }

void IlpServer::Stop() {
  if (tcp_ != nullptr) tcp_->Stop();
}

}  // namespace omen::server
