// The server end to end on loopback: a real socket, Beast on both sides.
#include "medallion/serve/http_server.h"

#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <span>
#include <thread>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "medallion/serve/api.h"

namespace medallion::serve {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace fs = std::filesystem;
using tcp = net::ip::tcp;
using ::testing::HasSubstr;

using ClientResponse = http::response<http::string_body>;

// One keep-alive connection to the server under test.
class Client {
 public:
  explicit Client(uint16_t port) : stream_(ioc_) {
    stream_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }

  ClientResponse Send(http::request<http::string_body> req) {
    req.version(11);
    req.set(http::field::host, "127.0.0.1");
    req.prepare_payload();
    http::write(stream_, req);
    return Read();
  }
  ClientResponse Get(std::string target, std::string authorization = "") {
    http::request<http::string_body> req{http::verb::get, target, 11};
    if (!authorization.empty()) req.set(http::field::authorization, authorization);
    return Send(std::move(req));
  }
  ClientResponse Post(std::string target, std::string body) {
    http::request<http::string_body> req{http::verb::post, target, 11};
    req.set(http::field::content_type, "application/json");
    req.body() = std::move(body);
    return Send(std::move(req));
  }
  ClientResponse Read() {
    ClientResponse res;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    http::read(stream_, buffer_, parser);
    return parser.release();
  }
  // True once the server closed the connection.
  bool ServerClosed() {
    beast::error_code ec;
    char byte;
    stream_.socket().read_some(net::buffer(&byte, 1), ec);
    return ec == net::error::eof || ec == net::error::connection_reset;
  }
  beast::tcp_stream& stream() { return stream_; }

 private:
  net::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

nlohmann::json Json(const ClientResponse& r) { return nlohmann::json::parse(r.body()); }

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static_dir_ = fs::temp_directory_path() / ("medallion-serve-" + std::to_string(std::random_device{}()));
    fs::create_directories(static_dir_);
    std::ofstream(static_dir_ / "index.html") << "<html>dashboard</html>";
    std::ofstream(static_dir_.parent_path() / (static_dir_.filename().string() + "-secret.txt")) << "secret";

    ApiOptions api;
    api.metrics = &metrics_;
    api.static_dir = static_dir_.string();
    api.admin_auth = AdminAuth("test-token");
    api.readiness = [this] { return ready_ ? Status::OK() : Status::Internal("lake not reachable"); };
    auto router = BuildApiRouter(std::move(api));
    ASSERT_TRUE(router.ok()) << router.status();
    RouteSpec admin;
    admin.method = Method::kPost;
    admin.path = "/api/v1/admin/ping";
    admin.operation_id = "admin_ping";
    admin.admin = true;
    ASSERT_TRUE((*router)->Add(admin, [](const Request&) { return JsonResponse(200, {{"pong", true}}); }).ok());

    RouteSpec items;
    items.path = "/api/v1/items";
    items.operation_id = "items";
    ParamSpec limit = QueryParam("limit", ParamType::kInteger, true);
    limit.minimum = 1;
    limit.maximum = 100;
    items.params = {limit};
    ASSERT_TRUE((*router)->Add(items, [](const Request& r) {
      return JsonResponse(200, {{"limit", *r.params.Int("limit")}});
    }).ok());

    ServerOptions options;
    options.port = 0;
    options.threads = 2;
    options.body_limit = 64 << 10;
    options.header_limit = 4 << 10;
    options.metrics = &metrics_;
    server_ = std::make_unique<HttpServer>(options, *router);
    ASSERT_TRUE(server_->Start().ok());
    ASSERT_NE(server_->port(), 0);
  }
  void TearDown() override {
    server_->Stop();
    fs::remove(static_dir_.parent_path() / (static_dir_.filename().string() + "-secret.txt"));
    fs::remove_all(static_dir_);
  }

  MetricsRegistry metrics_;
  std::atomic<bool> ready_{true};
  fs::path static_dir_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, HealthReadyAndKeepAliveOnOneConnection) {
  Client client(server_->port());
  auto health = client.Get("/health");
  EXPECT_EQ(health.result_int(), 200);
  EXPECT_EQ(Json(health)["status"], "ok");
  EXPECT_TRUE(health.keep_alive());
  EXPECT_EQ(client.Get("/ready").result_int(), 200);
  ready_ = false;
  auto not_ready = client.Get("/ready");  // same connection: keep-alive held
  EXPECT_EQ(not_ready.result_int(), 503);
  EXPECT_EQ(Json(not_ready)["error"]["message"], "lake not reachable");
}

TEST_F(HttpServerTest, ErrorsAreJson404And405) {
  Client client(server_->port());
  auto missing = client.Get("/api/v1/nope");
  EXPECT_EQ(missing.result_int(), 404);
  EXPECT_EQ(missing[http::field::content_type], "application/json");
  EXPECT_EQ(Json(missing)["error"]["code"], "not_found");

  http::request<http::string_body> del{http::verb::delete_, "/health", 11};
  auto wrong_method = client.Send(std::move(del));
  EXPECT_EQ(wrong_method.result_int(), 405);
  EXPECT_EQ(wrong_method[http::field::allow], "GET");
}

TEST_F(HttpServerTest, AdminTokenMissingIs401WrongIs403) {
  Client client(server_->port());
  http::request<http::string_body> req{http::verb::post, "/api/v1/admin/ping", 11};
  EXPECT_EQ(client.Send(req).result_int(), 401);
  req.set(http::field::authorization, "Bearer nope");
  auto denied = client.Send(req);
  EXPECT_EQ(denied.result_int(), 403);
  EXPECT_THAT(denied.body(), ::testing::Not(HasSubstr("test-token")));
  req.set(http::field::authorization, "Bearer test-token");
  EXPECT_EQ(client.Send(req).result_int(), 200);
}

TEST_F(HttpServerTest, PredictValidatesBodies) {
  Client client(server_->port());
  auto malformed = client.Post("/api/v1/predict", "{\"rows\": [");
  EXPECT_EQ(malformed.result_int(), 400);
  EXPECT_EQ(Json(malformed)["error"]["code"], "malformed_json");
  auto bad_value = client.Post("/api/v1/predict", R"({"rows": [{"price": "x"}]})");
  EXPECT_EQ(bad_value.result_int(), 400);
  EXPECT_EQ(Json(bad_value)["error"]["field"], "rows[0].price");
  EXPECT_EQ(client.Post("/api/v1/predict", R"({"rows": [{"price": 1}]})").result_int(), 503);  // no champion
}

TEST_F(HttpServerTest, OversizeBodyIs413AndCloses) {
  Client client(server_->port());
  auto res = client.Post("/api/v1/predict", std::string(200 << 10, ' '));
  EXPECT_EQ(res.result_int(), 413);
  EXPECT_EQ(Json(res)["error"]["code"], "body_too_large");
  EXPECT_FALSE(res.keep_alive());
  EXPECT_TRUE(client.ServerClosed());
}

TEST_F(HttpServerTest, OversizeHeadersAre431) {
  Client client(server_->port());
  http::request<http::string_body> req{http::verb::get, "/health", 11};
  req.set("X-Padding", std::string(8 << 10, 'a'));
  auto res = client.Send(std::move(req));
  EXPECT_EQ(res.result_int(), 431);
  EXPECT_EQ(Json(res)["error"]["code"], "headers_too_large");
}

TEST_F(HttpServerTest, MalformedRequestIs400) {
  Client client(server_->port());
  net::write(client.stream().socket(), net::buffer(std::string("GARBAGE\r\n\r\n")));
  auto res = client.Read();
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_EQ(Json(res)["error"]["code"], "bad_request");
}

TEST_F(HttpServerTest, QueryParametersAreValidated) {
  Client client(server_->port());
  EXPECT_EQ(Json(client.Get("/api/v1/items?limit=7"))["limit"], 7);
  for (const char* target : {"/api/v1/items", "/api/v1/items?limit=abc", "/api/v1/items?limit=101"}) {
    auto res = client.Get(target);
    EXPECT_EQ(res.result_int(), 400) << target;
    EXPECT_EQ(Json(res)["error"]["field"], "limit") << target;
  }
  auto bad_escape = client.Get("/api/v1/items?limit=%zz");
  EXPECT_EQ(bad_escape.result_int(), 400);
  EXPECT_EQ(Json(bad_escape)["error"]["code"], "bad_target");
}

TEST_F(HttpServerTest, StaticFilesAndTraversal) {
  Client client(server_->port());
  auto index = client.Get("/");
  EXPECT_EQ(index.result_int(), 200);
  EXPECT_EQ(index.body(), "<html>dashboard</html>");
  EXPECT_EQ(index[http::field::content_type], "text/html; charset=utf-8");
  EXPECT_EQ(client.Get("/sales").body(), "<html>dashboard</html>");  // client-side route

  const std::string secret = "/../" + static_dir_.filename().string() + "-secret.txt";
  const std::string encoded = "/%2e%2e/" + static_dir_.filename().string() + "-secret.txt";
  const std::string encoded_slash = "/..%2f" + static_dir_.filename().string() + "-secret.txt";
  for (const std::string& path : {secret, encoded, encoded_slash, std::string("//etc/passwd"),
                                  std::string("/%2e%2e/%2e%2e/%2e%2e/etc/passwd")}) {
    auto res = client.Get(path);
    EXPECT_EQ(res.result_int(), 404) << path;
    EXPECT_THAT(res.body(), ::testing::Not(HasSubstr("secret"))) << path;
    EXPECT_THAT(res.body(), ::testing::Not(HasSubstr("root:"))) << path;
  }
}

TEST_F(HttpServerTest, MetricsCountRequestsByRouteAndStatus) {
  Client client(server_->port());
  client.Get("/health");
  client.Get("/health");
  client.Get("/api/v1/none");
  auto res = client.Get("/metrics");
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res[http::field::content_type], "text/plain; version=0.0.4; charset=utf-8");
  const std::string& text = res.body();
  EXPECT_THAT(text, HasSubstr("# TYPE medallion_http_requests_total counter\n"));
  EXPECT_THAT(text, HasSubstr("medallion_http_requests_total{route=\"/health\",method=\"GET\",status=\"200\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("medallion_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE medallion_http_request_duration_seconds histogram\n"));
  EXPECT_THAT(text, HasSubstr("medallion_http_request_duration_seconds_count{route=\"/health\",method=\"GET\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("medallion_http_open_connections 1\n"));
}

TEST_F(HttpServerTest, OpenApiAndDocsAreServed) {
  Client client(server_->port());
  auto spec = client.Get("/openapi.json");
  ASSERT_EQ(spec.result_int(), 200);
  auto doc = Json(spec);
  EXPECT_EQ(doc["openapi"], "3.1.0");
  EXPECT_TRUE(doc["paths"].contains("/api/v1/predict"));
  EXPECT_TRUE(doc["paths"]["/api/v1/admin/ping"]["post"].contains("security"));
  auto docs = client.Get("/docs");
  EXPECT_EQ(docs.result_int(), 200);
  EXPECT_THAT(docs.body(), HasSubstr("fetch(\"/openapi.json\")"));
  EXPECT_THAT(docs.body(), ::testing::Not(HasSubstr("https://")));  // nothing from a CDN
}

TEST_F(HttpServerTest, StopClosesIdleKeepAliveConnections) {
  Client client(server_->port());
  EXPECT_EQ(client.Get("/health").result_int(), 200);
  server_->Stop();  // must not wait for the idle connection's read timeout
  EXPECT_TRUE(client.ServerClosed());
}

TEST(HttpServer, ReadTimeoutAnswers408MidRequestClosesIdleAndMovesWithEachRequest) {
  MetricsRegistry metrics;
  ApiOptions api;
  api.metrics = &metrics;
  auto router = BuildApiRouter(std::move(api));
  ASSERT_TRUE(router.ok()) << router.status();
  ServerOptions options;
  options.port = 0;
  options.threads = 1;
  options.read_timeout = std::chrono::milliseconds(300);
  options.metrics = &metrics;
  HttpServer server(options, *router);
  ASSERT_TRUE(server.Start().ok());

  // Requests 150 ms apart outlive the first deadline: each one moves it.
  Client steady(server.port());
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(steady.Get("/health").result_int(), 200) << "request " << i;
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
  }

  Client stalled(server.port());
  net::write(stalled.stream().socket(), net::buffer(std::string_view("GET /health HTTP/1.1\r\nHost: x\r\n")));
  const auto sent = std::chrono::steady_clock::now();
  ClientResponse timed_out = stalled.Read();
  EXPECT_EQ(timed_out.result_int(), 408);
  EXPECT_EQ(Json(timed_out)["error"]["code"], "request_timeout");
  EXPECT_GE(std::chrono::steady_clock::now() - sent, std::chrono::milliseconds(250));
  EXPECT_TRUE(stalled.ServerClosed());  // after its linger (2 s), not the 30 s write timeout before it

  Client idle(server.port());
  EXPECT_TRUE(idle.ServerClosed());
  server.Stop();
}

TEST(HttpServer, RequestsThatArriveTogetherReachTheBatchHandlerTogether) {
  MetricsRegistry metrics;
  auto router = std::make_shared<Router>();
  std::mutex mu;
  std::vector<size_t> batch_sizes;
  RouteSpec echo;
  echo.method = Method::kPost;
  echo.path = "/echo";
  echo.operation_id = "echo";
  ASSERT_TRUE(router->Add(
      echo, [](const Request& r) { return JsonResponse(200, {{"echo", r.body}}); },
      [&](std::span<const Request> requests) {
        std::lock_guard<std::mutex> lock(mu);
        batch_sizes.push_back(requests.size());
        std::vector<Response> out;
        for (const auto& r : requests) out.push_back(JsonResponse(200, {{"echo", r.body}}));
        return out;
      }).ok());
  // Holds the server's only thread while the echo requests arrive.
  RouteSpec slow;
  slow.path = "/slow";
  slow.operation_id = "slow";
  ASSERT_TRUE(router->Add(slow, [](const Request&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return JsonResponse(200, {{"slow", true}});
  }).ok());
  ServerOptions options;
  options.port = 0;
  options.threads = 1;
  options.metrics = &metrics;
  HttpServer server(options, router);
  ASSERT_TRUE(server.Start().ok());

  constexpr int kClients = 4;
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < kClients; ++i) clients.push_back(std::make_unique<Client>(server.port()));
  Client blocker(server.port());
  std::thread slow_request([&] { EXPECT_EQ(blocker.Get("/slow").result_int(), 200); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::vector<std::thread> senders;
  for (int i = 0; i < kClients; ++i) {
    senders.emplace_back([&, i] {
      // Twice: the second round is answered after the first, on a loop that
      // is no longer blocked.
      for (int round = 0; round < 2; ++round) {
        const std::string body = "client " + std::to_string(i) + " round " + std::to_string(round);
        auto res = clients[i]->Post("/echo", body);
        EXPECT_EQ(res.result_int(), 200);
        EXPECT_EQ(Json(res)["echo"], body);
      }
    });
  }
  for (auto& t : senders) t.join();
  slow_request.join();
  server.Stop();
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_FALSE(batch_sizes.empty());
  EXPECT_EQ(batch_sizes.front(), static_cast<size_t>(kClients));  // all first rounds waited behind /slow together
}

TEST(HttpServer, BindFailureNamesTheAddress) {
  MetricsRegistry metrics;
  ServerOptions options;
  options.bind = "not-an-ip";
  options.metrics = &metrics;
  HttpServer server(options, std::make_shared<Router>());
  Status st = server.Start();
  EXPECT_TRUE(st.IsInvalidArgument());
  EXPECT_THAT(st.message(), HasSubstr("not-an-ip"));
}

}  // namespace
}  // namespace medallion::serve
