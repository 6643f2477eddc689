#include "config/validators.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cx::config {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string message(const Status& s) { return s.ok() ? "<ok>" : s.error().message; }

TEST(Validators, RuntimeNames) {
  EXPECT_EQ(*parse_runtime("docker"), RuntimeKind::kDocker);
  EXPECT_EQ(*parse_runtime("podman"), RuntimeKind::kPodman);
  EXPECT_EQ(*parse_runtime("nerdctl"), RuntimeKind::kNerdctl);
}

TEST(Validators, RuntimeAbsolutePaths) {
  EXPECT_EQ(*parse_runtime("/usr/bin/podman"), RuntimeKind::kPodman);
  EXPECT_EQ(*parse_runtime("/opt/x/docker"), RuntimeKind::kDocker);
  EXPECT_EQ(*parse_runtime("/home/u/.local/bin/nerdctl"), RuntimeKind::kNerdctl);
}

TEST(Validators, RuntimeRefusals) {
  EXPECT_THAT(parse_runtime("kubectl").error().message,
              HasSubstr("RUNTIME `kubectl` is not docker, podman or nerdctl"));
  EXPECT_THAT(parse_runtime("/usr/bin/dockerd").error().message, HasSubstr("is not docker"));
  EXPECT_THAT(parse_runtime("Docker").error().message, HasSubstr("is not docker"));
  EXPECT_THAT(parse_runtime("bin/docker").error().message, HasSubstr("relative path"));
  EXPECT_THAT(parse_runtime("/usr/bin/").error().message, HasSubstr("is not docker"));
  EXPECT_THAT(parse_runtime("docker").ok() ? "" : "x", "");
  EXPECT_THAT(parse_runtime("kubectl").error().hint, HasSubstr("/usr/bin/podman"));
}

TEST(Validators, ImageTagsAccepted) {
  for (const char* t :
       {"cx", "cx:latest", "claude-exec:1.2.3", "ghcr.io/you/cx:1.0", "localhost:5000/cx",
        "registry.example.com/a/b/c:v_1",
        "cx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "CX:Tag"}) {
    EXPECT_TRUE(check_image_tag(t).ok()) << t << ": " << message(check_image_tag(t));
  }
}

TEST(Validators, ImageTagsRefused) {
  EXPECT_THAT(message(check_image_tag("")), HasSubstr("IMAGE_TAG is empty"));
  EXPECT_THAT(message(check_image_tag("-cx")), HasSubstr("must start with a letter or digit"));
  EXPECT_THAT(message(check_image_tag("--privileged")), HasSubstr("must start with"));
  EXPECT_THAT(message(check_image_tag("/cx")), HasSubstr("must start with"));
  EXPECT_THAT(message(check_image_tag("cx latest")), HasSubstr("contains ` `"));
  EXPECT_THAT(message(check_image_tag("cx\tx")), HasSubstr("contains"));
  EXPECT_THAT(message(check_image_tag("cx;rm")), HasSubstr("contains `;`"));
  EXPECT_THAT(message(check_image_tag("cx$x")), HasSubstr("contains `$`"));
}

TEST(Validators, RoleArnsAccepted) {
  for (const char* arn :
       {"arn:aws:iam::123456789012:role/ClaudeCode", "arn:aws-cn:iam::123456789012:role/a",
        "arn:aws-us-gov:iam::123456789012:role/x", "arn:aws-iso:iam::123456789012:role/x",
        "arn:aws-iso-b:iam::123456789012:role/x", "arn:aws-iso-e:iam::123456789012:role/x",
        "arn:aws:iam::123456789012:role/service-role/My+Role=,.@_-1",
        "arn:aws:iam::123456789012:role/a/b/c/Name"}) {
    EXPECT_TRUE(check_role_arn(arn).ok()) << arn << ": " << message(check_role_arn(arn));
  }
  EXPECT_TRUE(check_role_arn("arn:aws:iam::123456789012:role/" + std::string(64, 'r')).ok());
}

TEST(Validators, RoleArnsRefused) {
  struct {
    const char* arn;
    const char* why;
  } cases[] = {
      {"ClaudeCode", "is not an ARN"},
      {"arn:aws:iam:123456789012:role/x", "is not an ARN"},
      {"ARN:aws:iam::123456789012:role/x", "is not an ARN"},
      {"arn:azure:iam::123456789012:role/x", "unknown partition `azure`"},
      {"arn::iam::123456789012:role/x", "unknown partition"},
      {"arn:awsx:iam::123456789012:role/x", "unknown partition"},
      {"arn:aws-:iam::123456789012:role/x", "unknown partition"},
      {"arn:aws-CN:iam::123456789012:role/x", "unknown partition"},
      {"arn:aws:s3::123456789012:role/x", "is not an IAM ARN"},
      {"arn:aws:sts::123456789012:assumed-role/x/session", "assumed-role session ARN"},
      {"arn:aws:iam:us-east-1:123456789012:role/x", "must not name a region"},
      {"arn:aws:iam::12345678901:role/x", "12-digit account id"},
      {"arn:aws:iam::1234567890123:role/x", "12-digit account id"},
      {"arn:aws:iam::12345678901a:role/x", "12-digit account id"},
      {"arn:aws:iam::123456789012:user/alice", "names a user, not a role"},
      {"arn:aws:iam::123456789012:root", "names a root, not a role"},
      {"arn:aws:iam::123456789012:role/", "invalid role name"},
      {"arn:aws:iam::123456789012:role/a b", "invalid role name"},
      {"arn:aws:iam::123456789012:role/a*", "invalid role name"},
      {"arn:aws:iam::123456789012:role/path/", "invalid role name"},
      {"arn:aws:iam::123456789012:role//x", "invalid role path"},
      {"arn:aws:iam::123456789012:role/a//x", "invalid role path"},
      {"arn:aws:iam::123456789012:role/p a/x", "invalid role path"},
  };
  for (const auto& c : cases) {
    EXPECT_THAT(message(check_role_arn(c.arn)), HasSubstr(c.why)) << c.arn;
  }
  EXPECT_THAT(message(check_role_arn("arn:aws:iam::123456789012:role/" + std::string(65, 'r'))),
              HasSubstr("invalid role name"));
  EXPECT_THAT(check_role_arn("x").error().hint,
              HasSubstr("arn:aws:iam::123456789012:role/ClaudeCode"));
}

TEST(Validators, Regions) {
  for (const char* r : {"us-east-1", "eu-central-2", "ap-southeast-3", "us-gov-west-1",
                        "cn-north-1", "us-iso-east-1", "us-isob-east-1", "il-central-1", "eu-central-12"}) {
    EXPECT_TRUE(check_region(r).ok()) << r;
  }
  for (const char* r : {"", "us-east", "US-EAST-1", "useast1", "us-east-1a", "us east 1",
                        "us-east-123", "u-east-1", "us-east-", "us--east-1", "us-east-1-",
                        "us-1", "us-east-x1", "us-e4st-1"}) {
    EXPECT_THAT(message(check_region(r)), HasSubstr("is not a region name")) << r;
  }
}

constexpr const char* kProfile =
    "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6";

TEST(Validators, InferenceProfileArnsAccepted) {
  for (const std::string& arn :
       {std::string(kProfile),
        std::string("arn:aws-cn:bedrock:cn-north-1:123456789012:application-inference-profile/x"),
        std::string("arn:aws-us-gov:bedrock:us-gov-west-1:123456789012:"
                    "application-inference-profile/My.Profile_1-2"),
        "arn:aws:bedrock:eu-central-2:000000000000:application-inference-profile/" +
            std::string(64, 'z')}) {
    EXPECT_TRUE(check_inference_profile_arn(arn).ok())
        << arn << ": " << message(check_inference_profile_arn(arn));
  }
  EXPECT_EQ(inference_profile_region(kProfile), "us-east-1");
}

TEST(Validators, InferenceProfileArnsRefused) {
  const std::string resource = ":123456789012:application-inference-profile/";
  struct {
    std::string arn;
    const char* why;
  } cases[] = {
      {"", "is not arn:PARTITION"},
      {"a1b2c3d4e5f6", "is not arn:PARTITION"},
      {"us.anthropic.claude-sonnet-4-20250514-v1:0", "is not arn:PARTITION"},
      {"ARN:aws:bedrock:us-east-1" + resource + "x", "is not arn:PARTITION"},
      {"arn:aws:bedrock:us-east-1" + resource + "x:y", "profile id must be 1 to 64"},
      {"arn:aws:bedrock:us-east-1:123456789012", "is not arn:PARTITION"},
      {"arn:aws-iso:bedrock:us-iso-east-1" + resource + "x", "partition must be aws, aws-cn"},
      {"arn:AWS:bedrock:us-east-1" + resource + "x", "partition must be aws, aws-cn"},
      {"arn::bedrock:us-east-1" + resource + "x", "partition must be aws, aws-cn"},
      {"arn:aws:iam:us-east-1" + resource + "x", "service must be bedrock"},
      {"arn:aws:bedrock:" + resource + "x", "names no region"},
      {"arn:aws:bedrock:mars" + resource + "x", "names no region"},
      {"arn:aws:bedrock:US-EAST-1" + resource + "x", "names no region"},
      {"arn:aws:bedrock:cn-north-1" + resource + "x", "not in the partition aws"},
      {"arn:aws:bedrock:us-gov-west-1" + resource + "x", "not in the partition aws"},
      {"arn:aws-cn:bedrock:us-east-1" + resource + "x", "not in the partition aws-cn"},
      {"arn:aws:bedrock:us-iso-east-1" + resource + "x", "not in the partition aws"},
      {"arn:aws:bedrock:us-east-1::application-inference-profile/x", "12 digits"},
      {"arn:aws:bedrock:us-east-1:12345678901:application-inference-profile/x", "12 digits"},
      {"arn:aws:bedrock:us-east-1:1234567890123:application-inference-profile/x", "12 digits"},
      {"arn:aws:bedrock:us-east-1:12345678901a:application-inference-profile/x", "12 digits"},
      {"arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-x-v1:0",
       "system-defined (cross-region)"},
      {"arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-x-v1:0", "a foundation model"},
      {"arn:aws:bedrock:us-east-1:123456789012:provisioned-model/x",
       "application-inference-profile/ID"},
      {"arn:aws:bedrock:us-east-1:123456789012:application-inference-profile",
       "application-inference-profile/ID"},
      {"arn:aws:bedrock:us-east-1" + resource, "profile id must be 1 to 64"},
      {"arn:aws:bedrock:us-east-1" + resource + "-x", "profile id must be 1 to 64"},
      {"arn:aws:bedrock:us-east-1" + resource + ".x", "profile id must be 1 to 64"},
      {"arn:aws:bedrock:us-east-1" + resource + "a/b", "profile id must be 1 to 64"},
      {"arn:aws:bedrock:us-east-1" + resource + "a b", "profile id must be 1 to 64"},
      {"arn:aws:bedrock:us-east-1" + resource + "a%2Fb", "profile id must be 1 to 64"},
      {"arn:aws:bedrock:us-east-1" + resource + "a\nb", "profile id must be 1 to 64"},
      {"arn:aws:bedrock:us-east-1" + resource + "ab\n", "profile id must be 1 to 64"},
      {"arn:aws:bedrock:us-east-1" + resource + std::string(65, 'a'), "profile id must be 1 to 64"},
      {std::string(kProfile) + std::string(200, 'a'), "longer than any such ARN"},
  };
  for (const auto& c : cases) {
    const Status st = check_inference_profile_arn(c.arn);
    EXPECT_THAT(message(st), HasSubstr(c.why)) << c.arn;
    EXPECT_THAT(message(st), StartsWith("not an application inference profile ARN: ")) << c.arn;
    if (!st.ok()) {
      EXPECT_THAT(st.error().hint, HasSubstr(kProfile)) << c.arn;
    }
  }
}

TEST(Validators, InferenceProfileMessagesNeverQuoteTheValue) {
  // What a user pasted may be anything: the message stays one short line of cx's own.
  for (const std::string& bad :
       {std::string(64 * 1024, 'x'),
        std::string("arn:aws:bedrock:us-east-1:123456789012:") +
            "application-inference-profile/\x1b[31mRED\n",
        std::string("arn:aws\n:bedrock"), std::string("arn:aws:bedrock:us-east-1\0:1", 28)}) {
    const Status st = check_inference_profile_arn(bad);
    ASSERT_FALSE(st.ok());
    EXPECT_LT(st.error().message.size(), 200u);
    EXPECT_EQ(st.error().message.find_first_of("\n\x1b"), std::string::npos);
    EXPECT_EQ(st.error().message.find("RED"), std::string::npos);
  }
}

TEST(Validators, ExternalId) {
  EXPECT_TRUE(check_external_id("ab").ok());
  EXPECT_TRUE(check_external_id("Ext-Id_1+=,.@:/").ok());
  EXPECT_TRUE(check_external_id(std::string(1224, 'x')).ok());
  EXPECT_FALSE(check_external_id("a").ok());
  EXPECT_FALSE(check_external_id(std::string(1225, 'x')).ok());
  EXPECT_THAT(message(check_external_id("a b")), HasSubstr("CX_EXTERNAL_ID must be"));
}

TEST(Validators, RoleSessionName) {
  EXPECT_TRUE(check_role_session_name("cx-u-proj").ok());
  EXPECT_TRUE(check_role_session_name("a_b+=,.@-c").ok());
  EXPECT_TRUE(check_role_session_name(std::string(64, 'x')).ok());
  EXPECT_FALSE(check_role_session_name("a").ok());
  EXPECT_FALSE(check_role_session_name(std::string(65, 'x')).ok());
  EXPECT_THAT(message(check_role_session_name("a/b")), HasSubstr("CX_ROLE_SESSION_NAME must be"));
}

TEST(Validators, MountsParsed) {
  EXPECT_EQ(*parse_mount("/a:/b", "/home/u"), (Mount{"/a", "/b", false}));
  EXPECT_EQ(*parse_mount("/a:/b:ro", "/home/u"), (Mount{"/a", "/b", true}));
  EXPECT_EQ(*parse_mount("/a:/b:rw", "/home/u"), (Mount{"/a", "/b", false}));
  EXPECT_EQ(*parse_mount("~/data:/data", "/home/u"), (Mount{"/home/u/data", "/data", false}));
  EXPECT_EQ(*parse_mount("~:/h:ro", "/home/u"), (Mount{"/home/u", "/h", true}));
}

TEST(Validators, MountsRefused) {
  struct {
    const char* entry;
    const char* why;
  } cases[] = {
      {"/a", "is not HOST:CONTAINER[:ro]"},
      {"/a:/b:ro:x", "is not HOST:CONTAINER[:ro]"},
      {"/a:/b:rx", "has the option `rx`"},
      {"a:/b", "host path must be absolute"},
      {":/b", "host path must be absolute"},
      {"~user/x:/b", "host path must be absolute"},
      {"/a:b", "container path must be absolute"},
      {"/a:~/b", "container path must be absolute"},
      {"/a:/", "would mount over the container's /"},
      {"/a://", "would mount over the container's /"},
  };
  for (const auto& c : cases) {
    auto m = parse_mount(c.entry, "/home/u");
    ASSERT_FALSE(m.ok()) << c.entry;
    EXPECT_THAT(m.error().message, HasSubstr(c.why)) << c.entry;
  }
  EXPECT_THAT(parse_mount("~/x:/x", "").error().message, HasSubstr("HOME is not set"));
}

TEST(Validators, Seconds) {
  EXPECT_EQ(*parse_seconds("K", "900", 900, 43200), 900);
  EXPECT_EQ(*parse_seconds("K", "43200", 900, 43200), 43200);
  for (const char* v :
       {"", "899", "43201", "-1", "+900", "1e3", "900s", " 900", "0x384", "99999999999999999999"}) {
    auto r = parse_seconds("K", v, 900, 43200);
    ASSERT_FALSE(r.ok()) << v;
    EXPECT_THAT(r.error().message,
                HasSubstr("K must be a whole number of seconds between 900 and 43200"));
  }
}

}  // namespace
}  // namespace cx::config
