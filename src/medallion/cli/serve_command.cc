// `medallion serve`: the HTTP API, /metrics, /openapi.json, /docs and the
// dashboard's static files, until SIGINT or SIGTERM.
//
// Settings come from flags, then medallion.yaml / MEDALLION_* (serve.bind,
// serve.port, serve.threads, serve.static_dir, serve.admin_token). The admin
// token is read from serve.admin_token or MEDALLION_ADMIN_TOKEN, never from a
// flag (flags show up in `ps`), and is never printed.
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

#include <spdlog/spdlog.h>

#include "medallion/cli/commands.h"
#include "medallion/common/config.h"
#include "medallion/serve/api.h"
#include "medallion/serve/http_server.h"

namespace medallion::cli {
namespace {

struct ServeFlags {
  std::optional<std::string> bind;
  std::optional<int> port;
  std::optional<int> threads;
  std::optional<std::string> static_dir;
};

Result<serve::ServerOptions> ServerOptionsFrom(const Config& config, const ServeFlags& flags) {
  serve::ServerOptions options;
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
  return options;
}

int RunServe(const GlobalOptions& globals, const ServeFlags& flags) {
  auto config = Config::Load(globals.config_path);
  if (!config.ok()) return ReportError(config.status());
  auto server_options = ServerOptionsFrom(*config, flags);
  if (!server_options.ok()) return ReportError(server_options.status());

  serve::ApiOptions api;
  api.static_dir = flags.static_dir.value_or(config->GetString("serve.static_dir", ""));
  std::string token = config->GetString("serve.admin_token", "");
  if (token.empty()) {
    const char* env = std::getenv("MEDALLION_ADMIN_TOKEN");
    if (env != nullptr) token = env;
  }
  if (token.empty()) spdlog::warn("no admin token (MEDALLION_ADMIN_TOKEN): admin routes will refuse every request");
  api.admin_auth = serve::AdminAuth(std::move(token));
  auto router = serve::BuildApiRouter(std::move(api));
  if (!router.ok()) return ReportError(router.status());

  serve::HttpServer server(*server_options, *router);
  Status st = server.RunUntilSignal();
  return st.ok() ? 0 : ReportError(st);
}

}  // namespace

void AddServeCommands(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<ServeFlags>();
  auto* serve = app.add_subcommand("serve", "Serve the HTTP API, /metrics, /openapi.json, /docs and the dashboard");
  serve->add_option("--bind", flags->bind, "Address to listen on (default 127.0.0.1)");
  serve->add_option("--port", flags->port, "Port (default 8080; 0 picks a free one)");
  serve->add_option("--threads", flags->threads, "Worker threads (default: one per core)");
  serve->add_option("--static-dir", flags->static_dir, "Dashboard files to serve (e.g. web/dist)");
  serve->callback([flags, &ctx] { ctx.run = [flags, &ctx] { return RunServe(ctx.globals, *flags); }; });
}

}  // namespace medallion::cli
