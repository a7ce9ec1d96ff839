// Helpers shared by the orchestrate tests: a scratch directory per test and
// a TaskContext that needs no runner.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>

#include "medallion/orchestrate/task.h"

namespace medallion::orchestrate::testing {

inline std::filesystem::path ScratchDir(const std::string& suite) {
  auto dir = std::filesystem::temp_directory_path() /
             ("medallion_" + suite + "_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

class MemoryTaskState : public TaskState {
 public:
  std::optional<std::string> Get(const std::string& key) const override {
    auto it = values.find(key);
    if (it == values.end()) return std::nullopt;
    return it->second;
  }
  Status Put(const std::string& key, const std::string& value) override {
    values[key] = value;
    return Status::OK();
  }
  std::map<std::string, std::string> values;
};

// A context for calling a task body directly.
struct StandaloneContext {
  explicit StandaloneContext(std::string lake, std::string date = "2024-01-01")
      : context{"test", "task", std::move(date), 1, std::move(lake), "", log, cancel, state} {}
  TaskLog log;
  CancellationToken cancel;
  MemoryTaskState state;
  TaskContext context;
};

}  // namespace medallion::orchestrate::testing
