// Copyright 2026 The OmenDB Authors.

#include "server/ilp_server.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

#include "common/datetime.h"
#include "common/env.h"
#include "common/logging.h"
#include "ingest/ilp_parser.h"
#include "ingest/ilp_writer.h"

namespace omen::server {
namespace {

constexpr size_t kReadBytes = 256 * 1024;
constexpr int kLoggedErrors = 5;  // bad lines logged per connection

// Inserts a connection's committed batches on a thread of its own, so that the connection goes
// on reading and parsing meanwhile. At most kMaxQueued commits wait: beyond that Push blocks,
// and the connection stops reading (back-pressure reaches the sender through TCP).
class Committer {
 public:
  Committer(storage::Database* db, Metrics* metrics, int nice)
      : db_(db), metrics_(metrics), thread_([this, nice] {
          if (nice != 0) (void)SetCurrentThreadNice(nice);  // raising never needs privilege
          Loop();
        }) {}
  ~Committer() {
    {
      std::lock_guard<std::mutex> l(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  // Queues a commit; false once an insert has failed (the connection should close).
  bool Push(std::vector<ingest::PendingBatch> batches) {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return queue_.size() < kMaxQueued || !error_.ok(); });
    if (!error_.ok()) return false;
    queue_.push_back(std::move(batches));
    cv_.notify_all();
    return true;
  }
  // Waits until every queued commit is in storage; the first insert error.
  Status Drain() {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return (queue_.empty() && !busy_) || !error_.ok(); });
    return error_;
  }

 private:
  static constexpr size_t kMaxQueued = 2;

  void Loop() {
    std::unique_lock<std::mutex> l(mu_);
    while (true) {
      cv_.wait(l, [&] { return !queue_.empty() || stop_; });
      if (queue_.empty()) return;  // stopping, nothing left
      std::vector<ingest::PendingBatch> batches = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
      l.unlock();
      Status first;
      for (ingest::PendingBatch& b : batches) {
        Status s = ingest::InsertBatch(db_, &b);
        if (s.ok() && metrics_ != nullptr) {
          metrics_->AddRowsIngested(b.table, "ilp-tcp", b.batch.num_rows);
        }
        if (!s.ok() && first.ok()) first = s;
      }
      l.lock();
      busy_ = false;
      if (!first.ok() && error_.ok()) error_ = first;
      cv_.notify_all();
    }
  }

  storage::Database* const db_;
  Metrics* const metrics_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::vector<ingest::PendingBatch>> queue_;  // GUARDED_BY(mu_)
  bool busy_ = false;                                    // GUARDED_BY(mu_)
  bool stop_ = false;                                    // GUARDED_BY(mu_)
  Status error_;                                         // GUARDED_BY(mu_)
  std::thread thread_;
};

class IlpConnection {
 public:
  IlpConnection(const IlpServerOptions* o, TcpConnection* conn)
      : o_(o), conn_(conn), writer_(o->db), committer_(o->db, o->metrics, o->connection_nice) {}

  void Serve() {
    // This thread serves one connection and ends with it: its nice value goes with it.
    if (o_->connection_nice != 0) (void)SetCurrentThreadNice(o_->connection_nice);
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
    Finish();
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

  // Hands the pending rows to the committer; false once a commit has failed.
  bool Commit() {
    if (o_->metrics != nullptr) {  // rows inserted early by schema changes
      for (const auto& [table, rows] : writer_.TakeWritten()) {
        o_->metrics->AddRowsIngested(table, "ilp-tcp", rows);
      }
    }
    auto batches = writer_.TakeBatches();
    if (batches.ok() && (batches->empty() || committer_.Push(std::move(*batches)))) return true;
    Finish();
    return false;
  }

  // Waits for the committer; logs a failed commit.
  void Finish() {
    Status s = committer_.Drain();
    if (!s.ok()) {
      Log(LogLevel::kWarn, "ilp: commit failed: %s; closing the connection", s.ToString().c_str());
    }
  }

  const IlpServerOptions* o_;
  TcpConnection* conn_;
  ingest::IlpWriter writer_;
  Committer committer_;
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
