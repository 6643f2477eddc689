#include "aws/sts_xml.h"

#include <pugixml.hpp>

#include "util/iso8601.h"

namespace cx::aws {

namespace {

// Element text with surrounding blanks removed (pretty-printed documents).
std::string text(const pugi::xml_node& node) {
  std::string s = node.child_value();
  auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

bool load(pugi::xml_document& doc, std::string_view body) {
  return doc.load_buffer(body.data(), body.size(), pugi::parse_default, pugi::encoding_utf8);
}

// Server text in a message: printable ASCII only and short, so a hostile
// answer cannot drive the terminal or flood it (found by fuzz_sts_xml).
std::string shown(std::string_view s) {
  constexpr size_t kMax = 40;
  std::string out;
  for (unsigned char c : s.substr(0, kMax)) {
    out += c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '?';
  }
  if (s.size() > kMax) out += "...";
  return out;
}

Error not_a_response(std::string_view action, std::string_view why) {
  return make_error("STS answered " + std::string(action) + " with a document cx cannot read (" +
                        std::string(why) + ")",
                    "a proxy or a non-STS server may be answering; check HTTPS_PROXY and "
                    "AWS_ENDPOINT_URL_STS");
}

}  // namespace

Result<AssumedRole> parse_credentials_result(std::string_view body, std::string_view action) {
  pugi::xml_document doc;
  if (!load(doc, body)) return not_a_response(action, "not XML");
  std::string response = std::string(action) + "Response";
  std::string result = std::string(action) + "Result";
  pugi::xml_node res = doc.child(response.c_str()).child(result.c_str());
  if (!res) return not_a_response(action, "no " + response + "/" + result);
  pugi::xml_node c = res.child("Credentials");
  AssumedRole out;
  out.credentials.access_key_id = text(c.child("AccessKeyId"));
  out.credentials.secret_access_key = text(c.child("SecretAccessKey"));
  out.credentials.session_token = text(c.child("SessionToken"));
  if (out.credentials.access_key_id.empty() || out.credentials.secret_access_key.empty() ||
      out.credentials.session_token.empty()) {
    return not_a_response(action, "incomplete Credentials");
  }
  std::string expiration = text(c.child("Expiration"));
  out.credentials.expiration = parse_iso8601(expiration);
  if (!out.credentials.expiration) {
    return not_a_response(action, "Expiration '" + shown(expiration) + "' is not a timestamp");
  }
  out.arn = text(res.child("AssumedRoleUser").child("Arn"));
  out.assumed_role_id = text(res.child("AssumedRoleUser").child("AssumedRoleId"));
  return out;
}

Result<CallerIdentity> parse_caller_identity(std::string_view body) {
  pugi::xml_document doc;
  if (!load(doc, body)) return not_a_response("GetCallerIdentity", "not XML");
  pugi::xml_node res = doc.child("GetCallerIdentityResponse").child("GetCallerIdentityResult");
  if (!res) return not_a_response("GetCallerIdentity", "no GetCallerIdentityResult");
  CallerIdentity out{text(res.child("Account")), text(res.child("Arn")), text(res.child("UserId"))};
  if (out.arn.empty()) return not_a_response("GetCallerIdentity", "no Arn");
  return out;
}

std::optional<StsErrorDocument> parse_error_document(std::string_view body) {
  pugi::xml_document doc;
  if (!load(doc, body)) return std::nullopt;
  pugi::xml_node root = doc.child("ErrorResponse");
  // Real STS: ErrorResponse/Error. moto and other stand-ins nest it in Errors.
  pugi::xml_node error = root.child("Error");
  if (!error) error = root.child("Errors").child("Error");
  if (!error) return std::nullopt;
  StsErrorDocument out{text(error.child("Type")), text(error.child("Code")),
                       text(error.child("Message")), text(root.child("RequestId"))};
  if (out.code.empty()) return std::nullopt;
  return out;
}

}  // namespace cx::aws
