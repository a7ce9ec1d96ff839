#include "medallion/ml/registry_history.h"

#include <fmt/format.h>

#include <algorithm>

namespace medallion::ml {

std::string RegistryAppId(const std::string& name) { return "registry/" + name; }

Result<std::map<std::string, ModelHistory>> ReplayEvents(std::vector<RegistryEvent> events) {
  std::sort(events.begin(), events.end(), [](const RegistryEvent& a, const RegistryEvent& b) {
    return a.name != b.name ? a.name < b.name : a.seq < b.seq;
  });
  std::map<std::string, ModelHistory> models;
  for (auto& e : events) {
    ModelHistory& h = models[e.name];
    auto where = [&] { return fmt::format("model registry: {} event {} ({})", e.name, e.seq, e.event); };
    if (e.seq != h.last_seq + 1) {
      return Status::Corruption(fmt::format("{}: expected event {} next", where(), h.last_seq + 1));
    }
    h.last_seq = e.seq;
    if (e.event == kRegisterEvent) {
      if (!e.registered) return Status::Corruption(where() + ": no version description");
      h.versions[e.version] = std::move(*e.registered);
      h.challenger = e.version;
      continue;
    }
    if (!h.versions.count(e.version)) {
      return Status::Corruption(fmt::format("{}: version {} was never registered", where(), e.version));
    }
    if (e.event == kPromoteEvent) {
      h.champions.push_back(e.version);
    } else if (e.event == kRollbackEvent) {
      if (h.champions.size() < 2 || h.champions[h.champions.size() - 2] != e.version) {
        return Status::Corruption(fmt::format("{}: version {} is not the previous champion", where(), e.version));
      }
      h.champions.pop_back();
    } else {
      return Status::Corruption(where() + ": unknown event");
    }
  }
  return models;
}

}  // namespace medallion::ml
