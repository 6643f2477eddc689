#include "broker/public_suffix.h"

#include <gtest/gtest.h>

namespace cx::broker {
namespace {

std::optional<SuffixSection> section(std::string_view name) {
  auto s = public_suffix_section(name);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return s.ok() ? *s : std::nullopt;
}

TEST(PublicSuffix, SectionsOfTheBuiltInList) {
  EXPECT_EQ(section("com"), SuffixSection::icann);
  EXPECT_EQ(section("co.uk"), SuffixSection::icann);
  EXPECT_EQ(section("xn--55qx5d.cn"), SuffixSection::icann);  // 公司.cn, as A-labels
  EXPECT_EQ(section("github.io"), SuffixSection::private_domains);
  EXPECT_EQ(section("s3.amazonaws.com"), SuffixSection::private_domains);
  EXPECT_EQ(section("example.com"), std::nullopt);
  EXPECT_EQ(section("amazonaws.com"), std::nullopt);  // suffixes lie under it, it is none
  // An unknown top-level label is no explicit rule.
  EXPECT_EQ(section("corp.internal-zz"), std::nullopt);
}

TEST(PublicSuffix, BetweenAWildcardAndAName) {
  EXPECT_EQ(public_suffix_between("amazonaws.com", "evil.s3.amazonaws.com"), "s3.amazonaws.com");
  EXPECT_EQ(public_suffix_between("amazonaws.com", "a.b.evil.s3.amazonaws.com"),
            "s3.amazonaws.com");
  // The name itself and the wildcard's own suffix count.
  EXPECT_EQ(public_suffix_between("amazonaws.com", "s3.amazonaws.com"), "s3.amazonaws.com");
  EXPECT_EQ(public_suffix_between("co.uk", "example.co.uk"), "co.uk");
  // A wildcard rule of the list: every name under compute.amazonaws.com is one.
  EXPECT_TRUE(public_suffix_between("amazonaws.com", "ec2-1-2-3-4.compute.amazonaws.com"));
  EXPECT_EQ(public_suffix_between("amazonaws.com", "foo.amazonaws.com"), std::nullopt);
  EXPECT_EQ(public_suffix_between("example.com", "a.b.example.com"), std::nullopt);
  EXPECT_EQ(public_suffix_between("example.co.uk", "www.example.co.uk"), std::nullopt);
  EXPECT_EQ(public_suffix_between("bucket.s3.amazonaws.com", "x.bucket.s3.amazonaws.com"),
            std::nullopt);
  // Not under the suffix at all.
  EXPECT_EQ(public_suffix_between("example.com", "example.com"), std::nullopt);
  EXPECT_EQ(public_suffix_between("example.com", "badexample.com"), std::nullopt);
}

constexpr std::string_view kList =
    "// comment line with co.uk\n"
    "\n"
    "uk\n"
    "co.uk\r\n"
    "  *.kawasaki.jp   trailing words\n"
    "!city.kawasaki.jp\n"
    "公司.cn\n"
    "s3.amazonaws.com\n"
    "*.compute.amazonaws.com\n"
    "bad..rule\n";

TEST(SuffixRules, ParsesTheListFormat) {
  const SuffixRules rules = SuffixRules::parse(kList);
  EXPECT_EQ(rules.size(), 6u);  // not the comment, the exception or the bad rule
  EXPECT_EQ(rules.under("uk"), "co.uk");
  EXPECT_EQ(rules.under("jp"), "*.kawasaki.jp");
  EXPECT_EQ(rules.under("kawasaki.jp"), "*.kawasaki.jp");  // its children are suffixes
  EXPECT_EQ(rules.under("cn"), "xn--55qx5d.cn");
  // The shortest rule is named.
  EXPECT_EQ(rules.under("amazonaws.com"), "s3.amazonaws.com");
  EXPECT_EQ(rules.under("com"), "s3.amazonaws.com");
  EXPECT_EQ(rules.under("co.uk"), std::nullopt);
  EXPECT_EQ(rules.under("example.com"), std::nullopt);
  EXPECT_EQ(rules.under("s3.amazonaws.com"), std::nullopt);
  EXPECT_EQ(rules.under("mazonaws.com"), std::nullopt);
  EXPECT_EQ(SuffixRules::parse("").size(), 0u);
}

TEST(SuffixRules, TheSystemList) {
  const Result<SuffixRules>& rules = system_suffix_rules();
  if (!rules) GTEST_SKIP() << rules.error().message;
  EXPECT_GT(rules->size(), 5000u);
  EXPECT_TRUE(rules->under("amazonaws.com").has_value());
  EXPECT_TRUE(rules->under("uk").has_value());
  EXPECT_EQ(rules->under("example.com"), std::nullopt);
  EXPECT_EQ(rules->under("anthropic.com"), std::nullopt);
}

}  // namespace
}  // namespace cx::broker
