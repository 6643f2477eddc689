// `cx completion bash|zsh|fish`: completion scripts written from the command
// table, so they offer exactly the commands, flags and values the parser
// takes.
#include "cli/completion.h"

#include <cstdio>

#include "cli/command_table.h"
#include "cli/commands.h"

namespace cx::cli {
namespace {

std::string words(const std::vector<std::string_view>& list) {
  std::string s;
  for (std::string_view w : list) s += (s.empty() ? "" : " ") + std::string(w);
  return s;
}

std::string command_names() {
  std::vector<std::string_view> names;
  for (const CommandSpec& c : command_table()) names.push_back(c.name);
  return words(names);
}

// The text inside '...' for a POSIX-like shell: ' becomes '\''.
std::string single_quoted(std::string_view s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string flag_words(const CommandSpec& c) {
  std::vector<std::string_view> all;
  for (const FlagSpec& f : c.flags) {
    all.push_back(f.name);
    if (!f.alias.empty()) all.push_back(f.alias);
  }
  all.push_back("--help");
  return words(all);
}

std::string bash_script() {
  std::string s =
      "# bash completion for cx; written by `cx completion bash`\n"
      "_cx() {\n"
      "  local cur=${COMP_WORDS[COMP_CWORD]} prev= pre= i w\n"
      "  prev=${COMP_WORDS[COMP_CWORD-1]}\n"
      "  # --flag=value: with '=' in COMP_WORDBREAKS (the default) it arrives as three\n"
      "  # words, without it as one.\n"
      "  if [[ $cur == = ]]; then\n"
      "    cur=\n"
      "  elif [[ $prev == = && $COMP_CWORD -ge 3 ]]; then\n"
      "    prev=${COMP_WORDS[COMP_CWORD-2]}\n"
      "  elif [[ $cur == --*=* ]]; then\n"
      "    prev=${cur%%=*} pre=${cur%%=*}= cur=${cur#*=}\n"
      "  fi\n"
      "  COMPREPLY=()\n"
      "  if [[ $COMP_CWORD -eq 1 ]]; then\n"
      "    COMPREPLY=($(compgen -W '" +
      command_names() +
      " --help -h --version' -- \"$cur\"))\n"
      "    return\n"
      "  fi\n"
      "  local cmd=${COMP_WORDS[1]} flags= valued= values= rest=0 operand=\n"
      "  case $cmd in\n";
  for (const CommandSpec& c : command_table()) {
    std::vector<std::string_view> with_value;
    for (const FlagSpec& f : c.flags)
      if (f.takes_value()) with_value.push_back(f.name);
    s += "    " + std::string(c.name) + ")\n";
    s += "      flags='" + flag_words(c) + "' valued='" + words(with_value) + "'\n";
    if (c.operand.kind == OperandKind::PassRest) s += "      rest=1\n";
    switch (c.operand.completion) {
      case OperandCompletion::Directories:
        s += "      operand=dirs\n";
        break;
      case OperandCompletion::Commands:
        s += "      operand='words:" + command_names() + "'\n";
        break;
      case OperandCompletion::Values:
        s += "      operand='words:" + words(c.operand.values) + "'\n";
        break;
      case OperandCompletion::Files:
        s += "      operand=files\n";
        break;
      case OperandCompletion::Nothing:
        break;
    }
    s += "      case $prev in\n";
    for (const FlagSpec& f : c.flags)
      if (f.takes_value())
        s += "        " + std::string(f.name) + ") values='" + words(f.values) + "' ;;\n";
    s += "      esac\n      ;;\n";
  }
  s +=
      "    *) return ;;\n"
      "  esac\n"
      "  # The word after a flag that takes a value is that value.\n"
      "  if [[ -n $prev && \" $valued \" == *\" $prev \"* && ( -n $pre || $cur != -* ) ]]; then\n"
      "    COMPREPLY=($(compgen -P \"$pre\" -W \"$values\" -- \"$cur\"))\n"
      "    return\n"
      "  fi\n"
      "  # run and shell: cx's flags end at -- or the first other word.\n"
      "  if [[ $rest = 1 ]]; then\n"
      "    for ((i = 2; i < COMP_CWORD; i++)); do\n"
      "      w=${COMP_WORDS[i]}\n"
      "      if [[ $w == -- || ( $w != -* && $w != = && \" $valued \" != *\" ${COMP_WORDS[i-1]} \"* ) ]]; then\n"
      "        COMPREPLY=($(compgen -f -- \"$cur\"))\n"
      "        return\n"
      "      fi\n"
      "    done\n"
      "  fi\n"
      "  if [[ $cur == -* ]]; then\n"
      "    COMPREPLY=($(compgen -W \"$flags\" -- \"$cur\"))\n"
      "  elif [[ $operand == dirs ]]; then\n"
      "    COMPREPLY=($(compgen -d -- \"$cur\"))\n"
      "  elif [[ $operand == files ]]; then\n"
      "    COMPREPLY=($(compgen -f -- \"$cur\"))\n"
      "  elif [[ $operand == words:* ]]; then\n"
      "    COMPREPLY=($(compgen -W \"${operand#words:}\" -- \"$cur\"))\n"
      "  fi\n"
      "}\n"
      "complete -F _cx cx\n";
  return s;
}

// A description inside zsh's _arguments brackets or _describe's name:desc.
std::string zsh_text(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '[' || c == ']' || c == ':' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string zsh_script() {
  std::string s =
      "#compdef cx\n"
      "# zsh completion for cx; written by `cx completion zsh`\n"
      "_cx() {\n"
      "  local -a cmds\n"
      "  cmds=(\n";
  for (const CommandSpec& c : command_table())
    s += "    " + single_quoted(std::string(c.name) + ":" + zsh_text(c.summary)) + "\n";
  s +=
      "  )\n"
      "  if (( CURRENT == 2 )); then\n"
      "    if [[ $PREFIX == -* ]]; then\n"
      "      compadd -- --help -h --version\n"
      "    else\n"
      "      _describe -t commands 'cx command' cmds\n"
      "    fi\n"
      "    return\n"
      "  fi\n"
      "  local cmd=$words[2]\n"
      "  shift words\n"
      "  (( CURRENT-- ))\n"
      "  case $cmd in\n";
  for (const CommandSpec& c : command_table()) {
    s += "    " + std::string(c.name) + ")\n      _arguments -S";
    for (const FlagSpec& f : c.flags) {
      std::string spec;
      const std::string desc = "[" + zsh_text(f.help) + "]";
      std::string value;
      if (f.takes_value())
        value = ":" + zsh_text(f.metavar) + ":" +
                (f.values.empty() ? std::string(" ") : "(" + words(f.values) + ")");
      const std::string name = std::string(f.name) + (f.takes_value() ? "=" : "");
      if (f.alias.empty())
        spec = single_quoted(name + desc + value);
      else
        spec = single_quoted("(" + std::string(f.alias) + " " + std::string(f.name) + ")") + "{" +
               std::string(f.alias) + "," + name + "}" + single_quoted(desc + value);
      s += " \\\n        " + spec;
    }
    s += " \\\n        '(- *)'{-h,--help}'[this command'\\''s help]'";
    switch (c.operand.completion) {
      case OperandCompletion::Directories:
        s += " \\\n        ':directory:_directories'";
        break;
      case OperandCompletion::Commands:
        s += " \\\n        ':command:(" + command_names() + ")'";
        break;
      case OperandCompletion::Values:
        s += " \\\n        ':" + std::string(c.operand.noun) + ":(" + words(c.operand.values) +
             ")'";
        break;
      case OperandCompletion::Files:
        s += " \\\n        '*:: :_files'";
        break;
      case OperandCompletion::Nothing:
        break;
    }
    s += "\n      ;;\n";
  }
  s +=
      "  esac\n"
      "}\n"
      "# Autoloaded from $fpath (a package's _cx) the file is _cx's body; sourced, it\n"
      "# registers itself.\n"
      "if [[ $funcstack[1] == _cx ]]; then\n"
      "  _cx \"$@\"\n"
      "else\n"
      "  compdef _cx cx\n"
      "fi\n";
  return s;
}

// A fish string: '...' with \ and ' escaped.
std::string fish_quoted(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string fish_script() {
  std::string s =
      "# fish completion for cx; written by `cx completion fish`\n"
      "complete -c cx -f\n"
      "complete -c cx -n __fish_use_subcommand -s h -l help -d " +
      fish_quoted("cx's help") +
      "\n"
      "complete -c cx -n __fish_use_subcommand -l version -d " +
      fish_quoted("cx's version") + "\n";
  for (const CommandSpec& c : command_table())
    s += "complete -c cx -n __fish_use_subcommand -a " + std::string(c.name) + " -d " +
         fish_quoted(c.summary) + "\n";
  for (const CommandSpec& c : command_table()) {
    const std::string when = " -n '__fish_seen_subcommand_from " + std::string(c.name) + "'";
    for (const FlagSpec& f : c.flags) {
      s += "complete -c cx" + when;
      if (!f.alias.empty()) s += " -s " + std::string(f.alias.substr(1));
      s += " -l " + std::string(f.name.substr(2));
      if (f.takes_value()) s += " -x";
      if (!f.values.empty()) s += " -a " + fish_quoted(words(f.values));
      s += " -d " + fish_quoted(f.help) + "\n";
    }
    s += "complete -c cx" + when + " -s h -l help -d " + fish_quoted("this command's help") + "\n";
    switch (c.operand.completion) {
      case OperandCompletion::Directories:
        s += "complete -c cx" + when + " -x -a '(__fish_complete_directories)'\n";
        break;
      case OperandCompletion::Commands:
        s += "complete -c cx" + when + " -x -a " + fish_quoted(command_names()) + "\n";
        break;
      case OperandCompletion::Values:
        s += "complete -c cx" + when + " -x -a " + fish_quoted(words(c.operand.values)) + "\n";
        break;
      case OperandCompletion::Files:
        s += "complete -c cx" + when + " -F\n";
        break;
      case OperandCompletion::Nothing:
        break;
    }
  }
  return s;
}

}  // namespace

std::string completion_script(std::string_view shell) {
  if (shell == "bash") return bash_script();
  if (shell == "zsh") return zsh_script();
  if (shell == "fish") return fish_script();
  return {};
}

int cmd_completion(const Invocation& inv) {
  std::fputs(completion_script(inv.shell).c_str(), stdout);
  return 0;
}

}  // namespace cx::cli
