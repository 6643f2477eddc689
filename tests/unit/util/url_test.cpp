#include "util/url.h"

#include <gtest/gtest.h>

namespace cx {
namespace {

TEST(Url, ParsesTheParts) {
  auto u = parse_url("HTTPS://sts.eu-west-1.amazonaws.com:443/a/b?x=1&y#frag");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "sts.eu-west-1.amazonaws.com");
  EXPECT_EQ(u->port, "443");
  EXPECT_EQ(u->path, "/a/b");
  EXPECT_EQ(u->query, "x=1&y");
  EXPECT_EQ(u->authority(), "sts.eu-west-1.amazonaws.com");
  EXPECT_EQ(u->without_query(), "https://sts.eu-west-1.amazonaws.com/a/b");
}

TEST(Url, PortsAndIpv6) {
  auto u = parse_url("http://127.0.0.1:5055");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->path, "/");
  EXPECT_EQ(u->authority(), "127.0.0.1:5055");
  auto v6 = parse_url("http://[::1]:8080/x");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "[::1]");
  EXPECT_EQ(v6->authority(), "[::1]:8080");
}

TEST(Url, RefusesWhatItCannotUse) {
  for (const char* bad : {"sts.amazonaws.com", "ftp://x/", "http://", "http://u:p@host/",
                          "http://host:port/", "http://[::1/"}) {
    auto u = parse_url(bad);
    EXPECT_FALSE(u.ok()) << bad;
    if (!u.ok()) {
      EXPECT_FALSE(u.error().hint.empty());
    }
  }
}

TEST(Url, PercentEncodingUsesTheUnreservedSet) {
  EXPECT_EQ(percent_encode("aZ09-_.~"), "aZ09-_.~");
  EXPECT_EQ(percent_encode("a b+c/d=\xc3\xa9"), "a%20b%2Bc%2Fd%3D%C3%A9");
  EXPECT_EQ(percent_encode("/a b/", true), "/a%20b/");
}

TEST(Url, PercentDecodingKeepsMalformedEscapes) {
  EXPECT_EQ(percent_decode("a%20b%2bc+d"), "a b+c+d");
  EXPECT_EQ(percent_decode("100%"), "100%");
  EXPECT_EQ(percent_decode("%zz%4"), "%zz%4");
}

TEST(Url, FormEncodingKeepsOrder) {
  EXPECT_EQ(form_encode({{"Action", "AssumeRole"}, {"Policy", "{\"a\": \"b+c\"}"}, {"Empty", ""}}),
            "Action=AssumeRole&Policy=%7B%22a%22%3A+%22b%2Bc%22%7D&Empty=");
  EXPECT_EQ(form_encode({{"a b", "  "}}), "a+b=++");
  EXPECT_EQ(form_encode({}), "");
}

}  // namespace
}  // namespace cx
