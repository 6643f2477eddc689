#pragma once
// Libraries that cx loads when it first needs them (dlopen) instead of at
// start: libcurl, libidn2 and libpsl with what they pull in are most of the
// dynamic loader's work for every `cx`, and most runs need none of them
// (BENCHMARKS.md, "cx's own start"). Each user keeps a table of the
// functions it calls, bound once per process.

#include <dlfcn.h>

#include <initializer_list>
#include <string>

#include "util/result.h"

namespace cx {

// Opens the first of `names` (sonames, e.g. "libcurl.so.4" then the macOS
// "libcurl.4.dylib") that loads. The error says which library (`what`),
// why, and `hint` (how to install it).
Result<void*> open_library(std::initializer_list<const char*> names, const std::string& what,
                           const std::string& hint);

// Binds `fn` to `symbol` in `lib`; false when the library lacks it.
template <class F>
bool bind_symbol(void* lib, const char* symbol, F*& fn) {
  fn = reinterpret_cast<F*>(::dlsym(lib, symbol));
  return fn != nullptr;
}

}  // namespace cx
