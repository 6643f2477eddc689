#pragma once
// The ~/.claude-exec parser. The file looks like shell variable assignments
// and the original cx sourced it; this parser reads it as data and refuses
// everything a shell would execute, so a config file can never run code.
//
// Accepted (docs/contract.md §File and syntax):
//   KEY=value            one assignment per line; `export ` prefix allowed
//   # comment            a whole line, or after a blank outside quotes
//   bare, 'single', "double" segments, concatenated as in sh (a"b c"'d')
//   "..." escapes        \" \\ \$ \` and backslash-newline (joins lines);
//                        any other backslash stays literal, as in sh
//   unquoted \c          the character c itself; backslash-newline joins lines
//   $VAR ${VAR}          outside single quotes, from earlier keys of the file,
//                        then from the environment; unset expands to ""
//   ~ ~/...              at the start of a value, unquoted: $HOME
//   a lone $             before a blank, the end, or another non-name
//                        character, is literal (as in sh)
// Refused with FILE:LINE:COL (1-based, columns count bytes): $( and
// backticks, unquoted ; | & < > ( ), arrays, `+=`, a line that is not an
// assignment, invalid names, unterminated quotes, unquoted blanks inside a
// value, ${ without }, ${VAR:-x} and other operators, special parameters
// ($1 $@ $$ ...), $'...' and $"...", ~user, carriage returns and other
// control characters. A leading UTF-8 byte order mark is skipped.
//
// Limits, so that a hostile file cannot make cx slow or huge: at most
// kMaxAssignments lines that assign, each value at most kMaxValueBytes after
// expansion, all values together at most kMaxExpandedBytes (`A=$A$A` on
// every line doubles A). Going past one is an error at the place it happens.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "util/env.h"
#include "util/result.h"

namespace cx::config {

inline constexpr std::size_t kMaxAssignments = 10000;
inline constexpr std::size_t kMaxValueBytes = 64 * 1024;
inline constexpr std::size_t kMaxExpandedBytes = 4 * 1024 * 1024;

// One `KEY=value` of the file, the value fully unquoted and expanded.
struct Assignment {
  std::string key;
  std::string value;
  int line = 0;          // 1-based line of the key
  int column = 0;        // 1-based byte column of the key
  int value_column = 0;  // 1-based byte column just after `=`
};

// Every assignment of one config file, in file order (a key may repeat).
class ConfigFile {
 public:
  std::string path;

  const std::vector<Assignment>& assignments() const { return assignments_; }

  // Appends `a`; it wins over earlier assignments of its key.
  void add(Assignment a);

  // Returns the last assignment of `key` (the one that wins), or nullptr.
  const Assignment* find(std::string_view key) const;

  // Returns one assignment per key, the last of each, in the order in which
  // the keys first appear.
  std::vector<Assignment> effective() const;

  // Returns "PATH:LINE:COL" for the value of `a` (or its key).
  std::string where(const Assignment& a, bool at_key = false) const;

 private:
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const {
      return std::hash<std::string_view>{}(key);
    }
  };
  std::vector<Assignment> assignments_;
  // Key -> index of its last assignment: lookups stay O(1) in big files.
  std::unordered_map<std::string, std::size_t, KeyHash, std::equal_to<>> last_;
};

// Parses config `text` read from `path` (used in messages); `env` resolves
// $VAR and ~ that earlier keys of the file do not define.
Result<ConfigFile> parse_config(std::string_view text, const std::string& path,
                                const EnvLookup& env);

}  // namespace cx::config
