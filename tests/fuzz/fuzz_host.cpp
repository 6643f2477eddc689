// Fuzzes host canonicalisation: whatever it accepts must be canonical (the
// same host again when re-read) and made only of safe characters.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "broker/host.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  auto host = cx::broker::canonical_host(raw);
  if (!host) return 0;
  for (char c : host->text) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
                      c == '_' || c == ':';
    if (!safe) abort();
  }
  auto again = cx::broker::canonical_host(cx::broker::host_text(*host));
  if (!again || !(*again == *host)) abort();
  auto hp = cx::broker::parse_authority(raw, 443);
  (void)hp;
  return 0;
}
