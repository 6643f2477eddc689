#pragma once
// The line syntax shared by ~/.aws/config and ~/.aws/credentials, as the AWS
// SDKs' cross-SDK parser suite defines it: `[section]` headers, `key = value`
// properties, `#`/`;` comments, indented continuation lines and indented
// sub-properties (`s3 =` followed by `  key = value` lines). What a header
// means (profile, sso-session, ignored) is decided later, in profile_set.h.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/result.h"

namespace cx::aws::profile {

struct IniSection {
  std::string header;  // text between the brackets, trimmed ("profile foo", "default")
  int line = 0;        // 1-based line of the header
  // In file order; keys lower-cased; a later duplicate overrides an earlier one.
  std::vector<std::pair<std::string, std::string>> properties;
};

struct IniFile {
  std::vector<IniSection> sections;
};

// Parses the text of one file; `file_name` (e.g. "~/.aws/config") names it in errors.
Result<IniFile> parse_ini(std::string_view text, std::string_view file_name);

}  // namespace cx::aws::profile
