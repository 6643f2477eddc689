#include "aws/sts.h"

#include <gtest/gtest.h>

#include "fake_http_client.h"
#include "util/iso8601.h"

namespace cx::aws {
namespace {

using testing::FakeHttpClient;

class FixedClock : public Clock {
 public:
  SystemTime now() const override { return *parse_iso8601("2024-01-02T03:04:05Z"); }
};

constexpr const char* kCreds =
    "<AssumeRoleResponse><AssumeRoleResult><AssumedRoleUser>"
    "<Arn>arn:aws:sts::123456789012:assumed-role/demo/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId>"
    "</AssumedRoleUser><Credentials><AccessKeyId>ASIANEW</AccessKeyId>"
    "<SecretAccessKey>newsecret</SecretAccessKey><SessionToken>newtoken</SessionToken>"
    "<Expiration>2024-01-02T04:04:05Z</Expiration></Credentials></AssumeRoleResult>"
    "</AssumeRoleResponse>";

std::string error_xml(const std::string& code, const std::string& message) {
  return "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>"
         "<Type>Sender</Type><Code>" +
         code + "</Code><Message>" + message + "</Message></Error><RequestId>rid-1</RequestId>" +
         "</ErrorResponse>";
}

std::string header(const HttpRequest& req, const std::string& name) {
  for (const auto& [n, v] : req.headers) {
    if (n == name) return v;
  }
  return {};
}

class StsClientTest : public ::testing::Test {
 protected:
  StsClient client(StsEndpoint endpoint = {"https://sts.eu-west-1.amazonaws.com", "eu-west-1",
                                           false}) {
    RetryHooks hooks{[this](Millis d) {
                       sleeps.push_back(d);
                       now += d;
                     },
                     [] { return 1.0; },  // the longest wait: makes deadlines easy to hit
                     [this] { return now; }};
    return StsClient(http, std::move(endpoint), clock, policy, std::move(hooks));
  }

  AssumeRoleParams role() {
    AssumeRoleParams p;
    p.role_arn = "arn:aws:iam::123456789012:role/team/demo";
    p.session_name = "cx-alice-repo";
    p.duration_seconds = 3600;
    return p;
  }

  FakeHttpClient http;
  FixedClock clock;
  RetryPolicy policy;
  std::vector<Millis> sleeps;
  std::chrono::steady_clock::time_point now{};
  Credentials source{"AKIDSOURCE", "sourcesecret", "", std::nullopt};
};

TEST_F(StsClientTest, AssumeRoleSendsASignedFormPost) {
  http.respond(200, kCreds);
  AssumeRoleParams p = role();
  p.external_id = "ext id";
  p.policy =
      R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::a+b/*"}]})";
  p.serial_number = "arn:aws:iam::123456789012:mfa/alice";
  p.token_code = "123456";
  auto r = client().assume_role(source, p, {"dev", false});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->credentials.access_key_id, "ASIANEW");
  EXPECT_EQ(r->credentials.session_token, "newtoken");
  EXPECT_EQ(r->arn, "arn:aws:sts::123456789012:assumed-role/demo/s");

  ASSERT_EQ(http.requests.size(), 1u);
  const HttpRequest& req = http.requests[0];
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, "https://sts.eu-west-1.amazonaws.com");
  EXPECT_EQ(req.body,
            "Action=AssumeRole&Version=2011-06-15"
            "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fteam%2Fdemo"
            "&RoleSessionName=cx-alice-repo&DurationSeconds=3600&ExternalId=ext+id"
            "&Policy=%7B%22Version%22%3A+%222012-10-17%22%2C+%22Statement%22%3A+%5B%7B"
            "%22Effect%22%3A+%22Allow%22%2C+%22Action%22%3A+%22s3%3AGet%2A%22%2C+"
            "%22Resource%22%3A+%22arn%3Aaws%3As3%3A%3A%3Aa%2Bb%2F%2A%22%7D%5D%7D"
            "&SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Falice&TokenCode=123456");
  EXPECT_EQ(header(req, "Content-Type"), "application/x-www-form-urlencoded; charset=utf-8");
  EXPECT_EQ(header(req, "Host"), "sts.eu-west-1.amazonaws.com");
  EXPECT_EQ(header(req, "X-Amz-Date"), "20240102T030405Z");
  EXPECT_EQ(header(req, "X-Amz-Security-Token"), "");
  EXPECT_EQ(header(req, "X-Amz-Content-Sha256"), "");
  EXPECT_EQ(
      header(req, "Authorization")
          .rfind("AWS4-HMAC-SHA256 Credential=AKIDSOURCE/20240102/eu-west-1/sts/aws4_request, "
                 "SignedHeaders=content-type;host;x-amz-date, Signature=",
                 0),
      0u)
      << header(req, "Authorization");
  EXPECT_EQ(req.timeout, Millis(10000));
}

TEST_F(StsClientTest, MinimalAssumeRoleSendsOnlyWhatIsSet) {
  http.respond(200, kCreds);
  AssumeRoleParams p = role();
  p.duration_seconds.reset();
  ASSERT_TRUE(client().assume_role(source, p).ok());
  EXPECT_EQ(http.requests[0].body,
            "Action=AssumeRole&Version=2011-06-15"
            "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fteam%2Fdemo"
            "&RoleSessionName=cx-alice-repo");
}

TEST_F(StsClientTest, TemporarySourceCredentialsSignTheToken) {
  http.respond(200, kCreds);
  source.session_token = "sourcetoken";
  ASSERT_TRUE(client().assume_role(source, role()).ok());
  EXPECT_EQ(header(http.requests[0], "X-Amz-Security-Token"), "sourcetoken");
  EXPECT_NE(header(http.requests[0], "Authorization")
                .find("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token,"),
            std::string::npos);
}

TEST_F(StsClientTest, GlobalEndpointSignsForUsEast1) {
  http.respond(200, kCreds);
  ASSERT_TRUE(
      client({"https://sts.amazonaws.com", "us-east-1", false}).assume_role(source, role()).ok());
  EXPECT_NE(header(http.requests[0], "Authorization").find("/us-east-1/sts/aws4_request"),
            std::string::npos);
}

TEST_F(StsClientTest, GetSessionTokenWithMfa) {
  http.respond(200,
               "<GetSessionTokenResponse><GetSessionTokenResult><Credentials>"
               "<AccessKeyId>ASIAMFA</AccessKeyId><SecretAccessKey>s</SecretAccessKey>"
               "<SessionToken>t</SessionToken><Expiration>2024-01-02T15:04:05Z</Expiration>"
               "</Credentials></GetSessionTokenResult></GetSessionTokenResponse>");
  auto r = client().get_session_token(
      source, {43200, "arn:aws:iam::123456789012:mfa/alice", "654321"}, {"dev", false});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->access_key_id, "ASIAMFA");
  EXPECT_EQ(format_iso8601(*r->expiration), "2024-01-02T15:04:05Z");
  EXPECT_EQ(http.requests[0].body,
            "Action=GetSessionToken&Version=2011-06-15&DurationSeconds=43200"
            "&SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Falice&TokenCode=654321");
  EXPECT_FALSE(header(http.requests[0], "Authorization").empty());
}

TEST_F(StsClientTest, AssumeRoleWithWebIdentityIsNotSigned) {
  http.respond(200,
               "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult>"
               "<AssumedRoleUser><Arn>arn:aws:sts::1:assumed-role/ci/s</Arn>"
               "<AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser><Credentials>"
               "<AccessKeyId>ASIAWEB</AccessKeyId><SecretAccessKey>s</SecretAccessKey>"
               "<SessionToken>t</SessionToken><Expiration>2024-01-02T04:04:05Z</Expiration>"
               "</Credentials></AssumeRoleWithWebIdentityResult>"
               "</AssumeRoleWithWebIdentityResponse>");
  auto r = client().assume_role_with_web_identity(
      {"arn:aws:iam::1:role/ci", "s", "eyJ.payload.sig", 900});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->credentials.access_key_id, "ASIAWEB");
  EXPECT_EQ(r->arn, "arn:aws:sts::1:assumed-role/ci/s");
  const HttpRequest& req = http.requests[0];
  EXPECT_EQ(req.body,
            "Action=AssumeRoleWithWebIdentity&Version=2011-06-15"
            "&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fci&RoleSessionName=s"
            "&WebIdentityToken=eyJ.payload.sig&DurationSeconds=900");
  EXPECT_EQ(header(req, "Authorization"), "");
  EXPECT_EQ(header(req, "X-Amz-Date"), "");
}

TEST_F(StsClientTest, GetCallerIdentity) {
  http.respond(200,
               "<GetCallerIdentityResponse><GetCallerIdentityResult>"
               "<Arn>arn:aws:iam::123456789012:user/alice</Arn><UserId>AIDA</UserId>"
               "<Account>123456789012</Account></GetCallerIdentityResult>"
               "</GetCallerIdentityResponse>");
  auto r = client().get_caller_identity(source);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->account, "123456789012");
  EXPECT_EQ(http.requests[0].body, "Action=GetCallerIdentity&Version=2011-06-15");
}

TEST_F(StsClientTest, AccessDeniedNamesTheRoleAndIsNotRetried) {
  http.respond(403, error_xml("AccessDenied",
                              "User: arn:aws:iam::123456789012:user/alice is not authorized to "
                              "perform: sts:AssumeRole on resource: "
                              "arn:aws:iam::123456789012:role/team/demo"));
  auto r = client().assume_role(source, role(), {"dev", false});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(http.requests.size(), 1u);
  EXPECT_EQ(r.error().message.rfind(
                "not allowed to assume role arn:aws:iam::123456789012:role/team/demo: User: ", 0),
            0u)
      << r.error().message;
  EXPECT_NE(r.error().hint.find("trust policy of role demo"), std::string::npos);
  EXPECT_NE(r.error().hint.find("aws sts get-caller-identity --profile dev"), std::string::npos);
}

TEST_F(StsClientTest, ExpiredSsoTokenSaysToLogIn) {
  http.respond(400,
               error_xml("ExpiredToken", "The security token included in the request is expired"));
  source.session_token = "old";
  auto r = client().assume_role(source, role(), {"corp-sso", true});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "the source credentials of profile corp-sso have expired");
  EXPECT_EQ(r.error().hint, "run `aws sso login --profile corp-sso`");
}

TEST_F(StsClientTest, DurationTooLongPointsAtMaxSessionDuration) {
  http.respond(400, error_xml("ValidationError",
                              "The requested DurationSeconds exceeds the MaxSessionDuration set "
                              "for this role."));
  AssumeRoleParams p = role();
  p.duration_seconds = 43200;
  auto r = client().assume_role(source, p);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "the session duration 43200 s exceeds the maximum session duration of role "
            "arn:aws:iam::123456789012:role/team/demo");
  EXPECT_EQ(r.error().hint,
            "raise it with `aws iam update-role --role-name demo --max-session-duration 43200`, or "
            "lower AWS_SESSION_DURATION");
}

TEST_F(StsClientTest, ThrottlingIsRetriedWithBackoffThenSucceeds) {
  http.respond(400, error_xml("Throttling", "Rate exceeded"));
  http.respond(503, "<html>Service Unavailable</html>");
  http.respond(200, kCreds);
  auto r = client().assume_role(source, role());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(http.requests.size(), 3u);
  EXPECT_EQ(sleeps, (std::vector<Millis>{Millis(200), Millis(400)}));
  // Each attempt is signed again.
  EXPECT_FALSE(header(http.requests[2], "Authorization").empty());
  EXPECT_EQ(std::count_if(http.requests[2].headers.begin(), http.requests[2].headers.end(),
                          [](const auto& h) { return h.first == "Authorization"; }),
            1);
}

TEST_F(StsClientTest, GivesUpAfterMaxAttemptsOnThrottling) {
  http.respond(400, error_xml("ThrottlingException", "Rate exceeded"));
  auto r = client().assume_role(source, role());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(http.requests.size(), 4u);
  EXPECT_EQ(sleeps.size(), 3u);
  EXPECT_EQ(r.error().message,
            "STS kept throttling AssumeRole (ThrottlingException: Rate exceeded) after 4 attempts");
  EXPECT_FALSE(r.error().hint.empty());
}

TEST_F(StsClientTest, ServerErrorsAreRetriedThenReported) {
  http.respond(500, error_xml("InternalFailure", "oops"));
  auto r = client().get_caller_identity(source);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(http.requests.size(), 4u);
  EXPECT_EQ(
      r.error().message,
      "STS answered GetCallerIdentity with HTTP 500 after 4 attempts (InternalFailure: oops)");
}

TEST_F(StsClientTest, NetworkDownSaysWhichEndpointAndHowToChangeIt) {
  http.fail(
      "cannot reach https://sts.eu-west-1.amazonaws.com/: Could not resolve host: "
      "sts.eu-west-1.amazonaws.com");
  auto r = client().assume_role(source, role());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(http.requests.size(), 4u);
  EXPECT_EQ(r.error().message,
            "cannot reach STS at https://sts.eu-west-1.amazonaws.com/: Could not resolve host: "
            "sts.eu-west-1.amazonaws.com (4 attempts)");
  EXPECT_NE(r.error().hint.find("AWS_ENDPOINT_URL_STS"), std::string::npos);
  EXPECT_NE(r.error().hint.find("HTTPS_PROXY"), std::string::npos);
}

TEST_F(StsClientTest, OverallDeadlineStopsRetrying) {
  policy.deadline = Millis(500);  // room for the 200 ms wait, not for the next 400 ms
  http.fail("cannot reach x: timed out");
  auto r = client().assume_role(source, role());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(http.requests.size(), 2u);
  EXPECT_EQ(sleeps, (std::vector<Millis>{Millis(200)}));
  EXPECT_NE(r.error().message.find("(2 attempts)"), std::string::npos);
  // The second attempt may only use what is left of the deadline.
  EXPECT_EQ(http.requests[1].timeout, Millis(300));
}

TEST_F(StsClientTest, HtmlFromAProxyIsAClearErrorNotACrash) {
  http.respond(200, "<html><body>Please log in to the corporate proxy</body></html>",
               {{"content-type", "text/html"}});
  auto ok_status = client().assume_role(source, role());
  ASSERT_FALSE(ok_status.ok());
  EXPECT_NE(ok_status.error().message.find("cannot read"), std::string::npos);
  EXPECT_EQ(http.requests.size(), 1u);
}

TEST_F(StsClientTest, HtmlErrorPageIsAClearError) {
  http.respond(403, "<html>Forbidden by policy</html>", {{"content-type", "text/html"}});
  auto forbidden = client().assume_role(source, role());
  ASSERT_FALSE(forbidden.ok());
  EXPECT_EQ(forbidden.error().message,
            "STS at https://sts.eu-west-1.amazonaws.com/ answered AssumeRole with HTTP 403 and a "
            "body that is not an STS response (text/html)");
  EXPECT_NE(forbidden.error().hint.find("proxy"), std::string::npos);
}

TEST_F(StsClientTest, CustomEndpointIsUsedAsGiven) {
  http.respond(200, kCreds);
  ASSERT_TRUE(
      client({"http://127.0.0.1:5055", "eu-west-1", true}).assume_role(source, role()).ok());
  EXPECT_EQ(http.requests[0].url, "http://127.0.0.1:5055");
  EXPECT_EQ(header(http.requests[0], "Host"), "127.0.0.1:5055");
}

TEST_F(StsClientTest, SecretsNeverAppearInErrors) {
  source.session_token = "sourcetoken";
  http.respond(400, error_xml("SignatureDoesNotMatch",
                              "The request signature we calculated does "
                              "not match the signature you provided."));
  auto r = client().assume_role(source, role(), {"dev", false});
  ASSERT_FALSE(r.ok());
  for (const std::string& text : {r.error().message, r.error().hint}) {
    EXPECT_EQ(text.find("sourcesecret"), std::string::npos);
    EXPECT_EQ(text.find("sourcetoken"), std::string::npos);
  }
  EXPECT_EQ(r.error().message,
            "the secret access key of the source credentials of profile dev does not match its "
            "access key id");
}

}  // namespace
}  // namespace cx::aws
