#pragma once
// What every fuzz target checks besides "no crash, no sanitizer report": a
// failed property aborts with a line saying which one, so the crash report
// names it.

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "util/result.h"

namespace cx::fuzz {

[[noreturn]] inline void fail(const char* property) {
  std::fprintf(stderr, "fuzz property failed: %s\n", property);
  std::abort();
}

inline void require(bool ok, const char* property) {
  if (!ok) fail(property);
}

// An error is printed as one `cx: error:` line (and one hint line): no line
// break, no control character that could drive the terminal, bounded length.
inline void require_one_line(const Error& e, std::size_t max = 2048) {
  for (std::string_view text : {std::string_view(e.message), std::string_view(e.hint)}) {
    require(text.size() <= max, "error text is bounded");
    for (unsigned char c : text) {
      require((c >= 0x20 || c == '\t') && c != 0x7f, "error text is one printable line");
    }
  }
}

// Returns `value` as one single-quoted word of the config file ('\'' for ').
inline std::string single_quoted(std::string_view value) {
  std::string out = "'";
  for (char c : value) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace cx::fuzz
