#include "config/validators.h"


#include <algorithm>
#include <charconv>
#include <vector>

namespace cx::config {

namespace {

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// The IAM "\w+=,.@-" class (\w being ASCII letters, digits and _).
bool is_iam_name_char(char c) {
  return is_alnum(c) || std::string_view("_+=,.@-").find(c) != std::string_view::npos;
}

bool all_of(std::string_view s, bool (*pred)(char)) {
  return std::all_of(s.begin(), s.end(), pred);
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    const size_t p = s.find(sep, start);
    parts.push_back(s.substr(start, p == std::string_view::npos ? p : p - start));
    if (p == std::string_view::npos) return parts;
    start = p + 1;
  }
}

constexpr std::string_view kArnExample = "arn:aws:iam::123456789012:role/ClaudeCode";

Error arn_error(std::string why) {
  return make_error("AWS_IAM_ROLE " + why,
                    std::string("write the role's ARN, e.g. ") + std::string(kArnExample));
}

}  // namespace

Result<RuntimeKind> parse_runtime(std::string_view value) {
  const std::string hint =
      "RUNTIME=docker, RUNTIME=podman, RUNTIME=nerdctl, or an absolute path such as "
      "/usr/bin/podman";
  const size_t slash = value.rfind('/');
  if (slash != std::string_view::npos && value.front() != '/') {
    return make_error("RUNTIME must be a bare name or an absolute path, not the relative path `" +
                          std::string(value) + "`",
                      hint);
  }
  const std::string_view base = slash == std::string_view::npos ? value : value.substr(slash + 1);
  if (base == "docker") return RuntimeKind::kDocker;
  if (base == "podman") return RuntimeKind::kPodman;
  if (base == "nerdctl") return RuntimeKind::kNerdctl;
  return make_error("RUNTIME `" + std::string(value) + "` is not docker, podman or nerdctl", hint);
}

Status check_image_tag(std::string_view value) {
  const std::string hint = "e.g. IMAGE_TAG=cx:latest or IMAGE_TAG=ghcr.io/you/cx:1.0";
  if (value.empty()) return make_error("IMAGE_TAG is empty", hint);
  if (!is_alnum(value.front())) {
    return make_error("IMAGE_TAG must start with a letter or digit", hint);
  }
  // The characters of the docker reference grammar (name, :tag, @sha256:...).
  for (char c : value) {
    if (!is_alnum(c) && std::string_view("._-/:@").find(c) == std::string_view::npos) {
      return make_error(
          "IMAGE_TAG contains `" + std::string(1, c) + "`, which no image reference can contain",
          hint);
    }
  }
  return Ok{};
}

namespace {

// "-" followed by one or more of a-z, repeated; `s` is consumed up to the
// first character that does not fit. Returns how many groups were read.
size_t dash_words(std::string_view& s) {
  size_t groups = 0;
  while (s.size() >= 2 && s[0] == '-' && s[1] >= 'a' && s[1] <= 'z') {
    size_t i = 1;
    while (i < s.size() && s[i] >= 'a' && s[i] <= 'z') ++i;
    s.remove_prefix(i);
    ++groups;
  }
  return groups;
}

// aws(-[a-z]+)*: aws, aws-cn, aws-us-gov, aws-iso-b, ...
bool is_partition(std::string_view s) {
  if (!s.starts_with("aws")) return false;
  s.remove_prefix(3);
  dash_words(s);
  return s.empty();
}

}  // namespace

// [a-z]{2}(-[a-z]+)+-[0-9]{1,2}: us-east-1, eu-central-2, us-gov-west-1, ...
// (no std::regex: compiling one cost every cx run more than the rest of the
// config's checks together).
static bool is_region_name(std::string_view s) {
  if (s.size() < 2 || s[0] < 'a' || s[0] > 'z' || s[1] < 'a' || s[1] > 'z') return false;
  s.remove_prefix(2);
  if (dash_words(s) == 0) return false;
  // dash_words stopped at "-DIGITS" (or at the end, or at something else).
  if (s.size() < 2 || s.size() > 3 || s[0] != '-') return false;
  for (char c : s.substr(1))
    if (c < '0' || c > '9') return false;
  return true;
}

Status check_role_arn(std::string_view value) {
  // arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE (the resource may hold ':').
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (int k = 0; k < 5; ++k) {
    const size_t p = value.find(':', start);
    if (p == std::string_view::npos) break;
    parts.push_back(value.substr(start, p - start));
    start = p + 1;
  }
  if (parts.size() < 5 || parts[0] != "arn") return arn_error("is not an ARN");
  const std::string_view resource = value.substr(start);
  if (!is_partition(parts[1])) {
    return arn_error("has an unknown partition `" + std::string(parts[1]) + "`");
  }
  if (parts[2] == "sts" && resource.starts_with("assumed-role/")) {
    return arn_error("is an assumed-role session ARN, not the role's ARN");
  }
  if (parts[2] != "iam") return arn_error("is not an IAM ARN (service `iam`)");
  if (!parts[3].empty()) return arn_error("must not name a region (IAM ARNs have `iam::`)");
  if (parts[4].size() != 12 || !all_of(parts[4], [](char c) { return c >= '0' && c <= '9'; })) {
    return arn_error("must have a 12-digit account id");
  }
  if (!resource.starts_with("role/")) {
    const std::string type(resource.substr(0, resource.find('/')));
    return arn_error("names a " + (type.empty() ? std::string("resource") : type) +
                     ", not a role (`:role/NAME`)");
  }
  const std::string_view path_and_name = resource.substr(5);
  const size_t last = path_and_name.rfind('/');
  const std::string_view name =
      last == std::string_view::npos ? path_and_name : path_and_name.substr(last + 1);
  const std::string_view path =
      last == std::string_view::npos ? std::string_view() : path_and_name.substr(0, last);
  if (name.empty() || name.size() > 64 || !all_of(name, is_iam_name_char)) {
    return arn_error("has an invalid role name (1 to 64 of letters, digits and _+=,.@-)");
  }
  // The IAM path /a/b/ appears in the ARN as role/a/b/NAME: no empty segments.
  const bool has_path = last != std::string_view::npos;
  if (has_path && (path.empty() || path.size() > 510 || path.starts_with('/') ||
                   path.ends_with('/') || path.find("//") != std::string_view::npos ||
                   !all_of(path, [](char c) { return c > 0x20 && c < 0x7f; }))) {
    return arn_error("has an invalid role path");
  }
  return Ok{};
}

Status check_region(std::string_view value) {
  if (is_region_name(value)) return Ok{};
  return make_error("AWS_REGION `" + std::string(value) + "` is not a region name",
                    "e.g. AWS_REGION=us-east-1, or remove the line to use the profile's region");
}

namespace {

constexpr std::string_view kProfileResource = "application-inference-profile/";

Error profile_error(const std::string& why) {
  return make_error(
      "not an application inference profile ARN: " + why,
      "copy the inferenceProfileArn that `aws bedrock list-inference-profiles --type-equals "
      "APPLICATION` prints, e.g. arn:aws:bedrock:us-east-1:123456789012:"
      "application-inference-profile/a1b2c3d4e5f6");
}

// The partition a region name belongs to (the ISO partitions are not
// among the ones cx knows, so their regions belong to none).
std::string_view partition_of(std::string_view region) {
  if (region.starts_with("cn-")) return "aws-cn";
  if (region.starts_with("us-gov-")) return "aws-us-gov";
  if (region.find("-iso") != std::string_view::npos) return "";
  return "aws";
}

}  // namespace

Status check_inference_profile_arn(std::string_view value) {
  // Every part has a bound, so a longer value is not one (and is not split).
  if (value.size() > 200) return profile_error("it is longer than any such ARN");
  // arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE; other resources than
  // ours may hold ':' (a system-defined profile's model id does).
  const std::vector<std::string_view> parts = split(value, ':');
  if (parts.size() < 6 || parts[0] != "arn")
    return profile_error("it is not arn:PARTITION:bedrock:REGION:ACCOUNT:RESOURCE");
  const std::string_view partition = parts[1], region = parts[3], account = parts[4];
  const std::string_view resource = value.substr(parts[5].data() - value.data());
  if (partition != "aws" && partition != "aws-cn" && partition != "aws-us-gov")
    return profile_error("the partition must be aws, aws-cn or aws-us-gov");
  if (parts[2] != "bedrock") return profile_error("the service must be bedrock");
  if (resource.starts_with("inference-profile/"))
    return profile_error(
        "it is a system-defined (cross-region) inference profile, which carries no cost "
        "allocation tags; create an application inference profile from it");
  if (resource.starts_with("foundation-model/"))
    return profile_error("it is a foundation model, not an inference profile");
  if (!resource.starts_with(kProfileResource))
    return profile_error("the resource must be application-inference-profile/ID");
  if (!is_region_name(region)) return profile_error("it names no region such as us-east-1");
  if (partition_of(region) != partition)
    return profile_error("its region is not in the partition " + std::string(partition));
  if (account.size() != 12 || !all_of(account, [](char c) { return c >= '0' && c <= '9'; }))
    return profile_error("the account id must be 12 digits");
  const std::string_view id = resource.substr(kProfileResource.size());
  if (id.empty() || id.size() > 64 || !is_alnum(id.front()) ||
      !all_of(id, [](char c) { return is_alnum(c) || c == '.' || c == '_' || c == '-'; }))
    return profile_error(
        "the profile id must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter "
        "or digit");
  return Ok{};
}

std::string_view inference_profile_region(std::string_view arn) { return split(arn, ':').at(3); }

Status check_external_id(std::string_view value) {
  if (value.size() < 2 || value.size() > 1224 ||
      !all_of(value, [](char c) { return is_iam_name_char(c) || c == ':' || c == '/'; })) {
    return make_error("CX_EXTERNAL_ID must be 2 to 1224 of letters, digits and _+=,.@:/-",
                      "use the external id that the role's trust policy expects (sts:ExternalId)");
  }
  return Ok{};
}

Status check_role_session_name(std::string_view value) {
  if (value.size() < 2 || value.size() > 64 || !all_of(value, is_iam_name_char)) {
    return make_error("CX_ROLE_SESSION_NAME must be 2 to 64 of letters, digits and _+=,.@-",
                      "or remove the line to get cx-USER-PROJECT");
  }
  return Ok{};
}

Result<Mount> parse_mount(std::string_view entry, std::string_view home) {
  const std::string e(entry);
  const std::string hint = "entries look like ~/data:/data or /opt/tools:/opt/tools:ro";
  const std::vector<std::string_view> parts = split(entry, ':');
  if (parts.size() < 2 || parts.size() > 3) {
    return make_error("CX_MOUNTS entry `" + e + "` is not HOST:CONTAINER[:ro]", hint);
  }
  Mount m;
  m.host = std::string(parts[0]);
  m.container = std::string(parts[1]);
  if (m.host == "~" || m.host.starts_with("~/")) {
    if (home.empty()) return make_error("cannot expand ~ in CX_MOUNTS: HOME is not set", hint);
    m.host = std::string(home) + m.host.substr(1);
  }
  if (parts.size() == 3) {
    if (parts[2] == "ro") {
      m.read_only = true;
    } else if (parts[2] != "rw") {
      return make_error("CX_MOUNTS entry `" + e + "` has the option `" + std::string(parts[2]) +
                            "`; only ro and rw are supported",
                        hint);
    }
  }
  if (!m.host.starts_with('/')) {
    return make_error("CX_MOUNTS entry `" + e + "`: the host path must be absolute", hint);
  }
  if (!m.container.starts_with('/')) {
    return make_error("CX_MOUNTS entry `" + e + "`: the container path must be absolute", hint);
  }
  if (m.container.find_first_not_of('/') == std::string::npos) {
    return make_error("CX_MOUNTS entry `" + e + "` would mount over the container's /", hint);
  }
  return m;
}

Result<int> parse_seconds(std::string_view key, std::string_view value, int min, int max) {
  const std::string range = std::to_string(min) + " and " + std::to_string(max);
  int n = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  const bool digits = !value.empty() && all_of(value, [](char c) { return c >= '0' && c <= '9'; });
  if (!digits || ec != std::errc() || end != value.data() + value.size() || n < min || n > max) {
    return make_error(std::string(key) + " must be a whole number of seconds between " + range +
                          ", not `" + std::string(value) + "`",
                      "e.g. " + std::string(key) + "=" + std::to_string(std::max(min, 900)));
  }
  return n;
}

}  // namespace cx::config
