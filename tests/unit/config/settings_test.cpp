#include "config/settings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "../bounded_child.h"
#include "config/keys.h"
#include "config/validators.h"

namespace cx::config {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

constexpr const char* kRequired =
    "RUNTIME=docker\n"
    "IMAGE_TAG=cx:latest\n"
    "AWS_IAM_ROLE=arn:aws:iam::123456789012:role/ClaudeCode\n";

// A private directory removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "cx-settings-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path_, fs::perms::owner_all, ec);
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string write(const std::string& name, const std::string& text, mode_t mode = 0600) const {
    const std::string p = path_ + "/" + name;
    std::ofstream(p) << text;
    chmod(p.c_str(), mode);
    return p;
  }

 private:
  std::string path_;
};

class SettingsTest : public ::testing::Test {
 protected:
  EnvLookup env() const { return env_from_map(vars_); }

  Result<Settings> build(const std::string& text) {
    auto parsed = parse_config(text, "cfg", env());
    EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message);
    if (!parsed) return parsed.error();
    return build_settings(std::move(*parsed), env());
  }
  Settings ok(const std::string& extra, const std::string& required = kRequired) {
    auto s = build(required + extra);
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
    return s.ok() ? *s : Settings{};
  }
  Error fail(const std::string& extra, const std::string& required = kRequired) {
    auto s = build(required + extra);
    EXPECT_FALSE(s.ok()) << extra;
    return s.ok() ? Error{} : s.error();
  }

  TempDir tmp_;
  std::map<std::string, std::string, std::less<>> vars_{{"HOME", tmp_.path()}, {"USER", "u"}};
};

// --- required keys and defaults --------------------------------------------------

TEST_F(SettingsTest, MinimalFileGivesTheDefaults) {
  const Settings s = ok("");
  EXPECT_EQ(s.path, "cfg");
  EXPECT_EQ(s.runtime, "docker");
  EXPECT_EQ(s.runtime_kind, RuntimeKind::kDocker);
  EXPECT_EQ(s.image_tag, "cx:latest");
  EXPECT_EQ(s.aws_iam_role, "arn:aws:iam::123456789012:role/ClaudeCode");
  EXPECT_EQ(s.aws_region, std::nullopt);
  EXPECT_EQ(s.aws_profile, "default");
  EXPECT_FALSE(s.aws_profile_explicit);
  EXPECT_EQ(s.session_duration, 3600);
  EXPECT_EQ(s.claude_code_use_bedrock, std::nullopt);
  EXPECT_EQ(s.anthropic_model, std::nullopt);
  EXPECT_THAT(s.claude_options, IsEmpty());
  EXPECT_EQ(s.credentials, CredentialsMode::kBroker);
  EXPECT_EQ(s.network, NetworkMode::kAllowlist);
  EXPECT_THAT(s.allow_hosts, IsEmpty());
  EXPECT_EQ(s.persist, PersistMode::kProject);
  EXPECT_EQ(s.extra_ca_certs, std::nullopt);
  EXPECT_THAT(s.mounts, IsEmpty());
  EXPECT_THAT(s.pass_env, IsEmpty());
  EXPECT_EQ(s.session_policy, std::nullopt);
  EXPECT_EQ(s.external_id, std::nullopt);
  EXPECT_EQ(s.role_session_name, std::nullopt);
  EXPECT_EQ(s.refresh_margin, 900);
  EXPECT_TRUE(s.cache);
  EXPECT_THAT(s.forward, IsEmpty());
  EXPECT_THAT(s.warnings, IsEmpty());
}

TEST_F(SettingsTest, MissingRequiredKeysAreNamedWithAnExample) {
  Error e = fail("IMAGE_TAG=x\nAWS_IAM_ROLE=arn:aws:iam::123456789012:role/R\n", "");
  EXPECT_EQ(e.message, "cfg: RUNTIME is not set");
  EXPECT_EQ(e.hint, "add a line such as RUNTIME=docker");
  e = fail("RUNTIME=docker\nAWS_IAM_ROLE=arn:aws:iam::123456789012:role/R\n", "");
  EXPECT_EQ(e.message, "cfg: IMAGE_TAG is not set");
  EXPECT_EQ(e.hint, "add a line such as IMAGE_TAG=cx:latest");
  e = fail("RUNTIME=docker\nIMAGE_TAG=x\n", "");
  EXPECT_EQ(e.message, "cfg: AWS_IAM_ROLE is not set");
  EXPECT_EQ(e.hint, "add a line such as AWS_IAM_ROLE=arn:aws:iam::123456789012:role/ClaudeCode");
}

TEST_F(SettingsTest, EmptyRequiredKeyIsAnError) {
  EXPECT_EQ(fail("RUNTIME=\n").message, "cfg:4:9: RUNTIME is empty");
}

TEST_F(SettingsTest, RuntimeIsValidated) {
  EXPECT_EQ(fail("RUNTIME=kubectl\n").message,
            "cfg:4:9: RUNTIME `kubectl` is not docker, podman or nerdctl");
}

TEST_F(SettingsTest, RuntimeMayBeAPath) {
  const Settings s = ok("RUNTIME=~/bin/podman\n");
  EXPECT_EQ(s.runtime, tmp_.path() + "/bin/podman");
  EXPECT_EQ(s.runtime_kind, RuntimeKind::kPodman);
  EXPECT_EQ(ok("RUNTIME=nerdctl\n").runtime_kind, RuntimeKind::kNerdctl);
}

TEST_F(SettingsTest, ImageTagIsValidated) {
  EXPECT_THAT(fail("IMAGE_TAG=-x\n").message,
              StartsWith("cfg:4:11: IMAGE_TAG must start with a letter or digit"));
  EXPECT_THAT(fail("IMAGE_TAG='cx latest'\n").message, StartsWith("cfg:4:11: IMAGE_TAG contains"));
}

TEST_F(SettingsTest, RoleIsValidated) {
  const Error e = fail("AWS_IAM_ROLE=arn:aws:iam::123456789012:user/me\n");
  EXPECT_EQ(e.message, "cfg:4:14: AWS_IAM_ROLE names a user, not a role (`:role/NAME`)");
  EXPECT_THAT(e.hint, HasSubstr("arn:aws:iam::123456789012:role/ClaudeCode"));
}

// --- AWS keys ---------------------------------------------------------------------

TEST_F(SettingsTest, RegionIsValidatedAndForwarded) {
  const Settings s = ok("AWS_REGION=eu-west-1\n");
  EXPECT_EQ(s.aws_region, "eu-west-1");
  EXPECT_THAT(s.forward, ElementsAre(EnvVar{"AWS_REGION", "eu-west-1"}));
  EXPECT_THAT(fail("AWS_REGION=Europe\n").message,
              StartsWith("cfg:4:12: AWS_REGION `Europe` is not a region name"));
  EXPECT_EQ(fail("AWS_REGION=\n").message, "cfg:4:12: AWS_REGION is empty");
}

TEST_F(SettingsTest, ProfileDefaultsToDefaultNotExplicit) {
  const Settings s = ok("");
  EXPECT_EQ(s.aws_profile, "default");
  EXPECT_FALSE(s.aws_profile_explicit);
}

TEST_F(SettingsTest, ProfileFromTheEnvironmentIsExplicit) {
  vars_["AWS_PROFILE"] = "work";
  const Settings s = ok("");
  EXPECT_EQ(s.aws_profile, "work");
  EXPECT_TRUE(s.aws_profile_explicit);
}

TEST_F(SettingsTest, ProfileFromTheFileIsExplicitAndWinsOverTheEnvironment) {
  vars_["AWS_PROFILE"] = "work";
  const Settings s = ok("AWS_PROFILE=cx-source\n");
  EXPECT_EQ(s.aws_profile, "cx-source");
  EXPECT_TRUE(s.aws_profile_explicit);
  EXPECT_THAT(s.forward, IsEmpty());  // never forwarded
}

TEST_F(SettingsTest, ExplicitDefaultProfileIsStillExplicit) {
  const Settings s = ok("AWS_PROFILE=default\n");
  EXPECT_EQ(s.aws_profile, "default");
  EXPECT_TRUE(s.aws_profile_explicit);
}

TEST_F(SettingsTest, EmptyProfileMeansUnset) {
  vars_["AWS_PROFILE"] = "";
  const Settings s = ok("AWS_PROFILE=\n");
  EXPECT_EQ(s.aws_profile, "default");
  EXPECT_FALSE(s.aws_profile_explicit);
}

TEST_F(SettingsTest, SessionDurationRange) {
  EXPECT_EQ(ok("AWS_SESSION_DURATION=900\n").session_duration, 900);
  EXPECT_EQ(ok("AWS_SESSION_DURATION=43200\n").session_duration, 43200);
  EXPECT_EQ(fail("AWS_SESSION_DURATION=43201\n").message,
            "cfg:4:22: AWS_SESSION_DURATION must be a whole number of seconds between 900 and "
            "43200, not `43201`");
  EXPECT_THAT(fail("AWS_SESSION_DURATION=1h\n").message,
              StartsWith("cfg:4:22: AWS_SESSION_DURATION must be a whole number"));
  EXPECT_THAT(fail("AWS_SESSION_DURATION=-1\n").message, StartsWith("cfg:4:22: "));
}

TEST_F(SettingsTest, ShortSessionNeedsACustomStsEndpoint) {
  const Error e = fail("AWS_SESSION_DURATION=300\n");
  EXPECT_EQ(e.message,
            "cfg:4:22: AWS_SESSION_DURATION must be at least 900 seconds (the AWS STS minimum)");
  EXPECT_THAT(e.hint, HasSubstr("AWS_ENDPOINT_URL_STS"));
}

TEST_F(SettingsTest, ShortSessionWithStsEndpointInTheFileWarns) {
  const Settings s = ok("AWS_ENDPOINT_URL_STS=http://127.0.0.1:4566\nAWS_SESSION_DURATION=60\n");
  EXPECT_EQ(s.session_duration, 60);
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_THAT(s.warnings[0], StartsWith("cfg:5:22: AWS_SESSION_DURATION=60 is below"));
  EXPECT_THAT(s.warnings[0], HasSubstr("custom STS endpoint"));
}

TEST_F(SettingsTest, ShortSessionWithEndpointInTheEnvironment) {
  vars_["AWS_ENDPOINT_URL"] = "http://localhost:5000";
  EXPECT_EQ(ok("AWS_SESSION_DURATION=120\n").session_duration, 120);
  vars_.erase("AWS_ENDPOINT_URL");
  vars_["AWS_ENDPOINT_URL_STS"] = "http://localhost:5000";
  EXPECT_EQ(ok("AWS_SESSION_DURATION=899\n").session_duration, 899);
}

TEST_F(SettingsTest, EmptyEndpointIsNotCustom) {
  vars_["AWS_ENDPOINT_URL_STS"] = "";
  EXPECT_THAT(fail("AWS_ENDPOINT_URL=\nAWS_SESSION_DURATION=300\n").message,
              HasSubstr("at least 900"));
}

TEST_F(SettingsTest, SessionMinimumIsSixtyEvenWithCustomEndpoint) {
  vars_["AWS_ENDPOINT_URL_STS"] = "http://localhost:5000";
  EXPECT_THAT(fail("AWS_SESSION_DURATION=59\n").message,
              HasSubstr("between 60 and 43200, not `59`"));
}

TEST_F(SettingsTest, LongTermKeysAreRefusedWithoutEchoingThem) {
  for (const char* key : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"}) {
    const Error e = fail(std::string("  ") + key + "=s3cr3tVALUE\n");
    EXPECT_EQ(e.message, std::string("cfg:4:3: ") + key + " must not be in the cx config file");
    EXPECT_THAT(e.hint, HasSubstr("~/.aws/credentials"));
    EXPECT_THAT(e.message + e.hint, Not(HasSubstr("s3cr3tVALUE")));
  }
}

TEST_F(SettingsTest, SecretIsRefusedEvenWhenAssignedAgainEmpty) {
  EXPECT_THAT(fail("AWS_SECRET_ACCESS_KEY=x\nAWS_SECRET_ACCESS_KEY=\n").message,
              StartsWith("cfg:4:1: AWS_SECRET_ACCESS_KEY"));
}

TEST_F(SettingsTest, KeysCxSetsAreRefused) {
  struct {
    const char* line;
    const char* message;
  } cases[] = {
      {"HOME=/x", "cfg:4:1: HOME is set by cx in the container and cannot be configured"},
      {"AWS_CONTAINER_CREDENTIALS_FULL_URI=http://x",
       "cfg:4:1: AWS_CONTAINER_CREDENTIALS_FULL_URI is set by cx"},
      {"AWS_CONTAINER_AUTHORIZATION_TOKEN=t", "cfg:4:1: AWS_CONTAINER_AUTHORIZATION_TOKEN is set"},
      {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=/t",
       "cfg:4:1: AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"},
      {"export HTTPS_PROXY=http://p", "cfg:4:8: HTTPS_PROXY is set by cx"},
      {"http_proxy=http://p", "cfg:4:1: http_proxy is set by cx"},
      {"No_Proxy=x", "cfg:4:1: No_Proxy is set by cx"},
  };
  for (const auto& c : cases)
    EXPECT_THAT(fail(std::string(c.line) + "\n").message, StartsWith(c.message));
}

TEST_F(SettingsTest, UnknownCxKeySuggestsTheNearest) {
  const Error e = fail("CX_NETWRK=open\n");
  EXPECT_EQ(e.message, "cfg:4:1: unknown key CX_NETWRK");
  EXPECT_EQ(e.hint, "did you mean CX_NETWORK?");
  EXPECT_EQ(fail("cx_cache=0\n").hint, "did you mean CX_CACHE?");
  EXPECT_EQ(fail("CX_ALLOWED_HOSTS=x\n").hint, "did you mean CX_ALLOW_HOSTS?");
}

// --- Claude keys --------------------------------------------------------------------

TEST_F(SettingsTest, ClaudeKeysAreForwarded) {
  const Settings s = ok("CLAUDE_CODE_USE_BEDROCK=1\nANTHROPIC_MODEL=us.anthropic.claude-x-v1:0\n");
  EXPECT_EQ(s.claude_code_use_bedrock, "1");
  EXPECT_EQ(s.anthropic_model, "us.anthropic.claude-x-v1:0");
  EXPECT_THAT(s.forward, ElementsAre(EnvVar{"CLAUDE_CODE_USE_BEDROCK", "1"},
                                     EnvVar{"ANTHROPIC_MODEL", "us.anthropic.claude-x-v1:0"}));
}

TEST_F(SettingsTest, ClaudeOptionsAreSplitLikeShellWords) {
  const Settings s = ok(R"(CLAUDE_OPTIONS="--model 'big model' --x=\"a b\" \$HOME")"
                        "\n");
  EXPECT_THAT(s.claude_options, ElementsAre("--model", "big model", "--x=a b", "$HOME"));
  EXPECT_THAT(s.forward, IsEmpty());
}

TEST_F(SettingsTest, ClaudeOptionsErrorsNameTheLine) {
  EXPECT_EQ(fail("CLAUDE_OPTIONS=\"--a 'b\"\n").message,
            "cfg:4:16: CLAUDE_OPTIONS: unterminated single quote at character 5");
}

// --- modes and numbers -----------------------------------------------------------------

TEST_F(SettingsTest, Modes) {
  const Settings s = ok("CX_CREDENTIALS=env\nCX_NETWORK=open\nCX_PERSIST=shared\n");
  EXPECT_EQ(s.credentials, CredentialsMode::kEnv);
  EXPECT_EQ(s.network, NetworkMode::kOpen);
  EXPECT_EQ(s.persist, PersistMode::kShared);
  EXPECT_EQ(ok("CX_PERSIST=none\n").persist, PersistMode::kNone);
  EXPECT_EQ(ok("CX_CREDENTIALS=broker\nCX_NETWORK=allowlist\n").credentials,
            CredentialsMode::kBroker);
  EXPECT_THAT(s.forward, IsEmpty());
}

TEST_F(SettingsTest, BadModesNameTheChoices) {
  EXPECT_EQ(fail("CX_CREDENTIALS=static\n").message,
            "cfg:4:16: CX_CREDENTIALS must be broker or env, not `static`");
  EXPECT_EQ(fail("CX_NETWORK=none\n").message,
            "cfg:4:12: CX_NETWORK must be allowlist or open, not `none`");
  EXPECT_EQ(fail("CX_PERSIST=Project\n").message,
            "cfg:4:12: CX_PERSIST must be project, shared or none, not `Project`");
}

TEST_F(SettingsTest, EmptyOptionalCxKeysMeanTheDefault) {
  const Settings s =
      ok("CX_NETWORK=\nCX_PERSIST=''\nCX_CACHE=\nCX_REFRESH_MARGIN=\nAWS_SESSION_DURATION=\n");
  EXPECT_EQ(s.network, NetworkMode::kAllowlist);
  EXPECT_EQ(s.persist, PersistMode::kProject);
  EXPECT_TRUE(s.cache);
  EXPECT_EQ(s.refresh_margin, 900);
  EXPECT_EQ(s.session_duration, 3600);
}

TEST_F(SettingsTest, Cache) {
  EXPECT_FALSE(ok("CX_CACHE=0\n").cache);
  EXPECT_TRUE(ok("CX_CACHE=1\n").cache);
  EXPECT_EQ(fail("CX_CACHE=yes\n").message, "cfg:4:10: CX_CACHE must be 0 or 1, not `yes`");
}

TEST_F(SettingsTest, TripwireModes) {
  EXPECT_EQ(ok("").tripwire, TripwireMode::kWarn);
  EXPECT_EQ(ok("CX_TRIPWIRE=block\n").tripwire, TripwireMode::kBlock);
  EXPECT_EQ(ok("CX_TRIPWIRE=off\n").tripwire, TripwireMode::kOff);
  EXPECT_EQ(ok("CX_TRIPWIRE=warn\n").tripwire, TripwireMode::kWarn);
  EXPECT_NE(fail("CX_TRIPWIRE=loud\n").message.find("warn, block or off"), std::string::npos);
}

TEST_F(SettingsTest, AllowRootIsOffUnlessSetToOne) {
  EXPECT_FALSE(ok("").allow_root);
  EXPECT_FALSE(ok("CX_ALLOW_ROOT=0\n").allow_root);
  EXPECT_TRUE(ok("CX_ALLOW_ROOT=1\n").allow_root);
  EXPECT_EQ(fail("CX_ALLOW_ROOT=yes\n").message,
            "cfg:4:15: CX_ALLOW_ROOT must be 0 or 1, not `yes`");
}

TEST_F(SettingsTest, RefreshMargin) {
  EXPECT_EQ(ok("CX_REFRESH_MARGIN=60\n").refresh_margin, 60);
  EXPECT_THAT(fail("CX_REFRESH_MARGIN=59\n").message,
              StartsWith("cfg:4:19: CX_REFRESH_MARGIN must be a whole number of seconds between "
                         "60 and 43200"));
}

// --- lists -------------------------------------------------------------------------------

TEST_F(SettingsTest, AllowHostsSplitOnBlanksAndCommas) {
  const Settings s = ok("CX_ALLOW_HOSTS=\"github.com, *.npmjs.org\texample.com:8443,,[::1]:80\"\n");
  EXPECT_THAT(s.allow_hosts,
              ElementsAre("github.com", "*.npmjs.org", "example.com:8443", "[::1]:80"));
}

TEST_F(SettingsTest, AllowHostsAreSplitAndTheirPlaceKept) {
  // The entries are parsed by the egress proxy's parser (broker/allowlist), whose errors name
  // this place (cli::check_allow_hosts).
  const Settings s = ok("CX_ALLOW_HOSTS='a.com https://b.com,c.com:8443'\n");
  EXPECT_THAT(s.allow_hosts, ElementsAre("a.com", "https://b.com", "c.com:8443"));
  EXPECT_EQ(s.allow_hosts_where, "cfg:4:16");
}

TEST_F(SettingsTest, PassEnvNames) {
  const Settings s = ok("CX_PASS_ENV=\"GITHUB_TOKEN NPM_TOKEN,_X\"\n");
  EXPECT_THAT(s.pass_env, ElementsAre("GITHUB_TOKEN", "NPM_TOKEN", "_X"));
  EXPECT_EQ(fail("CX_PASS_ENV='A 1B'\n").message,
            "cfg:4:13: CX_PASS_ENV: `1B` is not a variable name");
}

TEST_F(SettingsTest, PassEnvRefusesSecretsAndReservedNames) {
  EXPECT_EQ(fail("CX_PASS_ENV='A AWS_SECRET_ACCESS_KEY'\n").message,
            "cfg:4:13: CX_PASS_ENV: AWS_SECRET_ACCESS_KEY cannot be passed into the container");
  EXPECT_THAT(fail("CX_PASS_ENV=https_proxy\n").message, HasSubstr("https_proxy cannot be passed"));
  EXPECT_THAT(fail("CX_PASS_ENV=HOME\n").message, HasSubstr("HOME cannot be passed"));
}

TEST_F(SettingsTest, Mounts) {
  fs::create_directories(tmp_.path() + "/data");
  fs::create_directories(tmp_.path() + "/my dir");
  const Settings s =
      ok("CX_MOUNTS=\"~/data:/data:ro " + tmp_.path() + "/data:/d2 '~/my dir:/m:rw'\"\n");
  EXPECT_THAT(s.mounts, ElementsAre(Mount{tmp_.path() + "/data", "/data", true},
                                    Mount{tmp_.path() + "/data", "/d2", false},
                                    Mount{tmp_.path() + "/my dir", "/m", false}));
  EXPECT_THAT(s.forward, IsEmpty());
}

TEST_F(SettingsTest, MountHostPathMustExist) {
  const Error e = fail("CX_MOUNTS=~/nope:/x\n");
  EXPECT_EQ(e.message,
            "cfg:4:11: CX_MOUNTS: host path " + tmp_.path() + "/nope: No such file or directory");
}

TEST_F(SettingsTest, MountSyntaxErrors) {
  EXPECT_EQ(fail("CX_MOUNTS=/tmp\n").message,
            "cfg:4:11: CX_MOUNTS entry `/tmp` is not HOST:CONTAINER[:ro]");
  EXPECT_THAT(fail("CX_MOUNTS=\"'/a:/b\"\n").message,
              StartsWith("cfg:4:11: CX_MOUNTS: unterminated single quote"));
}

// Found by fuzz_config: a quoted value with a line break made a two-line error.
TEST_F(SettingsTest, ErrorsQuotingAValueStayOnePrintableLine) {
  EXPECT_EQ(fail("CX_CACHE=\"a\nb\"\n").message, "cfg:4:10: CX_CACHE must be 0 or 1, not `a?b`");
  const Error e = fail("CX_NETWORK=" + std::string(5000, 'x') + "\n");
  EXPECT_EQ(e.message.size(), 1024u + 3);
  EXPECT_THAT(e.message, StartsWith("cfg:4:12: CX_NETWORK must be allowlist or open, not `xxx"));
}

// --- files ---------------------------------------------------------------------------------

TEST_F(SettingsTest, ExtraCaCerts) {
  tmp_.write("ca.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
  EXPECT_EQ(ok("CX_EXTRA_CA_CERTS=~/ca.pem\n").extra_ca_certs, tmp_.path() + "/ca.pem");
  // A quoted ~/ is expanded too: it is a path, never a literal "~".
  EXPECT_EQ(ok("CX_EXTRA_CA_CERTS='~/ca.pem'\n").extra_ca_certs, tmp_.path() + "/ca.pem");
}

TEST_F(SettingsTest, ExtraCaCertsMustBeReadablePem) {
  EXPECT_EQ(fail("CX_EXTRA_CA_CERTS=~/none.pem\n").message,
            "cfg:4:19: CX_EXTRA_CA_CERTS: cannot read " + tmp_.path() +
                "/none.pem: No such file or directory");
  EXPECT_EQ(
      fail("CX_EXTRA_CA_CERTS=ca.pem\n").message,
      "cfg:4:19: CX_EXTRA_CA_CERTS must be an absolute path (or start with ~/), not `ca.pem`");
  EXPECT_EQ(fail("CX_EXTRA_CA_CERTS=~\n").message, "cfg:4:19: CX_EXTRA_CA_CERTS: cannot read " +
                                                       tmp_.path() +
                                                       ": a directory, not a regular file");
  tmp_.write("junk.pem", "hello\n");
  EXPECT_EQ(fail("CX_EXTRA_CA_CERTS=~/junk.pem\n").message,
            "cfg:4:19: CX_EXTRA_CA_CERTS: " + tmp_.path() + "/junk.pem holds no PEM certificate");
}

// A file of `size` bytes that starts with `head` (the rest is a hole).
std::string sized_file(const TempDir& dir, const std::string& name, const std::string& head,
                       off_t size) {
  const std::string p = dir.write(name, head);
  EXPECT_EQ(truncate(p.c_str(), size), 0);
  return p;
}

TEST_F(SettingsTest, NamedFilesHaveSizeCaps) {
  const std::string pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  sized_file(tmp_, "ca.pem", pem, kMaxCaBundleBytes);
  EXPECT_EQ(ok("CX_EXTRA_CA_CERTS=~/ca.pem\n").extra_ca_certs, tmp_.path() + "/ca.pem");
  sized_file(tmp_, "ca.pem", pem, kMaxCaBundleBytes + 1);
  EXPECT_EQ(fail("CX_EXTRA_CA_CERTS=~/ca.pem\n").message,
            "cfg:4:19: CX_EXTRA_CA_CERTS: cannot read " + tmp_.path() +
                "/ca.pem: larger than the 8 MiB limit");
  sized_file(tmp_, "policy.json", "{}", kMaxSessionPolicyBytes + 1);
  EXPECT_EQ(fail("CX_SESSION_POLICY=~/policy.json\n").message,
            "cfg:4:19: CX_SESSION_POLICY: cannot read " + tmp_.path() +
                "/policy.json: larger than the 64 KiB limit");
}

TEST_F(SettingsTest, NamedFilesMustBeRegular) {
  const std::string fifo = tmp_.path() + "/fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(fail("CX_SESSION_POLICY=~/fifo\n").message,
            "cfg:4:19: CX_SESSION_POLICY: cannot read " + fifo + ": a FIFO, not a regular file");
  EXPECT_EQ(fail("CX_EXTRA_CA_CERTS=/dev/zero\n").message,
            "cfg:4:19: CX_EXTRA_CA_CERTS: cannot read /dev/zero: a character device, not a "
            "regular file");
}

TEST_F(SettingsTest, UnreadableFileIsRefused) {
  if (geteuid() == 0) GTEST_SKIP() << "root can read any file";
  tmp_.write("ca.pem", "-----BEGIN CERTIFICATE-----\n", 0000);
  EXPECT_THAT(fail("CX_EXTRA_CA_CERTS=~/ca.pem\n").message, HasSubstr("Permission denied"));
}

TEST_F(SettingsTest, SessionPolicy) {
  tmp_.write("policy.json", R"({"Version":"2012-10-17","Statement":[]})");
  EXPECT_EQ(ok("CX_SESSION_POLICY=~/policy.json\n").session_policy, tmp_.path() + "/policy.json");
  EXPECT_THAT(fail("CX_SESSION_POLICY=/nonexistent/p.json\n").message,
              StartsWith("cfg:4:19: CX_SESSION_POLICY: cannot read /nonexistent/p.json"));
}

// --- AssumeRole parameters --------------------------------------------------------------------

TEST_F(SettingsTest, ExternalIdAndSessionName) {
  const Settings s = ok("CX_EXTERNAL_ID=ext-123\nCX_ROLE_SESSION_NAME=cx-me\n");
  EXPECT_EQ(s.external_id, "ext-123");
  EXPECT_EQ(s.role_session_name, "cx-me");
  EXPECT_THAT(fail("CX_EXTERNAL_ID=x\n").message, StartsWith("cfg:4:16: CX_EXTERNAL_ID must be"));
  EXPECT_THAT(fail("CX_ROLE_SESSION_NAME='a b'\n").message,
              StartsWith("cfg:4:22: CX_ROLE_SESSION_NAME must be"));
}

// --- forwarding and lookup ---------------------------------------------------------------------

TEST_F(SettingsTest, ForwardHasEveryOtherKeyOnceWithItsLastValue) {
  const Settings s =
      ok("FOO=1\n"
         "AWS_REGION=us-west-2\n"
         "CX_NETWORK=open\n"
         "BAR=$FOO-x\n"
         "FOO=2\n"
         "AWS_PROFILE=p\n"
         "EMPTY=\n"
         "AWS_ENDPOINT_URL_STS=http://sts.local\n");
  EXPECT_THAT(s.forward, ElementsAre(EnvVar{"FOO", "2"}, EnvVar{"AWS_REGION", "us-west-2"},
                                     EnvVar{"BAR", "1-x"}, EnvVar{"EMPTY", ""},
                                     EnvVar{"AWS_ENDPOINT_URL_STS", "http://sts.local"}));
}

TEST_F(SettingsTest, ContainerVariablesAreTheFileThenPassEnvWhichWins) {
  vars_["ANTHROPIC_DEFAULT_HAIKU_MODEL"] = "from-host";
  vars_["EMPTY_ON_HOST"] = "";
  const Settings s =
      ok("ANTHROPIC_MODEL=m\n"
         "ANTHROPIC_DEFAULT_HAIKU_MODEL=from-file\n"
         "CX_PASS_ENV='NOT_SET EMPTY_ON_HOST ANTHROPIC_DEFAULT_HAIKU_MODEL'\n");
  EXPECT_THAT(container_variables(s, env()),
              ElementsAre(EnvVar{"ANTHROPIC_MODEL", "m"},
                          EnvVar{"ANTHROPIC_DEFAULT_HAIKU_MODEL", "from-host"},
                          EnvVar{"EMPTY_ON_HOST", ""}));
}

TEST_F(SettingsTest, ConsumedKeysAreNeverForwarded) {
  const Settings s =
      ok("AWS_PROFILE=p\nAWS_SESSION_DURATION=1000\nCLAUDE_OPTIONS=-x\nCX_CACHE=0\n"
         "CX_PERSIST=none\n");
  EXPECT_THAT(s.forward, IsEmpty());
}

TEST_F(SettingsTest, LastAssignmentWinsForCxKeys) {
  const Settings s = ok("CX_NETWORK=open\nCX_NETWORK=allowlist\nRUNTIME=podman\n");
  EXPECT_EQ(s.network, NetworkMode::kAllowlist);
  EXPECT_EQ(s.runtime, "podman");
}

TEST_F(SettingsTest, ErrorsPointAtTheWinningAssignment) {
  EXPECT_THAT(fail("CX_CACHE=0\nCX_CACHE=2\n").message, StartsWith("cfg:5:10: "));
}

TEST_F(SettingsTest, LookupReturnsRawValues) {
  const Settings s = ok("AWS_ENDPOINT_URL_STS=http://a\nAWS_ENDPOINT_URL_STS=http://b\nX=\n");
  EXPECT_EQ(s.lookup("AWS_ENDPOINT_URL_STS"), "http://b");
  EXPECT_EQ(s.lookup("X"), "");
  EXPECT_EQ(s.lookup("RUNTIME"), "docker");
  EXPECT_EQ(s.lookup("NOPE"), std::nullopt);
}

// --- names of modes ----------------------------------------------------------------------------

TEST(SettingsNames, RoundTrip) {
  for (auto m : {NetworkMode::kAllowlist, NetworkMode::kOpen}) {
    EXPECT_EQ(parse_network_mode(to_string(m)), m);
  }
  for (auto m : {PersistMode::kProject, PersistMode::kShared, PersistMode::kNone}) {
    EXPECT_EQ(parse_persist_mode(to_string(m)), m);
  }
  for (auto m : {CredentialsMode::kBroker, CredentialsMode::kEnv}) {
    EXPECT_EQ(parse_credentials_mode(to_string(m)), m);
  }
  for (auto k : {RuntimeKind::kDocker, RuntimeKind::kPodman, RuntimeKind::kNerdctl}) {
    EXPECT_EQ(*parse_runtime(to_string(k)), k);
  }
  EXPECT_EQ(to_string(RuntimeKind::kPodman), "podman");
  EXPECT_EQ(parse_network_mode("OPEN"), std::nullopt);
  EXPECT_EQ(parse_persist_mode(""), std::nullopt);
}

// --- the file ----------------------------------------------------------------------------------

TEST(ConfigPath, EnvFileWins) {
  EXPECT_EQ(*config_path(env_from_map({{"ENV_FILE", "/x/cfg"}, {"HOME", "/h"}})), "/x/cfg");
}

TEST(ConfigPath, DefaultsToHome) {
  EXPECT_EQ(*config_path(env_from_map({{"HOME", "/h"}})), "/h/.claude-exec");
  EXPECT_EQ(*config_path(env_from_map({{"ENV_FILE", ""}, {"HOME", "/h"}})), "/h/.claude-exec");
}

TEST(ConfigPath, NoHomeIsAnError) {
  auto r = config_path(env_from_map({}));
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().hint, HasSubstr("ENV_FILE"));
}

TEST_F(SettingsTest, LoadMissingFile) {
  auto r = load_settings(tmp_.path() + "/nope", env());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "cannot read config file " + tmp_.path() + "/nope: No such file or directory");
  EXPECT_THAT(r.error().hint, HasSubstr("copy .claude-exec.example to ~/.claude-exec"));
  EXPECT_THAT(r.error().hint, HasSubstr("cx init"));
}

TEST_F(SettingsTest, LoadDirectory) {
  auto r = load_settings(tmp_.path(), env());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "cannot read config file " + tmp_.path() + ": a directory, not a regular file");
  EXPECT_THAT(r.error().hint, HasSubstr("regular file"));
}

// A FIFO or a device as the config (ENV_FILE=/dev/zero) is refused at once:
// no open that waits for a writer, no read that never ends.
TEST_F(SettingsTest, LoadRefusesFifosAndDevices) {
  const std::string fifo = tmp_.path() + "/fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  auto load = [this](const std::string& path) {
    return cx::test_util::in_bounded_child([&] {
      auto r = load_settings(path, env());
      return r.ok() ? std::string("loaded") : r.error().message;
    });
  };
  EXPECT_EQ(load(fifo), "cannot read config file " + fifo + ": a FIFO, not a regular file");
  EXPECT_EQ(load("/dev/zero"),
            "cannot read config file /dev/zero: a character device, not a regular file");
}

TEST_F(SettingsTest, LoadRefusesAFileOverOneMebibyte) {
  std::string text = kRequired;
  text += "# " + std::string(kMaxConfigBytes - text.size() - 3, 'x') + "\n";
  ASSERT_EQ(text.size(), kMaxConfigBytes);
  const std::string p = tmp_.write("cfg", text);
  auto r = load_settings(p, env());
  EXPECT_TRUE(r.ok()) << r.error().message;
  tmp_.write("cfg", text + "\n");
  r = load_settings(p, env());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "cannot read config file " + p + ": larger than the 1 MiB limit");
  EXPECT_THAT(r.error().hint, HasSubstr("at most 1 MiB"));
}

TEST_F(SettingsTest, LoadPrivateFileHasNoWarning) {
  const std::string p = tmp_.write("cfg", kRequired, 0600);
  auto r = load_settings(p, env());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->path, p);
  EXPECT_THAT(r->warnings, IsEmpty());
}

TEST_F(SettingsTest, LoadWarnsWhenOthersCanRead) {
  for (mode_t mode : {0644, 0640, 0604}) {
    const std::string p = tmp_.write("cfg", kRequired, mode);
    auto r = load_settings(p, env());
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->warnings.size(), 1u) << mode;
    EXPECT_THAT(r->warnings[0], HasSubstr(p + " is readable by other users"));
    EXPECT_THAT(r->warnings[0], HasSubstr("chmod 600 " + p));
  }
}

TEST_F(SettingsTest, LoadWarnsWhenOthersCanWrite) {
  const std::string p = tmp_.write("cfg", kRequired, 0620);
  auto r = load_settings(p, env());
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_THAT(r->warnings[0], HasSubstr("writable by other users (mode 0620)"));
}

TEST_F(SettingsTest, LoadKeepsEveryWarningPermissionsFirst) {
  const std::string p = tmp_.write(
      "cfg", std::string(kRequired) + "AWS_ENDPOINT_URL_STS=http://x\nAWS_SESSION_DURATION=100\n",
      0644);
  auto r = load_settings(p, env());
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->warnings.size(), 2u);
  EXPECT_THAT(r->warnings[0], HasSubstr("readable by other users"));
  EXPECT_THAT(r->warnings[1], HasSubstr("AWS_SESSION_DURATION=100"));
}

TEST_F(SettingsTest, LoadReportsSyntaxErrorsWithThePath) {
  const std::string p = tmp_.write("cfg", "RUNTIME=$(which docker)\n");
  auto r = load_settings(p, env());
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, StartsWith(p + ":1:9: command substitution"));
}

// --- the example config --------------------------------------------------------------------------

std::string example_path() { return std::string(CX_TESTDATA_DIR) + "/../../.claude-exec.example"; }

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST_F(SettingsTest, ExampleConfigLoads) {
  auto r = load_settings(example_path(), env());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->runtime, "docker");
  EXPECT_EQ(r->image_tag, "cx:latest");
  EXPECT_EQ(r->aws_iam_role, "arn:aws:iam::123456789012:role/ClaudeCode");
  EXPECT_EQ(r->aws_region, "us-east-1");
  EXPECT_THAT(r->forward, ElementsAre(EnvVar{"AWS_REGION", "us-east-1"},
                                      EnvVar{"CLAUDE_CODE_USE_BEDROCK", "1"}));
}

// Uncommenting any example line must give a line the parser accepts, and the
// example must show every key of docs/contract.md §Keys.
TEST_F(SettingsTest, ExampleConfigDocumentsEveryKeyInValidSyntax) {
  const std::string text = read(example_path());
  ASSERT_FALSE(text.empty());
  std::istringstream lines(text);
  std::string line;
  std::string uncommented;
  std::set<std::string> keys;
  while (std::getline(lines, line)) {
    if (line.starts_with("# ") && line.find('=') != std::string::npos &&
        line.find(' ', 2) > line.find('=')) {
      line = line.substr(2);
    }
    uncommented += line + "\n";
  }
  vars_["AWS_PROFILE"] = "x";
  auto parsed = parse_config(uncommented, "example", env());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  for (const Assignment& a : parsed->assignments()) {
    keys.insert(a.key);
    EXPECT_NE(classify_key(a.key), KeyClass::kUnknownCx) << a.key;
  }
  for (const char* k :
       {"RUNTIME", "IMAGE_TAG", "AWS_IAM_ROLE", "AWS_REGION", "AWS_PROFILE", "AWS_SESSION_DURATION",
        "CLAUDE_CODE_USE_BEDROCK", "ANTHROPIC_MODEL", "CLAUDE_OPTIONS"}) {
    EXPECT_TRUE(keys.count(k)) << k << " missing from the example";
  }
  for (std::string_view k : known_cx_keys()) {
    EXPECT_TRUE(keys.count(std::string(k))) << k << " missing from the example";
  }
}

}  // namespace
}  // namespace cx::config
