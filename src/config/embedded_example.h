#pragma once
// .claude-exec.example compiled into cx (cmake/embed.cmake), the text that
// `cx init` fills in.

#include <string_view>

namespace cx::embedded {

extern const std::string_view config_example;  // .claude-exec.example

}  // namespace cx::embedded
