#include "broker/resolver.h"

#include <gtest/gtest.h>

namespace cx::broker {
namespace {

TEST(SystemResolver, ResolvesLocalhostFromTheHostsFile) {
  SystemResolver r;
  auto addrs = r.resolve("localhost");
  ASSERT_TRUE(addrs.ok()) << addrs.error().message;
  ASSERT_FALSE(addrs->empty());
  for (const IpAddress& a : *addrs) EXPECT_EQ(special_range(a), "loopback") << a.text();
}

TEST(SystemResolver, AnswersAreUnique) {
  SystemResolver r;
  auto addrs = r.resolve("localhost");
  ASSERT_TRUE(addrs.ok());
  for (size_t i = 0; i < addrs->size(); ++i) {
    for (size_t j = i + 1; j < addrs->size(); ++j) EXPECT_FALSE((*addrs)[i] == (*addrs)[j]);
  }
}

}  // namespace
}  // namespace cx::broker
