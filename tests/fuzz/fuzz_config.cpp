// Fuzzes the ~/.claude-exec parser and the settings built from it: errors
// are one line, the limits hold, the last assignment of a key wins, and
// every value survives being written back single-quoted and read again.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "config/parser.h"
#include "config/settings.h"
#include "fuzz_support.h"

using namespace cx;
using namespace cx::config;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static const EnvLookup env =
      env_from_map({{"HOME", "/nonexistent/home"}, {"USER", "fuzz"}, {"B", "from-env"}});
  auto parsed = parse_config(text, "cfg", env);
  if (!parsed) {
    fuzz::require(parsed.error().message.starts_with("cfg:"), "errors name the file");
    fuzz::require_one_line(parsed.error());
    return 0;
  }
  const ConfigFile& f = *parsed;
  fuzz::require(f.assignments().size() <= kMaxAssignments, "assignment cap");
  std::unordered_map<std::string, const Assignment*> last;
  size_t total = 0;
  for (const Assignment& a : f.assignments()) {
    fuzz::require(a.value.size() <= kMaxValueBytes, "value cap");
    total += a.value.size();
    last[a.key] = &a;
  }
  fuzz::require(total <= kMaxExpandedBytes, "expansion cap");
  for (const auto& [key, a] : last) fuzz::require(f.find(key) == a, "find() gives the last one");
  fuzz::require(f.effective().size() == last.size(), "effective() has one entry per key");

  std::string again;
  for (const Assignment& a : f.assignments())
    again += a.key + "=" + fuzz::single_quoted(a.value) + "\n";
  auto reparsed = parse_config(again, "again", env);
  fuzz::require(reparsed.ok(), "quoted values parse again");
  fuzz::require(reparsed->assignments().size() == f.assignments().size(), "same assignments");
  for (size_t i = 0; i < f.assignments().size(); ++i) {
    fuzz::require(reparsed->assignments()[i].value == f.assignments()[i].value,
                  "a value survives single quotes");
  }

  auto settings = build_settings(std::move(*parsed), env);
  if (!settings) fuzz::require_one_line(settings.error());
  return 0;
}
