#pragma once
// What `cx build` shows while the runtime builds: the step it is at, read
// from the runtime's own output, and the end of that output when the build
// fails. The formats are the runtimes' plain-text ones:
//   podman / buildah   "STEP 3/12: RUN apt-get ..."  ("[1/2] STEP 3/7: ..." in a multi-stage build)
//   docker (legacy)    "Step 3/12 : RUN apt-get ..."
//   BuildKit (docker, nerdctl; plain progress)  "#7 [3/12] RUN apt-get ..."  ("#7 [stage 3/7] ...")

#include <chrono>
#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cx::runtime {

struct BuildStep {
  int number = 0;
  int total = 0;
  std::string text;  // the instruction, e.g. "RUN apt-get ..."
  // podman's stage in a multi-stage build ("[1/2] STEP ..."); 0 when not said.
  int stage = 0;
  int stages = 0;
};

// The step a line of build output starts, if it starts one.
std::optional<BuildStep> parse_build_step(std::string_view line);

// The runtime's build output as it arrives, in chunks that may split lines
// (a '\r', as in a progress bar, ends a line too). Keeps only the newest
// step and the last lines, so its size does not grow with the output.
class BuildOutput {
 public:
  static constexpr std::size_t kMaxLine = 2000;  // longer lines are cut here

  explicit BuildOutput(std::size_t tail_lines = 40) : tail_max_(tail_lines) {}
  void feed(std::string_view bytes);
  // The output has ended: a last line without a newline counts.
  void finish();

  const std::optional<BuildStep>& step() const { return step_; }
  // The last lines (at most tail_lines, empty lines left out), oldest first,
  // with control characters shown as '?'.
  std::vector<std::string> tail() const { return {tail_.begin(), tail_.end()}; }

 private:
  void line_done();

  std::size_t tail_max_;
  std::string partial_;
  bool cut_ = false;  // partial_ reached kMaxLine; the rest of the line is dropped
  std::optional<BuildStep> step_;
  std::deque<std::string> tail_;
};

// One terminal line, at most `width` columns: "cx: step 3/12: RUN apt-get ... (1m05s)"
// ("cx: [1/2] step 3/7: ..." with podman's stage), or "cx: building (4s)" before the first step.
std::string progress_line(const std::optional<BuildStep>& step, std::chrono::seconds elapsed,
                          std::size_t width);

// "4s", "1m05s", "1h02m".
std::string format_elapsed(std::chrono::seconds elapsed);

}  // namespace cx::runtime
