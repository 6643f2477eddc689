#include "util/bounded_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/unique_fd.h"

namespace cx {
namespace {

const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "a special file";
}

BoundedRead failed(int err) {
  BoundedRead r;
  r.err = err;
  r.why = std::strerror(err);
  return r;
}

}  // namespace

BoundedRead read_bounded_file(const std::string& path, std::size_t max_bytes,
                              std::string_view stop_after) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  if (!fd) return failed(errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return failed(errno);
  BoundedRead r;
  r.mode = st.st_mode;
  if (!S_ISREG(st.st_mode)) {
    r.why = std::string(kind_of(st.st_mode)) + ", not a regular file";
    return r;
  }
  // O_NONBLOCK was for the open; reads of a regular file should wait as usual.
  const int flags = ::fcntl(fd.get(), F_GETFL);
  if (flags < 0 || ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK) != 0) return failed(errno);
  const std::string too_large = "larger than the " + size_text(max_bytes) + " limit";
  if (static_cast<std::size_t>(st.st_size) > max_bytes) {
    r.why = too_large;
    return r;
  }
  // st_size is only a hint (files in /proc say 0; a file may grow): the cap
  // is enforced on what read() returns, one byte past it being enough to know.
  char buf[16384];
  for (;;) {
    const std::size_t room = max_bytes + 1 - r.text.size();
    const ssize_t n = ::read(fd.get(), buf, room < sizeof buf ? room : sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return failed(errno);
    if (n == 0) break;
    const std::size_t before = r.text.size();
    r.text.append(buf, static_cast<std::size_t>(n));
    if (!stop_after.empty() &&
        r.text.find(stop_after, before >= stop_after.size() ? before - stop_after.size() + 1 : 0) !=
            std::string::npos)
      break;
    if (r.text.size() > max_bytes) {
      r.text.clear();
      r.why = too_large;
      return r;
    }
  }
  return r;
}

std::string size_text(std::size_t bytes) {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0)
    return std::to_string(bytes / (1024 * 1024)) + " MiB";
  if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes / 1024) + " KiB";
  return std::to_string(bytes) + " bytes";
}

}  // namespace cx
