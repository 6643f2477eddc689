#include "cli/common.h"

#include <cstdio>

#include "proc/capture.h"
#include "runtime/run_command.h"
#include "util/env.h"
#include "util/fatal.h"
#include "util/term_style.h"

namespace cx::cli {

config::Settings load_config_or_die(int exit_code) {
  auto env = process_env();
  auto path = unwrap(config::config_path(env), exit_code);
  auto settings = unwrap(config::load_settings(path, env), exit_code);
  for (const auto& w : settings.warnings)
    std::fprintf(stderr, "%s %s\n", term::warning_prefix().c_str(), w.c_str());
  return settings;
}

runtime::Runtime resolve_runtime_or_die(const config::Settings& s, int exit_code) {
  return unwrap(runtime::resolve_runtime(s.runtime, runtime::system_host_probe()), exit_code);
}

std::optional<Error> root_refusal(const runtime::Runtime& rt, const config::Settings& s,
                                  unsigned euid) {
  if (euid != 0 || rt.rootless || s.allow_root) return std::nullopt;
  Error e;
  e.message = "cx is running as root with a rootful " + std::string(config::to_string(rt.kind)) +
              ": the agent would be root on the host in /src and every mount";
  e.hint =
      "run cx as your own user (or with rootless podman or docker); to accept it, set "
      "CX_ALLOW_ROOT=1 in the config";
  return e;
}

Result<std::vector<std::string>> check_allow_hosts(const config::Settings& s) {
  std::vector<std::string> warnings;
  for (const std::string& entry : s.allow_hosts) {
    auto e = broker::parse_allow_entry(entry, &warnings);
    if (!e) return make_error(s.allow_hosts_where + ": " + e.error().message, e.error().hint);
  }
  for (std::string& w : warnings) w = s.allow_hosts_where + ": " + w;
  return warnings;
}


Fatal missing_image(const runtime::Runtime& rt, const std::string& tag, int exit_code) {
  return Fatal("image " + tag + " not found in " + std::string(config::to_string(rt.kind)),
               exit_code, "build it: cx build");
}

Result<bool> image_present(const runtime::Runtime& rt, const std::string& tag) {
  auto r = proc::capture({.argv = runtime::image_exists_argv(rt, tag)});
  if (!r) return r.error();
  return r->exit_code == 0;
}

void require_image(const runtime::Runtime& rt, const std::string& tag, int exit_code) {
  const auto present = image_present(rt, tag);
  if (!present) throw Fatal(present.error(), exit_code);
  if (!*present) throw missing_image(rt, tag, exit_code);
}

}  // namespace cx::cli
