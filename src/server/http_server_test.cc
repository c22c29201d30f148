// Copyright 2026 The OmenDB Authors.
//
// The HTTP port (health, metrics, query in json/csv/arrow, InfluxDB v1/v2/v3 writes with
// authentication, partial writes, gzip and oversized bodies) and the ILP TCP listener (lines cut
// across reads, commit by row count, by time and on disconnect, many connections), through
// real sockets.

#include "server/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "common/env.h"
#include "server/ilp_server.h"
#include "sql/engine.h"
#include "storage/test_database.h"

namespace omen::server {
namespace {

class HttpServerTest : public storage::DatabaseTest {
 protected:
  HttpServerTest() : DatabaseTest("omen_http_") {}
  void TearDown() override {
    ilp_.reset();
    http_.reset();
    DatabaseTest::TearDown();
  }
  void StartHttp(bool auth, size_t max_body = size_t{1} << 20) {
    HttpServerOptions o;
    o.port = 0;
    o.db = db_.get();
    o.metrics = &metrics_;
    o.max_body_bytes = max_body;
    o.auth.method = auth ? AuthConfig::Method::kScramSha256 : AuthConfig::Method::kTrust;
    o.auth.user = "omendb";
    o.auth.password = "s3cret";
    auto s = HttpServer::Start(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    http_ = std::move(*s);
  }
  void StartIlp(int64_t commit_rows, int commit_ms) {
    IlpServerOptions o;
    o.port = 0;
    o.db = db_.get();
    o.metrics = &metrics_;
    o.commit_rows = commit_rows;
    o.commit_ms = commit_ms;
    auto s = IlpServer::Start(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    ilp_ = std::move(*s);
  }
  httplib::Client Client() {
    httplib::Client c("127.0.0.1", http_->port());
    c.set_read_timeout(10, 0);
    return c;
  }
  std::string Scalar(const std::string& q) {
    sql::SqlEngine engine(db_.get());
    auto r = engine.Execute(q);
    if (!r.ok()) return "error: " + r.status().ToString();
    const auto& v = r->back().rows.at(0).at(0);
    return v ? *v : "NULL";
  }
  // A socket connected to the ILP port.
  int ConnectIlp() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(ilp_->port()));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    return fd;
  }
  static void SendAll(int fd, std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
      ASSERT_GT(n, 0);
      data.remove_prefix(static_cast<size_t>(n));
    }
  }
  // Polls until `q` returns `want` (commits are asynchronous to the sender) or 10 s pass.
  bool Eventually(const std::string& q, const std::string& want) {
    for (int i = 0; i < 1000; ++i) {
      if (Scalar(q) == want) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  Metrics metrics_;
  std::unique_ptr<HttpServer> http_;
  std::unique_ptr<IlpServer> ilp_;
};

TEST_F(HttpServerTest, HealthQueryFormatsAndMetrics) {
  StartHttp(/*auth=*/false);
  auto c = Client();
  auto r = c.Get("/health");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("\"status\":\"ok\""), std::string::npos);

  r = c.Post("/query",
             "CREATE TABLE t (time TIMESTAMPTZ NOT NULL, host TEXT, v DOUBLE PRECISION, ok "
             "BOOLEAN); INSERT INTO t VALUES ('2024-01-01Z', 'a', 1.5, true), "
             "('2024-01-01 00:00:01Z', 'b,\"c\"', NULL, false)",
             "text/plain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  r = c.Get("/query?q=SELECT%20host,%20v,%20ok%20FROM%20t%20ORDER%20BY%20time");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body,
            "{\"columns\":[{\"name\":\"host\",\"type\":\"text\"},{\"name\":\"v\",\"type\":"
            "\"double precision\"},{\"name\":\"ok\",\"type\":\"boolean\"}],\"rows\":[[\"a\",1.5,"
            "true],[\"b,\\\"c\\\"\",null,false]],\"command\":\"SELECT 2\"}");
  httplib::Params form{{"q", "SELECT host, v FROM t ORDER BY time"}, {"format", "csv"}};
  r = c.Post("/query", form);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "host,v\na,1.5\n\"b,\"\"c\"\"\",\n");
  r = c.Get("/query?format=arrow&q=SELECT%20*%20FROM%20t");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/vnd.apache.arrow.stream");
  ASSERT_GE(r->body.size(), 8u);
  EXPECT_EQ(r->body.substr(0, 4), std::string("\xff\xff\xff\xff", 4));  // continuation marker
  EXPECT_EQ(r->body.substr(r->body.size() - 8), std::string("\xff\xff\xff\xff\0\0\0\0", 8));

  // Errors: a SQLSTATE in a JSON body.
  r = c.Get("/query?q=SELECT%20nope%20FROM%20t");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("\"sqlstate\":\"42703\""), std::string::npos) << r->body;
  r = c.Get("/query?q=SELEC");
  EXPECT_EQ(r->status, 400);
  r = c.Get("/query");
  EXPECT_EQ(r->status, 400);
  r = c.Get("/query?q=SELECT%201&format=xml");
  EXPECT_EQ(r->status, 400);

  r = c.Get("/metrics");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("omendb_statement_duration_seconds_count{kind=\"select\"}"),
            std::string::npos);
  EXPECT_NE(r->body.find("omendb_errors_total{sqlstate_class=\"42\"}"), std::string::npos);
  EXPECT_NE(r->body.find("omendb_table_rows{table=\"t\",where=\"buffers\"} 2"), std::string::npos)
      << r->body;
  EXPECT_NE(r->body.find("omendb_wal_bytes_written_total"), std::string::npos);
  EXPECT_NE(r->body.find("omendb_wal_files_reused_total"), std::string::npos);
  EXPECT_NE(r->body.find("omendb_memory_resident_bytes"), std::string::npos);
}

// The /query?format=arrow stream, read by the reference JS implementation (npm apache-arrow,
// installed in test/js by scripts/setup): every value as the engine returned it.
TEST_F(HttpServerTest, ArrowStreamReadsInApacheArrowJs) {
  const std::string js = std::string(OMENDB_SOURCE_DIR) + "/test/js";
  if (std::system("node --version >/dev/null 2>&1") != 0) GTEST_SKIP() << "node is not on PATH";
  if (!Env::Default()->FileExists(js + "/node_modules/apache-arrow/package.json")) {
    GTEST_SKIP() << "test/js/node_modules is missing (scripts/setup runs npm ci there)";
  }
  StartHttp(/*auth=*/false);
  auto c = Client();
  auto r = c.Post("/query",
                  "CREATE TABLE t (time TIMESTAMPTZ NOT NULL, host TEXT, v DOUBLE PRECISION, n "
                  "BIGINT, ok BOOLEAN); INSERT INTO t VALUES ('2024-01-01Z', 'a', 1.5, 7, true), "
                  "('2024-01-01 00:00:01Z', NULL, NULL, -2, false)",
                  "text/plain");
  ASSERT_EQ(r->status, 200) << r->body;
  r = c.Get("/query?format=arrow&q=SELECT%20*%20FROM%20t%20ORDER%20BY%20time");
  ASSERT_EQ(r->status, 200) << r->body;
  const std::string file = dir_ + "/result.arrows";
  {
    FILE* f = std::fopen(file.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(std::fwrite(r->body.data(), 1, r->body.size(), f), r->body.size());
    std::fclose(f);
  }
  const std::string cmd = "node " + js + "/read_arrow.mjs '" + file + "' 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ASSERT_EQ(::pclose(p), 0) << out;
  EXPECT_NE(out.find("[\"1704067200000000\",\"a\",1.5,\"7\",true]"), std::string::npos) << out;
  EXPECT_NE(out.find("[\"1704067201000000\",null,null,\"-2\",false]"), std::string::npos) << out;
}

TEST_F(HttpServerTest, InfluxWritesWithAuthPartialWritesGzipAndLimits) {
  StartHttp(/*auth=*/true, /*max_body=*/64 * 1024);
  auto c = Client();
  const std::string lines = "cpu,host=a usage=1.5,n=1i 1700000000000000000\n";
  auto r = c.Post("/api/v2/write?bucket=b&org=o", lines, "text/plain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  httplib::Headers token{{"Authorization", "Token s3cret"}};
  r = c.Post("/api/v2/write?bucket=b&org=o", token, lines, "text/plain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204) << r->body;
  EXPECT_EQ(Scalar("SELECT count(*) FROM cpu"), "1");
  httplib::Headers wrong{{"Authorization", "Bearer nope"}};
  EXPECT_EQ(c.Post("/api/v2/write", wrong, lines, "text/plain")->status, 401);

  // v1 with u/p and precision=s; v3 with precision=second and Bearer; Basic on /query.
  r = c.Post("/write?db=x&u=omendb&p=s3cret&precision=s", "cpu,host=b usage=2 1700000001\n",
             "text/plain");
  EXPECT_EQ(r->status, 204) << r->body;
  httplib::Headers bearer{{"Authorization", "Bearer s3cret"}};
  r = c.Post("/api/v3/write_lp?db=x&precision=second", bearer, "cpu,host=c usage=3 1700000002\n",
             "text/plain");
  EXPECT_EQ(r->status, 204) << r->body;
  c.set_basic_auth("omendb", "s3cret");
  r = c.Get("/query?q=SELECT%20host%20FROM%20cpu%20ORDER%20BY%20time&format=csv");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->body, "host\na\nb\nc\n");

  // A partial write: 400 naming the first bad line; the good lines are stored.
  r = c.Post("/api/v2/write", token,
             "cpu,host=d usage=4 1700000003000000000\n"
             "cpu,host=e usage=oops 1700000004000000000\n"
             "cpu,host=f usage=\"str\" 1700000005000000000\n"
             "cpu,host=g usage=7 1700000006000000000\n",
             "text/plain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("\"line\":2"), std::string::npos) << r->body;
  EXPECT_NE(r->body.find("2 written"), std::string::npos) << r->body;
  EXPECT_EQ(Scalar("SELECT count(*) FROM cpu"), "5");
  r = c.Post("/write?u=omendb&p=s3cret", "cpu,host=h usage=x\n", "text/plain");
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("\"error\""), std::string::npos);
  r = c.Post("/api/v3/write_lp", bearer, "cpu usage=1\nbad\n", "text/plain");
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("\"line_number\":2"), std::string::npos) << r->body;
  r = c.Post("/api/v2/write?precision=fortnight", token, lines, "text/plain");
  EXPECT_EQ(r->status, 400);

  // A gzip body (the client compresses), then bodies over the limit: 413, nothing written. The
  // limit applies to the decompressed bytes (a small gzip bomb is refused too), and holds for
  // curl's default form Content-Type.
  std::string many;
  for (int i = 0; i < 2000; ++i) {
    many += "gz,host=h" + std::to_string(i % 10) + " v=" + std::to_string(i) + "i " +
            std::to_string(1700000000000000000 + int64_t{i} * 1000000000) + "\n";
  }
  ASSERT_GT(many.size(), 64u * 1024);
  const std::string half = many.substr(0, many.find('\n', many.size() / 2) + 1);
  ASSERT_LT(half.size(), 64u * 1024);
  c.set_compress(true);
  r = c.Post("/api/v2/write", token, half, "text/plain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204) << r->body;
  const std::string stored = Scalar("SELECT count(*) FROM gz");
  EXPECT_GT(std::stoi(stored), 900);
  r = c.Post("/api/v2/write", token, many, "text/plain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  c.set_compress(false);
  r = c.Post("/api/v2/write", token, many, "application/x-www-form-urlencoded");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(Scalar("SELECT count(*) FROM gz"), stored);
  r = c.Post("/api/v2/write", token, half, "application/x-www-form-urlencoded");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204) << r->body;
  // The same rows once more (a time-series table keeps duplicates).
  EXPECT_EQ(Scalar("SELECT count(*) FROM gz"), std::to_string(2 * std::stoi(stored)));
}

TEST_F(HttpServerTest, IlpOverTcp) {
  StartIlp(/*commit_rows=*/1000, /*commit_ms=*/50);
  // Lines cut at every few bytes across many sends, then a disconnect commits the rest.
  std::string text;
  for (int i = 0; i < 300; ++i) {
    text += "tcp,host=h" + std::to_string(i % 3) + " v=" + std::to_string(i) + "i " +
            std::to_string(1700000000000000000 + int64_t{i} * 1000) + "\n";
  }
  text += "tcp,host=h0 v=garbage\n";                  // rejected, the connection goes on
  text += "tcp,host=last v=-1i 1700000001000000000";  // no newline: committed at disconnect
  int fd = ConnectIlp();
  for (size_t p = 0; p < text.size(); p += 97) {
    SendAll(fd, std::string_view(text).substr(p, 97));
  }
  ::close(fd);
  EXPECT_TRUE(Eventually("SELECT count(*) FROM tcp", "301"));
  EXPECT_EQ(Scalar("SELECT sum(v) FROM tcp"), std::to_string(299 * 300 / 2 - 1));

  // Commit by time while the connection stays open.
  fd = ConnectIlp();
  SendAll(fd, "tcp,host=open v=1i 1700000002000000000\n");
  EXPECT_TRUE(Eventually("SELECT count(*) FROM tcp WHERE host = 'open'", "1"));
  // Several connections at once.
  std::vector<std::thread> senders;
  for (int t = 0; t < 8; ++t) {
    senders.emplace_back([&, t] {
      const int s = ConnectIlp();
      std::string body;
      for (int i = 0; i < 500; ++i) {
        body += "multi,conn=c" + std::to_string(t) + " v=1i " +
                std::to_string(1700000000000000000 + int64_t{t} * 1000000000 + int64_t{i} * 1000) +
                "\n";
      }
      SendAll(s, body);
      ::close(s);
    });
  }
  for (auto& th : senders) th.join();
  EXPECT_TRUE(Eventually("SELECT count(*) FROM multi", "4000"));
  ::close(fd);
  EXPECT_NE(
      metrics_.Render(nullptr).find("omendb_ilp_lines_rejected_total{protocol=\"ilp-tcp\"} 1"),
      std::string::npos);
}

}  // namespace
}  // namespace omen::server
