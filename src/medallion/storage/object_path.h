// Object paths are relative, '/'-separated keys ("_delta_log/000...0.json").
// They are checked once at the store boundary so a path can never climb out
// of the root ("../x") or mean different things on disk and on S3 ("a//b").
#pragma once

#include <string>
#include <string_view>

#include "medallion/common/result.h"
#include "medallion/common/status.h"

namespace medallion::storage {

// OK for a non-empty relative key with no empty, "." or ".." segment.
Status ValidateObjectPath(std::string_view path);

// A directory argument of List: "" (the root) or a valid key; one trailing
// '/' is accepted and dropped.
Result<std::string> NormalizeDirectory(std::string_view dir);

}  // namespace medallion::storage
