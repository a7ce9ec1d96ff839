// api_smoke_test: the API started in this process on an ephemeral loopback
// port, over the same lake, asked what a user would ask after the daily run:
// GET /health and the forecast of one product that has Gold rows on the
// logical date. Any non-2xx answer fails the task (with the body in the log).
#include <arrow/api.h>
#include <fmt/format.h>

#include "medallion/delta/scan.h"
#include "medallion/delta/table.h"
#include "medallion/orchestrate/daily_tasks.h"
#include "medallion/orchestrate/http_probe.h"
#include "medallion/orchestrate/lake_layout.h"
#include "medallion/orchestrate/sensor.h"
#include "medallion/serve/api_server.h"

namespace medallion::orchestrate {

namespace {

// A product with a features_daily row on the date (so it has a forecast).
Result<std::string> ProductOfTheDay(const TaskContext& ctx) {
  MEDALLION_ASSIGN_OR_RETURN(auto features, delta::Table::Open(ResolveTableUri(ctx, kFeaturesDaily)));
  auto snapshot = features->snapshot();
  delta::ScanOptions scan;
  scan.columns = {"product_id"};
  scan.limit = 1;
  MEDALLION_ASSIGN_OR_RETURN(
      scan.filter, delta::ParsePredicate(fmt::format("event_date = '{}'", ctx.logical_date), *snapshot->schema()));
  MEDALLION_ASSIGN_OR_RETURN(auto rows, delta::ScanToTable(features->store(), *snapshot, scan));
  if (rows->num_rows() == 0) {
    return Status::NotFound(fmt::format("{} has no product on {}", kFeaturesDaily, ctx.logical_date));
  }
  auto chunk = rows->column(0)->chunk(0);
  auto scalar = chunk->GetScalar(0);
  if (!scalar.ok() || !(*scalar)->is_valid) return Status::Corruption(fmt::format("{}: null product_id", kFeaturesDaily));
  return (*scalar)->ToString();
}

Status Expect2xx(const TaskContext& ctx, const std::string& url) {
  MEDALLION_ASSIGN_OR_RETURN(auto reply, HttpGet(url));
  const std::string head = reply.body.substr(0, 300);
  ctx.log.Info("GET {} -> {} {}", url, reply.status, head);
  if (reply.status < 200 || reply.status > 299) {
    return Status::IOError(fmt::format("GET {} answered {}: {}", url, reply.status, head));
  }
  return Status::OK();
}

Status RunApiSmokeTest(const TaskContext& ctx) {
  MEDALLION_ASSIGN_OR_RETURN(std::string product, ProductOfTheDay(ctx));
  serve::ServeOptions options;
  options.lake_uri = ctx.lake_root;
  options.bind = "127.0.0.1";
  options.port = 0;
  options.threads = 1;
  MEDALLION_ASSIGN_OR_RETURN(auto server, serve::StartApiServer(options));
  Status st = Expect2xx(ctx, server->url() + "/health");
  if (st.ok()) st = Expect2xx(ctx, fmt::format("{}/api/v1/forecast?product_id={}", server->url(), product));
  server->Stop();
  return st;
}

}  // namespace

Task MakeApiSmokeTestTask() {
  Task task = DailyTask("api_smoke_test", "the API in-process on a loopback port: GET /health and one product's forecast",
                        RunApiSmokeTest);
  task.timeout = std::chrono::minutes(2);
  return task;
}

}  // namespace medallion::orchestrate
