#include "medallion/serve/openapi.h"

#include <gtest/gtest.h>

#include "medallion/serve/api.h"

namespace medallion::serve {
namespace {

TEST(OpenApi, DescribesEveryRegisteredRoute) {
  MetricsRegistry metrics;
  auto router = BuildApiRouter({.metrics = &metrics});
  ASSERT_TRUE(router.ok()) << router.status();
  RouteSpec promote;
  promote.method = Method::kPost;
  promote.path = "/api/v1/models/{name}/promote";
  promote.operation_id = "promote_model";
  promote.admin = true;
  ParamSpec name = PathParam("name");
  promote.params = {name};
  promote.responses = {{200, "Promoted"}};
  ASSERT_TRUE((*router)->Add(promote, [](const Request&) { return JsonResponse(200, {}); }).ok());

  nlohmann::json doc = BuildOpenApi(**router);
  EXPECT_EQ(doc["openapi"], "3.1.0");
  for (const auto& route : (*router)->routes()) {
    std::string method(MethodName(route.spec.method));
    for (char& c : method) c = static_cast<char>(std::tolower(c));
    ASSERT_TRUE(doc["paths"][route.spec.path].contains(method)) << route.spec.path;
    EXPECT_EQ(doc["paths"][route.spec.path][method]["operationId"], route.spec.operation_id);
  }

  const auto& op = doc["paths"]["/api/v1/models/{name}/promote"]["post"];
  EXPECT_EQ(op["security"], (nlohmann::json{{{"adminToken", nlohmann::json::array()}}}));
  EXPECT_TRUE(op["responses"].contains("401"));
  EXPECT_TRUE(op["responses"].contains("403"));
  EXPECT_TRUE(op["responses"].contains("404"));
  EXPECT_EQ(op["parameters"][0]["in"], "path");
  EXPECT_EQ(op["parameters"][0]["required"], true);

  const auto& predict = doc["paths"]["/api/v1/predict"]["post"];
  EXPECT_TRUE(predict["requestBody"]["content"]["application/json"]["schema"].is_object());
  for (const char* code : {"200", "400", "413", "415", "503"}) EXPECT_TRUE(predict["responses"].contains(code)) << code;
  EXPECT_EQ(predict["responses"]["400"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/Error");
  EXPECT_TRUE(doc["paths"]["/metrics"]["get"]["responses"]["200"]["content"].contains(kPrometheusContentType));
}

}  // namespace
}  // namespace medallion::serve
