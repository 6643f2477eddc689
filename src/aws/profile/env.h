#pragma once
// EnvLookup: how profile code reads environment variables, injected so that
// tests never depend on (or change) the real process environment.

#include <functional>
#include <optional>
#include <string>

namespace cx::aws::profile {

using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// Returns a lookup backed by the real process environment (getenv).
EnvLookup process_environment();

// Returns the variable's value, or nullopt when it is unset or empty (an empty
// AWS_REGION= means "not set" to every AWS tool a user would compare us with).
std::optional<std::string> env_value(const EnvLookup& env, const std::string& name);

}  // namespace cx::aws::profile
