// Result<T>: a value or the Status that explains why there is none
// (the shape of arrow::Result).
#pragma once

#include <cassert>
#include <cstdlib>
#include <iostream>
#include <type_traits>
#include <utility>
#include <variant>

#include "medallion/common/status.h"

namespace medallion {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : storage_(std::move(value)) {}  // NOLINT: implicit on purpose
  Result(Status status) : storage_(std::move(status)) {  // NOLINT
    if (std::get<Status>(storage_).ok()) {
      storage_ = Status::Internal("Result constructed from an OK Status without a value");
    }
  }
  template <typename U, typename = std::enable_if_t<std::is_convertible_v<U, T> && !std::is_same_v<std::decay_t<U>, T> &&
                                                    !std::is_same_v<std::decay_t<U>, Status>>>
  Result(U&& value) : storage_(T(std::forward<U>(value))) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(storage_); }

  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(storage_);
  }

  const T& value() const& { return Checked(); }
  T& value() & { return Checked(); }
  T&& value() && { return std::move(Checked()); }
  T ValueOr(T alternative) const& { return ok() ? std::get<T>(storage_) : std::move(alternative); }

  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  T& Checked() {
    if (!ok()) Die();
    return std::get<T>(storage_);
  }
  const T& Checked() const {
    if (!ok()) Die();
    return std::get<T>(storage_);
  }
  [[noreturn]] void Die() const {
    std::cerr << "medallion: value() on an error Result: " << std::get<Status>(storage_) << std::endl;
    std::abort();
  }

  std::variant<T, Status> storage_;
};

}  // namespace medallion

// Evaluates `rexpr` (a Result<T>); on error returns its Status, otherwise
// moves the value into `lhs` (which may be a declaration: `auto x`).
#define MEDALLION_ASSIGN_OR_RETURN(lhs, rexpr) \
  MEDALLION_ASSIGN_OR_RETURN_IMPL(MEDALLION_CONCAT(_result_, __COUNTER__), lhs, rexpr)
#define MEDALLION_ASSIGN_OR_RETURN_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                    \
  if (!tmp.ok()) return tmp.status();                    \
  lhs = std::move(tmp).value()
