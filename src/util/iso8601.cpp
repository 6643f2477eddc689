#include "util/iso8601.h"

#include <cctype>
#include <chrono>
#include <cstdio>

namespace cx {

namespace {

// Reads exactly `n` digits at `pos`.
std::optional<int> digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

}  // namespace

std::optional<SystemTime> parse_iso8601(std::string_view s) {
  using namespace std::chrono;
  auto y = digits(s, 0, 4), mo = digits(s, 5, 2), d = digits(s, 8, 2);
  auto h = digits(s, 11, 2), mi = digits(s, 14, 2), se = digits(s, 17, 2);
  if (!y || !mo || !d || !h || !mi || !se) return std::nullopt;
  if (s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  year_month_day ymd{year{*y}, month{static_cast<unsigned>(*mo)}, day{static_cast<unsigned>(*d)}};
  if (!ymd.ok() || *h > 23 || *mi > 59 || *se > 60) return std::nullopt;
  size_t pos = 19;
  nanoseconds frac{0};
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    long long scale = 100000000;
    size_t start = pos;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      frac += nanoseconds((s[pos] - '0') * scale);
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  minutes offset{0};
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (s.substr(pos) == "UTC") {  // what older `aws sso login` wrote
    pos += 3;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int sign = s[pos] == '-' ? -1 : 1;
    auto oh = digits(s, pos + 1, 2);
    size_t mpos = pos + 3;
    if (mpos < s.size() && s[mpos] == ':') ++mpos;
    auto om = digits(s, mpos, 2);
    if (!oh || !om) return std::nullopt;
    offset = sign * (hours{*oh} + minutes{*om});
    pos = mpos + 2;
  } else {
    return std::nullopt;  // a time without a zone is ambiguous; AWS always sends one
  }
  if (pos != s.size()) return std::nullopt;
  auto t = sys_days{ymd} + hours{*h} + minutes{*mi} + seconds{*se} - offset;
  return time_point_cast<SystemTime::duration>(t + frac);
}

namespace {

// Formats `t` (UTC, whole seconds) with a printf format taking year, month,
// day, hours, minutes, seconds.
std::string format_utc(SystemTime t, const char* fmt) {
  using namespace std::chrono;
  auto secs = floor<seconds>(t);
  auto days = floor<std::chrono::days>(secs);
  year_month_day ymd{days};
  hh_mm_ss hms{secs - days};
  char buf[64];  // room for any int year, which -Wformat-truncation counts on
  std::snprintf(buf, sizeof buf, fmt, static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

}  // namespace

std::string format_iso8601(SystemTime t) { return format_utc(t, "%04d-%02u-%02uT%02d:%02d:%02dZ"); }

std::string format_iso8601_basic(SystemTime t) {
  return format_utc(t, "%04d%02u%02uT%02d%02d%02dZ");
}

}  // namespace cx
