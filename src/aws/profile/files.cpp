#include "aws/profile/files.h"

#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "util/bounded_file.h"

namespace cx::aws::profile {
namespace {

std::string home_dir(const EnvLookup& env) {
  if (auto home = env_value(env, "HOME")) return *home;
  long size = sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buf(size > 0 ? static_cast<size_t>(size) : 16384);
  passwd pw{};
  passwd* found = nullptr;
  if (getpwuid_r(getuid(), &pw, buf.data(), buf.size(), &found) == 0 && found != nullptr)
    return found->pw_dir;
  return {};
}

// Reads the whole file; an empty optional (and no error) when it does not exist.
Result<std::optional<std::string>> read_if_exists(const std::string& path,
                                                  const std::string& name) {
  BoundedRead r = read_bounded_file(path, kMaxProfileFileBytes);
  if (r.err == ENOENT || r.err == ENOTDIR) return std::optional<std::string>{};
  if (!r.ok())
    return make_error("cannot read " + name + ": " + r.why,
                      "check that it is a file readable by you (at most " +
                          size_text(kMaxProfileFileBytes) + ")");
  return std::optional<std::string>(std::move(r.text));
}

}  // namespace

std::string expand_home(const std::string& path, const EnvLookup& env) {
  if (path == "~") return home_dir(env);
  if (path.rfind("~/", 0) == 0) return home_dir(env) + path.substr(1);
  return path;
}

ProfileFilePaths profile_file_paths(const EnvLookup& env) {
  ProfileFilePaths p;
  p.config_name = env_value(env, "AWS_CONFIG_FILE").value_or("~/.aws/config");
  p.credentials_name = env_value(env, "AWS_SHARED_CREDENTIALS_FILE").value_or("~/.aws/credentials");
  p.config = expand_home(p.config_name, env);
  p.credentials = expand_home(p.credentials_name, env);
  return p;
}

Result<ProfileSet> load_profile_set(const EnvLookup& env) {
  ProfileFilePaths paths = profile_file_paths(env);
  auto config = read_if_exists(paths.config, paths.config_name);
  if (!config) return config.error();
  auto credentials = read_if_exists(paths.credentials, paths.credentials_name);
  if (!credentials) return credentials.error();
  return parse_profile_files(config->value_or(""), credentials->value_or(""), paths.config_name,
                             paths.credentials_name);
}

}  // namespace cx::aws::profile
