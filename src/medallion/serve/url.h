// Request-target parsing: percent-decoding, path and query splitting.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "medallion/common/result.h"

namespace medallion::serve {

// Decodes %XX escapes; with `plus_is_space` (query strings) '+' becomes ' '.
// InvalidArgument on a truncated or non-hex escape, or an encoded NUL.
Result<std::string> PercentDecode(std::string_view text, bool plus_is_space);

struct Target {
  std::string path;  // decoded
  std::vector<std::pair<std::string, std::string>> query;
};

// Splits an origin-form target ("/a/b?x=1&y=2"). Anything else (absolute-form,
// "*", empty) is InvalidArgument.
Result<Target> ParseTarget(std::string_view target);

// "/a/b/" -> {"a", "b", ""}; "/" -> {""}.
std::vector<std::string_view> SplitPath(std::string_view path);

}  // namespace medallion::serve
