#include "medallion/storage/object_path.h"

namespace medallion::storage {

Status ValidateObjectPath(std::string_view path) {
  if (path.empty()) return Status::InvalidArgument("object path is empty");
  if (path.front() == '/') {
    return Status::InvalidArgument("object path '" + std::string(path) + "' must be relative to the store root");
  }
  size_t begin = 0;
  while (begin <= path.size()) {
    size_t end = path.find('/', begin);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(begin, end - begin);
    if (segment.empty() || segment == "." || segment == "..") {
      return Status::InvalidArgument("object path '" + std::string(path) +
                                     "' has an empty, '.' or '..' segment");
    }
    begin = end + 1;
  }
  return Status::OK();
}

Result<std::string> NormalizeDirectory(std::string_view dir) {
  if (!dir.empty() && dir.back() == '/') dir.remove_suffix(1);
  if (dir.empty()) return std::string();
  MEDALLION_RETURN_IF_ERROR(ValidateObjectPath(dir));
  return std::string(dir);
}

}  // namespace medallion::storage
