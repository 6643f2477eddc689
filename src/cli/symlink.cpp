// `cx symlink` / `cx unlink`: put this binary on PATH as `cx`, or take it off.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "cli/commands.h"
#include "util/fatal.h"
#include "util/portable.h"
#include "util/term_style.h"

namespace fs = std::filesystem;

namespace cx::cli {
namespace {

fs::path target_dir(const Invocation& inv) {
  if (inv.dir) return fs::absolute(*inv.dir);
  const char* home = std::getenv("HOME");
  if (!home || !*home)
    throw Fatal("HOME is not set; name the directory: cx symlink DIR", kExitFailure);
  return fs::path(home) / ".local" / "bin";
}

bool on_path(const fs::path& dir) {
  const char* path = std::getenv("PATH");
  if (!path) return false;
  std::string p = path;
  std::error_code ec;
  size_t start = 0;
  while (start <= p.size()) {
    size_t end = p.find(':', start);
    if (end == std::string::npos) end = p.size();
    fs::path entry = p.substr(start, end - start);
    if (!entry.empty() && fs::equivalent(entry, dir, ec)) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

int cmd_symlink(const Invocation& inv) {
  fs::path dir = target_dir(inv);
  std::error_code ec;
  auto found = port::self_exe_path(inv.argv0);
  if (!found) throw Fatal("cannot find the cx binary: " + found.error().message, kExitFailure);
  const fs::path self = *found;
  fs::create_directories(dir, ec);
  if (ec) throw Fatal("cannot create " + dir.string() + ": " + ec.message(), kExitFailure);
  fs::path link = dir / "cx";
  auto st = fs::symlink_status(link, ec);
  if (fs::exists(st) && !fs::is_symlink(st))
    throw Fatal(link.string() + " exists and is not a symlink; not replacing it", kExitFailure,
                "remove it first, or name another directory: cx symlink DIR");
  // Create under a temporary name, then rename over: never a moment without cx.
  fs::path tmp = dir / (".cx.tmp." + std::to_string(::getpid()));
  fs::remove(tmp, ec);
  fs::create_symlink(self, tmp, ec);
  if (ec) throw Fatal("cannot create " + link.string() + ": " + ec.message(), kExitFailure);
  fs::rename(tmp, link, ec);
  if (ec) {
    fs::remove(tmp);
    throw Fatal("cannot create " + link.string() + ": " + ec.message(), kExitFailure);
  }
  std::printf("cx: %s -> %s\n", link.c_str(), self.c_str());
  if (!on_path(dir))
    std::fprintf(stderr, "%s %s is not on PATH\ncx: hint: add it: export PATH=\"%s:$PATH\"\n",
                 term::warning_prefix().c_str(), dir.c_str(), dir.c_str());
  return 0;
}

int cmd_unlink(const Invocation& inv) {
  fs::path link = target_dir(inv) / "cx";
  std::error_code ec;
  auto st = fs::symlink_status(link, ec);
  if (!fs::exists(st)) {
    std::printf("cx: %s does not exist; nothing to do\n", link.c_str());
    return 0;
  }
  if (!fs::is_symlink(st))
    throw Fatal(link.string() + " is not a symlink; not removing it", kExitFailure);
  fs::remove(link, ec);
  if (ec) throw Fatal("cannot remove " + link.string() + ": " + ec.message(), kExitFailure);
  std::printf("cx: removed %s\n", link.c_str());
  return 0;
}

}  // namespace cx::cli
