#include "runtime/mount.h"

#include <sstream>

namespace cx::runtime {
namespace {

Error bad_entry(const std::string& entry, const std::string& why) {
  return make_error("CX_MOUNTS entry \"" + entry + "\" " + why,
                    "write each entry as HOST:CONTAINER or HOST:CONTAINER:ro, with absolute paths");
}

}  // namespace

Result<std::vector<Mount>> parse_mounts(std::string_view list, std::string_view home) {
  std::vector<Mount> mounts;
  std::istringstream words{std::string(list)};
  std::string entry;
  while (words >> entry) {
    std::vector<std::string> parts;
    std::string::size_type start = 0;
    for (;;) {
      const auto colon = entry.find(':', start);
      parts.push_back(entry.substr(start, colon - start));
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
    if (parts.size() < 2 || parts.size() > 3) {
      return bad_entry(entry, "is not HOST:CONTAINER[:ro] (paths cannot contain ':')");
    }
    Mount m;
    m.host = parts[0];
    m.container = parts[1];
    if (parts.size() == 3) {
      if (parts[2] == "ro") {
        m.read_only = true;
      } else if (parts[2] != "rw") {
        return bad_entry(entry, "has the option \"" + parts[2] + "\"; only ro and rw are known");
      }
    }
    if (m.host.rfind("~/", 0) == 0) m.host = std::string(home) + m.host.substr(1);
    if (m.host.empty() || m.host[0] != '/') {
      return bad_entry(entry, "has a host path that is not absolute");
    }
    if (m.container.empty() || m.container[0] != '/') {
      return bad_entry(entry, "has a container path that is not absolute");
    }
    if (m.container.find_first_not_of('/') == std::string::npos) {
      return bad_entry(entry, "would mount over the container's root");
    }
    if (m.container.find_last_not_of('/') == 3 && m.container.rfind("/src", 0) == 0) {
      return bad_entry(entry, "would mount over /src, where the project is mounted");
    }
    mounts.push_back(std::move(m));
  }
  return mounts;
}

}  // namespace cx::runtime
