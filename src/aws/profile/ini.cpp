#include "aws/profile/ini.h"

#include <cctype>
#include <optional>

namespace cx::aws::profile {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_comment_char(char c) { return c == '#' || c == ';'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

// Cuts a trailing comment. On header lines any `#`/`;` starts one; in property
// values only one preceded by whitespace does, so `value;x` keeps its `;x`.
std::string_view strip_comment(std::string_view s, bool needs_whitespace) {
  bool prev_blank = false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (is_comment_char(s[i]) && (prev_blank || !needs_whitespace)) return trim(s.substr(0, i));
    prev_blank = is_blank(s[i]);
  }
  return trim(s);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

class Parser {
 public:
  explicit Parser(std::string_view file_name) : file_name_(file_name) {}

  Result<IniFile> run(std::string_view text) {
    for (size_t pos = 0; pos <= text.size();) {
      size_t nl = text.find('\n', pos);
      if (nl == std::string_view::npos) nl = text.size();
      std::string_view line = text.substr(pos, nl - pos);
      pos = nl + 1;
      ++line_no_;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (auto err = parse_line(line)) return *err;
    }
    return std::move(file_);
  }

 private:
  std::optional<Error> parse_line(std::string_view line) {
    std::string_view trimmed = trim(line);
    if (trimmed.empty() || is_comment_char(trimmed.front())) return std::nullopt;
    if (line.front() == '[') return header(trimmed);
    if (is_blank(line.front())) return continuation(trimmed);
    return property(trimmed);
  }

  std::optional<Error> header(std::string_view trimmed) {
    std::string_view s = strip_comment(trimmed, /*needs_whitespace=*/false);
    if (s.size() < 2 || s.back() != ']') return fail("Profile definition must end with ']'");
    file_.sections.push_back(
        IniSection{std::string(trim(s.substr(1, s.size() - 2))), line_no_, {}});
    in_property_ = false;
    return std::nullopt;
  }

  std::optional<Error> property(std::string_view trimmed) {
    if (file_.sections.empty()) return fail("Expected a profile definition, found a property");
    std::string_view s = strip_comment(trimmed, /*needs_whitespace=*/true);
    size_t eq = s.find('=');
    if (eq == std::string_view::npos) return fail("Expected an '=' sign defining a property");
    std::string key = lower(trim(s.substr(0, eq)));
    if (key.empty()) return fail("Property did not have a name");
    std::string_view value = trim(s.substr(eq + 1));
    file_.sections.back().properties.emplace_back(std::move(key), std::string(value));
    in_property_ = true;
    // `s3 =` with nothing after it opens a block of `key = value` sub-properties.
    sub_properties_ = value.empty();
    return std::nullopt;
  }

  std::optional<Error> continuation(std::string_view trimmed) {
    if (file_.sections.empty()) return fail("Expected a profile definition, found continuation");
    if (!in_property_) return fail("Expected a property definition, found continuation");
    if (sub_properties_) {
      size_t eq = trimmed.find('=');
      if (eq == std::string_view::npos) return fail("Expected an '=' sign defining a sub-property");
      if (trim(trimmed.substr(0, eq)).empty()) return fail("Sub-property did not have a name");
    }
    std::string& value = file_.sections.back().properties.back().second;
    value += '\n';
    value += trimmed;
    return std::nullopt;
  }

  Error fail(std::string_view what) const {
    return make_error(
        std::string(file_name_) + ", line " + std::to_string(line_no_) + ": " + std::string(what),
        "fix that line: the file holds [section] headers followed by `name = value` "
        "lines (see `aws help config-vars`)");
  }

  std::string_view file_name_;
  IniFile file_;
  int line_no_ = 0;
  bool in_property_ = false;
  bool sub_properties_ = false;
};

}  // namespace

Result<IniFile> parse_ini(std::string_view text, std::string_view file_name) {
  return Parser(file_name).run(text);
}

}  // namespace cx::aws::profile
