#pragma once
// The one table of cx's commands: each command's name, flags, operand,
// summary, description and example. The parser (args.cpp), the help
// (help.cpp), the completion scripts (completion.cpp) and the man page
// (man_page.cpp) are all read off it, so they cannot disagree.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cli/args.h"
#include "util/result.h"

namespace cx::cli {

struct FlagSpec {
  std::string_view name;   // "--network"
  std::string_view alias;  // "-y", or empty
  // What the value is called in usage ("allowlist|open", "ARN"); empty for a
  // flag that takes no value.
  std::string_view metavar;
  // Values to complete. With `strict`, the parser refuses any other.
  std::vector<std::string_view> values;
  bool strict = false;
  std::string_view help;
  // Sets the flag in the invocation; a bad value is an Error. `value` is
  // empty for a flag without one.
  Status (*apply)(Invocation& inv, const std::string& value) = nullptr;

  bool takes_value() const { return !metavar.empty(); }
};

enum class OperandKind {
  None,       // nothing after the flags
  Optional,   // at most one word (symlink DIR, help COMMAND)
  Required,   // exactly one word (completion SHELL)
  PassRest,   // flags stop at `--` or the first other word; the rest is passed on
};

enum class OperandCompletion { Nothing, Directories, Commands, Values, Files };

struct OperandSpec {
  OperandKind kind = OperandKind::None;
  std::string_view metavar;  // "DIR", "[--] [CLAUDE-ARGS...]"
  std::string_view noun;     // "directory": in "cx symlink takes at most one directory"
  OperandCompletion completion = OperandCompletion::Nothing;
  std::vector<std::string_view> values;  // with Values: the only ones accepted
  Status (*apply)(Invocation& inv, const std::string& value) = nullptr;
};

struct CommandSpec {
  std::string_view name;
  Command command;
  std::string_view summary;      // one line, lower case, no period
  std::string_view description;  // a paragraph, wrapped by whoever prints it
  std::vector<FlagSpec> flags;
  OperandSpec operand;
  std::vector<std::string_view> examples;  // command lines
  std::vector<std::string_view> aliases;   // "--help", "-h"
};

// The commands in the order help lists them.
std::span<const CommandSpec> command_table();

// The command called `word` (a name or an alias), or nullptr.
const CommandSpec* find_command(std::string_view word);

// "cx build [--no-cache] [--claude-version V] ...": the usage line.
std::string synopsis(const CommandSpec& c);

// The prose around the commands: how arguments reach claude, the config
// file, exit status, files, environment. The short help prints the ones
// marked for it (their body only); the man page prints them all.
struct HelpSection {
  std::string_view title;  // "EXIT STATUS"
  std::string_view body;   // one paragraph
  bool in_short_help = false;
};
std::span<const HelpSection> help_sections();

// Claude Code's own subcommands: a first word among them goes to claude
// even when it is one edit away from a cx command.
std::span<const std::string_view> claude_commands();

// The cx command `word` is most likely a typo of (one edit: an insertion, a
// deletion, a substitution or a swap of neighbours), or empty when there is
// none, `word` does not look like a command word, or it is claude's.
std::string_view typo_of_command(std::string_view word);

}  // namespace cx::cli
