// `cx`, `cx run` and `cx shell`: one sandboxed session, from the config file
// to claude's exit status.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/credentials.h"
#include "config/settings.h"
#include "proc/capture.h"
#include "proc/spawn.h"
#include "proc/supervisor.h"
#include "runtime/mount_policy.h"
#include "runtime/run_command.h"
#include "runtime/runtime.h"
#include "util/fatal.h"
#include "util/shell_words.h"

extern char** environ;

namespace cx::cli {
namespace {

constexpr int kStart = kExitStartFailed;

std::uint64_t random64() {
  std::random_device rd;
  return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
}

std::string hex(std::uint64_t v, int digits) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return std::string(buf + 16 - digits);
}

// The environment of the runtime client: cx's own (PATH, DOCKER_HOST,
// XDG_RUNTIME_DIR, ... for the client itself) with the container's
// variables set on top. The container receives only the names listed with
// `-e NAME`, so nothing else of cx's environment reaches it.
std::vector<std::string> client_environment(const std::map<std::string, std::string>& vars) {
  std::vector<std::string> out;
  for (char** e = environ; *e; ++e) {
    std::string entry = *e;
    auto eq = entry.find('=');
    if (eq == std::string::npos || vars.count(entry.substr(0, eq))) continue;
    out.push_back(std::move(entry));
  }
  for (const auto& [k, v] : vars) out.push_back(k + "=" + v);
  return out;
}

const char* kSecretNames[] = {"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"};

bool is_secret(const std::string& name) {
  for (const char* s : kSecretNames)
    if (name == s) return true;
  return false;
}

void print_dry_run(const std::vector<std::string>& argv,
                   const std::map<std::string, std::string>& vars) {
  std::string line = "env";
  for (const auto& [k, v] : vars)
    line += " " + quote_shell_word(k + "=" + (is_secret(k) ? std::string("<redacted>") : v));
  for (const auto& a : argv) line += " " + quote_shell_word(a);
  std::printf("%s\n", line.c_str());
}

}  // namespace

int cmd_session(const Invocation& inv) {
  const bool shell = inv.command == Command::Shell;
  config::Settings s = load_config_or_die(kStart);
  if (inv.run.network) s.network = *config::parse_network_mode(*inv.run.network);
  if (inv.run.persist) s.persist = *config::parse_persist_mode(*inv.run.persist);

  if (s.credentials == config::CredentialsMode::kBroker)
    throw Fatal("CX_CREDENTIALS=broker (the default) is not available in this version of cx",
                kStart, "set CX_CREDENTIALS=env in " + s.path);
  if (s.network == config::NetworkMode::kAllowlist)
    throw Fatal("CX_NETWORK=allowlist (the default) is not available in this version of cx", kStart,
                "set CX_NETWORK=open in " + s.path + ", or pass --network open");

  runtime::Runtime rt = resolve_runtime_or_die(s, kStart);
  const char* home_env = std::getenv("HOME");
  std::string home = home_env ? home_env : "";
  std::error_code ec;
  std::string cwd = std::filesystem::current_path(ec).string();
  if (ec) throw Fatal("cannot read the current directory: " + ec.message(), kStart);
  std::string project = unwrap(runtime::check_project_dir(cwd, home, inv.run.allow_home), kStart);
  std::vector<runtime::Mount> user_mounts;
  for (const auto& m : s.mounts) user_mounts.push_back({m.host, m.container, m.read_only, false});
  auto mounts = unwrap(runtime::check_user_mounts(user_mounts, home, inv.run.allow_home), kStart);

  if (!inv.run.dry_run) require_image(rt, s.image_tag, kStart);

  aws::Credentials creds;
  std::string region;
  if (inv.run.dry_run) {
    creds.access_key_id = "<access-key-id>";
    creds.secret_access_key = creds.session_token = "<redacted>";
    region = s.aws_region.value_or("<region>");
  } else {
    AgentCredentialSource source(s, project, kStart);
    creds = unwrap(source.issue(), kStart);
    region = source.region();
  }

  // The container's environment: forwarded keys, CX_PASS_ENV, region, credentials.
  std::map<std::string, std::string> vars;
  std::vector<std::string> names;
  auto add = [&](const std::string& k, const std::string& v) {
    if (!vars.count(k)) names.push_back(k);
    vars[k] = v;
  };
  for (const auto& f : s.forward) add(f.name, f.value);
  for (const auto& n : s.pass_env)
    if (const char* v = std::getenv(n.c_str())) add(n, v);
  if (!vars.count("AWS_REGION")) add("AWS_REGION", region);
  add("AWS_ACCESS_KEY_ID", creds.access_key_id);
  add("AWS_SECRET_ACCESS_KEY", creds.secret_access_key);
  if (!creds.session_token.empty()) add("AWS_SESSION_TOKEN", creds.session_token);

  runtime::RunSpec spec;
  std::uint64_t rnd = random64();
  spec.name = runtime::container_name(project, static_cast<std::uint32_t>(rnd));
  spec.session_id = hex(rnd, 16);
  spec.project_dir = project;
  spec.host_pid = ::getpid();
  spec.tty = ::isatty(STDIN_FILENO);
  spec.uid = ::getuid();
  spec.gid = ::getgid();
  spec.network = runtime::Network::Default;
  spec.env_names = names;
  spec.mounts = mounts;
  spec.image = s.image_tag;
  if (shell) {
    spec.command = inv.rest.empty() ? std::vector<std::string>{"bash"} : inv.rest;
  } else {
    spec.command = {"claude"};
    spec.command.insert(spec.command.end(), s.claude_options.begin(), s.claude_options.end());
    spec.command.insert(spec.command.end(), inv.rest.begin(), inv.rest.end());
  }
  auto argv = unwrap(runtime::run_argv(rt, spec), kStart);

  if (inv.run.dry_run) {
    print_dry_run(argv, vars);
    return 0;
  }
  if (inv.run.verbose)
    std::fprintf(stderr, "cx: session %s: %s in %s as %s\n", spec.name.c_str(),
                 shell ? "shell" : "claude", project.c_str(), s.aws_iam_role.c_str());

  int code;
  {
    proc::TerminalGuard terminal;
    auto pid = proc::spawn({.argv = argv, .env = client_environment(vars)});
    if (!pid) throw Fatal(pid.error(), kStart);
    code = proc::supervise(*pid);
  }
  // --rm removes the container when the client exits normally; this covers
  // the client being killed. Output is discarded: "no such container" is the
  // usual answer.
  (void)proc::capture({.argv = runtime::rm_argv(rt, spec.name)});
  return code;
}

}  // namespace cx::cli
