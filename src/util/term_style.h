#pragma once
// Colour, on a terminal only. cx colours the words a reader scans for
// (`cx: error:`, `cx: warning:`, doctor's ✓ and ✗) when the stream is a
// terminal, TERM is set and not "dumb", and NO_COLOR is unset or empty (the
// convention of no-color.org). In a pipe, a file or a log nothing changes:
// the bytes are the same as without this header.

#include <optional>
#include <string>
#include <string_view>

namespace cx::term {

// The decision, from its inputs.
bool colour_wanted(bool is_terminal, const std::optional<std::string>& no_color,
                   const std::optional<std::string>& term);

// Whether fd 1 (stdout) or fd 2 (stderr) gets colour; decided once per fd
// from this process's environment.
bool colour(int fd);

enum class Tint { kRed, kGreen, kYellow };

// `text` in bold `tint` when colour(fd), else `text` unchanged.
std::string paint(int fd, Tint tint, std::string_view text);

// "cx: error:" and "cx: warning:" for stderr, coloured when it is a terminal.
std::string error_prefix();
std::string warning_prefix();

}  // namespace cx::term
