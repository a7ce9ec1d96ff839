// medallion's settings: one YAML file (medallion.yaml), flattened to dotted
// keys ("lake.root", "kafka.bootstrap_servers"), each of which can be
// overridden from the environment (MEDALLION_LAKE_ROOT) and from CLI flags.
//
// Precedence, highest first: Set() (flags) > environment > file > the
// fallback passed to the getter. Defaults live at the call site, next to the
// code that uses them; config/medallion.example.yaml documents them all.
//
// Environment values are read when a getter is called, not at Load(), so a
// Config can be loaded once and still see the process environment. An empty
// environment variable counts as unset.
//
// Const methods may be called from many threads; Set() must not race with them.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/common/status.h"

namespace medallion {

class Config {
 public:
  // Where a lookup finds environment variables; tests substitute a map.
  using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

  // Defaults only (plus the environment).
  Config();

  // Empty `path`: ./medallion.yaml if it exists, else defaults only. A given
  // path that is missing is NotFound; invalid YAML is InvalidArgument naming
  // the file, line and column.
  static Result<Config> Load(const std::string& path);

  // Parses YAML text; `source_name` stands in for the file name in messages.
  static Result<Config> FromYaml(std::string_view yaml, std::string source_name = "<yaml>");

  std::optional<std::string> GetString(std::string_view key) const;
  std::string GetString(std::string_view key, std::string_view fallback) const;

  // A value that does not parse is InvalidArgument naming the key, the value
  // and where it came from (environment variable, file and line, or flag).
  Result<int64_t> GetInt(std::string_view key, int64_t fallback) const;
  Result<double> GetDouble(std::string_view key, double fallback) const;
  // true/false, yes/no, on/off, 1/0 (any case).
  Result<bool> GetBool(std::string_view key, bool fallback) const;

  // A YAML sequence of scalars, or a comma-separated string (which is how an
  // environment variable or flag spells a list). Items are trimmed, empty
  // items dropped; a missing key is an empty list. A key naming a section
  // (a YAML mapping) is InvalidArgument.
  Result<std::vector<std::string>> GetList(std::string_view key) const;

  // Highest-precedence override (CLI flags).
  void Set(std::string_view key, std::string value);

  // "lake.root" -> "MEDALLION_LAKE_ROOT" ('.' and '-' become '_', upper case).
  static std::string EnvVarName(std::string_view key);

  // The file this config was read from; empty when defaults only.
  const std::string& source_path() const { return source_path_; }

  // Keys given in the file or by Set(), sorted (for `medallion config show`).
  std::vector<std::string> Keys() const;

  void set_env_lookup(EnvLookup lookup) { env_lookup_ = std::move(lookup); }

 private:
  struct Entry {
    std::string value;                              // a list is joined with ','
    std::optional<std::vector<std::string>> items;  // set for YAML sequences
    int line = 0;                                   // 1-based line in the file; 0 for Set()
  };
  // A value found by the precedence rules, and a description of its origin
  // for error messages.
  struct Found {
    const Entry* entry = nullptr;  // null when the value came from the environment
    std::string env_value;
    std::string origin;

    const std::string& value() const { return entry ? entry->value : env_value; }
  };

  std::optional<Found> Find(std::string_view key) const;
  Status InvalidValue(std::string_view key, const Found& found, std::string_view expected) const;

  std::string source_path_;
  std::map<std::string, Entry, std::less<>> file_;
  std::map<std::string, Entry, std::less<>> overrides_;
  std::set<std::string, std::less<>> sections_;  // keys that name YAML mappings
  EnvLookup env_lookup_;

  friend class ConfigYamlLoader;
};

}  // namespace medallion
