#include "medallion/serve/api_server.h"

#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "medallion/ml/model.h"
#include "medallion/serve/api.h"
#include "medallion/serve/model_predictor.h"

namespace medallion::serve {

namespace fs = std::filesystem;

ApiServer::~ApiServer() { Stop(); }

uint16_t ApiServer::port() const { return http_->port(); }

std::string ApiServer::url() const {
  const bool v6 = bind_.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + bind_ + "]" : bind_) + ":" + std::to_string(port());
}

int64_t ApiServer::champion_version() const { return watcher_ ? watcher_->loaded_version() : -1; }

void ApiServer::Stop() {
  if (watcher_) watcher_->Stop();
  if (http_) http_->Stop();
}

Status ApiServer::RunUntilSignal() {
  boost::asio::io_context signal_context;
  boost::asio::signal_set signals(signal_context, SIGINT, SIGTERM);
  signals.async_wait([](const boost::system::error_code& ec, int signal) {
    if (!ec) spdlog::info("received signal {}, shutting down", signal);
  });
  signal_context.run();
  Stop();
  return Status::OK();
}

Result<std::unique_ptr<ApiServer>> StartApiServer(const ServeOptions& options) {
  LakeReader::Options lake_options;
  lake_options.refresh_interval = options.table_refresh;
  MEDALLION_ASSIGN_OR_RETURN(auto lake, LakeReader::Open(options.lake_uri, lake_options));
  std::string cache_dir = options.model_cache_dir;
  if (cache_dir.empty()) cache_dir = (fs::temp_directory_path() / ("medallion-models-" + std::to_string(::getpid()))).string();
  MEDALLION_ASSIGN_OR_RETURN(auto models, ModelCatalog::Open(options.lake_uri, options.gate, cache_dir));

  auto slot = std::make_shared<PredictorSlot>();
  std::unique_ptr<ApiServer> server(new ApiServer());
  server->bind_ = options.bind;
  if (options.model_file.empty()) {
    server->watcher_ = std::make_unique<ChampionWatcher>(
        models, slot, ChampionWatcher::Options{options.model_name, options.champion_poll});
  } else {
    MEDALLION_ASSIGN_OR_RETURN(auto model, ml::LoadModelFile(options.model_file));
    MEDALLION_ASSIGN_OR_RETURN(auto predictor, MakePredictor(ModelInfo{options.model_name, "file"}, std::move(model)));
    slot->Set(std::move(predictor));
  }

  ApiOptions api;
  api.static_dir = options.static_dir;
  api.admin_auth = AdminAuth(options.admin_token);
  api.predictor = slot;
  api.metrics = options.metrics;
  api.lake = lake;
  api.models = models;
  // The detail (paths, endpoints) goes to the log, not to the probe's caller.
  api.readiness = [lake]() -> Status {
    Status st = lake->ListTables().status();
    if (st.ok()) return st;
    spdlog::warn("not ready: {}", st.ToString());
    return Status::IOError("the lake cannot be read");
  };
  MEDALLION_ASSIGN_OR_RETURN(auto router, BuildApiRouter(std::move(api)));

  ServerOptions http;
  http.bind = options.bind;
  http.port = options.port;
  http.threads = options.threads;
  http.body_limit = options.body_limit;
  http.metrics = options.metrics;
  server->http_ = std::make_unique<HttpServer>(http, router);
  // The champion is loaded before the first request is accepted.
  if (server->watcher_) server->watcher_->Start();
  MEDALLION_RETURN_IF_ERROR(server->http_->Start());
  return server;
}

std::string DefaultStaticDir() {
  std::error_code ec;
  fs::path dir = fs::read_symlink("/proc/self/exe", ec).parent_path();
  if (ec) return "";
  for (int up = 0; up < 4 && !dir.empty(); ++up, dir = dir.parent_path()) {
    fs::path candidate = dir / "web" / "dist";
    if (fs::is_regular_file(candidate / "index.html", ec)) return candidate.string();
    if (dir == dir.parent_path()) break;
  }
  return "";
}

}  // namespace medallion::serve
