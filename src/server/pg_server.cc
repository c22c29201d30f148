// Copyright 2026 The OmenDB Authors.

#include "server/pg_server.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "common/logging.h"
#include "server/pg_protocol.h"

namespace omen::server {

struct PgServer::Impl {
  PgServerOptions options;
  CancelRegistry cancels;
  SSL_CTX* tls = nullptr;
  std::unique_ptr<TcpServer> tcp;
  ~Impl() {
    tcp.reset();
    if (tls != nullptr) SSL_CTX_free(tls);
  }
};

namespace {

void Serve(const SessionConfig* config, SSL_CTX* tls, TcpConnection* conn) {
  PgSession session(config);
  session.set_flush([conn](std::string* out) { return conn->Write(*out); });
  std::vector<char> buf(64 * 1024);
  std::string out;
  while (!session.closed() && !conn->stopping()) {
    const size_t n = conn->Read(buf.data(), buf.size());
    if (n == 0) break;
    out.clear();
    session.Feed(std::string_view(buf.data(), n), &out);
    if (!out.empty() && !conn->Write(out)) break;
    if (tls != nullptr && session.TakeTlsRequest()) {
      std::string error;
      if (!conn->StartTls(tls, &error)) {
        Log(LogLevel::kWarn, "pgwire: TLS handshake failed: %s", error.c_str());
        break;
      }
      session.TlsStarted();
    }
  }
}

std::string TlsError() {
  char buf[256];
  ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

// FATAL 53300 before startup, as PostgreSQL does when max_connections is reached.
std::string TooManyClients() {
  std::string msg;
  MessageWriter w(&msg);
  w.Begin('E');
  w.Byte('S');
  w.CString("FATAL");
  w.Byte('C');
  w.CString("53300");
  w.Byte('M');
  w.CString("sorry, too many clients already");
  w.Byte(0);
  w.End();
  return msg;
}

}  // namespace

PgServer::PgServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Result<std::unique_ptr<PgServer>> PgServer::Start(PgServerOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->options.session.cancels = &impl->cancels;
  if (impl->options.session.db != nullptr) {
    OMEN_RETURN_IF_ERROR(RegisterServerUser(impl->options.session.auth, impl->options.session.db));
  }
  if (!impl->options.tls_cert.empty() || !impl->options.tls_key.empty()) {
    if (impl->options.tls_cert.empty() || impl->options.tls_key.empty()) {
      return Status::InvalidArgument("TLS needs both a certificate and a key");
    }
    impl->tls = SSL_CTX_new(TLS_server_method());
    if (impl->tls == nullptr) return Status::Internal("TLS: " + TlsError());
    SSL_CTX_set_min_proto_version(impl->tls, TLS1_2_VERSION);
    if (SSL_CTX_use_certificate_chain_file(impl->tls, impl->options.tls_cert.c_str()) != 1) {
      return Status::InvalidArgument("TLS certificate " + impl->options.tls_cert + ": " +
                                     TlsError());
    }
    if (SSL_CTX_use_PrivateKey_file(impl->tls, impl->options.tls_key.c_str(), SSL_FILETYPE_PEM) !=
            1 ||
        SSL_CTX_check_private_key(impl->tls) != 1) {
      return Status::InvalidArgument("TLS key " + impl->options.tls_key + ": " + TlsError());
    }
    impl->options.session.tls_available = true;
  }
  TcpServerOptions t;
  t.name = "pgwire";
  t.listen = impl->options.listen;
  t.port = impl->options.port;
  t.max_connections = impl->options.max_connections;
  t.metrics = impl->options.session.metrics;
  const SessionConfig* config = &impl->options.session;
  SSL_CTX* tls = impl->tls;
  t.serve = [config, tls](TcpConnection* c) { Serve(config, tls, c); };
  t.refusal = TooManyClients;
  OMEN_ASSIGN_OR_RETURN(impl->tcp, TcpServer::Start(std::move(t)));
  return std::unique_ptr<PgServer>(new PgServer(std::move(impl)));
}

PgServer::~PgServer() { Stop(); }

int PgServer::port() const { return impl_->tcp->port(); }

int PgServer::open_connections() const { return impl_->tcp->open_connections(); }

void PgServer::Stop() { impl_->tcp->Stop(); }

}  // namespace omen::server
