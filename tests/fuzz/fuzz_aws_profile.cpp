// Fuzzes the shared AWS config and credentials files (the bytes before the
// first NUL are ~/.aws/config, the rest ~/.aws/credentials) and resolving
// their profiles into credential chains: no crash, no endless source_profile
// loop, one-line errors.
#include <cstdint>
#include <string>
#include <string_view>

#include "aws/profile/chain.h"
#include "aws/profile/profile_set.h"
#include "aws/profile/region.h"
#include "fuzz_support.h"

using namespace cx;
using namespace cx::aws::profile;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nul = input.find('\0');
  const std::string_view config = input.substr(0, nul);
  const std::string_view credentials =
      nul == std::string_view::npos ? std::string_view() : input.substr(nul + 1);
  auto set = parse_profile_files(config, credentials);
  if (!set) {
    fuzz::require(set.error().message.find('\n') == std::string::npos, "one-line parse error");
    return 0;
  }
  const EnvLookup env = env_from_map({{"HOME", "/nonexistent/home"}});
  size_t tried = 0;
  for (const auto& [name, props] : set->profiles) {
    if (++tried > 32) break;
    auto chain = resolve_profile_chain(*set, name);
    if (!chain) continue;
    // Each hop is a profile's role_arn: a chain longer than the profiles is a loop.
    fuzz::require(chain->hops.size() <= set->profiles.size(), "chains end");
    (void)describe(*chain);
    (void)resolve_region(*set, name, env);
  }
  auto chain = resolve_source_chain(*set, std::nullopt, env);
  (void)chain;
  return 0;
}
