// The OpenAPI 3.1 document, generated from the router's declarations: every
// route, its parameters with types and bounds, its body schema, its success
// and error responses, and the bearer scheme on admin routes.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "medallion/serve/router.h"

namespace medallion::serve {

struct ApiInfo {
  std::string title = "medallion";
  std::string version = "0.1.0";
  std::string description = "Streaming lakehouse API: predictions, models, tables, pipeline health and metrics.";
};

nlohmann::json BuildOpenApi(const Router& router, const ApiInfo& info = ApiInfo());

}  // namespace medallion::serve
