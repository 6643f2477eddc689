#include "util/shell_words.h"

#include <optional>

namespace cx {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n'; }

// Characters after which a backslash inside double quotes is an escape (POSIX).
bool escapable_in_double_quotes(char c) {
  return c == '"' || c == '\\' || c == '$' || c == '`' || c == '\n';
}

std::string position(size_t offset) { return "character " + std::to_string(offset + 1); }

}  // namespace

Result<std::vector<std::string>> split_shell_words(std::string_view text) {
  std::vector<std::string> words;
  std::optional<std::string> word;  // engaged once a word has started (even as '')
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (is_blank(c)) {
      if (word) words.push_back(std::move(*word));
      word.reset();
      ++i;
      continue;
    }
    if (c == '\\' && i + 1 < text.size() && text[i + 1] == '\n') {
      i += 2;  // backslash-newline joins lines and is not part of any word
      continue;
    }
    if (!word) word.emplace();
    if (c == '\'') {
      const size_t close = text.find('\'', i + 1);
      if (close == std::string_view::npos) {
        return make_error("unterminated single quote at " + position(i),
                          "close the quote or escape it as \\'");
      }
      word->append(text.substr(i + 1, close - i - 1));
      i = close + 1;
    } else if (c == '"') {
      const size_t open = i++;
      for (;;) {
        if (i >= text.size()) {
          return make_error("unterminated double quote at " + position(open),
                            "close the quote or escape it as \\\"");
        }
        const char d = text[i];
        if (d == '"') {
          ++i;
          break;
        }
        if (d == '\\' && i + 1 < text.size() && escapable_in_double_quotes(text[i + 1])) {
          if (text[i + 1] != '\n') word->push_back(text[i + 1]);
          i += 2;
          continue;
        }
        word->push_back(d);
        ++i;
      }
    } else if (c == '\\') {
      if (i + 1 >= text.size()) {
        return make_error("lone backslash at the end (" + position(i) + ")",
                          "write \\\\ for a literal backslash");
      }
      word->push_back(text[i + 1]);
      i += 2;
    } else {
      word->push_back(c);
      ++i;
    }
  }
  if (word) words.push_back(std::move(*word));
  return words;
}

std::string quote_shell_word(std::string_view word) {
  if (word.empty()) return "''";
  bool plain = true;
  for (char c : word) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      std::string_view("-_./=:,+@%").find(c) != std::string_view::npos;
    if (!safe) {
      plain = false;
      break;
    }
  }
  if (plain) return std::string(word);
  // Single quotes keep everything literal; a quote inside becomes '\''.
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  out += "'";
  return out;
}

}  // namespace cx
