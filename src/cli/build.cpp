// `cx build`: build IMAGE_TAG from the Containerfile compiled into cx.
#include <cstdio>
#include <filesystem>
#include <string>

#include "cli/commands.h"
#include "cli/common.h"
#include "proc/capture.h"
#include "proc/spawn.h"
#include "proc/supervisor.h"
#include "runtime/build_command.h"
#include "runtime/embedded_image.h"
#include "util/fatal.h"
#include "util/temp_dir.h"

namespace cx::cli {
namespace {

// The newest Claude Code release, asked of the host's npm (with the user's
// own registry configuration) when it has one; empty otherwise.
std::string newest_claude_version() {
  if (proc::find_on_path("npm").empty()) return {};
  auto r = proc::capture({.argv = {"npm", "view", "@anthropic-ai/claude-code", "version"},
                          .timeout = std::chrono::seconds(30)});
  if (!r || r->exit_code != 0) return {};
  std::string v = r->out;
  while (!v.empty() && (v.back() == '\n' || v.back() == '\r' || v.back() == ' ')) v.pop_back();
  if (v.empty() ||
      v.find_first_not_of("0123456789.-abcdefghijklmnopqrstuvwxyz") != std::string::npos)
    return {};
  return v;
}

}  // namespace

int cmd_build(const Invocation& inv) {
  if (inv.build.print) {
    std::fwrite(embedded::containerfile.data(), 1, embedded::containerfile.size(), stdout);
    return 0;
  }
  config::Settings s = load_config_or_die(kExitFailure);
  runtime::Runtime rt = resolve_runtime_or_die(s, kExitFailure);

  runtime::BuildSpec spec;
  spec.tag = s.image_tag;
  spec.no_cache = inv.build.no_cache;
  spec.recipe = runtime::image_recipe();
  if (inv.build.claude_version) {
    spec.claude_version = *inv.build.claude_version;
  } else if (std::string v = newest_claude_version(); !v.empty()) {
    spec.claude_version = v;
  } else {
    // "latest" lets the runtime reuse a cached layer from an older release.
    std::fprintf(stderr,
                 "cx: notice: no npm on this host to find the newest Claude Code; building "
                 "\"latest\" (a cached layer may hold an older release: use --claude-version V "
                 "or --no-cache)\n");
  }

  TempDir ctx = unwrap(TempDir::create("cx-build-"), kExitFailure);
  spec.context_dir = ctx.path();
  if (auto st = runtime::write_build_context(ctx.path(), s.extra_ca_certs); !st)
    throw Fatal(st.error(), kExitFailure);

  std::fprintf(stderr, "cx: building %s with %s (Claude Code %s)\n", spec.tag.c_str(),
               std::string(config::to_string(rt.kind)).c_str(), spec.claude_version.c_str());
  auto builder = proc::spawn({.argv = runtime::build_argv(rt, spec)});
  if (!builder) throw Fatal(builder.error(), kExitFailure);
  int code = proc::supervise(*builder);
  if (code != 0) {
    throw Fatal(std::string(config::to_string(rt.kind)) + " build failed (exit " +
                    std::to_string(code) + ")",
                kExitFailure,
                "the build output above says why; cx build --print shows the Containerfile");
  }

  // Ask the image itself, so the version reported is the one it holds.
  auto v = proc::capture({.argv = {rt.path, "run", "--rm", "--network", "none", "--entrypoint",
                                   "/usr/local/bin/claude", spec.tag, "--version"},
                          .timeout = std::chrono::seconds(60)});
  std::string version = v && v->exit_code == 0 ? v->out : std::string("unknown\n");
  std::printf("cx: built %s: Claude Code %s", spec.tag.c_str(), version.c_str());
  return 0;
}

}  // namespace cx::cli
