#include "aws/sts_errors.h"

namespace cx::aws {

namespace {

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

std::string role_name(const std::string& arn) { return arn.substr(arn.rfind('/') + 1); }

// "profile P" or, for keys from the environment, what they are.
std::string source_words(const SourceIdentity& s) {
  return s.profile.empty() ? "the source credentials (AWS_ACCESS_KEY_ID in the environment)"
                           : "the source credentials of profile " + s.profile;
}

std::string profile_flag(const SourceIdentity& s) {
  return s.profile.empty() ? "" : " --profile " + s.profile;
}

std::string with_message(std::string sentence, const StsErrorDocument& doc) {
  if (!doc.message.empty()) sentence += ": " + doc.message;
  return sentence;
}

Error access_denied(const StsErrorDocument& doc, const StsCallContext& ctx) {
  if (contains(doc.message, "MultiFactorAuthentication")) {
    return make_error(with_message("STS did not accept the MFA code", doc),
                      "enter the current code of your MFA device; each code works only once");
  }
  if (ctx.action == "AssumeRoleWithWebIdentity") {
    return make_error(
        with_message("STS refused to let the web identity assume role " + ctx.role_arn, doc),
        "the role's trust policy must allow the identity provider (Federated "
        "principal) to call sts:AssumeRoleWithWebIdentity, with conditions that "
        "match the token's aud and sub");
  }
  if (ctx.action != "AssumeRole") {
    return make_error(with_message("STS denied " + ctx.action, doc),
                      "check the IAM permissions of " + source_words(ctx.source));
  }
  std::string hint =
      "the trust policy of role " + role_name(ctx.role_arn) +
      " must allow the source identity (`aws sts get-caller-identity" + profile_flag(ctx.source) +
      "`) to call sts:AssumeRole, and that identity's own policies must allow sts:AssumeRole on " +
      "the role; see `aws iam get-role --role-name " + role_name(ctx.role_arn) +
      " --query Role.AssumeRolePolicyDocument`";
  if (ctx.external_id) hint += "; its sts:ExternalId condition must match CX_EXTERNAL_ID";
  return make_error(with_message("not allowed to assume role " + ctx.role_arn, doc), hint);
}

Error duration_error(const StsErrorDocument& doc, const StsCallContext& ctx) {
  std::string asked = ctx.duration_seconds ? std::to_string(*ctx.duration_seconds) + " s" : "";
  if (contains(doc.message, "role chaining")) {
    return make_error("the session duration " + asked +
                          " exceeds the 1-hour limit of role chaining (the source credentials "
                          "are themselves from a role)",
                      "set AWS_SESSION_DURATION=3600 or less");
  }
  if (ctx.action != "AssumeRole" && ctx.action != "AssumeRoleWithWebIdentity") {
    return make_error(with_message("STS refused the duration of " + ctx.action, doc),
                      "lower AWS_SESSION_DURATION");
  }
  return make_error("the session duration " + asked +
                        " exceeds the maximum session duration of role " + ctx.role_arn,
                    "raise it with `aws iam update-role --role-name " + role_name(ctx.role_arn) +
                        " --max-session-duration " +
                        (ctx.duration_seconds ? std::to_string(*ctx.duration_seconds) : "SECONDS") +
                        "`, or lower AWS_SESSION_DURATION");
}

}  // namespace

bool is_throttling_code(std::string_view code) {
  return code == "Throttling" || code == "ThrottlingException" || code == "RequestLimitExceeded" ||
         code == "TooManyRequestsException";
}

Error explain_sts_error(const StsErrorDocument& doc, const StsCallContext& ctx) {
  const std::string& code = doc.code;
  const SourceIdentity& src = ctx.source;
  if (code == "AccessDenied") return access_denied(doc, ctx);
  if (code == "InvalidClientTokenId") {
    return make_error("STS does not know the access key of " + source_words(src),
                      "the key may be deleted or inactive, or belong to another partition; "
                      "check it with `aws sts get-caller-identity" +
                          profile_flag(src) + "`");
  }
  if (code == "SignatureDoesNotMatch" && contains(doc.message, "Signature expired")) {
    return make_error("STS refused the request because this computer's clock is off",
                      "synchronise the system clock (for example with NTP) and retry");
  }
  if (code == "SignatureDoesNotMatch") {
    return make_error(
        "the secret access key of " + source_words(src) + " does not match its access key id",
        "fix aws_secret_access_key for the profile, or create a new access key");
  }
  if (code == "RequestExpired") {
    return make_error("STS refused the request because this computer's clock is off",
                      "synchronise the system clock (for example with NTP) and retry");
  }
  if (code == "ExpiredToken" || code == "ExpiredTokenException") {
    if (ctx.action == "AssumeRoleWithWebIdentity") {
      return make_error("the web identity token has expired",
                        "refresh the token file (web_identity_token_file) and retry");
    }
    std::string hint = src.sso ? "run `aws sso login" + profile_flag(src) + "`"
                       : src.profile.empty()
                           ? "refresh AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and "
                             "AWS_SESSION_TOKEN in the environment"
                           : "refresh the credentials of profile " + src.profile +
                                 " (re-run the tool that wrote them)";
    return make_error(source_words(src) + " have expired", hint);
  }
  if (code == "InvalidIdentityToken" || code == "IDPRejectedClaim") {
    return make_error(with_message("STS refused the web identity token", doc),
                      "check the token file and the identity provider configured in IAM");
  }
  if (code == "ValidationError" && contains(doc.message, "DurationSeconds")) {
    return duration_error(doc, ctx);
  }
  if (code == "ValidationError" && contains(doc.message, "roleSessionName")) {
    return make_error(with_message("STS refused the role session name", doc),
                      "set CX_ROLE_SESSION_NAME to 2..64 characters of [A-Za-z0-9_+=,.@-]");
  }
  if (code == "MalformedPolicyDocument" || code == "PackedPolicyTooLarge") {
    return make_error(with_message("STS refused the session policy", doc),
                      "check the JSON in CX_SESSION_POLICY; it must be an IAM policy of at most "
                      "2048 characters");
  }
  if (code == "RegionDisabledException") {
    return make_error("STS is not activated in region " + ctx.region + " for this account",
                      "activate it in the IAM console (Account settings, STS endpoints), or set "
                      "AWS_STS_REGIONAL_ENDPOINTS=legacy to use the global endpoint");
  }
  if (is_throttling_code(code)) {
    return make_error(with_message("STS throttled " + ctx.action + " (" + code + ")", doc),
                      "wait a minute and retry; every call in the account shares the STS quota");
  }
  return make_error(with_message("STS " + ctx.action + " failed with " + code, doc),
                    doc.request_id.empty() ? "" : "AWS request id: " + doc.request_id);
}

}  // namespace cx::aws
