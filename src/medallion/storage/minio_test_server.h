// Test-only: a MinIO server for the S3 tests, started by scripts/minio on
// first use in a test process and stopped when the process's tests end.
// Each process gets its own data directory and port, so ctest can run S3
// tests in parallel. Missing MinIO is a test failure, never a skip: an S3
// path nobody tests is an S3 path that breaks.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>

#include "medallion/common/result.h"
#include "medallion/storage/object_store.h"

namespace medallion::storage::testing {

// The repository: $MEDALLION_REPO_ROOT, else four levels above this header
// (src/medallion/storage/minio_test_server.h; CMake compiles with absolute paths).
inline std::filesystem::path RepoRoot() {
  if (const char* root = std::getenv("MEDALLION_REPO_ROOT"); root != nullptr && *root != '\0') return root;
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path().parent_path();
}

class MinioServer {
 public:
  // The process's server, started on first call; an error says why it could not start.
  static Result<MinioServer*> Get() {
    std::lock_guard<std::mutex> lock(mutex());
    if (!instance()) {
      MEDALLION_ASSIGN_OR_RETURN(instance(), Launch());
    }
    return instance().get();
  }

  // A new server of its own (Get shares one per process).
  static Result<std::unique_ptr<MinioServer>> Launch() {
    auto server = std::unique_ptr<MinioServer>(new MinioServer());
    MEDALLION_RETURN_IF_ERROR(server->Start());
    return server;
  }

  ~MinioServer() { Stop(); }

  static void StopIfStarted() {
    std::lock_guard<std::mutex> lock(mutex());
    if (instance()) instance()->Stop();
    instance().reset();
  }

  const S3Options& options() const { return options_; }
  const std::string& bucket() const { return bucket_; }

 private:
  MinioServer() = default;

  static std::mutex& mutex() {
    static std::mutex m;
    return m;
  }
  static std::unique_ptr<MinioServer>& instance() {
    static std::unique_ptr<MinioServer> server;
    return server;
  }

  Status Start() {
    const std::filesystem::path repo = RepoRoot();
    const std::filesystem::path binary = std::getenv("MINIO_BIN") ? std::getenv("MINIO_BIN") : repo / ".tools/bin/minio";
    if (!std::filesystem::exists(binary)) {
      return Status::NotFound("MinIO binary not found at " + binary.string() +
                              ": run scripts/setup (it builds MinIO with go install) before the S3 tests");
    }
    char dir_template[] = "/tmp/medallion-minio-XXXXXX";
    if (::mkdtemp(dir_template) == nullptr) return Status::IOError("mkdtemp for the MinIO data directory failed");
    dir_ = dir_template;
    const std::string command = "MINIO_WATCH_PID=" + std::to_string(::getpid()) + " bash '" +
                                (repo / "scripts/minio").string() + "' start '" + dir_ + "' >'" + dir_ +
                                "/start.out' 2>&1";
    if (std::system(command.c_str()) != 0) {
      return Status::IOError("scripts/minio start " + dir_ + " failed: " + Slurp(dir_ + "/start.out"));
    }
    std::map<std::string, std::string> env = ParseEnvFile(dir_ + "/env");
    options_.access_key = env["AWS_ACCESS_KEY_ID"];
    options_.secret_key = env["AWS_SECRET_ACCESS_KEY"];
    options_.endpoint_url = env["AWS_ENDPOINT_URL"];
    options_.region = env["AWS_REGION"];
    options_.path_style = true;
    bucket_ = env["MEDALLION_S3_TEST_BUCKET"];
    if (options_.endpoint_url.empty() || bucket_.empty()) {
      return Status::Corruption("scripts/minio wrote an incomplete " + dir_ + "/env");
    }
    return Status::OK();
  }

  void Stop() {
    if (dir_.empty()) return;
    const std::string command = "bash '" + (RepoRoot() / "scripts/minio").string() + "' stop '" + dir_ + "'";
    if (std::system(command.c_str()) != 0) ADD_FAILURE() << "scripts/minio stop " << dir_ << " failed";
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    dir_.clear();
  }

  static std::string Slurp(const std::string& file) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  // Lines "export NAME=value" (values are hex/URLs: no quoting).
  static std::map<std::string, std::string> ParseEnvFile(const std::string& file) {
    std::map<std::string, std::string> env;
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) {
      if (line.starts_with("export ")) line = line.substr(7);
      size_t eq = line.find('=');
      if (eq != std::string::npos) env[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return env;
  }

  std::string dir_;
  S3Options options_;
  std::string bucket_;
};

class MinioEnvironment : public ::testing::Environment {
 public:
  void TearDown() override { MinioServer::StopIfStarted(); }
};

// Registered before main() (the documented way with gtest_main).
inline ::testing::Environment* const kMinioEnvironment =
    ::testing::AddGlobalTestEnvironment(new MinioEnvironment);

}  // namespace medallion::storage::testing
