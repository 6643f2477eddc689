#pragma once
// Settings: the validated contents of ~/.claude-exec (docs/contract.md §Keys),
// built from the parsed file and the host environment.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/parser.h"
#include "util/env.h"
#include "util/result.h"

namespace cx::config {

enum class RuntimeKind { kDocker, kPodman, kNerdctl };
enum class CredentialsMode { kBroker, kEnv };
enum class NetworkMode { kAllowlist, kOpen };
enum class PersistMode { kProject, kShared, kNone };
// CX_TRIPWIRE: what cx does about changes to workspace files that run later.
enum class TripwireMode { kWarn, kBlock, kOff };
// CX_TRANSPORT: how the container reaches the broker (runtime/transport.h).
enum class TransportMode { kAuto, kLocal, kRemote };

// One CX_MOUNTS entry, HOST:CONTAINER[:ro|:rw].
struct Mount {
  std::string host;       // absolute, ~/ expanded, exists
  std::string container;  // absolute, not "/"
  bool read_only = false;

  bool operator==(const Mount&) const = default;
};

// One environment variable for the container.
struct EnvVar {
  std::string name;
  std::string value;

  bool operator==(const EnvVar&) const = default;
};

// Size caps of the config file and of the files it names (a larger one is
// refused): a config is a few dozen lines; a session policy is at most 2048
// characters for STS; CA bundles such as Debian's hold ~150 certificates in
// ~220 KiB, so 8 MiB leaves room for any corporate one.
inline constexpr std::size_t kMaxConfigBytes = 1024 * 1024;
inline constexpr std::size_t kMaxSessionPolicyBytes = 64 * 1024;
inline constexpr std::size_t kMaxCaBundleBytes = 8 * 1024 * 1024;

struct Settings {
  std::string path;  // the config file these settings came from

  std::string runtime;  // RUNTIME as written: a bare name or an absolute path
  RuntimeKind runtime_kind = RuntimeKind::kDocker;
  std::string image_tag;
  std::string aws_iam_role;
  std::optional<std::string> aws_region;  // unset: the profile's region
  std::string aws_profile = "default";
  // True when AWS_PROFILE came from the file or the environment (the file
  // wins); false means "default" by default, which the credential chain treats
  // differently (e.g. host AWS_ACCESS_KEY_ID may be the source).
  bool aws_profile_explicit = false;
  int session_duration = 3600;  // seconds; < 900 only with a custom STS endpoint
  std::optional<std::string> claude_code_use_bedrock;
  std::optional<std::string> anthropic_model;
  std::vector<std::string> claude_options;  // CLAUDE_OPTIONS split into words

  CredentialsMode credentials = CredentialsMode::kBroker;
  NetworkMode network = NetworkMode::kAllowlist;
  std::vector<std::string> allow_hosts;  // entries as written: host, *.suffix, host:port
  std::string allow_hosts_where;         // FILE:LINE:COL of CX_ALLOW_HOSTS, for errors
  PersistMode persist = PersistMode::kProject;
  std::optional<std::string> extra_ca_certs;  // absolute path of a readable PEM file
  std::vector<Mount> mounts;
  std::vector<std::string> pass_env;          // valid variable names, in order
  std::optional<std::string> session_policy;  // absolute path of a readable file
  std::optional<std::string> external_id;
  std::optional<std::string> role_session_name;  // unset: cx-USER-PROJECT
  int refresh_margin = 900;                      // seconds, >= 60
  bool cache = true;
  // CX_ALLOW_ROOT=1: the agent may run as host root without a user namespace
  // (cx run by root on a rootful runtime); refused otherwise.
  bool allow_root = false;
  TripwireMode tripwire = TripwireMode::kWarn;
  TransportMode transport = TransportMode::kAuto;

  // Keys for the container: every assignment that cx does not consume, the
  // last value of each, in order of first appearance, no duplicates.
  std::vector<EnvVar> forward;
  // Things the user should know that do not stop cx (one sentence each, with
  // the fix), e.g. the file is readable by other users.
  std::vector<std::string> warnings;
  // Every assignment of the file, for lookup().
  ConfigFile file;

  // Returns the value the file assigns to `key` (the last one), or nullopt.
  std::optional<std::string> lookup(std::string_view key) const;
};

// Returns the config file path: $ENV_FILE if set and not empty, else
// $HOME/.claude-exec.
Result<std::string> config_path(const EnvLookup& env);

// Validates a parsed file into Settings; `env` supplies HOME (for ~/ in
// lists), AWS_PROFILE and the STS endpoint variables.
Result<Settings> build_settings(ConfigFile file, const EnvLookup& env);

// Reads, parses and validates the config file at `path`, warning when other
// users may read or write it.
Result<Settings> load_settings(const std::string& path, const EnvLookup& env);

// Returns the variables the container gets from the config: the file's
// forwarded keys, then each CX_PASS_ENV name that `env` sets; a name in both
// keeps its place with the host's value, as in the container.
std::vector<EnvVar> container_variables(const Settings& s, const EnvLookup& env);

// Returns the lowercase names used in the file and on the command line.
std::string_view to_string(RuntimeKind kind);
std::string_view to_string(CredentialsMode mode);
std::string_view to_string(NetworkMode mode);
std::string_view to_string(PersistMode mode);
std::string_view to_string(TripwireMode mode);
std::string_view to_string(TransportMode mode);

// Parses `--network` / CX_NETWORK words ("allowlist", "open").
std::optional<NetworkMode> parse_network_mode(std::string_view word);
// Parses `--persist` / CX_PERSIST words ("project", "shared", "none").
std::optional<PersistMode> parse_persist_mode(std::string_view word);
// Parses CX_TRIPWIRE words ("warn", "block", "off").
std::optional<TripwireMode> parse_tripwire_mode(std::string_view word);
// Parses CX_TRANSPORT words ("auto", "local", "remote").
std::optional<TransportMode> parse_transport_mode(std::string_view word);
// Parses CX_CREDENTIALS words ("broker", "env").
std::optional<CredentialsMode> parse_credentials_mode(std::string_view word);

}  // namespace cx::config
