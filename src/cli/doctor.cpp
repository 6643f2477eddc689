// `cx doctor`: everything a session needs, checked in the order a session
// needs it, one line each: ✓ what was found, ✗ what is wrong and the fix, or
// - a check that could not run because an earlier one failed.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>

#include "broker/allowlist.h"
#include "broker/host.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/credentials.h"
#include "cli/sessions.h"
#include "config/inference_profile.h"
#include "config/settings.h"
#include "proc/capture.h"
#include "runtime/build_command.h"
#include "runtime/container_contract.h"
#include "runtime/mount_policy.h"
#include "runtime/runtime.h"
#include "runtime/transport.h"
#include "util/curl_http.h"
#include "util/env.h"
#include "util/fatal.h"
#include "util/iso8601.h"
#include "util/portable.h"
#include "util/private_fs.h"
#include "util/temp_dir.h"
#include "util/term_style.h"
#include "util/unique_fd.h"
#include "util/url.h"

namespace cx::cli {
namespace {

class Report {
 public:
  void pass(const std::string& check, const std::string& what) {
    std::printf("%s %s: %s\n", term::paint(STDOUT_FILENO, term::Tint::kGreen, "\u2713").c_str(),
                check.c_str(), what.c_str());
    ++checks_;
  }
  void fail(const std::string& check, const std::string& what, const std::string& fix) {
    std::printf("%s %s: %s%s%s\n", term::paint(STDOUT_FILENO, term::Tint::kRed, "\u2717").c_str(),
                check.c_str(), what.c_str(), fix.empty() ? "" : " \u2014 fix: ", fix.c_str());
    ++checks_;
    ++failed_;
  }
  void fail(const std::string& check, const Error& e) { fail(check, e.message, e.hint); }
  void not_checked(const std::string& check, const std::string& needs) {
    std::printf("- %s: not checked (needs %s)\n", check.c_str(), needs.c_str());
    ++checks_;
    ++failed_;
  }
  void note(const std::string& check, const std::string& what) {
    std::printf("%s %s: %s\n", term::paint(STDOUT_FILENO, term::Tint::kYellow, "!").c_str(),
                check.c_str(), what.c_str());
  }
  int finish() const {
    if (failed_ == 0)
      std::printf("cx doctor: all %d checks passed\n", checks_);
    else
      std::printf("cx doctor: %d of %d checks did not pass\n", failed_, checks_);
    return failed_ == 0 ? 0 : kExitFailure;
  }

 private:
  int checks_ = 0;
  int failed_ = 0;
};

std::string first_line(const std::string& s) {
  std::string line = s.substr(0, s.find('\n'));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

// The runtime answers, and for docker its daemon too.
bool check_runtime(Report& r, const runtime::Runtime& rt) {
  const bool docker = rt.kind == config::RuntimeKind::kDocker;
  auto v = proc::capture({.argv = {rt.path, "version", "--format",
                                   docker ? "{{.Server.Version}}" : "{{.Client.Version}}"},
                          .timeout = std::chrono::seconds(20)});
  const std::string name(config::to_string(rt.kind));
  if (!v || v->exit_code != 0) {
    const std::string why = !v ? v.error().message : first_line(v->err + "\n" + v->out);
    r.fail("runtime", rt.path + " version failed: " + why,
           docker ? "start the Docker daemon (systemctl start docker), or add yourself to the "
                    "docker group"
                  : "run " + rt.path + " version and fix what it reports");
    return false;
  }
  r.pass("runtime", name + " " + first_line(v->out) + " (" + rt.path +
                        (rt.rootless ? ", rootless" : "") + ")");
  return true;
}

// How the container will reach the broker (CX_TRANSPORT), and why.
void check_transport(Report& r, const config::Settings& s, const runtime::Runtime& rt,
                     const EnvLookup& env) {
  runtime::EngineFacts facts;
  if (runtime::transport_needs_engine(s.transport)) {
    auto asked = runtime::query_engine(rt, s.transport, env);
    if (!asked) {
      r.fail("transport", asked.error());
      return;
    }
    facts = std::move(*asked);
  }
  auto t = runtime::decide_transport(s.transport, rt, facts, runtime::this_host());
  if (!t) {
    r.fail("transport", t.error());
    return;
  }
  std::string what = std::string(runtime::to_string(t->kind)) + ": " + t->reason;
  if (t->kind == runtime::TransportKind::kRemote)
    what += "; the broker listens on " + t->bind_address + ", the gate reaches it as " +
            t->dial_host;
  r.pass("transport", what);
}

// The image exists, and which Claude Code and which cx recipe it holds.
void check_image(Report& r, const runtime::Runtime& rt, const std::string& tag) {
  const std::string format = std::string("{{index .Config.Labels \"cx.claude-version\"}} {{index "
                                         ".Config.Labels \"") +
                             runtime::kRecipeLabel + "\"}}";
  auto v = proc::capture({.argv = {rt.path, "image", "inspect", "--format", format, tag},
                          .timeout = std::chrono::seconds(20)});
  const std::string name(config::to_string(rt.kind));
  if (!v || v->exit_code != 0) {
    r.fail("image", tag + " is not among " + name + "'s images", "cx build");
    return;
  }
  std::string line = first_line(v->out);
  const auto space = line.find(' ');
  std::string version = line.substr(0, space);
  std::string recipe = space == std::string::npos ? "" : line.substr(space + 1);
  if (version.empty() || version == "<no value>") version = "unknown";
  if (recipe != runtime::image_recipe()) {
    r.fail("image",
           tag + " (Claude Code " + version + ") was not built by this cx: its entrypoint may not "
                                              "match what this cx expects",
           "cx build");
    return;
  }
  r.pass("image", tag + ", Claude Code " + version + ", built by this cx");
}

// The current directory and CX_MOUNTS can be mounted.
void check_mounts(Report& r, const config::Settings& s, const std::string& home,
                  const EnvLookup& env) {
  std::error_code ec;
  const std::string cwd = std::filesystem::current_path(ec).string();
  if (ec) {
    r.fail("project", "cannot read the current directory: " + ec.message(), "cd into a project");
    return;
  }
  const runtime::MountRules rules = runtime::mount_rules(home, env, false);
  std::vector<std::string> warnings;
  auto project = runtime::check_project_dir(cwd, rules, &warnings);
  if (!project) {
    r.fail("project", project.error());
    return;
  }
  std::vector<runtime::Mount> user;
  for (const auto& m : s.mounts) user.push_back({m.host, m.container, m.read_only, false});
  if (auto checked = runtime::check_user_mounts(user, rules, &warnings); !checked) {
    r.fail("project", checked.error());
    return;
  }
  for (const auto& w : warnings) r.note("project", w);
  std::string what = *project + " can be mounted at /src";
  if (!user.empty()) what += ", with " + std::to_string(user.size()) + " CX_MOUNTS entries";
  r.pass("project", what);
}

// A session's private directory can be made where sessions make it, and a
// unix socket bound in it (the path must fit in sun_path); the audit log's
// directory can be made private.
void check_session_files(Report& r, const EnvLookup& env) {
  const std::string base = broker_base(env);
  // The same shape as a session's: cx-<16 hex>-XXXXXX.
  auto dir = TempDir::create("cx-doctor0000000000-", base);
  if (!dir) {
    r.fail("session files", dir.error());
    return;
  }
  const std::string sock = dir->path() + "/" + runtime::kLifelineSocket;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (sock.size() >= sizeof(addr.sun_path)) {
    r.fail("session files",
           "socket paths under " + dir->path().substr(0, dir->path().rfind('/')) +
               " are too long for a unix socket (" + std::to_string(sock.size()) + " bytes)",
           "set TMPDIR (or XDG_RUNTIME_DIR) to a short directory such as /tmp");
    return;
  }
  std::memcpy(addr.sun_path, sock.c_str(), sock.size() + 1);
  UniqueFd fd = port::socket_cloexec(AF_UNIX, SOCK_STREAM, 0);
  const bool bound =
      fd && ::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0;
  const int err = errno;
  fd.reset();
  ::unlink(sock.c_str());
  if (!bound) {
    r.fail("session files", "cannot bind a unix socket in " + dir->path() + ": " + std::strerror(err),
           "set TMPDIR (or XDG_RUNTIME_DIR) to a directory of your own on a local file system");
    return;
  }
  const std::string state = sessions_dir(env);
  if (auto ok = ensure_private_dir(state, "sessions directory"); !ok) {
    r.fail("session files", ok.error());
    return;
  }
  const std::string where = base.empty() ? dir->path().substr(0, dir->path().rfind('/')) : base;
  r.pass("session files", "sockets under " + where + ", audit logs in " + state);
}

// Claude Code is told to use Bedrock, and which endpoint it will call.
struct Endpoint {
  std::string host;
  int port = 443;
  std::string origin;  // where it came from, for messages
};

// What the container gets for `name` (session.cpp passes the same list).
std::optional<std::string> forwarded(const config::Settings& s, const EnvLookup& env,
                                     std::string_view name) {
  for (auto& v : config::container_variables(s, env))
    if (v.name == name) return std::move(v.value);
  return std::nullopt;
}

bool truthy(std::string v) {
  for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return v == "1" || v == "true" || v == "yes" || v == "on";
}

std::optional<Endpoint> check_bedrock(Report& r, const config::Settings& s, const EnvLookup& env,
                                      const std::string& region) {
  auto use = forwarded(s, env, "CLAUDE_CODE_USE_BEDROCK");
  if (!use || !truthy(*use)) {
    r.fail("bedrock", "CLAUDE_CODE_USE_BEDROCK is not set to 1: Claude Code would not use Bedrock",
           "add CLAUDE_CODE_USE_BEDROCK=1 to " + s.path);
    return std::nullopt;
  }
  Endpoint ep;
  if (auto base = forwarded(s, env, "ANTHROPIC_BEDROCK_BASE_URL"); base && !base->empty()) {
    auto url = parse_url(*base);
    if (!url) {
      r.fail("bedrock", "ANTHROPIC_BEDROCK_BASE_URL: " + url.error().message,
             "write it as https://HOST[:PORT]");
      return std::nullopt;
    }
    ep.host = url->host;
    if (ep.host.size() > 2 && ep.host.front() == '[') ep.host = ep.host.substr(1, ep.host.size() - 2);
    ep.port = url->port.empty() ? (url->scheme == "http" ? 80 : 443) : std::stoi(url->port);
    ep.origin = "ANTHROPIC_BEDROCK_BASE_URL";
  } else {
    ep.host = broker::bedrock_hosts(region).front();
    ep.origin = "the Bedrock endpoint of " + region;
  }
  std::string model = forwarded(s, env, "ANTHROPIC_MODEL").value_or("");
  r.pass("bedrock", "Claude Code uses Bedrock in " + region + " at " + ep.host + ":" +
                        std::to_string(ep.port) +
                        (model.empty() ? ", its default model" : ", model " + model));
  return ep;
}

// The egress policy lets the endpoint through, and it answers.
void check_egress(Report& r, const config::Settings& s, const std::string& region,
                  const Endpoint& ep) {
  const std::string where = ep.host + ":" + std::to_string(ep.port);
  if (s.network == config::NetworkMode::kAllowlist) {
    // The entries passed check_allow_hosts with the config.
    auto allow = broker::Allowlist::make(region, s.allow_hosts);
    if (!allow) {
      r.fail("egress", allow.error());
      return;
    }
    auto host = broker::canonical_host(ep.host);
    const auto d = host ? allow->decide(*host, static_cast<uint16_t>(ep.port))
                        : broker::Decision{false, host.error().message};
    if (!d.allowed) {
      r.fail("egress", where + " (" + ep.origin + ") is not allowed: " + d.reason,
             "add " + where + " to CX_ALLOW_HOSTS");
      return;
    }
  }
  if (auto ok = check_reachable(ep.host, ep.port, std::chrono::seconds(5)); !ok) {
    r.fail("egress", ok.error().message,
           "check this host's network, DNS and proxy (HTTPS_PROXY) for " + ep.host);
    return;
  }
  r.pass("egress", where + (s.network == config::NetworkMode::kAllowlist
                                ? " is allowed and reachable"
                                : " is reachable (CX_NETWORK=open: every host is)"));
}

}  // namespace

int cmd_doctor() {
  Report r;
  const EnvLookup env = process_env();
  const std::string home = env_value(env, "HOME").value_or("");

  std::optional<config::Settings> settings;
  auto path = config::config_path(env);
  if (!path) {
    r.fail("config", path.error());
  } else if (auto s = config::load_settings(*path, env); !s) {
    r.fail("config", s.error());
  } else if (auto hosts = check_allow_hosts(*s); !hosts) {
    r.fail("config", hosts.error());
  } else {
    settings = std::move(*s);
    r.pass("config", *path);
    for (const auto& w : settings->warnings) r.note("config", w);
    for (const auto& w : *hosts) r.note("config", w);
    // A warning, not a check: the session works, its cost is only misfiled.
    const EnvLookup container = [&](std::string_view k) { return forwarded(*settings, env, k); };
    if (auto gap = config::find_profile_gap(container))
      r.note("cost", config::profile_gap_warning(*gap, *path, settings->pass_env));
  }

  std::optional<runtime::Runtime> rt;
  if (settings) {
    if (auto resolved = runtime::resolve_runtime(settings->runtime, runtime::system_host_probe()))
      rt = *resolved;
    else
      r.fail("runtime", resolved.error());
  } else {
    r.not_checked("runtime", "a valid config");
  }
  const bool runtime_ok = rt && check_runtime(r, *rt);
  // Only a refusal is a line: it is the one case where a session would stop.
  if (runtime_ok)
    if (auto refused = root_refusal(*rt, *settings, ::geteuid())) r.fail("root", *refused);
  if (runtime_ok) {
    check_transport(r, *settings, *rt, env);
    check_image(r, *rt, settings->image_tag);
  } else {
    r.not_checked("transport", "a runtime");
    r.not_checked("image", "a runtime");
  }

  if (settings)
    check_mounts(r, *settings, home, env);
  else
    r.not_checked("project", "a valid config");
  check_session_files(r, env);

  std::optional<std::string> region;
  if (settings) {
    std::error_code ec;
    const std::string project = std::filesystem::current_path(ec).string();
    try {
      AgentCredentialSource source(*settings, project, kExitFailure);
      region = source.region();
      const aws::Credentials c = unwrap(source.issue(), kExitFailure);
      std::string what = "profile " + settings->aws_profile + " assumed " +
                         settings->aws_iam_role + " (access key " + c.access_key_id;
      if (c.expiration) what += ", expires " + format_iso8601(*c.expiration);
      r.pass("credentials", what + ")");
    } catch (const Fatal& f) {
      r.fail("credentials", f.what(), f.hint());
    }
  } else {
    r.not_checked("credentials", "a valid config");
  }

  std::optional<Endpoint> ep;
  if (settings && region)
    ep = check_bedrock(r, *settings, env, *region);
  else
    r.not_checked("bedrock", settings ? "a region" : "a valid config");
  if (ep)
    check_egress(r, *settings, *region, *ep);
  else
    r.not_checked("egress", "the Bedrock settings");
  return r.finish();
}

}  // namespace cx::cli
