#pragma once
// EnvLookup: how cx reads environment variables. It is injected everywhere
// (config, profiles, endpoints) so that tests, and callers that build a
// modified environment, never depend on or change the real one.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace cx {

// Returns the value of an environment variable, or nullopt when it is unset.
using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;

// Returns a lookup that reads this process's environment (getenv).
EnvLookup process_env();

// Returns a lookup that answers from `vars` only (tests, synthetic environments).
EnvLookup env_from_map(std::map<std::string, std::string, std::less<>> vars);

// Returns the variable's value, or nullopt when it is unset or empty (an empty
// AWS_REGION= means "not set" to every AWS tool a user would compare us with).
std::optional<std::string> env_value(const EnvLookup& env, std::string_view name);

}  // namespace cx
