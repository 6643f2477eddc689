#pragma once
// Reading a whole file that someone else may have planted or pointed cx at
// (the config, files the config or the AWS profiles name): a regular file
// only, opened without blocking, read up to a size cap, so a FIFO, a device
// such as /dev/zero or a huge file cannot stall cx or fill its memory.

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace cx {

struct BoundedRead {
  std::string text;  // the whole file, when ok()
  mode_t mode = 0;   // st_mode of the descriptor read
  int err = 0;       // errno of a failed open, fstat or read; 0 otherwise
  std::string why;   // empty when ok(); else e.g. "a FIFO, not a regular file"

  bool ok() const { return why.empty(); }
};

// Reads `path` whole: open(O_NONBLOCK) so that opening a FIFO cannot block,
// fstat on that descriptor (anything but a regular file is refused), then at
// most `max_bytes` (a larger file, even one that grows while read, is refused).
// With `stop_after`, reading ends once the text read holds it (a check that
// needs only to find it: the whole of a large file is not read, which on a
// session's start costs page faults for nothing); `text` is then a prefix.
BoundedRead read_bounded_file(const std::string& path, std::size_t max_bytes,
                              std::string_view stop_after = {});

// Returns a size for messages: "1 MiB", "64 KiB", "100 bytes".
std::string size_text(std::size_t bytes);

}  // namespace cx
