#include "medallion/orchestrate/task_registry.h"

#include <fmt/format.h>

namespace medallion::orchestrate {

Status TaskRegistry::Register(const std::string& name, TaskFactory factory) {
  if (factories_.count(name)) return Status::AlreadyExists(fmt::format("task '{}' is already registered", name));
  factories_[name] = std::move(factory);
  return Status::OK();
}

void TaskRegistry::Replace(const std::string& name, TaskFactory factory) { factories_[name] = std::move(factory); }

Result<Task> TaskRegistry::Create(const std::string& name) const {
  auto it = factories_.find(name);
  if (it == factories_.end()) {
    return Status::NotFound(fmt::format("no task named '{}' (known: {})", name, fmt::join(names(), ", ")));
  }
  Task task = it->second();
  task.name = name;
  return task;
}

std::vector<std::string> TaskRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, factory] : factories_) out.push_back(name);
  return out;
}

}  // namespace medallion::orchestrate
