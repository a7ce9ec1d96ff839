#include "medallion/serve/api.h"

#include "medallion/serve/data_routes.h"
#include "medallion/serve/docs_page.h"
#include "medallion/serve/lake_metrics.h"
#include "medallion/serve/models_routes.h"
#include "medallion/serve/predict_route.h"
#include "medallion/serve/route_support.h"
#include "medallion/serve/static_files.h"

namespace medallion::serve {

namespace {

nlohmann::json StatusSchema() {
  return {{"type", "object"}, {"required", {"status"}}, {"properties", {{"status", {{"type", "string"}}}}}};
}

// Built-in routes state their own responses after GetRoute.
RouteSpec Get(std::string path, std::string operation_id, std::string summary, std::string tag) {
  return GetRoute(std::move(path), std::move(operation_id), std::move(summary), std::move(tag), nullptr);
}

}  // namespace

Result<std::shared_ptr<Router>> BuildApiRouter(ApiOptions options) {
  auto router = std::make_shared<Router>(options.admin_auth);
  Router* self = router.get();  // handlers run only while the router lives

  RouteSpec health = Get("/health", "health", "Liveness: the process answers", "operations");
  health.responses = {{200, "Alive", "application/json", StatusSchema()}};
  MEDALLION_RETURN_IF_ERROR(router->Add(std::move(health), [](const Request&) {
    return JsonResponse(200, {{"status", "ok"}});
  }));

  RouteSpec ready = Get("/ready", "ready", "Readiness: dependencies are available", "operations");
  ready.responses = {{200, "Ready", "application/json", StatusSchema()}};
  ready.error_responses = {ErrorSpec(503, "Not ready; error.message says why")};
  MEDALLION_RETURN_IF_ERROR(router->Add(std::move(ready), [probe = options.readiness](const Request&) {
    Status status = probe ? probe() : Status::OK();
    if (!status.ok()) return ErrorResponse(503, "not_ready", status.message());
    return JsonResponse(200, {{"status", "ready"}});
  }));

  MetricsRegistry* metrics = options.metrics ? options.metrics : &MetricsRegistry::Default();
  RouteSpec metrics_route = Get("/metrics", "metrics", "Prometheus metrics (text format 0.0.4)", "operations");
  metrics_route.responses = {{200, "Metrics", kPrometheusContentType, {{"type", "string"}}}};
  std::shared_ptr<LakeMetrics> lake_metrics;
  if (options.lake) lake_metrics = std::make_shared<LakeMetrics>(options.lake, *metrics);
  MEDALLION_RETURN_IF_ERROR(router->Add(std::move(metrics_route), [metrics, lake_metrics](const Request&) {
    Response response;
    response.content_type = kPrometheusContentType;
    std::string lake_text = lake_metrics ? lake_metrics->Collect() : "";
    response.body = metrics->Render() + lake_text;
    return response;
  }));

  RouteSpec openapi = Get("/openapi.json", "openapi", "This API's OpenAPI 3.1 document", "operations");
  openapi.responses = {{200, "OpenAPI document", "application/json", {{"type", "object"}}}};
  MEDALLION_RETURN_IF_ERROR(router->Add(std::move(openapi), [self, info = options.info](const Request&) {
    return JsonResponse(200, BuildOpenApi(*self, info));
  }));

  RouteSpec docs = Get("/docs", "docs", "Human-readable API documentation", "operations");
  docs.responses = {{200, "HTML page", "text/html; charset=utf-8", {{"type", "string"}}}};
  MEDALLION_RETURN_IF_ERROR(router->Add(std::move(docs), [](const Request&) {
    Response response;
    response.content_type = "text/html; charset=utf-8";
    response.body = std::string(DocsPageHtml());
    response.headers.emplace_back("Content-Security-Policy", kDocsContentSecurityPolicy);
    return response;
  }));

  auto slot = options.predictor ? options.predictor : std::make_shared<PredictorSlot>();
  MEDALLION_RETURN_IF_ERROR(AddPredictRoute(*router, slot));
  if (options.models) MEDALLION_RETURN_IF_ERROR(AddModelRoutes(*router, options.models));
  if (options.lake) {
    const auto& lake = options.lake;
    MEDALLION_RETURN_IF_ERROR(AddTableRoutes(*router, lake));
    MEDALLION_RETURN_IF_ERROR(AddPipelineRoutes(*router, lake));
    MEDALLION_RETURN_IF_ERROR(AddKpiRoutes(*router, lake));
    MEDALLION_RETURN_IF_ERROR(AddSalesRoutes(*router, lake));
    MEDALLION_RETURN_IF_ERROR(AddForecastRoutes(*router, lake, options.models));
    MEDALLION_RETURN_IF_ERROR(AddQualityRoutes(*router, lake));
    MEDALLION_RETURN_IF_ERROR(AddTickRoutes(*router, lake));
    MEDALLION_RETURN_IF_ERROR(AddCustomerRoutes(*router, lake));
  }

  if (!options.static_dir.empty()) {
    MEDALLION_ASSIGN_OR_RETURN(StaticFiles files, StaticFiles::Open(options.static_dir));
    router->SetFallback([files = std::move(files)](const Request& request) { return files.Serve(request.path); });
  }
  return router;
}

}  // namespace medallion::serve
