#pragma once
// The keys of ~/.claude-exec and what cx does with each: consume it on the
// host, forward it into the container, or refuse it.

#include <span>
#include <string>
#include <string_view>

namespace cx::config {

enum class KeyClass {
  kConsumed,   // read by cx, stays on the host (RUNTIME, ..., every known CX_*)
  kForwarded,  // passed into the container as an environment variable
  kSecret,     // long-term AWS keys: never in this file
  kReserved,   // set by cx in the container (HOME, credential endpoint, proxies)
  kUnknownCx,  // a CX_* key (any case) cx does not know: almost certainly a typo
};

// Returns what cx does with `key` (a valid variable name).
KeyClass classify_key(std::string_view key);

// Returns every CX_* key cx knows, in the order of docs/contract.md §Keys.
std::span<const std::string_view> known_cx_keys();

// Returns the known CX_* key nearest to `key` by edit distance, ignoring case
// (the first in that order on ties).
std::string_view nearest_cx_key(std::string_view key);

// Returns the edit distance between `a` and `b`: insertions, deletions,
// substitutions and swaps of two neighbours ("biuld" is one from "build").
size_t edit_distance(std::string_view a, std::string_view b);

// Returns the sentence explaining why the file may not set `key` (kSecret or
// kReserved) and the hint telling the user what to do instead.
std::pair<std::string, std::string> refusal_reason(std::string_view key);

// Returns true when `name` is a valid environment variable name ([A-Za-z_][A-Za-z0-9_]*).
bool is_env_name(std::string_view name);

}  // namespace cx::config
