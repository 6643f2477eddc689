#pragma once
// CredentialCache: temporary credentials (AssumeRole results, MFA sessions
// from GetSessionToken) kept across runs, one JSON file per key in a private
// directory. The cache is an optimisation that must never be a way in: a file
// or directory that is not ours alone (foreign owner, group/other bits, a
// symlink) or that does not parse is ignored and replaced on the next store.
// Whether to use the cache at all (CX_CACHE=0) is the caller's decision.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "aws/credentials.h"
#include "util/env.h"
#include "util/clock.h"
#include "util/result.h"

namespace cx::aws {

// Returns the hex SHA-256 of `fields`, each length-prefixed so that field boundaries count.
std::string cache_key(const std::vector<std::string>& fields);

// Returns the key of an AssumeRole result: every input that changes what STS returns.
std::string role_cache_key(const std::string& profile, const std::string& role_arn,
                           const std::string& session_policy, int duration_seconds,
                           const std::string& external_id, const std::string& session_name);

// Returns the key of an MFA session (GetSessionToken result) of a profile and MFA device.
std::string mfa_session_cache_key(const std::string& profile, const std::string& mfa_serial);

// Returns $XDG_CACHE_HOME/cx when XDG_CACHE_HOME is absolute, else ~/.cache/cx.
std::string default_cache_dir(const EnvLookup& env);

class CredentialCache {
 public:
  // Uses directory `dir` (created 0700 on the first store); `clock` decides what is fresh.
  CredentialCache(std::string dir, const Clock& clock);

  // Returns the entry for `key` if it is trustworthy and has more than `margin` left.
  std::optional<Credentials> load(const std::string& key, std::chrono::seconds margin) const;

  // Writes the entry atomically (0600 temp file + rename); only temporary credentials are cached.
  Status store(const std::string& key, const Credentials& creds);

  // Deletes the entry for `key`; a missing entry is not an error.
  Status remove(const std::string& key);

  // Returns the file that holds `key`'s entry.
  std::string path_of(const std::string& key) const;

 private:
  Status ensure_private_dir() const;

  std::string dir_;
  const Clock& clock_;
};

}  // namespace cx::aws
