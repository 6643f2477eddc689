#pragma once
// A bind mount into the session container, and the CX_MOUNTS syntax
// (`HOST:CONTAINER[:ro]`, space separated).

#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace cx::runtime {

struct Mount {
  std::string host;       // absolute host path
  std::string container;  // absolute path inside the container
  bool read_only = false;
  // Only this session uses the source (a per-session temp dir or file), so
  // under SELinux it may get a label private to this container (`:Z`).
  bool session_private = false;
};

// Parses CX_MOUNTS: entries separated by whitespace, each `HOST:CONTAINER`
// or `HOST:CONTAINER:ro` (or `:rw`); a leading `~/` in HOST means `home`.
Result<std::vector<Mount>> parse_mounts(std::string_view list, std::string_view home);

}  // namespace cx::runtime
