#include "aws/session_name.h"

#include <cctype>

#include "util/digest.h"
#include "util/hex.h"

namespace cx::aws {

namespace {

constexpr std::size_t kHashLength = 8;

bool allowed(unsigned char c) {
  return std::isalnum(c) || c == '_' || c == '+' || c == '=' || c == ',' || c == '.' || c == '@' ||
         c == '-';
}

}  // namespace

std::string sanitize_session_name(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (unsigned char c : raw) out.push_back(allowed(c) ? static_cast<char>(c) : '-');
  if (out.size() > kMaxSessionNameLength) {
    std::string hash = to_hex(sha256(raw)).substr(0, kHashLength);
    out.resize(kMaxSessionNameLength - kHashLength - 1);
    out += "-" + hash;
  }
  while (out.size() < 2) out.push_back('-');
  return out;
}

std::string default_session_name(std::string_view user, std::string_view project) {
  std::string raw = "cx";
  if (!user.empty()) raw += "-" + std::string(user);
  if (!project.empty()) raw += "-" + std::string(project);
  return sanitize_session_name(raw);
}

Status validate_session_name(std::string_view name) {
  const std::string hint =
      "use 2 to 64 letters, digits or _+=,.@- in CX_ROLE_SESSION_NAME, or unset it for the "
      "default cx-USER-PROJECT";
  if (name.size() < 2 || name.size() > kMaxSessionNameLength) {
    return make_error(
        "CX_ROLE_SESSION_NAME must be 2 to 64 characters long, not " + std::to_string(name.size()),
        hint);
  }
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (!allowed(static_cast<unsigned char>(name[i]))) {
      auto c = static_cast<unsigned char>(name[i]);
      std::string what = std::isprint(c) ? "'" + std::string(1, name[i]) + "'"
                                         : std::string("a non-ASCII or control character");
      return make_error("CX_ROLE_SESSION_NAME contains " + what + " at position " +
                            std::to_string(i + 1) + ", which STS does not accept",
                        hint);
    }
  }
  return Ok{};
}

}  // namespace cx::aws
