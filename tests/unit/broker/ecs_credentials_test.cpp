#include "broker/ecs_credentials.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "util/iso8601.h"

namespace cx::broker {
namespace {

aws::Credentials temporary() {
  aws::Credentials c;
  c.access_key_id = "ASIAEXAMPLE";
  c.secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  c.session_token = "FwoGZXIvYXdzE\"quoted\\token";
  c.expiration = *parse_iso8601("2024-05-01T12:34:56.789Z");
  return c;
}

TEST(EcsCredentials, JsonBody) {
  auto body = ecs_credentials_json(temporary());
  ASSERT_TRUE(body.ok());
  const auto j = nlohmann::json::parse(*body);
  EXPECT_EQ(j.size(), 4u);
  EXPECT_EQ(j["AccessKeyId"], "ASIAEXAMPLE");
  EXPECT_EQ(j["SecretAccessKey"], "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  EXPECT_EQ(j["Token"], "FwoGZXIvYXdzE\"quoted\\token");
  EXPECT_EQ(j["Expiration"], "2024-05-01T12:34:56Z");
}

TEST(EcsCredentials, RefusesCredentialsTheSdkCannotUse) {
  aws::Credentials longterm = temporary();
  longterm.session_token.clear();
  EXPECT_FALSE(ecs_credentials_json(longterm).ok());
  aws::Credentials no_expiry = temporary();
  no_expiry.expiration.reset();
  EXPECT_FALSE(ecs_credentials_json(no_expiry).ok());
  aws::Credentials empty;
  auto r = ecs_credentials_json(empty);
  ASSERT_FALSE(r.ok());
  EXPECT_FALSE(r.error().hint.empty());
}

TEST(EcsCredentials, ErrorNeverContainsTheSecret) {
  aws::Credentials c = temporary();
  c.session_token.clear();
  auto r = ecs_credentials_json(c);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.find("wJalr"), std::string::npos);
  EXPECT_EQ(r.error().hint.find("wJalr"), std::string::npos);
}

TEST(TokenCheck, MatchesOnlyTheExactToken) {
  const std::string token(64, 'a');
  const std::string same = token;
  EXPECT_TRUE(token_matches(&same, token));
  const std::string other = std::string(63, 'a') + "b";
  EXPECT_FALSE(token_matches(&other, token));
  const std::string shorter(63, 'a');
  EXPECT_FALSE(token_matches(&shorter, token));
  const std::string longer = token + "a";
  EXPECT_FALSE(token_matches(&longer, token));
  const std::string prefixed = "Bearer " + token;
  EXPECT_FALSE(token_matches(&prefixed, token));
  const std::string newline = token + "\n";
  EXPECT_FALSE(token_matches(&newline, token));
  const std::string upper(64, 'A');
  EXPECT_FALSE(token_matches(&upper, token));
}

TEST(TokenCheck, MissingHeaderOrEmptyTokenNeverMatches) {
  EXPECT_FALSE(token_matches(nullptr, "abc"));
  const std::string empty;
  EXPECT_FALSE(token_matches(&empty, ""));
}

TEST(TokenGenerator, SixtyFourHexCharactersAndFresh) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    auto t = generate_token();
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->size(), 64u);
    EXPECT_EQ(t->find_first_not_of("0123456789abcdef"), std::string::npos);
    seen.insert(*t);
  }
  EXPECT_EQ(seen.size(), 50u);
}

TEST(CredentialRoute, OneFixedRoute) {
  const std::string token = "t0ken";
  const std::string good = token;
  const std::string bad = "nope";
  EXPECT_EQ(kCredentialsPath, "/cx/credentials");
  EXPECT_EQ(route_credentials("GET", "/cx/credentials", &good, token), CredentialRoute::serve);
  EXPECT_EQ(route_credentials("HEAD", "/cx/credentials", &good, token), CredentialRoute::serve);
  EXPECT_EQ(route_credentials("GET", "/cx/credentials", &bad, token), CredentialRoute::forbidden);
  EXPECT_EQ(route_credentials("GET", "/cx/credentials", nullptr, token),
            CredentialRoute::forbidden);
  EXPECT_EQ(route_credentials("POST", "/cx/credentials", &good, token),
            CredentialRoute::method_not_allowed);
  for (const char* path :
       {"/", "/cx/credentials/", "/cx/credentials?role=admin", "/cx/Credentials",
        "/cx/credentials/../credentials", "//cx/credentials", "/latest/meta-data/"}) {
    EXPECT_EQ(route_credentials("GET", path, &good, token), CredentialRoute::not_found) << path;
  }
}

}  // namespace
}  // namespace cx::broker
