#pragma once
// StsClient: the STS Query API calls cx makes (AssumeRole, GetSessionToken,
// AssumeRoleWithWebIdentity, GetCallerIdentity) as form-encoded POSTs,
// SigV4-signed for service `sts`, retried on throttling, 5xx and transport
// errors, with every failure explained in one sentence (aws/sts_errors.h).

#include <optional>
#include <string>
#include <vector>

#include "aws/credentials.h"
#include "aws/endpoint.h"
#include "aws/sts_errors.h"
#include "aws/sts_retry.h"
#include "aws/sts_xml.h"
#include "util/clock.h"
#include "util/http.h"
#include "util/result.h"

namespace cx::aws {

struct AssumeRoleParams {
  std::string role_arn;
  std::string session_name;
  std::optional<int> duration_seconds;
  std::string external_id;    // empty: not sent
  std::string policy;         // inline session policy JSON; empty: not sent
  std::string serial_number;  // MFA device ARN; with token_code
  std::string token_code;
};

struct GetSessionTokenParams {
  std::optional<int> duration_seconds;
  std::string serial_number;
  std::string token_code;
};

struct AssumeRoleWithWebIdentityParams {
  std::string role_arn;
  std::string session_name;
  std::string web_identity_token;
  std::optional<int> duration_seconds;
};

class StsClient {
 public:
  // `http` and `clock` must outlive the client; `clock` dates the signatures.
  StsClient(HttpClient& http, StsEndpoint endpoint, const Clock& clock, RetryPolicy policy = {},
            RetryHooks hooks = RetryHooks::real());

  // Assumes `params.role_arn` with the `source` credentials.
  Result<AssumedRole> assume_role(const Credentials& source, const AssumeRoleParams& params,
                                  const SourceIdentity& who = {});

  // Gets temporary credentials for `source` (with MFA when a code is given).
  Result<Credentials> get_session_token(const Credentials& source,
                                        const GetSessionTokenParams& params,
                                        const SourceIdentity& who = {});

  // Exchanges an OIDC token for role credentials; this call is not signed.
  Result<AssumedRole> assume_role_with_web_identity(const AssumeRoleWithWebIdentityParams& params);

  // Says whose credentials `source` are.
  Result<CallerIdentity> get_caller_identity(const Credentials& source,
                                             const SourceIdentity& who = {});

  const StsEndpoint& endpoint() const { return endpoint_; }

 private:
  using Params = std::vector<std::pair<std::string, std::string>>;
  // Runs one action until it succeeds, fails for good, or the retries and
  // the deadline are spent; returns the body of the 200 answer.
  Result<std::string> call(const Params& params, const Credentials* source,
                           const StsCallContext& ctx);

  HttpClient& http_;
  StsEndpoint endpoint_;
  const Clock& clock_;
  RetryPolicy policy_;
  RetryHooks hooks_;
};

}  // namespace cx::aws
