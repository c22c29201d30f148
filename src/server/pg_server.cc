// Copyright 2026 The OmenDB Authors.

#include "server/pg_server.h"

#include "server/pg_protocol.h"

namespace omen::server {

struct PgServer::Impl {
  PgServerOptions options;
  CancelRegistry cancels;
  std::unique_ptr<TcpServer> tcp;
};

namespace {

void Serve(const SessionConfig* config, TcpConnection* conn) {
  PgSession session(config);
  std::vector<char> buf(64 * 1024);
  std::string out;
  while (!session.closed() && !conn->stopping()) {
    const size_t n = conn->Read(buf.data(), buf.size());
    if (n == 0) break;
    out.clear();
    session.Feed(std::string_view(buf.data(), n), &out);
    if (!out.empty() && !conn->Write(out)) break;
  }
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
  TcpServerOptions t;
  t.name = "pgwire";
  t.listen = impl->options.listen;
  t.port = impl->options.port;
  t.max_connections = impl->options.max_connections;
  t.metrics = impl->options.session.metrics;
  const SessionConfig* config = &impl->options.session;
  t.serve = [config](TcpConnection* c) { Serve(config, c); };
  t.refusal = TooManyClients;
  OMEN_ASSIGN_OR_RETURN(impl->tcp, TcpServer::Start(std::move(t)));
  return std::unique_ptr<PgServer>(new PgServer(std::move(impl)));
}

PgServer::~PgServer() { Stop(); }

int PgServer::port() const { return impl_->tcp->port(); }

int PgServer::open_connections() const { return impl_->tcp->open_connections(); }

void PgServer::Stop() { impl_->tcp->Stop(); }

}  // namespace omen::server
