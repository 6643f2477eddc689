// Fuzzes the CX_ALLOW_HOSTS entry parser: an accepted entry, written back in
// its canonical form, parses to the same rule; a list of entries builds a
// policy or fails with one line.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "broker/allowlist.h"
#include "config/settings.h"
#include "fuzz_support.h"

using namespace cx;
using namespace cx::broker;

namespace {

std::string entry_text(const AllowEntry& e) {
  std::string out = e.kind == AllowEntry::Kind::suffix ? "*." : "";
  out += host_text(e.host);
  if (e.port_listed) out += ":" + std::to_string(e.port);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // Errors quote the entry (with `?` for what is not printable), so they are
  // bounded by the input rather than by a constant.
  const size_t max_error = input.size() + 1024;
  auto entry = parse_allow_entry(input);
  if (!entry) {
    fuzz::require_one_line(entry.error(), max_error);
  } else {
    fuzz::require(entry->port != 0, "a rule has a port");
    fuzz::require(entry->port_listed || entry->port == 443, "no port means 443");
    auto again = parse_allow_entry(entry_text(*entry));
    fuzz::require(again.ok() && *again == *entry, "the canonical entry parses to the same rule");
    auto host = canonical_host(host_text(entry->host));
    fuzz::require(host.ok() && *host == entry->host, "the rule's host is canonical");
  }

  // The same bytes as the whole CX_ALLOW_HOSTS value, split by config/settings.
  const std::string text =
      "RUNTIME=docker\nIMAGE_TAG=cx:latest\nAWS_IAM_ROLE=arn:aws:iam::123456789012:role/R\n"
      "CX_ALLOW_HOSTS=" +
      fuzz::single_quoted(input) + "\n";
  const EnvLookup env = env_from_map({{"HOME", "/nonexistent/home"}});
  auto file = config::parse_config(text, "cfg", env);
  if (!file) return 0;  // bytes a config file cannot hold (control characters)
  auto settings = config::build_settings(std::move(*file), env);
  if (!settings) return 0;
  const std::vector<std::string>& entries = settings->allow_hosts;
  if (entries.size() > 64) return 0;
  auto policy = Allowlist::make("us-east-1", entries);
  if (!policy) {
    fuzz::require_one_line(policy.error(), max_error);
  } else {
    fuzz::require(policy->rules().size() == entries.size() + 2, "one rule per entry");
  }
  return 0;
}
