#pragma once
// The image sources compiled into cx (cmake/embed.cmake), so that `cx build`
// needs no checkout.

#include <string_view>

namespace cx::embedded {

extern const std::string_view containerfile;  // src/runtime/image/Containerfile
extern const std::string_view entrypoint;     // src/runtime/image/entrypoint.sh
extern const std::string_view relay_source;   // src/runtime/image/cx-relay.c

}  // namespace cx::embedded
