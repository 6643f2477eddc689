#pragma once
// ISO-8601 timestamps as AWS writes them in credential JSON ("Expiration",
// "expiresAt"): 2024-05-01T12:00:00Z, with optional fractional seconds and a
// Z, UTC or numeric offset.

#include <optional>
#include <string>

#include "util/clock.h"

namespace cx::aws::sources {

// Parses `text`; nullopt when it is not a complete, valid timestamp with a zone.
std::optional<SystemTime> parse_iso8601(const std::string& text);

// Formats `t` as YYYY-MM-DDTHH:MM:SSZ (UTC, whole seconds, as STS writes it).
std::string format_iso8601(SystemTime t);

}  // namespace cx::aws::sources
