// The HTTP/1.1 server: Boost.Beast on N threads, each running its own asio
// io_context; a connection stays on one thread. Keep-alive, limits on header
// and body size, read/write timeouts, and a graceful stop (idle connections
// close at once, busy ones after their response, within a grace period).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "medallion/common/status.h"
#include "medallion/serve/metrics.h"
#include "medallion/serve/router.h"

namespace medallion::serve {

struct ServerOptions {
  std::string bind = "127.0.0.1";
  uint16_t port = 8080;  // 0: an ephemeral port (see HttpServer::port())
  int threads = 0;       // 0: one per core
  size_t body_limit = 1 << 20;     // bytes; larger bodies get 413
  size_t header_limit = 16 << 10;  // bytes of request line + headers; more gets 431
  // To receive a whole request, including a keep-alive wait for the next one.
  std::chrono::milliseconds read_timeout{30'000};
  std::chrono::milliseconds write_timeout{30'000};
  std::chrono::milliseconds shutdown_grace{10'000};
  MetricsRegistry* metrics = nullptr;  // null: MetricsRegistry::Default()
};

class HttpServer {
 public:
  HttpServer(ServerOptions options, std::shared_ptr<const Router> router);
  ~HttpServer();  // stops and joins if still running
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts the worker threads. IOError names the address
  // when the bind fails.
  Status Start();

  // The bound port (the real one when options.port was 0). Valid after Start.
  uint16_t port() const;

  // Stops accepting, lets in-flight requests finish (up to shutdown_grace),
  // then joins the threads. Safe to call more than once.
  void Stop();

  // Start, then block until SIGINT or SIGTERM, then Stop.
  Status RunUntilSignal();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace medallion::serve
