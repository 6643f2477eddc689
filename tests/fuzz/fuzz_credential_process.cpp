// Fuzzes what a credential_process helper prints (Version 1 JSON) and the
// splitting of its command line. Accepted credentials are complete and
// fresh; an error never quotes the output (it holds secrets); split words
// come back the same when re-quoted.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "aws/sources/credential_process.h"
#include "fuzz_support.h"

using namespace cx;

namespace {

class FixedClock final : public Clock {
 public:
  SystemTime now() const override { return SystemTime(std::chrono::seconds(1714564800)); }
};

// Long string values of the output, which an error message must not contain.
void long_strings(const nlohmann::json& j, std::vector<std::string>& out) {
  if (j.is_string() && j.get_ref<const std::string&>().size() >= 24) {
    out.push_back(j.get<std::string>());
  } else if (j.is_structured()) {
    for (const auto& item : j.items()) {
      if (item.key().size() >= 24) out.push_back(item.key());
      long_strings(item.value(), out);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  static const FixedClock clock;
  auto c = aws::sources::parse_process_output("p", input, clock);
  if (c) {
    fuzz::require(!c->access_key_id.empty() && !c->secret_access_key.empty(),
                  "accepted credentials have both keys");
    fuzz::require(!c->expiration || *c->expiration > clock.now(), "accepted credentials are fresh");
  } else {
    fuzz::require_one_line(c.error());
    std::vector<std::string> secrets;
    nlohmann::json doc = nlohmann::json::parse(input, nullptr, false);
    if (!doc.is_discarded()) long_strings(doc, secrets);
    for (const std::string& s : secrets) {
      fuzz::require(c.error().message.find(s) == std::string::npos &&
                        c.error().hint.find(s) == std::string::npos,
                    "an error never quotes the output");
    }
  }

  auto words = aws::sources::split_command_line(input);
  if (!words) return 0;
  std::string quoted;
  for (const std::string& w : *words) quoted += " " + fuzz::single_quoted(w);
  auto again = aws::sources::split_command_line(quoted);
  fuzz::require(again.ok() && *again == *words, "split words survive re-quoting");
  return 0;
}
