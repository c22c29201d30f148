// Copyright 2026 The OmenDB Authors.

#include "server/tcp_server.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>

#include <algorithm>
#include <asio.hpp>
#include <atomic>
#include <climits>
#include <list>
#include <mutex>
#include <thread>

#include "common/logging.h"

namespace omen::server {

struct TcpServer::Impl {
  struct Connection : TcpConnection {
    std::shared_ptr<asio::ip::tcp::socket> socket;
    std::thread thread;
    std::atomic<bool> done{false};
    const std::atomic<bool>* stop = nullptr;

    SSL* ssl = nullptr;  // after StartTls

    ~Connection() override {
      if (ssl != nullptr) SSL_free(ssl);
    }
    size_t Read(char* buf, size_t n) override {
      if (ssl != nullptr) {
        const int got = SSL_read(ssl, buf, static_cast<int>(std::min<size_t>(n, INT32_MAX)));
        return got > 0 ? static_cast<size_t>(got) : 0;
      }
      asio::error_code ec;
      const size_t got = socket->read_some(asio::buffer(buf, n), ec);
      return ec ? 0 : got;
    }
    bool WaitReadable(int timeout_ms) override {
      if (ssl != nullptr && SSL_pending(ssl) > 0) return true;
      pollfd p{socket->native_handle(), POLLIN, 0};
      return ::poll(&p, 1, timeout_ms) != 0;
    }
    bool Write(std::string_view data) override {
      if (ssl != nullptr) {
        while (!data.empty()) {
          const int n =
              SSL_write(ssl, data.data(), static_cast<int>(std::min<size_t>(data.size(), 1 << 20)));
          if (n <= 0) return false;
          data.remove_prefix(static_cast<size_t>(n));
        }
        return true;
      }
      asio::error_code ec;
      asio::write(*socket, asio::buffer(data.data(), data.size()), ec);
      return !ec;
    }
    bool stopping() const override { return stop->load(); }
    bool StartTls(void* ssl_ctx, std::string* error) override {
      ssl = SSL_new(static_cast<SSL_CTX*>(ssl_ctx));
      if (ssl == nullptr || SSL_set_fd(ssl, socket->native_handle()) != 1 || SSL_accept(ssl) != 1) {
        char buf[256];
        ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
        *error = buf;
        ERR_clear_error();
        return false;
      }
      return true;
    }
  };

  TcpServerOptions options;
  asio::io_context io;
  std::unique_ptr<asio::ip::tcp::acceptor> acceptor;
  std::thread accept_thread;
  std::mutex mu;
  std::list<Connection> connections;  // GUARDED_BY(mu)
  std::atomic<bool> stopping{false};
  std::atomic<int> open{0};

  void AcceptLoop();
  void Serve(Connection* c);
  void Reap();  // joins finished connection threads; REQUIRES: mu held
};

void TcpServer::Impl::Serve(Connection* c) {
  asio::error_code ec;
  c->socket->set_option(asio::ip::tcp::no_delay(true), ec);
  if (options.metrics != nullptr) options.metrics->ConnectionOpened(options.name);
  options.serve(c);
  if (options.metrics != nullptr) options.metrics->ConnectionClosed(options.name);
  // Shut down but do not close: Stop() may shut the socket down concurrently; it is closed when
  // the connection is reaped, after this thread is joined.
  c->socket->shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  open.fetch_sub(1);
  c->done.store(true);
}

void TcpServer::Impl::Reap() {
  for (auto it = connections.begin(); it != connections.end();) {
    if (it->done.load()) {
      it->thread.join();
      it = connections.erase(it);
    } else {
      ++it;
    }
  }
}

void TcpServer::Impl::AcceptLoop() {
  while (!stopping.load()) {
    auto sock = std::make_shared<asio::ip::tcp::socket>(io);
    asio::error_code ec;
    acceptor->accept(*sock, ec);
    if (stopping.load()) break;
    if (ec) {
      Log(LogLevel::kWarn, "%s: accept failed: %s", options.name.c_str(), ec.message().c_str());
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    std::lock_guard<std::mutex> lock(mu);
    Reap();
    if (open.load() >= options.max_connections) {
      if (options.refusal) asio::write(*sock, asio::buffer(options.refusal()), ec);
      sock->close(ec);
      continue;
    }
    open.fetch_add(1);
    connections.emplace_back();
    Connection* c = &connections.back();
    c->socket = std::move(sock);
    c->stop = &stopping;
    c->thread = std::thread([this, c] { Serve(c); });
  }
}

TcpServer::TcpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Result<std::unique_ptr<TcpServer>> TcpServer::Start(TcpServerOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  asio::error_code ec;
  const auto address = asio::ip::make_address(impl->options.listen, ec);
  if (ec) return Status::InvalidArgument("bad listen address " + impl->options.listen);
  asio::ip::tcp::endpoint endpoint(address, static_cast<uint16_t>(impl->options.port));
  impl->acceptor = std::make_unique<asio::ip::tcp::acceptor>(impl->io);
  impl->acceptor->open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor->set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
  if (!ec) impl->acceptor->bind(endpoint, ec);
  if (!ec) impl->acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::IOError("cannot listen on " + impl->options.listen + ":" +
                           std::to_string(impl->options.port) + ": " + ec.message());
  }
  Impl* raw = impl.get();
  impl->accept_thread = std::thread([raw] { raw->AcceptLoop(); });
  return std::unique_ptr<TcpServer>(new TcpServer(std::move(impl)));
}

TcpServer::~TcpServer() { Stop(); }

int TcpServer::port() const { return impl_->acceptor->local_endpoint().port(); }

int TcpServer::open_connections() const { return impl_->open.load(); }

void TcpServer::Stop() {
  if (impl_->stopping.exchange(true)) return;
  asio::error_code ec;
  // Wake the blocking accept with a connection of our own, then close the listener.
  {
    asio::ip::tcp::socket wake(impl_->io);
    auto ep = impl_->acceptor->local_endpoint(ec);
    if (!ec) {
      if (ep.address().is_unspecified()) ep.address(asio::ip::make_address("127.0.0.1"));
      wake.connect(ep, ec);
    }
  }
  if (impl_->accept_thread.joinable()) impl_->accept_thread.join();
  impl_->acceptor->close(ec);
  std::lock_guard<std::mutex> lock(impl_->mu);
  for (auto& c : impl_->connections) {
    c.socket->shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  }
  for (auto& c : impl_->connections) c.thread.join();
  impl_->connections.clear();
}

}  // namespace omen::server
