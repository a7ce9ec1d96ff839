#include "medallion/common/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "medallion/common/env.h"

namespace medallion {
namespace {

constexpr const char* kDefaultConfigFile = "medallion.yaml";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::vector<std::string> SplitCommaList(std::string_view text) {
  std::vector<std::string> items;
  while (true) {
    const size_t comma = text.find(',');
    std::string_view item = Trim(text.substr(0, comma));
    if (!item.empty()) items.emplace_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return items;
}

template <typename T>
bool ParseNumber(std::string_view text, T& out) {
  text = Trim(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

// Turns a YAML document into the flat key -> Entry map.
class ConfigYamlLoader {
 public:
  ConfigYamlLoader(Config& config, const std::string& source) : config_(config), source_(source) {}

  Status Load(std::string_view yaml) {
    YAML::Node root;
    try {
      root = YAML::Load(std::string(yaml));
    } catch (const YAML::Exception& e) {
      return Status::InvalidArgument("config file '" + source_ + "' line " + std::to_string(e.mark.line + 1) +
                                     " column " + std::to_string(e.mark.column + 1) + ": " + e.msg);
    }
    if (!root || root.IsNull()) return Status::OK();  // an empty file is all defaults
    if (!root.IsMap()) {
      return Status::InvalidArgument("config file '" + source_ + "' line " + std::to_string(root.Mark().line + 1) +
                                     ": the top level must be a mapping of keys (lake: {root: ...})");
    }
    try {
      return Flatten(root, "");
    } catch (const YAML::Exception& e) {
      return Status::InvalidArgument("config file '" + source_ + "': " + e.what());
    }
  }

 private:
  Status Flatten(const YAML::Node& node, const std::string& key) {
    switch (node.Type()) {
      case YAML::NodeType::Map:
        if (!key.empty()) config_.sections_.insert(key);
        for (const auto& kv : node) {
          if (!kv.first.IsScalar() || kv.first.Scalar().empty()) {
            return Status::InvalidArgument("config file '" + source_ + "' line " +
                                           std::to_string(kv.first.Mark().line + 1) + ": keys must be plain names");
          }
          MEDALLION_RETURN_IF_ERROR(Flatten(kv.second, key.empty() ? kv.first.Scalar() : key + "." + kv.first.Scalar()));
        }
        return Status::OK();
      case YAML::NodeType::Sequence: {
        const bool all_scalars = std::all_of(node.begin(), node.end(), [](const YAML::Node& n) { return n.IsScalar(); });
        if (!all_scalars) {
          // A list of mappings (tasks, expectations): each item's fields
          // become "key.<index>.field".
          config_.sections_.insert(key);
          for (size_t i = 0; i < node.size(); ++i) {
            MEDALLION_RETURN_IF_ERROR(Flatten(node[i], key + "." + std::to_string(i)));
          }
          return Status::OK();
        }
        Config::Entry entry;
        entry.items.emplace();
        for (const auto& item : node) {
          if (!entry.value.empty()) entry.value += ",";
          entry.value += item.Scalar();
          entry.items->push_back(item.Scalar());
        }
        entry.line = node.Mark().line + 1;
        config_.file_[key] = std::move(entry);
        return Status::OK();
      }
      case YAML::NodeType::Scalar: {
        Config::Entry entry;
        entry.value = node.Scalar();
        entry.line = node.Mark().line + 1;
        config_.file_[key] = std::move(entry);
        return Status::OK();
      }
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        return Status::OK();  // "endpoint_url:" with nothing after it means "not set"
    }
    return Status::OK();
  }

  Config& config_;
  const std::string& source_;
};

Config::Config() : env_lookup_(&GetEnv) {}

Result<Config> Config::FromYaml(std::string_view yaml, std::string source_name) {
  Config config;
  config.source_path_ = std::move(source_name);
  MEDALLION_RETURN_IF_ERROR(ConfigYamlLoader(config, config.source_path_).Load(yaml));
  return config;
}

Result<Config> Config::Load(const std::string& path) {
  std::string file = path;
  if (file.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(kDefaultConfigFile, ec)) return Config();
    file = kDefaultConfigFile;
  }
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return Status::NotFound("config file '" + file + "' does not exist");
  if (std::filesystem::is_directory(file, ec)) {
    return Status::InvalidArgument("config file '" + file + "' is a directory");
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) return Status::IOError("config file '" + file + "' could not be read");
  return FromYaml(text.str(), file);
}

std::string Config::EnvVarName(std::string_view key) {
  std::string name = "MEDALLION_";
  for (char c : key) {
    name.push_back((c == '.' || c == '-') ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return name;
}

std::optional<Config::Found> Config::Find(std::string_view key) const {
  if (auto it = overrides_.find(key); it != overrides_.end()) {
    return Found{&it->second, {}, "set on the command line"};
  }
  if (env_lookup_) {
    const std::string name = EnvVarName(key);
    if (std::optional<std::string> value = env_lookup_(name); value && !value->empty()) {
      return Found{nullptr, std::move(*value), "from environment variable " + name};
    }
  }
  if (auto it = file_.find(key); it != file_.end()) {
    return Found{&it->second, {}, "from " + source_path_ + " line " + std::to_string(it->second.line)};
  }
  return std::nullopt;
}

Status Config::InvalidValue(std::string_view key, const Found& found, std::string_view expected) const {
  return Status::InvalidArgument("config key '" + std::string(key) + "' = '" + found.value() + "' (" + found.origin +
                                 ") is not " + std::string(expected));
}

std::optional<std::string> Config::GetString(std::string_view key) const {
  std::optional<Found> found = Find(key);
  if (!found) return std::nullopt;
  return found->value();
}

std::string Config::GetString(std::string_view key, std::string_view fallback) const {
  std::optional<std::string> value = GetString(key);
  return value ? std::move(*value) : std::string(fallback);
}

Result<int64_t> Config::GetInt(std::string_view key, int64_t fallback) const {
  std::optional<Found> found = Find(key);
  if (!found) return fallback;
  int64_t value = 0;
  if (!ParseNumber(found->value(), value)) return InvalidValue(key, *found, "an integer");
  return value;
}

Result<double> Config::GetDouble(std::string_view key, double fallback) const {
  std::optional<Found> found = Find(key);
  if (!found) return fallback;
  double value = 0;
  if (!ParseNumber(found->value(), value)) return InvalidValue(key, *found, "a number");
  return value;
}

Result<bool> Config::GetBool(std::string_view key, bool fallback) const {
  std::optional<Found> found = Find(key);
  if (!found) return fallback;
  const std::string text = ToLower(Trim(found->value()));
  if (text == "true" || text == "yes" || text == "on" || text == "1") return true;
  if (text == "false" || text == "no" || text == "off" || text == "0") return false;
  return InvalidValue(key, *found, "a boolean (true/false, yes/no, on/off, 1/0)");
}

Result<std::vector<std::string>> Config::GetList(std::string_view key) const {
  std::optional<Found> found = Find(key);
  if (!found) {
    if (sections_.contains(key)) {
      return Status::InvalidArgument("config key '" + std::string(key) + "' in " + source_path_ +
                                     " is a section, not a list");
    }
    return std::vector<std::string>{};
  }
  if (found->entry != nullptr && found->entry->items) return *found->entry->items;
  return SplitCommaList(found->value());
}

void Config::Set(std::string_view key, std::string value) {
  Entry entry;
  entry.value = std::move(value);
  overrides_.insert_or_assign(std::string(key), std::move(entry));
}

std::vector<std::string> Config::Keys() const {
  std::set<std::string> keys;
  for (const auto& [key, entry] : file_) keys.insert(key);
  for (const auto& [key, entry] : overrides_) keys.insert(key);
  return {keys.begin(), keys.end()};
}

}  // namespace medallion
