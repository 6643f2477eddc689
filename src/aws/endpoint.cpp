#include "aws/endpoint.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>

#include "util/url.h"

namespace cx::aws {

namespace {

constexpr std::string_view kGlobalUrl = "https://sts.amazonaws.com";
constexpr std::string_view kGlobalRegion = "us-east-1";

// The regions that botocore sends to the global endpoint under
// sts_regional_endpoints=legacy (botocore/args.py LEGACY_GLOBAL_STS_REGIONS);
// regions launched later never had a global alias.
constexpr std::array<std::string_view, 16> kLegacyGlobalRegions = {
    "ap-northeast-1", "ap-south-1",   "ap-southeast-1", "ap-southeast-2",
    "aws-global",     "ca-central-1", "eu-central-1",   "eu-north-1",
    "eu-west-1",      "eu-west-2",    "eu-west-3",      "sa-east-1",
    "us-east-1",      "us-east-2",    "us-west-1",      "us-west-2"};

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string dns_suffix(std::string_view region) {
  if (region.starts_with("cn-")) return "amazonaws.com.cn";
  if (region.starts_with("us-isob-")) return "sc2s.sgov.gov";
  if (region.starts_with("us-iso-")) return "c2s.ic.gov";
  return "amazonaws.com";
}

bool valid_region(std::string_view region) {
  return std::all_of(region.begin(), region.end(), [](unsigned char c) {
    return std::islower(c) || std::isdigit(c) || c == '-';
  });
}

std::optional<std::string> non_empty(const EnvLookup& env, const std::string& name) {
  auto v = env(name);
  if (v && v->find_first_not_of(" \t") == std::string::npos) return std::nullopt;
  return v;
}

}  // namespace

Result<StsEndpoint> resolve_sts_endpoint(std::string_view region, const EnvLookup& env) {
  if (!valid_region(region)) {
    return make_error("invalid AWS region '" + std::string(region) + "'",
                      "set AWS_REGION to a region name such as us-east-1");
  }
  std::string signing_region = region.empty() ? std::string(kGlobalRegion) : std::string(region);

  bool ignore_overrides = lower(env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS").value_or("")) == "true";
  if (!ignore_overrides) {
    for (const char* name : {"AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"}) {
      auto url = non_empty(env, name);
      if (!url) continue;
      auto parsed = parse_url(*url);
      if (!parsed) {
        return make_error(std::string(name) + " is not an http(s) URL: " + parsed.error().message,
                          "set it to the STS endpoint, e.g. http://127.0.0.1:5000, or unset it");
      }
      return StsEndpoint{*url, signing_region, true};
    }
  }

  std::string mode = lower(env("AWS_STS_REGIONAL_ENDPOINTS").value_or("regional"));
  if (mode != "regional" && mode != "legacy") {
    return make_error("AWS_STS_REGIONAL_ENDPOINTS is '" + mode + "'",
                      "set it to 'regional' or 'legacy', or unset it");
  }
  bool global =
      region.empty() || region == "aws-global" ||
      (mode == "legacy" && std::find(kLegacyGlobalRegions.begin(), kLegacyGlobalRegions.end(),
                                     region) != kLegacyGlobalRegions.end());
  if (global) return StsEndpoint{std::string(kGlobalUrl), std::string(kGlobalRegion), false};
  return StsEndpoint{"https://sts." + std::string(region) + "." + dns_suffix(region),
                     signing_region, false};
}

}  // namespace cx::aws
