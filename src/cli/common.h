#pragma once
// Steps that several commands share: loading the config, resolving the
// runtime, checking the image. Each throws cx::Fatal with exit 125 (a
// session that could not start) or the exit code given.

#include <optional>
#include <string>

#include "broker/allowlist.h"
#include "config/settings.h"
#include "util/fatal.h"
#include "runtime/runtime.h"

namespace cx::cli {

// Loads $ENV_FILE or ~/.claude-exec, printing its warnings.
config::Settings load_config_or_die(int exit_code);

// Resolves RUNTIME to a binary and its dialect.
runtime::Runtime resolve_runtime_or_die(const config::Settings& s, int exit_code);

// Checks every CX_ALLOW_HOSTS entry with the egress proxy's own parser and
// returns its warnings (special addresses a listed entry lets the agent
// reach); an error or warning names the config line. Sessions call it before
// asking for credentials.
Result<std::vector<std::string>> check_allow_hosts(const config::Settings& s);

// Why this session may not start as it stands: cx runs as root (`euid`) on a
// rootful runtime, so the agent would be host root in its mounts, and the
// config has no CX_ALLOW_ROOT=1. Sessions refuse it; doctor reports it.
std::optional<Error> root_refusal(const runtime::Runtime& rt, const config::Settings& s,
                                  unsigned euid);

// Whether `tag` is in the runtime's local image store (`image inspect`); an
// error when the runtime could not be run.
Result<bool> image_present(const runtime::Runtime& rt, const std::string& tag);
// Fails unless `tag` exists in the runtime's local image store.
void require_image(const runtime::Runtime& rt, const std::string& tag, int exit_code);
// The error require_image throws for a missing image.
Fatal missing_image(const runtime::Runtime& rt, const std::string& tag, int exit_code);

}  // namespace cx::cli
