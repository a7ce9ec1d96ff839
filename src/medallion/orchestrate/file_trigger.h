// A file trigger: dropping a file into a folder starts a DAG run. Each file
// is claimed by renaming it into <folder>/processed/ before its run starts,
// so two watchers never run the same file and a file is never run twice
// (the run itself is resumable through the run history if the process dies).
//
// The logical date is the file name's first 10 characters if they are a date
// ("2024-03-01.trigger"), else the file's first line if that is a date, else
// today (UTC). Hidden files and names ending in .tmp or .part are left alone:
// writers should write under such a name and rename when done.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "medallion/common/result.h"
#include "medallion/orchestrate/cancellation.h"

namespace medallion::orchestrate {

struct TriggerFile {
  std::string name;            // as dropped
  std::string processed_path;  // where it is now
  std::string logical_date;
};

class FileTrigger {
 public:
  explicit FileTrigger(std::string folder);

  // Claims the files in the folder now, in name order; at most `limit` if >= 0.
  Result<std::vector<TriggerFile>> Claim(int limit = -1);

  // Claims files every `interval` and calls `on_file` for each, until
  // `cancel` fires or `max_files` (if >= 0) files were handled. A failing
  // `on_file` is returned at once (the file stays in processed/).
  Status Watch(std::chrono::milliseconds interval, const CancellationToken& cancel,
               const std::function<Status(const TriggerFile&)>& on_file, int max_files = -1);

  const std::string& folder() const { return folder_; }
  std::string processed_folder() const;

 private:
  std::string folder_;
};

}  // namespace medallion::orchestrate
