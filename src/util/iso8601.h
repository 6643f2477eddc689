#pragma once
// ISO-8601 / RFC 3339 timestamps in UTC, the form AWS uses for expiry times
// (`2024-05-01T12:34:56Z`, `2024-05-01T12:34:56.789Z`, `+00:00` offsets).

#include <optional>
#include <string>
#include <string_view>

#include "util/clock.h"

namespace cx {

// Parses `YYYY-MM-DDTHH:MM:SS[.fff](Z|UTC|±HH:MM|±HHMM)`; nullopt when malformed.
std::optional<SystemTime> parse_iso8601(std::string_view text);

// Formats `t` as `YYYY-MM-DDTHH:MM:SSZ` (whole seconds, UTC).
std::string format_iso8601(SystemTime t);

// Formats `t` in the basic form `YYYYMMDDTHHMMSSZ` (SigV4's X-Amz-Date).
std::string format_iso8601_basic(SystemTime t);

}  // namespace cx
