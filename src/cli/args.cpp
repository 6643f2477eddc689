#include "cli/args.h"

#include <cctype>
#include <map>

namespace cx::cli {
namespace {

// Takes the value of `--name VALUE` or `--name=VALUE` at args[i]; advances i.
std::optional<std::string> take_value(const std::vector<std::string>& args, size_t& i,
                                      const std::string& name, Error& err) {
  const std::string& a = args[i];
  if (a.size() > name.size() && a.compare(0, name.size() + 1, name + "=") == 0)
    return a.substr(name.size() + 1);
  if (a != name) return std::nullopt;
  if (i + 1 >= args.size()) {
    err = make_error(name + " needs a value");
    return std::nullopt;
  }
  return args[++i];
}

bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

// An npm version (2.1.332, 2.2.0-beta.1) or dist-tag (latest, next): it
// becomes `npm install @anthropic-ai/claude-code@V`, so nothing else (a URL,
// a path, a range with spaces) may pass.
bool is_package_version(const std::string& v) {
  if (v.empty() || v.size() > 64 || !std::isalnum(static_cast<unsigned char>(v[0]))) return false;
  for (char c : v)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '+' &&
        c != '_')
      return false;
  return true;
}

Result<std::string> one_of(const std::string& flag, const std::string& v,
                           std::initializer_list<const char*> allowed) {
  std::string list;
  for (const char* a : allowed) {
    if (v == a) return v;
    list += list.empty() ? a : std::string(", ") + a;
  }
  return make_error(flag + " must be one of " + list + ", not \"" + v + "\"");
}

// Parses RUN-FLAGS from args[i..]; stops at `--` (consumed) or the first
// argument that is not a run flag. Returns the index of the rest.
Result<size_t> parse_run_flags(const std::vector<std::string>& args, size_t i, RunFlags& f) {
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    Error err;
    if (a == "--") return i + 1;
    if (a == "--dry-run") {
      f.dry_run = true;
      continue;
    }
    if (a == "--allow-home") {
      f.allow_home = true;
      continue;
    }
    if (a == "--verbose") {
      f.verbose = true;
      continue;
    }
    if (starts_with(a, "--network")) {
      auto v = take_value(args, i, "--network", err);
      if (!err.message.empty()) return err;
      if (v) {
        auto ok = one_of("--network", *v, {"allowlist", "open"});
        if (!ok) return ok.error();
        f.network = *v;
        continue;
      }
    }
    if (starts_with(a, "--persist")) {
      auto v = take_value(args, i, "--persist", err);
      if (!err.message.empty()) return err;
      if (v) {
        auto ok = one_of("--persist", *v, {"project", "shared", "none"});
        if (!ok) return ok.error();
        f.persist = *v;
        continue;
      }
    }
    return i;
  }
  return i;
}

}  // namespace

Result<Invocation> parse_args(const std::vector<std::string>& args) {
  Invocation inv;
  if (args.empty()) return inv;
  static const std::map<std::string, Command> words = {{"run", Command::Run},
                                                       {"shell", Command::Shell},
                                                       {"build", Command::Build},
                                                       {"symlink", Command::Symlink},
                                                       {"unlink", Command::Unlink},
                                                       {"creds", Command::Creds},
                                                       {"ps", Command::Ps},
                                                       {"gc", Command::Gc},
                                                       {"doctor", Command::Doctor},
                                                       {"init", Command::Init},
                                                       {"help", Command::Help},
                                                       {"--help", Command::Help},
                                                       {"-h", Command::Help},
                                                       {"version", Command::Version},
                                                       {"--version", Command::Version}};
  auto w = words.find(args[0]);
  if (w == words.end()) {
    // `cx --continue`, `cx -p "..."`, `cx -- --help`: everything goes to claude.
    size_t from = args[0] == "--" ? 1 : 0;
    inv.rest.assign(args.begin() + static_cast<long>(from), args.end());
    return inv;
  }
  inv.command = w->second;
  size_t i = 1;
  switch (inv.command) {
    case Command::Run:
    case Command::Shell: {
      auto r = parse_run_flags(args, i, inv.run);
      if (!r) return r.error();
      inv.rest.assign(args.begin() + static_cast<long>(*r), args.end());
      return inv;
    }
    case Command::Build:
      for (; i < args.size(); ++i) {
        Error err;
        if (args[i] == "--no-cache")
          inv.build.no_cache = true;
        else if (args[i] == "--print")
          inv.build.print = true;
        else if (auto v = take_value(args, i, "--claude-version", err)) {
          if (!is_package_version(*v))
            return make_error("--claude-version: \"" + *v + "\" is not a Claude Code version",
                              "give a release such as 2.1.332 or an npm dist-tag such as latest; "
                              "npm view @anthropic-ai/claude-code versions lists them");
          inv.build.claude_version = *v;
        }
        else if (!err.message.empty())
          return err;
        else
          return make_error("cx build: unknown option \"" + args[i] + "\"",
                            "usage: cx build [--no-cache] [--claude-version V] [--print]");
      }
      return inv;
    case Command::Symlink:
    case Command::Unlink:
      if (args.size() > 2) return make_error("cx " + args[0] + " takes at most one directory");
      if (args.size() == 2) {
        if (starts_with(args[1], "-"))
          return make_error("cx " + args[0] + ": unknown option \"" + args[1] + "\"");
        inv.dir = args[1];
      }
      return inv;
    case Command::Creds:
      for (; i < args.size(); ++i) {
        Error err;
        if (auto v = take_value(args, i, "--format", err)) {
          auto ok = one_of("--format", *v, {"env", "json", "process"});
          if (!ok) return ok.error();
          inv.creds_format = *v;
        } else if (!err.message.empty()) {
          return err;
        } else {
          return make_error("cx creds: unknown option \"" + args[i] + "\"",
                            "usage: cx creds [--format env|json|process]");
        }
      }
      return inv;
    case Command::Init:
      for (; i < args.size(); ++i) {
        Error err;
        if (args[i] == "--yes" || args[i] == "-y") {
          inv.init.yes = true;
          continue;
        }
        if (args[i] == "--force") {
          inv.init.force = true;
          continue;
        }
        bool taken = false;
        for (auto [flag, slot] : {std::pair{"--role", &inv.init.role},
                                  std::pair{"--runtime", &inv.init.runtime},
                                  std::pair{"--region", &inv.init.region},
                                  std::pair{"--image", &inv.init.image},
                                  std::pair{"--profile", &inv.init.profile}}) {
          if (auto v = take_value(args, i, flag, err)) {
            *slot = *v;
            taken = true;
            break;
          }
          if (!err.message.empty()) return err;
        }
        if (!taken)
          return make_error("cx init: unknown option \"" + args[i] + "\"",
                            "usage: cx init [--role ARN] [--runtime R] [--region X] [--image TAG] "
                            "[--profile P] [--yes] [--force]");
      }
      return inv;
    case Command::Doctor:
    case Command::Ps:
    case Command::Gc:
      if (args.size() > 1) return make_error("cx " + args[0] + " takes no arguments");
      return inv;
    case Command::Help:
    case Command::Version:
      return inv;
  }
  return inv;
}

}  // namespace cx::cli
