#include "medallion/serve/router.h"

#include <stdexcept>

#include <gtest/gtest.h>

namespace medallion::serve {
namespace {

nlohmann::json Body(const Response& r) { return nlohmann::json::parse(r.body); }

Request Make(Method method, std::string path, std::vector<std::pair<std::string, std::string>> query = {}) {
  Request request;
  request.method = method;
  request.path = std::move(path);
  request.query = std::move(query);
  return request;
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RouteSpec model;
    model.path = "/api/v1/models/{name}";
    model.operation_id = "get_model";
    model.params = {PathParam("name")};
    ParamSpec limit = QueryParam("limit", ParamType::kInteger);
    limit.minimum = 1;
    model.params.push_back(limit);
    ASSERT_TRUE(router_.Add(model, [](const Request& r) {
      return JsonResponse(200, {{"name", *r.params.String("name")}, {"limit", r.params.Int("limit").value_or(-1)}});
    }).ok());

    RouteSpec champion;
    champion.path = "/api/v1/models/champion";
    champion.operation_id = "get_champion";
    ASSERT_TRUE(router_.Add(champion, [](const Request&) { return JsonResponse(200, {{"champion", true}}); }).ok());

    RouteSpec promote;
    promote.method = Method::kPost;
    promote.path = "/api/v1/models/{name}/promote";
    promote.operation_id = "promote";
    promote.admin = true;
    promote.params = {PathParam("name")};
    ASSERT_TRUE(router_.Add(promote, [](const Request& r) { return JsonResponse(200, {{"promoted", r.path_params.at("name")}}); }).ok());

    RouteSpec boom;
    boom.path = "/boom";
    boom.operation_id = "boom";
    ASSERT_TRUE(router_.Add(boom, [](const Request&) -> Response { throw std::runtime_error("/secret/path exploded"); }).ok());
  }

  Router router_{AdminAuth("tok")};
};

TEST_F(RouterTest, MatchesTemplatesAndPrefersLiterals) {
  auto d = router_.Dispatch(Make(Method::kGet, "/api/v1/models/xgb", {{"limit", "5"}}));
  EXPECT_EQ(d.response.status, 200);
  EXPECT_EQ(d.route, "/api/v1/models/{name}");
  EXPECT_EQ(Body(d.response), (nlohmann::json{{"name", "xgb"}, {"limit", 5}}));

  d = router_.Dispatch(Make(Method::kGet, "/api/v1/models/champion"));
  EXPECT_EQ(Body(d.response), (nlohmann::json{{"champion", true}}));
}

TEST_F(RouterTest, InvalidQueryIs400NamingTheField) {
  auto d = router_.Dispatch(Make(Method::kGet, "/api/v1/models/xgb", {{"limit", "0"}}));
  EXPECT_EQ(d.response.status, 400);
  EXPECT_EQ(Body(d.response)["error"]["field"], "limit");
  EXPECT_EQ(Body(d.response)["error"]["code"], "invalid_parameter");
}

TEST_F(RouterTest, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  auto d = router_.Dispatch(Make(Method::kGet, "/api/v1/nothing"));
  EXPECT_EQ(d.response.status, 404);
  EXPECT_EQ(d.route, "unmatched");
  EXPECT_EQ(Body(d.response)["error"]["code"], "not_found");

  d = router_.Dispatch(Make(Method::kDelete, "/api/v1/models/xgb"));
  EXPECT_EQ(d.response.status, 405);
  ASSERT_EQ(d.response.headers.size(), 1u);
  EXPECT_EQ(d.response.headers[0], (std::pair<std::string, std::string>{"Allow", "GET"}));
}

TEST_F(RouterTest, AdminRoutesNeedTheToken) {
  Request r = Make(Method::kPost, "/api/v1/models/xgb/promote");
  EXPECT_EQ(router_.Dispatch(r).response.status, 401);
  r.headers["authorization"] = "Bearer wrong";
  auto denied = router_.Dispatch(r);
  EXPECT_EQ(denied.response.status, 403);
  EXPECT_EQ(denied.response.body.find("wrong"), std::string::npos);
  r.headers["authorization"] = "Bearer tok";
  EXPECT_EQ(router_.Dispatch(r).response.status, 200);
}

TEST_F(RouterTest, HandlerExceptionBecomesOpaque500) {
  auto d = router_.Dispatch(Make(Method::kGet, "/boom"));
  EXPECT_EQ(d.response.status, 500);
  EXPECT_EQ(d.response.body.find("secret"), std::string::npos);
}

TEST_F(RouterTest, FallbackServesOnlyNonApiGets) {
  router_.SetFallback([](const Request& r) { return JsonResponse(200, {{"static", r.path}}); });
  EXPECT_EQ(router_.Dispatch(Make(Method::kGet, "/sales")).route, "static");
  EXPECT_EQ(router_.Dispatch(Make(Method::kGet, "/api/v2/x")).response.status, 404);
  EXPECT_EQ(router_.Dispatch(Make(Method::kPost, "/sales")).response.status, 404);

  router_.SetFallback([](const Request&) -> Response { throw std::runtime_error("/secret/web/dist gone"); });
  auto d = router_.Dispatch(Make(Method::kGet, "/sales"));
  EXPECT_EQ(d.response.status, 500);
  EXPECT_EQ(d.response.body.find("secret"), std::string::npos);
}

TEST(Router, DispatchAllHandsARoutesRequestsToItsBatchHandlerInOneCall) {
  Router router(AdminAuth("tok"));
  std::vector<size_t> batch_sizes;
  RouteSpec echo;
  echo.method = Method::kPost;
  echo.path = "/echo";
  echo.operation_id = "echo";
  auto one = [](const Request& r) { return JsonResponse(200, {{"echo", r.body}, {"batched", false}}); };
  auto many = [&batch_sizes](std::span<const Request> requests) {
    batch_sizes.push_back(requests.size());
    std::vector<Response> out;
    for (const auto& r : requests) out.push_back(JsonResponse(200, {{"echo", r.body}, {"batched", true}}));
    return out;
  };
  ASSERT_TRUE(router.Add(echo, one, many).ok());
  RouteSpec plain;
  plain.path = "/plain";
  plain.operation_id = "plain";
  ASSERT_TRUE(router.Add(plain, [](const Request&) { return JsonResponse(200, {{"plain", true}}); }).ok());

  std::vector<Request> requests;
  for (const char* body : {"a", "b"}) {
    requests.push_back(Make(Method::kPost, "/echo"));
    requests.back().body = body;
  }
  requests.insert(requests.begin() + 1, Make(Method::kGet, "/plain"));
  requests.push_back(Make(Method::kGet, "/nowhere"));
  requests.push_back(Make(Method::kPost, "/echo"));
  requests.back().body = "c";
  auto out = router.DispatchAll(std::move(requests));
  ASSERT_EQ(out.size(), 5u);
  EXPECT_EQ(batch_sizes, (std::vector<size_t>{3}));
  EXPECT_EQ(Body(out[0].response)["echo"], "a");
  EXPECT_EQ(Body(out[0].response)["batched"], true);
  EXPECT_EQ(Body(out[1].response)["plain"], true);
  EXPECT_EQ(Body(out[2].response)["echo"], "b");
  EXPECT_EQ(out[3].response.status, 404);
  EXPECT_EQ(out[3].route, "unmatched");
  EXPECT_EQ(Body(out[4].response)["echo"], "c");
  EXPECT_EQ(out[4].route, "/echo");

  // Alone, a request takes the plain handler; a batch handler that answers
  // the wrong number of requests fails them all as an opaque 500.
  auto single = router.DispatchAll({Make(Method::kPost, "/echo")});
  EXPECT_EQ(Body(single[0].response)["batched"], false);
  Router broken;
  ASSERT_TRUE(broken.Add(echo, one, [](std::span<const Request>) { return std::vector<Response>(1); }).ok());
  auto failed = broken.DispatchAll({Make(Method::kPost, "/echo"), Make(Method::kPost, "/echo")});
  EXPECT_EQ(failed[0].response.status, 500);
  EXPECT_EQ(failed[1].response.status, 500);
  Router throwing;
  ASSERT_TRUE(throwing
                  .Add(echo, one,
                       [](std::span<const Request>) -> std::vector<Response> { throw std::runtime_error("/secret"); })
                  .ok());
  auto thrown = throwing.DispatchAll({Make(Method::kPost, "/echo"), Make(Method::kPost, "/echo")});
  EXPECT_EQ(thrown[0].response.status, 500);
  EXPECT_EQ(thrown[1].response.body.find("secret"), std::string::npos);
}

TEST(Router, RejectsBadDeclarations) {
  Router router;
  RouteSpec spec;
  spec.path = "/a/{id}";
  spec.operation_id = "a";
  EXPECT_TRUE(router.Add(spec, nullptr).IsInvalidArgument());  // {id} not declared
  spec.params = {PathParam("id")};
  EXPECT_TRUE(router.Add(spec, nullptr).ok());
  EXPECT_TRUE(router.Add(spec, nullptr).IsInvalidArgument());  // duplicate
  spec.path = "/b/{id";
  EXPECT_TRUE(router.Add(spec, nullptr).IsInvalidArgument());
}

TEST(Router, UnsupportedBodyMediaTypeIs415) {
  Router router;
  RouteSpec spec;
  spec.method = Method::kPost;
  spec.path = "/in";
  spec.operation_id = "in";
  spec.request_schema = [] { return nlohmann::json{{"type", "object"}}; };
  ASSERT_TRUE(router.Add(spec, [](const Request&) { return JsonResponse(200, {}); }).ok());
  Request r = Make(Method::kPost, "/in");
  r.headers["content-type"] = "text/plain";
  EXPECT_EQ(router.Dispatch(r).response.status, 415);
  r.headers["content-type"] = "application/json; charset=utf-8";
  EXPECT_EQ(router.Dispatch(r).response.status, 200);
}

}  // namespace
}  // namespace medallion::serve
