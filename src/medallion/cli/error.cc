#include <iostream>

#include "medallion/cli/commands.h"

namespace medallion::cli {

int ReportError(const Status& status) {
  std::cerr << "medallion: error: " << status.message() << " (" << StatusCodeName(status.code()) << ")" << std::endl;
  return status.IsInvalidArgument() ? 2 : 1;
}

std::vector<std::string> SplitCommaList(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(start, end - start);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(item);
    start = end + 1;
  }
  return out;
}

}  // namespace medallion::cli
