#include "cli/main.h"

#include <cstdio>
#include <exception>

#include "util/fatal.h"

namespace cx::cli {

int main(int argc, char** argv) {
  (void)argc;
  (void)argv;
  try {
    return 0;
  } catch (const Fatal& f) {
    std::fprintf(stderr, "cx: error: %s\n", f.what());
    if (!f.hint().empty()) std::fprintf(stderr, "cx: hint: %s\n", f.hint().c_str());
    return f.exit_code();
  }
}

}  // namespace cx::cli
