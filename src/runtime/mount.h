#pragma once
// A bind mount into the session container. CX_MOUNTS entries are parsed by
// config (config::parse_mount) and checked by check_user_mounts().

#include <string>

namespace cx::runtime {

struct Mount {
  std::string host;       // absolute host path
  std::string container;  // absolute path inside the container
  bool read_only = false;
  // Only this session uses the source (a per-session temp dir or file), so
  // under SELinux it may get a label private to this container (`:Z`).
  bool session_private = false;
};

}  // namespace cx::runtime
