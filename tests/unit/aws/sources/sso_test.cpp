#include "aws/sources/sso.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes.h"

namespace cx::aws::sources {
namespace {

using namespace fakes;
using ::testing::HasSubstr;
using ::testing::Not;

// SHA-1 of the sso-session name "my-sso" and of the legacy start URL (python3 hashlib).
const char* kSessionFile = ".aws/sso/cache/0ad374308c5a4e22f723adf10145eafad7c4031c.json";
const char* kLegacyFile = ".aws/sso/cache/e8be5486177c5b5392bd9aa76563515b29358e6e.json";

const char* kToken =
    R"({"startUrl": "https://example.awsapps.com/start", "region": "eu-west-1",
        "accessToken": "BEARER-abc", "expiresAt": "2024-05-01T20:00:00Z",
        "refreshToken": "r", "clientId": "c", "clientSecret": "s"})";

const char* kRoleCredentials =
    R"({"roleCredentials": {"accessKeyId": "ASIASSO", "secretAccessKey": "sso-secret",
        "sessionToken": "sso-token", "expiration": 1714568400000}})";

struct SsoTest : ::testing::Test {
  TempDir home;
  FakeHttp http;
  FixedClock clock{test_now()};
  std::map<std::string, std::string> vars{{"HOME", home.path()}};
  profile::Sso session{"dev",       "my-sso",       "https://example.awsapps.com/start",
                       "eu-west-1", "111122223333", "Power+User@x"};
  profile::Sso legacy{"old",          "",        "https://example.awsapps.com/start", "us-east-2",
                      "444455556666", "ReadOnly"};

  Result<Credentials> run(const profile::Sso& s) {
    SourceContext ctx{env_of(vars), http, clock};
    return fetch(s, ctx);
  }
};

TEST_F(SsoTest, CachePathIsSha1OfSessionNameOrStartUrl) {
  EXPECT_EQ(sso_token_cache_path(session, env_of(vars)), home.path() + "/" + kSessionFile);
  EXPECT_EQ(sso_token_cache_path(legacy, env_of(vars)), home.path() + "/" + kLegacyFile);
}

TEST_F(SsoTest, ExchangesTheCachedTokenForRoleCredentials) {
  home.write(kSessionFile, kToken);
  http.reply(200, kRoleCredentials);
  auto c = run(session);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->access_key_id, "ASIASSO");
  EXPECT_EQ(c->secret_access_key, "sso-secret");
  EXPECT_EQ(c->session_token, "sso-token");
  EXPECT_EQ(c->expiration, test_now() + std::chrono::hours(1));  // epoch milliseconds
  ASSERT_EQ(http.requests.size(), 1u);
  EXPECT_EQ(http.requests[0].method, "GET");
  EXPECT_EQ(http.requests[0].url,
            "https://portal.sso.eu-west-1.amazonaws.com/federation/credentials"
            "?account_id=111122223333&role_name=Power%2BUser%40x");
  EXPECT_EQ(http.header(0, "x-amz-sso_bearer_token"), "BEARER-abc");
}

TEST_F(SsoTest, LegacyStartUrlProfileUsesItsOwnCacheFileAndRegion) {
  home.write(kLegacyFile, R"({"accessToken": "LEGACY", "expiresAt": "2024-05-01T20:00:00UTC"})");
  http.reply(200, kRoleCredentials);
  auto c = run(legacy);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(http.requests[0].url,
            "https://portal.sso.us-east-2.amazonaws.com/federation/credentials"
            "?account_id=444455556666&role_name=ReadOnly");
  EXPECT_EQ(http.header(0, "x-amz-sso_bearer_token"), "LEGACY");
}

TEST_F(SsoTest, MissingTruncatedOrExpiredTokenSaysHowToLogIn) {
  auto missing = run(session);
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.error().message,
              HasSubstr("no IAM Identity Center login for profile \"dev\""));
  EXPECT_EQ(missing.error().hint, "run: aws sso login --profile dev");

  std::string token = kToken;
  home.write(kSessionFile, token.substr(0, token.size() / 2));
  auto truncated = run(session);
  ASSERT_FALSE(truncated.ok());
  EXPECT_THAT(truncated.error().message, HasSubstr("is unreadable"));
  EXPECT_EQ(truncated.error().hint, "run: aws sso login --profile dev");

  home.write(kSessionFile, R"({"expiresAt": "2024-05-01T20:00:00Z"})");
  EXPECT_EQ(run(session).error().hint, "run: aws sso login --profile dev");

  home.write(kSessionFile, R"({"accessToken": "BEARER-abc", "expiresAt": "2024-05-01T11:00:00Z"})");
  auto expired = run(session);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().message,
            "the IAM Identity Center session of profile \"dev\" expired at 2024-05-01T11:00:00Z");
  EXPECT_EQ(expired.error().hint, "run: aws sso login --profile dev");
  EXPECT_TRUE(http.requests.empty());  // no token, no call
}

TEST_F(SsoTest, OversizedOrSpecialTokenCacheIsRefused) {
  home.write(kSessionFile, std::string(kMaxSsoTokenFileBytes + 1, ' '));
  auto big = run(session);
  ASSERT_FALSE(big.ok());
  EXPECT_THAT(big.error().message,
              HasSubstr(kSessionFile + std::string(": larger than the 1 MiB limit)")));
  EXPECT_EQ(big.error().hint, "run: aws sso login --profile dev");
  std::filesystem::remove(home.path() + "/" + kSessionFile);
  std::filesystem::create_directory(home.path() + "/" + kSessionFile);
  EXPECT_THAT(run(session).error().message, HasSubstr(": a directory, not a regular file)"));
  EXPECT_TRUE(http.requests.empty());
}

TEST(SsoTokenParse, ParsesTheCacheJson) {
  profile::Sso s{"dev", "my-sso", "", "eu-west-1", "1", "r"};
  auto t = parse_sso_token(kToken, s, "p.json", test_now());
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->access_token, "BEARER-abc");
  EXPECT_EQ(parse_sso_token("[1]", s, "p.json", test_now()).error().message,
            "the cached IAM Identity Center token of profile \"dev\" is unreadable (p.json)");
}

TEST_F(SsoTest, EndpointOverrides) {
  home.write(kSessionFile, kToken);
  vars["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9000";
  http.reply(200, kRoleCredentials);
  ASSERT_TRUE(run(session).ok());
  EXPECT_EQ(http.requests[0].url.rfind("http://127.0.0.1:9000/federation/credentials?", 0), 0u);

  vars["AWS_ENDPOINT_URL_SSO"] = "http://127.0.0.1:9001/";
  http.reply(200, kRoleCredentials);
  ASSERT_TRUE(run(session).ok());
  EXPECT_EQ(http.requests[1].url.rfind("http://127.0.0.1:9001/federation/credentials?", 0), 0u);

  vars["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true";
  EXPECT_EQ(sso_portal_url("eu-west-1", env_of(vars)),
            "https://portal.sso.eu-west-1.amazonaws.com");
}

TEST_F(SsoTest, PortalRefusalMeansLogInAgain) {
  home.write(kSessionFile, kToken);
  http.reply(401, R"({"message":"Session token not found or invalid"})");
  auto c = run(session);
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.error().message, HasSubstr("refused role Power+User@x in account 111122223333"));
  EXPECT_THAT(c.error().message, HasSubstr("HTTP 401"));
  EXPECT_EQ(c.error().hint, "run: aws sso login --profile dev");
  http.reply(403, R"({"message":"No access"})");
  EXPECT_EQ(run(session).error().hint, "run: aws sso login --profile dev");
}

TEST_F(SsoTest, OtherFailuresAreOneSentenceWithoutTheToken) {
  home.write(kSessionFile, kToken);
  http.reply(404, R"({"message":"No role found"})");
  auto nf = run(session);
  ASSERT_FALSE(nf.ok());
  EXPECT_EQ(nf.error().message,
            "the IAM Identity Center portal could not give role Power+User@x in account "
            "111122223333 for profile \"dev\" (HTTP 404: No role found)");
  EXPECT_EQ(nf.error().hint, "check sso_account_id and sso_role_name");

  http.reply(500, "<html>oops</html>");
  EXPECT_THAT(run(session).error().message, HasSubstr("(HTTP 500)"));

  http.fail("connection refused");
  auto down = run(session);
  EXPECT_THAT(down.error().message, HasSubstr("cannot reach the IAM Identity Center portal"));
  EXPECT_THAT(down.error().message, HasSubstr("connection refused"));

  http.reply(200, R"({"roleCredentials": {"accessKeyId": "A", "secretAccessKey": "S"}})");
  auto partial = run(session);
  EXPECT_THAT(partial.error().message, HasSubstr("incomplete answer"));
  for (const auto& r : {nf, down, partial})
    EXPECT_THAT(r.error().message + r.error().hint, Not(HasSubstr("BEARER-abc")));
}

}  // namespace
}  // namespace cx::aws::sources
