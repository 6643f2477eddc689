// `cx init`: write the config file, which is .claude-exec.example (compiled
// into cx) with the user's values. On a terminal it asks for each required
// value (the default in brackets, Enter keeps it); without one, or with
// --yes, it takes the flags and the defaults, and needs --role.
#include <sys/stat.h>

#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/profile/files.h"
#include "aws/profile/region.h"
#include "cli/commands.h"
#include "cli/init.h"
#include "config/embedded_example.h"
#include "config/inference_profile.h"
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

}  // namespace

Result<std::string> init_config_text(const InitValues& v) {
  const std::string q_profile = v.profile == "default" ? "" : quote_shell_word(v.profile);
  struct Key {
    std::string line_start;  // the example's line, up to and including its '='
    std::string value;       // empty: keep the example's line
  };
  std::vector<Key> keys = {{"RUNTIME=", quote_shell_word(v.runtime)},
                           {"IMAGE_TAG=", quote_shell_word(v.image)},
                           {"AWS_IAM_ROLE=", quote_shell_word(v.role)},
                           {"AWS_REGION=", quote_shell_word(v.region)},
                           {"# AWS_PROFILE=", q_profile}};
  const std::string q_arn =
      v.inference_profile.empty() ? "" : quote_shell_word(v.inference_profile);
  keys.push_back({"# ANTHROPIC_MODEL=", q_arn});
  for (std::string_view slot : config::kModelSlotKeys)
    keys.push_back({"# " + std::string(slot) + "=", q_arn});
  std::string out;
  std::vector<int> found(keys.size());
  std::string_view text = embedded::config_example;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string line(text.substr(0, nl));
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    for (size_t i = 0; i < keys.size(); ++i) {
      if (!line.starts_with(keys[i].line_start)) continue;
      ++found[i];
      if (!keys[i].value.empty()) {
        std::string key = keys[i].line_start;
        if (key.starts_with("# ")) key = key.substr(2);  // uncomment
        line = key + keys[i].value;
      }
    }
    out += line + "\n";
  }
  for (size_t i = 0; i < keys.size(); ++i)
    if (found[i] != 1)
      return make_error(std::string("the example config compiled into cx has ") +
                        std::to_string(found[i]) + " lines starting `" + keys[i].line_start +
                        "`, not one");
  return out;
}

int cmd_init(const Invocation& inv) {
  const EnvLookup env = process_env();
  const std::string path = unwrap(config::config_path(env), kExitFailure);
  const bool interactive = !inv.init.yes && proc::have_tty();
  // A usage error before anything is asked or looked at.
  const std::string cost_profile = inv.init.inference_profile.value_or("");
  if (inv.init.inference_profile)
    if (auto ok = config::check_inference_profile_arn(cost_profile); !ok)
      throw Fatal("--inference-profile: " + ok.error().message, kExitUsage, ok.error().hint);
  const std::string profile_region(
      cost_profile.empty() ? "" : config::inference_profile_region(cost_profile));

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
  // A profile is called in its own region: that is the default, and the only choice.
  Field region{"AWS_REGION", "Bedrock region", inv.init.region,
               profile_region.empty() ? default_region(env, prof) : profile_region,
               [&](const std::string& v) -> Status {
                 if (auto ok = config::check_region(v); !ok) return ok;
                 if (!profile_region.empty() && v != profile_region)
                   return make_error("AWS_REGION " + v + " is not the inference profile's region " +
                                         profile_region + ", where Bedrock serves it",
                                     "leave out --region, or give --region " + profile_region);
                 return Ok{};
               }};
  const std::string reg = settle(region, interactive);
  const std::string arn = settle(role, interactive);

  const std::string text = unwrap(init_config_text({.runtime = rt,
                                                    .image = img,
                                                    .role = arn,
                                                    .region = reg,
                                                    .profile = prof,
                                                    .inference_profile = cost_profile}),
                                  kExitFailure);
  // What is written must read back as it was meant: a defect here is cx's.
  const auto reads_back = [&] {
    auto parsed = config::parse_config(text, path, env);
    if (!parsed) return false;
    auto written = config::build_settings(std::move(*parsed), env);
    if (!written) return false;
    if (cost_profile.empty()) return true;
    const EnvLookup lookup = [&](std::string_view k) { return written->lookup(k); };
    return lookup("ANTHROPIC_MODEL") == cost_profile && !config::find_profile_gap(lookup);
  };
  if (!reads_back())
    throw Fatal("cx init made a config it cannot read back; nothing was written", kExitFailure,
                "please report this");
  if (auto ok = write_private_file(path, text); !ok) throw Fatal(ok.error(), kExitFailure);
  std::printf("cx: wrote %s (mode 0600)\n", path.c_str());
  std::printf("cx: next: cx doctor (checks it), then cx build (makes %s)\n", img.c_str());
  return 0;
}

}  // namespace cx::cli
