#pragma once
// Shell completion scripts, written from the command table.

#include <string>
#include <string_view>

namespace cx::cli {

// The completion script for `shell` (bash, zsh or fish); empty for another.
std::string completion_script(std::string_view shell);

}  // namespace cx::cli
