#include "runtime/build_progress.h"

#include <charconv>

namespace cx::runtime {
namespace {

// Reads "N/M" at the start of `s` (both positive, N <= M), advancing it.
bool read_fraction(std::string_view& s, int& n, int& m) {
  auto number = [&s](int& out) {
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec != std::errc() || end == s.data() || out <= 0) return false;
    s.remove_prefix(static_cast<std::size_t>(end - s.data()));
    return true;
  };
  if (!number(n) || s.empty() || s.front() != '/') return false;
  s.remove_prefix(1);
  return number(m) && n <= m;
}

bool eat(std::string_view& s, std::string_view prefix) {
  if (s.substr(0, prefix.size()) != prefix) return false;
  s.remove_prefix(prefix.size());
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Control characters (and DEL) shown as '?', so build output cannot move the
// cursor or recolour the user's terminal.
std::string printable(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = '?';
  }
  return out;
}

// `s` cut to at most `columns` characters (UTF-8 sequences counted as one
// and never split), with "..." when cut.
std::string fit(const std::string& s, std::size_t columns) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;  // a continuation byte
    if (++count > columns) {
      if (columns < 3) return s.substr(0, i);
      // Step back three characters for the "...".
      std::size_t cut = i;
      for (int back = 0; back < 3 && cut > 0;) {
        --cut;
        if ((static_cast<unsigned char>(s[cut]) & 0xC0) != 0x80) ++back;
      }
      return s.substr(0, cut) + "...";
    }
  }
  return s;
}

}  // namespace

std::optional<BuildStep> parse_build_step(std::string_view line) {
  BuildStep step;
  std::string_view s = line;
  // podman's stage prefix in a multi-stage build: "[1/2] ".
  if (!s.empty() && s.front() == '[') {
    std::string_view t = s.substr(1);
    int a = 0, b = 0;
    if (read_fraction(t, a, b) && eat(t, "] ")) {
      s = t;
      step.stage = a;
      step.stages = b;
    }
  }
  if (eat(s, "STEP ") || eat(s, "Step ")) {
    if (!read_fraction(s, step.number, step.total)) return std::nullopt;
    if (!eat(s, ":") && !eat(s, " :")) return std::nullopt;
  } else if (eat(s, "#")) {
    // BuildKit: "#ID [STAGE N/M] TEXT" or "#ID [N/M] TEXT".
    int id = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
    if (ec != std::errc() || end == s.data()) return std::nullopt;
    s.remove_prefix(static_cast<std::size_t>(end - s.data()));
    if (!eat(s, " [")) return std::nullopt;
    const auto close = s.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    std::string_view inside = s.substr(0, close);
    if (const auto space = inside.rfind(' '); space != std::string_view::npos)
      inside.remove_prefix(space + 1);
    if (!read_fraction(inside, step.number, step.total) || !inside.empty()) return std::nullopt;
    s.remove_prefix(close + 1);
  } else {
    return std::nullopt;
  }
  step.text = printable(trim(s));
  return step;
}

void BuildOutput::feed(std::string_view bytes) {
  for (char c : bytes) {
    if (c == '\n' || c == '\r') {
      line_done();
    } else if (partial_.size() < kMaxLine) {
      partial_.push_back(c);
    } else {
      cut_ = true;
    }
  }
}

void BuildOutput::finish() { line_done(); }

void BuildOutput::line_done() {
  if (auto s = parse_build_step(partial_)) step_ = std::move(*s);
  if (!trim(partial_).empty()) {
    tail_.push_back(printable(partial_) + (cut_ ? "..." : ""));
    while (tail_.size() > tail_max_) tail_.pop_front();
  }
  partial_.clear();
  cut_ = false;
}

std::string format_elapsed(std::chrono::seconds elapsed) {
  const long long t = elapsed.count() < 0 ? 0 : elapsed.count();
  auto two = [](long long v) { return (v < 10 ? "0" : "") + std::to_string(v); };
  if (t < 60) return std::to_string(t) + "s";
  if (t < 3600) return std::to_string(t / 60) + "m" + two(t % 60) + "s";
  return std::to_string(t / 3600) + "h" + two(t / 60 % 60) + "m";
}

std::string progress_line(const std::optional<BuildStep>& step, std::chrono::seconds elapsed,
                          std::size_t width) {
  const std::string when = " (" + format_elapsed(elapsed) + ")";
  std::string what = "cx: building";
  if (step) {
    what = "cx: ";
    if (step->stages > 0)
      what += "[" + std::to_string(step->stage) + "/" + std::to_string(step->stages) + "] ";
    what += "step " + std::to_string(step->number) + "/" + std::to_string(step->total);
    if (!step->text.empty()) what += ": " + step->text;
  }
  // Keep the time visible: the text gives way first.
  if (width > when.size() + 1) return fit(what, width - when.size() - 1) + when;
  return fit(what + when, width > 1 ? width - 1 : 1);
}

}  // namespace cx::runtime
