#include "aws/sts_errors.h"

#include <gtest/gtest.h>

namespace cx::aws {
namespace {

StsCallContext assume(SourceIdentity who = {"dev", false}) {
  StsCallContext ctx;
  ctx.action = "AssumeRole";
  ctx.role_arn = "arn:aws:iam::123456789012:role/demo";
  ctx.duration_seconds = 7200;
  ctx.region = "eu-south-2";
  ctx.source = std::move(who);
  return ctx;
}

Error explain(const std::string& code, const std::string& message,
              const StsCallContext& ctx = assume()) {
  return explain_sts_error(StsErrorDocument{"Sender", code, message, "rid-9"}, ctx);
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(StsErrors, AccessDeniedMentionsExternalIdWhenOneWasSent) {
  StsCallContext ctx = assume();
  ctx.external_id = true;
  Error e = explain("AccessDenied", "not authorized", ctx);
  EXPECT_EQ(e.message,
            "not allowed to assume role arn:aws:iam::123456789012:role/demo: not authorized");
  EXPECT_TRUE(has(e.hint, "CX_EXTERNAL_ID"));
  EXPECT_TRUE(has(e.hint, "aws iam get-role --role-name demo"));
}

TEST(StsErrors, WrongMfaCode) {
  Error e = explain("AccessDenied",
                    "MultiFactorAuthentication failed with invalid MFA one time "
                    "pass code.");
  EXPECT_TRUE(has(e.message, "MFA code"));
  EXPECT_TRUE(has(e.hint, "current code"));
}

TEST(StsErrors, WebIdentityAccessDeniedTalksAboutTheProvider) {
  StsCallContext ctx = assume({});
  ctx.action = "AssumeRoleWithWebIdentity";
  EXPECT_TRUE(has(explain("AccessDenied", "Not authorized", ctx).hint, "Federated"));
  EXPECT_EQ(explain("ExpiredTokenException", "Token expired", ctx).message,
            "the web identity token has expired");
  EXPECT_TRUE(has(explain("InvalidIdentityToken", "bad issuer", ctx).message, "bad issuer"));
}

TEST(StsErrors, InvalidKeys) {
  Error e =
      explain("InvalidClientTokenId", "The security token included in the request is invalid.");
  EXPECT_EQ(e.message, "STS does not know the access key of the source credentials of profile dev");
  EXPECT_TRUE(has(e.hint, "aws sts get-caller-identity --profile dev"));
  Error env = explain("InvalidClientTokenId", "x", assume({}));
  EXPECT_TRUE(has(env.message, "AWS_ACCESS_KEY_ID in the environment"));
}

TEST(StsErrors, ClockSkew) {
  EXPECT_TRUE(has(explain("SignatureDoesNotMatch",
                          "Signature expired: 20240101T000000Z is now earlier than ...")
                      .message,
                  "clock"));
  EXPECT_TRUE(has(explain("RequestExpired", "Request has expired").hint, "clock"));
}

TEST(StsErrors, ExpiredNonSsoAndEnvironmentCredentials) {
  Error profile = explain("ExpiredToken", "expired");
  EXPECT_EQ(profile.message, "the source credentials of profile dev have expired");
  EXPECT_EQ(profile.hint,
            "refresh the credentials of profile dev (re-run the tool that wrote them)");
  Error env = explain("ExpiredToken", "expired", assume({}));
  EXPECT_TRUE(has(env.hint, "AWS_SESSION_TOKEN"));
}

TEST(StsErrors, RoleChainingLimit) {
  Error e = explain("ValidationError",
                    "The requested DurationSeconds exceeds the 1 hour session limit for roles "
                    "assumed by role chaining.");
  EXPECT_EQ(e.message,
            "the session duration 7200 s exceeds the 1-hour limit of role chaining (the source "
            "credentials are themselves from a role)");
  EXPECT_EQ(e.hint, "set AWS_SESSION_DURATION=3600 or less");
}

TEST(StsErrors, OtherValidationErrors) {
  EXPECT_TRUE(has(explain("ValidationError",
                          "1 validation error detected: Value 'a b' at 'roleSessionName' failed")
                      .hint,
                  "CX_ROLE_SESSION_NAME"));
  Error generic = explain("ValidationError", "Something else");
  EXPECT_EQ(generic.message, "STS AssumeRole failed with ValidationError: Something else");
  EXPECT_TRUE(has(explain("MalformedPolicyDocument", "bad json").hint, "CX_SESSION_POLICY"));
}

TEST(StsErrors, RegionDisabled) {
  Error e = explain("RegionDisabledException", "STS is not activated in this region");
  EXPECT_EQ(e.message, "STS is not activated in region eu-south-2 for this account");
  EXPECT_TRUE(has(e.hint, "AWS_STS_REGIONAL_ENDPOINTS=legacy"));
}

TEST(StsErrors, ThrottlingAndUnknownCodes) {
  EXPECT_TRUE(is_throttling_code("Throttling"));
  EXPECT_TRUE(is_throttling_code("ThrottlingException"));
  EXPECT_TRUE(is_throttling_code("RequestLimitExceeded"));
  EXPECT_FALSE(is_throttling_code("AccessDenied"));
  EXPECT_TRUE(has(explain("Throttling", "Rate exceeded").message, "throttled AssumeRole"));
  Error other = explain("PackedPolicyTooLarge2", "too big");
  EXPECT_EQ(other.message, "STS AssumeRole failed with PackedPolicyTooLarge2: too big");
  EXPECT_EQ(other.hint, "AWS request id: rid-9");
}

}  // namespace
}  // namespace cx::aws
