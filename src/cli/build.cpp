// `cx build`: build IMAGE_TAG from the Containerfile compiled into cx.
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.h"
#include "cli/common.h"
#include "proc/capture.h"
#include "proc/spawn.h"
#include "proc/supervisor.h"
#include "runtime/build_command.h"
#include "runtime/build_progress.h"
#include "runtime/embedded_image.h"
#include "util/env.h"
#include "util/fatal.h"
#include "util/private_fs.h"
#include "util/temp_dir.h"
#include "util/unique_fd.h"

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

// $XDG_STATE_HOME/cx/build.log (0600), emptied for this build: where the
// runtime's output goes when it is not shown as it comes.
std::string open_build_log(UniqueFd& out) {
  const std::string dir = xdg_cx_dir(process_env(), "XDG_STATE_HOME", ".local/state");
  if (auto ok = ensure_private_dir(dir, "cx's state directory"); !ok)
    throw Fatal(ok.error(), kExitFailure);
  const std::string path = dir + "/build.log";
  out.reset(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!out || ::fchmod(out.get(), 0600) != 0)
    throw Fatal("cannot write the build log " + path + ": " + errno_text(), kExitFailure,
                "check that " + dir + " is yours and writable, or use cx build --verbose");
  return path;
}

// Runs the build with its output in the build log. On a terminal, one line
// shows the step and the time taken; in a pipe nothing is printed until the
// end. When the build fails, the end of its output is printed.
void build_quietly(const std::vector<std::string>& argv, const std::string& runtime_name) {
  UniqueFd log;
  const std::string log_path = open_build_log(log);
  UniqueFd reader(::open(log_path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!reader)
    throw Fatal("cannot read the build log " + log_path + ": " + errno_text(), kExitFailure);

  auto builder = proc::spawn({.argv = argv, .stdout_fd = log.get(), .stderr_fd = log.get()});
  if (!builder) throw Fatal(builder.error(), kExitFailure);
  log.reset();

  // A terminal that can return to the start of a line and clear the rest of it.
  const char* term = std::getenv("TERM");
  const bool terminal =
      ::isatty(STDERR_FILENO) == 1 && term && *term && std::string_view(term) != "dumb";
  const auto started = std::chrono::steady_clock::now();
  runtime::BuildOutput output;
  std::string shown;
  auto drain = [&] {
    char buf[65536];
    ssize_t n;
    while ((n = ::read(reader.get(), buf, sizeof buf)) > 0)
      output.feed(std::string_view(buf, static_cast<size_t>(n)));
  };
  auto show = [&] {
    drain();
    if (!terminal) return;
    winsize ws{};
    const size_t width =
        ::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 ? ws.ws_col : 80;
    const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::steady_clock::now() - started);
    // Drawn again only when it changes (the time moves once a second).
    std::string line = runtime::progress_line(output.step(), elapsed, width);
    if (line == shown) return;
    std::fprintf(stderr, "\r%s\033[K", line.c_str());
    std::fflush(stderr);
    shown = std::move(line);
  };
  show();
  const int code =
      proc::supervise(*builder, {.on_tick = show, .tick = std::chrono::milliseconds(250)});
  drain();
  output.finish();
  if (terminal) std::fprintf(stderr, "\r\033[K");
  if (code == 0) return;
  for (const std::string& line : output.tail()) std::fprintf(stderr, "%s\n", line.c_str());
  throw Fatal(runtime_name + " build failed (exit " + std::to_string(code) + ")", kExitFailure,
              "the lines above end the build output; all of it is in " + log_path +
                  " (cx build --verbose shows it as it comes)");
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
  const std::vector<std::string> argv = runtime::build_argv(rt, spec);
  const std::string runtime_name(config::to_string(rt.kind));
  if (inv.build.verbose) {
    auto builder = proc::spawn({.argv = argv});
    if (!builder) throw Fatal(builder.error(), kExitFailure);
    if (int code = proc::supervise(*builder); code != 0)
      throw Fatal(runtime_name + " build failed (exit " + std::to_string(code) + ")", kExitFailure,
                  "the build output above says why; cx build --print shows the Containerfile");
  } else {
    build_quietly(argv, runtime_name);
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
