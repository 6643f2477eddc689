#pragma once
// Public suffixes (co.uk, github.io, s3.amazonaws.com: names under which
// anyone can register or be given a name), for the wildcard CX_ALLOW_HOSTS
// entries: `*.S` is meant to name one owner's hosts, so it may neither be
// a public suffix nor span one. Lookups use libpsl's built-in copy of the
// Public Suffix List; "is there a suffix under S" needs the list's rules,
// which libpsl cannot enumerate, so it reads the text of the list that
// libpsl was built from.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace cx::broker {

// The section of the list a public suffix comes from.
enum class SuffixSection { icann, private_domains };

// Whether the canonical name `name` is itself a public suffix (explicit
// rules only: an unknown top-level label is not one), and from which
// section; nullopt when it is not. An Error when libpsl has no list.
Result<std::optional<SuffixSection>> public_suffix_section(std::string_view name);

// The first public suffix met going from `suffix` down to `host`, both
// included (`host` lies strictly under `suffix`): `*.suffix` must not reach
// `host` through it. Nullopt when there is none, and when libpsl has no
// list (public_suffix_section() refuses wildcard entries then).
std::optional<std::string> public_suffix_between(std::string_view suffix, std::string_view host);

// The rules of a Public Suffix List text, as canonical names.
class SuffixRules {
 public:
  // Reads the list format: one rule a line (its first word), `//`
  // comments, `*.` wildcards, `!` exceptions (skipped); Unicode rules are
  // converted to A-labels, rules that are no valid host are skipped.
  static SuffixRules parse(std::string_view text);

  // A public suffix strictly under the canonical name `name`, as its rule
  // is written (`s3.amazonaws.com`, `*.compute.amazonaws.com`), or nullopt.
  std::optional<std::string> under(std::string_view name) const;

  size_t size() const { return rules_.size(); }

 private:
  struct Rule {
    std::string base;  // canonical, without `*.`
    bool wildcard = false;
  };
  std::vector<Rule> rules_;
};

// The rules of the list text libpsl was built from (read once), or an
// Error naming the file when it cannot be read.
const Result<SuffixRules>& system_suffix_rules();

}  // namespace cx::broker
