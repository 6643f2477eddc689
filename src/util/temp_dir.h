#pragma once
// TempDir: a private (0700) temporary directory, removed with everything in
// it when the object goes, on every exit path (Fatal included).

#include <string>

#include "util/result.h"

namespace cx {

class TempDir {
 public:
  // Creates BASE/PREFIXXXXXXX; BASE defaults to $TMPDIR or /tmp.
  static Result<TempDir> create(const std::string& prefix, std::string base = {});
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&&) = delete;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  const std::string& path() const { return path_; }

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace cx
