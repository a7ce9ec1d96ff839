// The few process-environment questions the rest of medallion asks, behind
// one seam so callers never touch getenv()/isatty() directly.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace medallion {

// The value of environment variable `name`, or nullopt when it is not set.
// An empty value is returned as "" (set but empty is not the same as unset).
std::optional<std::string> GetEnv(std::string_view name);

// True when `fd` is a terminal (decides human logs and redrawn progress lines).
bool IsTty(int fd);

}  // namespace medallion
