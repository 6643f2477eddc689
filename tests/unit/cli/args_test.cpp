#include "cli/args.h"

#include <gtest/gtest.h>

namespace cx::cli {
namespace {

Invocation ok(std::vector<std::string> a) {
  auto r = parse_args(a);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : Invocation{};
}

std::string err(std::vector<std::string> a) {
  auto r = parse_args(a);
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.error().message;
}

TEST(Args, NoArgumentsRunsASession) {
  auto inv = ok({});
  EXPECT_EQ(inv.command, Command::Run);
  EXPECT_TRUE(inv.rest.empty());
}

TEST(Args, UnknownFirstArgumentGoesToClaude) {
  auto inv = ok({"--continue"});
  EXPECT_EQ(inv.command, Command::Run);
  EXPECT_EQ(inv.rest, (std::vector<std::string>{"--continue"}));
  inv = ok({"-p", "explain this repo"});
  EXPECT_EQ(inv.rest, (std::vector<std::string>{"-p", "explain this repo"}));
  // claude's own --verbose is not cx's at top level.
  inv = ok({"--verbose"});
  EXPECT_FALSE(inv.run.verbose);
  EXPECT_EQ(inv.rest, (std::vector<std::string>{"--verbose"}));
}

TEST(Args, DoubleDashPassesHelpToClaude) {
  auto inv = ok({"--", "--help"});
  EXPECT_EQ(inv.command, Command::Run);
  EXPECT_EQ(inv.rest, (std::vector<std::string>{"--help"}));
}

TEST(Args, HelpAndVersionWords) {
  EXPECT_EQ(ok({"help"}).command, Command::Help);
  EXPECT_EQ(ok({"--help"}).command, Command::Help);
  EXPECT_EQ(ok({"-h"}).command, Command::Help);
  EXPECT_EQ(ok({"version"}).command, Command::Version);
  EXPECT_EQ(ok({"--version"}).command, Command::Version);
}

TEST(Args, RunFlagsThenClaudeArgs) {
  auto inv = ok({"run", "--dry-run", "--network=open", "--persist", "none", "--allow-home",
                 "--verbose", "-p", "hi"});
  EXPECT_TRUE(inv.run.dry_run);
  EXPECT_EQ(inv.run.network, "open");
  EXPECT_EQ(inv.run.persist, "none");
  EXPECT_TRUE(inv.run.allow_home);
  EXPECT_TRUE(inv.run.verbose);
  EXPECT_EQ(inv.rest, (std::vector<std::string>{"-p", "hi"}));
}

TEST(Args, RunFlagsStopAtDoubleDash) {
  auto inv = ok({"run", "--", "--dry-run"});
  EXPECT_FALSE(inv.run.dry_run);
  EXPECT_EQ(inv.rest, (std::vector<std::string>{"--dry-run"}));
}

TEST(Args, ShellTakesACommand) {
  auto inv = ok({"shell", "--network", "open", "--", "sh", "-c", "id"});
  EXPECT_EQ(inv.command, Command::Shell);
  EXPECT_EQ(inv.run.network, "open");
  EXPECT_EQ(inv.rest, (std::vector<std::string>{"sh", "-c", "id"}));
}

TEST(Args, BadRunFlagValues) {
  EXPECT_EQ(err({"run", "--network", "wide"}),
            "--network must be one of allowlist, open, not \"wide\"");
  EXPECT_EQ(err({"run", "--persist"}), "--persist needs a value");
}

TEST(Args, BuildFlags) {
  auto inv = ok({"build", "--no-cache", "--claude-version", "2.1.3", "--print"});
  EXPECT_TRUE(inv.build.no_cache);
  EXPECT_TRUE(inv.build.print);
  EXPECT_EQ(inv.build.claude_version, "2.1.3");
  EXPECT_EQ(ok({"build", "--claude-version=1.0.0"}).build.claude_version, "1.0.0");
  EXPECT_EQ(err({"build", "--fast"}), "cx build: unknown option \"--fast\"");
  EXPECT_EQ(err({"build", "--claude-version"}), "--claude-version needs a value");
}

TEST(Args, BuildClaudeVersionIsAVersionOrTag) {
  for (const char* v : {"2.1.332", "2.2.0-beta.1", "latest", "next", "1.0.0+build_7"})
    EXPECT_EQ(ok({"build", "--claude-version", v}).build.claude_version, v) << v;
  for (const char* v : {"", "-1", "2.1 .3", "https://example.invalid/x.tgz", "../x", "1;rm",
                        "$(id)", "1.0.0\n"})
    EXPECT_EQ(err({"build", std::string("--claude-version=") + v}),
              std::string("--claude-version: \"") + v + "\" is not a Claude Code version")
        << v;
}

TEST(Args, InitFlags) {
  auto inv = ok({"init", "--role", "arn:aws:iam::123456789012:role/R", "--runtime=podman",
                 "--region", "eu-west-1", "--image", "cx:1", "--profile", "dev", "--yes",
                 "--force"});
  EXPECT_EQ(inv.command, Command::Init);
  EXPECT_EQ(inv.init.role, "arn:aws:iam::123456789012:role/R");
  EXPECT_EQ(inv.init.runtime, "podman");
  EXPECT_EQ(inv.init.region, "eu-west-1");
  EXPECT_EQ(inv.init.image, "cx:1");
  EXPECT_EQ(inv.init.profile, "dev");
  EXPECT_TRUE(inv.init.yes);
  EXPECT_TRUE(inv.init.force);
  EXPECT_TRUE(ok({"init", "-y"}).init.yes);
  EXPECT_FALSE(ok({"init"}).init.role.has_value());
  EXPECT_EQ(err({"init", "--role"}), "--role needs a value");
  EXPECT_EQ(err({"init", "--rolee", "x"}), "cx init: unknown option \"--rolee\"");
}

TEST(Args, DoctorTakesNoArguments) {
  EXPECT_EQ(ok({"doctor"}).command, Command::Doctor);
  EXPECT_EQ(err({"doctor", "--fix"}), "cx doctor takes no arguments");
}

TEST(Args, SymlinkDirectory) {
  EXPECT_FALSE(ok({"symlink"}).dir.has_value());
  EXPECT_EQ(ok({"symlink", "/opt/bin"}).dir, "/opt/bin");
  EXPECT_EQ(ok({"unlink", "/opt/bin"}).command, Command::Unlink);
  EXPECT_EQ(err({"symlink", "a", "b"}), "cx symlink takes at most one directory");
}

TEST(Args, CredsFormat) {
  EXPECT_EQ(ok({"creds"}).creds_format, "env");
  EXPECT_EQ(ok({"creds", "--format", "json"}).creds_format, "json");
  EXPECT_EQ(ok({"creds", "--format=process"}).creds_format, "process");
  EXPECT_EQ(err({"creds", "--format", "yaml"}),
            "--format must be one of env, json, process, not \"yaml\"");
}

}  // namespace
}  // namespace cx::cli

namespace cx::cli {
namespace {

TEST(Args, PsAndGcTakeNoArguments) {
  EXPECT_EQ(parse_args({"ps"})->command, Command::Ps);
  EXPECT_EQ(parse_args({"gc"})->command, Command::Gc);
  auto r = parse_args({"ps", "-a"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "cx ps takes no arguments");
}

}  // namespace
}  // namespace cx::cli

namespace cx::cli {
namespace {

TEST(Args, HelpForOneCommand) {
  auto inv = ok({"help", "doctor"});
  EXPECT_EQ(inv.command, Command::Help);
  EXPECT_EQ(inv.topic, "doctor");
  EXPECT_TRUE(ok({"help"}).topic.empty());
  EXPECT_EQ(err({"help", "doctr"}), "cx help: no command \"doctr\" (did you mean doctor?)");
  EXPECT_EQ(err({"help", "frobnicate"}), "cx help: no command \"frobnicate\"");
  EXPECT_EQ(ok({"help", "help"}).topic, "help");
}

TEST(Args, CommandHelpFlag) {
  for (const char* c : {"run", "shell", "build", "creds", "ps", "gc", "doctor", "init", "symlink",
                        "unlink", "completion", "help", "version"}) {
    for (const char* h : {"--help", "-h"}) {
      auto inv = ok({c, h});
      EXPECT_EQ(inv.command, Command::Help) << c << " " << h;
      EXPECT_EQ(inv.topic, c) << c << " " << h;
    }
  }
  // After a flag too; after `--`, or once claude's arguments began, it is claude's.
  EXPECT_EQ(ok({"run", "--dry-run", "--help"}).topic, "run");
  auto inv = ok({"run", "--", "--help"});
  EXPECT_EQ(inv.command, Command::Run);
  EXPECT_EQ(inv.rest, (std::vector<std::string>{"--help"}));
  inv = ok({"shell", "ls", "--help"});
  EXPECT_EQ(inv.command, Command::Shell);
  EXPECT_EQ(inv.rest, (std::vector<std::string>{"ls", "--help"}));
}

TEST(Args, Completion) {
  for (const char* s : {"bash", "zsh", "fish"}) EXPECT_EQ(ok({"completion", s}).shell, s);
  EXPECT_EQ(err({"completion"}), "cx completion needs a shell: bash|zsh|fish");
  EXPECT_EQ(err({"completion", "tcsh"}),
            "cx completion: shell must be one of bash, zsh, fish, not \"tcsh\"");
  EXPECT_EQ(err({"completion", "bash", "zsh"}), "cx completion takes at most one shell");
}

TEST(Args, TypoOfACommandIsAUsageError) {
  EXPECT_EQ(err({"doctr"}), "unknown command \"doctr\" (did you mean doctor?)");
  EXPECT_EQ(err({"biuld"}), "unknown command \"biuld\" (did you mean build?)");
  EXPECT_EQ(err({"shel", "-c", "x"}), "unknown command \"shel\" (did you mean shell?)");
  EXPECT_EQ(err({"inti"}), "unknown command \"inti\" (did you mean init?)");
  EXPECT_EQ(err({"sp"}), "unknown command \"sp\" (did you mean ps?)");
}

TEST(Args, WordsThatAreNotTyposGoToClaude) {
  // Claude's own commands, prompts, words further away, short words that
  // are as likely a prompt, and anything after `--`.
  for (std::vector<std::string> a :
       std::vector<std::vector<std::string>>{{"mcp", "list"},
                                             {"config"},
                                             {"update"},
                                             {"install"},
                                             {"explain this repo"},
                                             {"fix"},
                                             {"ls"},
                                             {"go"},
                                             {"Doctor"},
                                             {"--", "doctr"}}) {
    auto inv = ok(a);
    EXPECT_EQ(inv.command, Command::Run) << a[0];
    EXPECT_FALSE(inv.rest.empty()) << a[0];
  }
}

TEST(Args, InitInferenceProfileAndBuildVerbose) {
  const std::string arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/x";
  EXPECT_EQ(ok({"init", "--inference-profile", arn}).init.inference_profile, arn);
  EXPECT_TRUE(ok({"build", "--verbose"}).build.verbose);
  EXPECT_EQ(err({"build", "--print=yes"}), "--print takes no value");
}

}  // namespace
}  // namespace cx::cli
