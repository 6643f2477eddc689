#include "aws/sts_xml.h"

#include <gtest/gtest.h>

#include "util/iso8601.h"

namespace cx::aws {
namespace {

constexpr const char* kAssumeRole =
    R"(<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <SourceIdentity>alice</SourceIdentity>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/demo/cx-alice-repo</Arn>
      <AssumedRoleId>ARO123EXAMPLE123:cx-alice-repo</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <SessionToken>
       AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQW
      </SessionToken>
      <Expiration>2019-11-09T13:34:41.123Z</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>)";

TEST(StsXml, ParsesAssumeRole) {
  auto r = parse_credentials_result(kAssumeRole, "AssumeRole");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->credentials.access_key_id, "ASIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(r->credentials.secret_access_key, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
  EXPECT_EQ(r->credentials.session_token,
            "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQW");
  ASSERT_TRUE(r->credentials.expiration.has_value());
  EXPECT_EQ(format_iso8601(*r->credentials.expiration), "2019-11-09T13:34:41Z");
  EXPECT_EQ(*r->credentials.expiration - *parse_iso8601("2019-11-09T13:34:41Z"),
            std::chrono::milliseconds(123));
  EXPECT_EQ(r->arn, "arn:aws:sts::123456789012:assumed-role/demo/cx-alice-repo");
  EXPECT_EQ(r->assumed_role_id, "ARO123EXAMPLE123:cx-alice-repo");
}

TEST(StsXml, ParsesGetSessionTokenWithoutAssumedRoleUser) {
  auto r = parse_credentials_result(
      "<GetSessionTokenResponse><GetSessionTokenResult><Credentials>"
      "<SessionToken>tok</SessionToken><SecretAccessKey>sec</SecretAccessKey>"
      "<Expiration>2011-07-11T19:55:29Z</Expiration><AccessKeyId>ASIA</AccessKeyId>"
      "</Credentials></GetSessionTokenResult></GetSessionTokenResponse>",
      "GetSessionToken");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->credentials.session_token, "tok");
  EXPECT_TRUE(r->arn.empty());
}

TEST(StsXml, RefusesWrongOrIncompleteDocuments) {
  auto wrong_action = parse_credentials_result(kAssumeRole, "GetSessionToken");
  ASSERT_FALSE(wrong_action.ok());
  EXPECT_NE(wrong_action.error().message.find("GetSessionTokenResponse"), std::string::npos);

  auto html =
      parse_credentials_result("<html><body>Login to the proxy</body></html>", "AssumeRole");
  ASSERT_FALSE(html.ok());
  EXPECT_FALSE(html.error().hint.empty());

  EXPECT_FALSE(parse_credentials_result("", "AssumeRole").ok());
  EXPECT_FALSE(parse_credentials_result("not <xml", "AssumeRole").ok());

  std::string no_token = kAssumeRole;
  no_token.replace(no_token.find("<SessionToken>"), 0, "<!--");
  no_token.replace(no_token.find("</SessionToken>") + 15, 0, "-->");
  EXPECT_FALSE(parse_credentials_result(no_token, "AssumeRole").ok());

  std::string bad_time = kAssumeRole;
  bad_time.replace(bad_time.find("2019-11-09"), 10, "yesterday!");
  auto t = parse_credentials_result(bad_time, "AssumeRole");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("Expiration"), std::string::npos);
  // The secret never shows up in a message.
  EXPECT_EQ(t.error().message.find("wJalr"), std::string::npos);
}

// Found by fuzz_sts_xml: the Expiration text was quoted as sent, escape
// sequences, line breaks and kilobytes of it.
TEST(StsXml, ExpirationInAMessageIsShortAndPrintable) {
  auto with = [](const std::string& expiration) {
    std::string doc = kAssumeRole;
    doc.replace(doc.find("2019-11-09T13:34:41.123Z"), 24, expiration);
    auto r = parse_credentials_result(doc, "AssumeRole");
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::string() : r.error().message;
  };
  EXPECT_EQ(with("soon\x1b[2J\nnext"),
            "STS answered AssumeRole with a document cx cannot read (Expiration "
            "'soon?[2J?next' is not a timestamp)");
  EXPECT_EQ(with(std::string(5000, 'x')),
            "STS answered AssumeRole with a document cx cannot read (Expiration '" +
                std::string(40, 'x') + "...' is not a timestamp)");
}

TEST(StsXml, ParsesCallerIdentity) {
  auto r = parse_caller_identity(
      "<GetCallerIdentityResponse><GetCallerIdentityResult>"
      "<Arn>arn:aws:iam::123456789012:user/alice</Arn><UserId>AIDA</UserId>"
      "<Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->account, "123456789012");
  EXPECT_EQ(r->arn, "arn:aws:iam::123456789012:user/alice");
  EXPECT_EQ(r->user_id, "AIDA");
  EXPECT_FALSE(parse_caller_identity("<x/>").ok());
}

TEST(StsXml, ParsesErrorDocument) {
  auto e = parse_error_document(
      R"(<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
    <Type>Sender</Type>
    <Code>AccessDenied</Code>
    <Message>User: arn:aws:iam::1:user/a is not authorized to perform: sts:AssumeRole</Message>
  </Error>
  <RequestId>req-1</RequestId>
</ErrorResponse>)");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->type, "Sender");
  EXPECT_EQ(e->code, "AccessDenied");
  EXPECT_EQ(e->message, "User: arn:aws:iam::1:user/a is not authorized to perform: sts:AssumeRole");
  EXPECT_EQ(e->request_id, "req-1");
  auto moto = parse_error_document(
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<ErrorResponse><Errors><Error><Code>"
      "SignatureDoesNotMatch</Code><Message>m</Message><Type>Sender</Type></Error></Errors>"
      "</ErrorResponse>");
  ASSERT_TRUE(moto.has_value());
  EXPECT_EQ(moto->code, "SignatureDoesNotMatch");
  EXPECT_FALSE(parse_error_document("<html>502 Bad Gateway</html>").has_value());
  EXPECT_FALSE(parse_error_document("Bad Gateway").has_value());
  EXPECT_FALSE(parse_error_document("<ErrorResponse><Error/></ErrorResponse>").has_value());
}

}  // namespace
}  // namespace cx::aws
