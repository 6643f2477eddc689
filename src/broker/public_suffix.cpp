#include "broker/public_suffix.h"

#include <libpsl.h>

#include <fstream>
#include <sstream>

#include "broker/host.h"
#include "util/dynamic_library.h"

namespace cx::broker {
namespace {

constexpr size_t kMaxListBytes = 16 * 1024 * 1024;

// libpsl, loaded on first use (util/dynamic_library.h); null members when
// it could not be loaded, which callers see as "no list".
struct PslApi {
  const psl_ctx_t* (*builtin)();
  psl_ctx_t* (*latest)(const char*);
  int (*is_public_suffix2)(const psl_ctx_t*, const char*, int);
  const char* (*builtin_filename)();
};

const PslApi& psl_api() {
  static const PslApi api = [] {
    PslApi a{};
    auto lib = open_library({"libpsl.so.5", "libpsl.5.dylib", "libpsl.so"}, "libpsl", "");
    if (!lib || !bind_symbol(*lib, "psl_builtin", a.builtin) ||
        !bind_symbol(*lib, "psl_latest", a.latest) ||
        !bind_symbol(*lib, "psl_is_public_suffix2", a.is_public_suffix2) ||
        !bind_symbol(*lib, "psl_builtin_filename", a.builtin_filename))
      return PslApi{};
    return a;
  }();
  return api;
}

// libpsl's built-in list, or the newest one it can load when it was built
// without one; null when there is none at all (or no libpsl).
const psl_ctx_t* psl() {
  static const psl_ctx_t* ctx = []() -> const psl_ctx_t* {
    const PslApi& api = psl_api();
    if (api.builtin == nullptr) return nullptr;
    const psl_ctx_t* builtin = api.builtin();
    return builtin != nullptr ? builtin : api.latest(nullptr);
  }();
  return ctx;
}

bool is_suffix(const psl_ctx_t* ctx, const std::string& name, int type) {
  return psl_api().is_public_suffix2(ctx, name.c_str(), type | PSL_TYPE_NO_STAR_RULE) != 0;
}

bool strictly_under(std::string_view name, std::string_view parent) {
  return name.size() > parent.size() + 1 && name.ends_with(parent) &&
         name[name.size() - parent.size() - 1] == '.';
}

Result<SuffixRules> read_system_rules() {
  const char* built_from =
      psl_api().builtin_filename != nullptr ? psl_api().builtin_filename() : nullptr;
  const std::string path = built_from != nullptr && *built_from != '\0'
                               ? built_from
                               : "/usr/share/publicsuffix/public_suffix_list.dat";
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("cannot read the public suffix list " + path);
  std::string text(kMaxListBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) return make_error("cannot read the public suffix list " + path);
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxListBytes) {
    return make_error("the public suffix list " + path + " is larger than 16 MiB");
  }
  SuffixRules rules = SuffixRules::parse(text);
  if (rules.size() == 0) return make_error("the public suffix list " + path + " has no rules");
  return rules;
}

}  // namespace

Result<std::optional<SuffixSection>> public_suffix_section(std::string_view name) {
  const psl_ctx_t* ctx = psl();
  if (ctx == nullptr)
    return make_error("libpsl could not be loaded or has no public suffix list",
                      "install libpsl5 (Debian and Ubuntu: apt-get install libpsl5)");
  const std::string n(name);
  if (is_suffix(ctx, n, PSL_TYPE_ICANN)) return std::optional(SuffixSection::icann);
  if (is_suffix(ctx, n, PSL_TYPE_PRIVATE)) return std::optional(SuffixSection::private_domains);
  return std::optional<SuffixSection>();
}

std::optional<std::string> public_suffix_between(std::string_view suffix, std::string_view host) {
  const psl_ctx_t* ctx = psl();
  if (ctx == nullptr || !strictly_under(host, suffix)) return std::nullopt;
  if (is_suffix(ctx, std::string(suffix), PSL_TYPE_ANY)) return std::string(suffix);
  // From the name one label under `suffix` down to `host` itself; `dot`
  // is where the name last looked at starts, less one.
  size_t dot = host.size() - suffix.size() - 1;
  while (true) {
    const size_t prev = host.rfind('.', dot - 1);
    const std::string candidate(host.substr(prev == std::string_view::npos ? 0 : prev + 1));
    if (is_suffix(ctx, candidate, PSL_TYPE_ANY)) return candidate;
    if (prev == std::string_view::npos) return std::nullopt;
    dot = prev;
  }
}

SuffixRules SuffixRules::parse(std::string_view text) {
  SuffixRules out;
  while (!text.empty()) {
    const size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    const size_t word = line.find_first_not_of(" \t\r");
    if (word == std::string_view::npos) continue;
    line.remove_prefix(word);
    line = line.substr(0, line.find_first_of(" \t\r"));
    if (line.starts_with("//") || line.starts_with('!')) continue;
    Rule rule;
    if (line.starts_with("*.")) {
      rule.wildcard = true;
      line.remove_prefix(2);
    }
    auto host = canonical_host(line);
    if (!host || host->kind != HostKind::name) continue;
    rule.base = std::move(host->text);
    out.rules_.push_back(std::move(rule));
  }
  return out;
}

std::optional<std::string> SuffixRules::under(std::string_view name) const {
  std::optional<std::string> shortest;
  for (const Rule& r : rules_) {
    if (!strictly_under(r.base, name) && !(r.wildcard && r.base == name)) continue;
    std::string shown = (r.wildcard ? "*." : "") + r.base;
    if (!shortest || shown.size() < shortest->size()) shortest = std::move(shown);
  }
  return shortest;
}

const Result<SuffixRules>& system_suffix_rules() {
  static const Result<SuffixRules> rules = read_system_rules();
  return rules;
}

}  // namespace cx::broker
