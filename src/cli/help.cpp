#include <algorithm>
#include <cstdio>
#include <string>

#include "cli/command_table.h"
#include "cli/commands.h"
#include "runtime/build_command.h"

namespace cx::cli {
namespace {

// Wraps `text` at `width` columns, each line after `indent` spaces.
std::string wrap(std::string_view text, size_t indent, size_t width = 79) {
  std::string out, line;
  const std::string pad(indent, ' ');
  size_t i = 0;
  while (i < text.size()) {
    size_t j = text.find(' ', i);
    if (j == std::string_view::npos) j = text.size();
    std::string_view word = text.substr(i, j - i);
    if (!line.empty() && pad.size() + line.size() + 1 + word.size() > width) {
      out += pad + line + "\n";
      line.clear();
    }
    if (!line.empty()) line += ' ';
    line += word;
    i = j + 1;
  }
  if (!line.empty()) out += pad + line + "\n";
  return out;
}

// "  --network allowlist|open  override ...": the help in one column after the
// widest flag (at most column 33), wrapped under itself.
std::string flag_lines(const std::vector<FlagSpec>& flags) {
  std::vector<std::string> lefts;
  size_t col = 0;
  for (const FlagSpec& f : flags) {
    std::string left = "  ";
    if (!f.alias.empty()) left += std::string(f.alias) + ", ";
    left += f.name;
    if (f.takes_value()) left += " " + std::string(f.metavar);
    col = std::max(col, left.size() + 2);
    lefts.push_back(std::move(left));
  }
  col = std::min<size_t>(col, 33);
  std::string out;
  for (size_t i = 0; i < flags.size(); ++i) {
    std::string text = wrap(flags[i].help, col);
    if (lefts[i].size() + 1 < col)
      text.replace(0, lefts[i].size(), lefts[i]);
    else
      text = lefts[i] + "\n" + text;
    out += text;
  }
  return out;
}

std::string general_help() {
  std::string out =
      "cx - run Claude Code in an ephemeral container with one IAM role's credentials\n\n"
      "usage: cx [CLAUDE-ARGS...]       a session in the current directory (cx run)\n"
      "       cx COMMAND [ARGS...]\n\ncommands:\n";
  for (const CommandSpec& c : command_table()) {
    std::string left = "  " + std::string(c.name);
    left.resize(14, ' ');
    out += left + std::string(c.summary) + "\n";
  }
  out += "\nrun and shell flags:\n" + flag_lines(find_command("run")->flags) + "\n";
  out += "cx help COMMAND, or cx COMMAND --help: that command's usage, flags and examples.\n\n";
  for (const HelpSection& s : help_sections()) {
    if (!s.in_short_help) continue;
    out += wrap(s.body, 0) + "\n";
  }
  return out;
}

std::string command_help(const CommandSpec& c) {
  // The usage line wrapped under itself after "usage: cx NAME ".
  const std::string head = "usage: cx " + std::string(c.name) + " ";
  const std::string args = synopsis(c).substr(3 + c.name.size());  // " [--flag] ..." or ""
  std::string out = "usage: cx " + std::string(c.name) + "\n";
  if (!args.empty()) {
    out = wrap(args.substr(1), head.size());
    out.replace(0, head.size(), head);
  }
  out += "\n";
  out += wrap(c.description, 0);
  if (!c.flags.empty()) out += "\nflags:\n" + flag_lines(c.flags);
  if (!c.examples.empty()) {
    out += c.examples.size() == 1 ? "\nexample:\n" : "\nexamples:\n";
    for (std::string_view e : c.examples) out += "  " + std::string(e) + "\n";
  }
  return out;
}

}  // namespace

int cmd_help(const Invocation& inv) {
  const CommandSpec* c = inv.topic.empty() ? nullptr : find_command(inv.topic);
  const std::string text = c ? command_help(*c) : general_help();
  std::fputs(text.c_str(), stdout);
  return 0;
}

int cmd_version() {
  // The recipe is what `cx build` labels the image with (cx.image-recipe).
  std::printf("cx %s (image recipe %s)\n", CX_VERSION, runtime::image_recipe().c_str());
  return 0;
}

}  // namespace cx::cli
