// cx_paired: times two commands run alternately (A B A B ...), so that
// whatever else the machine is doing hits both alike, and prints one line
// of figures for bench/run's table.
//
//   cx_paired [--runs N] [--warmup W] [--label TEXT] -- A-ARGV... ::: B-ARGV...
//
// Each run is spawned directly (no shell), stdin and stdout on /dev/null,
// stderr kept in a buffer that is shown only when the command fails.
// Output, one line, tab-separated, times in milliseconds:
//   LABEL  A_MEDIAN A_MIN A_MAX  B_MEDIAN B_MIN B_MAX  RATIO_MEDIAN RATIO_MIN RATIO_MAX  RUNS
// where RATIO is A/B of the same pair. Exit 0; 1 if a run failed (with the
// command's stderr), 2 on a usage error.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

extern char** environ;

namespace {

double now_ms() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// Runs argv once; returns its wall time in ms, or a negative value when it
// could not be run or did not exit 0 (its stderr then printed).
double run_once(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  char err_path[] = "/tmp/cx-paired-XXXXXX";
  const int err_fd = ::mkstemp(err_path);
  if (err_fd < 0) return -1;
  ::unlink(err_path);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
  pid_t pid = 0;
  const double t0 = now_ms();
  const int rc = ::posix_spawnp(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    std::fprintf(stderr, "cx_paired: cannot run %s: %s\n", argv[0], std::strerror(rc));
    ::close(err_fd);
    return -1;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  const double t = now_ms() - t0;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "cx_paired: %s failed (status %d); its stderr:\n", argv[0], status);
    char buf[4096];
    ::lseek(err_fd, 0, SEEK_SET);
    ssize_t n;
    while ((n = ::read(err_fd, buf, sizeof buf)) > 0) (void)!::write(2, buf, n);
    ::close(err_fd);
    return -1;
  }
  ::close(err_fd);
  return t;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int usage() {
  std::fprintf(stderr,
               "usage: cx_paired [--runs N] [--warmup W] [--label TEXT] -- A... ::: B...\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 11, warmup = 1;
  std::string label = "pair";
  int i = 1;
  for (; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (i + 1 >= argc) return usage();
    if (a == "--runs") {
      runs = std::atoi(argv[++i]);
    } else if (a == "--warmup") {
      warmup = std::atoi(argv[++i]);
    } else if (a == "--label") {
      label = argv[++i];
    } else {
      return usage();
    }
  }
  std::vector<std::string> cmd_a, cmd_b;
  bool second = false;
  for (; i < argc; ++i) {
    if (std::strcmp(argv[i], ":::") == 0 && !second) {
      second = true;
      continue;
    }
    (second ? cmd_b : cmd_a).push_back(argv[i]);
  }
  if (runs < 1 || warmup < 0 || cmd_a.empty() || cmd_b.empty()) return usage();

  for (int w = 0; w < warmup; ++w) {
    if (run_once(cmd_a) < 0 || run_once(cmd_b) < 0) return 1;
  }
  std::vector<double> ta, tb, ratio;
  for (int r = 0; r < runs; ++r) {
    // Alternate which goes first, so neither always follows the other.
    double a, b;
    if (r % 2 == 0) {
      a = run_once(cmd_a);
      b = a < 0 ? -1 : run_once(cmd_b);
    } else {
      b = run_once(cmd_b);
      a = b < 0 ? -1 : run_once(cmd_a);
    }
    if (a < 0 || b < 0) return 1;
    ta.push_back(a);
    tb.push_back(b);
    ratio.push_back(b > 0 ? a / b : 0);
  }
  auto mm = [](const std::vector<double>& v) {
    return std::make_pair(*std::min_element(v.begin(), v.end()),
                          *std::max_element(v.begin(), v.end()));
  };
  const auto [amin, amax] = mm(ta);
  const auto [bmin, bmax] = mm(tb);
  const auto [rmin, rmax] = mm(ratio);
  std::printf("%s\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.3f\t%.3f\t%.3f\t%d\n", label.c_str(),
              median(ta), amin, amax, median(tb), bmin, bmax, median(ratio), rmin, rmax, runs);
  return 0;
}
