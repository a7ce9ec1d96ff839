#include "medallion/serve/http_server.h"

#include <array>
#include <atomic>
#include <condition_variable>
#include <csignal>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include "medallion/serve/url.h"

namespace medallion::serve {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

// After an error response to a request whose body we refused, read and drop
// what the client is still sending for a while: closing a socket with unread
// data makes the kernel send RST, and the client may never see our 413.
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr size_t kLingerMaxBytes = 16 << 20;

// What one read asks the socket for. Beast reads max(512, free capacity)
// bytes, and a flat_buffer that starts empty only ever grows to 512: every
// request bigger than that (a predict body with a few dozen features) took
// two recv calls.
constexpr size_t kReadChunkBytes = 16 << 10;

// Bounds a connection's metrics cache (a client cycling through many routes
// just falls back to the family lookups).
constexpr size_t kMaxCachedMetrics = 16;

std::string_view ToStd(beast::string_view s) { return {s.data(), s.size()}; }

bool IsHttpParseError(const beast::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_target).category();
}

}  // namespace

class Session;

// A connection's read/write deadline, kept lazily: moving it is a store, not
// a timer re-arm. beast::tcp_stream re-arms an asio timer (a timer queue
// update, sometimes a timerfd_settime) for every read and write; here the
// one timer wakes at the oldest deadline it was given; if the deadline moved
// on meanwhile it sleeps again until then, otherwise it cancels the socket's
// pending operations and remembers why. (bench/serve measured no throughput
// change from this: the predict route's cost is elsewhere.)
class LazyDeadline {
 public:
  explicit LazyDeadline(const net::any_io_executor& executor) : timer_(executor) {}

  // Holds `owner` alive while the timer waits (until Cancel or expiry).
  void Set(std::chrono::milliseconds from_now, tcp::socket& socket, std::shared_ptr<void> owner) {
    deadline_ = Clock::now() + from_now;
    expired_ = false;
    if (waiting_ && armed_at_ <= deadline_) return;  // it will wake in time and wait on
    Wait(socket, std::move(owner));
  }

  void Cancel() {
    cancelled_ = true;
    timer_.cancel();
  }

  // Whether the last operation ended because its deadline passed.
  bool expired() const { return expired_; }

 private:
  void Wait(tcp::socket& socket, std::shared_ptr<void> owner) {
    waiting_ = true;
    armed_at_ = deadline_;
    const uint64_t generation = ++generation_;
    timer_.expires_at(deadline_);  // aborts an earlier wait, which then sees a newer generation
    timer_.async_wait([this, &socket, owner = std::move(owner), generation](beast::error_code ec) mutable {
      if (generation != generation_) return;
      waiting_ = false;
      if (ec || cancelled_) return;
      if (Clock::now() < deadline_) return Wait(socket, std::move(owner));
      expired_ = true;
      beast::error_code ignored;
      socket.cancel(ignored);
    });
  }

  net::steady_timer timer_;
  Clock::time_point deadline_{};
  Clock::time_point armed_at_{};
  uint64_t generation_ = 0;
  bool waiting_ = false;
  bool cancelled_ = false;
  bool expired_ = false;
};

// State every connection shares with the server.
struct ServerState {
  ServerOptions options;
  std::shared_ptr<const Router> router;
  Family<Counter>* requests = nullptr;
  Family<Histogram>* latency = nullptr;
  Gauge* open_connections = nullptr;
  std::atomic<bool> stopping{false};

  std::mutex mu;
  std::condition_variable all_closed;
  std::map<uint64_t, std::weak_ptr<Session>> sessions;
  uint64_t next_session_id = 0;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, ServerState& state, uint64_t id)
      : socket_(std::move(socket)), deadline_(socket_.get_executor()), state_(state), id_(id) {
    buffer_.reserve(kReadChunkBytes);
    state_.open_connections->Inc();
  }
  ~Session() {
    state_.open_connections->Dec();
    std::lock_guard<std::mutex> lock(state_.mu);
    state_.sessions.erase(id_);
    if (state_.sessions.empty()) state_.all_closed.notify_all();
  }

  void Start() { net::dispatch(socket_.get_executor(), beast::bind_front_handler(&Session::ReadRequest, shared_from_this())); }

  // From Stop(): close now if waiting for a request, otherwise after the
  // response being prepared (OnWrite sees `stopping`).
  void RequestShutdown() {
    net::post(socket_.get_executor(), [self = shared_from_this()] {
      if (self->reading_ && (!self->parser_ || !self->parser_->got_some())) self->Close();
    });
  }

 private:
  void ReadRequest() {
    if (state_.stopping) return Close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(state_.options.header_limit));
    parser_->body_limit(state_.options.body_limit);
    deadline_.Set(state_.options.read_timeout, socket_, shared_from_this());
    reading_ = true;
    http::async_read(socket_, buffer_, *parser_, beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, size_t) {
    reading_ = false;
    const auto start = Clock::now();
    if (ec == http::error::end_of_stream || closed_) return Close();
    if (ec == net::error::operation_aborted) {  // our deadline, or Close
      if (deadline_.expired() && parser_->got_some()) {
        return SendError(start, 408, "request_timeout", "request not received in time");
      }
      return Close();
    }
    if (ec == http::error::body_limit) {
      return SendError(start, 413, "body_too_large",
                       "request body exceeds " + std::to_string(state_.options.body_limit) + " bytes");
    }
    if (ec == http::error::header_limit) {
      return SendError(start, 431, "headers_too_large",
                       "request headers exceed " + std::to_string(state_.options.header_limit) + " bytes");
    }
    if (IsHttpParseError(ec)) return SendError(start, 400, "bad_request", "malformed HTTP request");
    if (ec) return Close();
    Handle(parser_->release(), start);
  }

  void Handle(http::request<http::string_body> req, Clock::time_point start) {
    Request request;
    request.method = ParseMethod(ToStd(req.method_string()));
    auto target = ParseTarget(ToStd(req.target()));
    if (!target.ok()) {
      return Respond(ErrorResponse(400, "bad_target", target.status().message()), "unmatched", request.method,
                     req.keep_alive(), start);
    }
    request.path = std::move(target->path);
    request.query = std::move(target->query);
    for (const auto& field : req) {
      std::string name(ToStd(field.name_string()));
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto [it, inserted] = request.headers.emplace(std::move(name), std::string(ToStd(field.value())));
      if (!inserted) it->second += ", " + std::string(ToStd(field.value()));
    }
    request.body = std::move(req.body());
    TurnBatch::Add({shared_from_this(), std::move(request), req.keep_alive(), start}, socket_.get_executor());
  }

  // The requests whose reads completed in one turn of a thread's event loop:
  // they are dispatched together (Router::DispatchAll) by a handler posted
  // behind those reads, so a route with a batch handler (predict) makes one
  // call for all of them. Nothing waits for a timer: the batch is whatever
  // arrived together, one request when the server is idle.
  struct Pending {
    std::shared_ptr<Session> session;
    Request request;
    bool keep_alive;
    Clock::time_point start;
  };
  class TurnBatch {
   public:
    static void Add(Pending pending, const net::any_io_executor& executor) {
      auto& batch = ThisThread();
      batch.pending_.push_back(std::move(pending));
      if (batch.pending_.size() == 1) net::post(executor, [&batch] { batch.Flush(); });
    }

   private:
    // One io_context per thread, run by that thread alone: the batch of the
    // loop this thread runs.
    static TurnBatch& ThisThread() {
      thread_local TurnBatch batch;
      return batch;
    }

    void Flush() {
      std::vector<Pending> pending;
      pending.swap(pending_);
      std::vector<Request> requests;
      requests.reserve(pending.size());
      std::vector<Method> methods;
      for (auto& p : pending) {
        methods.push_back(p.request.method);
        requests.push_back(std::move(p.request));
      }
      // Sessions of one thread belong to one server (one router).
      auto dispatched = pending.front().session->state_.router->DispatchAll(std::move(requests));
      for (size_t i = 0; i < pending.size(); ++i) {
        pending[i].session->Respond(std::move(dispatched[i].response), dispatched[i].route, methods[i],
                                    pending[i].keep_alive, pending[i].start);
      }
    }

    std::vector<Pending> pending_;
  };

  void SendError(Clock::time_point start, int status, std::string_view code, std::string message) {
    linger_ = true;
    Respond(ErrorResponse(status, code, message), "none", Method::kOther, /*keep_alive=*/false, start);
  }

  void Respond(Response response, const std::string& route, Method method, bool keep_alive, Clock::time_point start) {
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(11);
    res->result(static_cast<unsigned>(response.status));
    res->set(http::field::server, "medallion");
    if (!response.content_type.empty()) res->set(http::field::content_type, response.content_type);
    res->set("X-Content-Type-Options", "nosniff");
    for (auto& [name, value] : response.headers) res->set(name, value);
    keep_alive = keep_alive && !state_.stopping;
    res->keep_alive(keep_alive);
    if (method == Method::kHead) {
      res->content_length(response.body.size());  // the size GET would send, no body
    } else {
      res->body() = std::move(response.body);
      res->prepare_payload();
    }
    RouteMetrics& metrics = MetricsFor(route, method, response.status);
    metrics.requests->Inc();
    metrics.latency->Observe(std::chrono::duration<double>(Clock::now() - start).count());
    if (spdlog::should_log(spdlog::level::debug)) {
      spdlog::debug("http {} {} -> {}", MethodName(method), route, response.status);
    }

    deadline_.Set(state_.options.write_timeout, socket_, shared_from_this());
    http::async_write(socket_, *res,
                      [self = shared_from_this(), res, keep_alive](beast::error_code ec, size_t) {
                        self->OnWrite(ec, keep_alive);
                      });
  }

  // The metric children of one (route, method, status). Looked up in the
  // families (a mutex and a map) once per connection, not per request: a
  // keep-alive connection mostly repeats the same few combinations.
  struct RouteMetrics {
    std::string route;
    Method method;
    int status;
    Counter* requests;
    Histogram* latency;
  };

  RouteMetrics& MetricsFor(const std::string& route, Method method, int status) {
    for (auto& m : metrics_cache_) {
      if (m.status == status && m.method == method && m.route == route) return m;
    }
    if (metrics_cache_.size() >= kMaxCachedMetrics) metrics_cache_.clear();
    const std::string method_label(MethodName(method));
    metrics_cache_.push_back({route, method, status,
                              &state_.requests->WithLabels({route, method_label, std::to_string(status)}),
                              &state_.latency->WithLabels({route, method_label})});
    return metrics_cache_.back();
  }

  void OnWrite(beast::error_code ec, bool keep_alive) {
    if (ec) return Close();
    if (linger_) return Linger();
    if (!keep_alive || state_.stopping) return Close();
    ReadRequest();
  }

  void Linger() {
    beast::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_send, ec);
    deadline_.Set(kLingerTime, socket_, shared_from_this());
    Drain();
  }

  void Drain() {
    socket_.async_read_some(net::buffer(drain_buffer_), [self = shared_from_this()](beast::error_code ec, size_t n) {
      self->drained_ += n;
      if (ec || self->drained_ > kLingerMaxBytes) return self->Close();
      self->Drain();
    });
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    beast::error_code ec;
    deadline_.Cancel();
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
  }

  tcp::socket socket_;
  LazyDeadline deadline_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  ServerState& state_;
  const uint64_t id_;
  bool reading_ = false;
  bool closed_ = false;
  bool linger_ = false;
  size_t drained_ = 0;
  std::vector<RouteMetrics> metrics_cache_;
  std::array<char, 16 << 10> drain_buffer_{};
};

namespace {

std::vector<std::unique_ptr<net::io_context>> MakeContexts(int threads) {
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::unique_ptr<net::io_context>> contexts;
  for (int i = 0; i < threads; ++i) contexts.push_back(std::make_unique<net::io_context>(1));
  return contexts;
}

}  // namespace

class HttpServer::Impl {
 public:
  Impl(ServerOptions options, std::shared_ptr<const Router> router)
      : contexts_(MakeContexts(options.threads)), acceptor_(*contexts_.front()) {
    state_.options = std::move(options);
    state_.router = std::move(router);
    MetricsRegistry& metrics = state_.options.metrics ? *state_.options.metrics : MetricsRegistry::Default();
    state_.requests = &metrics.AddCounter("medallion_http_requests_total",
                                          "HTTP requests by route template, method and status",
                                          {"route", "method", "status"});
    state_.latency = &metrics.AddHistogram("medallion_http_request_duration_seconds",
                                           "HTTP request handling time in seconds, by route template and method",
                                           {"route", "method"});
    state_.open_connections =
        &metrics.AddGauge("medallion_http_open_connections", "HTTP connections currently open").Get();
  }

  ~Impl() { Stop(); }

  Status Start() {
    if (started_) return Status::OK();
    beast::error_code ec;
    auto address = net::ip::make_address(state_.options.bind, ec);
    if (ec) return Status::InvalidArgument("bind address '" + state_.options.bind + "' is not an IP address");
    tcp::endpoint endpoint(address, state_.options.port);
    const std::string where = state_.options.bind + ":" + std::to_string(state_.options.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) return Status::IOError("cannot listen on " + where + ": " + ec.message());
    port_ = acceptor_.local_endpoint().port();
    Accept();
    for (auto& context : contexts_) {
      work_.push_back(net::make_work_guard(*context));
      threads_.emplace_back([&context] { context->run(); });
    }
    started_ = true;
    spdlog::info("serving HTTP on {}:{} with {} threads", state_.options.bind, port_, contexts_.size());
    return Status::OK();
  }

  void Stop() {
    if (!started_ || stopped_) return;
    stopped_ = true;
    state_.stopping = true;
    net::post(acceptor_.get_executor(), [this] {
      beast::error_code ec;
      acceptor_.close(ec);
    });
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard<std::mutex> lock(state_.mu);
      for (auto& [id, weak] : state_.sessions) {
        if (auto s = weak.lock()) live.push_back(std::move(s));
      }
    }
    for (auto& s : live) s->RequestShutdown();
    live.clear();
    {
      std::unique_lock<std::mutex> lock(state_.mu);
      state_.all_closed.wait_for(lock, state_.options.shutdown_grace, [this] { return state_.sessions.empty(); });
    }
    work_.clear();
    for (auto& context : contexts_) context->stop();
    for (auto& t : threads_) t.join();
    threads_.clear();
    spdlog::info("HTTP server on port {} stopped", port_);
  }

  uint16_t port() const { return port_; }

 private:
  void Accept() {
    // Connections are dealt round-robin to the threads' contexts and stay
    // there: a request never hops threads (no wake-ups, no locks between
    // its read, handler and write).
    net::io_context& context = *contexts_[next_context_++ % contexts_.size()];
    acceptor_.async_accept(context, [this](beast::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
      if (ec) {
        spdlog::warn("accept failed: {}", ec.message());
      } else if (!state_.stopping) {
        // Responses go out in one write each; Nagle would only hold the
        // next response of a pipelining client.
        beast::error_code nodelay_error;
        socket.set_option(tcp::no_delay(true), nodelay_error);
        std::shared_ptr<Session> session;
        {
          std::lock_guard<std::mutex> lock(state_.mu);
          uint64_t id = state_.next_session_id++;
          session = std::make_shared<Session>(std::move(socket), state_, id);
          state_.sessions[id] = session;
        }
        session->Start();
      }
      Accept();
    });
  }

  // Order matters: sessions owned by pending handlers unregister from state_
  // when the io_contexts are destroyed, so state_ must outlive contexts_.
  ServerState state_;
  // One io_context per thread, each run by its thread alone.
  std::vector<std::unique_ptr<net::io_context>> contexts_;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> work_;
  tcp::acceptor acceptor_;
  size_t next_context_ = 0;
  std::vector<std::thread> threads_;
  uint16_t port_ = 0;
  bool started_ = false;
  bool stopped_ = false;
};

HttpServer::HttpServer(ServerOptions options, std::shared_ptr<const Router> router)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(router))) {}

HttpServer::~HttpServer() = default;

Status HttpServer::Start() { return impl_->Start(); }
uint16_t HttpServer::port() const { return impl_->port(); }
void HttpServer::Stop() { impl_->Stop(); }

Status HttpServer::RunUntilSignal() {
  MEDALLION_RETURN_IF_ERROR(Start());
  net::io_context signal_context;
  net::signal_set signals(signal_context, SIGINT, SIGTERM);
  signals.async_wait([](beast::error_code ec, int signal) {
    if (!ec) spdlog::info("received signal {}, shutting down", signal);
  });
  signal_context.run();
  Stop();
  return Status::OK();
}

}  // namespace medallion::serve
