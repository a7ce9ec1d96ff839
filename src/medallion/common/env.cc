#include "medallion/common/env.h"

#include <unistd.h>

#include <cstdlib>

namespace medallion {

std::optional<std::string> GetEnv(std::string_view name) {
  // getenv needs a NUL-terminated name; string_view does not promise one.
  const std::string key(name);
  const char* value = std::getenv(key.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

bool IsTty(int fd) { return ::isatty(fd) == 1; }

}  // namespace medallion
