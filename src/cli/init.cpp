// `cx init`: write a commented config file. On a terminal it asks for each
// required value (the default in brackets, Enter keeps it); without one, or
// with --yes, it takes the flags and the defaults, and needs --role.
#include <sys/stat.h>

#include <cstdio>
#include <functional>
#include <optional>
#include <string>

#include "aws/profile/files.h"
#include "aws/profile/region.h"
#include "cli/commands.h"
#include "config/parser.h"
#include "config/settings.h"
#include "config/validators.h"
#include "proc/spawn.h"
#include "proc/tty_prompt.h"
#include "util/env.h"
#include "util/fatal.h"
#include "util/private_fs.h"
#include "util/shell_words.h"

namespace cx::cli {
namespace {

struct Field {
  const char* key;
  const char* question;
  std::optional<std::string> given;  // from the command line
  std::string fallback;              // empty: no default (must be given or typed)
  std::function<Status(const std::string&)> check;
};

Status check_runtime_value(const std::string& v) {
  auto k = config::parse_runtime(v);
  if (!k) return k.error();
  return Ok{};
}

Status check_profile_value(const std::string& v) {
  if (v.empty() || v.find_first_of(" \t[]") != std::string::npos)
    return make_error("AWS_PROFILE `" + v + "` is not a profile name",
                      "give the name of a profile in ~/.aws/config, e.g. default");
  return Ok{};
}

// The first runtime on PATH, podman before docker (rootless by default).
std::string default_runtime() {
  for (const char* r : {"podman", "docker", "nerdctl"})
    if (!proc::find_on_path(r).empty()) return r;
  return "docker";
}

std::string default_region(const EnvLookup& env, const std::string& profile) {
  for (const char* k : {"AWS_REGION", "AWS_DEFAULT_REGION"})
    if (auto v = env_value(env, k); v && !v->empty()) return *v;
  if (auto set = aws::profile::load_profile_set(env))
    if (auto r = aws::profile::resolve_region(*set, profile, env)) return *r;
  return "us-east-1";
}

// Asks until the answer passes `f.check` (three tries), or takes the given
// value or the default.
std::string settle(Field& f, bool interactive) {
  if (f.given) {
    if (auto ok = f.check(*f.given); !ok) throw Fatal(ok.error(), kExitUsage);
    return *f.given;
  }
  if (!interactive) {
    if (f.fallback.empty())
      throw Fatal(std::string("cx init needs --") +
                      (std::string(f.key) == "AWS_IAM_ROLE" ? "role ARN" : f.key) +
                      " when it cannot ask (no terminal, or --yes)",
                  kExitUsage, "e.g. cx init --role arn:aws:iam::123456789012:role/ClaudeCode --yes");
    return f.fallback;
  }
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::string prompt = std::string(f.question) +
                         (f.fallback.empty() ? ": " : " [" + f.fallback + "]: ");
    auto answer = proc::ask_line(prompt);
    if (!answer) throw Fatal("cx init: " + answer.error().message + "; nothing was written", kExitFailure);
    std::string v = answer->empty() ? f.fallback : *answer;
    if (v.empty()) {
      std::fprintf(stderr, "cx: %s is required\n", f.key);
      continue;
    }
    auto ok = f.check(v);
    if (ok) return v;
    std::fprintf(stderr, "cx: %s\n", ok.error().message.c_str());
  }
  throw Fatal(std::string("cx init: no valid ") + f.key + " after three tries; nothing was written",
              kExitFailure);
}

bool yes_no(const std::string& question) {
  auto answer = proc::ask_line(question + " [y/N]: ");
  if (!answer) throw Fatal("cx init: " + answer.error().message + "; nothing was written", kExitFailure);
  return *answer == "y" || *answer == "Y" || *answer == "yes";
}

std::string config_text(const std::string& runtime, const std::string& image,
                        const std::string& role, const std::string& region,
                        const std::string& profile) {
  auto q = [](const std::string& v) { return quote_shell_word(v); };
  std::string t;
  t += "# cx (claude-exec) configuration, written by `cx init`.\n";
  t += "#\n";
  t += "# cx reads this file and never runs it: KEY=value lines, 'literal' or \"$EXPANDED\"\n";
  t += "# values, # comments. Keys cx uses (RUNTIME, IMAGE_TAG, AWS_*, CLAUDE_OPTIONS,\n";
  t += "# CX_*) stay on the host; every other key is passed into the container.\n";
  t += "# Keep it private (0600) and never put AWS access keys here.\n";
  t += "# Check it with `cx doctor`; build the image with `cx build`.\n\n";
  t += "# Container runtime: docker, podman, nerdctl, or an absolute path to one.\n";
  t += "RUNTIME=" + q(runtime) + "\n\n";
  t += "# Image that `cx build` builds and `cx` runs.\n";
  t += "IMAGE_TAG=" + q(image) + "\n\n";
  t += "# The IAM role the agent gets: its permissions are all the agent can do, and\n";
  t += "# its trust policy must let AWS_PROFILE's identity assume it.\n";
  t += "AWS_IAM_ROLE=" + q(role) + "\n\n";
  t += "# Bedrock region, passed into the container.\n";
  t += "AWS_REGION=" + q(region) + "\n\n";
  t += "# Host profile (~/.aws/config) used to assume the role; never passed in.\n";
  t += (profile == "default" ? "# AWS_PROFILE=default\n\n" : "AWS_PROFILE=" + q(profile) + "\n\n");
  t += "# Claude Code uses Amazon Bedrock (passed into the container).\n";
  t += "CLAUDE_CODE_USE_BEDROCK=1\n\n";
  t += "# Model id or inference profile ARN (passed into the container).\n";
  t += "# ANTHROPIC_MODEL=us.anthropic.claude-sonnet-4-20250514-v1:0\n\n";
  t += "# Lifetime of the role's credentials in seconds, 900..43200. Default: 3600.\n";
  t += "# AWS_SESSION_DURATION=3600\n\n";
  t += "# broker (a refreshing credential endpoint; default) or env (static variables).\n";
  t += "# CX_CREDENTIALS=broker\n\n";
  t += "# allowlist (only Bedrock and CX_ALLOW_HOSTS, through cx's proxy; default) or open.\n";
  t += "# CX_NETWORK=allowlist\n\n";
  t += "# Extra hosts the agent may reach: host (port 443), *.suffix, host:port.\n";
  t += "# CX_ALLOW_HOSTS=\"github.com *.githubusercontent.com\"\n\n";
  t += "# Claude's state between runs: project (default), shared or none.\n";
  t += "# CX_PERSIST=project\n\n";
  t += "# Extra bind mounts HOST:CONTAINER[:ro], and host variables to pass in.\n";
  t += "# CX_MOUNTS=\"~/.gitconfig:/home/claude/.gitconfig:ro\"\n";
  t += "# CX_PASS_ENV=\"GITHUB_TOKEN\"\n\n";
  t += "# PEM bundle of extra CA certificates (TLS-inspecting networks).\n";
  t += "# CX_EXTRA_CA_CERTS=~/corp-ca.pem\n\n";
  t += "# AssumeRole: an inline session policy file, an external id, a session name.\n";
  t += "# CX_SESSION_POLICY=~/.config/cx/session-policy.json\n";
  t += "# CX_EXTERNAL_ID=my-external-id\n";
  t += "# CX_ROLE_SESSION_NAME=cx-me\n";
  return t;
}

}  // namespace

int cmd_init(const Invocation& inv) {
  const EnvLookup env = process_env();
  const std::string path = unwrap(config::config_path(env), kExitFailure);
  const bool interactive = !inv.init.yes && proc::have_tty();

  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && !inv.init.force) {
    if (!interactive)
      throw Fatal(path + " already exists; nothing was written", kExitFailure,
                  "pass --force to replace it, or set ENV_FILE to write another file");
    if (!yes_no(path + " already exists. Replace it?"))
      throw Fatal(path + " was kept; nothing was written", kExitFailure);
  }
  if (interactive)
    std::fprintf(stderr, "cx init: writing %s (Enter keeps the value in brackets)\n",
                 path.c_str());

  Field runtime{"RUNTIME", "Container runtime (docker, podman, nerdctl or a path)",
                inv.init.runtime, default_runtime(), check_runtime_value};
  Field image{"IMAGE_TAG", "Image to build and run", inv.init.image, "cx:latest",
              [](const std::string& v) { return config::check_image_tag(v); }};
  Field profile{"AWS_PROFILE", "AWS profile that assumes the role", inv.init.profile,
                env_value(env, "AWS_PROFILE").value_or("default"), check_profile_value};
  Field role{"AWS_IAM_ROLE", "ARN of the IAM role the agent gets", inv.init.role, "",
             [](const std::string& v) { return config::check_role_arn(v); }};

  const std::string rt = settle(runtime, interactive);
  const std::string img = settle(image, interactive);
  const std::string prof = settle(profile, interactive);
  Field region{"AWS_REGION", "Bedrock region", inv.init.region, default_region(env, prof),
               [](const std::string& v) { return config::check_region(v); }};
  const std::string reg = settle(region, interactive);
  const std::string arn = settle(role, interactive);

  const std::string text = config_text(rt, img, arn, reg, prof);
  // What is written must read back as it was meant: a defect here is cx's.
  auto parsed = config::parse_config(text, path, env);
  if (!parsed || !config::build_settings(std::move(*parsed), env))
    throw Fatal("cx init made a config it cannot read back; nothing was written", kExitFailure,
                "please report this");
  if (auto ok = write_private_file(path, text); !ok) throw Fatal(ok.error(), kExitFailure);
  std::printf("cx: wrote %s (mode 0600)\n", path.c_str());
  std::printf("cx: next: cx doctor (checks it), then cx build (makes %s)\n", img.c_str());
  return 0;
}

}  // namespace cx::cli
