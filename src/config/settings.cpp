#include "config/settings.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "config/keys.h"
#include "config/validators.h"
#include "util/bounded_file.h"
#include "util/shell_words.h"

namespace cx::config {

namespace {

std::string non_empty(const std::optional<std::string>& v) { return v ? *v : std::string(); }

// Splits a list written with blanks and/or commas ("a b,c").
std::vector<std::string> split_list(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == ',') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

std::string expand_home(const std::string& path, const std::string& home) {
  if ((path == "~" || path.starts_with("~/")) && !home.empty()) return home + path.substr(1);
  return path;
}

// Messages quote values of the file, which may hold line breaks, control
// characters or 64 KiB: each stays one printable line of bounded length
// (found by fuzz_config).
std::string one_line(std::string text) {
  constexpr size_t kMax = 1024;
  for (char& c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) c = '?';
  }
  if (text.size() > kMax) text = text.substr(0, kMax) + "...";
  return text;
}

class Builder {
 public:
  Builder(ConfigFile file, const EnvLookup& env) : env_(env) {
    s_.path = file.path;
    s_.file = std::move(file);
  }

  Result<Settings> run() {
    for (auto step : {&Builder::check_keys, &Builder::required, &Builder::aws, &Builder::claude,
                      &Builder::modes, &Builder::paths, &Builder::lists, &Builder::assume_role,
                      &Builder::forward}) {
      if (auto st = (this->*step)(); !st) return st.error();
    }
    return std::move(s_);
  }

 private:
  const ConfigFile& file() const { return s_.file; }

  Error at(const Assignment& a, const Error& e, bool at_key = false) const {
    return make_error(one_line(file().where(a, at_key) + ": " + e.message), one_line(e.hint));
  }
  Error at(const Assignment& a, std::string message, std::string hint = {}) const {
    return at(a, make_error(std::move(message), std::move(hint)));
  }

  // The winning assignment of an optional key; an empty value means "unset".
  const Assignment* optional(std::string_view key) const {
    const Assignment* a = file().find(key);
    return a != nullptr && !a->value.empty() ? a : nullptr;
  }

  std::string home() const { return non_empty(env_("HOME")); }

  // Refuses secrets, keys cx sets itself and misspelt CX_* keys wherever they appear.
  Status check_keys() {
    for (const Assignment& a : file().assignments()) {
      switch (classify_key(a.key)) {
        case KeyClass::kSecret:
        case KeyClass::kReserved: {
          auto [message, hint] = refusal_reason(a.key);
          return at(a, make_error(message, hint), /*at_key=*/true);
        }
        case KeyClass::kUnknownCx:
          return at(a,
                    make_error("unknown key " + a.key,
                               "did you mean " + std::string(nearest_cx_key(a.key)) + "?"),
                    /*at_key=*/true);
        case KeyClass::kConsumed:
        case KeyClass::kForwarded:
          break;
      }
    }
    return Ok{};
  }

  Result<const Assignment*> require(std::string_view key, std::string_view example) const {
    const Assignment* a = file().find(key);
    if (a == nullptr) {
      return make_error(file().path + ": " + std::string(key) + " is not set",
                        "add a line such as " + std::string(key) + "=" + std::string(example));
    }
    if (a->value.empty()) {
      return at(*a, std::string(key) + " is empty",
                "set it, e.g. " + std::string(key) + "=" + std::string(example));
    }
    return a;
  }

  Status required() {
    auto runtime = require("RUNTIME", "docker");
    if (!runtime) return runtime.error();
    auto kind = parse_runtime((*runtime)->value);
    if (!kind) return at(**runtime, kind.error());
    s_.runtime = (*runtime)->value;
    s_.runtime_kind = *kind;

    auto image = require("IMAGE_TAG", "cx:latest");
    if (!image) return image.error();
    if (auto st = check_image_tag((*image)->value); !st) return at(**image, st.error());
    s_.image_tag = (*image)->value;

    auto role = require("AWS_IAM_ROLE", "arn:aws:iam::123456789012:role/ClaudeCode");
    if (!role) return role.error();
    if (auto st = check_role_arn((*role)->value); !st) return at(**role, st.error());
    s_.aws_iam_role = (*role)->value;
    return Ok{};
  }

  bool custom_sts_endpoint() const {
    for (std::string_view key : {"AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"}) {
      if (optional(key) != nullptr || !non_empty(env_(key)).empty()) return true;
    }
    return false;
  }

  Status aws() {
    if (const Assignment* a = file().find("AWS_REGION")) {
      if (a->value.empty()) {
        return at(*a, "AWS_REGION is empty",
                  "set a region such as us-east-1, or remove the line to use the profile's region");
      }
      if (auto st = check_region(a->value); !st) return at(*a, st.error());
      s_.aws_region = a->value;
    }
    // The file wins over the environment, as when the original script sourced it.
    if (const Assignment* a = optional("AWS_PROFILE")) {
      s_.aws_profile = a->value;
      s_.aws_profile_explicit = true;
    } else if (auto v = env_("AWS_PROFILE"); v && !v->empty()) {
      s_.aws_profile = *v;
      s_.aws_profile_explicit = true;
    }
    if (const Assignment* a = optional("AWS_SESSION_DURATION")) {
      const bool custom = custom_sts_endpoint();
      auto d = parse_seconds("AWS_SESSION_DURATION", a->value, custom ? 60 : 900, 43200);
      if (!d) {
        auto shorter = parse_seconds("AWS_SESSION_DURATION", a->value, 60, 899);
        if (!custom && shorter) {
          return at(*a, "AWS_SESSION_DURATION must be at least 900 seconds (the AWS STS minimum)",
                    "shorter sessions are only for a custom STS endpoint (AWS_ENDPOINT_URL_STS)");
        }
        return at(*a, d.error());
      }
      s_.session_duration = *d;
      if (*d < 900) {
        s_.warnings.push_back(file().where(*a) + ": AWS_SESSION_DURATION=" + a->value +
                              " is below the AWS STS minimum of 900 seconds; accepted only "
                              "because a custom STS endpoint is configured");
      }
    }
    return Ok{};
  }

  Status claude() {
    if (const Assignment* a = file().find("CLAUDE_CODE_USE_BEDROCK")) {
      s_.claude_code_use_bedrock = a->value;
    }
    if (const Assignment* a = file().find("ANTHROPIC_MODEL")) s_.anthropic_model = a->value;
    if (const Assignment* a = optional("CLAUDE_OPTIONS")) {
      auto words = split_shell_words(a->value);
      if (!words)
        return at(*a, make_error("CLAUDE_OPTIONS: " + words.error().message, words.error().hint));
      s_.claude_options = std::move(*words);
    }
    return Ok{};
  }

  template <class Mode>
  Status mode(std::string_view key, std::optional<Mode> (*parse)(std::string_view),
              std::string_view choices, Mode& out) {
    const Assignment* a = optional(key);
    if (a == nullptr) return Ok{};
    auto m = parse(a->value);
    if (!m) {
      return at(*a,
                std::string(key) + " must be " + std::string(choices) + ", not `" + a->value + "`");
    }
    out = *m;
    return Ok{};
  }

  Status modes() {
    if (auto st = mode("CX_CREDENTIALS", parse_credentials_mode, "broker or env", s_.credentials);
        !st) {
      return st;
    }
    if (auto st = mode("CX_NETWORK", parse_network_mode, "allowlist or open", s_.network); !st) {
      return st;
    }
    if (auto st = mode("CX_PERSIST", parse_persist_mode, "project, shared or none", s_.persist);
        !st) {
      return st;
    }
    if (auto st = mode("CX_TRIPWIRE", parse_tripwire_mode, "warn, block or off", s_.tripwire);
        !st) {
      return st;
    }
    if (auto st = mode("CX_TRANSPORT", parse_transport_mode, "auto, local or remote",
                       s_.transport);
        !st) {
      return st;
    }
    if (const Assignment* a = optional("CX_CACHE")) {
      if (a->value != "0" && a->value != "1") {
        return at(*a, "CX_CACHE must be 0 or 1, not `" + a->value + "`");
      }
      s_.cache = a->value == "1";
    }
    if (const Assignment* a = optional("CX_ALLOW_ROOT")) {
      if (a->value != "0" && a->value != "1") {
        return at(*a, "CX_ALLOW_ROOT must be 0 or 1, not `" + a->value + "`");
      }
      s_.allow_root = a->value == "1";
    }
    if (const Assignment* a = optional("CX_REFRESH_MARGIN")) {
      auto m = parse_seconds("CX_REFRESH_MARGIN", a->value, 60, 43200);
      if (!m) return at(*a, m.error());
      s_.refresh_margin = *m;
    }
    return Ok{};
  }

  // A file path key: ~/ expanded even when quoted, absolute, a regular file
  // this user can read, at most `max_bytes`. Returns the path and the text
  // (up to `stop_after` only, when given: util/bounded_file.h).
  Result<std::pair<std::string, std::string>> read_named_file(
      const Assignment& a, size_t max_bytes, std::string_view stop_after = {}) const {
    std::string path = expand_home(a.value, home());
    if (!path.starts_with('/')) {
      return at(a, a.key + " must be an absolute path (or start with ~/), not `" + a.value + "`");
    }
    BoundedRead r = read_bounded_file(path, max_bytes, stop_after);
    if (!r.ok()) return at(a, a.key + ": cannot read " + path + ": " + r.why);
    return std::pair{std::move(path), std::move(r.text)};
  }

  Status paths() {
    if (const Assignment* a = optional("CX_EXTRA_CA_CERTS")) {
      // Only whether it holds a certificate: `cx build` reads it whole.
      auto file = read_named_file(*a, kMaxCaBundleBytes, "-----BEGIN CERTIFICATE-----");
      if (!file) return file.error();
      if (file->second.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
        return at(*a, "CX_EXTRA_CA_CERTS: " + file->first + " holds no PEM certificate",
                  "export the CA certificates in PEM format (-----BEGIN CERTIFICATE-----)");
      }
      s_.extra_ca_certs = std::move(file->first);
    }
    if (const Assignment* a = optional("CX_SESSION_POLICY")) {
      auto file = read_named_file(*a, kMaxSessionPolicyBytes);
      if (!file) return file.error();
      s_.session_policy = std::move(file->first);
    }
    return Ok{};
  }

  Status lists() {
    if (const Assignment* a = optional("CX_ALLOW_HOSTS")) {
      // broker::parse_allow_entry is the one parser of the entries; errors
      // about them name this place.
      for (std::string& entry : split_list(a->value)) s_.allow_hosts.push_back(std::move(entry));
      s_.allow_hosts_where = file().where(*a);
    }
    if (const Assignment* a = optional("CX_MOUNTS")) {
      auto entries = split_shell_words(a->value);
      if (!entries) {
        return at(*a, make_error("CX_MOUNTS: " + entries.error().message, entries.error().hint));
      }
      for (const std::string& entry : *entries) {
        auto m = parse_mount(entry, home());
        if (!m) return at(*a, m.error());
        struct stat st {};
        if (stat(m->host.c_str(), &st) != 0) {
          // The runtimes would create a missing host path, owned by root.
          return at(*a, "CX_MOUNTS: host path " + m->host + ": " + std::strerror(errno),
                    "create it first, or fix the path");
        }
        s_.mounts.push_back(std::move(*m));
      }
    }
    if (const Assignment* a = optional("CX_PASS_ENV")) {
      for (std::string& name : split_list(a->value)) {
        if (!is_env_name(name)) {
          return at(*a, "CX_PASS_ENV: `" + name + "` is not a variable name",
                    "list names separated by blanks, e.g. CX_PASS_ENV=\"GITHUB_TOKEN NPM_TOKEN\"");
        }
        const KeyClass k = classify_key(name);
        if (k == KeyClass::kSecret || k == KeyClass::kReserved) {
          auto [message, hint] = refusal_reason(name);
          return at(*a, "CX_PASS_ENV: " + name + " cannot be passed into the container", hint);
        }
        s_.pass_env.push_back(std::move(name));
      }
    }
    return Ok{};
  }

  Status assume_role() {
    if (const Assignment* a = optional("CX_EXTERNAL_ID")) {
      if (auto st = check_external_id(a->value); !st) return at(*a, st.error());
      s_.external_id = a->value;
    }
    if (const Assignment* a = optional("CX_ROLE_SESSION_NAME")) {
      if (auto st = check_role_session_name(a->value); !st) return at(*a, st.error());
      s_.role_session_name = a->value;
    }
    return Ok{};
  }

  Status forward() {
    for (const Assignment& a : file().effective()) {
      if (classify_key(a.key) == KeyClass::kForwarded) s_.forward.push_back({a.key, a.value});
    }
    return Ok{};
  }

  const EnvLookup& env_;
  Settings s_;
};

// Reads the whole file and its mode through one descriptor.
Result<std::string> read_config(const std::string& path, mode_t& mode) {
  BoundedRead r = read_bounded_file(path, kMaxConfigBytes);
  if (!r.ok()) {
    std::string hint = "check the file's permissions";
    if (r.err == ENOENT) {
      hint = "copy .claude-exec.example to ~/.claude-exec and edit it, or run `cx init`";
    } else if (r.err == 0) {
      hint = "the config is a regular file of KEY=value lines (at most " +
             size_text(kMaxConfigBytes) + "); check ENV_FILE";
    }
    return make_error("cannot read config file " + path + ": " + r.why, hint);
  }
  mode = r.mode;
  return std::move(r.text);
}

std::string octal_mode(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

}  // namespace

std::optional<std::string> Settings::lookup(std::string_view key) const {
  if (const Assignment* a = file.find(key)) return a->value;
  return std::nullopt;
}

Result<std::string> config_path(const EnvLookup& env) {
  if (auto v = env("ENV_FILE"); v && !v->empty()) return *v;
  if (auto home = env("HOME"); home && !home->empty()) return *home + "/.claude-exec";
  return make_error("HOME is not set, so cx cannot find ~/.claude-exec",
                    "set ENV_FILE to the path of the config file");
}

Result<Settings> build_settings(ConfigFile file, const EnvLookup& env) {
  return Builder(std::move(file), env).run();
}

Result<Settings> load_settings(const std::string& path, const EnvLookup& env) {
  mode_t mode = 0;
  auto text = read_config(path, mode);
  if (!text) return text.error();
  auto parsed = parse_config(*text, path, env);
  if (!parsed) return parsed.error();
  auto settings = build_settings(std::move(*parsed), env);
  if (!settings) return settings;
  std::vector<std::string> warnings;
  if ((mode & (S_IWGRP | S_IWOTH)) != 0) {
    warnings.push_back(path + " is writable by other users (mode " + octal_mode(mode) +
                       "), who could make cx run any program; run chmod 600 " + path);
  } else if ((mode & (S_IRGRP | S_IROTH)) != 0) {
    warnings.push_back(path + " is readable by other users (mode " + octal_mode(mode) +
                       ") and may hold secrets; run chmod 600 " + path);
  }
  warnings.insert(warnings.end(), settings->warnings.begin(), settings->warnings.end());
  settings->warnings = std::move(warnings);
  return settings;
}

std::vector<EnvVar> container_variables(const Settings& s, const EnvLookup& env) {
  std::vector<EnvVar> out = s.forward;
  for (const std::string& name : s.pass_env) {
    const std::optional<std::string> v = env(name);
    if (!v) continue;
    auto same =
        std::find_if(out.begin(), out.end(), [&](const EnvVar& e) { return e.name == name; });
    if (same != out.end())
      same->value = *v;
    else
      out.push_back({name, *v});
  }
  return out;
}

std::string_view to_string(RuntimeKind kind) {
  switch (kind) {
    case RuntimeKind::kDocker:
      return "docker";
    case RuntimeKind::kPodman:
      return "podman";
    case RuntimeKind::kNerdctl:
      return "nerdctl";
  }
  return "docker";
}

std::string_view to_string(CredentialsMode mode) {
  return mode == CredentialsMode::kEnv ? "env" : "broker";
}

std::string_view to_string(NetworkMode mode) {
  return mode == NetworkMode::kOpen ? "open" : "allowlist";
}

std::string_view to_string(PersistMode mode) {
  switch (mode) {
    case PersistMode::kProject:
      return "project";
    case PersistMode::kShared:
      return "shared";
    case PersistMode::kNone:
      return "none";
  }
  return "project";
}

std::optional<NetworkMode> parse_network_mode(std::string_view word) {
  if (word == "allowlist") return NetworkMode::kAllowlist;
  if (word == "open") return NetworkMode::kOpen;
  return std::nullopt;
}

std::optional<PersistMode> parse_persist_mode(std::string_view word) {
  if (word == "project") return PersistMode::kProject;
  if (word == "shared") return PersistMode::kShared;
  if (word == "none") return PersistMode::kNone;
  return std::nullopt;
}

std::optional<TripwireMode> parse_tripwire_mode(std::string_view word) {
  if (word == "warn") return TripwireMode::kWarn;
  if (word == "block") return TripwireMode::kBlock;
  if (word == "off") return TripwireMode::kOff;
  return std::nullopt;
}

std::string_view to_string(TripwireMode mode) {
  switch (mode) {
    case TripwireMode::kWarn: return "warn";
    case TripwireMode::kBlock: return "block";
    case TripwireMode::kOff: return "off";
  }
  return "warn";
}

std::optional<TransportMode> parse_transport_mode(std::string_view word) {
  if (word == "auto") return TransportMode::kAuto;
  if (word == "local") return TransportMode::kLocal;
  if (word == "remote") return TransportMode::kRemote;
  return std::nullopt;
}

std::string_view to_string(TransportMode mode) {
  switch (mode) {
    case TransportMode::kAuto: return "auto";
    case TransportMode::kLocal: return "local";
    case TransportMode::kRemote: return "remote";
  }
  return "auto";
}

std::optional<CredentialsMode> parse_credentials_mode(std::string_view word) {
  if (word == "broker") return CredentialsMode::kBroker;
  if (word == "env") return CredentialsMode::kEnv;
  return std::nullopt;
}

}  // namespace cx::config
