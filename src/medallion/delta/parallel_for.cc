#include "medallion/delta/parallel_for.h"

#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>
#include <vector>

namespace medallion::delta {

Status ParallelFor(size_t n, const std::function<Status(size_t)>& task) {
  std::vector<std::optional<Status>> results(n);
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < n; i = next++) {
      results[i] = task(i);
      if (!results[i]->ok()) next = n;  // stop handing out work
    }
  };
  const size_t threads = std::min<size_t>(n, std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& thread : pool) thread.join();
  for (auto& result : results) {
    if (result && !result->ok()) return *result;
  }
  return Status::OK();
}

}  // namespace medallion::delta
