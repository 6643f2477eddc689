#include "aws/sources/credential_process.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "fakes.h"

namespace cx::aws::sources {
namespace {

using namespace fakes;
using ::testing::HasSubstr;
using ::testing::Not;

struct CredentialProcessTest : ::testing::Test {
  TempDir dir;
  FakeHttp http;
  FixedClock clock{test_now()};
  SourceContext ctx{env_of({}), http, clock};

  // Writes an executable shell script and returns its path.
  std::string script(const std::string& name, const std::string& body) {
    std::string path = dir.write(name, "#!/bin/sh\n" + body);
    ::chmod(path.c_str(), 0755);
    return path;
  }
  Result<Credentials> run(const std::string& command) {
    return fetch(profile::CredentialProcess{"dev", command}, ctx);
  }
};

const char* kGood =
    R"({"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "s3cr3t-value",
        "SessionToken": "tok", "Expiration": "2024-05-01T13:00:00Z"})";

TEST(SplitCommandLine, FollowsShlexRules) {
  auto words = [](const std::string& s) { return split_command_line(s).value(); };
  using V = std::vector<std::string>;
  EXPECT_EQ(words("  helper  --x 1 "), (V{"helper", "--x", "1"}));
  EXPECT_EQ(words(R"(/opt/my tool/bin 'a b' "c d")"), (V{"/opt/my", "tool/bin", "a b", "c d"}));
  EXPECT_EQ(words(R"(a"b c"d)"), (V{"ab cd"}));
  EXPECT_EQ(words(R"(x '' "")"), (V{"x", "", ""}));
  EXPECT_EQ(words(R"(a\ b \$HOME)"), (V{"a b", "$HOME"}));
  EXPECT_EQ(words(R"("q\"uote" "back\\slash" "keep\n" 'single\')"),
            (V{"q\"uote", "back\\slash", "keep\\n", "single\\"}));
  EXPECT_EQ(words("$HOME ~/x a|b #c"), (V{"$HOME", "~/x", "a|b", "#c"}));  // no shell
  EXPECT_TRUE(words(" \t ").empty());
  EXPECT_FALSE(split_command_line("a 'b").ok());
  EXPECT_FALSE(split_command_line("a \"b\\\"").ok());
  EXPECT_FALSE(split_command_line("a \\").ok());
}

TEST_F(CredentialProcessTest, RunsTheCommandWithArgumentsAndParsesItsOutput) {
  std::string path =
      script("with space/helper.sh",
             "[ \"$1\" = 'two words' ] || exit 9\ncat <<'J'\n" + std::string(kGood) + "\nJ\n");
  auto c = run("'" + path + "' 'two words'");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->access_key_id, "AKIDPROC");
  EXPECT_EQ(c->secret_access_key, "s3cr3t-value");
  EXPECT_EQ(c->session_token, "tok");
  EXPECT_EQ(c->expiration, test_now() + std::chrono::hours(1));
}

TEST_F(CredentialProcessTest, LongTermKeysNeedNoTokenOrExpiration) {
  auto c = run(script("h", R"(echo '{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S"}')"));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_FALSE(c->temporary());
  EXPECT_FALSE(c->expiration.has_value());
}

TEST_F(CredentialProcessTest, StderrGoesToTheTerminalNotIntoErrors) {
  std::string path =
      script("h", "echo 'helper says hi' >&2\necho '" + std::string(kGood) + "' | tr -d '\\n'\n");
  ::testing::internal::CaptureStderr();
  auto c = run(path);
  std::string err = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(err, "helper says hi\n");
}

TEST_F(CredentialProcessTest, NonZeroExitNamesProfileAndStatus) {
  ::testing::internal::CaptureStderr();
  auto c = run(script("h", "echo 'login required' >&2\nexit 3\n"));
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "login required\n");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().message,
            "the credential_process of profile \"dev\" failed with exit status 3");
  EXPECT_FALSE(c.error().hint.empty());
}

TEST_F(CredentialProcessTest, GarbageOutputIsNeverEchoed) {
  auto c = run(script("h", "echo 'AKIDLEAK wJalrXUtnFEMI/K7MDENG oops'\n"));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(
      c.error().message,
      "the credential_process of profile \"dev\" printed something that is not a JSON object");
  EXPECT_THAT(c.error().message + c.error().hint, Not(HasSubstr("wJalr")));
  auto empty = run(script("e", "true\n"));
  EXPECT_THAT(empty.error().message, HasSubstr("printed nothing on stdout"));
  auto array = run(script("a", "echo '[1]'\n"));
  EXPECT_THAT(array.error().message, HasSubstr("not a JSON object"));
}

TEST(ParseProcessOutput, MissingFieldsAndVersions) {
  FixedClock clock{test_now()};
  auto err = [&](const std::string& out) {
    auto r = parse_process_output("dev", out, clock);
    EXPECT_FALSE(r.ok()) << out;
    return r.ok() ? std::string() : r.error().message;
  };
  EXPECT_THAT(err(R"({"AccessKeyId":"A","SecretAccessKey":"S"})"), HasSubstr("no \"Version\""));
  EXPECT_THAT(err(R"({"Version":2,"AccessKeyId":"A","SecretAccessKey":"S"})"),
              HasSubstr("unsupported \"Version\""));
  EXPECT_THAT(err(R"({"Version":"1","AccessKeyId":"A","SecretAccessKey":"S"})"),
              HasSubstr("unsupported \"Version\""));
  EXPECT_EQ(err(R"({"Version":1,"SecretAccessKey":"hidden"})"),
            "the credential_process of profile \"dev\" printed no \"AccessKeyId\"");
  EXPECT_THAT(err(R"({"Version":1,"AccessKeyId":"A","SecretAccessKey":""})"),
              HasSubstr("no \"SecretAccessKey\""));
  EXPECT_THAT(err(R"({"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","SessionToken":5})"),
              HasSubstr("\"SessionToken\" that is not a string"));
  EXPECT_THAT(err(R"({"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"soon"})"),
              HasSubstr("not an ISO-8601 time"));
  EXPECT_TRUE(parse_process_output(
                  "dev", R"({"Version":1.0,"AccessKeyId":"A","SecretAccessKey":"S","x":{}})", clock)
                  .ok());
}

TEST(ParseProcessOutput, AlreadyExpiredIsAnError) {
  FixedClock clock{test_now()};
  auto r = parse_process_output(
      "dev",
      R"({"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","SessionToken":"T",
          "Expiration":"2024-05-01T11:59:59Z"})",
      clock);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "the credential_process of profile \"dev\" printed credentials that expired at "
            "2024-05-01T11:59:59Z");
}

TEST_F(CredentialProcessTest, HungHelperIsStoppedAtTheTimeout) {
  ctx.process_timeout = std::chrono::milliseconds(300);
  auto start = std::chrono::steady_clock::now();
  auto c = run(script("h", "exec sleep 30\n"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.error().message, HasSubstr("did not finish within 300 ms and was stopped"));
}

TEST_F(CredentialProcessTest, EndlessOutputIsStoppedAtOneMebibyte) {
  auto c = run(script("z", "exec cat /dev/zero\n"));
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.error().message, HasSubstr("wrote more than 1024 KiB and was stopped"));
}

TEST_F(CredentialProcessTest, UnstartableOrUnparsableCommands) {
  auto missing = run("cx-no-such-helper-xyz --flag");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.error().message,
              HasSubstr("the credential_process of profile \"dev\" could not be started"));
  auto quote = run("helper 'unclosed");
  EXPECT_THAT(quote.error().message, HasSubstr("cannot be parsed: the command has an unclosed"));
  EXPECT_THAT(run("   ").error().message, HasSubstr("is empty"));
}

}  // namespace
}  // namespace cx::aws::sources
