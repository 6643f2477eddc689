#include "aws/sts.h"

#include <algorithm>

#include "aws/sigv4.h"
#include "util/url.h"

namespace cx::aws {

namespace {

constexpr const char* kVersion = "2011-06-15";

// The HttpClient says "cannot reach URL: DETAIL"; keep only DETAIL so the
// STS sentence does not name the URL twice.
std::string transport_detail(const std::string& message) {
  if (message.rfind("cannot reach ", 0) == 0) {
    auto sep = message.find(": ");
    if (sep != std::string::npos) return message.substr(sep + 2);
  }
  return message;
}

std::string attempts_words(int n) { return n == 1 ? "1 attempt" : std::to_string(n) + " attempts"; }

std::string content_type(const HttpResponse& res) {
  auto it = res.headers.find("content-type");
  return it == res.headers.end() ? "no content type" : it->second;
}

void add_optional(std::vector<std::pair<std::string, std::string>>& params, const char* name,
                  const std::string& value) {
  if (!value.empty()) params.emplace_back(name, value);
}

void add_duration(std::vector<std::pair<std::string, std::string>>& params,
                  const std::optional<int>& seconds) {
  if (seconds) params.emplace_back("DurationSeconds", std::to_string(*seconds));
}

// Why the last attempt failed, for the give-up message.
struct Failure {
  enum Kind { kTransport, kThrottled, kServer } kind;
  std::string detail;  // transport detail, or "CODE: message"
  long status = 0;
};

}  // namespace

StsClient::StsClient(HttpClient& http, StsEndpoint endpoint, const Clock& clock, RetryPolicy policy,
                     RetryHooks hooks)
    : http_(http),
      endpoint_(std::move(endpoint)),
      clock_(clock),
      policy_(policy),
      hooks_(std::move(hooks)) {}

Result<std::string> StsClient::call(const Params& params, const Credentials* source,
                                    const StsCallContext& ctx) {
  std::string shown_url = endpoint_.url;
  if (auto parsed = parse_url(endpoint_.url)) shown_url = parsed->without_query();
  const auto deadline = hooks_.now() + policy_.deadline;
  std::optional<Failure> last;
  int attempt = 0;
  for (; attempt < std::max(1, policy_.max_attempts); ++attempt) {
    if (attempt > 0) {
      Millis wait = backoff_delay(policy_, attempt - 1, hooks_.uniform());
      if (hooks_.now() + wait >= deadline) break;
      hooks_.sleep(wait);
    }
    auto left = std::chrono::duration_cast<Millis>(deadline - hooks_.now());
    if (left <= Millis(0)) break;

    HttpRequest req;
    req.method = "POST";
    req.url = endpoint_.url;
    req.timeout = std::min(policy_.attempt_timeout, left);
    req.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                   {"User-Agent", "cx/" CX_VERSION}};
    req.body = form_encode(params);
    if (source) {
      // Signed anew each attempt: X-Amz-Date must be current.
      if (auto st = sigv4::sign(req, *source, endpoint_.signing_region, "sts", clock_.now()); !st) {
        return st.error();
      }
    }

    auto res = http_.send(req);
    if (!res) {
      last = Failure{Failure::kTransport, transport_detail(res.error().message)};
      continue;
    }
    if (res->status == 200) return std::move(res->body);

    auto doc = parse_error_document(res->body);
    if (doc && is_throttling_code(doc->code)) {
      last = Failure{Failure::kThrottled, doc->code + ": " + doc->message, res->status};
      continue;
    }
    // IDPCommunicationError: STS could not reach the web identity provider.
    if (res->status >= 500 || (doc && doc->code == "IDPCommunicationError")) {
      last = Failure{Failure::kServer, doc ? doc->code + ": " + doc->message : "", res->status};
      continue;
    }
    if (doc) return explain_sts_error(*doc, ctx);
    return make_error("STS at " + shown_url + " answered " + ctx.action + " with HTTP " +
                          std::to_string(res->status) + " and a body that is not an STS " +
                          "response (" + content_type(*res) + ")",
                      "a proxy or firewall may be answering instead of STS; check HTTPS_PROXY, "
                      "NO_PROXY and AWS_ENDPOINT_URL_STS");
  }

  std::string tries = attempts_words(attempt);
  if (!last) {
    return make_error("STS " + ctx.action + " ran out of time before any attempt",
                      "retry; the network may be slow");
  }
  switch (last->kind) {
    case Failure::kTransport:
      return make_error(
          "cannot reach STS at " + shown_url + ": " + last->detail + " (" + tries + ")",
          "check the network and HTTPS_PROXY / NO_PROXY, or set "
          "AWS_ENDPOINT_URL_STS to an STS endpoint this machine can reach");
    case Failure::kThrottled:
      return make_error(
          "STS kept throttling " + ctx.action + " (" + last->detail + ") after " + tries,
          "wait a minute and retry; every call in the account shares the STS quota");
    case Failure::kServer:
      return make_error("STS answered " + ctx.action + " with HTTP " +
                            std::to_string(last->status) + " after " + tries +
                            (last->detail.empty() ? "" : " (" + last->detail + ")"),
                        "STS may be having trouble in " + endpoint_.signing_region +
                            "; retry later, or try another AWS_REGION");
  }
  return make_error("unreachable");
}

Result<AssumedRole> StsClient::assume_role(const Credentials& source, const AssumeRoleParams& p,
                                           const SourceIdentity& who) {
  Params params{{"Action", "AssumeRole"},
                {"Version", kVersion},
                {"RoleArn", p.role_arn},
                {"RoleSessionName", p.session_name}};
  add_duration(params, p.duration_seconds);
  add_optional(params, "ExternalId", p.external_id);
  add_optional(params, "Policy", p.policy);
  add_optional(params, "SerialNumber", p.serial_number);
  add_optional(params, "TokenCode", p.token_code);
  StsCallContext ctx{
      "AssumeRole",          p.role_arn,        p.duration_seconds,       !p.external_id.empty(),
      !p.token_code.empty(), !p.policy.empty(), endpoint_.signing_region, who};
  auto body = call(params, &source, ctx);
  if (!body) return body.error();
  return parse_credentials_result(*body, "AssumeRole");
}

Result<Credentials> StsClient::get_session_token(const Credentials& source,
                                                 const GetSessionTokenParams& p,
                                                 const SourceIdentity& who) {
  Params params{{"Action", "GetSessionToken"}, {"Version", kVersion}};
  add_duration(params, p.duration_seconds);
  add_optional(params, "SerialNumber", p.serial_number);
  add_optional(params, "TokenCode", p.token_code);
  StsCallContext ctx{"GetSessionToken",     "",    p.duration_seconds,       false,
                     !p.token_code.empty(), false, endpoint_.signing_region, who};
  auto body = call(params, &source, ctx);
  if (!body) return body.error();
  auto parsed = parse_credentials_result(*body, "GetSessionToken");
  if (!parsed) return parsed.error();
  return std::move(parsed->credentials);
}

Result<AssumedRole> StsClient::assume_role_with_web_identity(
    const AssumeRoleWithWebIdentityParams& p) {
  Params params{{"Action", "AssumeRoleWithWebIdentity"},
                {"Version", kVersion},
                {"RoleArn", p.role_arn},
                {"RoleSessionName", p.session_name},
                {"WebIdentityToken", p.web_identity_token}};
  add_duration(params, p.duration_seconds);
  StsCallContext ctx{
      "AssumeRoleWithWebIdentity", p.role_arn, p.duration_seconds, false, false, false,
      endpoint_.signing_region,    {}};
  auto body = call(params, nullptr, ctx);
  if (!body) return body.error();
  return parse_credentials_result(*body, "AssumeRoleWithWebIdentity");
}

Result<CallerIdentity> StsClient::get_caller_identity(const Credentials& source,
                                                      const SourceIdentity& who) {
  Params params{{"Action", "GetCallerIdentity"}, {"Version", kVersion}};
  StsCallContext ctx{"GetCallerIdentity",      "", std::nullopt, false, false, false,
                     endpoint_.signing_region, who};
  auto body = call(params, &source, ctx);
  if (!body) return body.error();
  return parse_caller_identity(*body);
}

}  // namespace cx::aws
