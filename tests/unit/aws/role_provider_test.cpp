#include "aws/role_provider.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "aws/profile/chain.h"
#include "aws/profile/profile_set.h"
#include "aws/sources/context.h"
#include "fake_http_client.h"

namespace cx::aws {
namespace {

using namespace std::chrono_literals;

class FixedClock : public Clock {
 public:
  SystemTime now() const override { return SystemTime(std::chrono::seconds(1714564800)); }
};

// An STS answer for ACTION with access key ID, expiring at 2024-05-01T13:00:00Z.
std::string sts_ok(const std::string& action, const std::string& id) {
  return "<" + action + "Response><" + action + "Result>" +
         (action == "GetSessionToken"
              ? std::string()
              : "<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/R/s</Arn>"
                "<AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>") +
         "<Credentials><AccessKeyId>" + id + "</AccessKeyId><SecretAccessKey>sk-" + id +
         "</SecretAccessKey><SessionToken>tok-" + id +
         "</SessionToken><Expiration>2024-05-01T13:00:00Z</Expiration></Credentials></" + action +
         "Result></" + action + "Response>";
}

std::string form_value(const std::string& body, const std::string& key) {
  auto pos = body.find(key + "=");
  if (pos == std::string::npos) return {};
  pos += key.size() + 1;
  return body.substr(pos, body.find('&', pos) - pos);
}

struct Harness {
  testing::FakeHttpClient http;
  FixedClock clock;
  profile::ProfileSet profiles;
  std::vector<std::string> notices;
  int prompts = 0;
  std::unique_ptr<CredentialCache> cache;
  std::filesystem::path dir;

  explicit Harness(const std::string& config, const std::string& credentials = "") {
    profiles = *profile::parse_profile_files(config, credentials);
  }
  ~Harness() {
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }
  void with_cache() {
    char tmpl[] = "/tmp/cx-rp-XXXXXX";
    dir = ::mkdtemp(tmpl);
    cache = std::make_unique<CredentialCache>((dir / "cache").string(), clock);
  }
  ProviderContext ctx() {
    RetryHooks hooks = RetryHooks::real();
    hooks.sleep = [](std::chrono::milliseconds) {};
    return ProviderContext{
        .http = http,
        .clock = clock,
        .env = env_from_map({{"AWS_ENDPOINT_URL_STS", "http://sts.test"}}),
        .region = "us-east-1",
        .profiles = &profiles,
        .cache = cache.get(),
        .cache_margin = 900s,
        .ask_mfa = [this](const std::string&, const std::string&) -> Result<std::string> {
          ++prompts;
          return std::string("123456");
        },
        .notice = [this](const std::string& n) { notices.push_back(n); },
        .retry_hooks = hooks,
    };
  }
  profile::CredentialChain chain(const std::string& name) {
    return *profile::resolve_profile_chain(profiles, name);
  }
};

RoleRequest request(int duration = 3600) {
  RoleRequest r;
  r.role_arn = "arn:aws:iam::123456789012:role/ClaudeCode";
  r.session_name = "cx-alice-proj";
  r.duration_seconds = duration;
  return r;
}

const char* kStatic = "[default]\naws_access_key_id = AKIAUSER\naws_secret_access_key = secret\n";

TEST(RoleProvider, StaticKeysOneAssumeRole) {
  Harness h("", kStatic);
  h.http.respond(200, sts_ok("AssumeRole", "ASIAAGENT"));
  auto ctx = h.ctx();
  auto c = agent_role_credentials(h.chain("default"), request(), ctx);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->access_key_id, "ASIAAGENT");
  ASSERT_EQ(h.http.requests.size(), 1u);
  EXPECT_EQ(form_value(h.http.requests[0].body, "Action"), "AssumeRole");
  EXPECT_EQ(form_value(h.http.requests[0].body, "DurationSeconds"), "3600");
  EXPECT_TRUE(h.notices.empty());
}

TEST(RoleProvider, TwoHopChainAndRoleChainingCap) {
  Harness h(
      "[profile hop]\nrole_arn = arn:aws:iam::123456789012:role/A\nsource_profile = default\n",
      kStatic);
  h.http.respond(200, sts_ok("AssumeRole", "ASIAHOP"));
  auto ctx = h.ctx();
  auto chain = h.chain("hop");
  auto source = source_credentials(chain, ctx);
  ASSERT_TRUE(source.ok()) << source.error().message;
  EXPECT_TRUE(source->role_session);
  EXPECT_EQ(source->creds.access_key_id, "ASIAHOP");
  h.http.respond(200, sts_ok("AssumeRole", "ASIAAGENT"));
  auto agent = assume_agent_role(*source, request(43200), chain, ctx);
  ASSERT_TRUE(agent.ok()) << agent.error().message;
  ASSERT_EQ(h.http.requests.size(), 2u);
  EXPECT_EQ(form_value(h.http.requests[1].body, "DurationSeconds"), "3600");
  ASSERT_EQ(h.notices.size(), 1u);
  EXPECT_NE(h.notices[0].find("capped to 3600"), std::string::npos);
  // The second call was signed with the hop's credentials.
  bool signed_by_hop = false;
  for (const auto& [k, v] : h.http.requests[1].headers)
    if (k == "Authorization" && v.find("Credential=ASIAHOP/") != std::string::npos)
      signed_by_hop = true;
  EXPECT_TRUE(signed_by_hop);
}

TEST(RoleProvider, LongTermKeysAreNotChained) {
  Harness h("", kStatic);
  h.http.respond(200, sts_ok("AssumeRole", "ASIAAGENT"));
  auto ctx = h.ctx();
  auto c = agent_role_credentials(h.chain("default"), request(43200), ctx);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(form_value(h.http.requests[0].body, "DurationSeconds"), "43200");
  EXPECT_TRUE(h.notices.empty());
}

TEST(RoleProvider, CacheServesTheSecondRun) {
  Harness h("", kStatic);
  h.with_cache();
  h.http.respond(200, sts_ok("AssumeRole", "ASIAAGENT"));
  auto ctx = h.ctx();
  ASSERT_TRUE(agent_role_credentials(h.chain("default"), request(), ctx).ok());
  auto again = agent_role_credentials(h.chain("default"), request(), ctx);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->access_key_id, "ASIAAGENT");
  EXPECT_EQ(h.http.requests.size(), 1u);
  // A renewal skips the cache.
  ASSERT_TRUE(agent_role_credentials(h.chain("default"), request(), ctx, false).ok());
  EXPECT_EQ(h.http.requests.size(), 2u);
  // Another duration is another key.
  ASSERT_TRUE(agent_role_credentials(h.chain("default"), request(1800), ctx).ok());
  EXPECT_EQ(h.http.requests.size(), 3u);
}

TEST(RoleProvider, MfaSessionIsAskedOnceAndCached) {
  Harness h(
      "[profile mfa]\nrole_arn = arn:aws:iam::123456789012:role/A\nsource_profile = default\n"
      "mfa_serial = arn:aws:iam::123456789012:mfa/alice\n",
      kStatic);
  h.with_cache();
  h.http.respond(200, sts_ok("GetSessionToken", "ASIAMFA"));
  h.http.respond(200, sts_ok("AssumeRole", "ASIAHOP"));
  auto ctx = h.ctx();
  auto first = source_credentials(h.chain("mfa"), ctx);
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_EQ(h.http.requests.size(), 2u);
  EXPECT_EQ(form_value(h.http.requests[0].body, "Action"), "GetSessionToken");
  EXPECT_EQ(form_value(h.http.requests[0].body, "TokenCode"), "123456");
  EXPECT_EQ(form_value(h.http.requests[1].body, "Action"), "AssumeRole");
  EXPECT_EQ(form_value(h.http.requests[1].body, "TokenCode"), "");
  EXPECT_EQ(h.prompts, 1);
  // The next run reuses the MFA session: no prompt, no GetSessionToken.
  auto second = source_credentials(h.chain("mfa"), ctx);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(h.prompts, 1);
  ASSERT_EQ(h.http.requests.size(), 3u);
  EXPECT_EQ(form_value(h.http.requests[2].body, "Action"), "AssumeRole");
}

TEST(RoleProvider, SessionPolicyTooLongFailsBeforeAnyCall) {
  Harness h("", kStatic);
  auto ctx = h.ctx();
  RoleRequest r = request();
  r.policy = std::string(kMaxSessionPolicyChars + 1, ' ');
  auto c = agent_role_credentials(h.chain("default"), r, ctx);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("2049 characters; STS allows 2048"), std::string::npos);
  EXPECT_TRUE(h.http.requests.empty());
}

TEST(RoleProvider, StsErrorIsNotCached) {
  Harness h("", kStatic);
  h.with_cache();
  h.http.respond(403,
                 "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
                 "<Message>not allowed</Message></Error></ErrorResponse>");
  auto ctx = h.ctx();
  auto c = agent_role_credentials(h.chain("default"), request(), ctx);
  ASSERT_FALSE(c.ok());
  EXPECT_FALSE(std::filesystem::exists(h.dir / "cache"));
}

// web_identity_token_file is read like every file cx did not write: a
// regular file of at most 64 KiB, so /dev/zero or a FIFO cannot hang cx.
TEST(RoleProvider, WebIdentityTokenFileIsBounded) {
  auto chain_with = [](const std::string& file) {
    return profile::CredentialChain{
        "w", profile::WebIdentity{"w", "arn:aws:iam::1:role/w", file, ""}, {}};
  };
  Harness h("");
  auto ctx = h.ctx();
  auto device = agent_role_credentials(chain_with("/dev/zero"), request(), ctx);
  ASSERT_FALSE(device.ok());
  EXPECT_EQ(device.error().message,
            "cannot read web_identity_token_file /dev/zero of profile \"w\": a character device, "
            "not a regular file");
  char tmpl[] = "/tmp/cx-rp-XXXXXX";
  const std::filesystem::path dir = ::mkdtemp(tmpl);
  const std::filesystem::path big = dir / "token";
  std::ofstream(big) << std::string(sources::kMaxTokenFileBytes + 1, 't');
  auto oversized = agent_role_credentials(chain_with(big.string()), request(), ctx);
  ASSERT_FALSE(oversized.ok());
  EXPECT_EQ(oversized.error().message, "cannot read web_identity_token_file " + big.string() +
                                           " of profile \"w\": larger than the 64 KiB limit");
  EXPECT_TRUE(h.http.requests.empty());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cx::aws
