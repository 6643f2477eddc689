#include "aws/endpoint.h"

#include <gtest/gtest.h>

#include <map>

namespace cx::aws {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return env_from_map({vars.begin(), vars.end()});
}

StsEndpoint resolve(std::string_view region, std::map<std::string, std::string> vars = {}) {
  auto r = resolve_sts_endpoint(region, env_of(std::move(vars)));
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? *r : StsEndpoint{};
}

TEST(Endpoint, RegionalByDefault) {
  auto e = resolve("eu-west-1");
  EXPECT_EQ(e.url, "https://sts.eu-west-1.amazonaws.com");
  EXPECT_EQ(e.signing_region, "eu-west-1");
  EXPECT_FALSE(e.custom);
  EXPECT_EQ(resolve("us-east-1").url, "https://sts.us-east-1.amazonaws.com");
}

TEST(Endpoint, ChinaAndIsolatedPartitions) {
  EXPECT_EQ(resolve("cn-north-1").url, "https://sts.cn-north-1.amazonaws.com.cn");
  EXPECT_EQ(resolve("us-gov-west-1").url, "https://sts.us-gov-west-1.amazonaws.com");
  EXPECT_EQ(resolve("us-iso-east-1").url, "https://sts.us-iso-east-1.c2s.ic.gov");
  EXPECT_EQ(resolve("us-isob-east-1").url, "https://sts.us-isob-east-1.sc2s.sgov.gov");
}

TEST(Endpoint, LegacyUsesGlobalForTheOldRegionsOnly) {
  std::map<std::string, std::string> legacy{{"AWS_STS_REGIONAL_ENDPOINTS", "legacy"}};
  for (const char* region :
       {"us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2", "sa-east-1"}) {
    auto e = resolve(region, legacy);
    EXPECT_EQ(e.url, "https://sts.amazonaws.com") << region;
    EXPECT_EQ(e.signing_region, "us-east-1") << region;
  }
  auto e = resolve("ap-east-1", legacy);  // launched after the global alias list froze
  EXPECT_EQ(e.url, "https://sts.ap-east-1.amazonaws.com");
  EXPECT_EQ(e.signing_region, "ap-east-1");
  EXPECT_EQ(resolve("cn-north-1", legacy).url, "https://sts.cn-north-1.amazonaws.com.cn");
  EXPECT_EQ(resolve("eu-west-1", {{"AWS_STS_REGIONAL_ENDPOINTS", "REGIONAL"}}).url,
            "https://sts.eu-west-1.amazonaws.com");
}

TEST(Endpoint, NoRegionOrAwsGlobalMeansTheGlobalEndpoint) {
  EXPECT_EQ(resolve("").url, "https://sts.amazonaws.com");
  EXPECT_EQ(resolve("").signing_region, "us-east-1");
  EXPECT_EQ(resolve("aws-global").signing_region, "us-east-1");
}

TEST(Endpoint, ServiceOverrideBeatsGlobalOverride) {
  auto e = resolve("eu-west-1", {{"AWS_ENDPOINT_URL_STS", "http://127.0.0.1:5055"},
                                 {"AWS_ENDPOINT_URL", "http://127.0.0.1:9999"}});
  EXPECT_EQ(e.url, "http://127.0.0.1:5055");
  EXPECT_EQ(e.signing_region, "eu-west-1");
  EXPECT_TRUE(e.custom);
  auto g = resolve("", {{"AWS_ENDPOINT_URL", "http://localhost:9999/"}});
  EXPECT_EQ(g.url, "http://localhost:9999/");
  EXPECT_EQ(g.signing_region, "us-east-1");
  EXPECT_TRUE(g.custom);
}

TEST(Endpoint, EmptyOverrideIsUnsetAndOverridesCanBeIgnored) {
  EXPECT_FALSE(resolve("eu-west-1", {{"AWS_ENDPOINT_URL_STS", ""}}).custom);
  EXPECT_FALSE(resolve("eu-west-1", {{"AWS_ENDPOINT_URL_STS", "http://x"},
                                     {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"}})
                   .custom);
}

TEST(Endpoint, Errors) {
  auto bad_url = resolve_sts_endpoint("eu-west-1", env_of({{"AWS_ENDPOINT_URL_STS", "localhost"}}));
  ASSERT_FALSE(bad_url.ok());
  EXPECT_NE(bad_url.error().message.find("AWS_ENDPOINT_URL_STS"), std::string::npos);
  auto bad_mode =
      resolve_sts_endpoint("eu-west-1", env_of({{"AWS_STS_REGIONAL_ENDPOINTS", "global"}}));
  ASSERT_FALSE(bad_mode.ok());
  EXPECT_NE(bad_mode.error().hint.find("legacy"), std::string::npos);
  auto bad_region = resolve_sts_endpoint("eu-west-1/evil", env_of({}));
  ASSERT_FALSE(bad_region.ok());
  EXPECT_NE(bad_region.error().message.find("invalid AWS region"), std::string::npos);
}

}  // namespace
}  // namespace cx::aws
