// A DAG: tasks and the "runs after" edges between them. Validate() rejects
// unknown names and cycles (naming the cycle), so a Dag that validated can
// always be ordered.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/orchestrate/task.h"

namespace medallion::orchestrate {

class Dag {
 public:
  explicit Dag(std::string name, std::string description = "")
      : name_(std::move(name)), description_(std::move(description)) {}

  // Adds a task that runs after every task in `upstream` (which may be added
  // later; Validate() checks them). A duplicate name is AlreadyExists.
  Status AddTask(Task task, std::vector<std::string> upstream = {});

  // OK, or InvalidArgument for an upstream that names no task ("task 'b'
  // depends on unknown task 'x'") or a cycle ("cycle: a -> b -> a").
  Status Validate() const;

  // Tasks in an order where each comes after all its upstream tasks; ties
  // keep insertion order, so the order is the same on every call.
  Result<std::vector<std::string>> TopologicalOrder() const;

  const std::string& name() const { return name_; }
  const std::string& description() const { return description_; }
  bool Contains(const std::string& task) const { return index_.count(task) > 0; }
  // Requires Contains(task).
  const Task& task(const std::string& name) const { return tasks_[index_.at(name)]; }
  const std::vector<std::string>& upstream(const std::string& name) const { return upstream_[index_.at(name)]; }
  std::vector<std::string> downstream(const std::string& name) const;
  std::vector<std::string> task_names() const;
  size_t size() const { return tasks_.size(); }

  // The DAG as text, one task per line in run order with what it waits for,
  // e.g. "  2. validate_data_quality  <- bronze_to_silver".
  Result<std::string> FormatGraph() const;

 private:
  std::string name_;
  std::string description_;
  std::vector<Task> tasks_;
  std::vector<std::vector<std::string>> upstream_;
  std::map<std::string, size_t> index_;
};

}  // namespace medallion::orchestrate
