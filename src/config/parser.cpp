#include "config/parser.h"

#include <cstdio>
#include <unordered_set>

#include "util/bounded_file.h"

namespace cx::config {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_char(char c) { return is_name_start(c) || is_digit(c); }
bool is_control(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u < 0x20 && c != '\t' && c != '\n') || u == 0x7f;
}

// Quotes a word of the file for a message, unless it is long enough to be a
// secret pasted on a line of its own (access keys are 40 characters).
std::string shown(std::string_view word, std::string_view before) {
  if (word.size() > 16) return {};
  return std::string(before) + "`" + std::string(word) + "`";
}

// A variable name in a message: names have no length limit, messages do.
std::string clipped(std::string_view name) {
  constexpr size_t kMax = 64;
  return name.size() <= kMax ? std::string(name) : std::string(name.substr(0, kMax)) + "...";
}

constexpr std::string_view kQuoteHint =
    "quote the value; single quotes keep everything literal, e.g. KEY='a;b'";

struct Position {
  int line;
  int column;
};

class Parser {
 public:
  Parser(std::string_view text, const std::string& path, const EnvLookup& env, ConfigFile& out)
      : text_(text), path_(path), env_(env), out_(out) {}

  Status run() {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") {
      i_ = 3;  // a byte order mark from an editor; columns count from after it
      line_start_ = 3;
    }
    if (auto s = check_bytes(); !s) return s;
    while (!at_end()) {
      if (auto s = statement(); !s) return s;
    }
    return Ok{};
  }

 private:
  bool at_end() const { return i_ >= text_.size(); }
  char cur() const { return text_[i_]; }
  bool next_is(char c) const { return i_ + 1 < text_.size() && text_[i_ + 1] == c; }
  Position pos() const { return {line_, static_cast<int>(i_ - line_start_) + 1}; }

  void advance() {
    if (text_[i_] == '\n') {
      ++line_;
      line_start_ = i_ + 1;
    }
    ++i_;
  }
  void skip_blanks() {
    while (!at_end() && is_blank(cur())) advance();
  }
  void skip_to_line_end() {
    while (!at_end() && cur() != '\n') advance();
  }

  Error error(Position p, const std::string& what, std::string_view hint = {}) const {
    return make_error(
        path_ + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) + ": " + what,
        std::string(hint));
  }

  // Control characters are refused before parsing, so that the grammar below
  // only ever sees printable text, blanks and newlines.
  Status check_bytes() {
    const size_t start = i_;
    for (; !at_end(); advance()) {
      if (cur() == '\r') {
        return error(pos(), "carriage return (the file has Windows line endings)",
                     "convert the file to Unix line endings, e.g. with dos2unix");
      }
      if (is_control(cur())) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned char>(cur()));
        return error(pos(), std::string("control character ") + hex + " in the file",
                     "remove it; write the value in quotes if it needs a tab");
      }
    }
    i_ = start;
    line_ = 1;
    line_start_ = start;
    return Ok{};
  }

  Status statement() {
    skip_blanks();
    if (at_end()) return Ok{};
    if (cur() == '\n') {
      advance();
      return Ok{};
    }
    if (cur() == '#') {
      skip_to_line_end();
      return Ok{};
    }
    const Position line_pos = pos();
    if (text_.substr(i_, 7) == "export " || text_.substr(i_, 7) == "export\t") {
      for (int k = 0; k < 6; ++k) advance();
      skip_blanks();
      if (at_end() || cur() == '\n' || cur() == '#') {
        return error(line_pos, "`export` without an assignment",
                     "write `export KEY=value` or just `KEY=value`");
      }
    }
    const Position key_pos = pos();
    const size_t key_start = i_;
    while (!at_end() && cur() != '=' && cur() != '\n' && !is_blank(cur())) advance();
    const std::string_view key = text_.substr(key_start, i_ - key_start);
    if (at_end() || cur() != '=') {
      return error(key_pos, "expected KEY=value" + shown(key, ", found "),
                   "every line must be a variable assignment; cx reads this file, it does not "
                   "run it");
    }
    if (auto s = check_key(key, key_pos); !s) return s;
    if (out_.assignments().size() >= kMaxAssignments) {
      return error(key_pos, "more than " + std::to_string(kMaxAssignments) + " assignments",
                   "a config file holds a few dozen KEY=value lines; check that ENV_FILE names "
                   "the right file");
    }
    advance();  // '='
    Assignment a;
    a.key = std::string(key);
    a.line = key_pos.line;
    a.column = key_pos.column;
    a.value_column = pos().column;
    auto value = parse_value(a.key);
    if (!value) return value.error();
    a.value = std::move(*value);
    // After the value: blanks, then the end of the line or a comment.
    if (!at_end() && is_blank(cur())) {
      skip_blanks();
      if (!at_end() && cur() != '\n' && cur() != '#') {
        return error(pos(),
                     "unquoted blank in the value of " + a.key +
                         " (a shell would run the rest of the line as a command)",
                     "quote the whole value, e.g. " + a.key + "=\"a b\"");
      }
      skip_to_line_end();
    }
    expanded_ += a.value.size();
    out_.add(std::move(a));
    return Ok{};
  }

  Status check_key(std::string_view key, Position key_pos) const {
    auto at = [&](size_t k) {
      return Position{key_pos.line, key_pos.column + static_cast<int>(k)};
    };
    if (key.empty()) return error(key_pos, "missing variable name before `=`");
    if (is_digit(key[0])) {
      return error(key_pos, "variable name" + shown(key, " ") + " starts with a digit",
                   "names are letters, digits and _, not starting with a digit");
    }
    for (size_t k = 0; k < key.size(); ++k) {
      if (is_name_char(key[k])) continue;
      if (key[k] == '+' && k + 1 == key.size()) {
        return error(at(k), "`+=` (append) is not supported", "write the whole value: KEY=value");
      }
      if (key[k] == '[') return error(at(k), "arrays are not supported");
      return error(
          at(k),
          "invalid character `" + std::string(1, key[k]) + "` in variable name" + shown(key, " "),
          "names are letters, digits and _, not starting with a digit");
    }
    return Ok{};
  }

  // Parses one value up to an unquoted blank, newline or the end of the text.
  Result<std::string> parse_value(const std::string& key) {
    std::string out;
    key_ = key;
    const size_t start = i_;
    const Position value_pos = pos();
    if (!at_end() && cur() == '~') {
      const Position tilde = pos();
      advance();
      if (at_end() || cur() == '/' || cur() == '\n' || is_blank(cur())) {
        const std::string home = lookup("HOME");
        if (home.empty()) {
          return error(tilde, "cannot expand `~`: HOME is not set", "write the full path");
        }
        if (auto s = append(out, home, tilde); !s) return s.error();
      } else {
        return error(tilde, "`~user` is not supported, only `~` and `~/` are",
                     "write the full path");
      }
    }
    while (!at_end()) {
      const char c = cur();
      if (c == '\n' || is_blank(c)) break;
      switch (c) {
        case '\'':
          if (auto s = single_quoted(out); !s) return s.error();
          break;
        case '"':
          if (auto s = double_quoted(out); !s) return s.error();
          break;
        case '\\': {
          const Position p = pos();
          advance();
          if (at_end()) {
            return error(p, "backslash at the end of the file",
                         "remove it or write \\\\ for a literal backslash");
          }
          if (cur() != '\n') out.push_back(cur());  // backslash-newline joins lines
          advance();
          break;
        }
        case '$':
          if (auto s = dollar(out, /*quoted=*/false); !s) return s.error();
          break;
        case '`':
          return error(pos(), "command substitution with backticks is not supported", kQuoteHint);
        case '(':
          if (i_ == start) {
            return error(pos(), "arrays are not supported (" + key + "=(...))",
                         "write a space-separated list in quotes: " + key + "=\"a b\"");
          }
          [[fallthrough]];
        case ';':
        case '|':
        case '&':
        case '<':
        case '>':
        case ')':
          return error(pos(), "unquoted `" + std::string(1, c) + "` is shell syntax", kQuoteHint);
        default:
          out.push_back(c);
          advance();
      }
    }
    // Expansions are checked as they happen; this catches a long literal.
    if (auto s = append(out, {}, value_pos); !s) return s.error();
    return out;
  }

  // Appends an expansion to the value being read, unless that takes the value
  // or the file past its limit (`p`: where, for the message).
  Status append(std::string& out, std::string_view more, Position p) const {
    const size_t value = out.size() + more.size();
    if (value > kMaxValueBytes) {
      return error(p, "the value of " + clipped(key_) + " is longer than " + size_text(kMaxValueBytes),
                   "values are at most " + size_text(kMaxValueBytes) +
                       "; check for a variable that expands to itself twice (A=$A$A)");
    }
    if (expanded_ + value > kMaxExpandedBytes) {
      return error(p,
                   "the values of the file are longer than " + size_text(kMaxExpandedBytes) +
                       " when expanded",
                   "check for variables that expand each other repeatedly (A=$A$A)");
    }
    out += more;
    return Ok{};
  }

  Status single_quoted(std::string& out) {
    const Position open = pos();
    advance();
    while (!at_end() && cur() != '\'') {
      out.push_back(cur());
      advance();
    }
    if (at_end()) {
      return error(open, "unterminated single quote",
                   "close it with '; a single quote cannot appear inside single quotes, write "
                   "'it'\\''s' or \"it's\"");
    }
    advance();
    return Ok{};
  }

  Status double_quoted(std::string& out) {
    const Position open = pos();
    advance();
    for (;;) {
      if (at_end()) return error(open, "unterminated double quote", "close it with \"");
      const char c = cur();
      if (c == '"') {
        advance();
        return Ok{};
      }
      if (c == '\\') {
        advance();
        if (at_end()) continue;  // reported as unterminated
        const char n = cur();
        if (n == '"' || n == '\\' || n == '$' || n == '`') {
          out.push_back(n);
        } else if (n != '\n') {
          out.push_back('\\');  // sh keeps other backslashes
          continue;             // and reads `n` normally
        }
        advance();
        continue;
      }
      if (c == '$') {
        if (auto s = dollar(out, /*quoted=*/true); !s) return s;
        continue;
      }
      if (c == '`') {
        return error(pos(), "command substitution with backticks is not supported",
                     "write \\` for a literal backtick, or use single quotes");
      }
      out.push_back(c);
      advance();
    }
  }

  // At a `$`: appends the expansion, or the literal `$` where sh keeps one.
  Status dollar(std::string& out, bool quoted) {
    const Position p = pos();
    advance();
    if (at_end()) {
      out.push_back('$');
      return Ok{};
    }
    const char c = cur();
    if (c == '{') return braced(out, p);
    if (is_name_start(c)) {
      const size_t s = i_;
      while (!at_end() && is_name_char(cur())) advance();
      return append(out, lookup(text_.substr(s, i_ - s)), p);
    }
    if (c == '(') return error(p, "command substitution `$(...)` is not supported", kQuoteHint);
    if (is_digit(c) || std::string_view("@*#?$!-").find(c) != std::string_view::npos) {
      return error(p, "special parameter `$" + std::string(1, c) + "` is not supported",
                   "write a literal $ in single quotes, e.g. KEY='pa$$word'");
    }
    if (!quoted && (c == '\'' || c == '"')) {
      return error(p, std::string("`$") + c + "...` quoting is not supported",
                   "use plain '...' or \"...\" quotes");
    }
    out.push_back('$');
    return Ok{};
  }

  Status braced(std::string& out, Position dollar_pos) {
    advance();  // '{'
    if (at_end() || cur() == '\n') return error(dollar_pos, "`${` without a closing `}`");
    if (cur() == '#' || cur() == '!') {
      return error(pos(), std::string("`${") + cur() + "...}` is not supported",
                   "only ${NAME} and $NAME are expanded");
    }
    if (!is_name_start(cur())) {
      return error(pos(), "invalid variable name in `${...}`",
                   "only ${NAME} and $NAME are expanded");
    }
    const size_t s = i_;
    while (!at_end() && is_name_char(cur())) advance();
    const std::string_view name = text_.substr(s, i_ - s);
    if (at_end() || cur() == '\n') return error(dollar_pos, "`${` without a closing `}`");
    if (cur() == '}') {
      advance();
      return append(out, lookup(name), dollar_pos);
    }
    if (std::string_view(":-=?+#%/^,@[").find(cur()) != std::string_view::npos) {
      return error(pos(), "the `${" + clipped(name) + cur() + "...}` operator is not supported",
                   "only ${NAME} and $NAME are expanded; write the value itself");
    }
    return error(pos(), "expected `}` to close `${" + clipped(name) + "`");
  }

  // Earlier keys of the file win over the environment, as in a sourced file.
  std::string lookup(std::string_view name) const {
    if (const Assignment* a = out_.find(name)) return a->value;
    if (auto v = env_(name)) return *v;
    return {};
  }

  std::string_view text_;
  const std::string& path_;
  const EnvLookup& env_;
  ConfigFile& out_;
  size_t i_ = 0;
  size_t line_start_ = 0;
  int line_ = 1;
  std::string key_;      // the key whose value is being read, for messages
  size_t expanded_ = 0;  // bytes of the values read so far
};

}  // namespace

void ConfigFile::add(Assignment a) {
  last_.insert_or_assign(a.key, assignments_.size());
  assignments_.push_back(std::move(a));
}

const Assignment* ConfigFile::find(std::string_view key) const {
  auto it = last_.find(key);
  return it == last_.end() ? nullptr : &assignments_[it->second];
}

std::vector<Assignment> ConfigFile::effective() const {
  std::vector<Assignment> out;
  std::unordered_set<std::string_view> seen;
  for (const Assignment& a : assignments_) {
    if (seen.insert(a.key).second) out.push_back(*find(a.key));
  }
  return out;
}

std::string ConfigFile::where(const Assignment& a, bool at_key) const {
  return path + ":" + std::to_string(a.line) + ":" +
         std::to_string(at_key ? a.column : a.value_column);
}

Result<ConfigFile> parse_config(std::string_view text, const std::string& path,
                                const EnvLookup& env) {
  ConfigFile file;
  file.path = path;
  Parser parser(text, path, env, file);
  if (auto s = parser.run(); !s) return s.error();
  return file;
}

}  // namespace cx::config
