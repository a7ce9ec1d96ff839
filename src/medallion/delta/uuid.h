#pragma once

#include <string>

namespace medallion::delta {

// A random (version 4) UUID, for table ids and data file names.
std::string NewUuid();

}  // namespace medallion::delta
