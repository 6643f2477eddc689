#include "config/keys.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <numeric>
#include <vector>

namespace cx::config {

namespace {

// The CX_* keys in the order of docs/contract.md §Keys; CX_ALLOW_ROOT, cx's
// own addition (README, "Running as root"), comes last.
constexpr std::array<std::string_view, 15> kCxKeys = {
    "CX_CREDENTIALS",       "CX_NETWORK",        "CX_ALLOW_HOSTS",
    "CX_PERSIST",           "CX_EXTRA_CA_CERTS", "CX_MOUNTS",
    "CX_PASS_ENV",          "CX_SESSION_POLICY", "CX_EXTERNAL_ID",
    "CX_ROLE_SESSION_NAME", "CX_REFRESH_MARGIN", "CX_CACHE",
    "CX_TRANSPORT",         "CX_TRIPWIRE",       "CX_ALLOW_ROOT",
};

constexpr std::array<std::string_view, 6> kConsumedKeys = {
    "RUNTIME", "IMAGE_TAG", "AWS_IAM_ROLE", "AWS_PROFILE", "AWS_SESSION_DURATION", "CLAUDE_OPTIONS",
};

constexpr std::array<std::string_view, 3> kSecretKeys = {
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"};

// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is reserved too: the SDKs prefer it
// to the FULL_URI that cx sets, so forwarding it would redirect credentials.
constexpr std::array<std::string_view, 4> kCredentialEndpointKeys = {
    "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"};

constexpr std::array<std::string_view, 3> kProxyKeys = {"HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY"};

template <size_t N>
bool contains(const std::array<std::string_view, N>& set, std::string_view key) {
  return std::find(set.begin(), set.end(), key) != set.end();
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool is_proxy_key(std::string_view key) { return contains(kProxyKeys, upper(key)); }

}  // namespace

KeyClass classify_key(std::string_view key) {
  if (contains(kConsumedKeys, key)) return KeyClass::kConsumed;
  if (contains(kSecretKeys, key)) return KeyClass::kSecret;
  if (key == "HOME" || key == "CLAUDE_CONFIG_DIR" || contains(kCredentialEndpointKeys, key) ||
      is_proxy_key(key)) {
    return KeyClass::kReserved;
  }
  // cx_network is a different variable from CX_NETWORK, but surely a typo.
  if (upper(key.substr(0, 3)) == "CX_") {
    return contains(kCxKeys, key) ? KeyClass::kConsumed : KeyClass::kUnknownCx;
  }
  return KeyClass::kForwarded;
}

std::span<const std::string_view> known_cx_keys() { return kCxKeys; }

std::string_view nearest_cx_key(std::string_view key) {
  const std::string k_upper = upper(key);
  std::string_view best = kCxKeys[0];
  size_t best_distance = edit_distance(k_upper, best);
  for (std::string_view k : kCxKeys) {
    const size_t d = edit_distance(k_upper, k);
    if (d < best_distance) {
      best = k;
      best_distance = d;
    }
  }
  return best;
}

size_t edit_distance(std::string_view a, std::string_view b) {
  // The classic dynamic programme over three rows (two back, for the swap).
  std::vector<size_t> before(b.size() + 1), prev(b.size() + 1), row(b.size() + 1);
  std::iota(prev.begin(), prev.end(), size_t{0});
  for (size_t i = 1; i <= a.size(); ++i) {
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      row[j] = std::min({prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        row[j] = std::min(row[j], before[j - 2] + 1);
    }
    std::swap(before, prev);
    std::swap(prev, row);
  }
  return prev[b.size()];
}

std::pair<std::string, std::string> refusal_reason(std::string_view key) {
  const std::string k(key);
  if (contains(kSecretKeys, key)) {
    return {k + " must not be in the cx config file",
            "keep access keys in ~/.aws/credentials or a profile (AWS_PROFILE); the container "
            "gets temporary credentials of AWS_IAM_ROLE from cx"};
  }
  if (key == "HOME") {
    return {"HOME is set by cx in the container and cannot be configured",
            "the agent's home is /home/claude; remove the line"};
  }
  if (key == "CLAUDE_CONFIG_DIR") {
    return {"CLAUDE_CONFIG_DIR is set by cx in the container and cannot be configured",
            "Claude's state is kept per project by cx; choose how with CX_PERSIST"};
  }
  if (contains(kCredentialEndpointKeys, key)) {
    return {k + " is set by cx in the container and cannot be configured",
            "cx serves the role's credentials itself; choose how with CX_CREDENTIALS=broker|env"};
  }
  return {k + " is set by cx in the container and cannot be configured",
          "cx points the proxy variables at its egress proxy; allow more hosts with "
          "CX_ALLOW_HOSTS, or use CX_NETWORK=open"};
}

bool is_env_name(std::string_view name) {
  if (name.empty()) return false;
  auto start = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (!start(name[0])) return false;
  return std::all_of(name.begin() + 1, name.end(),
                     [&](char c) { return start(c) || (c >= '0' && c <= '9'); });
}

}  // namespace cx::config
