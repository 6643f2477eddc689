// Fuzzes the request head parser: the result must not depend on how the
// bytes are split, and a forwarded head must itself parse as origin-form.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "broker/http_head.h"

using cx::broker::HeadParser;

static std::string summary(const HeadParser& p, size_t used) {
  switch (p.state()) {
    case HeadParser::State::incomplete:
      return "incomplete";
    case HeadParser::State::failed:
      return "failed " + std::to_string(p.error().status) + " " + p.error().reason;
    case HeadParser::State::complete:
      break;
  }
  const auto& h = p.head();
  std::string s = "complete " + std::to_string(used) + " " + h.method + " " + h.path;
  if (h.form != cx::broker::TargetForm::origin) s += " " + cx::broker::authority_text(h.target);
  if (h.form == cx::broker::TargetForm::absolute) s += "\n" + cx::broker::origin_form_head(h);
  return s;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t step = data[0] % 16 + 1;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);

  HeadParser whole;
  const size_t whole_used = whole.feed(input);
  if (whole_used > input.size()) abort();

  HeadParser pieces;
  size_t used = 0;
  for (size_t i = 0; i < input.size() && pieces.state() == HeadParser::State::incomplete;
       i += step) {
    used += pieces.feed(input.substr(i, step));
  }
  // A failure may be detected a few bytes later when fed in pieces, but
  // state, status and reason must agree.
  if (whole.state() == HeadParser::State::complete &&
      summary(whole, whole_used) != summary(pieces, used)) {
    abort();
  }
  if (whole.state() != pieces.state()) abort();
  if (whole.state() == HeadParser::State::failed && whole.error().status != pieces.error().status) {
    abort();
  }

  if (whole.state() == HeadParser::State::complete &&
      whole.head().form == cx::broker::TargetForm::absolute) {
    // The forwarded head gains Host and Connection: close, so a head at the
    // limits gives one slightly past them (found at 100 header fields): the
    // upstream parser allows for what origin_form_head adds.
    const cx::broker::HeadLimits defaults;
    HeadParser upstream(cx::broker::ParseMode::origin, {.request_line = defaults.request_line,
                                                        .head = defaults.head + 1024,
                                                        .headers = defaults.headers + 2});
    const std::string forwarded = cx::broker::origin_form_head(whole.head());
    if (upstream.feed(forwarded) != forwarded.size() ||
        upstream.state() != HeadParser::State::complete) {
      abort();
    }
    if (upstream.head().content_length != whole.head().content_length ||
        upstream.head().chunked != whole.head().chunked) {
      abort();
    }
  }
  return 0;
}
