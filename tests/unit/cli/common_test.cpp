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

}  // namespace
}  // namespace cx::cli
