#pragma once
// Shell-style word splitting without expansion, for option strings such as
// CLAUDE_OPTIONS that a user writes as they would on a command line.

#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace cx {

// Splits `text` into words like a POSIX shell reads a command line: blanks and
// newlines separate words, 'single quotes' are literal, "double quotes" honour
// \" \\ \$ \` and backslash-newline, an unquoted backslash escapes the next
// character. Nothing is expanded: $, ~, globs and # are ordinary characters.
Result<std::vector<std::string>> split_shell_words(std::string_view text);

// Returns `word` quoted so that split_shell_words and sh read it back as
// exactly that one word (unchanged when it needs no quoting).
std::string quote_shell_word(std::string_view word);

}  // namespace cx
