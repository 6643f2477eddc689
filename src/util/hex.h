#pragma once
// Lower-case hexadecimal encoding, as SigV4 and content digests need it.

#include <string>
#include <string_view>

namespace cx {

// Returns `bytes` as lower-case hex, two characters per byte.
std::string to_hex(std::string_view bytes);

}  // namespace cx
