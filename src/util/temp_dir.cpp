#include "util/temp_dir.h"

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>

#include "util/private_fs.h"

namespace cx {

Result<TempDir> TempDir::create(const std::string& prefix, std::string base) {
  if (base.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    base = tmp && *tmp ? tmp : "/tmp";
  }
  std::string tmpl = base + "/" + prefix + "XXXXXX";
  if (!::mkdtemp(tmpl.data()))  // mode 0700
    return make_error("cannot create a temporary directory in " + base + ": " + errno_text());
  return TempDir(tmpl);
}

TempDir::TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }

TempDir::~TempDir() {
  if (path_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace cx
