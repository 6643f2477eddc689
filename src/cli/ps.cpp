// `cx ps` and `cx gc`: the sessions on this host, and cleaning up after the
// ones whose cx died (containers, socket directories, records).
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "cli/commands.h"
#include "cli/sessions.h"
#include "proc/capture.h"
#include "runtime/run_command.h"
#include "runtime/runtime.h"
#include "util/env.h"
#include "util/iso8601.h"

namespace cx::cli {
namespace {

std::string left(const std::optional<SystemTime>& t, SystemTime now) {
  if (!t) return "-";
  auto s = std::chrono::duration_cast<std::chrono::seconds>(*t - now).count();
  if (s <= 0) return "expired";
  if (s < 120) return std::to_string(s) + "s";
  return std::to_string(s / 60) + "m";
}

// Removes the containers (the agent's, the gate), the network and the
// broker directory left by a dead session.
void clean(const SessionRecord& r) {
  if (!r.runtime.empty() && !r.container.empty()) {
    auto rt = runtime::resolve_runtime(r.runtime, runtime::system_host_probe());
    if (rt) {
      (void)proc::capture({.argv = runtime::rm_argv(*rt, r.container)});
      if (!r.gate.empty()) (void)proc::capture({.argv = runtime::rm_argv(*rt, r.gate)});
      if (!r.network.empty()) (void)proc::capture({.argv = runtime::network_rm_argv(*rt, r.network)});
    }
  }
  // Only a directory cx made (its name says so) is removed.
  if (!r.broker_dir.empty() &&
      std::filesystem::path(r.broker_dir).filename().string().rfind("cx-" + r.id, 0) == 0) {
    std::error_code ec;
    std::filesystem::remove_all(r.broker_dir, ec);
  }
}

}  // namespace

int cmd_ps() {
  const std::string dir = sessions_dir(process_env());
  const SystemTime now = std::chrono::system_clock::now();
  std::printf("%-16s %-8s %-24s %-10s %-40s %s\n", "SESSION", "PID", "CONTAINER", "CREDS", "ROLE",
              "PROJECT");
  for (const auto& r : read_records(dir)) {
    if (!process_alive(r.pid)) continue;
    std::printf("%-16s %-8d %-24s %-10s %-40s %s\n", r.id.c_str(), static_cast<int>(r.pid),
                r.container.c_str(), left(r.expiration, now).c_str(), r.role.c_str(),
                r.project.c_str());
  }
  return 0;
}

int cmd_gc() {
  const std::string dir = sessions_dir(process_env());
  int removed = 0;
  for (const auto& r : read_records(dir)) {
    if (process_alive(r.pid)) continue;
    clean(r);
    remove_record(dir, r.id);
    std::printf("cx: removed session %s (%s, pid %d gone)\n", r.id.c_str(), r.container.c_str(),
                static_cast<int>(r.pid));
    ++removed;
  }
  if (removed == 0) std::printf("cx: nothing to clean up\n");
  return 0;
}

}  // namespace cx::cli
