#include "cli/common.h"

#include <gtest/gtest.h>

namespace cx::cli {
namespace {

config::Settings with_hosts(std::vector<std::string> hosts) {
  config::Settings s;
  s.allow_hosts = std::move(hosts);
  s.allow_hosts_where = "/home/u/.claude-exec:9:16";
  return s;
}

TEST(CheckAllowHosts, UsesTheProxysParserAndNamesTheConfigLine) {
  EXPECT_TRUE(check_allow_hosts(with_hosts({"a.com", "bücher.example", "*.b.com:8443"})).ok());
  auto bad = check_allow_hosts(with_hosts({"a.com", "https://b.com"}));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message.rfind(
                "/home/u/.claude-exec:9:16: CX_ALLOW_HOSTS entry \"https://b.com\": ", 0),
            0u)
      << bad.error().message;
  EXPECT_FALSE(bad.error().hint.empty());
  EXPECT_FALSE(check_allow_hosts(with_hosts({"*.internal"})).ok());
}

TEST(CheckAllowHosts, RefusesPublicSuffixWildcardsAndMetadataNamingTheLine) {
  for (const char* bad : {"*.co.uk", "169.254.169.254:80", "[fd00:ec2::254]"}) {
    auto r = check_allow_hosts(with_hosts({"a.com", bad}));
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(
        r.error().message.rfind(
            "/home/u/.claude-exec:9:16: CX_ALLOW_HOSTS entry \"" + std::string(bad) + "\": ", 0),
        0u)
        << r.error().message;
  }
}

TEST(CheckAllowHosts, WarnsAboutListedSpecialAddressesNamingTheLine) {
  auto r = check_allow_hosts(with_hosts({"a.com", "10.0.0.1:8080", "[::1]:8080"}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].rfind("/home/u/.claude-exec:9:16: CX_ALLOW_HOSTS entry \"10.0.0.1:8080\": ", 0),
            0u)
      << (*r)[0];
  EXPECT_NE((*r)[1].find("[::1] is loopback"), std::string::npos) << (*r)[1];
  EXPECT_TRUE(check_allow_hosts(with_hosts({"a.com", "*.b.com"}))->empty());
}

// Root on a rootful runtime is refused without CX_ALLOW_ROOT=1; a normal
// user, a rootless runtime or the opt-in pass.
TEST(RootRefusal, OnlyRootOnARootfulRuntimeWithoutTheOptIn) {
  runtime::Runtime rootful;
  rootful.kind = config::RuntimeKind::kPodman;
  rootful.path = "/usr/bin/podman";
  runtime::Runtime rootless = rootful;
  rootless.rootless = true;
  config::Settings s;
  auto refused = root_refusal(rootful, s, 0);
  ASSERT_TRUE(refused.has_value());
  EXPECT_NE(refused->message.find("root with a rootful podman"), std::string::npos);
  EXPECT_NE(refused->hint.find("CX_ALLOW_ROOT=1"), std::string::npos);
  EXPECT_FALSE(root_refusal(rootful, s, 1000).has_value());
  EXPECT_FALSE(root_refusal(rootless, s, 0).has_value());
  s.allow_root = true;
  EXPECT_FALSE(root_refusal(rootful, s, 0).has_value());
}

}  // namespace
}  // namespace cx::cli
