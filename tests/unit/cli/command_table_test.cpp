// The help, the completion scripts and the man page come from the command
// table: every command and flag the parser takes appears in each of them.
#include "cli/command_table.h"

#include <gtest/gtest.h>

#include "cli/completion.h"
#include "cli/man_page.h"

namespace cx::cli {
namespace {

bool has(const std::string& text, std::string_view what) {
  return text.find(what) != std::string::npos;
}

// How man(7) text spells a flag: each - as \-.
std::string roff_flag(std::string_view flag) {
  std::string out;
  for (char c : flag) out += c == '-' ? std::string("\\-") : std::string(1, c);
  return out;
}

TEST(CommandTable, EveryCommandParsesItsOwnFlags) {
  for (const CommandSpec& c : command_table()) {
    EXPECT_EQ(find_command(c.name), &c) << c.name;
    EXPECT_FALSE(c.summary.empty()) << c.name;
    EXPECT_FALSE(c.description.empty()) << c.name;
    EXPECT_FALSE(c.examples.empty()) << c.name;
    for (const FlagSpec& f : c.flags) {
      std::vector<std::string> args{std::string(c.name), std::string(f.name)};
      if (f.takes_value())
        args.push_back(f.values.empty() ? (f.name == "--claude-version" ? "2.1.3" : "x")
                                        : std::string(f.values[0]));
      auto r = parse_args(args);
      EXPECT_TRUE(r.ok()) << c.name << " " << f.name << ": " << (r.ok() ? "" : r.error().message);
      if (r.ok()) {
        EXPECT_EQ(r->command, c.command) << c.name << " " << f.name;
      }
    }
  }
}

TEST(CommandTable, CompletionScriptsOfferEveryCommandFlagAndValue) {
  for (const char* shell : {"bash", "zsh", "fish"}) {
    const std::string script = completion_script(shell);
    ASSERT_FALSE(script.empty()) << shell;
    for (const CommandSpec& c : command_table()) {
      EXPECT_TRUE(has(script, c.name)) << shell << ": " << c.name;
      for (const FlagSpec& f : c.flags) {
        // fish spells --network as `-l network`.
        const std::string_view flag = std::string(shell) == "fish" ? f.name.substr(2) : f.name;
        EXPECT_TRUE(has(script, flag)) << shell << ": " << c.name << " " << f.name;
        for (std::string_view v : f.values)
          EXPECT_TRUE(has(script, v)) << shell << ": " << f.name << " " << v;
      }
    }
  }
  EXPECT_TRUE(completion_script("tcsh").empty());
}

TEST(CommandTable, ManPageDocumentsEveryCommandAndFlag) {
  const std::string man = man_page("1.2.3");
  EXPECT_EQ(man.rfind(".TH CX 1", 0), 0u);
  EXPECT_TRUE(has(man, "cx 1.2.3"));
  for (const CommandSpec& c : command_table()) {
    EXPECT_TRUE(has(man, ".SS " + roff_flag(c.name) + "\n")) << c.name;
    for (const FlagSpec& f : c.flags) EXPECT_TRUE(has(man, roff_flag(f.name))) << f.name;
  }
  for (const HelpSection& s : help_sections()) EXPECT_TRUE(has(man, ".SH " + std::string(s.title)));
  // No line may start a troff request by accident.
  size_t pos = 0;
  while ((pos = man.find('\n', pos)) != std::string::npos) {
    ++pos;
    if (pos < man.size() && man[pos] == '\'') ADD_FAILURE() << "line starts with ': " << pos;
  }
}

TEST(CommandTable, SynopsisShowsFlagsAndOperand) {
  EXPECT_EQ(synopsis(*find_command("creds")), "cx creds [--format env|json|process]");
  EXPECT_EQ(synopsis(*find_command("symlink")), "cx symlink [DIR]");
  EXPECT_EQ(synopsis(*find_command("completion")), "cx completion bash|zsh|fish");
  EXPECT_EQ(synopsis(*find_command("ps")), "cx ps");
}

TEST(CommandTable, TyposAreOneEditFromACommand) {
  EXPECT_EQ(typo_of_command("doctr"), "doctor");
  EXPECT_EQ(typo_of_command("biuld"), "build");
  EXPECT_EQ(typo_of_command("symlinks"), "symlink");
  EXPECT_EQ(typo_of_command("completoin"), "completion");
  EXPECT_EQ(typo_of_command("doctor"), "");  // a command is no typo
  EXPECT_EQ(typo_of_command("dctr"), "");     // two edits
  EXPECT_EQ(typo_of_command("update"), "");   // claude's
  EXPECT_EQ(typo_of_command("-doctr"), "");   // a flag, claude's
  EXPECT_EQ(typo_of_command("doctr please"), "");
  for (std::string_view c : claude_commands()) EXPECT_EQ(typo_of_command(c), "") << c;
}

}  // namespace
}  // namespace cx::cli
