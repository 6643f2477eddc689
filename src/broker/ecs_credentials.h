#pragma once
// The ECS container-credentials protocol as the AWS SDKs speak it
// (AWS_CONTAINER_CREDENTIALS_FULL_URI + AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE):
// the one route, the token check and the JSON body.

#include <optional>
#include <string>
#include <string_view>

#include "aws/credentials.h"
#include "util/result.h"

namespace cx::broker {

// The only path the credential endpoint serves; any other is 404.
inline constexpr std::string_view kCredentialsPath = "/cx/credentials";

// Returns `{"AccessKeyId","SecretAccessKey","Token","Expiration"}` with an
// ISO-8601 `Z` expiry. The SDKs require all four, so credentials without a
// session token or an expiry are an Error.
Result<std::string> ecs_credentials_json(const aws::Credentials& creds);

// Compares the `Authorization` header value with the session token in
// constant time (CRYPTO_memcmp); a missing header never matches.
bool token_matches(const std::string* authorization, std::string_view token);

// Returns a new session token: 32 bytes from RAND_bytes as 64 hex characters.
Result<std::string> generate_token();

enum class CredentialRoute { serve, not_found, method_not_allowed, forbidden };

// Decides a request to the credential endpoint: GET or HEAD of exactly
// kCredentialsPath (no query) with the token, checked in this order (so an
// unknown path is 404 without looking at the token).
CredentialRoute route_credentials(std::string_view method, std::string_view path,
                                  const std::string* authorization, std::string_view token);

}  // namespace cx::broker
