#pragma once
// A POSIX ustar archive of a few small files and directories, in memory:
// what `RUNTIME cp - CONTAINER:DIR` unpacks into a created container (the
// remote transport's secrets, which must not be in any argv, environment or
// host path the engine would have to see). Written here rather than with
// libarchive, which would add a dozen shared libraries to every cx start
// for two files of 64 bytes; the format is one 512-byte header per entry.

#include <string>
#include <vector>

#include "util/result.h"

namespace cx {

struct TarEntry {
  std::string path;  // relative, '/'-separated, at most 100 bytes, no ".." component
  bool directory = false;
  unsigned mode = 0644;  // permission bits only
  unsigned uid = 0;
  unsigned gid = 0;
  std::string content;  // files only
};

// Returns the archive (entries in order, then the two zero blocks); an
// Error for a path that ustar cannot hold or that could escape DIR.
Result<std::string> ustar(const std::vector<TarEntry>& entries);

}  // namespace cx
