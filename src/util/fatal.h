#pragma once
// Fatal: the one exception cx throws, meaning "stop this command". It is
// caught once, in main, and printed as `cx: error: MESSAGE` (+ `cx: hint:`).

#include <stdexcept>
#include <string>

#include "util/result.h"

namespace cx {

// Exit codes (docs/contract.md §Exit status).
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitStartFailed = 125;  // cx failed before claude ran

class Fatal : public std::runtime_error {
 public:
  Fatal(std::string message, int exit_code, std::string hint = {})
      : std::runtime_error(std::move(message)), exit_code_(exit_code), hint_(std::move(hint)) {}
  Fatal(const Error& e, int exit_code) : Fatal(e.message, exit_code, e.hint) {}

  int exit_code() const { return exit_code_; }
  const std::string& hint() const { return hint_; }

 private:
  int exit_code_;
  std::string hint_;
};

// Returns the value of `r`, or throws Fatal with `exit_code`.
template <class T>
T unwrap(Result<T> r, int exit_code) {
  if (!r.ok()) throw Fatal(r.error(), exit_code);
  return std::move(r).value();
}

}  // namespace cx
