#include "cli/main.h"

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "cli/args.h"
#include "cli/commands.h"
#include "proc/signals.h"
#include "util/fatal.h"
#include "util/term_style.h"

namespace cx::cli {
namespace {

void print_error(const std::string& message, const std::string& hint) {
  std::fprintf(stderr, "%s %s\n", term::error_prefix().c_str(), message.c_str());
  if (!hint.empty()) std::fprintf(stderr, "cx: hint: %s\n", hint.c_str());
}

int dispatch(const Invocation& inv) {
  switch (inv.command) {
    case Command::Help:
      return cmd_help(inv);
    case Command::Version:
      return cmd_version();
    case Command::Symlink:
      return cmd_symlink(inv);
    case Command::Unlink:
      return cmd_unlink(inv);
    case Command::Build:
      return cmd_build(inv);
    case Command::Creds:
      return cmd_creds(inv);
    case Command::Ps:
      return cmd_ps();
    case Command::Gc:
      return cmd_gc();
    case Command::Doctor:
      return cmd_doctor();
    case Command::Init:
      return cmd_init(inv);
    case Command::Completion:
      return cmd_completion(inv);
    case Command::Run:
    case Command::Shell:
      return cmd_session(inv);
  }
  return kExitFailure;
}

}  // namespace

int main(int argc, char** argv) {
  // Before any thread starts, so every thread inherits the mask.
  proc::block_session_signals();
  std::vector<std::string> args(argv + 1, argv + argc);
  auto inv = parse_args(args);
  if (!inv) {
    print_error(inv.error().message, inv.error().hint.empty() ? "see cx help" : inv.error().hint);
    return kExitUsage;
  }
  inv->argv0 = argc > 0 ? argv[0] : "";
  // A session that fails before claude runs exits 125 (docker's convention).
  const bool session = inv->command == Command::Run || inv->command == Command::Shell;
  try {
    return dispatch(*inv);
  } catch (const Fatal& f) {
    print_error(f.what(), f.hint());
    return f.exit_code();
  } catch (const std::exception& e) {
    print_error(std::string("internal: ") + e.what(), "");
    return session ? kExitStartFailed : kExitFailure;
  }
}

}  // namespace cx::cli
