#include "aws/sources/container_metadata.h"

#include <cctype>
#include <nlohmann/json.hpp>

#include "util/bounded_file.h"
#include "util/iso8601.h"

namespace cx::aws::sources {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

const char* kImdsName = "the EC2 instance metadata service";
const char* kContainerName = "the container credentials endpoint";

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// A positive number from the environment, else `fallback`.
long env_number(const EnvLookup& env, const char* name, long fallback) {
  auto v = env_value(env, name);
  if (!v) return fallback;
  try {
    size_t used = 0;
    long n = std::stol(*v, &used);
    return used == v->size() && n > 0 ? n : fallback;
  } catch (const std::exception&) {
    return fallback;
  }
}

// Sends `req` up to `attempts` times; transport errors and 5xx are retried (botocore does the
// same).
Result<HttpResponse> send_with_attempts(HttpClient& http, const HttpRequest& req, long attempts) {
  Result<HttpResponse> last = make_error("no attempt made");
  for (long i = 0; i < attempts; ++i) {
    last = http.send(req);
    if (last.ok() && last->status < 500) return last;
  }
  return last;
}

std::string status_text(const Result<HttpResponse>& r) {
  return r.ok() ? "HTTP " + std::to_string(r->status) : r.error().message;
}

const char* kImdsHint =
    "credential_source = Ec2InstanceMetadata works only on an EC2 instance with an instance "
    "role (AWS_EC2_METADATA_SERVICE_ENDPOINT selects another endpoint)";

// The host of an absolute URL, without brackets, userinfo or port, lower-cased.
std::string url_host(const std::string& url) {
  size_t start = url.find("://");
  if (start == std::string::npos) return {};
  start += 3;
  size_t end = url.find_first_of("/?#", start);
  std::string authority = url.substr(start, end == std::string::npos ? end : end - start);
  if (size_t at = authority.rfind('@'); at != std::string::npos) authority.erase(0, at + 1);
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    return close == std::string::npos ? std::string() : lower(authority.substr(1, close - 1));
  }
  return lower(authority.substr(0, authority.find(':')));
}

// Plain http is only safe to loopback and to the link-local addresses that ECS and EKS use.
bool allowed_http_host(const std::string& host) {
  if (host == "localhost" || host == "::1" || host == "169.254.170.2" || host == "169.254.170.23" ||
      host == "fd00:ec2::23")
    return true;
  if (host.rfind("127.", 0) != 0) return false;
  int dots = 0;
  for (char c : host) {
    if (c == '.')
      ++dots;
    else if (!std::isdigit(static_cast<unsigned char>(c)))
      return false;
  }
  return dots == 3;
}

Result<std::string> container_token(const EnvLookup& env) {
  std::string token;
  if (auto file = env_value(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
    // The file wins over the variable, as in botocore (EKS Pod Identity rotates the file).
    BoundedRead text = read_bounded_file(*file, kMaxTokenFileBytes);
    if (!text.ok())
      return make_error(
          "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (" + *file + "): " + text.why,
          "check that the file exists and is readable");
    token = std::move(text.text);
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  } else if (auto value = env_value(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN")) {
    token = *value;
  }
  if (token.find_first_of("\r\n") != std::string::npos)
    return make_error("the container authorization token contains a line break",
                      "the token must be a single line");
  return token;
}

}  // namespace

std::string imds_endpoint(const EnvLookup& env) {
  std::string base;
  if (auto url = env_value(env, "AWS_EC2_METADATA_SERVICE_ENDPOINT"))
    base = *url;
  else if (lower(env_value(env, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE").value_or("")) ==
           "ipv6")
    base = "http://[fd00:ec2::254]";
  else
    base = "http://169.254.169.254";
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

Result<Credentials> fetch(const profile::Ec2InstanceMetadata&, const SourceContext& ctx) {
  if (lower(env_value(ctx.env, "AWS_EC2_METADATA_DISABLED").value_or("")) == "true")
    return make_error(
        "credential_source = Ec2InstanceMetadata, but AWS_EC2_METADATA_DISABLED is true",
        "unset AWS_EC2_METADATA_DISABLED or use another credential_source");
  std::string base = imds_endpoint(ctx.env);
  // The CLI's defaults: 1 s and one attempt, so that off EC2 the failure is quick.
  milliseconds timeout{1000 * env_number(ctx.env, "AWS_METADATA_SERVICE_TIMEOUT", 1)};
  long attempts = env_number(ctx.env, "AWS_METADATA_SERVICE_NUM_ATTEMPTS", 1);

  HttpRequest put;
  put.method = "PUT";
  put.url = base + "/latest/api/token";
  put.headers.emplace_back("x-aws-ec2-metadata-token-ttl-seconds", "21600");
  put.timeout = timeout;
  auto token = send_with_attempts(ctx.http, put, attempts);
  std::string session;
  if (token.ok() && token->status == 200) {
    session = trim(token->body);
  } else if (token.ok() && token->status == 400) {
    return make_error(std::string(kImdsName) + " at " + base + " rejected the token request",
                      kImdsHint);
  }
  // Otherwise (403/404/405, a timeout): IMDSv1 without a token, as botocore falls back.

  auto get = [&](const std::string& path) {
    HttpRequest req;
    req.url = base + path;
    if (!session.empty()) req.headers.emplace_back("x-aws-ec2-metadata-token", session);
    req.timeout = timeout;
    return send_with_attempts(ctx.http, req, attempts);
  };
  const std::string roles_path = "/latest/meta-data/iam/security-credentials/";
  auto roles = get(roles_path);
  if (!roles.ok() || roles->status != 200) {
    if (roles.ok() && roles->status == 404)
      return make_error("this EC2 instance has no instance role attached",
                        "attach an instance profile, or use another credential_source");
    return make_error("cannot get credentials from " + std::string(kImdsName) + " at " + base +
                          " (" + status_text(roles) + ")",
                      kImdsHint);
  }
  std::string role = trim(roles->body.substr(0, roles->body.find('\n')));
  if (role.empty())
    return make_error("this EC2 instance has no instance role attached",
                      "attach an instance profile, or use another credential_source");
  auto keys = get(roles_path + role);
  if (!keys.ok() || keys->status != 200)
    return make_error("cannot get the credentials of instance role " + role + " from " +
                          std::string(kImdsName) + " (" + status_text(keys) + ")",
                      kImdsHint);
  return parse_metadata_credentials(keys->body, kImdsName, ctx.clock);
}

Result<std::string> container_credentials_url(const EnvLookup& env) {
  if (auto relative = env_value(env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
    std::string path = (*relative)[0] == '/' ? *relative : "/" + *relative;
    return "http://169.254.170.2" + path;
  }
  auto full = env_value(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
  if (!full)
    return make_error(
        "credential_source = EcsContainer, but neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI "
        "nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set",
        "this source works inside an ECS task or an EKS pod; elsewhere use another "
        "credential_source");
  std::string scheme = lower(full->substr(0, full->find("://")));
  if (scheme == "https" && !url_host(*full).empty()) return *full;
  if (scheme == "http" && allowed_http_host(url_host(*full))) return *full;
  return make_error(
      "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to a loopback address or "
      "169.254.170.2/169.254.170.23/fd00:ec2::23",
      "fix AWS_CONTAINER_CREDENTIALS_FULL_URI");
}

Result<Credentials> fetch(const profile::EcsContainer&, const SourceContext& ctx) {
  auto url = container_credentials_url(ctx.env);
  if (!url) return url.error();
  auto token = container_token(ctx.env);
  if (!token) return token.error();
  HttpRequest req;
  req.url = *url;
  req.headers.emplace_back("accept", "application/json");
  if (!token->empty()) req.headers.emplace_back("authorization", *token);
  req.timeout = milliseconds(2000);  // botocore: 2 s, 3 attempts
  auto resp = send_with_attempts(ctx.http, req, 3);
  if (!resp.ok() || resp->status != 200)
    return make_error("cannot get credentials from " + std::string(kContainerName) + " (" +
                          status_text(resp) + ")",
                      resp.ok() && (resp->status == 401 || resp->status == 403)
                          ? "check AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)"
                          : "this source works inside an ECS task or an EKS pod with a role");
  return parse_metadata_credentials(resp->body, kContainerName, ctx.clock);
}

Result<Credentials> parse_metadata_credentials(const std::string& body, const std::string& what,
                                               const Clock& clock) {
  json doc = json::parse(body, nullptr, false);
  auto text = [&](const char* key) -> std::string {
    auto it = doc.find(key);
    return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (doc.is_discarded() || !doc.is_object())
    return make_error(what + " sent an answer that is not a JSON object",
                      "check the endpoint it was asked at");
  if (doc.contains("Code") && text("Code") != "Success")
    return make_error(what + " has no credentials to give (Code is not Success)",
                      "check the role attached to this instance");
  Credentials c;
  c.access_key_id = text("AccessKeyId");
  c.secret_access_key = text("SecretAccessKey");
  c.session_token = text("Token");
  if (c.access_key_id.empty() || c.secret_access_key.empty())
    return make_error(what + " sent credentials without AccessKeyId or SecretAccessKey",
                      "check the endpoint it was asked at");
  if (doc.contains("Expiration")) {
    auto when = parse_iso8601(text("Expiration"));
    if (!when)
      return make_error(what + " sent an Expiration that is not an ISO-8601 time",
                        "check the endpoint it was asked at");
    if (*when <= clock.now())
      return make_error(what + " sent credentials that expired at " + format_iso8601(*when),
                        "check the host clock, then try again");
    c.expiration = *when;
  }
  return c;
}

}  // namespace cx::aws::sources
