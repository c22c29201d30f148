// Copyright 2026 The OmenDB Authors.

#include "server/http_server.h"

#include <httplib.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "common/datetime.h"
#include "common/logging.h"
#include "ingest/ilp_parser.h"
#include "ingest/ilp_writer.h"
#include "sql/copy.h"
#include "sql/engine.h"
#include "sql/parser.h"

namespace omen::server {
namespace {

void AppendJsonString(std::string* out, std::string_view s) {
  static const char* kHex = "0123456789abcdef";
  out->push_back('"');
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      case '\t':
        *out += "\\t";
        break;
      default:
        if (c < 0x20) {
          *out += "\\u00";
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 15]);
        } else {
          out->push_back(ch);
        }
    }
  }
  out->push_back('"');
}

std::string JsonString(std::string_view s) {
  std::string out;
  AppendJsonString(&out, s);
  return out;
}

bool SameSecret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string Base64Decode(std::string_view in) {
  std::string out(3 * ((in.size() + 3) / 4) + 1, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  if (n < 0) return {};
  out.resize(static_cast<size_t>(n));
  // EVP_DecodeBlock counts '=' padding as zero bytes.
  size_t pad = 0;
  while (pad < 2 && pad < in.size() && in[in.size() - 1 - pad] == '=') ++pad;
  out.resize(out.size() >= pad ? out.size() - pad : 0);
  return out;
}

// Numeric PostgreSQL types whose text is a JSON number (NaN and infinities aside).
bool IsJsonNumber(const std::string& type, const std::string& v) {
  if (type != "smallint" && type != "integer" && type != "bigint" && type != "real" &&
      type != "double precision" && type != "numeric") {
    return false;
  }
  return !v.empty() && (std::isdigit(static_cast<unsigned char>(v.back())) != 0);
}

}  // namespace

struct HttpServer::Impl {
  HttpServerOptions options;
  httplib::Server http;
  std::thread thread;
  int port = 0;
  const std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  // The user the request authenticates as (the server's own user under trust); nullopt when
  // it does not.
  std::optional<std::string> Authorized(const httplib::Request& req) const;
  void Unauthorized(httplib::Response& res) const;
  void Query(const httplib::Request& req, httplib::Response& res);
  enum class Api { kV1, kV2, kV3 };
  // The body is read here, not by httplib: its form-urlencoded limit (8 KiB) would refuse what
  // curl --data-binary sends with its default Content-Type.
  void Write(const httplib::Request& req, httplib::Response& res,
             const httplib::ContentReader& reader, Api api);

  // What a write request needs, kept between requests: the writer's schema, dictionary and
  // series caches and the buffers' capacity carry over (a fresh writer per request spends
  // most of a TSBS request re-interning its tags). One context per request in flight.
  struct WriteContext {
    explicit WriteContext(storage::Database* db) : writer(db) {}
    ingest::IlpWriter writer;
    ingest::ParsedBatch batch;
    std::string body;
  };
  std::unique_ptr<WriteContext> TakeWriteContext() {
    {
      std::lock_guard<std::mutex> l(write_mu);
      if (!write_pool.empty()) {
        auto c = std::move(write_pool.back());
        write_pool.pop_back();
        return c;
      }
    }
    return std::make_unique<WriteContext>(options.db);
  }
  // Back to the pool after a request that left no pending rows; a context over 64 MiB of
  // body capacity is dropped instead.
  void ReturnWriteContext(std::unique_ptr<WriteContext> c) {
    c->batch.Clear();
    c->body.clear();
    if (c->writer.pending_rows() != 0 || c->body.capacity() > (size_t{64} << 20)) return;
    std::lock_guard<std::mutex> l(write_mu);
    if (write_pool.size() < kMaxPooledWriters) write_pool.push_back(std::move(c));
  }
  static constexpr size_t kMaxPooledWriters = 16;
  std::mutex write_mu;
  std::vector<std::unique_ptr<WriteContext>> write_pool;  // GUARDED_BY(write_mu)
};

std::optional<std::string> HttpServer::Impl::Authorized(const httplib::Request& req) const {
  const AuthConfig& a = options.auth;
  if (a.method == AuthConfig::Method::kTrust) return a.user;
  auto credentials_ok = [&](std::string_view user,
                            std::string_view password) -> std::optional<std::string> {
    const std::string name(user);
    if (!CheckPassword(FindCredentials(a, options.db, name), name, password)) return std::nullopt;
    return name;
  };
  const std::string h = req.get_header_value("Authorization");
  auto scheme = [&](std::string_view name) {
    return h.size() > name.size() && strncasecmp(h.c_str(), name.data(), name.size()) == 0 &&
           h[name.size()] == ' ';
  };
  if (scheme("Basic")) {
    const std::string decoded = Base64Decode(std::string_view(h).substr(6));
    const size_t colon = decoded.find(':');
    if (colon == std::string::npos) return std::nullopt;
    return credentials_ok(std::string_view(decoded).substr(0, colon),
                          std::string_view(decoded).substr(colon + 1));
  }
  for (std::string_view name : {std::string_view("Token"), std::string_view("Bearer")}) {
    if (!scheme(name)) continue;
    std::string_view token = std::string_view(h).substr(name.size() + 1);
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    if (SameSecret(token, a.password)) return a.user;
    const size_t colon = token.find(':');  // InfluxDB 1.8's "Token user:password"
    if (colon == std::string_view::npos) return std::nullopt;
    return credentials_ok(token.substr(0, colon), token.substr(colon + 1));
  }
  if (req.has_param("u") || req.has_param("p")) {
    return credentials_ok(req.get_param_value("u"), req.get_param_value("p"));
  }
  return std::nullopt;
}

void HttpServer::Impl::Unauthorized(httplib::Response& res) const {
  res.status = 401;
  res.set_header("WWW-Authenticate", "Basic realm=\"omendb\"");
  res.set_content(R"({"code":"unauthorized","message":"unauthorized access"})", "application/json");
}

void HttpServer::Impl::Query(const httplib::Request& req, httplib::Response& res) {
  auto fail = [&](const Status& s) {
    const std::string state = s.SqlState();
    res.status = state.rfind("XX", 0) == 0 || state.rfind("58", 0) == 0 ? 500 : 400;
    res.set_content("{\"error\":" + JsonString(s.message()) + ",\"sqlstate\":\"" + state + "\"}",
                    "application/json");
    if (options.metrics != nullptr) options.metrics->CountError(state);
  };
  const std::optional<std::string> user = Authorized(req);
  if (!user.has_value()) return Unauthorized(res);
  std::string sql = req.get_param_value("q");
  if (sql.empty() && req.method == "POST") sql = req.body;
  if (sql.empty()) {
    return fail(Status::InvalidArgument("missing the query: give it as q=... or as the body")
                    .WithSqlState("42601"));
  }
  const std::string format = req.has_param("format") ? req.get_param_value("format") : "json";
  if (format != "json" && format != "csv" && format != "arrow") {
    return fail(Status::InvalidArgument("unknown format \"" + format + "\" (json, csv, arrow)")
                    .WithSqlState("22023"));
  }
  auto statements = sql::Parse(sql);
  if (!statements.ok()) return fail(statements.status());
  if (statements->empty()) {
    return fail(Status::InvalidArgument("empty query").WithSqlState("42601"));
  }
  sql::SqlEngine engine(options.db, options.query);
  (void)engine.settings().SetStartup("session_authorization", *user);
  engine.set_password_encoder(EncodePassword);
  sql::QueryResult last;
  for (size_t i = 0; i < statements->size(); ++i) {
    const sql::Statement& st = (*statements)[i];
    const auto start = std::chrono::steady_clock::now();
    if (format == "arrow" && i + 1 == statements->size()) {
      auto stream = engine.ArrowStream(st);
      if (!stream.ok()) return fail(stream.status());
      if (options.metrics != nullptr) {
        options.metrics->ObserveStatement(
            "select",
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      }
      res.set_content(std::move(*stream), "application/vnd.apache.arrow.stream");
      return;
    }
    auto r = engine.ExecuteStatement(st);
    if (!r.ok()) return fail(r.status());
    if (options.metrics != nullptr) {
      options.metrics->ObserveStatement(
          StatementKind(st),
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    last = std::move(*r);
  }
  std::string out;
  if (format == "csv") {
    auto field = [&](std::string_view v) { sql::AppendCsvField(&out, v, ','); };
    for (size_t c = 0; c < last.column_names.size(); ++c) {
      if (c > 0) out += ',';
      field(last.column_names[c]);
    }
    if (!last.column_names.empty()) out += '\n';
    for (const auto& row : last.rows) {
      for (size_t c = 0; c < row.size(); ++c) {
        if (c > 0) out += ',';
        if (row[c]) field(*row[c]);  // NULL: an empty unquoted field; '' is quoted
      }
      out += '\n';
    }
    res.set_content(std::move(out), "text/csv");
    return;
  }
  out += "{\"columns\":[";
  for (size_t c = 0; c < last.column_names.size(); ++c) {
    if (c > 0) out += ',';
    out += "{\"name\":";
    AppendJsonString(&out, last.column_names[c]);
    out += ",\"type\":";
    AppendJsonString(&out, c < last.column_types.size() ? last.column_types[c] : "text");
    out += '}';
  }
  out += "],\"rows\":[";
  for (size_t r = 0; r < last.rows.size(); ++r) {
    if (r > 0) out += ',';
    out += '[';
    const auto& row = last.rows[r];
    for (size_t c = 0; c < row.size(); ++c) {
      if (c > 0) out += ',';
      const std::string& type = c < last.column_types.size() ? last.column_types[c] : "";
      if (!row[c]) {
        out += "null";
      } else if (type == "boolean") {
        out += *row[c] == "t" ? "true" : "false";
      } else if (IsJsonNumber(type, *row[c])) {
        out += *row[c];
      } else {
        AppendJsonString(&out, *row[c]);
      }
    }
    out += ']';
  }
  out += "],\"command\":";
  AppendJsonString(&out, last.command_tag);
  out += '}';
  res.set_content(std::move(out), "application/json");
}

void HttpServer::Impl::Write(const httplib::Request& req, httplib::Response& res,
                             const httplib::ContentReader& reader, Api api) {
  auto error = [&](int status, const std::string& code, const std::string& message) {
    res.status = status;
    if (api == Api::kV1) {
      res.set_content("{\"error\":" + JsonString(message) + "}", "application/json");
    } else {
      res.set_content("{\"code\":\"" + code + "\",\"message\":" + JsonString(message) + "}",
                      "application/json");
    }
  };
  if (!Authorized(req).has_value()) return Unauthorized(res);
  std::unique_ptr<WriteContext> ctx = TakeWriteContext();
  std::string& body = ctx->body;
  const uint64_t length =
      req.has_header("Content-Length")
          ? std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10)
          : 0;
  bool too_large = length > options.max_body_bytes;
  if (!too_large) body.reserve(length);
  if (!too_large)
    reader([&](const char* data, size_t n) {
      if (body.size() + n > options.max_body_bytes) {
        too_large = true;
        return false;
      }
      body.append(data, n);
      return true;
    });
  if (too_large) {
    return error(413, "request too large",
                 "the body is larger than " + std::to_string(options.max_body_bytes) + " bytes");
  }
  std::string precision = req.get_param_value("precision");
  if (api == Api::kV3) {  // v3 spells them out
    if (precision == "auto" || precision == "nanosecond") precision = "ns";
    if (precision == "microsecond") precision = "us";
    if (precision == "millisecond") precision = "ms";
    if (precision == "second") precision = "s";
  }
  auto p = ingest::ParsePrecision(precision);
  if (!p.ok()) return error(400, "invalid", std::string(p.status().message()));
  ingest::ParsedBatch& batch = ctx->batch;
  batch.Clear();
  ingest::ParseLines(body, *p, /*final=*/true, 1, &batch);
  std::vector<ingest::LineError> errors = std::move(batch.errors);
  batch.errors.clear();
  if (batch.lines.empty() && errors.empty()) {
    ReturnWriteContext(std::move(ctx));
    return error(400, "invalid", "writing requires points");
  }
  ingest::IlpWriter& writer = ctx->writer;
  auto appended = writer.Append(batch, NowMicros(), &errors);
  Status s = appended.ok() ? writer.Flush() : appended.status();
  if (options.metrics != nullptr) {
    for (const auto& [table, rows] : writer.TakeWritten()) {
      options.metrics->AddRowsIngested(table, "ilp-http", rows);
    }
    options.metrics->AddLinesRejected("ilp-http", static_cast<int64_t>(errors.size()));
  }
  if (!s.ok()) {
    Log(LogLevel::kWarn, "http write: %s", s.ToString().c_str());
    return error(s.IsDiskFull() ? 507 : 500, "internal error", std::string(s.message()));
  }
  ReturnWriteContext(std::move(ctx));  // not after an error: a fresh writer starts clean
  if (errors.empty()) {
    res.status = 204;
    return;
  }
  std::sort(errors.begin(), errors.end(),
            [](const auto& a, const auto& b) { return a.line_no < b.line_no; });
  const int64_t written = *appended;
  const ingest::LineError& first = errors.front();
  const std::string detail = "line " + std::to_string(first.line_no) + ": " + first.message;
  res.status = 400;
  if (api == Api::kV1) {
    res.set_content(
        "{\"error\":" +
            JsonString("partial write: " + detail + " dropped=" + std::to_string(errors.size())) +
            ",\"line\":" + std::to_string(first.line_no) +
            ",\"written\":" + std::to_string(written) + "}",
        "application/json");
  } else if (api == Api::kV2) {
    res.set_content(
        "{\"code\":\"invalid\",\"line\":" + std::to_string(first.line_no) + ",\"message\":" +
            JsonString("partial write error (" + std::to_string(written) + " written): " + detail) +
            "}",
        "application/json");
  } else {
    std::string body = "{\"error\":\"partial write of line protocol occurred\",\"written\":" +
                       std::to_string(written) + ",\"data\":[";
    for (size_t i = 0; i < errors.size() && i < 100; ++i) {
      if (i > 0) body += ',';
      body += "{\"line_number\":" + std::to_string(errors[i].line_no) +
              ",\"error_message\":" + JsonString(errors[i].message) + "}";
    }
    body += "]}";
    res.set_content(body, "application/json");
  }
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(HttpServerOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  if (impl->options.db != nullptr) {
    OMEN_RETURN_IF_ERROR(RegisterServerUser(impl->options.auth, impl->options.db));
  }
  Impl* s = impl.get();
  httplib::Server& h = impl->http;
  h.set_payload_max_length(s->options.max_body_bytes);
  // SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, with which a second server on the
  // same port would bind too and share it silently.
  h.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  h.Get("/health", [s](const httplib::Request&, httplib::Response& res) {
    const auto up = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::steady_clock::now() - s->started)
                        .count();
    res.set_content("{\"status\":\"ok\",\"version\":" + JsonString(s->options.version) +
                        ",\"uptime_seconds\":" + std::to_string(up) + "}",
                    "application/json");
  });
  auto ping = [](const httplib::Request&, httplib::Response& res) {
    res.status = 204;
    res.set_header("X-Influxdb-Version", "omendb");
  };
  h.Get("/ping", ping);
  h.Get("/api/v2/ping", ping);
  h.Get("/metrics", [s](const httplib::Request&, httplib::Response& res) {
    res.set_content(
        s->options.metrics != nullptr ? s->options.metrics->Render(s->options.db) : std::string(),
        "text/plain; version=0.0.4");
  });
  auto query = [s](const httplib::Request& req, httplib::Response& res) { s->Query(req, res); };
  h.Get("/query", query);
  h.Post("/query", query);
  h.Post("/write",
         [s](const httplib::Request& req, httplib::Response& res,
             const httplib::ContentReader& reader) { s->Write(req, res, reader, Impl::Api::kV1); });
  h.Post("/api/v2/write",
         [s](const httplib::Request& req, httplib::Response& res,
             const httplib::ContentReader& reader) { s->Write(req, res, reader, Impl::Api::kV2); });
  h.Post("/api/v3/write_lp",
         [s](const httplib::Request& req, httplib::Response& res,
             const httplib::ContentReader& reader) { s->Write(req, res, reader, Impl::Api::kV3); });
  h.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    std::string msg = res.status == 413   ? "request body too large"
                      : res.status == 404 ? "not found"
                                          : "request failed";
    res.set_content("{\"code\":\"" + std::to_string(res.status) + "\",\"message\":\"" + msg + "\"}",
                    "application/json");
  });
  const int port = impl->options.port;
  const int bound = port == 0 ? h.bind_to_any_port(impl->options.listen)
                              : (h.bind_to_port(impl->options.listen, port) ? port : -1);
  if (bound <= 0) {
    return Status::IOError("cannot listen on " + impl->options.listen + ":" + std::to_string(port) +
                           " (HTTP)");
  }
  impl->port = bound;
  impl->thread = std::thread([s] { s->http.listen_after_bind(); });
  // Serving once Start returns, so that Stop() always finds a loop to end.
  for (int i = 0; i < 5000 && !s->http.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::~HttpServer() { Stop(); }

int HttpServer::port() const { return impl_->port; }

void HttpServer::Stop() {
  impl_->http.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace omen::server
