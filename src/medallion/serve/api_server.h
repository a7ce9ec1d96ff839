// The whole API server in one call, for `medallion serve` and for anything
// that runs it in-process (`medallion demo`, the DAG's api_smoke_test): the
// lake reader, the model registry, the champion watcher that hot-swaps the
// predictor, the router and the HTTP server.
//
//   serve::ServeOptions options;
//   options.lake_uri = "./lake";
//   options.port = 0;  // any free port
//   MEDALLION_ASSIGN_OR_RETURN(auto server, serve::StartApiServer(options));
//   ... server->url() ...
//   server->Stop();  // or let it go out of scope
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "medallion/common/result.h"
#include "medallion/ml/registry.h"
#include "medallion/serve/champion_watcher.h"
#include "medallion/serve/http_server.h"

namespace medallion::serve {

struct ServeOptions {
  std::string lake_uri = "./lake";  // local path or s3://bucket/prefix
  std::string bind = "127.0.0.1";
  uint16_t port = 8080;  // 0: an ephemeral port
  int threads = 0;       // 0: one per core
  size_t body_limit = 1 << 20;
  // Dashboard files; empty: none. DefaultStaticDir() finds web/dist.
  std::string static_dir;
  // Guards promote/rollback; empty: admin routes refuse every request.
  std::string admin_token;
  std::string model_name = "demand";  // the model whose champion /predict serves
  // Serve this model file instead of the registry's champion (no hot swap):
  // for benchmarks and for serving a model trained elsewhere.
  std::string model_file;
  std::chrono::milliseconds champion_poll{2000};
  std::chrono::milliseconds table_refresh{1000};
  ml::PromotionGate gate;
  std::string model_cache_dir;  // copies of remote model files; empty: a temp dir
  MetricsRegistry* metrics = nullptr;  // null: MetricsRegistry::Default()
};

class ApiServer {
 public:
  ~ApiServer();  // Stop()
  uint16_t port() const;
  // "http://<bind>:<port>"
  std::string url() const;
  // The champion version being served (-1: none yet).
  int64_t champion_version() const;
  // Stops the watcher, then the server (in-flight requests finish). Idempotent.
  void Stop();
  // Blocks until SIGINT or SIGTERM, then stops.
  Status RunUntilSignal();

 private:
  friend Result<std::unique_ptr<ApiServer>> StartApiServer(const ServeOptions& options);
  ApiServer() = default;
  std::string bind_;
  std::unique_ptr<ChampionWatcher> watcher_;
  std::unique_ptr<HttpServer> http_;
};

Result<std::unique_ptr<ApiServer>> StartApiServer(const ServeOptions& options);

// web/dist next to the source tree the executable was built in (found by
// walking up from the executable's directory), or "" when there is none.
std::string DefaultStaticDir();

}  // namespace medallion::serve
