#include "medallion/orchestrate/dag.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

namespace medallion::orchestrate {

Status Dag::AddTask(Task task, std::vector<std::string> upstream) {
  if (task.name.empty()) return Status::InvalidArgument(fmt::format("dag '{}': a task needs a name", name_));
  if (!task.run) return Status::InvalidArgument(fmt::format("dag '{}': task '{}' has nothing to run", name_, task.name));
  if (index_.count(task.name)) {
    return Status::AlreadyExists(fmt::format("dag '{}' already has a task '{}'", name_, task.name));
  }
  index_[task.name] = tasks_.size();
  tasks_.push_back(std::move(task));
  upstream_.push_back(std::move(upstream));
  return Status::OK();
}

Status Dag::Validate() const {
  for (size_t i = 0; i < tasks_.size(); ++i) {
    for (const auto& up : upstream_[i]) {
      if (!index_.count(up)) {
        return Status::InvalidArgument(
            fmt::format("dag '{}': task '{}' depends on unknown task '{}'", name_, tasks_[i].name, up));
      }
    }
  }
  // Depth-first search; a grey node met again closes a cycle, and the stack
  // from that node on is the cycle to report.
  enum Color { kWhite, kGrey, kBlack };
  std::vector<Color> color(tasks_.size(), kWhite);
  std::vector<size_t> stack;
  std::string cycle;
  std::function<bool(size_t)> visit = [&](size_t node) {
    color[node] = kGrey;
    stack.push_back(node);
    for (const auto& up : upstream_[node]) {
      size_t next = index_.at(up);
      if (color[next] == kGrey) {
        auto from = std::find(stack.begin(), stack.end(), next);
        // The stack follows "depends on" edges; print it in run order.
        std::vector<std::string> names;
        for (auto it = from; it != stack.end(); ++it) names.push_back(tasks_[*it].name);
        std::reverse(names.begin(), names.end());
        names.push_back(names.front());
        cycle = fmt::format("{}", fmt::join(names, " -> "));
        return true;
      }
      if (color[next] == kWhite && visit(next)) return true;
    }
    stack.pop_back();
    color[node] = kBlack;
    return false;
  };
  for (size_t i = 0; i < tasks_.size(); ++i) {
    if (color[i] == kWhite && visit(i)) {
      return Status::InvalidArgument(fmt::format("dag '{}' has a cycle: {}", name_, cycle));
    }
  }
  return Status::OK();
}

Result<std::vector<std::string>> Dag::TopologicalOrder() const {
  MEDALLION_RETURN_IF_ERROR(Validate());
  std::vector<size_t> waiting(tasks_.size());
  for (size_t i = 0; i < tasks_.size(); ++i) waiting[i] = upstream_[i].size();
  std::vector<bool> done(tasks_.size(), false);
  std::vector<std::string> order;
  while (order.size() < tasks_.size()) {
    // Lowest insertion index whose upstream tasks are all placed.
    size_t next = tasks_.size();
    for (size_t i = 0; i < tasks_.size(); ++i) {
      if (!done[i] && waiting[i] == 0) {
        next = i;
        break;
      }
    }
    if (next == tasks_.size()) return Status::Internal(fmt::format("dag '{}': no task is ready", name_));
    done[next] = true;
    order.push_back(tasks_[next].name);
    for (size_t i = 0; i < tasks_.size(); ++i) {
      for (const auto& up : upstream_[i]) {
        if (up == tasks_[next].name) --waiting[i];
      }
    }
  }
  return order;
}

std::vector<std::string> Dag::downstream(const std::string& name) const {
  std::vector<std::string> out;
  for (size_t i = 0; i < tasks_.size(); ++i) {
    if (std::find(upstream_[i].begin(), upstream_[i].end(), name) != upstream_[i].end()) out.push_back(tasks_[i].name);
  }
  return out;
}

std::vector<std::string> Dag::task_names() const {
  std::vector<std::string> names;
  for (const auto& t : tasks_) names.push_back(t.name);
  return names;
}

Result<std::string> Dag::FormatGraph() const {
  MEDALLION_ASSIGN_OR_RETURN(auto order, TopologicalOrder());
  size_t width = 0;
  for (const auto& name : order) width = std::max(width, name.size());
  std::string out = fmt::format("dag {} ({} tasks){}\n", name_, order.size(),
                                description_.empty() ? "" : ": " + description_);
  for (size_t i = 0; i < order.size(); ++i) {
    const auto& ups = upstream(order[i]);
    const Task& t = task(order[i]);
    std::string extras;
    if (t.retry.retries > 0) extras += fmt::format("  retries={}", t.retry.retries);
    if (t.timeout.count() > 0) extras += fmt::format("  timeout={}s", t.timeout.count() / 1000.0);
    out += fmt::format("  {:>2}. {:<{}}  {}{}\n", i + 1, order[i], width,
                       ups.empty() ? std::string("(start)") : fmt::format("<- {}", fmt::join(ups, ", ")), extras);
  }
  return out;
}

}  // namespace medallion::orchestrate
