#include "aws/sources/sso.h"

#include <cctype>
#include <cerrno>
#include <nlohmann/json.hpp>

#include "aws/profile/files.h"
#include "util/bounded_file.h"
#include "util/digest.h"
#include "util/iso8601.h"

namespace cx::aws::sources {
namespace {

using nlohmann::json;

std::string login_hint(const std::string& profile) {
  return "run: aws sso login --profile " + profile;
}

std::string of_profile(const std::string& profile) { return "profile \"" + profile + "\""; }

// RFC 3986 unreserved characters stay; everything else is %XX.
std::string url_encode(const std::string& s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

// The portal's error body is {"message": "..."}; keep one short printable line of it.
std::string portal_message(const std::string& body) {
  json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return {};
  for (const char* key : {"message", "Message"}) {
    auto it = doc.find(key);
    if (it == doc.end() || !it->is_string()) continue;
    std::string msg;
    for (char c : it->get<std::string>())
      if (std::isprint(static_cast<unsigned char>(c))) msg += c;
    if (msg.size() > 200) msg = msg.substr(0, 200) + "...";
    return msg;
  }
  return {};
}

bool truthy(const std::optional<std::string>& v) {
  if (!v) return false;
  std::string lower;
  for (char c : *v) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "true";
}

}  // namespace

std::string sso_token_cache_path(const profile::Sso& source, const EnvLookup& env) {
  const std::string& key = source.session_name.empty() ? source.start_url : source.session_name;
  return profile::expand_home("~/.aws/sso/cache/", env) + sha1_hex(key) + ".json";
}

Result<SsoToken> parse_sso_token(std::string_view text, const profile::Sso& source,
                                 const std::string& path, SystemTime now) {
  json doc = json::parse(text, nullptr, false);
  SsoToken token;
  std::optional<SystemTime> expires;
  if (!doc.is_discarded() && doc.is_object()) {
    auto at = doc.find("accessToken");
    auto ex = doc.find("expiresAt");
    if (at != doc.end() && at->is_string()) token.access_token = at->get<std::string>();
    if (ex != doc.end() && ex->is_string()) expires = parse_iso8601(ex->get<std::string>());
  }
  if (token.access_token.empty() || !expires)
    return make_error("the cached IAM Identity Center token of " + of_profile(source.profile) +
                          " is unreadable (" + path + ")",
                      login_hint(source.profile));
  if (*expires <= now)
    return make_error("the IAM Identity Center session of " + of_profile(source.profile) +
                          " expired at " + format_iso8601(*expires),
                      login_hint(source.profile));
  token.expires_at = *expires;
  return token;
}

Result<SsoToken> load_sso_token(const profile::Sso& source, const SourceContext& ctx) {
  std::string path = sso_token_cache_path(source, ctx.env);
  BoundedRead file = read_bounded_file(path, kMaxSsoTokenFileBytes);
  if (file.err == ENOENT || file.err == ENOTDIR)
    return make_error("there is no IAM Identity Center login for " + of_profile(source.profile) +
                          " (no cached token in " + path + ")",
                      login_hint(source.profile));
  if (!file.ok())
    return make_error("the cached IAM Identity Center token of " + of_profile(source.profile) +
                          " is unreadable (" + path + ": " + file.why + ")",
                      login_hint(source.profile));
  return parse_sso_token(file.text, source, path, ctx.clock.now());
}

std::string sso_portal_url(const std::string& region, const EnvLookup& env) {
  std::optional<std::string> url;
  // The CLI's switch to ignore every configured endpoint URL applies here too.
  if (!truthy(env_value(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"))) {
    url = env_value(env, "AWS_ENDPOINT_URL_SSO");
    if (!url) url = env_value(env, "AWS_ENDPOINT_URL");
  }
  std::string base = url.value_or("https://portal.sso." + region + ".amazonaws.com");
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

Result<Credentials> fetch(const profile::Sso& source, const SourceContext& ctx) {
  auto token = load_sso_token(source, ctx);
  if (!token) return token.error();

  HttpRequest req;
  req.method = "GET";
  req.url = sso_portal_url(source.region, ctx.env) +
            "/federation/credentials?account_id=" + url_encode(source.account_id) +
            "&role_name=" + url_encode(source.role_name);
  req.headers.emplace_back("x-amz-sso_bearer_token", token->access_token);
  req.headers.emplace_back("accept", "application/json");
  auto resp = ctx.http.send(req);
  std::string what = "role " + source.role_name + " in account " + source.account_id + " for " +
                     of_profile(source.profile);
  if (!resp)
    return make_error(
        "cannot reach the IAM Identity Center portal to get " + what + ": " + resp.error().message,
        "check the network and sso_region (" + source.region + ")");
  if (resp->status == 401 || resp->status == 403)
    return make_error("the IAM Identity Center portal refused " + what + " (HTTP " +
                          std::to_string(resp->status) +
                          "): the login has expired or the role is not assigned to you",
                      login_hint(source.profile));
  if (resp->status != 200) {
    std::string msg = portal_message(resp->body);
    return make_error(
        "the IAM Identity Center portal could not give " + what + " (HTTP " +
            std::to_string(resp->status) + (msg.empty() ? "" : ": " + msg) + ")",
        resp->status == 404 ? "check sso_account_id and sso_role_name" : "try again later");
  }

  json doc = json::parse(resp->body, nullptr, false);
  const json* rc = nullptr;
  if (!doc.is_discarded() && doc.is_object()) {
    auto it = doc.find("roleCredentials");
    if (it != doc.end() && it->is_object()) rc = &*it;
  }
  Credentials c;
  bool complete = rc != nullptr;
  if (complete) {
    for (auto [key, field] : {std::pair{"accessKeyId", &c.access_key_id},
                              std::pair{"secretAccessKey", &c.secret_access_key},
                              std::pair{"sessionToken", &c.session_token}}) {
      auto it = rc->find(key);
      if (it == rc->end() || !it->is_string() || it->get<std::string>().empty()) {
        complete = false;
        break;
      }
      *field = it->get<std::string>();
    }
    auto ex = rc->find("expiration");
    if (complete && ex != rc->end() && ex->is_number())
      c.expiration = SystemTime(std::chrono::milliseconds(ex->get<long long>()));
    else
      complete = false;
  }
  if (!complete)
    return make_error("the IAM Identity Center portal sent an incomplete answer for " + what,
                      "check AWS_ENDPOINT_URL_SSO if you set it; otherwise try again later");
  return c;
}

}  // namespace cx::aws::sources
