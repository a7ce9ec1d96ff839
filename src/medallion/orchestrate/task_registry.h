// Task name -> factory. The DAG definitions (dag_catalog.h) name tasks; the
// registry says how to build each one. Real pipeline stages register here as
// they land (RegisterBuiltinTasks), tests register their own small tasks.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/orchestrate/task.h"

namespace medallion::orchestrate {

using TaskFactory = std::function<Task()>;

class TaskRegistry {
 public:
  // AlreadyExists if `name` is registered.
  Status Register(const std::string& name, TaskFactory factory);
  // Registers, or replaces an earlier registration (a stub by the real task).
  void Replace(const std::string& name, TaskFactory factory);

  // A fresh Task named `name`; NotFound listing the known names otherwise.
  Result<Task> Create(const std::string& name) const;

  bool Contains(const std::string& name) const { return factories_.count(name) > 0; }
  std::vector<std::string> names() const;

 private:
  std::map<std::string, TaskFactory> factories_;
};

}  // namespace medallion::orchestrate
