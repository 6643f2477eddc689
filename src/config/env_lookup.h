#pragma once
// EnvLookup: how config code reads environment variables. It is injected so
// that tests (and callers that build a modified environment) need no real
// process environment.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace cx::config {

// Returns the value of an environment variable, or nullopt when it is unset.
using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;

// Returns a lookup that reads this process's environment (getenv).
EnvLookup process_env();

// Returns a lookup that answers from `vars` only (tests, synthetic environments).
EnvLookup env_from_map(std::map<std::string, std::string, std::less<>> vars);

}  // namespace cx::config
