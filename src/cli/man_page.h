#pragma once
// cx(1), written from the command table at build time (tools/docgen.cpp).

#include <string>
#include <string_view>

namespace cx::cli {

// The man page in man(7) troff.
std::string man_page(std::string_view version);

}  // namespace cx::cli
