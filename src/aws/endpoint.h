#pragma once
// Where STS calls go: the regional endpoint by default, the global one when
// AWS_STS_REGIONAL_ENDPOINTS=legacy asks for it (as the AWS CLI does), or a
// user's AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "util/env.h"
#include "util/result.h"

namespace cx::aws {

struct StsEndpoint {
  std::string url;             // e.g. https://sts.eu-west-1.amazonaws.com
  std::string signing_region;  // us-east-1 for the global endpoint
  bool custom = false;         // set by AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL
};

// Resolves the STS endpoint for `region` (empty = the global endpoint).
// An override that is not an http(s) URL, a malformed region or an unknown
// AWS_STS_REGIONAL_ENDPOINTS value is an Error.
Result<StsEndpoint> resolve_sts_endpoint(std::string_view region, const EnvLookup& env);

}  // namespace cx::aws
