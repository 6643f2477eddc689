// Fuzzes the credential endpoint's decision on a request: the head parser
// in origin mode, then route_credentials with the session token. Credentials
// are served only for GET or HEAD of exactly /cx/credentials with exactly
// the token in the first Authorization header; every other head gets its
// refusal, in the documented order (path, method, token).
#include <cstdint>
#include <string>
#include <string_view>

#include "broker/ecs_credentials.h"
#include "broker/http_head.h"
#include "fuzz_support.h"

using namespace cx;
using namespace cx::broker;

namespace {

constexpr std::string_view kToken =
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

const std::string* first_authorization(const RequestHead& head) {
  for (const HeaderField& f : head.headers) {
    if (f.name.size() != 13) continue;
    std::string lower;
    for (char c : f.name) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    if (lower == "authorization") return &f.value;
  }
  return nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  HeadParser parser(ParseMode::origin);
  const size_t used = parser.feed(input);
  fuzz::require(used <= input.size(), "feed() takes at most what it is given");
  if (parser.state() != HeadParser::State::complete) return 0;
  const RequestHead& head = parser.head();
  fuzz::require(head.form == TargetForm::origin && head.path.starts_with('/'),
                "origin mode gives a path");

  const std::string* auth = head.header("authorization");
  fuzz::require(auth == first_authorization(head), "header() finds the first Authorization");
  const CredentialRoute route = route_credentials(head.method, head.path, auth, kToken);

  CredentialRoute expected = CredentialRoute::serve;
  if (head.path != kCredentialsPath) {
    expected = CredentialRoute::not_found;
  } else if (head.method != "GET" && head.method != "HEAD") {
    expected = CredentialRoute::method_not_allowed;
  } else if (auth == nullptr || *auth != kToken) {
    expected = CredentialRoute::forbidden;
  }
  fuzz::require(route == expected, "the route is the documented one");
  fuzz::require(!token_matches(auth, ""), "an empty token never matches");
  return 0;
}
