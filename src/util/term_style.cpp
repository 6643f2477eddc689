#include "util/term_style.h"

#include <unistd.h>

#include "util/env.h"

namespace cx::term {

bool colour_wanted(bool is_terminal, const std::optional<std::string>& no_color,
                   const std::optional<std::string>& term) {
  if (!is_terminal) return false;
  if (no_color && !no_color->empty()) return false;
  return term && !term->empty() && *term != "dumb";
}

bool colour(int fd) {
  auto decide = [](int f) {
    const EnvLookup env = process_env();
    return colour_wanted(::isatty(f) == 1, env("NO_COLOR"), env("TERM"));
  };
  static const bool out = decide(STDOUT_FILENO);
  static const bool err = decide(STDERR_FILENO);
  if (fd == STDOUT_FILENO) return out;
  if (fd == STDERR_FILENO) return err;
  return false;
}

std::string paint(int fd, Tint tint, std::string_view text) {
  if (!colour(fd)) return std::string(text);
  const char* code = tint == Tint::kRed     ? "\033[1;31m"
                     : tint == Tint::kGreen ? "\033[1;32m"
                                            : "\033[1;33m";
  return std::string(code) + std::string(text) + "\033[0m";
}

std::string error_prefix() { return paint(STDERR_FILENO, Tint::kRed, "cx: error:"); }
std::string warning_prefix() { return paint(STDERR_FILENO, Tint::kYellow, "cx: warning:"); }

}  // namespace cx::term
