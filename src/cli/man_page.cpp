#include "cli/man_page.h"

#include "cli/command_table.h"

namespace cx::cli {
namespace {

// Text for a troff line: backslashes escaped, hyphens as \- (so a flag can be
// searched for and copied), a leading . or ' made inert.
std::string roff(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\')
      out += "\\e";
    else if (c == '-')
      out += "\\-";
    else
      out += c;
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out.insert(0, "\\&");
  return out;
}

std::string flag_term(const FlagSpec& f) {
  std::string t;
  if (!f.alias.empty()) t += "\\fB" + roff(f.alias) + "\\fR, ";
  t += "\\fB" + roff(f.name) + "\\fR";
  if (f.takes_value()) t += " \\fI" + roff(f.metavar) + "\\fR";
  return t;
}

}  // namespace

std::string man_page(std::string_view version) {
  // Left-aligned, unhyphenated: long synopses and flags read better ragged.
  std::string m = ".TH CX 1 \"\" \"cx " + roff(version) + "\" \"User Commands\"\n.ad l\n.nh\n";
  m += ".SH NAME\ncx \\- run Claude Code in an ephemeral container with one IAM role's "
       "credentials\n";
  m += ".SH SYNOPSIS\n";
  m += ".B cx\n[\\fICLAUDE\\-ARGS\\fR...]\n";
  for (const CommandSpec& c : command_table()) m += ".br\n" + roff(synopsis(c)) + "\n";
  m += ".SH DESCRIPTION\n";
  m += roff(
           "cx runs the Claude Code CLI inside an ephemeral container, so that the agent sees "
           "only the current project (mounted at /src), only the environment variables chosen "
           "for it, only the network hosts allowed for it and only the AWS permissions of one "
           "IAM role, and bills inference to the user's AWS account through Amazon Bedrock.") +
       "\n";
  m += ".SH COMMANDS\n";
  for (const CommandSpec& c : command_table()) {
    m += ".SS " + roff(c.name) + "\n.B " + roff(synopsis(c)) + "\n.PP\n" + roff(c.description) +
         "\n";
    for (const FlagSpec& f : c.flags) m += ".TP\n" + flag_term(f) + "\n" + roff(f.help) + "\n";
    if (!c.examples.empty()) {
      m += ".PP\n" + std::string(c.examples.size() == 1 ? "Example:" : "Examples:") +
           "\n.RS\n.nf\n";
      for (std::string_view e : c.examples) m += roff(e) + "\n";
      m += ".fi\n.RE\n";
    }
  }
  for (const HelpSection& s : help_sections())
    m += ".SH " + roff(s.title) + "\n" + roff(s.body) + "\n";
  m += ".SH SEE ALSO\n\\fBdocker\\fR(1), \\fBpodman\\fR(1), \\fBaws\\fR(1), "
       "\\fBclaude\\fR \\-\\-help\n";
  return m;
}

}  // namespace cx::cli
