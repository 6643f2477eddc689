#include "util/private_fs.h"

#include <fcntl.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cx {

std::string errno_text() { return std::strerror(errno); }

bool private_to_us(const struct stat& st) {
  return st.st_uid == ::geteuid() && (st.st_mode & 077) == 0;
}

Status ensure_private_dir(const std::string& path, const std::string& what) {
  for (size_t pos = 1; pos <= path.size(); ++pos) {
    if (pos != path.size() && path[pos] != '/') continue;
    std::string prefix = path.substr(0, pos);
    if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST)
      return make_error("cannot create the " + what + " " + prefix + ": " + errno_text());
  }
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0)
    return make_error("cannot use the " + what + " " + path + ": " + errno_text());
  if (!S_ISDIR(st.st_mode) || st.st_uid != ::geteuid())
    return make_error("the " + what + " " + path + " is not a directory of your own",
                      "remove it, or point the XDG variable elsewhere");
  if ((st.st_mode & 077) != 0 && ::chmod(path.c_str(), 0700) != 0)
    return make_error("cannot make the " + what + " " + path + " private: " + errno_text());
  return Ok{};
}

bool write_all(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

Status write_private_file(const std::string& path, const std::string& content, bool durable) {
  auto slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  std::string tmp = dir + "/.cx-tmp.XXXXXX";
  int fd = ::mkostemp(tmp.data(), O_CLOEXEC);  // mode 0600
  if (fd < 0) return make_error("cannot write to " + dir + ": " + errno_text());
  bool ok = ::fchmod(fd, 0600) == 0 && write_all(fd, content) && (!durable || ::fsync(fd) == 0);
  std::string why = ok ? "" : errno_text();
  if (::close(fd) != 0 && ok) ok = false, why = errno_text();
  if (ok && ::rename(tmp.c_str(), path.c_str()) != 0) ok = false, why = errno_text();
  if (!ok) {
    ::unlink(tmp.c_str());
    return make_error("cannot write " + path + ": " + why);
  }
  return Ok{};
}

std::string xdg_cx_dir(const EnvLookup& env, const char* var, const char* fallback) {
  auto xdg = env_value(env, var);
  std::string base;
  if (xdg && (*xdg)[0] == '/') {
    base = *xdg;  // the XDG spec: a relative value is invalid and ignored
  } else {
    std::string home;
    if (auto h = env_value(env, "HOME"))
      home = *h;
    else if (passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_dir)
      home = pw->pw_dir;
    base = home + "/" + fallback;
  }
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  return base + "/cx";
}

}  // namespace cx
