#include "aws/sources/container_metadata.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes.h"

namespace cx::aws::sources {
namespace {

using namespace fakes;
using ::testing::HasSubstr;

const char* kImdsKeys =
    R"({"Code": "Success", "LastUpdated": "2024-05-01T11:00:00Z", "Type": "AWS-HMAC",
        "AccessKeyId": "ASIAIMDS", "SecretAccessKey": "imds-secret", "Token": "imds-token",
        "Expiration": "2024-05-01T18:00:00Z"})";

const char* kEcsKeys =
    R"({"AccessKeyId": "ASIAECS", "SecretAccessKey": "ecs-secret", "Token": "ecs-token",
        "Expiration": "2024-05-01T18:00:00Z", "RoleArn": "arn:aws:iam::1:role/task"})";

struct MetadataTest : ::testing::Test {
  FakeHttp http;
  FixedClock clock{test_now()};
  std::map<std::string, std::string> vars;
  SourceContext ctx() { return SourceContext{env_of(vars), http, clock}; }
  Result<Credentials> imds() { return fetch(profile::Ec2InstanceMetadata{}, ctx()); }
  Result<Credentials> ecs() { return fetch(profile::EcsContainer{}, ctx()); }
};

TEST_F(MetadataTest, ImdsV2TokenThenRoleThenKeys) {
  http.reply(200, "SESSION-TOKEN");
  http.reply(200, "my-instance-role\n");
  http.reply(200, kImdsKeys);
  auto c = imds();
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->access_key_id, "ASIAIMDS");
  EXPECT_EQ(c->secret_access_key, "imds-secret");
  EXPECT_EQ(c->session_token, "imds-token");
  EXPECT_EQ(c->expiration, test_now() + std::chrono::hours(6));
  ASSERT_EQ(http.requests.size(), 3u);
  EXPECT_EQ(http.requests[0].method, "PUT");
  EXPECT_EQ(http.requests[0].url, "http://169.254.169.254/latest/api/token");
  EXPECT_EQ(http.header(0, "x-aws-ec2-metadata-token-ttl-seconds"), "21600");
  EXPECT_EQ(http.requests[0].timeout, std::chrono::milliseconds(1000));
  EXPECT_EQ(http.requests[1].url,
            "http://169.254.169.254/latest/meta-data/iam/security-credentials/");
  EXPECT_EQ(http.requests[2].url,
            "http://169.254.169.254/latest/meta-data/iam/security-credentials/my-instance-role");
  EXPECT_EQ(http.header(1, "x-aws-ec2-metadata-token"), "SESSION-TOKEN");
  EXPECT_EQ(http.header(2, "x-aws-ec2-metadata-token"), "SESSION-TOKEN");
}

TEST_F(MetadataTest, ImdsFallsBackToV1WhereTheCliDoes) {
  http.reply(403, "");
  http.reply(200, "r");
  http.reply(200, kImdsKeys);
  ASSERT_TRUE(imds().ok());
  EXPECT_EQ(http.header(1, "x-aws-ec2-metadata-token"), "<absent>");

  http.reply(400, "");
  auto bad = imds();
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.error().message, HasSubstr("rejected the token request"));
}

TEST_F(MetadataTest, ImdsEndpointTimeoutAndAttemptsFromEnvironment) {
  EXPECT_EQ(imds_endpoint(env_of({{"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6"}})),
            "http://[fd00:ec2::254]");
  vars = {{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1338/"},
          {"AWS_METADATA_SERVICE_TIMEOUT", "3"},
          {"AWS_METADATA_SERVICE_NUM_ATTEMPTS", "2"}};
  http.reply(200, "T");
  http.reply(503, "");  // retried once
  http.reply(200, "r");
  http.reply(200, kImdsKeys);
  ASSERT_TRUE(imds().ok());
  EXPECT_EQ(http.requests[0].url, "http://127.0.0.1:1338/latest/api/token");
  EXPECT_EQ(http.requests[0].timeout, std::chrono::milliseconds(3000));
  EXPECT_EQ(http.requests.size(), 4u);
}

TEST_F(MetadataTest, ImdsFailuresSayWhatIsMissing) {
  vars["AWS_EC2_METADATA_DISABLED"] = "true";
  EXPECT_THAT(imds().error().message, HasSubstr("AWS_EC2_METADATA_DISABLED is true"));
  EXPECT_TRUE(http.requests.empty());
  vars.clear();

  http.fail("timeout");  // token: falls back to v1
  http.fail("timeout");
  auto off_ec2 = imds();
  ASSERT_FALSE(off_ec2.ok());
  EXPECT_EQ(off_ec2.error().message,
            "cannot get credentials from the EC2 instance metadata service at "
            "http://169.254.169.254 (timeout)");
  EXPECT_THAT(off_ec2.error().hint, HasSubstr("only on an EC2 instance"));

  http.reply(200, "T");
  http.reply(404, "");
  EXPECT_EQ(imds().error().message, "this EC2 instance has no instance role attached");

  http.reply(200, "T");
  http.reply(200, "r");
  http.reply(200, R"({"Code": "AssumeRoleUnauthorizedAccess", "Message": "x"})");
  EXPECT_THAT(imds().error().message, HasSubstr("Code is not Success"));
}

TEST_F(MetadataTest, EcsRelativeUri) {
  vars["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "/v2/credentials/abc";
  vars["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://127.0.0.1/ignored";
  http.reply(200, kEcsKeys);
  auto c = ecs();
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->access_key_id, "ASIAECS");
  EXPECT_EQ(c->session_token, "ecs-token");
  EXPECT_EQ(http.requests[0].url, "http://169.254.170.2/v2/credentials/abc");
  EXPECT_EQ(http.header(0, "authorization"), "<absent>");
  EXPECT_EQ(http.requests[0].timeout, std::chrono::milliseconds(2000));
}

TEST_F(MetadataTest, EcsFullUriWithTokenFileOverToken) {
  TempDir dir;
  vars["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://169.254.170.23/v1/credentials";
  vars["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "from-env";
  vars["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = dir.write("token", "from-file\n");
  http.reply(500, "");  // retried
  http.reply(200, kEcsKeys);
  ASSERT_TRUE(ecs().ok());
  EXPECT_EQ(http.requests.size(), 2u);
  EXPECT_EQ(http.requests[1].url, "http://169.254.170.23/v1/credentials");
  EXPECT_EQ(http.header(1, "authorization"), "from-file");

  vars.erase("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
  http.reply(200, kEcsKeys);
  ASSERT_TRUE(ecs().ok());
  EXPECT_EQ(http.header(2, "authorization"), "from-env");

  vars["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "two\r\nlines";
  EXPECT_THAT(ecs().error().message, HasSubstr("contains a line break"));
  vars["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = dir.path() + "/missing";
  EXPECT_THAT(ecs().error().message,
              HasSubstr("cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"));
}

TEST_F(MetadataTest, EcsTokenFileIsBounded) {
  TempDir dir;
  vars["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://169.254.170.23/v1/credentials";
  vars["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = "/dev/zero";
  EXPECT_EQ(ecs().error().message,
            "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (/dev/zero): a character device, "
            "not a regular file");
  const std::string big = dir.write("token", std::string(kMaxTokenFileBytes + 1, 't'));
  vars["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = big;
  EXPECT_EQ(ecs().error().message, "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (" + big +
                                       "): larger than the 64 KiB limit");
  EXPECT_TRUE(http.requests.empty());
}

TEST(ContainerCredentialsUrl, OnlyHttpsOrLocalHttp) {
  auto url = [](const std::string& full) {
    return container_credentials_url(env_of({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", full}}));
  };
  for (const char* ok : {"http://localhost:8080/c", "http://127.0.0.1/c", "http://127.1.2.3:9/c",
                         "http://[::1]:80/c", "http://169.254.170.2/c", "http://[fd00:ec2::23]/c",
                         "https://creds.example.com/c", "HTTP://LOCALHOST/c"})
    EXPECT_TRUE(url(ok).ok()) << ok;
  for (const char* bad :
       {"http://creds.example.com/c", "http://10.0.0.1/c", "http://127.0.0.1.evil.com/c",
        "http://localhost@evil.com/c", "ftp://localhost/c", "nonsense"})
    EXPECT_FALSE(url(bad).ok()) << bad;
  auto none = container_credentials_url(env_of({}));
  ASSERT_FALSE(none.ok());
  EXPECT_THAT(none.error().message, HasSubstr("neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"));
}

TEST_F(MetadataTest, EcsFailuresAndBadAnswers) {
  vars["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "/creds";
  http.reply(403, "");
  auto denied = ecs();
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().message,
            "cannot get credentials from the container credentials endpoint (HTTP 403)");
  EXPECT_THAT(denied.error().hint, HasSubstr("AUTHORIZATION_TOKEN"));

  http.reply(200, "not json");
  EXPECT_THAT(ecs().error().message, HasSubstr("not a JSON object"));
  http.reply(200, R"({"AccessKeyId": "A"})");
  EXPECT_THAT(ecs().error().message, HasSubstr("without AccessKeyId or SecretAccessKey"));
  http.reply(200, R"({"AccessKeyId": "A", "SecretAccessKey": "S", "Token": "T",
                      "Expiration": "2024-05-01T11:00:00Z"})");
  EXPECT_THAT(ecs().error().message, HasSubstr("expired at 2024-05-01T11:00:00Z"));
}

}  // namespace
}  // namespace cx::aws::sources
