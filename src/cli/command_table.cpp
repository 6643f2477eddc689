#include "cli/command_table.h"

#include <algorithm>
#include <cctype>

#include "config/keys.h"

namespace cx::cli {
namespace {

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

// A flag without a value: sets (inv.*Group).*Field.
template <auto Group, auto Field>
Status set_true(Invocation& inv, const std::string&) {
  (inv.*Group).*Field = true;
  return Ok{};
}

// A flag with a value the table checks (or that needs none): stores it.
template <auto Group, auto Field>
Status set_value(Invocation& inv, const std::string& v) {
  (inv.*Group).*Field = v;
  return Ok{};
}

// The flags `cx run` and `cx shell` share.
std::vector<FlagSpec> run_flags() {
  return {
      {.name = "--dry-run",
       .help = "print the runtime command (secrets redacted) and run nothing",
       .apply = set_true<&Invocation::run, &RunFlags::dry_run>},
      {.name = "--network",
       .metavar = "allowlist|open",
       .values = {"allowlist", "open"},
       .strict = true,
       .help = "override CX_NETWORK: only the egress proxy, or the runtime's own network",
       .apply = set_value<&Invocation::run, &RunFlags::network>},
      {.name = "--persist",
       .metavar = "project|shared|none",
       .values = {"project", "shared", "none"},
       .strict = true,
       .help = "override CX_PERSIST: where Claude's state is kept between sessions",
       .apply = set_value<&Invocation::run, &RunFlags::persist>},
      {.name = "--allow-home",
       .help = "allow mounting $HOME or a directory holding ~/.aws or ~/.ssh",
       .apply = set_true<&Invocation::run, &RunFlags::allow_home>},
      {.name = "--verbose",
       .help = "say what cx does: the plan, each step, the runtime command",
       .apply = set_true<&Invocation::run, &RunFlags::verbose>},
  };
}


std::vector<CommandSpec> make_table() {
  std::vector<CommandSpec> t;
  t.push_back({
      .name = "run",
      .command = Command::Run,
      .summary = "run a session in the current directory (the default command)",
      .description =
          "Starts Claude Code in an ephemeral container that sees the current directory "
          "(read-write at /src), the forwarded environment, the hosts the egress allowlist "
          "allows and the AWS permissions of AWS_IAM_ROLE. `cx ARGS` is `cx run ARGS`: the "
          "flags below are cx's up to `--` or the first other argument, and everything after "
          "goes to claude, after CLAUDE_OPTIONS.",
      .flags = run_flags(),
      .operand = {.kind = OperandKind::PassRest,
                  .metavar = "[--] [CLAUDE-ARGS...]",
                  .completion = OperandCompletion::Files},
      .examples = {"cx", "cx --continue", "cx -p \"explain this repo\"",
                   "cx run --network open -- --resume"},
  });
  t.push_back({
      .name = "shell",
      .command = Command::Shell,
      .summary = "the same sandbox running CMD (default: an interactive bash) instead of claude",
      .description =
          "Runs CMD in the sandbox a session gets (mounts, user, credentials, network policy), "
          "for looking around, running aws with the role's permissions, and tests.",
      .flags = run_flags(),
      .operand = {.kind = OperandKind::PassRest,
                  .metavar = "[--] [CMD...]",
                  .completion = OperandCompletion::Files},
      .examples = {"cx shell", "cx shell -- aws sts get-caller-identity"},
  });
  t.push_back({
      .name = "build",
      .command = Command::Build,
      .summary = "build IMAGE_TAG from the Containerfile built into cx",
      .description =
          "Builds the image sessions run from the Containerfile compiled into cx (no checkout "
          "needed), with Claude Code in a layer of its own, so a new version rebuilds only that "
          "layer. On a terminal it shows the step and the time taken; the runtime's output is "
          "shown with --verbose or when the build fails.",
      .flags =
          {
              {.name = "--no-cache",
               .help = "build every layer again",
               .apply = set_true<&Invocation::build, &BuildFlags::no_cache>},
              {.name = "--claude-version",
               .metavar = "V",
               .values = {"latest", "stable", "next"},
               .help = "Claude Code release or npm dist-tag to install (default: the newest)",
               .apply = [](Invocation& inv, const std::string& v) -> Status {
                 if (!is_package_version(v))
                   return make_error(
                       "--claude-version: \"" + v + "\" is not a Claude Code version",
                       "give a release such as 2.1.332 or an npm dist-tag such as latest; "
                       "npm view @anthropic-ai/claude-code versions lists them");
                 inv.build.claude_version = v;
                 return Ok{};
               }},
              {.name = "--print",
               .help = "write the Containerfile to stdout and build nothing",
               .apply = set_true<&Invocation::build, &BuildFlags::print>},
              {.name = "--verbose",
               .help = "show the runtime's build output as it comes",
               .apply = set_true<&Invocation::build, &BuildFlags::verbose>},
          },
      .examples = {"cx build", "cx build --claude-version 2.1.3", "cx build --print | less"},
  });
  t.push_back({
      .name = "creds",
      .command = Command::Creds,
      .summary = "assume the role and print its temporary credentials",
      .description =
          "Assumes AWS_IAM_ROLE as a session would and prints the temporary credentials: "
          "`env` as export lines, `json` as STS's Credentials object (what Claude Code's "
          "awsCredentialExport reads), `process` as a credential_process answer.",
      .flags = {{.name = "--format",
                 .metavar = "env|json|process",
                 .values = {"env", "json", "process"},
                 .strict = true,
                 .help = "how to print them (default: env)",
                 .apply = [](Invocation& inv, const std::string& v) -> Status {
                   inv.creds_format = v;
                   return Ok{};
                 }}},
      .examples = {"eval \"$(cx creds)\"", "cx creds --format process"},
  });
  t.push_back({
      .name = "ps",
      .command = Command::Ps,
      .summary = "list live sessions",
      .description = "Lists the sessions whose cx is running: id, project, runtime, age.",
      .examples = {"cx ps"},
  });
  t.push_back({
      .name = "gc",
      .command = Command::Gc,
      .summary = "clean up after sessions whose cx died",
      .description =
          "Removes the containers, sockets and temporary directories of sessions whose host "
          "process is gone.",
      .examples = {"cx gc"},
  });
  t.push_back({
      .name = "doctor",
      .command = Command::Doctor,
      .summary = "check everything a session needs (exit 0 only if all pass)",
      .description =
          "Checks the config file, the runtime, the image, the AWS profile, the role and the "
          "region, one line each: what was found, or what is wrong and the fix.",
      .examples = {"cx doctor"},
  });
  t.push_back({
      .name = "init",
      .command = Command::Init,
      .summary = "write a commented config file (asks on a terminal)",
      .description =
          "Writes $ENV_FILE, else ~/.claude-exec, from the flags and, on a terminal, answers to "
          "a few questions; with --yes it asks nothing. It never replaces an existing file "
          "without --force.",
      .flags =
          {
              {.name = "--role",
               .metavar = "ARN",
               .help = "AWS_IAM_ROLE: the role the agent gets",
               .apply = set_value<&Invocation::init, &InitFlags::role>},
              {.name = "--runtime",
               .metavar = "R",
               .values = {"podman", "docker", "nerdctl"},
               .help = "RUNTIME: podman, docker, nerdctl or a path to one",
               .apply = set_value<&Invocation::init, &InitFlags::runtime>},
              {.name = "--region",
               .metavar = "REGION",
               .help = "AWS_REGION: the Bedrock region",
               .apply = set_value<&Invocation::init, &InitFlags::region>},
              {.name = "--image",
               .metavar = "TAG",
               .help = "IMAGE_TAG: the image cx build builds and sessions run",
               .apply = set_value<&Invocation::init, &InitFlags::image>},
              {.name = "--profile",
               .metavar = "P",
               .help = "AWS_PROFILE: the host profile that assumes the role",
               .apply = set_value<&Invocation::init, &InitFlags::profile>},
              {.name = "--inference-profile",
               .metavar = "ARN",
               .help = "an application inference profile for every model Claude Code uses",
               .apply = set_value<&Invocation::init, &InitFlags::inference_profile>},
              {.name = "--yes",
               .alias = "-y",
               .help = "ask nothing: flags and defaults only",
               .apply = set_true<&Invocation::init, &InitFlags::yes>},
              {.name = "--force",
               .help = "replace an existing config file",
               .apply = set_true<&Invocation::init, &InitFlags::force>},
          },
      .examples = {"cx init",
                   "cx init --role arn:aws:iam::123456789012:role/agent --runtime podman --yes"},
  });
  auto set_dir = [](Invocation& inv, const std::string& v) -> Status {
    inv.dir = v;
    return Ok{};
  };
  t.push_back({
      .name = "symlink",
      .command = Command::Symlink,
      .summary = "create DIR/cx pointing at this binary (default DIR: ~/.local/bin)",
      .description = "Creates DIR/cx pointing at this binary; warns when DIR is not on PATH.",
      .operand = {.kind = OperandKind::Optional,
                  .metavar = "DIR",
                  .noun = "directory",
                  .completion = OperandCompletion::Directories,
                  .apply = set_dir},
      .examples = {"cx symlink", "cx symlink /usr/local/bin"},
  });
  t.push_back({
      .name = "unlink",
      .command = Command::Unlink,
      .summary = "remove DIR/cx made by cx symlink (default DIR: ~/.local/bin)",
      .description = "Removes DIR/cx when it is a link to a cx binary.",
      .operand = {.kind = OperandKind::Optional,
                  .metavar = "DIR",
                  .noun = "directory",
                  .completion = OperandCompletion::Directories,
                  .apply = set_dir},
      .examples = {"cx unlink"},
  });
  t.push_back({
      .name = "completion",
      .command = Command::Completion,
      .summary = "print a shell completion script",
      .description =
          "Prints a completion script for bash, zsh or fish: commands, flags and flag values. "
          "Packages install them where each shell finds them; to load one by hand, see the "
          "examples.",
      .operand = {.kind = OperandKind::Required,
                  .metavar = "bash|zsh|fish",
                  .noun = "shell",
                  .completion = OperandCompletion::Values,
                  .values = {"bash", "zsh", "fish"},
                  .apply = [](Invocation& inv, const std::string& v) -> Status {
                    inv.shell = v;
                    return Ok{};
                  }},
      .examples = {"source <(cx completion bash)", "cx completion zsh > ~/.zfunc/_cx",
                   "cx completion fish > ~/.config/fish/completions/cx.fish"},
  });
  t.push_back({
      .name = "help",
      .command = Command::Help,
      .summary = "cx's help, or one command's",
      .description = "Prints cx's help, or COMMAND's usage, flags and examples.",
      .operand = {.kind = OperandKind::Optional,
                  .metavar = "COMMAND",
                  .noun = "command",
                  .completion = OperandCompletion::Commands,
                  .apply = [](Invocation& inv, const std::string& v) -> Status {
                    const CommandSpec* c = find_command(v);
                    if (!c) {
                      std::string_view guess = typo_of_command(v);
                      return make_error("cx help: no command \"" + v + "\"" +
                                            (guess.empty() ? std::string()
                                                           : " (did you mean " +
                                                                 std::string(guess) + "?)"),
                                        "cx help lists the commands");
                    }
                    inv.topic = c->name;
                    return Ok{};
                  }},
      .examples = {"cx help doctor", "cx doctor --help"},
      .aliases = {"--help", "-h"},
  });
  t.push_back({
      .name = "version",
      .command = Command::Version,
      .summary = "cx's version and the image recipe it builds",
      .description = "Prints cx's version and the recipe id that cx build labels images with.",
      .examples = {"cx version"},
      .aliases = {"--version"},
  });
  return t;
}

bool is_command_like(std::string_view w) {
  if (w.size() < 2 || w.size() > 32) return false;
  return std::all_of(w.begin(), w.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || c == '-'; });
}

}  // namespace

std::span<const CommandSpec> command_table() {
  static const std::vector<CommandSpec> table = make_table();
  return table;
}

const CommandSpec* find_command(std::string_view word) {
  for (const CommandSpec& c : command_table()) {
    if (c.name == word) return &c;
    for (std::string_view a : c.aliases)
      if (a == word) return &c;
  }
  return nullptr;
}

std::string synopsis(const CommandSpec& c) {
  std::string s = "cx ";
  s += c.name;
  for (const FlagSpec& f : c.flags) {
    s += " [";
    s += f.alias.empty() ? f.name : std::string(f.alias) + "|" + std::string(f.name);
    if (f.takes_value()) {
      s += ' ';
      s += f.metavar;
    }
    s += ']';
  }
  switch (c.operand.kind) {
    case OperandKind::None:
      break;
    case OperandKind::Optional:
      s += " [" + std::string(c.operand.metavar) + "]";
      break;
    case OperandKind::Required:
    case OperandKind::PassRest:
      s += " " + std::string(c.operand.metavar);
      break;
  }
  return s;
}

std::span<const HelpSection> help_sections() {
  static const HelpSection kSections[] = {
      {"ARGUMENTS FOR CLAUDE",
       "A first argument that is not a cx command goes to claude, with the rest: cx --continue, "
       "cx -p \"explain this repo\", cx -- --help (claude's own help). A word one edit away "
       "from a cx command (cx doctr) is refused as a likely typo; cx -- WORD passes it.",
       true},
      {"CONFIGURATION",
       "cx reads $ENV_FILE, else ~/.claude-exec: KEY=value lines, parsed and never executed. "
       "RUNTIME, IMAGE_TAG and AWS_IAM_ROLE are required; cx init writes a commented file and "
       "cx doctor checks it. Keys cx reads itself (RUNTIME, IMAGE_TAG, AWS_IAM_ROLE, "
       "AWS_PROFILE, AWS_SESSION_DURATION, CLAUDE_OPTIONS and every CX_* key) stay on the "
       "host; every other key is forwarded into the container.",
       true},
      {"EXIT STATUS",
       "A session exits with claude's own status, 128+N when claude was killed by signal N, "
       "and 125 when cx failed before claude ran (bad config, no credentials, runtime or image "
       "missing). Other commands exit 0 on success, 1 on failure and 2 on a usage error.",
       true},
      {"FILES",
       "~/.claude-exec: the config file. $XDG_STATE_HOME/cx (~/.local/state/cx): sessions' "
       "records, audit logs (sessions/ID.jsonl) and Claude's persisted state. "
       "$XDG_CACHE_HOME/cx (~/.cache/cx): cached role credentials, mode 0600.",
       false},
      {"ENVIRONMENT",
       "ENV_FILE: the config file to read. NO_COLOR: no colour in cx's output (colour is only "
       "used on a terminal anyway). AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, "
       "AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL: as in the AWS CLI, for the host side.",
       false},
  };
  return kSections;
}

std::span<const std::string_view> claude_commands() {
  // `claude --help` of Claude Code 2.x and its CLI reference.
  static constexpr std::string_view kCommands[] = {
      "agents", "auth",  "config",  "doctor",     "gateway",        "install",
      "mcp",    "migrate-installer", "plugin",    "plugins",        "remote-control",
      "setup-token",     "update",  "upgrade",
  };
  return kCommands;
}

std::string_view typo_of_command(std::string_view word) {
  if (!is_command_like(word) || find_command(word)) return {};
  for (std::string_view c : claude_commands())
    if (c == word) return {};
  // A one- or two-letter word one edit from `ps` or `gc` is as likely a
  // prompt ("ls", "go"): a word that short counts only as a swap ("sp").
  for (const CommandSpec& c : command_table()) {
    if (config::edit_distance(word, c.name) != 1) continue;
    if (word.size() < 3 && !(word.size() == c.name.size() && word[0] == c.name[1] &&
                             word[1] == c.name[0]))
      continue;
    return c.name;
  }
  return {};
}

}  // namespace cx::cli
