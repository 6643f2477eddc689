#include "aws/cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "util/digest.h"
#include "util/iso8601.h"
#include "util/private_fs.h"
#include "util/unique_fd.h"

namespace cx::aws {
namespace {

using nlohmann::json;

constexpr size_t kMaxEntryBytes = 64 * 1024;  // an entry is < 4 KiB; anything larger is not ours

bool valid_key(const std::string& key) {
  if (key.empty() || key.size() > 128) return false;
  for (char c : key)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-')) return false;
  return true;
}

}  // namespace

std::string cache_key(const std::vector<std::string>& fields) {
  std::string joined;
  for (const auto& f : fields) joined += std::to_string(f.size()) + ":" + f + ";";
  return sha256_hex(joined);
}

std::string role_cache_key(const std::string& profile, const std::string& role_arn,
                           const std::string& session_policy, int duration_seconds,
                           const std::string& external_id, const std::string& session_name) {
  return cache_key({"assume-role", profile, role_arn, session_policy,
                    std::to_string(duration_seconds), external_id, session_name});
}

std::string mfa_session_cache_key(const std::string& profile, const std::string& mfa_serial) {
  return cache_key({"mfa-session", profile, mfa_serial});
}

std::string default_cache_dir(const EnvLookup& env) {
  return xdg_cx_dir(env, "XDG_CACHE_HOME", ".cache");
}

CredentialCache::CredentialCache(std::string dir, const Clock& clock)
    : dir_(std::move(dir)), clock_(clock) {}

std::string CredentialCache::path_of(const std::string& key) const {
  return dir_ + "/" + key + ".json";
}

std::optional<Credentials> CredentialCache::load(const std::string& key,
                                                 std::chrono::seconds margin) const {
  if (!valid_key(key)) return std::nullopt;
  struct stat dst;
  if (::lstat(dir_.c_str(), &dst) != 0 || !S_ISDIR(dst.st_mode) || !private_to_us(dst))
    return std::nullopt;
  // O_NOFOLLOW: a symlink is refused; O_NONBLOCK: a planted FIFO cannot stall us.
  UniqueFd fd(::open(path_of(key).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (!fd) return std::nullopt;
  struct stat st;
  std::string text;
  if (::fstat(fd.get(), &st) == 0 && S_ISREG(st.st_mode) && private_to_us(st) &&
      static_cast<size_t>(st.st_size) <= kMaxEntryBytes) {
    char buf[4096];
    while (text.size() <= kMaxEntryBytes) {
      ssize_t n = ::read(fd.get(), buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      text.append(buf, static_cast<size_t>(n));
    }
  }
  fd.reset();
  if (text.empty() || text.size() > kMaxEntryBytes) return std::nullopt;

  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return std::nullopt;
  auto field = [&](const char* name) -> std::string {
    auto it = doc.find(name);
    return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  Credentials c;
  c.access_key_id = field("AccessKeyId");
  c.secret_access_key = field("SecretAccessKey");
  c.session_token = field("SessionToken");
  auto expiration = parse_iso8601(field("Expiration"));
  if (c.access_key_id.empty() || c.secret_access_key.empty() || c.session_token.empty() ||
      !expiration)
    return std::nullopt;
  if (*expiration - clock_.now() <= margin) return std::nullopt;
  c.expiration = *expiration;
  return c;
}

Status CredentialCache::ensure_private_dir() const {
  return cx::ensure_private_dir(dir_, "cache directory");
}

Status CredentialCache::store(const std::string& key, const Credentials& creds) {
  if (!valid_key(key)) return make_error("internal: invalid cache key");
  if (!creds.temporary() || !creds.expiration)
    return make_error("internal: only temporary credentials with an expiry are cached");
  if (auto ok = ensure_private_dir(); !ok) return ok;

  json doc = {{"AccessKeyId", creds.access_key_id},
              {"SecretAccessKey", creds.secret_access_key},
              {"SessionToken", creds.session_token},
              {"Expiration", format_iso8601(*creds.expiration)}};
  // rename replaces whatever is at the final name (an old file, a symlink) without following it.
  return write_private_file(path_of(key), doc.dump() + "\n");
}

Status CredentialCache::remove(const std::string& key) {
  if (!valid_key(key)) return make_error("internal: invalid cache key");
  if (::unlink(path_of(key).c_str()) != 0 && errno != ENOENT)
    return make_error("cannot remove the cache entry " + path_of(key) + ": " + errno_text());
  return Ok{};
}

}  // namespace cx::aws
