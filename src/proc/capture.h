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
  // At most this many bytes of stdout and of stderr each are kept; a child
  // that writes more is killed (output_overflow). Bounds what a hostile or
  // broken helper can make cx hold.
  size_t max_output = 16u << 20;
};

struct CaptureResult {
  int exit_code = 0;  // exit status, or 128+N for signal N
  std::string out;
  std::string err;
  bool timed_out = false;
  bool output_overflow = false;  // killed for writing more than max_output
};

// Runs the command to completion. Failing to start it is an Error; a
// non-zero exit is a result.
Result<CaptureResult> capture(const CaptureOptions& opts);

}  // namespace cx::proc
