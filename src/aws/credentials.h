#pragma once
// Credentials: an AWS access key, with the session token and expiry of
// temporary credentials.

#include <optional>
#include <string>

#include "util/clock.h"

namespace cx::aws {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;          // empty for long-term keys
  std::optional<SystemTime> expiration;  // unset for long-term keys

  bool temporary() const { return !session_token.empty(); }
};

}  // namespace cx::aws
