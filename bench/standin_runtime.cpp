// A container runtime that answers at once: bench/run installs it as
// `podman` (or `docker`) on a private PATH, so that cx's own cost on the
// way to the runtime and back is measured without the runtime's.
//
// Each call appends its argv, one line, to $CX_STANDIN_LOG when that is set
// (so a benchmark can show which calls cx made). It answers the few
// questions cx asks as a real engine on this host would: `info` with this
// kernel's host name and release, no system connections, an image that
// exists, a default network; everything else (`run`, `rm`, ...) exits 0.
#include <fcntl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

int main(int argc, char** argv) {
  std::string line;
  for (int i = 0; i < argc; ++i) {
    if (i) line += ' ';
    line += i == 0 ? std::strrchr(argv[0], '/') ? std::strrchr(argv[0], '/') + 1 : argv[0] : argv[i];
  }
  line += '\n';
  if (const char* log = std::getenv("CX_STANDIN_LOG")) {
    const int fd = ::open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd >= 0) {
      (void)!::write(fd, line.data(), line.size());
      ::close(fd);
    }
  }
  const std::string cmd = argc > 1 ? argv[1] : "";
  const std::string sub = argc > 2 ? argv[2] : "";
  if (cmd == "--version" || cmd == "version") {
    std::puts("podman version 4.3.1");
  } else if (cmd == "info") {
    utsname u{};
    ::uname(&u);
    // The fields cx's --format asks for: podman's four, docker's three.
    const bool docker = std::strstr(argv[0], "docker") != nullptr;
    if (docker)
      std::printf("Debian GNU/Linux 12 (bookworm)\t%s\t%s\n", u.nodename, u.release);
    else
      std::printf("debian\t%s\t%s\tfalse\n", u.nodename, u.release);
  } else if (cmd == "image" && (sub == "inspect" || sub == "exists")) {
    if (sub == "inspect") std::puts("sha256:0");
  } else if (cmd == "network" && sub == "inspect") {
    std::puts("10.88.0.0/16 10.88.0.1");
  }
  return 0;
}
