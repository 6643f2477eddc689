#include "util/dynamic_library.h"

namespace cx {

Result<void*> open_library(std::initializer_list<const char*> names, const std::string& what,
                           const std::string& hint) {
  std::string why;
  for (const char* name : names) {
    // RTLD_LOCAL: its symbols serve only the table that asked for them.
    if (void* lib = ::dlopen(name, RTLD_NOW | RTLD_LOCAL)) return lib;
    if (why.empty()) {
      const char* e = ::dlerror();
      why = e ? e : name;
    }
  }
  return make_error("cannot load " + what + ": " + why, hint);
}

}  // namespace cx
