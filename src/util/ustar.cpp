#include "util/ustar.h"

#include <cstring>

namespace cx {
namespace {

constexpr size_t kBlock = 512;

// Writes `value` as width-1 octal digits (zero-padded) and a NUL; the
// callers' values (modes, ids, sizes of a few bytes) always fit.
void octal(char* field, size_t width, unsigned long long value) {
  field[width - 1] = '\0';
  for (size_t i = width - 1; i-- > 0; value >>= 3) field[i] = static_cast<char>('0' + (value & 7));
}

bool safe_path(const std::string& path) {
  if (path.empty() || path.size() > 100 || path[0] == '/') return false;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    const std::string part = path.substr(start, slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = slash + 1;
  }
  return path.find('\0') == std::string::npos;
}

}  // namespace

Result<std::string> ustar(const std::vector<TarEntry>& entries) {
  std::string out;
  for (const TarEntry& e : entries) {
    if (!safe_path(e.path)) return make_error("cannot put \"" + e.path + "\" in a tar archive");
    char h[kBlock];
    std::memset(h, 0, sizeof h);
    std::memcpy(h, e.path.data(), e.path.size());           // name
    octal(h + 100, 8, e.mode & 07777);                      // mode
    octal(h + 108, 8, e.uid);                               // uid
    octal(h + 116, 8, e.gid);                               // gid
    octal(h + 124, 12, e.directory ? 0 : e.content.size());  // size
    octal(h + 136, 12, 0);                                  // mtime: the epoch
    h[156] = e.directory ? '5' : '0';                       // typeflag
    std::memcpy(h + 257, "ustar", 6);                       // magic, NUL-terminated
    std::memcpy(h + 263, "00", 2);                          // version
    // The checksum is computed with its own field as eight spaces.
    std::memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (unsigned char c : h) sum += c;
    octal(h + 148, 7, sum);  // six digits and a NUL; the eighth byte stays a space
    out.append(h, sizeof h);
    if (!e.directory) {
      out += e.content;
      out.append((kBlock - e.content.size() % kBlock) % kBlock, '\0');
    }
  }
  out.append(2 * kBlock, '\0');
  return out;
}

}  // namespace cx
