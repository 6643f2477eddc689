#pragma once
// credential_source = Ec2InstanceMetadata (the instance role, from IMDSv2)
// and = EcsContainer (the task role, from the container credentials
// endpoint of ECS, EKS Pod Identity or Greengrass), with the endpoints,
// timeouts and attempts of the AWS CLI v2 (botocore).

#include <string>

#include "aws/credentials.h"
#include "aws/profile/chain.h"
#include "aws/sources/context.h"
#include "util/result.h"

namespace cx::aws::sources {

// Returns the IMDS base URL: AWS_EC2_METADATA_SERVICE_ENDPOINT, else by
// AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE (IPv4 169.254.169.254 or IPv6 fd00:ec2::254).
std::string imds_endpoint(const EnvLookup& env);

// Gets a session token (falling back to IMDSv1 where the CLI does), the role name, then its keys.
Result<Credentials> fetch(const profile::Ec2InstanceMetadata& source, const SourceContext& ctx);

// Returns the container endpoint URL: http://169.254.170.2 +
// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, else AWS_CONTAINER_CREDENTIALS_FULL_URI (https, or http
// to a loopback/ECS/EKS address only).
Result<std::string> container_credentials_url(const EnvLookup& env);

// GETs the container endpoint with AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE or _TOKEN as
// Authorization.
Result<Credentials> fetch(const profile::EcsContainer& source, const SourceContext& ctx);

// Parses {AccessKeyId, SecretAccessKey, Token, Expiration}; `what` names the endpoint in errors.
Result<Credentials> parse_metadata_credentials(const std::string& body, const std::string& what,
                                               const Clock& clock);

}  // namespace cx::aws::sources
