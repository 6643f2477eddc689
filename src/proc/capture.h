#pragma once
// Running a short helper command (`docker image inspect`, `npm view`,
// `credential_process`) and collecting what it prints.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "util/result.h"

namespace cx::proc {

struct CaptureOptions {
  std::vector<std::string> argv;
  std::optional<std::vector<std::string>> env;  // unset = inherit
  std::string stdin_data;                       // written to the child's stdin, then closed
  bool pass_stderr = false;                     // true: stderr goes to cx's stderr, not captured
  std::chrono::milliseconds timeout{0};         // 0 = none; on expiry the child is killed
};

struct CaptureResult {
  int exit_code = 0;  // exit status, or 128+N for signal N
  std::string out;
  std::string err;
  bool timed_out = false;
};

// Runs the command to completion. Failing to start it is an Error; a
// non-zero exit is a result.
Result<CaptureResult> capture(const CaptureOptions& opts);

}  // namespace cx::proc
