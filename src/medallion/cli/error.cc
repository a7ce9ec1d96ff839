#include <iostream>

#include "medallion/cli/commands.h"

namespace medallion::cli {

int ReportError(const Status& status) {
  std::cerr << "medallion: error: " << status.message() << " (" << StatusCodeName(status.code()) << ")" << std::endl;
  return status.IsInvalidArgument() ? 2 : 1;
}

}  // namespace medallion::cli
