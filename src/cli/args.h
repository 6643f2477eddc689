#pragma once
// The command line: which command, its flags, and what goes on to claude
// (or to the shell). Pure parsing, so it is unit-tested.

#include <optional>
#include <string>
#include <vector>

#include "util/result.h"

namespace cx::cli {

enum class Command {
  Run, Shell, Build, Symlink, Unlink, Creds, Ps, Gc, Doctor, Init, Completion, Help, Version
};

struct RunFlags {
  bool dry_run = false;
  bool allow_home = false;
  bool verbose = false;
  std::optional<std::string> network;  // allowlist | open
  std::optional<std::string> persist;  // project | shared | none
};

struct BuildFlags {
  bool no_cache = false;
  bool print = false;
  bool verbose = false;  // the runtime's output as it comes, not only on failure
  std::optional<std::string> claude_version;
};

struct InitFlags {
  std::optional<std::string> role, runtime, region, image, profile;
  std::optional<std::string> inference_profile;  // ANTHROPIC_MODEL and the model-slot keys
  bool yes = false;    // ask nothing: flags and defaults only
  bool force = false;  // replace an existing file
};

struct Invocation {
  Command command = Command::Run;
  RunFlags run;
  BuildFlags build;
  InitFlags init;
  std::optional<std::string> dir;    // symlink / unlink
  std::string creds_format = "env";  // creds: env | json | process
  std::string topic;                 // help: the command asked about, or empty
  std::string shell;                 // completion: bash | zsh | fish
  std::vector<std::string> rest;     // claude args (run) or the command (shell)
  std::string argv0;                 // cx's argv[0], set by main: see port::self_exe_path
};

// Parses argv[1..] by the command table (command_table.h). A usage error is
// an Error (the caller exits 2).
Result<Invocation> parse_args(const std::vector<std::string>& args);

}  // namespace cx::cli
