#include "cli/args.h"

#include <algorithm>

#include "cli/command_table.h"

namespace cx::cli {
namespace {

bool starts_with(const std::string& s, std::string_view p) { return s.rfind(p, 0) == 0; }

const FlagSpec* find_flag(const CommandSpec& c, const std::string& word, std::string& inline_value,
                          bool& has_inline) {
  has_inline = false;
  for (const FlagSpec& f : c.flags) {
    if (word == f.name || (!f.alias.empty() && word == f.alias)) return &f;
    if (word.size() > f.name.size() && starts_with(word, f.name) && word[f.name.size()] == '=') {
      inline_value = word.substr(f.name.size() + 1);
      has_inline = true;
      return &f;
    }
  }
  return nullptr;
}

std::string joined(const std::vector<std::string_view>& values) {
  std::string list;
  for (std::string_view v : values) list += (list.empty() ? "" : ", ") + std::string(v);
  return list;
}

// Applies flag `f` at args[i] (its value inline or in args[i+1]); advances i.
Status take_flag(const FlagSpec& f, const std::vector<std::string>& args, size_t& i,
                 const std::string& inline_value, bool has_inline, Invocation& inv) {
  std::string value;
  if (f.takes_value()) {
    if (has_inline) {
      value = inline_value;
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return make_error(std::string(f.name) + " needs a value");
    }
    if (f.strict &&
        std::find(f.values.begin(), f.values.end(), std::string_view(value)) == f.values.end())
      return make_error(std::string(f.name) + " must be one of " + joined(f.values) + ", not \"" +
                        value + "\"");
  } else if (has_inline) {
    return make_error(std::string(f.name) + " takes no value");
  }
  return f.apply(inv, value);
}

Error unexpected(const CommandSpec& c, const std::string& word) {
  const std::string cmd = "cx " + std::string(c.name);
  if (c.flags.empty() && c.operand.kind == OperandKind::None)
    return make_error(cmd + " takes no arguments", "usage: " + synopsis(c));
  if (starts_with(word, "-"))
    return make_error(cmd + ": unknown option \"" + word + "\"", "usage: " + synopsis(c));
  if (c.operand.kind == OperandKind::None)
    return make_error(cmd + " takes no operand, not \"" + word + "\"", "usage: " + synopsis(c));
  return make_error(cmd + " takes at most one " + std::string(c.operand.noun),
                    "usage: " + synopsis(c));
}

Status take_operand(const CommandSpec& c, const std::string& word, Invocation& inv) {
  const OperandSpec& o = c.operand;
  if (o.completion == OperandCompletion::Values &&
      std::find(o.values.begin(), o.values.end(), std::string_view(word)) == o.values.end())
    return make_error("cx " + std::string(c.name) + ": " + std::string(o.noun) + " must be one of " +
                          joined(o.values) + ", not \"" + word + "\"",
                      "usage: " + synopsis(c));
  return o.apply(inv, word);
}

// Parses what follows the command word by its row of the table.
Status parse_command(const CommandSpec& c, const std::vector<std::string>& args, size_t i,
                     Invocation& inv) {
  bool have_operand = false;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    const bool pass_rest = c.operand.kind == OperandKind::PassRest;
    if (pass_rest && a == "--") {
      inv.rest.assign(args.begin() + static_cast<long>(i) + 1, args.end());
      return Ok{};
    }
    // `cx COMMAND --help`: that command's help (after `--` it is claude's).
    if (a == "--help" || a == "-h") {
      inv = Invocation{};
      inv.command = Command::Help;
      inv.topic = c.name;
      return Ok{};
    }
    std::string inline_value;
    bool has_inline = false;
    if (const FlagSpec* f = find_flag(c, a, inline_value, has_inline)) {
      if (auto s = take_flag(*f, args, i, inline_value, has_inline, inv); !s) return s;
      continue;
    }
    if (pass_rest) {
      inv.rest.assign(args.begin() + static_cast<long>(i), args.end());
      return Ok{};
    }
    if (starts_with(a, "-") || c.operand.kind == OperandKind::None || have_operand)
      return unexpected(c, a);
    if (auto s = take_operand(c, a, inv); !s) return s;
    have_operand = true;
  }
  if (c.operand.kind == OperandKind::Required && !have_operand)
    return make_error("cx " + std::string(c.name) + " needs a " + std::string(c.operand.noun) +
                          ": " + std::string(c.operand.metavar),
                      "usage: " + synopsis(c));
  return Ok{};
}

}  // namespace

Result<Invocation> parse_args(const std::vector<std::string>& args) {
  Invocation inv;
  if (args.empty()) return inv;
  const CommandSpec* c = find_command(args[0]);
  if (!c) {
    if (std::string_view guess = typo_of_command(args[0]); !guess.empty())
      return make_error("unknown command \"" + args[0] + "\" (did you mean " +
                            std::string(guess) + "?)",
                        "to pass \"" + args[0] + "\" to claude as it is: cx -- " + args[0]);
    // `cx --continue`, `cx -p "..."`, `cx -- --help`: everything goes to claude.
    size_t from = args[0] == "--" ? 1 : 0;
    inv.rest.assign(args.begin() + static_cast<long>(from), args.end());
    return inv;
  }
  inv.command = c->command;
  if (auto s = parse_command(*c, args, 1, inv); !s) return s.error();
  return inv;
}

}  // namespace cx::cli
