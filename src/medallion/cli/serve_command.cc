// `medallion serve`: the HTTP API over a lake, /metrics, /openapi.json, /docs
// and the dashboard's static files, until SIGINT or SIGTERM.
//
// Settings come from flags, then medallion.yaml / MEDALLION_* (lake.root,
// serve.bind, serve.port, serve.threads, serve.static_dir, serve.admin_token,
// serve.model, serve.body_limit_bytes, models.promotion_margin). The admin
// token is read from serve.admin_token or MEDALLION_ADMIN_TOKEN, never from a
// flag (flags show up in `ps`), and is never printed.
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

#include <spdlog/spdlog.h>

#include "medallion/cli/commands.h"
#include "medallion/common/config.h"
#include "medallion/serve/api_server.h"

namespace medallion::cli {
namespace {

struct ServeFlags {
  std::optional<std::string> lake;
  std::optional<std::string> bind;
  std::optional<int> port;
  std::optional<int> threads;
  std::optional<std::string> static_dir;
  std::optional<std::string> model;
  std::optional<std::string> model_file;
};

Result<serve::ServeOptions> ServeOptionsFrom(const Config& config, const ServeFlags& flags) {
  serve::ServeOptions options;
  options.lake_uri = flags.lake.value_or(config.GetString("lake.root", options.lake_uri));
  options.bind = flags.bind.value_or(config.GetString("serve.bind", options.bind));
  MEDALLION_ASSIGN_OR_RETURN(int64_t port, config.GetInt("serve.port", options.port));
  if (flags.port) port = *flags.port;
  if (port < 0 || port > 65535) return Status::InvalidArgument("--port must be 0..65535, got " + std::to_string(port));
  options.port = static_cast<uint16_t>(port);
  MEDALLION_ASSIGN_OR_RETURN(int64_t threads, config.GetInt("serve.threads", 0));
  if (flags.threads) threads = *flags.threads;
  if (threads < 0 || threads > 256) return Status::InvalidArgument("--threads must be 0..256, got " + std::to_string(threads));
  options.threads = static_cast<int>(threads);
  MEDALLION_ASSIGN_OR_RETURN(int64_t body_limit, config.GetInt("serve.body_limit_bytes", options.body_limit));
  if (body_limit <= 0) return Status::InvalidArgument("serve.body_limit_bytes must be positive");
  options.body_limit = static_cast<size_t>(body_limit);
  options.model_name = flags.model.value_or(config.GetString("serve.model", options.model_name));
  options.model_file = flags.model_file.value_or("");
  MEDALLION_ASSIGN_OR_RETURN(options.gate.margin, config.GetDouble("models.promotion_margin", options.gate.margin));
  options.static_dir = flags.static_dir.value_or(config.GetString("serve.static_dir", serve::DefaultStaticDir()));
  options.admin_token = config.GetString("serve.admin_token", "");
  if (options.admin_token.empty()) {
    const char* env = std::getenv("MEDALLION_ADMIN_TOKEN");
    if (env != nullptr) options.admin_token = env;
  }
  return options;
}

int RunServe(const GlobalOptions& globals, const ServeFlags& flags) {
  auto config = Config::Load(globals.config_path);
  if (!config.ok()) return ReportError(config.status());
  auto options = ServeOptionsFrom(*config, flags);
  if (!options.ok()) return ReportError(options.status());
  if (options->admin_token.empty()) {
    spdlog::warn("no admin token (MEDALLION_ADMIN_TOKEN): admin routes will refuse every request");
  }
  if (options->static_dir.empty()) spdlog::info("no dashboard files (web/dist): serving the API only");
  auto server = serve::StartApiServer(*options);
  if (!server.ok()) return ReportError(server.status());
  spdlog::info("serving {} on {} (docs: {}/docs)", options->lake_uri, (*server)->url(), (*server)->url());
  Status st = (*server)->RunUntilSignal();
  return st.ok() ? 0 : ReportError(st);
}

}  // namespace

void AddServeCommands(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<ServeFlags>();
  auto* serve = app.add_subcommand("serve", "Serve the HTTP API, /metrics, /openapi.json, /docs and the dashboard");
  serve->add_option("--lake", flags->lake, "Lake root, local path or s3://bucket/prefix (default lake.root or ./lake)");
  serve->add_option("--bind", flags->bind, "Address to listen on (default 127.0.0.1)");
  serve->add_option("--port", flags->port, "Port (default 8080; 0 picks a free one)");
  serve->add_option("--threads", flags->threads, "Worker threads (default: one per core)");
  serve->add_option("--static-dir", flags->static_dir, "Dashboard files to serve (default: web/dist when built)");
  serve->add_option("--model", flags->model, "Registered model whose champion /api/v1/predict serves (default demand)");
  serve->add_option("--model-file", flags->model_file,
                    "Serve this model file (XGBoost JSON or medallion model) instead of the registry's champion");
  serve->callback([flags, &ctx] { ctx.run = [flags, &ctx] { return RunServe(ctx.globals, *flags); }; });
}

}  // namespace medallion::cli
