#pragma once
// The XML documents of the STS Query API (2011-06-15): the result elements
// of the calls cx makes and the ErrorResponse document.

#include <optional>
#include <string>
#include <string_view>

#include "aws/credentials.h"
#include "util/result.h"

namespace cx::aws {

struct StsErrorDocument {
  std::string type;  // Sender / Receiver
  std::string code;  // e.g. AccessDenied
  std::string message;
  std::string request_id;
};

struct AssumedRole {
  Credentials credentials;
  std::string arn;  // AssumedRoleUser/Arn (arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION)
  std::string assumed_role_id;  // AssumedRoleUser/AssumedRoleId (AROA...:SESSION)
};

struct CallerIdentity {
  std::string account;
  std::string arn;
  std::string user_id;
};

// Parses `<ACTION>Response/<ACTION>Result/Credentials` (+ AssumedRoleUser
// when present); an Error when the body is not such a document.
Result<AssumedRole> parse_credentials_result(std::string_view body, std::string_view action);

// Parses a GetCallerIdentity answer.
Result<CallerIdentity> parse_caller_identity(std::string_view body);

// Parses `ErrorResponse/Error/{Type,Code,Message}` + RequestId; nullopt when
// the body is not an STS error document (an HTML page from a proxy, say).
std::optional<StsErrorDocument> parse_error_document(std::string_view body);

}  // namespace cx::aws
