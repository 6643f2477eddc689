#pragma once
// RoleSessionName: what CloudTrail shows for cx's sessions. STS accepts
// 2..64 characters of [A-Za-z0-9_+=,.@-].

#include <string>
#include <string_view>

#include "util/result.h"

namespace cx::aws {

inline constexpr std::size_t kMaxSessionNameLength = 64;

// Returns `cx-USER-PROJECT` made acceptable to STS (see sanitize_session_name).
std::string default_session_name(std::string_view user, std::string_view project);

// Replaces each character STS refuses with '-', pads a too-short name, and
// cuts a too-long one to 64, ending in a hash of the whole so that two long
// names with the same beginning stay apart.
std::string sanitize_session_name(std::string_view raw);

// Checks a user-given CX_ROLE_SESSION_NAME against STS's rules.
Status validate_session_name(std::string_view name);

}  // namespace cx::aws
